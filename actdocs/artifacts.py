"""The artifact list: everything ``python -m actdocs build`` makes.

The list's order does not matter: the build orders the artifacts from what each one
``reads`` and ``outputs`` (:mod:`actdocs.engine.order`).
"""

from __future__ import annotations

from actdocs.engine.artifact import Artifact


def all_artifacts() -> list[Artifact]:
    """Every artifact of the site, from every producer module; the References page is given
    the others' outputs, so that a page including a file that none makes is named.

    The listings' fork server is started first: its imports of torch and matplotlib
    overlap the producers' imports below instead of delaying the first listing.
    """
    from actdocs.execute import listings

    listings.start_fork_server()
    from actdocs.bench import site as bench
    from actdocs.experiments import site as experiments
    from actdocs.execute import listing_figures, notebooks
    from actdocs.interactive import demos
    from actdocs.produce import activation_pages, facts, figures, framework_defaults, gate_figure, glossary, guide
    from actdocs.produce import memory_tables
    from actdocs.produce import reference_page, tables, torch_nn
    from actdocs.textbook import claims_page, statements

    others = [
        *notebooks.artifacts(),     # the exercise notebooks, executed in kernels
        *tables.artifacts(),        # property, variant, usage and summary tables; the cards
        *glossary.artifacts(),      # one definition of each measured term
        *memory_tables.artifacts(), # what autograd keeps for the backward pass, per activation
        *torch_nn.artifacts(),      # every torch.nn activation module and the card that covers it
        *framework_defaults.artifacts(),  # defaults that differ between PyTorch, JAX, Keras and TensorFlow
        *guide.artifacts(),         # the choosing guide
        *figures.artifacts(),       # every activation's curve, light and dark
        *activation_pages.artifacts(),  # one page per activation, from its record and the measurements
        *gate_figure.artifacts(),   # the gated units as a family of curves
        *listings.artifacts(without=listing_figures.FIGURES),  # each snippet's captured output
        *listing_figures.artifacts(),  # a listing's output and a figure of its results, from one run
        *experiments.artifacts(),   # real networks, seeded
        *bench.artifacts(),         # the quick benchmark
        *demos.artifacts(),         # plotly data for the interactive demos
        *facts.artifacts(),         # measured numbers quoted by the section pages
        *claims_page.artifacts(),   # every claim of the textbook with its verdict
        *statements.artifacts(),    # every statement of the textbook with its verdict and source
    ]
    outputs = {rel for artifact in others for rel in artifact.outputs}
    return [*others, *reference_page.artifacts(outputs)]  # the References page, with the pages citing each entry
