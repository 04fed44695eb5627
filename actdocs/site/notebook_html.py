"""Tidy the HTML that mkdocs-jupyter makes of an exercise notebook, before it is a page.

Pure string functions, called by the MkDocs hook's ``on_page_content`` for notebook
pages (kept out of :mod:`actdocs.execute.notebooks`, so that editing them does not re-execute
the notebooks):

* :func:`strip_foreign_scripts` removes what nbconvert's template adds for other
  front ends: the MathJax 2 loader (an empty ``<script src="">``) and its
  configuration (the site renders math with its own KaTeX at build time, see
  :mod:`actdocs.site.mathrender`), the mermaid loader (a module that would import
  mermaid from a CDN if a notebook held a diagram), and a ``<style>`` whose body is a
  Python list's ``repr`` (an mkdocs-jupyter slip: not CSS).
* :func:`mark_math` turns the ``$...$`` and ``$$...$$`` that notebook Markdown keeps
  into the ``arithmatex`` elements the rest of the site has, so the hook's
  ``on_post_page`` renders them with the site's KaTeX at build time like any other
  formula (and a TeX error fails the build).
* :func:`collapse_solution` folds everything after the "Solution" heading into a
  Material ``details`` block, so a reader sees the task and the starter first.
"""

from __future__ import annotations

import re

#: The MathJax 2 block of nbconvert's ``base/mathjax.html.j2``, comments included.
_MATHJAX = re.compile(r"<!-- Load mathjax -->.*?<!-- End of mathjax configuration -->", re.S)
_SCRIPT = re.compile(r"<script\b(?P<attrs>[^>]*)>(?P<body>.*?)</script>", re.S)
_FOREIGN = ("mathjax", "mermaid")
_LIST_STYLE = re.compile(r"<style>\s*\[\s*'.*?</style>", re.S)

#: Code and preformatted text, where a dollar sign is not math.
_VERBATIM = re.compile(r"<(code|pre)\b.*?</\1>", re.S)
_DISPLAY_PARAGRAPH = re.compile(r"<p>\s*\$\$(?P<tex>.+?)\$\$\s*</p>", re.S)
_DISPLAY = re.compile(r"\$\$(?P<tex>.+?)\$\$", re.S)
#: ``$x$``: no space just inside the dollars, no digit or word character just outside
#: (so "costs $5 and $6" stays text).
_INLINE = re.compile(r"(?<![\\\w$])\$(?=\S)(?P<tex>[^$]+?)(?<=\S)\$(?![\w$])")

SOLUTION_HEADING = re.compile(r'<h2 id="solution"')
CELL_START = '<div class="jp-Cell '
NOTEBOOK_END = "</div> <!-- jp-Notebook -->"
SUMMARY = "Worked solution: code, outputs and conclusion"


def strip_foreign_scripts(html: str) -> str:
    """``html`` without the MathJax and mermaid loaders and the list-repr ``<style>``."""
    html = _MATHJAX.sub("", html)

    def keep(match: re.Match) -> str:
        attrs, body = match["attrs"], match["body"].lower()
        if re.search(r"""\bsrc\s*=\s*(""|'')""", attrs) or any(word in body for word in _FOREIGN):
            return ""
        return match[0]

    html = _SCRIPT.sub(keep, html)
    return _LIST_STYLE.sub("", html)


def _mark_cell_math(cell: str) -> str:
    kept: list[str] = []

    def hide(match: re.Match) -> str:
        kept.append(match[0])
        return f"\0{len(kept) - 1}\0"

    def display(match: re.Match) -> str:
        return f'<div class="arithmatex">\\[{match["tex"]}\\]</div>'

    cell = _VERBATIM.sub(hide, cell)
    cell = _DISPLAY_PARAGRAPH.sub(display, cell)
    cell = _DISPLAY.sub(display, cell)
    cell = _INLINE.sub(lambda m: f'<span class="arithmatex">\\({m["tex"]}\\)</span>', cell)
    return re.sub(r"\0(\d+)\0", lambda m: kept[int(m[1])], cell)


def mark_math(html: str) -> str:
    """In Markdown cells, ``$$tex$$`` becomes ``<div class="arithmatex">\\[tex\\]</div>``
    and ``$tex$`` becomes ``<span class="arithmatex">\\(tex\\)</span>``; code and
    outputs are left alone."""
    first, *cells = html.split(CELL_START)  # each cell's text starts with its classes
    cells = [_mark_cell_math(cell) if cell.startswith("jp-MarkdownCell") else cell for cell in cells]
    return CELL_START.join([first, *cells])


def collapse_solution(html: str, summary: str = SUMMARY) -> str:
    """Wrap the cells after the cell holding ``<h2 id="solution">`` in a closed
    ``<details class="success">``; the heading itself stays visible (and in the TOC).
    ``html`` is returned unchanged when it has no such heading or cells after it."""
    heading = SOLUTION_HEADING.search(html)
    if not heading:
        return html
    start = html.find(CELL_START, heading.end())
    end = html.find(NOTEBOOK_END, heading.end())
    if start < 0 or end < 0 or end < start:
        return html
    opening = f'<details class="success nb-solution">\n<summary>{summary}</summary>\n'
    return html[:start] + opening + html[start:end] + "</details>\n" + html[end:]


def tidy(html: str) -> str:
    """Everything this module does to a notebook page, in order."""
    return collapse_solution(mark_math(strip_foreign_scripts(html)))
