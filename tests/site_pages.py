"""Where the site's pages are, before and after a build (plain helpers, no fixtures).

:func:`nav_pages` lists the pages of ``mkdocs.yml``'s ``nav`` (known before the build, so
tests are parametrized over them at collection time); :func:`built_pages` lists the HTML
pages a build produced, and ``test_site`` checks that the two agree, so a new page is
covered by every per-page test without anyone editing a list.

Pages made from one template (a stub whose whole source includes one generated fragment,
as each activation's reference page does) share their structure: every page gets the
cheap checks, and the structure audit (axe-core in both palettes, the phone layout) runs
on every authored page and on :data:`AUDITED_TEMPLATE_PAGES`, one template page of each
shape (:func:`audited_pages`).
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
MKDOCS_YML = REPO_ROOT / "mkdocs.yml"
#: A page with one fault of each kind the browser checks look for (the checkers' own tests).
FAULTY_PAGE = Path(__file__).parent / "fixtures" / "faulty_page"
#: A stub's whole source: one include of a generated fragment (blank lines aside).
STUB = re.compile(r'\s*--8<-- "fragments/[^"]+\.md"\s*')
#: The template pages that get the structure audit: an element-wise function, a gated unit
#: and a function of a whole vector (their bodies differ in which sections say "not measured").
AUDITED_TEMPLATE_PAGES = ("activations/relu/", "activations/swiglu/", "activations/softmax/")


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
    return tuple(page_url(src) for src in nav_sources())


def nav_sources() -> tuple[str, ...]:
    """The ``docs/`` files of the nav's pages, in nav order (external links left out)."""
    return tuple(s for s in _walk_nav(load_mkdocs_config().get("nav")) if "://" not in s)


def is_stub(source: str) -> bool:
    """Whether ``docs/<source>`` is a template page's stub: one include and nothing else."""
    path = REPO_ROOT / "docs" / source
    return path.suffix == ".md" and STUB.fullmatch(path.read_text(encoding="utf-8")) is not None


@functools.cache
def template_pages() -> tuple[str, ...]:
    """Site-relative URLs of the nav's template pages (see :func:`is_stub`)."""
    return tuple(page_url(src) for src in nav_sources() if is_stub(src))


@functools.cache
def audited_pages() -> tuple[str, ...]:
    """The pages the structure audit covers: every authored page and the sampled template ones."""
    return tuple(url for url in nav_pages() if url not in template_pages() or url in AUDITED_TEMPLATE_PAGES)


def built_pages(site: Path) -> list[str]:
    """Site-relative paths of every HTML page in a built site, except 404.html and assets."""
    pages = []
    for path in sorted(site.rglob("*.html")):
        rel = path.relative_to(site).as_posix()
        if rel == "404.html" or rel.startswith(("assets/", "generated/")):
            continue
        pages.append(rel)
    return pages
