"""A Python-Markdown extension: a missing include fails the build with one line, not a traceback.

``pymdownx.snippets`` (with ``check_paths``) raises ``SnippetMissingError`` for an
include whose file or section is missing (``--8<-- "snippets/x.py:nopart"``), and an
``OSError`` for one it cannot read (a folder named like the file). MkDocs prints any
exception but its own ``BuildError`` as a traceback. This extension, listed after
``pymdownx.snippets`` in ``mkdocs.yml``, wraps the snippets preprocessor's ``run`` and
raises either as a ``BuildError`` naming the page (its ``page`` option, which the MkDocs
hook sets before each page is rendered) and what is missing:
``index.md: Snippet section 'nopart' could not be located``.
"""

from __future__ import annotations

from typing import Callable

from markdown import Extension, Markdown
from mkdocs.exceptions import BuildError
from pymdownx.snippets import SnippetMissingError

#: The name ``mkdocs.yml`` lists the extension by, and its options are keyed by.
NAME = __name__
#: The name ``pymdownx.snippets`` registers its preprocessor under.
SNIPPETS = "snippet"

Lines = list[str]


def reported(run: Callable[[Lines], Lines], page: str) -> Callable[[Lines], Lines]:
    """The snippets preprocessor's ``run``, its errors raised as a one-line ``BuildError`` naming ``page``."""

    def run_reported(lines: Lines) -> Lines:
        try:
            return run(lines)
        except SnippetMissingError as err:
            raise BuildError(f"{page}: {err}") from None
        except OSError as err:
            raise BuildError(f"{page}: cannot include {err.filename}: {err.strerror or err}") from None

    return run_reported


class SnippetErrors(Extension):
    """Report the errors of the preprocessor ``pymdownx.snippets`` registered (list this one after it)."""

    def __init__(self, **kwargs) -> None:
        self.config = {"page": ["a page", "the page being rendered, named in the error (the MkDocs hook sets it)"]}
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Python-Markdown's name)
        # The registered preprocessor stays in place (pymdownx's reset() looks it up by name);
        # only this instance's run is wrapped.
        snippets = md.preprocessors[SNIPPETS]
        snippets.run = reported(snippets.run, self.getConfig("page"))


def makeExtension(**kwargs) -> SnippetErrors:  # noqa: N802 (Python-Markdown's name)
    """The extension, as Python-Markdown loads it by module name."""
    return SnippetErrors(**kwargs)
