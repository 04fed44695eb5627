"""MkDocs glue, kept to what only MkDocs (or ProperDocs, its fork) does: everything real
lives in the ``actdocs`` package, and what a page's Markdown needs is a Python-Markdown
extension that any builder runs (:mod:`actdocs.site.expansions`: shortcodes, citations,
figures, listings, the artifact cache as a place to include from).

* ``on_config`` moves mkdocs-jupyter's cache of rendered notebooks into the artifact
  cache (:data:`JUPYTER_CACHE`): a build with ``ACTDOCS_CACHE`` and the site elsewhere
  writes nothing into the checkout, which may be read-only.
* ``on_pre_build`` runs ``python -m actdocs build CACHE`` in a subprocess, so that under
  ``mkdocs serve`` an edit to the package is seen by the next rebuild (a hook module is
  imported once per process); on Ctrl-C it lets that build finish recording what it made. The cache lies outside ``docs/``: a cache hit writes
  nothing there, so ``serve`` never rebuilds in a loop.
* ``on_files`` serves the generated figures and data under ``generated/`` and the
  pinned front-end packages from ``node_modules`` under ``assets/vendor/``.
* ``on_files`` also hands the executed exercise notebooks (``exercises/*.ipynb`` in the
  cache) to mkdocs-jupyter, which renders them without executing them; it runs first
  for that. ``on_page_content`` tidies those pages (:mod:`actdocs.site.notebook_html`).
* ``on_post_page`` moves the style sheets plugins write into the body to the head
  (:mod:`actdocs.site.head_styles`), gives every image its width and height and the overview figure its
  phone variant (:mod:`actdocs.site.images`), then renders the page's math with KaTeX at
  build time (:mod:`actdocs.site.mathrender`); ``on_post_build`` does the same to the
  printable edition's combined page (``mkdocs-print.yml``'s print-site plugin writes it
  after the pages) and saves the rendered-math cache.
* KaTeX's stylesheet is served cut down to the ``.woff2`` fonts the site ships.

Moving to another static-site generator means rewriting only this module.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files

from actdocs.engine.artifact import REPO_ROOT
from actdocs.engine.build import default_cache
from actdocs.paths import SERVED, SERVED_ROOT
from actdocs.site.mathrender import MathError, Renderer, woff2_only
from actdocs.execute import notebooks
from actdocs.site import head_styles, images, notebook_html

#: Front-end files served from node_modules: site path -> path under node_modules.
VENDOR = {
    "assets/vendor/plotly/plotly-basic.min.js": "plotly.js-basic-dist-min/plotly-basic.min.js",
}
KATEX_FONTS = "katex/dist/fonts"
#: KaTeX's stylesheet (math is rendered at build time): site path, path under node_modules.
KATEX_CSS = ("assets/vendor/katex/katex.min.css", "katex/dist/katex.min.css")
#: mkdocs-jupyter's cache folder, inside the artifact cache (its own default,
#: ``.cache/mkdocs-jupyter``, lies in the folder mkdocs runs in).
JUPYTER_CACHE = ".mkdocs-jupyter"


def _cache() -> Path:
    return default_cache().resolve()


def on_config(config, **_):
    """Keep mkdocs-jupyter's cache in the artifact cache."""
    jupyter = config.plugins.get("mkdocs-jupyter")
    if jupyter is not None:
        jupyter.config["cache_dir"] = str(_cache() / JUPYTER_CACHE)
    return config


_renderer: Renderer | None = None


def on_pre_build(config, **_):
    """Make every artifact (cached ones cost a hash check) in a fresh Python process."""
    global _renderer
    try:
        _renderer = Renderer(_node_modules() / "katex", _cache() / "math" / "katex.json")
    except MathError as err:
        raise PluginError(str(err)) from None
    command = [sys.executable, "-m", "actdocs", "build", str(_cache())]
    returncode, stderr = run_build(command)
    if not returncode:
        sys.stderr.write(stderr)
        return
    log = stderr.strip().splitlines() or ["no output"]
    sys.stderr.writelines(line + "\n" for line in log[:-1])  # its last line, the error, MkDocs prints once
    raise PluginError(f"actdocs build failed: {log[-1]}")


def run_build(command: list[str]) -> tuple[int, str]:
    """Run the build ``command``; return its exit status and its stderr.

    On Ctrl-C the build (in the same process group) has the signal too: wait for it to
    record what it made (it stops within about a second) rather than kill it, as
    ``subprocess.run`` would, and then pass the interrupt on.
    """
    with subprocess.Popen(command, cwd=REPO_ROOT, env=os.environ.copy(), stderr=subprocess.PIPE, text=True) as build:
        try:
            _, stderr = build.communicate()
        except KeyboardInterrupt:
            _, stderr = build.communicate()
            sys.stderr.write(stderr)
            raise
    return build.returncode, stderr


def _node_modules() -> Path:
    return Path(os.environ.get("ACTDOCS_NODE_MODULES") or REPO_ROOT / "node_modules")


@event_priority(50)  # before mkdocs-jupyter's on_files, which turns the notebooks into pages
def on_files(files: Files, config, **_):
    """Serve generated figures and data, the executed notebooks, and the front-end packages."""
    cache = _cache()
    for source in notebooks.source_paths():
        # A File with a source folder, not File.generated: mkdocs-jupyter's wrapper
        # derives the path from src_dir. Marked generated: no "edit this page" link.
        notebook = File(notebooks.output_name(source), str(cache), config.site_dir, config.use_directory_urls)
        notebook.generated_by = "actdocs"
        files.append(notebook)
    for folder in SERVED:
        for path in sorted((cache / folder).rglob("*")):
            if path.is_file() and not path.name.startswith("."):
                uri = f"{SERVED_ROOT}/{path.relative_to(cache).as_posix()}"
                files.append(File.generated(config, uri, abs_src_path=str(path)))

    modules = _node_modules()
    vendor = dict(VENDOR)
    for font in sorted((modules / KATEX_FONTS).glob("*.woff2")):
        vendor[f"assets/vendor/katex/fonts/{font.name}"] = f"{KATEX_FONTS}/{font.name}"
    missing = [src for src in [*vendor.values(), KATEX_CSS[1]] if not (modules / src).is_file()]
    if missing:
        raise PluginError(f"front-end packages missing ({missing[0]}): run `npm ci` (or `make site`)")
    for uri, src in vendor.items():
        files.append(File.generated(config, uri, abs_src_path=str(modules / src)))
    try:
        css = woff2_only((modules / KATEX_CSS[1]).read_text(encoding="utf-8"))
    except MathError as err:
        raise PluginError(str(err)) from None
    files.append(File.generated(config, KATEX_CSS[0], content=css))
    return files


@event_priority(50)  # before print-site's on_page_content, which keeps each page's HTML for its combined page
def on_page_content(html: str, page, **_):
    """Notebook pages: no MathJax or mermaid loader, math marked for KaTeX, solution folded."""
    return notebook_html.tidy(html) if page.file.src_uri.endswith(".ipynb") else html


def on_post_page(output: str, page, config, **_):
    """Move the style sheets plugins wrote into the body to the head; size the page's
    images; replace its TeX by KaTeX's HTML (a formula KaTeX rejects fails the build)."""
    output = images.size_images(head_styles.hoist_body_styles(output), page.url, _cache())
    try:
        return _renderer.render(output)
    except MathError as err:
        raise PluginError(f"{page.file.src_uri}: {err}") from None


def on_post_build(config, **_):
    """Finish the combined page of the printable edition (``mkdocs-print.yml``), which the
    print-site plugin writes after every page, as :func:`on_post_page` finishes a page;
    keep what KaTeX rendered for the next build."""
    printer = config.plugins.get("print-site")
    if printer is not None:
        path = Path(printer.print_page.file.abs_dest_path)
        path.write_text(on_post_page(path.read_text(encoding="utf-8"), printer.print_page, config), encoding="utf-8")
    _renderer.save()
