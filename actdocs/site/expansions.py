"""A Python-Markdown extension: the site's page-time expansions, under any builder.

Listed under ``markdown_extensions`` in ``mkdocs.yml`` (after ``pymdownx.snippets``), it
runs wherever Python-Markdown converts a page: MkDocs, ProperDocs, Zensical. It

* registers a preprocessor, :data:`PRIORITY`, above ``pymdownx.snippets``' (32), that
  expands the page's shortcodes before any include is resolved:
  ``<!-- md:listing NAME -->`` (:mod:`actdocs.site.listing_markdown`), then the
  citations ``[@key]`` and ``<!-- md:cite ... -->`` and ``<!-- md:figure KEY -->``
  (:mod:`actdocs.render.shortcodes`, :mod:`actdocs.site.figure_markdown`). Fenced and
  inline code are left alone. A shortcode that cannot be expanded fails the build with
  one line naming the page (:func:`actdocs.site.markdown_page.failure`);
* adds the artifact cache to ``pymdownx.snippets``' base paths, so that a page includes
  a generated table or fragment as ``--8<-- "tables/properties.md"``.

The page's path (for links relative to it and for error messages) is the one the
builder gives the Markdown instance (:func:`actdocs.site.markdown_page.page_path`).
"""

from __future__ import annotations

from markdown import Extension, Markdown
from markdown.preprocessors import Preprocessor

from actdocs.engine.build import default_cache
from actdocs.render import shortcodes
from actdocs.site import figure_markdown, listing_markdown  # noqa: F401 (each registers its shortcode)
from actdocs.site.markdown_page import failure, page_path

#: The name ``pymdownx.snippets`` registers its preprocessor under.
SNIPPETS = "snippet"
#: This preprocessor's name and priority: above ``pymdownx.snippets``' 32, so it runs first.
NAME = "actdocs-shortcodes"
PRIORITY = 40


class ShortcodePreprocessor(Preprocessor):
    """Expand the page's shortcodes (see :mod:`this module <actdocs.site.expansions>`)."""

    def run(self, lines: list[str]) -> list[str]:
        """The page's lines with every shortcode outside code expanded."""
        page = page_path(self.md)
        snippets = self.md.preprocessors[SNIPPETS]
        try:
            lines = listing_markdown.expand(lines, page, lambda path: snippets.get_snippet_path(path) is not None)
            return shortcodes.expand("\n".join(lines), page).split("\n")
        except shortcodes.ShortcodeError as err:
            raise failure(str(err)) from None


class Expansions(Extension):
    """The site's shortcodes, and the artifact cache as a place to include from."""

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Python-Markdown's name)
        """Register the preprocessor; add the cache to the snippets preprocessor's base paths."""
        if SNIPPETS not in md.preprocessors:
            raise failure(f"{__name__} includes through pymdownx.snippets: list it after pymdownx.snippets")
        snippets = md.preprocessors[SNIPPETS]
        cache = str(default_cache().resolve())
        if cache not in snippets.base_path:
            snippets.base_path.append(cache)
        md.preprocessors.register(ShortcodePreprocessor(md), NAME, PRIORITY)


def makeExtension(**kwargs) -> Expansions:  # noqa: N802 (Python-Markdown's name)
    """The extension, as Python-Markdown loads it by module name."""
    return Expansions(**kwargs)
