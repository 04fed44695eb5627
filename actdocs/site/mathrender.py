"""Render the site's math to HTML at build time with the pinned KaTeX (Node.js).

``pymdownx.arithmatex`` in generic mode leaves ``\\(...\\)`` and ``\\[...\\]`` inside
``.arithmatex`` elements. Rendering them here instead of in the browser means no
280 KB of KaTeX JavaScript on every page, no flash of raw TeX, and a TeX error fails
the build (``throwOnError``) instead of showing red text to a reader. Pages only need
``katex.min.css`` and the fonts their glyphs use.

KaTeX writes MathML beside its HTML (``output: "htmlAndMathml"``); the HTML is
``aria-hidden``, so assistive technology reads the MathML. Chromium leaves MathML out
when it computes an element's name from its content, though: a quiz answer, a link or
a table header made only of math would have no name, and one with math in its words
would lose them. Math inside such an element (:data:`NAMED_FROM_CONTENT`) therefore
also carries its text as ``aria-label`` on ``<math>`` (:func:`spoken`).

:func:`woff2_only` cuts KaTeX's stylesheet down to the ``.woff2`` fonts the site
ships: every browser that runs the site reads them, and no ``url()`` points at a
font that is not there.

Rendered fragments are kept in a JSON cache keyed by (TeX, display mode), for one
KaTeX version and :data:`OPTIONS`, so a warm rebuild starts no Node process at all.
A formula missing from it needs ``node`` on ``PATH``: without it, or without KaTeX in
``node_modules``, the build stops with one line (:data:`NODE_NEEDED`, :class:`MathError`).
"""

from __future__ import annotations

import bisect
import html
import json
import re
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

from actdocs.engine.build import atomic_write

#: ``<span class="arithmatex">\(...\)</span>`` and ``<div class="arithmatex">\[...\]</div>``.
MATH = re.compile(
    r'<(?P<tag>span|div) class="arithmatex">\s*(?P<open>\\\(|\\\[)(?P<tex>.*?)(?:\\\)|\\\])\s*</(?P=tag)>',
    re.DOTALL,
)

#: KaTeX's options for every formula (``displayMode`` aside): MathML for assistive
#: technology beside the HTML, and a TeX error fails the build.
OPTIONS = {"output": "htmlAndMathml", "throwOnError": True}

_NODE_RENDER = r"""
const katex = require(process.argv[1]);
const options = JSON.parse(process.argv[2]);
let input = "";
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => {
  const out = JSON.parse(input).map(([tex, display]) => {
    try {
      return { html: katex.renderToString(tex, { ...options, displayMode: display }) };
    } catch (err) {
      return { error: String(err.message).split("\n")[0] };
    }
  });
  process.stdout.write(JSON.stringify(out));
});
"""


#: Why math cannot be rendered on a machine without Node.js, and how to get it.
NODE_NEEDED = ("rendering the math with KaTeX needs node (Node.js) on PATH: install Node.js "
               "(https://nodejs.org, or your system's nodejs package)")


class MathError(RuntimeError):
    """KaTeX could not render a formula (the message quotes it and KaTeX's reason), or
    cannot run at all (no node, no KaTeX package)."""


# ------------------------------------------------------------------ math as text

#: Elements whose accessible name is computed from their content.
NAMED_FROM_CONTENT = ("a", "button", "label", "summary", "th", "h1", "h2", "h3", "h4", "h5", "h6")
_NAMING_TAG = re.compile(rf"<(/?)({'|'.join(NAMED_FROM_CONTENT)})(?=[\s>/])", re.IGNORECASE)
_MATHML = re.compile(r"<math\b.*?</math>", re.DOTALL)

#: Operators written with a space on each side; invisible ones (function application,
#: invisible times) are dropped.
_SPACED = set("=<>+−-×·÷±∓≤≥≠≈≡∼→←↔⇒⇔∈∉⊂⊆∪∩∣∧∨")
_INVISIBLE = set("\u2061\u2062\u2063\u2064")
_TOKEN = re.compile(r"[\w.′″]+|.", re.UNICODE)
#: Accents over a symbol (``\hat{y}``), read as a word before it.
_ACCENTS = {"^": "hat", "~": "tilde", "˜": "tilde", "¯": "bar", "‾": "bar", "˙": "dot", "→": "vec"}


def _group(text: str) -> str:
    """``text`` in parentheses unless it is a single token (``x``, ``10``, ``σ′``)."""
    return text if _TOKEN.fullmatch(text) else f"({text})"


def _join(parts: list[str]) -> str:
    """Parts of a row as one text: a spaced operator with nothing before it is unary
    (``−x``), and two words that would run together are kept apart (``x Φ(x)``)."""
    out = ""
    for part in parts:
        if not part:
            continue
        before = out.rstrip()
        if part.startswith(" ") and part.strip() in _SPACED and (not before or before[-1] in _SPACED | set("(")):
            part = part.strip()
        elif out and out[-1:].isalnum() and part[:1].isalnum():
            part = " " + part
        out += part
    return out


def _linear(node: ET.Element) -> str:
    tag = node.tag.rsplit("}", 1)[-1]
    kids = [child for child in node if child.tag.rsplit("}", 1)[-1] not in ("annotation", "annotation-xml")]
    parts = [_linear(child) for child in kids]
    if tag in ("mi", "mn", "mtext", "ms"):
        return " ".join((node.text or "").split())
    if tag == "mo":
        op = (node.text or "").strip()
        if op in _INVISIBLE:
            return ""
        if op == ",":
            return ", "
        return f" {op} " if op in _SPACED else op
    if tag == "mspace":
        return " "
    if tag == "mphantom":
        return ""
    if tag == "mfrac" and len(parts) == 2:
        return f"{_group(parts[0].strip())}/{_group(parts[1].strip())}"
    if tag == "msqrt":
        return f"√{_group(_join(parts).strip())}"
    if tag == "mroot" and len(parts) == 2:
        return f"root {parts[1].strip()} of {_group(parts[0].strip())}"
    if tag == "mover" and node.get("accent") == "true" and len(parts) == 2 and parts[1].strip() in _ACCENTS:
        return f"{_ACCENTS[parts[1].strip()]} {parts[0]}"
    if tag in ("msup", "msub", "msubsup", "mover", "munder", "munderover") and parts:
        base, scripts = parts[0], [p.strip() for p in parts[1:]]
        marks = {"msup": "^", "mover": "^", "msub": "_", "munder": "_"}.get(tag, "_^")
        out = base
        for mark, script in zip(marks, scripts):
            out += script if script in ("′", "″") else f"{mark}{_group(script)}"
        return out
    if tag == "mtable":
        return "; ".join(parts)
    if tag == "mtr":
        return ", ".join(p.strip() for p in parts)
    return _join(parts)


def spoken(mathml: str) -> str:
    """A formula's MathML as one line of plain text, as a reader would type it:
    ``1/(1 + e^(−x))``, ``√(x^2 + 1)``, ``σ′(x)``. A fragment that is not
    well-formed XML falls back to its TeX annotation."""
    try:
        root = ET.fromstring(mathml)
    except ET.ParseError:
        found = re.search(r'<annotation encoding="application/x-tex">(.*?)</annotation>', mathml, re.DOTALL)
        return html.unescape(found.group(1)).strip() if found else ""
    return " ".join(_linear(root).split())


def _labelled(rendered: str) -> str:
    """KaTeX's output with its text as ``aria-label`` on the ``<math>`` element."""
    found = _MATHML.search(rendered)
    if not found:
        return rendered
    label = html.escape(spoken(found.group()), quote=True)
    return rendered[: found.start()] + found.group().replace("<math", f'<math aria-label="{label}"', 1) + rendered[found.end() :]


def _naming_spans(page_html: str) -> list[tuple[int, int]]:
    """(start, end) of every outermost :data:`NAMED_FROM_CONTENT` element in the page."""
    spans, depth, start = [], 0, 0
    for tag in _NAMING_TAG.finditer(page_html):
        if not tag.group(1):
            if depth == 0:
                start = tag.start()
            depth += 1
        elif depth:
            depth -= 1
            if depth == 0:
                spans.append((start, tag.start()))
    return spans


def _inside(position: int, spans: list[tuple[int, int]]) -> bool:
    index = bisect.bisect_right(spans, (position, float("inf"))) - 1
    return index >= 0 and spans[index][0] <= position < spans[index][1]


# ------------------------------------------------------------------ stylesheet

_FALLBACK_FONT = re.compile(
    r"""\s*,\s*url\(\s*['"]?[^'")]+\.(?:woff|ttf)['"]?\s*\)\s*format\(\s*['"]?(?:woff|truetype)['"]?\s*\)"""
)
_CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)""")


def woff2_only(css: str) -> str:
    """KaTeX's stylesheet with each ``@font-face`` cut to its ``.woff2`` source; a
    ``url()`` left that is not a ``.woff2`` font raises :class:`MathError`."""
    cut = _FALLBACK_FONT.sub("", css)
    other = [url for url in _CSS_URL.findall(cut) if not url.endswith(".woff2")]
    if other:
        raise MathError(f"KaTeX's stylesheet references {other[0]}, which the site does not ship")
    return cut


# ------------------------------------------------------------------ rendering


def katex_version(katex_dir: Path) -> str:
    """The version of the KaTeX package in ``katex_dir``; :class:`MathError` when it is not there."""
    package = katex_dir / "package.json"
    try:
        return json.loads(package.read_text(encoding="utf-8"))["version"]
    except (OSError, ValueError, KeyError, TypeError):
        raise MathError(f"KaTeX is missing or damaged (no version in {package}): run `npm ci` (or `make site`)") from None


class Renderer:
    """Renders arithmatex math in HTML pages, with a persistent on-disk cache."""

    def __init__(self, katex_dir: Path, cache_file: Path) -> None:
        self.katex_dir = katex_dir
        self.cache_file = cache_file
        self.version = katex_version(katex_dir)
        self._cache = self._load()
        self._dirty = False

    def _load(self) -> dict[str, str]:
        try:
            data = json.loads(self.cache_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict) or data.get("katex") != self.version or data.get("options") != OPTIONS:
            return {}
        entries = data.get("entries")
        return entries if isinstance(entries, dict) else {}

    @staticmethod
    def _key(tex: str, display: bool) -> str:
        return f"{'D' if display else 'I'}:{tex}"

    def _render_missing(self, items: list[tuple[str, bool]]) -> None:
        if not items:
            return
        try:
            result = subprocess.run(
                ["node", "-e", _NODE_RENDER, str(self.katex_dir), json.dumps(OPTIONS)],
                input=json.dumps(items), capture_output=True, text=True, check=False,
            )
        except OSError as err:
            raise MathError(f"{NODE_NEEDED} (node: {err.strerror or err})") from None
        if result.returncode:
            last = result.stderr.strip().splitlines()[-1:] or [f"exit status {result.returncode}"]
            raise MathError(f"KaTeX (node) failed: {last[0]}")
        for (tex, display), out in zip(items, json.loads(result.stdout)):
            if "error" in out:
                raise MathError(f"cannot render {tex.strip()!r}: {out['error']}")
            self._cache[self._key(tex, display)] = out["html"]
        self._dirty = True

    def render(self, page_html: str) -> str:
        """Replace every arithmatex element in ``page_html`` by KaTeX's HTML; math inside
        an element named from its content also gets its text as ``aria-label``."""
        found = [(html.unescape(m["tex"]).strip(), m["open"] == "\\[") for m in MATH.finditer(page_html)]
        missing = list(dict.fromkeys(f for f in found if self._key(*f) not in self._cache))
        self._render_missing(missing)
        named = _naming_spans(page_html) if found else []

        def substitute(match: re.Match[str]) -> str:
            tex, display = html.unescape(match["tex"]).strip(), match["open"] == "\\["
            rendered = self._cache[self._key(tex, display)]
            if _inside(match.start(), named):
                rendered = _labelled(rendered)
            tag = "div" if display else "span"
            return f'<{tag} class="arithmatex">{rendered}</{tag}>'

        return MATH.sub(substitute, page_html)

    def save(self) -> None:
        """Write the cache back if anything new was rendered."""
        if self._dirty:
            document = {"katex": self.version, "options": OPTIONS, "entries": dict(sorted(self._cache.items()))}
            atomic_write(self.cache_file, json.dumps(document, ensure_ascii=False).encode())
            self._dirty = False
