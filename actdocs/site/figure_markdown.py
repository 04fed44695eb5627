"""The ``<!-- md:figure KEY -->`` shortcode: a catalog record's figure on a page.

A page shows the figure of record ``KEY`` (light and dark images sharing one alt text)
by writing ``<!-- md:figure KEY -->``. The figure's artifact wrote that image pair
(:func:`actdocs.paths.activation_figure_fragment`), so the shortcode only includes it,
as the cards of the "All activations" page do: a figure has one Markdown producer, and
the page process computes nothing. A key with no figure fails the build through
``pymdownx.snippets``' missing-file check (one line naming page and include).
"""

from __future__ import annotations

import re

from actdocs import paths
from actdocs.render import shortcodes

_KEY = re.compile(r"[\w-]+")


def _figure(args: str, page: str) -> str:
    """The ``figure`` shortcode on ``page`` (a path under docs/): one catalog key."""
    if not _KEY.fullmatch(args.strip()):
        raise shortcodes.ShortcodeError(f"{page}: md:figure takes one activation key, got {args!r}")
    return f'--8<-- "{paths.activation_figure_fragment(args.strip())}"'


shortcodes.register("figure", _figure)
