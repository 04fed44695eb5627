"""What a Python-Markdown extension of the site knows of the page it renders, under any builder.

MkDocs, and ProperDocs (its fork), register on each page's ``Markdown`` instance a
``relpath`` treeprocessor that holds the page's ``File`` (mkdocs-quiz does the same for
the fragments of a quiz it converts); Zensical (0.1) registers a ``rendering_context``
preprocessor that holds its ``Page``. :func:`page_path` reads the page's path under
``docs/`` from either, for relative links and for error messages. Where a builder gives
neither, a page is rendered as if it were at the top of ``docs/``, and an error names
it "a page" (:data:`actdocs.render.shortcodes.UNNAMED`).

:func:`failure` is the exception an extension raises for a page that cannot be
rendered: MkDocs' ``BuildError`` where ``mkdocs`` can be imported (ProperDocs aliases
``mkdocs.*`` to its own modules), which MkDocs reports as one line with no traceback.
"""

from __future__ import annotations

import posixpath

from markdown import Markdown

#: The name MkDocs registers its link-rewriting treeprocessor under (``structure/pages.py``);
#: its ``file.src_uri`` is the page's path.
RELPATH = "relpath"
#: The name Zensical registers its page context preprocessor under; its ``page.path`` is the page's path.
ZENSICAL_CONTEXT = "rendering_context"


def page_path(md: Markdown) -> str:
    """The path under ``docs/`` of the page ``md`` renders (``"sub/page.md"``); ``""``
    (a top-level page) where the builder does not say."""
    if RELPATH in md.treeprocessors:
        found = getattr(getattr(md.treeprocessors[RELPATH], "file", None), "src_uri", None)
    elif ZENSICAL_CONTEXT in md.preprocessors:
        found = getattr(getattr(md.preprocessors[ZENSICAL_CONTEXT], "page", None), "path", None)
    else:
        found = None
    return found if isinstance(found, str) else ""


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
