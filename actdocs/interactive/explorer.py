"""The activation explorer: every catalog record, its derivative, saturation and slider.

Each curve is computed with the record's PyTorch functional in float64 and its
derivative with autograd (:func:`actdocs.produce.curves.curves`, the same samples as the
static figures); a record's ``slider`` (:class:`actdocs.catalog.Slider`) gives one
state per stop.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any, Iterable, Sequence

import torch

from actdocs import paths
from actdocs.measure import properties
from actdocs.measure.autograd import derivative
from actdocs.catalog import ACTIVATIONS, SATURATION_THRESHOLD, Activation, Slider
from actdocs.interactive.demo_spec import DEMOS, DIGITS, SIMPLIFY_TOLERANCE, _axis, figure_spec, fragment, simplify
from actdocs.produce.curves import curves, overview_alt_text, x_range
from actdocs.render.markdown import image_pair
from actdocs.render.numbers import MINUS, format_number, round_sig

#: Samples per unit of x of the explorer's curves (the static figures use the same).
EXPLORER_PER_UNIT = 40

FUNCTION_HOVER = "x = %{x:.3g}<br>f(x) = %{y:.4g}<extra>%{fullData.name}</extra>"
DERIVATIVE_HOVER = "x = %{x:.3g}<br>f\u2032(x) = %{y:.4g}<extra>derivative</extra>"

EXPLORER_STYLES: dict[str, dict[str, Any]] = {
    "function": {"type": "scatter", "mode": "lines", "line": {"width": 2.5}, "hovertemplate": FUNCTION_HOVER},
    "derivative": {
        "type": "scatter",
        "mode": "lines",
        "name": "derivative",
        "line": {"width": 2.2, "dash": "dash"},
        "hovertemplate": DERIVATIVE_HOVER,
    },
    "saturated": {
        "type": "scatter",
        "mode": "none",
        "fill": "toself",
        "hoverinfo": "skip",
        "name": f"saturated: |f\u2032| < {format_number(SATURATION_THRESHOLD)} on a stretch",
    },
}


def value_key(value: float) -> str:
    """A parameter value as a state key and label: "0.01", "1", "0.5"."""
    return format_number(value, 6).replace(MINUS, "-")


def with_parameter(record: Activation, keyword: str, value: float) -> Activation:
    """A copy of ``record`` whose default ``keyword`` is ``value`` (same functionals)."""
    return dataclasses.replace(record, defaults={**record.defaults, keyword: value})


def _saturated_trace(intervals: Sequence[tuple[float, float]], y_range: tuple[float, float]) -> dict[str, Any]:
    """One filled scatter of every saturated stretch (:func:`actdocs.measure.properties.saturated_within`), the polygons separated by gaps."""
    xs: list = []
    ys: list = []
    low, high = y_range
    for a, b in intervals:
        if xs:
            xs.append(None)
            ys.append(None)
        xs += [a, a, b, b, a]
        ys += [low, high, high, low, low]
    return {"meta": {"role": "saturated"}, "x": xs, "y": ys, "showlegend": bool(intervals)}


def _padded(lo: float, hi: float, pad: float = 0.08) -> tuple[float, float]:
    span = hi - lo or 1.0
    return lo - pad * span, hi + pad * span


def _interval_words(intervals: Sequence[tuple[float, float]], lo: float, hi: float) -> str:
    if not intervals:
        return f"nowhere between {format_number(lo)} and {format_number(hi)}"
    parts = []
    for a, b in intervals:
        if a <= lo and b >= hi:
            return "everywhere shown"
        elif a <= lo:
            parts.append(f"x < {format_number(b, 1)}")
        elif b >= hi:
            parts.append(f"x > {format_number(a, 1)}")
        else:
            parts.append(f"{format_number(a, 1)} < x < {format_number(b, 1)}")
    return "for " + " and ".join(parts)


def _explorer_curves(record: Activation) -> tuple[list[float], list[float], list[float], list[float], list[float]]:
    """Samples of the function and of its derivative (broken at jumps), and autograd's f' at each sample."""
    lo, hi = x_range(record)
    xs, ys, dxs, dys = curves(record, lo, hi, EXPLORER_PER_UNIT)
    # The largest |f'| shown is read from autograd's value at each sample (at a kink, the
    # one-sided limits drawn around it are not the derivative PyTorch computes there).
    at_samples = derivative(record, torch.tensor(xs, dtype=torch.float64)).tolist()
    return xs, ys, dxs, dys, at_samples


def _y_extent(samples: Iterable[tuple[list[float], ...]]) -> tuple[float, float]:
    """The padded y-range holding every function and derivative value (and 0) of ``samples``."""
    low, high = 0.0, 0.0
    for _, ys, _, dys, _ in samples:
        finite = [v for v in ys + dys if math.isfinite(v)]
        low, high = min([low, *finite]), max([high, *finite])
    return _padded(low, high)


def explorer_state(record: Activation, label: str, y_range: tuple[float, float] | None = None) -> dict[str, Any]:
    """The traces, axis ranges and summary of one record (with its current defaults)."""
    lo, hi = x_range(record)
    sampled = _explorer_curves(record)
    xs, ys, dxs, dys, at_samples = sampled
    y_range = y_range or _y_extent([sampled])
    tol = SIMPLIFY_TOLERANCE * (y_range[1] - y_range[0])
    fx, fy = simplify(xs, [round_sig(v, DIGITS) for v in ys], tol)
    gx, gy = simplify(dxs, [round_sig(v, DIGITS) for v in dys], tol)
    intervals = properties.saturated_within(record, lo, hi)  # the site's one definition of saturated
    max_grad = max(abs(d) for d in at_samples)
    summary = (
        f"{label}: the largest |f\u2032(x)| shown is {format_number(max_grad, 3)}; "
        f"saturated (|f\u2032| < {format_number(SATURATION_THRESHOLD)}) {_interval_words(intervals, lo, hi)}."
    )
    return {
        "data": [
            _saturated_trace(intervals, y_range),
            {"meta": {"role": "function"}, "name": record.name, "x": fx, "y": fy},
            {"meta": {"role": "derivative"}, "x": gx, "y": gy},
        ],
        "layout": {"xaxis": {"range": [lo, hi]}, "yaxis": {"range": list(y_range)}},
        "summary": summary,
    }


def _parameter_control(key: str, parameter: Slider, default: float) -> dict[str, Any]:
    return {
        "id": f"{key}-{parameter.keyword}",
        "type": "range",
        "label": parameter.label,
        "options": [{"value": value_key(v), "label": value_key(v)} for v in parameter.values],
        "default": value_key(default),
        "when": {"control": "activation", "in": [key]},
    }


def explorer_spec(records: Sequence[Activation] = ACTIVATIONS) -> dict[str, Any]:
    """The explorer: every record in ``records``, its derivative, saturation and parameter."""
    controls: list[dict[str, Any]] = [
        {
            "id": "activation",
            "type": "select",
            "label": "Activation",
            "options": [{"value": r.key, "label": r.name + ("" if r.elementwise else " (scalar view)")} for r in records],
            "default": records[0].key,
        },
        {"id": "derivative", "type": "toggle", "label": "Derivative", "default": True, "roles": ["derivative"]},
    ]
    states: dict[str, Any] = {}
    for record in records:
        parameter = record.slider
        if parameter is None:
            states[record.key] = explorer_state(record, record.name)
            continue
        default = record.defaults[parameter.keyword]
        if default not in parameter.values:
            raise ValueError(f"{record.key}: the default {parameter.keyword}={default} is not a slider stop")
        variants = [with_parameter(record, parameter.keyword, v) for v in parameter.values]
        y_range = _y_extent(_explorer_curves(v) for v in variants)
        control = _parameter_control(record.key, parameter, default)
        controls.append(control)
        states[record.key] = {
            "control": control["id"],
            "states": {
                value_key(v): explorer_state(variant, f"{record.name}, {parameter.keyword} = {value_key(v)}", y_range)
                for v, variant in zip(parameter.values, variants)
            },
        }
    layout = {
        "xaxis": _axis("x"),
        "yaxis": _axis("f(x) and f\u2032(x)"),
    }
    return figure_spec(
        "explorer",
        controls=controls,
        tree={"control": "activation", "states": states},
        styles=EXPLORER_STYLES,
        layout=layout,
    )


EXPLORER_CAPTION = (
    "**{title}.** Pick an activation, switch its derivative (dashed) on or off, and move "
    "the slider of the ones with a parameter. The shaded band is where the function is "
    "[saturated](glossary.md#saturated), |f′| below {threshold} over a stretch of x: "
    "gradients passing through there all but vanish. Every curve was "
    "computed with PyTorch's own function in float64, and every derivative with autograd, "
    "when this site was built."
)


def explorer_fragment() -> str:
    """The explorer's fragment; its static figure is the overview of every activation."""
    static = image_pair(overview_alt_text(), paths.activation_figure("overview"))
    caption = EXPLORER_CAPTION.format(title=DEMOS["explorer"], threshold=format_number(SATURATION_THRESHOLD))
    return fragment("explorer", static, caption)
