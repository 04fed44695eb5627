"""Every image of a built page gets its width and height; a figure with a phone variant
is served to narrow screens in a ``<picture>``.

:func:`size_images` rewrites a page's HTML after MkDocs rendered it:

* each ``<img>`` without ``width`` and ``height`` whose file is known gets them: a
  figure the artifact cache serves under ``generated/`` (:data:`actdocs.paths.SERVED_ROOT`)
  takes the size matplotlib wrote into its SVG (in pt, 4/3 CSS px each), and a PNG
  inlined as a ``data:`` URL (an executed notebook's plot) takes its pixel size. With
  both attributes the browser reserves the image's box before the file arrives, so
  nothing below it moves when it does (cumulative layout shift);
* an ``<img>`` of ``figures/NAME-THEME.svg`` for which the cache also holds
  ``figures/NAME-phone-THEME.svg`` is wrapped in ``<picture>`` with a ``<source>`` of
  that variant for screens up to :data:`PHONE_MEDIA`, with its own size. The ``<img>``
  keeps its ``src`` (and Material's ``#only-light``/``#only-dark``), so the palette still
  picks the variant shown.

It reads files only; a figure that is missing or unreadable is left as it was (the
strict build reports a missing image on its own).
"""

from __future__ import annotations

import base64
import html
import posixpath
import re
import struct
from pathlib import Path
from urllib.parse import unquote, urlsplit

from actdocs.paths import SERVED_ROOT, THEMES

#: Screens that get a figure's phone variant (Material's single-column layout is wider).
PHONE_MEDIA = "(max-width: 37.5em)"
#: The phone variant of ``figures/NAME-THEME.svg`` is ``figures/NAME{PHONE}-THEME.svg``.
PHONE = "-phone"

#: CSS px per unit of an SVG length.
_UNITS = {"": 1.0, "px": 1.0, "pt": 4 / 3, "pc": 16.0, "in": 96.0, "cm": 96 / 2.54, "mm": 96 / 25.4}
_SVG_TAG = re.compile(rb"<svg\b[^>]*>", re.DOTALL)
_LENGTH = re.compile(r"\s*([0-9]*\.?[0-9]+)\s*(px|pt|pc|in|cm|mm)?\s*$")
_IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_ATTR = re.compile(r"""\s([a-zA-Z-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?""")
_THEMED = re.compile(rf"^(?P<stem>.+)-(?P<theme>{'|'.join(THEMES)})\.svg$")


def svg_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) in CSS px from an SVG's root ``width`` and ``height``
    (``"432pt"`` -> 576), rounded; None without both, or with a percentage."""
    tag = _SVG_TAG.search(data[:4096])
    if not tag:
        return None
    attrs = _attributes(tag.group().decode("utf-8", "replace"))
    size = []
    for name in ("width", "height"):
        found = _LENGTH.match(attrs.get(name) or "")
        if not found:
            return None
        size.append(round(float(found.group(1)) * _UNITS[found.group(2) or ""]))
    return size[0], size[1]


def png_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) in pixels from a PNG's header; None if ``data`` is not a PNG."""
    if len(data) < 24 or data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        return None
    return struct.unpack(">II", data[16:24])


def _attributes(tag: str) -> dict[str, str]:
    found = {}
    for match in _ATTR.finditer(tag):
        value = next((v for v in match.groups()[1:] if v is not None), "")
        found[match.group(1).lower()] = html.unescape(value)
    return found


def _cached_file(src: str, page_url: str, cache: Path) -> tuple[Path, str] | None:
    """The cache file an image URL on page ``page_url`` points at, and its path under the
    cache; None for a URL outside :data:`SERVED_ROOT` or with a scheme."""
    parts = urlsplit(src)
    if parts.scheme or parts.netloc or not parts.path:
        return None
    folder = page_url if page_url.endswith("/") or not page_url else posixpath.dirname(page_url) + "/"
    site_path = posixpath.normpath(posixpath.join(folder, unquote(parts.path)))
    if not site_path.startswith(SERVED_ROOT + "/"):
        return None
    rel = site_path[len(SERVED_ROOT) + 1 :]
    return cache / rel, rel


def _file_size(path: Path) -> tuple[int, int] | None:
    try:
        data = path.read_bytes()
    except OSError:
        return None
    return svg_size(data) if path.suffix.lower() == ".svg" else png_size(data)


def _data_url_size(src: str) -> tuple[int, int] | None:
    if not src.startswith("data:image/png;base64,"):
        return None
    head = src.split(",", 1)[1][:44]  # 33 bytes: the PNG signature and its IHDR chunk
    try:
        return png_size(base64.b64decode(head + "=" * (-len(head) % 4)))
    except ValueError:
        return None


def _with_size(tag: str, size: tuple[int, int]) -> str:
    end = "/>" if tag.endswith("/>") else ">"
    body = tag[: -len(end)]
    attrs = body.rstrip()
    return f'{attrs} width="{size[0]}" height="{size[1]}"{body[len(attrs):]}{end}'


def _phone_source(src: str, rel: str, cache: Path) -> str | None:
    """A ``<source>`` of the phone variant of figure ``rel`` (``src`` its URL), if cached."""
    themed = _THEMED.match(rel)
    if not themed:
        return None
    variant = f"{themed['stem']}{PHONE}-{themed['theme']}.svg"
    size = _file_size(cache / variant)
    if size is None:
        return None
    path = urlsplit(src).path
    url = path[: len(path) - len(posixpath.basename(path))] + posixpath.basename(variant)
    return f'<source media="{PHONE_MEDIA}" srcset="{html.escape(url)}" width="{size[0]}" height="{size[1]}">'


def size_images(page_html: str, page_url: str, cache: Path) -> str:
    """``page_html`` (the page at site URL ``page_url``, e.g. ``"activations/"``) with a
    width and height on every ``<img>`` whose size is known, and phone variants of the
    figures in ``cache`` that have one, as :mod:`this module <actdocs.site.images>` says."""

    def rewrite(match: re.Match[str]) -> str:
        tag = match.group()
        attrs = _attributes(tag)
        src = attrs.get("src", "")
        cached = _cached_file(src, page_url, cache)
        if "width" not in attrs and "height" not in attrs:
            size = _file_size(cached[0]) if cached else _data_url_size(src)
            if size:
                tag = _with_size(tag, size)
        source = _phone_source(src, cached[1], cache) if cached else None
        return f"<picture>{source}{tag}</picture>" if source else tag

    return _IMG.sub(rewrite, page_html)
