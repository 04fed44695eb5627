"""Where the site's pages are, before and after a build (plain helpers, no fixtures).

:func:`nav_pages` lists the pages of ``mkdocs.yml``'s ``nav`` (known before the build, so
tests are parametrized over them at collection time); :func:`built_pages` lists the HTML
pages a build produced, and ``test_site`` checks that the two agree, so a new page is
covered by every per-page test without anyone editing a list.
"""

from __future__ import annotations

import functools
from pathlib import Path

import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
MKDOCS_YML = REPO_ROOT / "mkdocs.yml"
#: A page with one fault of each kind the browser checks look for (the checkers' own tests).
FAULTY_PAGE = Path(__file__).parent / "fixtures" / "faulty_page"


class _AnyTagLoader(yaml.SafeLoader):
    """A YAML loader that reads MkDocs' custom tags (``!relative``, ``!ENV``) as plain values."""


def _any_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node):
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_mapping(node)


_AnyTagLoader.add_multi_constructor("!", _any_tag)


def load_mkdocs_config(path: Path = MKDOCS_YML) -> dict:
    """``mkdocs.yml`` as a dict, custom tags read as their plain value."""
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_AnyTagLoader)


def _walk_nav(entries) -> list[str]:
    found: list[str] = []
    for entry in entries or []:
        if isinstance(entry, str):
            found.append(entry)
        elif isinstance(entry, dict):
            for value in entry.values():
                found.extend(_walk_nav(value) if isinstance(value, list) else [value])
    return found


def page_url(src: str) -> str:
    """The site-relative URL of a docs source file (``use_directory_urls`` on)."""
    stem = src.rsplit(".", 1)[0]
    if stem == "index":
        return ""
    if stem.endswith("/index"):
        return stem[: -len("index")]
    return f"{stem}/"


def url_to_html(url: str) -> str:
    """The file a site-relative URL is served from: ``a/`` -> ``a/index.html``."""
    return f"{url}index.html" if url == "" or url.endswith("/") else url


@functools.cache
def nav_pages() -> tuple[str, ...]:
    """Site-relative URLs of every page in the nav ("" is the home page), external links left out."""
    sources = [s for s in _walk_nav(load_mkdocs_config().get("nav")) if "://" not in s]
    return tuple(page_url(src) for src in sources)


def built_pages(site: Path) -> list[str]:
    """Site-relative paths of every HTML page in a built site, except 404.html and assets."""
    pages = []
    for path in sorted(site.rglob("*.html")):
        rel = path.relative_to(site).as_posix()
        if rel == "404.html" or rel.startswith(("assets/", "generated/")):
            continue
        pages.append(rel)
    return pages
