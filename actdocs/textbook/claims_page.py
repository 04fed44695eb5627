"""The claims page: the rendering of :mod:`actdocs.textbook.claims`' findings, its JSON and its artifact.

:mod:`actdocs.textbook.claims` holds the claim records and judges them; this module turns the
findings into ``tables/claims.md`` (a summary table, then a section per claim with its
rule, readings, verdict and sensitivity) and ``data/claims.json``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from actdocs import paths
from actdocs.measure import recorded
from actdocs.engine.artifact import REPO_ROOT, Artifact, Context
from actdocs.textbook.claims import Claim, Finding, Row, evaluate
from actdocs.measure.evidence import ALLOCATES, EXPERIMENT_JSON, Evidence, Reading
from actdocs.measure.recorded import FLAGGED
from actdocs.render.markdown import markdown_table, write_text
from actdocs.render.numbers import format_sig, round_floats
from actdocs.measure.verdicts import Edge, SpeedUp

MODULE = "actdocs.textbook.claims_page"

def _row_text(row: Row) -> str:
    """A row's measurements: one per recorded run (named), or the one."""
    text = "; ".join(f"{r.run}: {r.text}" if r.run else r.text for r in row.readings)
    return f"{text} ({row.note})" if row.note else text


def _own_text(f: Finding) -> str:
    own = f.own
    if len(own) == 1:
        return _row_text(own[0])
    return "; ".join(f"{row.label}: {_row_text(row)} ({row.verdict})" for row in own) or "no reading in this setting"


def _verdict_cell(f: Finding) -> str:
    return f"**{f.verdict}**" + (f": {f.note}" if f.note else "")


def _summary_cell(f: Finding) -> str:
    """The verdict; an undecided one over several settings also says what each of them gave, so
    that a consistent measurement that one flagged run leaves undecided reads as such."""
    own = f.own
    if f.verdict != "undecided" or len(own) < 2:
        return _verdict_cell(f)
    if len(own) == 2:
        return _verdict_cell(f) + " (" + "; ".join(
            f"{row.label}: {row.verdict}" + (f", {row.note}" if row.note else "") for row in own) + ")"
    counts: dict[str, int] = {}
    for row in own:
        said = row.verdict + (f", {row.note}" if row.note else "")
        counts[said] = counts.get(said, 0) + 1
    return _verdict_cell(f) + " (" + "; ".join(f"{n} of {len(own)} settings: {said}" for said, n in counts.items()) + ")"


def summary_table(results: list[tuple[Claim, list[Finding]]]) -> str:
    """Claim | sense | verdict, one row per sense, each claim linked to its section."""
    rows = []
    for claim, findings in results:
        for i, f in enumerate(findings):
            title = f"[{claim.words}](#{claim.key})" if i == 0 else ""
            rows.append([title, f.sense.name, _summary_cell(f)])
    return markdown_table(["The claim", "Sense", "Verdict"], rows)


def _threshold(value: float) -> str:
    return format_sig(value, 3)


def _knob_words(f: Finding) -> str:
    """What the sensitivity moves, in the rule's own terms."""
    rule = f.sense.rule
    if isinstance(rule, Edge):
        return f"the stated edge |x| = {_threshold(rule.threshold)} (not the “≈ 0” threshold, varied in the rows above)"
    if isinstance(rule, SpeedUp):
        return f"the claimed speed-up's excess over 1 (claimed {_threshold(rule.claimed)}×)"
    if getattr(rule, "ratio", False):
        return f"the threshold ratio's excess over 1 (threshold {_threshold(rule.threshold)})"
    return f"the rule's threshold ({_threshold(rule.threshold)})"


def sensitivity_line(f: Finding) -> str:
    """How the sense's verdict moves with its threshold, in words; empty when it has none to move."""
    if not f.sensitivity:
        return ""
    parts = [f"{label} ({_threshold(value)}): {verdict}" for label, value, verdict in f.sensitivity
             if label != "flips at"]
    parts += [f"it turns to {verdict} past {_threshold(value)}" for label, value, verdict in f.sensitivity
              if label == "flips at"]
    if not any(label == "flips at" for label, _, _ in f.sensitivity):
        parts.append("no threshold near the stated one changes it")
    return f"- {f.sense.name}; moving {_knob_words(f)}: " + "; ".join(parts)


def claim_section(claim: Claim, findings: list[Finding]) -> str:
    """One claim: its words, origin and what that measured, a table of its senses at the setting
    it names with other settings as extra rows, then how each verdict moves with its threshold."""
    rows = []
    for f in findings:
        setting = f.setting.words() + ("; a bound: every condition measured" if f.sense.bound else "")
        rows.append([f.sense.name, setting, f.sense.method, f.sense.rule.describe(), _own_text(f),
                     _verdict_cell(f)])
        rows += [["", f"extra row: {row.label}", "", "", _row_text(row), f"{row.verdict} (not in the verdict)"]
                 for row in f.extra]
    table = markdown_table(["Sense", "Setting", "How we check", "Rule", "We measured", "Verdict"], rows)
    lines = [line for line in map(sensitivity_line, findings) if line]
    moves = ("\n\n**How the verdict moves with the threshold** (each line names what it moves: a rule's "
             "threshold, a ratio's or a claimed speed-up's excess over 1, or a rule of thumb's stated edge; "
             "halved, as stated and doubled, and the nearest value past which the verdict changes):\n\n"
             + "\n".join(lines) + "\n") if lines else "\n"
    return (f"### “{claim.words}” {{ #{claim.key} }}\n\n"
            f"**Where it comes from.** {claim.origin.markdown()}\n\n{table}{moves}")


def claims_markdown(results: list[tuple[Claim, list[Finding]]]) -> str:
    """The summary table, then a section per claim."""
    return summary_table(results) + "\n" + "\n".join(claim_section(c, f) for c, f in results)


def claims_document(results: list[tuple[Claim, list[Finding]]]) -> list[dict[str, Any]]:
    """The JSON form: each claim with its origin and setting and, per sense, rule, rows, verdict
    and sensitivity."""
    def reading(r: Reading) -> dict[str, Any]:
        m = r.measured
        return {"run": r.run, "device": r.device, "text": r.text,
                "value": None if m is None else m.value, "low": None if m is None else m.low,
                "high": None if m is None else m.high}

    def row(w: Row) -> dict[str, Any]:
        return {"regime": w.label, "setting": vars(w.setting), "own": w.own, "verdict": w.verdict, "note": w.note,
                "readings": [reading(r) for r in w.readings]}

    return [{
        "key": c.key, "claim": c.words, "page": c.page, "setting": vars(c.setting),
        "origin": {"kind": c.origin.kind, "ref": c.origin.ref, "source": c.origin.source, "measured": c.origin.measured},
        "senses": [{"sense": f.sense.name, "method": f.sense.method, "rule": f.sense.rule.describe(),
                    "setting": vars(f.setting), "bound": f.sense.bound, "rows": [row(w) for w in f.rows],
                    "verdict": f.verdict, "note": f.note,
                    "sensitivity": [{"at": label, "threshold": value, "verdict": v} for label, value, v in f.sensitivity]}
                   for f in findings],
    } for c, findings in results]


def runs_markdown(runs: list[recorded.Run] | None) -> str:
    """How far the recorded runs of each device lie apart, pair by pair in date order, with the
    benchmark's own comparison (:func:`actdocs.bench.compare.spread`)."""
    from actdocs.bench.compare import spread
    from actdocs.render.numbers import format_percent

    by_device: dict[str, list[recorded.Run]] = {}
    for run in runs or ():
        by_device.setdefault(recorded.device(run), []).append(run)
    lines = []
    for device, found in by_device.items():
        ordered = sorted(found, key=lambda r: (r.doc.get("environment", {}).get("date", ""), r.label))
        parts = []
        for a, b in zip(ordered, ordered[1:]):
            measured = [(label, spread(a.doc, b.doc, name)) for name, label in
                        (("median_s", "in time"), ("ratio_to_relu", "in ratio to ReLU"))]
            words = ", ".join(f"a median {format_percent(m.median)} {label} (90th percentile "
                              f"{format_percent(m.p90)})" for label, m in measured if m)
            parts.append(f"`{b.label}` lies from `{a.label}` {words or 'by no cell both share'}")
        spread_text = ("; ".join(parts) + ".") if parts else "one run only, so nothing to compare it with."
        lines.append(f"- {device}: {len(ordered)} recorded run{'s' if len(ordered) > 1 else ''}; {spread_text}")
    if not lines:
        return ""
    return ("**The recorded runs.** Each file under `data/bench/` is a separate full `make bench` run; within "
            "one run, a retry after the ceiling drifted keeps only the attempt with the fewest flagged cells "
            "(the [benchmarks page](benchmarks.md#how-it-is-measured)), but every recorded run is evidence "
            "here. A timing verdict below stands only where every recorded run of the device gives it. A "
            "cell that a run flagged (wide interval, load, drift, too few passes) reads "
            f"“{FLAGGED}” and gives no verdict, so it leaves the row undecided; a “preallocated” "
            "forward+backward cell whose backward has no allocation-free kernel reads "
            f"“{ALLOCATES}” and gives none either, since it times the allocator beside the "
            "function. How far the runs lie apart, cell by cell:\n\n" + "\n".join(lines) + "\n\n")


def _make(out: Path, ctx: Context) -> None:
    evidence = Evidence.load(ctx.cache, ctx.root)
    results = evaluate(evidence)
    write_text(out, paths.table("claims"), runs_markdown(evidence.runs) + claims_markdown(results))
    document = round_floats(claims_document(results), 6)
    write_text(out, paths.data("claims"), json.dumps(document, indent=1, ensure_ascii=False, allow_nan=False) + "\n")


def artifacts(root: Path = REPO_ROOT) -> list[Artifact]:
    """The claims page's fragment and JSON, after the experiments; keyed by the recorded runs."""
    return [Artifact("claims", (paths.table("claims"), paths.data("claims")), _make, MODULE,
                     inputs=recorded.input_files(root), reads=tuple(EXPERIMENT_JSON.values()))]
