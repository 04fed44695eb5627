"""The artifact list: everything ``python -m actdocs build`` makes.

The list's order does not matter: the build orders the artifacts from what each one
``reads`` and ``outputs`` (:mod:`actdocs.order`).
"""

from __future__ import annotations

from actdocs.build import Artifact


def all_artifacts() -> list[Artifact]:
    """Every artifact of the site, from every producer module.

    The listings' fork server is started first: its imports of torch and matplotlib
    overlap the producers' imports below instead of delaying the first listing.
    """
    from actdocs import listings

    listings.start_fork_server()
    from actdocs import (bench, claims, demos, experiments, facts, figures, gate_figure, guide, listing_figures,
                         notebooks, reference_page, tables, torch_nn)

    return [
        *notebooks.artifacts(),     # the exercise notebooks, executed in kernels
        *tables.artifacts(),        # property, variant, usage and summary tables; the cards
        *torch_nn.artifacts(),      # every torch.nn activation module and the card that covers it
        *guide.artifacts(),         # the choosing guide
        *figures.artifacts(),       # every activation's curve, light and dark
        *gate_figure.artifacts(),   # the gated units as a family of curves
        *listings.artifacts(without=listing_figures.FIGURES),  # each snippet's captured output
        *listing_figures.artifacts(),  # a listing's output and a figure of its results, from one run
        *experiments.artifacts(),   # real networks, seeded
        *bench.artifacts(),         # the quick benchmark
        *demos.artifacts(),         # plotly data for the interactive demos
        *facts.artifacts(),         # measured numbers quoted by the section pages
        *claims.artifacts(),        # every claim of the textbook with its verdict
        *reference_page.artifacts(),  # the References page, with the pages that cite each entry
    ]
