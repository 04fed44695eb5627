"""The ``<!-- md:figure KEY -->`` shortcode: a catalog record's figure on a page.

A page shows the figure of record ``KEY`` (light and dark images sharing one alt text)
by writing ``<!-- md:figure KEY -->``; the MkDocs hook expands it with
:func:`actdocs.site.shortcodes.expand`. The cards of the "All activations" page use the same
:func:`figure_markdown`, so a figure has one Markdown producer. An unknown key is a
:class:`~actdocs.site.shortcodes.ShortcodeError`: one line naming the page, a failed build.
"""

from __future__ import annotations

from actdocs.site import shortcodes
from actdocs.render.markdown import SERVED_ROOT, image_pair


def figure_markdown(key: str, root: str = SERVED_ROOT) -> str:
    """Record ``key``'s figure as two Material images (light, dark) served under ``root``;
    an unknown key raises :class:`catalog.UnknownActivationError`."""
    # Imported here, not above: they import torch and matplotlib (seconds), and the
    # MkDocs hook imports this module for every build, pages with no figure included.
    from actdocs import catalog
    from actdocs.produce.figures import alt_text, figure_path

    record = catalog.get(key)
    return image_pair(alt_text(record), figure_path(record.key, "{theme}"), root=root)


def _figure(args: str, page: str) -> str:
    """The ``figure`` shortcode on ``page`` (a path under docs/): one catalog key."""
    keys = args.split()
    if len(keys) != 1:
        raise shortcodes.ShortcodeError(f"{page}: md:figure takes one activation key, got {args!r}")
    from actdocs import catalog  # imported on first use, as in figure_markdown

    root = "../" * page.count("/") + SERVED_ROOT
    try:
        text = figure_markdown(keys[0], root)
    except catalog.UnknownActivationError as err:
        raise shortcodes.ShortcodeError(f"{page}: md:figure: {err.args[0]}") from None
    # One line, so that a figure inside an indented block (a tab) stays inside it.
    return " ".join(text.split("\n")).strip()


shortcodes.register("figure", _figure)
