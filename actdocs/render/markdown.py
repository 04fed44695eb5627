"""Markdown output shared by every producer: the one home of what a page includes.

* :func:`markdown_table`: the one pipe-table renderer;
* :func:`image_pair`: a figure's light and dark images with one alt-text policy;
* :func:`rebase_links`: a fragment written for a top-level page, made fit for a page in a sub-folder;
* :func:`write_text`: writing a text artifact (its folder created, UTF-8, ``\\n``);
* :func:`text_artifact`: an artifact made of one rendered text file.

It depends on nothing else in the package but the engine's :class:`~actdocs.engine.artifact.Artifact`
(which keys no cache entry), so a module that only renders tables (experiments,
benchmarks, claims) is not re-run when figures or the catalog's tables change.
"""

from __future__ import annotations

import functools
import posixpath
import re
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence

from actdocs.paths import SERVED_ROOT, THEMES
from actdocs.engine.artifact import Artifact, Context


_ALIGN = {None: "---", "left": ":---", "right": "---:", "center": ":---:", "l": ":---", "r": "---:", "c": ":---:"}

# A code span (any run of backticks up to the same run) or inline math ($...$).
_SPAN = re.compile(r"(?P<code>(?P<tics>`+).+?(?P=tics))|(?P<math>(?<![\\$])\$(?![\s$]).*?(?<![\s\\])\$)", re.S)


def _escape_text(text: str) -> str:
    return text.replace("|", r"\|")


def _escape_math(math: str) -> str:
    # Math reaches arithmatex before Markdown's escapes run, so "\|" would stay a TeX
    # double bar: write the bars as TeX commands instead.
    return math.replace(r"\|", r"\Vert ").replace("|", r"\vert ")


def escape_cell(value: object) -> str:
    """A table cell's text: pipes escaped, line breaks folded into spaces.

    Pipes in plain text become ``\\|``; pipes in inline math ``$...$`` become
    ``\\vert`` (``\\|`` would reach TeX as a double bar); code spans are left alone
    (Python-Markdown's tables already ignore pipes inside backticks).
    """
    text = " ".join(str(value).splitlines()).strip()
    parts: list[str] = []
    pos = 0
    for m in _SPAN.finditer(text):
        parts.append(_escape_text(text[pos : m.start()]))
        parts.append(m.group() if m.group("code") else _escape_math(m.group()))
        pos = m.end()
    parts.append(_escape_text(text[pos:]))
    return "".join(parts)


def markdown_table(
    headers: Sequence[object],
    rows: Iterable[Sequence[object]],
    align: Sequence[str | None] | None = None,
) -> str:
    """A pipe table: header row, separator row (with alignment), one line per row.

    ``align`` gives per column ``"left"``, ``"right"``, ``"center"`` (or ``l``/``r``/
    ``c``) or None. Every row must have as many cells as there are headers. The text
    ends with a newline.
    """
    headers = [escape_cell(h) for h in headers]
    if align is None:
        align = [None] * len(headers)
    if len(align) != len(headers):
        raise ValueError(f"align has {len(align)} entries for {len(headers)} columns")
    try:
        seps = [_ALIGN[a] for a in align]
    except KeyError as err:
        raise ValueError(f"unknown alignment {err.args[0]!r}; use left, right, center or None") from None
    lines = ["| " + " | ".join(headers) + " |", "| " + " | ".join(seps) + " |"]
    for row in rows:
        cells = [escape_cell(c) for c in row]
        if len(cells) != len(headers):
            raise ValueError(f"row has {len(cells)} cells for {len(headers)} columns: {cells}")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------ images



def alt_text(text: str) -> str:
    """``text`` made safe as alt text inside ``![...]``: brackets become parentheses,
    runs of white space one space. Empty alt text is refused (every image needs one)."""
    cleaned = " ".join(text.replace("[", "(").replace("]", ")").split())
    if not cleaned:
        raise ValueError("an image needs alt text")
    return cleaned


#: How :func:`image_pair` loads its images (when scrolled near), and how a figure at the top
#: of a page loads instead (:func:`loaded_with_the_page`).
LAZY, EAGER = "loading=lazy", "loading=eager"


def image_pair(
    alt: str,
    path: str | Mapping[str, str],
    *,
    root: str = SERVED_ROOT,
    size: tuple[int, int] | None = None,
) -> str:
    """A figure's two images, light then dark, sharing one alt text.

    ``path`` is the figure's path in the artifact cache with ``{theme}`` where the theme
    goes (``"figures/relu-{theme}.svg"``), or a mapping theme -> path. The site serves
    the cache under ``root``. ``size`` (width, height in CSS pixels) is written as the
    images' ``width`` and ``height``, so that the page does not shift as they load.
    """
    paths = {t: path.format(theme=t) for t in THEMES} if isinstance(path, str) else dict(path)
    attrs = LAZY + (f" width={size[0]} height={size[1]}" if size else "")
    text = alt_text(alt)
    return "\n".join(f"![{text}]({root}/{paths[t]}#only-{t}){{ {attrs} }}" for t in THEMES) + "\n"


def loaded_with_the_page(pair: str) -> str:
    """An image pair (:func:`image_pair`) that loads with the page instead of when it is
    scrolled near: for a figure at the top of a page, which is then its largest paint."""
    return pair.replace("{ " + LAZY, "{ " + EAGER)


#: The start of a relative Markdown link or image target: ``](`` not followed by a scheme
#: (``https:``), a site-absolute path or an anchor of the same page.
_RELATIVE_TARGET = re.compile(r"\]\((?![A-Za-z][\w+.-]*:|/|#)")


def rebase_links(markdown: str, page: str) -> str:
    """``markdown``, whose relative links and images are written as a page at the top of
    ``docs/`` sees them, as page ``page`` (a path under ``docs/``) must write them:
    ``](glossary.md#kink)`` becomes ``](../glossary.md#kink)`` for ``activations/relu.md``.
    Links to other sites and anchors of the page itself are left alone."""
    up = posixpath.relpath(".", posixpath.dirname(page) or ".")
    if up == ".":
        return markdown
    return _RELATIVE_TARGET.sub(f"]({up}/", markdown)


# ------------------------------------------------------------------ text artifacts


def write_text(out: Path, rel: str, text: str) -> Path:
    """Write ``text`` (UTF-8, ``\\n`` line ends) to ``out / rel``, its folder created."""
    path = out / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="\n")
    return path


def _make_text(rel: str, render: Callable[[], str], out: Path, ctx: Context) -> None:
    write_text(out, rel, render())


def text_artifact(name: str, rel: str, render: Callable[[], str], module: str, **fields: Any) -> Artifact:
    """An artifact that writes ``render()`` to ``rel``; ``module`` is where ``render``
    lives (its source keys the cache); ``fields`` go to :class:`~actdocs.engine.artifact.Artifact`
    (``params``, ``reads``, ...)."""
    return Artifact(name=name, outputs=(rel,), make=functools.partial(_make_text, rel, render), module=module, **fields)
