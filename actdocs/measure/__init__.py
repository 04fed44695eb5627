"""Measuring: autograd on a grid, the properties and kinks of each activation, the
formulas as SymPy and their values, verdict rules, and the evidence of recorded runs."""
