"""Producers of the reference pages: figures, tables, notation, the torch.nn coverage,
the choosing guide, measured facts, the glossary and the References page."""
