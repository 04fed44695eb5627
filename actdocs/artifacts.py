"""The artifact list: everything ``python -m actdocs build`` makes, in build order."""

from __future__ import annotations

from actdocs.build import Artifact


def all_artifacts() -> list[Artifact]:
    """Every artifact of the site, from every producer module."""
    from actdocs import figures, listings, tables

    return [*tables.artifacts(), *figures.artifacts(), *listings.artifacts()]
