"""Defaults that differ between frameworks for the same name: the sourced side.

Each :class:`Row` names one setting (GELU's ``approximate``, Leaky ReLU's slope, ...)
and holds, for JAX (``jax.nn``), Keras 3 and TensorFlow (``tf.nn``), the default as
that framework's released source or versioned documentation states it, with the
reference key of the record that was read (:mod:`actdocs.references`: the release
tag, the file, the day). None of these frameworks is installed here, so their cells
are sourced, never executed; a framework with no cell has no counterpart that was
read, not necessarily none at all. The PyTorch column is not typed here: it is read
from torch at build time (:mod:`actdocs.produce.framework_defaults`).

``value`` is what makes cells comparable (the PyTorch probe returns the same kind):
"exact" or "tanh" for GELU, a slope, an axis, ``None`` where a function takes no
such argument. A row whose values all agree says in ``why`` what makes it worth
listing.

The records read (JAX jax-v0.11.0 ``jax/_src/nn/functions.py``; Keras v3.15.1
``keras/src/activations/activations.py``, ``keras/src/ops/nn.py``,
``keras/src/layers/activations/`` and ``keras/src/backend/*/nn.py``; Keras v2.15.0
``keras/backend.py``; the TensorFlow 2.21.0 API reference of ``tf.nn``) are listed in
:data:`SOURCES`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

#: The columns after PyTorch's, in the table's order.
FRAMEWORKS: tuple[str, ...] = ("JAX", "Keras 3", "TensorFlow")

#: The reference records behind each column's cells.
SOURCES: Mapping[str, tuple[str, ...]] = {
    "JAX": ("jax2026",),
    "Keras 3": ("keras2026", "keras2023"),
    "TensorFlow": ("tensorflow2026",),
}


@dataclass(frozen=True)
class Default:
    """One function's default in one framework: the API that has it, a comparable
    ``value``, what the cell says (Markdown) and the reference keys it rests on."""

    api: str
    value: object
    text: str
    refs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Row:
    """One setting across frameworks: its key (the PyTorch probe's name), the row's
    label, the sourced cells per framework, where all values agree, why it is listed, and
    the catalog keys of the activations it concerns (whose pages show the row)."""

    key: str
    name: str
    cells: Mapping[str, tuple[Default, ...]] = field(default_factory=dict)
    why: str = ""
    keys: tuple[str, ...] = ()


_JAX = ("jax2026",)
_KERAS = ("keras2026",)
_TF = ("tensorflow2026",)
_HARD_SIGMOID = "$\\operatorname{relu6}(x + 3)/6$"

ROWS: tuple[Row, ...] = (
    Row("gelu", "GELU: exact or tanh form", {
        "JAX": (Default("jax.nn.gelu", "tanh", "`approximate=True`: tanh form", _JAX),),
        "Keras 3": (Default("keras.ops.gelu", "tanh", "`approximate=True`: tanh form", _KERAS),
                    Default("keras.activations.gelu", "exact", "`approximate=False`: exact form", _KERAS)),
        "TensorFlow": (Default("tf.nn.gelu", "exact", "`approximate=False`: exact form", _TF),),
    }, keys=("gelu", "gelu_tanh")),
    Row("leaky_relu", "Leaky ReLU: negative slope", {
        "JAX": (Default("jax.nn.leaky_relu", 0.01, "`negative_slope=0.01`", _JAX),),
        "Keras 3": (Default("keras.layers.LeakyReLU", 0.3, "`negative_slope=0.3`", _KERAS),
                    Default("keras.activations.leaky_relu", 0.2, "`negative_slope=0.2` (also `keras.ops`)",
                            _KERAS)),
        "TensorFlow": (Default("tf.nn.leaky_relu", 0.2, "`alpha=0.2`", _TF),),
    }, keys=("leaky_relu",)),
    Row("hard_sigmoid", "Hard sigmoid: slope of the ramp", {
        "JAX": (Default("jax.nn.hard_sigmoid", 1 / 6, _HARD_SIGMOID, _JAX),),
        "Keras 3": (Default("keras.ops.hard_sigmoid", 1 / 6,
                            f"{_HARD_SIGMOID} in every backend's code, though its docstring "
                            "states $0.2x + 0.5$", _KERAS),
                    Default("keras.backend.hard_sigmoid", 0.2, "Keras 2.15: $0.2x + 0.5$, clipped to $[0, 1]$",
                            ("keras2023",))),
    }, why="Keras 2 used a steeper ramp, and Keras 3's documentation of `keras.ops.hard_sigmoid` still "
           "gives that form", keys=("hardsigmoid",)),
    Row("elu", "ELU: $\\alpha$", {
        "JAX": (Default("jax.nn.elu", 1.0, "`alpha=1.0`", _JAX),),
        "Keras 3": (Default("keras.activations.elu", 1.0, "`alpha=1.0` (also `keras.layers.ELU`)", _KERAS),),
        "TensorFlow": (Default("tf.nn.elu", 1.0, "no `alpha` argument: $e^x - 1$ for $x < 0$", _TF),),
    }, why="the same $\\alpha$, but `tf.nn.elu` takes none, so another $\\alpha$ does not port", keys=("elu",)),
    Row("softplus", "Softplus: $\\beta$ and switch to $x$", {
        "JAX": (Default("jax.nn.softplus", None, "no arguments: $\\log(1 + e^x)$ everywhere", _JAX),),
        "Keras 3": (Default("keras.activations.softplus", None, "no arguments: $\\log(e^x + 1)$ everywhere",
                            _KERAS),),
    }, keys=("softplus",)),
    Row("silu", "SiLU (Swish): $\\beta$ in $x\\,\\sigma(\\beta x)$", {
        "JAX": (Default("jax.nn.silu", None, "no `beta` argument ($\\beta = 1$)", _JAX),),
        "Keras 3": (Default("keras.activations.silu", None, "no `beta` argument ($\\beta = 1$)", _KERAS),),
        "TensorFlow": (Default("tf.nn.silu", 1.0, "`beta=1.0`, an argument", _TF),),
    }, keys=("silu",)),
    Row("softmax", "Softmax: axis when none is given", {
        "JAX": (Default("jax.nn.softmax", -1, "`axis=-1`", _JAX),),
        "Keras 3": (Default("keras.activations.softmax", -1, "`axis=-1` (also `keras.layers.Softmax`)", _KERAS),),
        "TensorFlow": (Default("tf.nn.softmax", -1, "`axis=None`, meaning the last axis", _TF),),
    }, keys=("softmax",)),
    Row("log_softmax", "Log-softmax: axis when none is given", {
        "JAX": (Default("jax.nn.log_softmax", -1, "`axis=-1`", _JAX),),
        "Keras 3": (Default("keras.activations.log_softmax", -1, "`axis=-1`", _KERAS),),
        "TensorFlow": (Default("tf.nn.log_softmax", -1, "`axis=None`, meaning the last axis", _TF),),
    }, keys=("log_softmax",)),
)
