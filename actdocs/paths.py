"""Where every output lies in the artifact cache, and so where a page includes it from.

Each kind of output has one function here, used by the producer that writes it, by every
module that reads it, and by the site glue that serves it; a page names the same path in
``--8<-- "..."`` (``tests/test_docs_policy.py`` checks that each one is made). The module
imports nothing, so that depending on a path keys no artifact by any code.
"""

from __future__ import annotations

#: The palette variants of every figure, shown with Material's ``#only-light`` / ``#only-dark``.
THEMES = ("light", "dark")

#: Cache folders the site serves to the browser; the others (tables, fragments, listing
#: output) are only included into pages.
SERVED = ("figures", "data")
#: Where the site serves them: a page at the top of ``docs/`` links ``generated/figures/...``.
SERVED_ROOT = "generated"

#: Where a theme goes in a figure path that stands for both variants.
ANY_THEME = "{theme}"


def figure(stem: str, theme: str = ANY_THEME) -> str:
    """``figures/<stem>-<theme>.svg``; with the default theme, the pattern of both variants."""
    return f"figures/{stem}-{theme}.svg"


def table(name: str) -> str:
    """``tables/<name>.md``: a Markdown table a page includes."""
    return f"tables/{name}.md"


def fragment(name: str) -> str:
    """``fragments/<name>.md``: a Markdown fragment (sentences, an image pair) a page includes."""
    return f"fragments/{name}.md"


def data(name: str) -> str:
    """``data/<name>.json``: data served to the browser (demos, experiments, the claims)."""
    return f"data/{name}.json"


# ------------------------------------------------------------------ activations


def activation_figure(key: str, theme: str = ANY_THEME) -> str:
    """The curve of catalog record ``key`` (function and derivative): ``figures/<key>-<theme>.svg``."""
    return figure(key, theme)


def activation_figure_fragment(key: str) -> str:
    """The image pair of :func:`activation_figure` (alt text included), which every page
    showing the figure includes: ``fragments/figure-<key>.md``."""
    return fragment(f"figure-{key}")


#: The folder under ``docs/`` of the per-activation pages: one authored stub per record.
ACTIVATION_STUBS = "activations"


def activation_stub(key: str) -> str:
    """Record ``key``'s own page, an authored stub, relative to ``docs/``: ``activations/<key>.md``
    (not in the cache: the one path here that names a page, so that every link to it agrees)."""
    return f"{ACTIVATION_STUBS}/{key}.md"


def activation_page(key: str) -> str:
    """The generated body of record ``key``'s own page, which its stub
    (:func:`activation_stub`) includes: ``fragments/activation-<key>.md``."""
    return fragment(f"activation-{key}")


# ------------------------------------------------------------------ listings

#: The folder of the listings, in the repository (not the cache): a page includes
#: ``snippets/<stem>.py`` from there, and the build runs each file.
SNIPPETS = "snippets"


def listing_source(stem: str) -> str:
    """A listing's code as a page includes it: ``snippets/<stem>.py`` (repository-relative)."""
    return f"{SNIPPETS}/{stem}.py"



def listing_output(stem: str) -> str:
    """What ``snippets/<stem>.py`` printed when the build ran it: ``output/<stem>.txt``."""
    return f"output/{stem}.txt"


def listing_figure(stem: str, theme: str = ANY_THEME) -> str:
    """The figure drawn from a listing's results: ``figures/listing-<stem>-<theme>.svg``."""
    return figure(f"listing-{stem}", theme)


def listing_figure_fragment(stem: str) -> str:
    """The image pair of :func:`listing_figure`: ``fragments/listing-<stem>-figure.md``."""
    return fragment(f"listing-{stem}-figure")


# ------------------------------------------------------------------ experiments


def experiment_name(module: str) -> str:
    """An experiment's name in its paths: its module's name with dashes (``dying_relu`` -> ``dying-relu``)."""
    return module.replace("_", "-")


def experiment_data(name: str) -> str:
    """An experiment's results: ``data/experiments/<name>.json``."""
    return data(f"experiments/{name}")


def experiment_figure(name: str, theme: str = ANY_THEME, part: str = "") -> str:
    """``figures/exp-<name>[-<part>]-<theme>.svg``."""
    return figure(f"exp-{name}-{part}" if part else f"exp-{name}", theme)


def experiment_table(name: str, part: str = "") -> str:
    """``tables/exp-<name>[-<part>].md``."""
    return table(f"exp-{name}-{part}" if part else f"exp-{name}")


def experiment_fragment(name: str, part: str) -> str:
    """``fragments/exp-<name>-<part>.md``."""
    return fragment(f"exp-{name}-{part}")


# ------------------------------------------------------------------ demos


def demo_data(name: str) -> str:
    """An interactive demo's data: ``data/demos/<name>.json``."""
    return data(f"demos/{name}")


def demo_fragment(name: str) -> str:
    """The block a page includes to show demo ``name``: ``fragments/demo-<name>.md``."""
    return fragment(f"demo-{name}")
