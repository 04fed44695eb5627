"""Render the site's math to HTML at build time with the pinned KaTeX (Node.js).

``pymdownx.arithmatex`` in generic mode leaves ``\\(...\\)`` and ``\\[...\\]`` inside
``.arithmatex`` elements. Rendering them here instead of in the browser means no
280 KB of KaTeX JavaScript on every page, no flash of raw TeX, and a TeX error fails
the build (``throwOnError``) instead of showing red text to a reader. Pages only need
``katex.min.css`` and the fonts their glyphs use.

Rendered fragments are kept in a JSON cache keyed by (TeX, display mode, KaTeX
version), so a warm rebuild starts no Node process at all.
"""

from __future__ import annotations

import html
import json
import re
import subprocess
from pathlib import Path

from actdocs.build import atomic_write

#: ``<span class="arithmatex">\(...\)</span>`` and ``<div class="arithmatex">\[...\]</div>``.
MATH = re.compile(
    r'<(?P<tag>span|div) class="arithmatex">\s*(?P<open>\\\(|\\\[)(?P<tex>.*?)(?:\\\)|\\\])\s*</(?P=tag)>',
    re.DOTALL,
)

_NODE_RENDER = r"""
const katex = require(process.argv[1]);
let input = "";
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => {
  const out = JSON.parse(input).map(([tex, display]) => {
    try {
      return { html: katex.renderToString(tex, { displayMode: display, throwOnError: true }) };
    } catch (err) {
      return { error: String(err.message).split("\n")[0] };
    }
  });
  process.stdout.write(JSON.stringify(out));
});
"""


class MathError(RuntimeError):
    """KaTeX could not render a formula; the message quotes it and KaTeX's reason."""


class Renderer:
    """Renders arithmatex math in HTML pages, with a persistent on-disk cache."""

    def __init__(self, katex_dir: Path, cache_file: Path) -> None:
        self.katex_dir = katex_dir
        self.cache_file = cache_file
        self.version = json.loads((katex_dir / "package.json").read_text(encoding="utf-8"))["version"]
        self._cache = self._load()
        self._dirty = False

    def _load(self) -> dict[str, str]:
        try:
            data = json.loads(self.cache_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict) or data.get("katex") != self.version:
            return {}
        entries = data.get("entries")
        return entries if isinstance(entries, dict) else {}

    @staticmethod
    def _key(tex: str, display: bool) -> str:
        return f"{'D' if display else 'I'}:{tex}"

    def _render_missing(self, items: list[tuple[str, bool]]) -> None:
        if not items:
            return
        result = subprocess.run(
            ["node", "-e", _NODE_RENDER, str(self.katex_dir)],
            input=json.dumps(items), capture_output=True, text=True, check=False,
        )
        if result.returncode:
            raise MathError(f"KaTeX (node) failed: {result.stderr.strip().splitlines()[-1:]}")
        for (tex, display), out in zip(items, json.loads(result.stdout)):
            if "error" in out:
                raise MathError(f"cannot render {tex.strip()!r}: {out['error']}")
            self._cache[self._key(tex, display)] = out["html"]
        self._dirty = True

    def render(self, page_html: str) -> str:
        """Replace every arithmatex element in ``page_html`` by KaTeX's HTML."""
        found = [(html.unescape(m["tex"]).strip(), m["open"] == "\\[") for m in MATH.finditer(page_html)]
        missing = list(dict.fromkeys(f for f in found if self._key(*f) not in self._cache))
        self._render_missing(missing)

        def substitute(match: re.Match[str]) -> str:
            tex, display = html.unescape(match["tex"]).strip(), match["open"] == "\\["
            rendered = self._cache[self._key(tex, display)]
            tag = "div" if display else "span"
            return f'<{tag} class="arithmatex">{rendered}</{tag}>'

        return MATH.sub(substitute, page_html)

    def save(self) -> None:
        """Write the cache back if anything new was rendered."""
        if self._dirty:
            document = {"katex": self.version, "entries": dict(sorted(self._cache.items()))}
            atomic_write(self.cache_file, json.dumps(document, ensure_ascii=False).encode())
            self._dirty = False
