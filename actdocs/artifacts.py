"""The artifact list: everything ``python -m actdocs build`` makes, in build order."""

from __future__ import annotations

from actdocs.build import Artifact


def all_artifacts() -> list[Artifact]:
    """Every artifact of the site, from every producer module, in build order."""
    from actdocs import facts, figures, guide, listings, tables

    return [
        *tables.artifacts(),
        *guide.artifacts(),
        *figures.artifacts(),
        *listings.artifacts(),
        *facts.artifacts(with_bench=False),
    ]
