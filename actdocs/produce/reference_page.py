"""The References page: every record of :mod:`actdocs.references` and the pages citing it.

A page cites a reference when its Markdown holds a citation shortcode (``[@key]``,
see :mod:`actdocs.render.shortcodes`) or when a generated fragment it includes
(``--8<-- "tables/usage.md"``) holds a citation link that :func:`actdocs.references.cite`
wrote. The artifact ``references-page`` writes ``tables/references.md``, one entry per
record in the table's order, each listing the pages that cite it, for
``docs/references.md`` to include. Its cache key covers every page under ``docs/``
(``inputs``) and every generated file they include (``reads``), so a new citation
remakes it. A page that includes a file neither in the repository nor made by an
artifact, or that is not UTF-8 text, stops the build with a :class:`UsageError` naming it.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path
from typing import Collection

from actdocs import paths
from actdocs import references
from actdocs.render import shortcodes
from actdocs.engine.artifact import REPO_ROOT, Artifact, Context
from actdocs.engine.errors import UsageError
from actdocs.render.markdown import write_text

MODULE = "actdocs.produce.reference_page"
OUTPUT = paths.table("references")
DOCS = "docs"

#: A snippet include, with an optional ``:section``.
INCLUDE = re.compile(r'^[ \t]*--8<--[ \t]+"([^":]+)(?::[^"]*)?"', re.M)
#: A citation link as :func:`actdocs.references.cite` writes it.
LINKED = re.compile(r"\]\((?:\.\./)*" + re.escape(references.PAGE) + r"#([\w-]+)\)")


def pages(root: Path = REPO_ROOT) -> list[Path]:
    """The Markdown pages under ``docs/``, sorted (files only: a folder may end in ``.md``)."""
    return sorted(path for path in (root / DOCS).rglob("*.md") if path.is_file())


def page_text(page: Path, root: Path) -> str:
    """The Markdown of ``page``; a page that is not UTF-8 is a :class:`UsageError` naming it."""
    try:
        return page.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise UsageError(f"{page.relative_to(root)}: not UTF-8 text ({err.reason} at byte {err.start})") from None


def includes(text: str) -> list[str]:
    """The files a page includes with ``--8<--``, without their sections."""
    return INCLUDE.findall(text)


def generated_includes(made: Collection[str], root: Path = REPO_ROOT) -> list[str]:
    """Every file the pages include that is not in the repository: one of ``made`` (the
    other artifacts' outputs). Any other is a :class:`UsageError` naming the page and the file."""
    found = set()
    for page in pages(root):
        for path in includes(page_text(page, root)):
            if (root / path).is_file() or path == OUTPUT:
                continue
            if path not in made:
                raise UsageError(f"{page.relative_to(root)} includes {path}, which is neither a file in the "
                                 "repository nor an output of any artifact")
            found.add(path)
    return sorted(found)


def cited_in(text: str) -> set[str]:
    """The keys a piece of Markdown cites, by shortcode or by a generated citation link."""
    return set(shortcodes.cited(text)) | set(LINKED.findall(text))


def title(text: str, fallback: str) -> str:
    """The page's first level-one heading, or ``fallback``."""
    match = re.search(r"^# +(.+?)\s*$", text, re.M)
    return match.group(1) if match else fallback


def citing_pages(root: Path, cache: Path) -> dict[str, list[tuple[str, str]]]:
    """For each key, the (title, path under docs/) of the pages citing it, in page order."""
    citing: dict[str, list[tuple[str, str]]] = {}
    for page in pages(root):
        text = page_text(page, root)
        keys = cited_in(text)
        generated = []
        for included in includes(text):
            if included != OUTPUT and (cache / included).is_file():
                generated.append((cache / included).read_text(encoding="utf-8"))
                keys |= cited_in(generated[-1])
        rel = page.relative_to(root / DOCS).as_posix()
        name = title("\n".join([text, *generated]), rel)  # a stub's title is in the body it includes
        for key in keys:
            citing.setdefault(key, []).append((name, rel))
    return citing


def entry(ref: references.Reference, cited_on: list[tuple[str, str]]) -> str:
    """One reference as a paragraph with its anchor, then where it is cited."""
    ids = "".join(f" {label}: {value}." for label, value in (("arXiv", ref.arxiv), ("DOI", ref.doi)) if value)
    if ref.date:
        ids += f" Dated {ref.date}."
    if ref.url:
        ids += f" <{ref.url}>"  # a plain link: nothing is loaded from it
    text = (f'<a id="{ref.key}"></a>{ref.full_authors} ({ref.year}). {ref.title}. '
            f"*{ref.venue}*.{ids}")
    if cited_on:
        here = posixpath.dirname(references.PAGE) or "."
        links = ", ".join(f"[{name}]({posixpath.relpath(path, here)})" for name, path in cited_on)
        return f"{text} Cited on: {links}.\n"
    if ref.background:
        return f"{text} Background: {ref.background}\n"
    return f"{text} Not cited on any page.\n"


def page_order() -> list[references.Reference]:
    """The references as the page lists them: by year, then by key (the first author's family name,
    or the organisation's first word)."""
    return sorted(references.REFERENCES, key=lambda ref: (ref.year, ref.key))


def page_fragment(citing: dict[str, list[tuple[str, str]]]) -> str:
    """Every reference, in :func:`page_order`, as paragraphs separated by blank lines."""
    return "\n".join(entry(ref, citing.get(ref.key, [])) for ref in page_order())


def _make(out: Path, ctx: Context) -> None:
    write_text(out, OUTPUT, page_fragment(citing_pages(ctx.root, ctx.cache)))


def artifacts(made: Collection[str], root: Path = REPO_ROOT) -> list[Artifact]:
    """``references-page``: read after everything the pages include, of the outputs ``made``
    by the other artifacts (see :func:`generated_includes`)."""
    return [Artifact(
        name="references-page",
        outputs=(OUTPUT,),
        make=_make,
        module=MODULE,
        inputs=tuple(p.relative_to(root).as_posix() for p in pages(root)),
        reads=tuple(generated_includes(made, root)),
    )]
