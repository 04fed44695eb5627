"""The artifact list: everything ``python -m actdocs build`` makes, in build order.

An artifact that reads another's output (``Artifact.reads``) comes after it: the demos
and the claims read the experiments' JSON, the facts and the claims read the quick
benchmark's. The notebooks come first: they run in the background while the rest is
made, and the benchmark waits for them so that it times an idle machine.
"""

from __future__ import annotations

from actdocs.build import Artifact


def all_artifacts() -> list[Artifact]:
    """Every artifact of the site, from every producer module, in build order."""
    from actdocs import bench, claims, demos, experiments, facts, figures, guide, listings, notebooks, reference_page, tables

    return [
        *notebooks.artifacts(),     # the exercise notebooks, in the background (kernels)
        *tables.artifacts(),        # property, variant, usage and summary tables; the cards
        *guide.artifacts(),         # the choosing guide
        *figures.artifacts(),       # every activation's curve, light and dark
        *listings.artifacts(),      # each snippet's captured output
        *experiments.artifacts(),   # real networks, seeded
        *bench.artifacts(),         # the quick benchmark, alone once the notebooks are done
        *demos.artifacts(),         # plotly data for the interactive demos
        *facts.artifacts(),         # measured numbers quoted by the section pages
        *claims.artifacts(),        # every claim of the source with its verdict
        *reference_page.artifacts(),  # the References page, after everything the pages include
    ]
