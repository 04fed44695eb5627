"""Shortcodes: short markers in a page's Markdown that expand into Markdown.

In the manner of the ``shortcodes.py`` hook of Material for MkDocs, the MkDocs hook
passes each page's Markdown through :func:`expand` before it is converted. Two forms
are recognised:

* ``<!-- md:NAME ARGS -->``, the general form: ``NAME`` picks a handler registered with
  :func:`register`, which receives ``ARGS`` (stripped) and the page. A shortcode alone
  on its line (in a tab, a list item) may expand to several lines: each gets its indent;
* ``[@key]`` and ``[@key1; @key2]``: a parenthetical citation of :mod:`actdocs.references`,
  rendered "(Authors, year; Authors, year)" with each name linked to its entry on the
  References page (no second pair of parentheses when the citation already stands inside
  parentheses of its paragraph); ``<!-- md:cite key1 key2 -->`` is the textual form,
  "Authors (year)", for a citation that is part of the sentence.

Shortcodes inside fenced code blocks and inline code are left alone, so a page can
show the syntax. An unknown shortcode or an unknown reference key raises
:class:`ShortcodeError`, whose message is one line naming the page and the problem
(a handler raises it without the page: :func:`expand` names it); the site's
Markdown extension (:mod:`actdocs.site.expansions`) turns it into a failed build.

Another shortcode (a figure, say) is one handler and one :func:`register` call::

    register("figure", lambda args, page: figure_markdown(args))
"""

from __future__ import annotations

import re
from typing import Callable

from actdocs import references

#: A handler: (arguments, page path under docs/) -> Markdown.
Handler = Callable[[str, str], str]

#: The general form and the citation's short form.
GENERAL = re.compile(r"<!--\s*md:([\w-]+)(.*?)-->", re.S)
CITATION = re.compile(r"\[@([\w-]+(?:\s*;\s*@[\w-]+)*)\]")
#: A citation with the blanks before it (one line break at most), which an enclosed citation replaces by "; ".
_SPACED_CITATION = re.compile(r"([ \t]*(?:\n[ \t]*)?)" + CITATION.pattern)

#: Fenced code blocks (``` or ~~~, any indent) and inline code spans, never expanded.
_CODE = re.compile(
    r"^[ \t]*(?P<fence>`{3,}|~{3,})[^\n]*\n.*?^[ \t]*(?P=fence)[ \t]*$"
    r"|(?P<ticks>`+)(?!`).+?(?<!`)(?P=ticks)(?!`)",
    re.M | re.S,
)


class ShortcodeError(ValueError):
    """A shortcode that cannot be expanded; the message names the page."""


#: How a message names a page whose path is not known (a builder that does not say).
UNNAMED = "a page"


def page_name(page: str) -> str:
    """``page`` (a path under docs/, ``""`` when not known) as a message names it."""
    return page or UNNAMED


_HANDLERS: dict[str, Handler] = {}


def register(name: str, handler: Handler) -> None:
    """Make ``<!-- md:name ARGS -->`` expand to ``handler(ARGS, page)``."""
    if name in _HANDLERS:
        raise ValueError(f"shortcode {name!r} is already registered")
    _HANDLERS[name] = handler


def _cite(args: str, page: str) -> str:
    """The ``cite`` shortcode: keys separated by spaces or semicolons, "@" optional."""
    return references.cite(citation_keys(args), page)


register("cite", _cite)


def citation_keys(args: str) -> list[str]:
    """``"@a; @b"`` or ``"a b"`` as ``["a", "b"]``."""
    return [k.lstrip("@") for k in re.split(r"[\s;]+", args.strip()) if k.lstrip("@")]


def _outside_code(markdown: str, replace: Callable[[str], str]) -> str:
    """``markdown`` with ``replace`` applied to every stretch that is not code."""
    parts, last = [], 0
    for code in _CODE.finditer(markdown):
        parts += [replace(markdown[last:code.start()]), code.group(0)]
        last = code.end()
    return "".join(parts + [replace(markdown[last:])])


def _expand_text(text: str, page: str) -> str:
    def general(match: re.Match[str]) -> str:
        name, args = match.group(1), match.group(2).strip()
        handler = _HANDLERS.get(name)
        if handler is None:
            raise ShortcodeError(f"unknown shortcode {name!r}; known: {', '.join(sorted(_HANDLERS))}")
        indent = text[text.rfind("\n", 0, match.start()) + 1:match.start()]
        expanded = handler(args, page)
        return expanded.replace("\n", "\n" + indent) if not indent.strip() else expanded

    def parenthetical(match: re.Match[str]) -> str:
        space, keys, at = match.group(1), match.group(2), match.start(2) - 2
        paragraph = text[text.rfind("\n\n", 0, at) + 1:at]
        enclosed = paragraph.count("(") > paragraph.count(")")
        if enclosed and not paragraph.rstrip().endswith(("(", ";")):
            # inside the sentence's parentheses a citation never runs into the clause before it ("(… assumes
            # Klambauer et al., 2017)"): at the close it is its own clause, "(… assumes; Klambauer et al.,
            # 2017)"; mid-sentence it keeps its own pair, "(… a step function (Rosenblatt, 1958), which …)"
            if re.match(r"\s*\.?\)", text[match.end():]):
                return "; " + references.cite_parenthetical(citation_keys(keys), page, enclosed=True)
            return space + references.cite_parenthetical(citation_keys(keys), page)
        return space + references.cite_parenthetical(citation_keys(keys), page, enclosed=enclosed)

    try:
        text = _SPACED_CITATION.sub(parenthetical, text)
        return GENERAL.sub(general, text)
    except (ShortcodeError, references.UnknownReferenceError) as err:
        raise ShortcodeError(f"{page_name(page)}: {err}") from None


def expand(markdown: str, page: str) -> str:
    """Every shortcode of ``markdown`` (the page ``page``, a path under docs/, ``""`` for
    a top-level page not named) expanded."""
    return _outside_code(markdown, lambda text: _expand_text(text, page))


def cited(markdown: str) -> list[str]:
    """The reference keys that ``markdown`` cites through shortcodes (short form first, per stretch)."""
    found: list[str] = []

    def collect(text: str) -> str:
        for match in CITATION.finditer(text):
            found.extend(citation_keys(match.group(1)))
        for match in GENERAL.finditer(text):
            if match.group(1) == "cite":
                found.extend(citation_keys(match.group(2)))
        return text

    _outside_code(markdown, collect)
    return found
