"""Markdown rendering shared by every producer: the one pipe-table renderer.

It depends on nothing else in the package, so a module that only renders tables
(experiments, benchmarks, claims) is not re-run when figures or the catalog's tables
change.
"""

from __future__ import annotations

import re
from typing import Iterable, Sequence

#: Where the site serves the artifact cache's figures and data (see ``mkdocs_hook``):
#: pages at the top of ``docs/`` link ``generated/figures/...``.
SERVED_ROOT = "generated"

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
