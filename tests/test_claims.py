"""Claims: every record evaluates to a verdict computed from evidence, never typed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from actdocs import claims
from actdocs.build import Context

# The source's claims that issue 5 lists; each must be a record.
REQUIRED = {
    "sigmoid-max-grad", "tanh-max-grad", "sigmoid-saturates", "tanh-saturates", "sigmoid-ten-layers",
    "tanh-rescaled-sigmoid", "linear-collapse", "relu-vs-sigmoid-speed", "hardswish-vs-swish-speed",
    "swish-hardswish-ms", "exponentials-expensive", "hardswish-piecewise", "gelu-tanh-approx", "mish-form",
    "selu-self-normalising", "relu-sparsity", "dying-relu", "cross-entropy",
}

NO_EVIDENCE = claims.Evidence(bench=None, experiments={name: None for name in claims.EXPERIMENT_JSON})


def _bench(times: dict[str, float], *, noisy: frozenset[str] = frozenset(), size: str = "cache",
           mode: str = "forward", convention: str = "as called") -> dict:
    """A minimal benchmark document with one cell per activation."""
    cells = [{"key": k, "dtype": "float32", "size": size, "mode": mode, "convention": convention,
              "median_s": t, "noisy": k in noisy} for k, t in times.items()]
    return {"environment": {"device": "cpu", "device_name": "Test CPU", "threads": 2}, "cells": cells}


def _by_key(evidence: claims.Evidence) -> dict[str, claims.Finding]:
    return {c.key: f for c, f in claims.evaluate(evidence)}


def test_every_required_claim_is_a_record():
    keys = [c.key for c in claims.CLAIMS]
    assert len(keys) == len(set(keys))
    assert REQUIRED <= set(keys), REQUIRED - set(keys)


def test_claims_checked_from_the_functions_hold_without_other_evidence():
    findings = _by_key(NO_EVIDENCE)
    for key in ("sigmoid-max-grad", "tanh-max-grad", "sigmoid-saturates", "tanh-saturates", "tanh-rescaled-sigmoid",
                "linear-collapse", "hardswish-piecewise", "mish-form", "relu-sparsity", "cross-entropy"):
        assert findings[key].verdict == "holds", (key, findings[key])
        assert findings[key].measured and "no " not in findings[key].measured[:3]


def test_missing_evidence_is_not_measured_not_a_guess():
    findings = _by_key(NO_EVIDENCE)
    for key in ("relu-vs-sigmoid-speed", "hardswish-vs-swish-speed", "swish-hardswish-ms", "exponentials-expensive",
                "sigmoid-ten-layers", "dying-relu", "selu-self-normalising", "gelu-tanh-approx"):
        assert findings[key].verdict == "not measured", (key, findings[key])


@pytest.mark.parametrize(
    ("sigmoid", "verdict"),
    [(6e-4, "holds"), (1.5e-4, "does not hold here")],
)
def test_speed_verdict_follows_the_measured_ratio(sigmoid: float, verdict: str):
    evidence = claims.Evidence(bench=_bench({"relu": 1e-4, "sigmoid": sigmoid}), experiments=NO_EVIDENCE.experiments)
    finding = _by_key(evidence)["relu-vs-sigmoid-speed"]
    assert finding.verdict == verdict, finding
    assert f"{sigmoid / 1e-4:.2f}×" in finding.measured


def test_speed_verdict_depends_on_the_regime():
    cache = _bench({"relu": 1e-4, "sigmoid": 7e-4})
    memory = _bench({"relu": 1e-2, "sigmoid": 1.1e-2}, size="memory", convention="preallocated")
    bench = {**cache, "cells": cache["cells"] + memory["cells"]}
    finding = _by_key(claims.Evidence(bench=bench, experiments=NO_EVIDENCE.experiments))["relu-vs-sigmoid-speed"]
    assert finding.verdict == "holds only in some regime", finding
    assert "in cache" in finding.measured and "memory-bound" in finding.measured


def test_noisy_cells_carry_no_verdict():
    bench = _bench({"relu": 1e-4, "sigmoid": 6e-4}, noisy=frozenset({"relu"}))
    finding = _by_key(claims.Evidence(bench=bench, experiments=NO_EVIDENCE.experiments))["relu-vs-sigmoid-speed"]
    assert finding.verdict == "not measured", finding


def test_experiment_claims_read_the_experiments_json():
    evidence = claims.Evidence(bench=None, experiments={
        **NO_EVIDENCE.experiments,
        "dying_relu": {"dead_share": {"relu-high-lr": {"trained": 0.4}, "leaky-high-lr": {"trained": 0.5},
                                      "relu-sane-lr": {"trained": 0.01}}},
    })
    finding = _by_key(evidence)["dying-relu"]
    assert finding.verdict == "does not hold here", finding  # Leaky lost more units than ReLU here
    assert "40\u202f%" in finding.measured and "50\u202f%" in finding.measured


def test_artifact_writes_table_and_json(tmp_path: Path):
    (artifact,) = claims.artifacts()
    out = tmp_path / "out"
    artifact.make(out, Context(cache=tmp_path / "empty-cache"))
    table = (out / "tables" / "claims.md").read_text(encoding="utf-8")
    document = json.loads((out / "data" / "claims.json").read_text(encoding="utf-8"))
    assert len(document) == len(claims.CLAIMS)
    assert {d["verdict"] for d in document} <= set(claims.VERDICTS)
    assert table.count("\n") == len(claims.CLAIMS) + 2
    for record in document:
        assert record["measured"] in table.replace("\\|", "|")
