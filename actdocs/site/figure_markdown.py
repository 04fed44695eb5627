"""The ``<!-- md:figure KEY -->`` shortcode: a catalog record's figure on a page.

A page shows the figure of record ``KEY`` (light and dark images sharing one alt text)
by writing ``<!-- md:figure KEY -->``. The figure's artifact wrote that image pair
(:func:`actdocs.paths.activation_figure_fragment`, the same file the cards of the "All
activations" page include), so the shortcode only reads it from the artifact cache: a
figure has one Markdown producer, and the page process computes nothing.

The fragment links the images under :data:`actdocs.paths.SERVED_ROOT` as a page at the
top of ``docs/`` sees them; on a page in a sub-folder the shortcode makes those links
relative to the page (``../generated/...``). A key whose figure the cache does not hold
fails the build with one line naming page and key.
"""

from __future__ import annotations

import re

from actdocs import paths
from actdocs.engine.build import default_cache
from actdocs.render import shortcodes
from actdocs.site.markdown_page import relative_root

_KEY = re.compile(r"[\w-]+")
#: A Markdown link or image target under the served root: ``](generated/``.
_SERVED_TARGET = re.compile(rf"\]\({re.escape(paths.SERVED_ROOT)}/")


def figure_markdown(key: str, page: str) -> str:
    """The image pair of record ``key``'s figure as page ``page`` (under ``docs/``) links it."""
    fragment = paths.activation_figure_fragment(key)
    try:
        pair = (default_cache() / fragment).read_text(encoding="utf-8")
    except OSError:
        raise shortcodes.ShortcodeError(
            f"md:figure {key}: no such figure ({fragment} is not in the artifact cache; a catalog key?)"
        ) from None
    root = relative_root(page, paths.SERVED_ROOT)
    return _SERVED_TARGET.sub(lambda _: f"]({root}/", pair).rstrip("\n")


def _figure(args: str, page: str) -> str:
    """The ``figure`` shortcode on ``page``: one catalog key."""
    if not _KEY.fullmatch(args.strip()):
        raise shortcodes.ShortcodeError(f"md:figure takes one activation key, got {args!r}")
    return figure_markdown(args.strip(), page)


shortcodes.register("figure", _figure)
