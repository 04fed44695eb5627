"""What a Python-Markdown extension of the site knows of the page it renders, under any builder.

MkDocs, and ProperDocs (its fork), register on each page's ``Markdown`` instance a
``relpath`` treeprocessor that holds the page's ``File`` (mkdocs-quiz does the same for
the fragments of a quiz it converts): :func:`page_path` reads the page's path under
``docs/`` from it, for relative links and for error messages. A builder that gives
none (Zensical) renders every page as if it were at the top of ``docs/``, and an
error names it as :data:`UNNAMED`.

:func:`failure` is the exception an extension raises for a page that cannot be
rendered: MkDocs' ``BuildError`` where ``mkdocs`` can be imported (ProperDocs aliases
``mkdocs.*`` to its own modules), which MkDocs reports as one line with no traceback.
"""

from __future__ import annotations

import posixpath

from markdown import Markdown

#: The name MkDocs registers its link-rewriting treeprocessor under (``structure/pages.py``).
RELPATH = "relpath"
#: How an error names a page the builder did not name.
UNNAMED = "a page"


def page_path(md: Markdown) -> str:
    """The path under ``docs/`` of the page ``md`` renders (``"sub/page.md"``); ``""``
    (a top-level page) where the builder does not say."""
    if RELPATH not in md.treeprocessors:
        return ""
    src = getattr(getattr(md.treeprocessors[RELPATH], "file", None), "src_uri", None)
    return src if isinstance(src, str) else ""


def page_name(page: str) -> str:
    """``page`` (a path under ``docs/``, or ``""``) as an error message names it."""
    return page or UNNAMED


def relative_root(page: str, root: str) -> str:
    """The path from page ``page`` (under ``docs/``) to the site folder ``root``:
    ``"generated"`` for ``"index.md"``, ``"../generated"`` for ``"sub/page.md"``."""
    return posixpath.relpath(root, posixpath.dirname(page) or ".")


def failure(message: str) -> Exception:
    """The exception that fails the build with ``message`` as one line: MkDocs' (or
    ProperDocs') ``BuildError``, or a ``RuntimeError`` under a builder without MkDocs' API."""
    try:
        from mkdocs.exceptions import BuildError
    except ImportError:  # another builder (Zensical): it reports the exception its own way
        return RuntimeError(message)
    return BuildError(message)
