"""A Python-Markdown extension: a missing include fails the build with one line, not a traceback.

``pymdownx.snippets`` (with ``check_paths``) raises ``SnippetMissingError`` for an
include whose file or section is missing (``--8<-- "snippets/x.py:nopart"``), and an
``OSError`` for one it cannot read (a folder named like the file). MkDocs prints any
exception but its own ``BuildError`` as a traceback. This extension, listed after
``pymdownx.snippets`` in ``mkdocs.yml``, wraps the snippets preprocessor's ``run`` and
raises either as a ``BuildError`` (:func:`actdocs.site.markdown_page.failure`) naming the
page, as the builder gives it to the Markdown instance
(:func:`actdocs.site.markdown_page.page_path`), and what is missing:
``index.md: Snippet section 'nopart' could not be located``.
"""

from __future__ import annotations

from typing import Callable

from markdown import Extension, Markdown
from pymdownx.snippets import SnippetMissingError

from actdocs.render.shortcodes import page_name
from actdocs.site.expansions import SNIPPETS
from actdocs.site.markdown_page import failure, page_path

Lines = list[str]


def reported(run: Callable[[Lines], Lines], page: Callable[[], str]) -> Callable[[Lines], Lines]:
    """The snippets preprocessor's ``run``, its errors raised as one line naming the page ``page()`` gives."""

    def run_reported(lines: Lines) -> Lines:
        try:
            return run(lines)
        except SnippetMissingError as err:
            raise failure(f"{page_name(page())}: {err}") from None
        except OSError as err:
            raise failure(f"{page_name(page())}: cannot include {err.filename}: {err.strerror or err}") from None

    return run_reported


class SnippetErrors(Extension):
    """Report the errors of the preprocessor ``pymdownx.snippets`` registered (list this one after it)."""

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Python-Markdown's name)
        """Wrap the snippets preprocessor's ``run`` of this Markdown instance."""
        # The registered preprocessor stays in place (pymdownx's reset() looks it up by name);
        # only this instance's run is wrapped.
        snippets = md.preprocessors[SNIPPETS]
        snippets.run = reported(snippets.run, lambda: page_path(md))


def makeExtension(**kwargs) -> SnippetErrors:  # noqa: N802 (Python-Markdown's name)
    """The extension, as Python-Markdown loads it by module name."""
    return SnippetErrors(**kwargs)
