"""The table of defaults that differ between PyTorch, JAX, Keras 3 and TensorFlow.

The sourced cells come from :mod:`actdocs.produce.frameworks`; the PyTorch column is
read from the installed torch when the table is made: a default in a Python
signature is taken from it (``inspect.signature``), and one a C++ builtin hides
(``F.gelu``, ``F.softplus``) or one that is a rule rather than a number (softmax's
implicit dimension, hard sigmoid's ramp) is found from what the function computes.
:func:`defaults_table` renders ``tables/framework-defaults.md`` for the PyTorch page,
each sourced cell citing the record it was read from.
"""

from __future__ import annotations

import inspect
import math
import warnings
from typing import Callable, Sequence

import torch
import torch.nn.functional as F
from torch import nn

from actdocs import paths
from actdocs.engine.artifact import Artifact
from actdocs.produce import frameworks
from actdocs.produce.frameworks import Default
from actdocs.render import shortcodes
from actdocs.render.markdown import markdown_table, text_artifact
from actdocs.render.numbers import format_number

MODULE = "actdocs.produce.framework_defaults"

#: What the GELU probe calls each form.
GELU_FORMS = {"exact": "exact form", "tanh": "tanh form"}


def _grid() -> torch.Tensor:
    return torch.linspace(-6.0, 6.0, 241, dtype=torch.float64)


def _default(fn: Callable, name: str) -> object:
    """The default of ``fn``'s argument ``name``, from its Python signature."""
    return inspect.signature(fn).parameters[name].default


def gelu_form(fn: Callable[[torch.Tensor], torch.Tensor]) -> str:
    """"exact" or "tanh": which GELU ``fn`` computes, compared on a grid in float64."""
    x = _grid()
    y = fn(x)
    exact = 0.5 * x * (1.0 + torch.erf(x / math.sqrt(2.0)))
    tanh = 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x**3)))
    for form, reference in (("exact", exact), ("tanh", tanh)):
        if torch.allclose(y, reference, rtol=0.0, atol=1e-12):
            return form
    raise ValueError("the GELU is neither the exact nor the tanh form")


def ramp_slope(fn: Callable[[torch.Tensor], torch.Tensor]) -> float:
    """The slope of a hard sigmoid's ramp, from its values at ±1/2 (inside every known ramp)."""
    y = fn(torch.tensor([-0.5, 0.5], dtype=torch.float64))
    return float(y[1] - y[0])


def softplus_switch(fn: Callable[[torch.Tensor], torch.Tensor], high: float = 100.0) -> float:
    """Where ``fn`` starts to return its input unchanged: bisection, in float64, for the
    least ``x`` with ``fn(x) == x`` (below it ``log(1 + e^x)`` still differs from ``x``)."""
    low = 0.0
    for _ in range(60):
        mid = (low + high) / 2
        x = torch.tensor([mid], dtype=torch.float64)
        if bool(fn(x) == x):
            high = mid
        else:
            low = mid
    return round(high, 6)


def implicit_dims(fn: Callable[..., torch.Tensor], most: int = 4) -> dict[int, int]:
    """Input rank -> the dimension ``fn`` normalises over when no ``dim`` is given (found
    from which dimension sums to one; PyTorch's deprecation warning is silenced)."""
    found = {}
    for rank in range(1, most + 1):
        x = torch.arange(2 ** rank, dtype=torch.float64).reshape((2,) * rank) / 3
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            y = fn(x)
        y = y.exp() if fn is F.log_softmax else y  # log-probabilities sum to one once exponentiated
        dims = [d for d in range(rank) if torch.allclose(y.sum(d), torch.ones(()).double())]
        if len(dims) != 1:
            raise ValueError(f"{fn.__name__} normalised no single dimension of a rank-{rank} input")
        found[rank] = dims[0]
    return found


def _implicit(fn: Callable[..., torch.Tensor], api: str) -> Default:
    dims = implicit_dims(fn)
    by_dim: dict[int, list[int]] = {}
    for rank, dim in dims.items():
        by_dim.setdefault(dim, []).append(rank)
    rule = "; ".join(f"dim {d} for {' and '.join(f'{r}-D' for r in ranks)}" for d, ranks in sorted(by_dim.items()))
    text = f"`dim={_default(fn, 'dim')}`: deprecated implicit choice ({rule} input)"
    return Default(api, "implicit", text)


def pytorch_defaults() -> dict[str, Default]:
    """Row key -> PyTorch's default, read from the installed torch."""
    approximate = _default(nn.GELU, "approximate")
    slope = _default(F.leaky_relu, "negative_slope")
    ramp = ramp_slope(F.hardsigmoid)
    alpha = _default(F.elu, "alpha")
    beta = math.log(2.0) / float(F.softplus(torch.zeros((), dtype=torch.float64)))
    switch = softplus_switch(F.softplus)
    silu_beta = _default(F.silu, "beta") if "beta" in inspect.signature(F.silu).parameters else None
    form = gelu_form(F.gelu)
    return {
        "gelu": Default("F.gelu", form, f"`approximate='{approximate}'`: {GELU_FORMS[form]}"),
        "leaky_relu": Default("F.leaky_relu", slope, f"`negative_slope={slope}` (also `nn.LeakyReLU`)"),
        "hard_sigmoid": Default("F.hardsigmoid", ramp,
                                f"$x/{format_number(1 / ramp, 2)} + 1/2$, clipped to $[0, 1]$"),
        "elu": Default("F.elu", alpha, f"`alpha={alpha}`"),
        "softplus": Default("F.softplus", (beta, switch),
                            f"`beta={format_number(beta, 6)}`; returns $x$ once $\\beta x$ passes "
                            f"`threshold={format_number(switch, 6)}`"),
        "silu": Default("F.silu", silu_beta,
                        "no `beta` argument ($\\beta = 1$)" if silu_beta is None else f"`beta={silu_beta}`"),
        "softmax": _implicit(F.softmax, "F.softmax"),
        "log_softmax": _implicit(F.log_softmax, "F.log_softmax"),
    }


def cell(defaults: tuple[Default, ...]) -> str:
    """One framework's cell: each API with what it defaults to and, for a sourced one, its citation."""
    if not defaults:
        return "–"
    parts = []
    for d in defaults:
        cited = f" [{'; '.join('@' + k for k in d.refs)}]" if d.refs else ""
        parts.append(f"`{d.api}`: {d.text}{cited}")
    return shortcodes.expand("; ".join(parts), "")


def defaults_table(settings: Sequence[frameworks.Row] = frameworks.ROWS) -> str:
    """Setting | PyTorch | JAX | Keras 3 | TensorFlow | Why listed: one row per setting of
    ``settings`` (all of them by default)."""
    torch_side = pytorch_defaults()
    rows = []
    for row in settings:
        rows.append([row.name, cell((torch_side[row.key],)),
                     *(cell(tuple(row.cells.get(name, ()))) for name in frameworks.FRAMEWORKS),
                     row.why or "the defaults differ"])
    return markdown_table(["Setting", f"PyTorch {torch.__version__.split('+')[0]}", *frameworks.FRAMEWORKS,
                           "Why listed"], rows)


def artifacts() -> list[Artifact]:
    """``table-framework-defaults``: the table."""
    return [text_artifact("table-framework-defaults", paths.table("framework-defaults"), defaults_table, MODULE)]
