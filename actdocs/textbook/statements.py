"""Every factual statement of the textbook, in its order, with a verdict and the evidence for it.

The records live in :mod:`actdocs.textbook.statement_data` (:data:`STATEMENTS`), grouped by the
textbook's sections. A record either types its verdict, from the small scale
:data:`VERDICTS`, and names references, a page of this site or the site's own reasoning
as evidence, or it names a claim of :mod:`actdocs.textbook.claims`: then its verdict is that
claim's computed finding, one per sense, taken from :func:`actdocs.textbook.claims.evaluate` at
build time and never typed. :func:`problems` says what is wrong with a set of records
(an unknown claim, reference or page, a typed verdict on a claims-backed row, a verdict
off the scale, no evidence, sections out of order); the build stops on any.

:func:`artifacts` writes ``tables/statements.md`` (a table per section, included by
``docs/textbook.md``) and ``data/statements.json``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Callable, Iterable, get_args

from actdocs import paths
from actdocs import catalog, references
from actdocs.measure import properties, recorded
from actdocs.textbook import claims
from actdocs.bench import schema
from actdocs.measure.autograd import grad_at
from actdocs.engine.artifact import REPO_ROOT, Artifact, Context
from actdocs.measure.evidence import EXPERIMENT_JSON, SATURATION_EPS, Evidence, saturation_edge
from actdocs.render.markdown import markdown_table, write_text
from actdocs.produce.facts import EDGE_DECIMALS, SOURCE_SATURATION
from actdocs.render.numbers import format_number, format_ratio, format_sig
from actdocs.render.wording import flat_end
from actdocs.textbook.statement_data import SECTIONS, STATEMENTS, VERDICTS, Statement
from actdocs.measure.verdicts import Verdict

MODULE = "actdocs.textbook.statements"

#: The verdicts a claims-backed row can show: those of :mod:`actdocs.measure.verdicts`.
MEASURED_VERDICTS: tuple[str, ...] = get_args(Verdict)

#: The most words an anchor may have: short enough never to copy the textbook.
ANCHOR_WORDS = 6

#: The pages a record may name as evidence, with the title its link shows.
PAGES = {
    "why-nonlinearity.md": "Why non-linearity", "classic.md": "Classic activations",
    "relu.md": "ReLU and its variants", "modern.md": "Modern activations", "pytorch.md": "Activations in PyTorch",
    "choosing.md": "Choosing an activation", "pitfalls.md": "Common pitfalls", "summary.md": "Summary",
    "experiments.md": "Experiments", "benchmarks.md": "Benchmarks",
}
CLAIMS_PAGE = "claims.md"

#: Per claim key, each sense's short label and computed verdict.
Measured = dict[str, tuple[tuple[str, Verdict], ...]]


def _measure(key: str):
    """The measured properties of the record ``key`` (:func:`actdocs.measure.properties.measure`)."""
    return properties.measure(catalog.get(key))


def _peak(key: str) -> float:
    """The record's largest |f′|, measured."""
    return _measure(key).max_grad


def _challenge_bound() -> float:
    """The smallest |f′| the challenge's first requirement allows (the experiment's constant)."""
    from actdocs.experiments.challenge import MIN_GRADIENT

    return MIN_GRADIENT


def _weak_below(key: str, eps: float = SATURATION_EPS) -> str:
    """The x below which |f′| of ``key`` stays under ``eps`` on the negative side, rounded down
    (towards the inside of that stretch, as every flat end the site writes)."""
    return flat_end(-saturation_edge(key, eps, negative_only=True), up=False, decimals=EDGE_DECIMALS)


def _ratio_span(numerator: str, denominator: str, size: str, conventions: tuple[str, ...],
                mode: str = "forward") -> Callable[[Evidence], str]:
    """``numerator``'s time over ``denominator``'s: the range of the medians over the recorded runs and
    ``conventions`` whose cells give an interval (a flagged cell drops out)."""
    return _ratio_range(numerator, denominator, tuple((size, mode, c) for c in conventions))


def _ratio_range(numerator: str, denominator: str,
                 cells: tuple[tuple[str, str, str], ...]) -> Callable[[Evidence], str]:
    """The range of ``numerator``'s time over ``denominator``'s over the recorded runs and the
    (size, mode, convention) ``cells`` that give an interval (a flagged cell drops out)."""

    def text(e: Evidence) -> str:
        if not e.runs:
            return recorded.NO_RUN
        found = [m.value for run in e.runs for size, mode, c in cells
                 if (m := recorded.ratio(run, numerator, denominator, size=size, mode=mode, convention=c))]
        if not found:
            return recorded.FLAGGED
        low, high = format_ratio(min(found)), format_ratio(max(found))
        return low if low == high else f"{low[:-1]}–{high}"

    return text


def flat_point(key: str) -> float:
    """Where f′ of ``key`` crosses zero on the negative side: bisected from the sign change on the measurement
    grid (float64) until the bracket is 1e-9 wide."""
    import torch

    record = catalog.get(key)
    x = properties.measurement_grid()
    x = x[x < 0]
    g = properties.derivative(record, x)
    crossings = torch.nonzero(torch.sign(g[:-1]) * torch.sign(g[1:]) < 0).flatten().tolist()
    if not crossings:
        raise ValueError(f"f′ of {key} does not change sign on the negative side")
    i = crossings[0]
    low, high = x[i].item(), x[i + 1].item()
    sign_low = torch.sign(g[i]).item()
    while high - low > 1e-9:
        mid = (low + high) / 2
        at = properties.derivative(record, torch.tensor([mid], dtype=torch.float64)).item()
        low, high = (mid, high) if (at > 0) == (sign_low > 0) else (low, mid)
    return (low + high) / 2


#: Every (size, mode, convention) a benchmark run measures.
_ALL_CELLS = tuple((size, mode, c) for size in schema.SIZES for mode in schema.MODES for c in schema.CONVENTIONS)


#: The numbers a record's ``truth`` may name as ``{name}``: computed at build time, never typed.
NUMBERS: dict[str, Callable[[Evidence], str]] = {
    "eps": lambda e: format_number(SATURATION_EPS),
    "sigmoid_edge": lambda e: flat_end(saturation_edge("sigmoid", SATURATION_EPS), up=True, decimals=EDGE_DECIMALS),
    "sigmoid_slope_4": lambda e: format_sig(grad_at(catalog.get("sigmoid"), SOURCE_SATURATION["sigmoid"]), 2),
    "tanh_edge": lambda e: flat_end(saturation_edge("tanh", SATURATION_EPS), up=True, decimals=EDGE_DECIMALS),
    "tanh_slope_3": lambda e: format_sig(grad_at(catalog.get("tanh"), SOURCE_SATURATION["tanh"]), 2),
    "gelu_weak": lambda e: _weak_below("gelu"),
    "tanh_over_sigmoid": lambda e: format_number(_peak("tanh") / _peak("sigmoid")),
    "leaky_default": lambda e: format_number(catalog.get("leaky_relu").defaults["negative_slope"]),
    "hardswish_kinks": lambda e: " and ".join(format_number(k) for k in _measure("hardswish").kinks),
    "elu_weak": lambda e: _weak_below("elu"),
    "leaky_cache": _ratio_span("leaky_relu", "relu", "cache", ("as called", "preallocated")),
    "leaky_memory": _ratio_span("leaky_relu", "relu", "memory", ("as called", "preallocated")),
    # the setting of the claim gelu-tanh-fast: preallocated forward, both sizes
    "gelu_tanh_cache": _ratio_span("gelu_tanh", "gelu", "cache", ("preallocated",)),
    "gelu_tanh_memory": _ratio_span("gelu_tanh", "gelu", "memory", ("preallocated",)),
    "gelu_tanh_other": _ratio_range("gelu_tanh", "gelu",
                                    tuple(c for c in _ALL_CELLS if c[1:] != ("forward", "preallocated"))),
    "silu_cache": _ratio_span("silu", "relu", "cache", ("as called", "preallocated")),
    "silu_memory": _ratio_span("silu", "relu", "memory", ("as called", "preallocated")),
    # where f′ = 0 on the negative side, and below which |f′| stays under the challenge's bound
    "silu_flat": lambda e: format_sig(flat_point("silu")),
    "mish_flat": lambda e: format_sig(flat_point("mish")),
    "challenge_bound": lambda e: format_number(_challenge_bound()),
    "silu_weak": lambda e: _weak_below("silu", _challenge_bound()),
    "mish_weak": lambda e: _weak_below("mish", _challenge_bound()),
}

_NAME = re.compile(r"\{(\w+)\}")


def fill(text: str, numbers: dict[str, str]) -> str:
    """``text`` with each ``{name}`` replaced by its computed number."""
    return _NAME.sub(lambda m: numbers[m.group(1)], text)


def numbers(evidence: Evidence) -> dict[str, str]:
    """Every entry of :data:`NUMBERS`, computed from ``evidence``."""
    return {name: make(evidence) for name, make in NUMBERS.items()}


def measured_verdicts(results: list[tuple[claims.Claim, list[claims.Finding]]]) -> Measured:
    """Each claim's key with one (short sense label, verdict) pair per sense, from :func:`claims.evaluate`."""
    return {c.key: tuple((re.split(r"[,:;]", f.sense.name)[0].strip(), f.verdict) for f in findings)
            for c, findings in results}


def verdicts(statement: Statement, measured: Measured) -> tuple[tuple[str, str], ...]:
    """The row's verdicts: its claim's, one per sense, or its typed verdict with no sense label."""
    if statement.claim:
        return measured[statement.claim]
    return (("", statement.verdict),)


def _page_problem(page: str) -> str:
    name = page.split("#", 1)[0]
    return "" if name in PAGES else f"page {page!r} is not one of {sorted(PAGES)}"


def problems(statements: Iterable[Statement], measured: Measured) -> list[str]:
    """What is wrong with ``statements``: one line per fault, empty when every record is sound."""
    found: list[str] = []
    order = [key for key, _ in SECTIONS]
    seen: list[str] = []
    for i, s in enumerate(statements):
        where = f"statement {i} ({s.anchor!r})"
        if s.section not in order:
            found.append(f"{where}: unknown section {s.section!r}")
        elif not seen or seen[-1] != s.section:
            if s.section in seen or (seen and order.index(s.section) < order.index(seen[-1])):
                found.append(f"{where}: section {s.section!r} out of the textbook's order")
            seen.append(s.section)
        if not (s.anchor.strip() and len(s.anchor.split()) <= ANCHOR_WORDS):
            found.append(f"{where}: an anchor has 1 to {ANCHOR_WORDS} words")
        if not (s.says.strip() and s.truth.strip()):
            found.append(f"{where}: says and truth are required")
        for name in _NAME.findall(s.says + s.truth):
            if name not in NUMBERS:
                found.append(f"{where}: unknown number {{{name}}}")
        if s.claim:
            if s.verdict:
                found.append(f"{where}: a typed verdict on a claims-backed row (claim {s.claim!r})")
            if s.claim not in measured:
                found.append(f"{where}: unknown claim {s.claim!r}")
        elif s.verdict not in VERDICTS:
            found.append(f"{where}: verdict {s.verdict!r} is not one of {VERDICTS}")
        if not (s.claim or s.refs or s.page or s.reasoning):
            found.append(f"{where}: no evidence")
        for key in s.refs:
            if key not in references.keys():
                found.append(f"{where}: unknown reference key {key!r}")
        if s.page and _page_problem(s.page):
            found.append(f"{where}: {_page_problem(s.page)}")
    return found


def check(statements: Iterable[Statement], measured: Measured) -> None:
    """Raise ValueError listing every fault :func:`problems` finds."""
    found = problems(statements, measured)
    if found:
        raise ValueError("statements: " + "; ".join(found))


def anchor_positions(statements: Iterable[Statement], text: str) -> list[int]:
    """Where each anchor occurs in ``text``, each searched after the one before; -1 where it does not."""
    positions, start = [], 0
    for s in statements:
        at = text.find(s.anchor, start)
        positions.append(at)
        if at >= 0:
            start = at + 1
    return positions


def _verdict_cell(pairs: tuple[tuple[str, str], ...]) -> str:
    return "; ".join(f"**{v}**" + (f" ({label})" if label and len(pairs) > 1 else "") for label, v in pairs)


def _source_cell(s: Statement) -> str:
    parts = []
    if s.claim:
        parts.append(f"Measured: [{s.claim}]({CLAIMS_PAGE}#{s.claim})")
    if s.refs:
        parts.append(references.cite(s.refs))
    if s.page:
        parts.append(f"[{PAGES[s.page.split('#', 1)[0]]}]({s.page})")
    if s.reasoning:
        parts.append("the site's own reasoning" if parts else "The site's own reasoning")
    return "; ".join(parts)


def statements_markdown(statements: Iterable[Statement], measured: Measured,
                        values: dict[str, str] | None = None) -> str:
    """A count of the rows by verdict, then one table per section: says | verdict | what is true | source.
    ``values`` fills the truths' ``{name}`` numbers (computed without timing evidence when None)."""
    statements = tuple(statements)
    values = numbers(Evidence({}, None)) if values is None else values
    counts: dict[str, int] = {}
    for s in statements:
        for _, v in verdicts(s, measured):
            counts[v] = counts.get(v, 0) + 1
    ordered = [v for v in (*VERDICTS, *MEASURED_VERDICTS) if v in counts]
    lines = [f"{len(statements)} statements. Verdicts (a measured row counts once per sense): "
             + ", ".join(f"{v} {counts[v]}" for v in ordered) + ".\n"]
    for key, title in SECTIONS:
        rows = [[s.says, _verdict_cell(verdicts(s, measured)), fill(s.truth, values), _source_cell(s)]
                for s in statements if s.section == key]
        if rows:
            lines.append(f"## {title}\n\n"
                         + markdown_table(["The textbook says", "Verdict", "What is true", "Source"], rows))
    return "\n".join(lines)


def statements_document(statements: Iterable[Statement], measured: Measured,
                        values: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """The JSON form: each section with its rows, their verdicts (per sense where measured) and evidence."""
    titles = dict(SECTIONS)
    values = numbers(Evidence({}, None)) if values is None else values
    document: list[dict[str, Any]] = []
    for s in statements:
        if not document or document[-1]["section"] != s.section:
            document.append({"section": s.section, "title": titles[s.section], "statements": []})
        document[-1]["statements"].append({
            "anchor": s.anchor, "says": s.says, "truth": fill(s.truth, values),
            "verdicts": [{"sense": label, "verdict": v} for label, v in verdicts(s, measured)],
            "evidence": {"claim": s.claim, "refs": list(s.refs), "page": s.page, "reasoning": s.reasoning},
        })
    return document


def _make(out: Path, ctx: Context) -> None:
    evidence = Evidence.load(ctx.cache, ctx.root)
    measured = measured_verdicts(claims.evaluate(evidence))
    check(STATEMENTS, measured)
    values = numbers(evidence)
    write_text(out, paths.table("statements"), statements_markdown(STATEMENTS, measured, values))
    text = json.dumps(statements_document(STATEMENTS, measured, values), indent=1, ensure_ascii=False)
    write_text(out, paths.data("statements"), text + "\n")


def artifacts(root: Path = REPO_ROOT) -> list[Artifact]:
    """The textbook page's fragment and JSON, after the experiments the claims read; keyed like the claims."""
    return [Artifact("statements", (paths.table("statements"), paths.data("statements")), _make, MODULE,
                     inputs=recorded.input_files(root), reads=tuple(EXPERIMENT_JSON.values()))]
