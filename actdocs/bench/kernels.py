"""The calls the benchmark times: activations three ways, and the streaming kernels of the ceiling.

*As called* runs the activation as a model does (``F.silu(x)``: a fresh output per call,
and through autograd a fresh gradient). *Preallocated* runs the same ATen kernels into
buffers allocated once: each catalog record's ``kernels`` field names them, for example
``{"forward": "silu(x)", "backward": "silu_backward(g, x)"}``, and :func:`interpret`
turns that into calls of the operator's ``out=`` overload (``grad_input=`` for a
backward) writing into ``y`` and ``gx``. Names in a spec are the buffers (``x`` input,
``y`` output, ``g`` incoming gradient, for a gated unit ``gate`` and ``t``, the gate's
incoming gradient; ``gx`` the backward's own output), the record's ``defaults``, upper-case constants of
:mod:`actdocs.catalog` and ``dtype`` (the input's). A spec whose forward reads ``gate`` is
a gated composition ``content * act(gate)``, built here from the gate's two kernels. A
spec may be several calls separated by ``;`` (``"abs(x); add(y, 1.0); div(x, y)"``), each
writing into the same output, for a function PyTorch composes of several kernels (its
``composite`` entry says why). A
backward without an allocation-free overload on the device (see :func:`out_overload`)
is called as autograd calls it and marked as allocating. *Compiled* is ``torch.compile`` (inductor) of the as-called function, writing
into the same buffers: ``y.copy_(f(x))`` and, for the backward, ``gx.copy_(vjp(g))``,
which inductor turns into one loop each that writes in place.

The ceiling's kernels (:func:`ceiling_kernels`) read and write whole tensors and do
nothing else: the time an activation would take if its arithmetic were free.
"""

from __future__ import annotations

import ast
import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

from actdocs.engine.errors import UsageError

if TYPE_CHECKING:  # pragma: no cover - typing only
    import torch

    from actdocs.catalog import Activation


@dataclass
class Buffers:
    """The tensors of one (size, dtype) group: ``y``, ``g``, ``s`` and ``tmp`` have the output's shape."""

    x: "torch.Tensor"
    y: "torch.Tensor"
    g: "torch.Tensor"
    gx: "torch.Tensor"
    s: "torch.Tensor"
    tmp: "torch.Tensor"


def allocate(shape: tuple[int, int], device: str, dtype: "torch.dtype", seed: int) -> tuple[Buffers, Buffers]:
    """Seeded buffers for element-wise activations and for gated ones (half-width outputs).

    Every output page is written once here, so that no timed call page-faults it in.
    Buffers too large for the device's memory (``--memory-elements``) are a :class:`UsageError`.
    """
    import torch

    gen = torch.Generator(device="cpu").manual_seed(seed)

    def randn(*dims: int) -> "torch.Tensor":
        return torch.randn(dims, generator=gen).to(device=device, dtype=dtype)

    try:
        x = randn(*shape)
        half = (shape[0], shape[1] // 2)
        full = Buffers(x, torch.zeros_like(x), randn(*shape), torch.zeros_like(x), torch.zeros_like(x),
                       torch.zeros_like(x))
        zeros = functools.partial(torch.zeros, half, device=device, dtype=dtype)
        gated = Buffers(x, zeros(), randn(*half), full.gx, zeros(), zeros())
    except RuntimeError as err:  # out of memory: a RuntimeError on a CPU, its subclass OutOfMemoryError on a GPU
        reason = str(err).strip().splitlines()[0]
        raise UsageError(f"cannot allocate the {shape[0]} x {shape[1]} {dtype} buffers on {device} "
                         f"(a smaller --memory-elements?): {reason}") from None
    return full, gated


@dataclass(frozen=True)
class Call:
    """A function of no arguments that runs one timed call, its code as text, and whether it allocates."""

    fn: Callable[[], Any]
    text: str
    allocates: bool = False


@dataclass(frozen=True)
class Kernels:
    """A record's preallocated calls: the forward, the forward that keeps what the backward needs, the backward."""

    forward: Call
    forward_saving: Call
    backward: Call
    substitute: str
    ops: tuple[str, str]


def _spec_call(expr: str) -> tuple[str, list[ast.expr], list[ast.keyword]]:
    node = ast.parse(expr, mode="eval").body
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
        raise ValueError(f"a kernel spec is one call such as 'silu(x)', got {expr!r}")
    return node.func.id, list(node.args), list(node.keywords)


def _names(expr: str) -> set[str]:
    return {n.id for n in ast.walk(ast.parse(expr, mode="eval")) if isinstance(n, ast.Name)} - {_spec_call(expr)[0]}


def _value(node: ast.expr, env: dict[str, Any], record: "Activation") -> tuple[Any, str]:
    """A spec argument's value and its text in the call as shown."""
    from actdocs import catalog

    if isinstance(node, ast.Constant):
        return node.value, repr(node.value)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant):
        return -node.operand.value, repr(-node.operand.value)
    if isinstance(node, ast.Name):
        name = node.id
        if name in env:
            return env[name], name
        if name == "dtype":
            return env["x"].dtype, "x.dtype"
        if name in record.defaults:
            return record.defaults[name], repr(record.defaults[name])
        if name.isupper() and isinstance(getattr(catalog, name, None), float):
            return getattr(catalog, name), name
    raise ValueError(f"{record.key}: cannot read {ast.unparse(node)!r} in its kernel spec")


def out_overload(name: str, device: str) -> tuple[Any, str, str] | None:
    """The allocation-free overload of ``aten.<name>`` on ``device``: (op, output keyword, name), or None.

    An ``out=`` overload counts only when ``device`` has a kernel of its own for it: one
    that exists only as a composite (``CompositeExplicitAutograd``) computes the
    allocating operator and copies its result into ``out``.
    """
    import torch

    packet = getattr(torch.ops.aten, name)
    backend = "CUDA" if device == "cuda" else "CPU"
    for overload in ("grad_input", "out"):
        if overload in packet.overloads() and torch._C._dispatch_has_kernel_for_dispatch_key(
                f"aten::{name}.{overload}", backend):
            op = getattr(packet, overload)
            outs = [a.name for a in op._schema.arguments
                    if a.kwarg_only and a.alias_info is not None and a.alias_info.is_write]
            if len(outs) == 1:
                return op, outs[0], f"aten.{name}.{overload}"
    return None


def _tensor_operands(op: Any, values: list[Any], out: "torch.Tensor") -> list[Any]:
    """Python numbers passed where the schema wants a Tensor (``add(y, 1.0)``), made 0-dim
    tensors once here: wrapped at every call they would allocate inside the timed call."""
    import torch

    schema_args = op._schema.arguments
    return [torch.tensor(v, dtype=out.dtype, device=out.device)
            if isinstance(v, (int, float)) and not isinstance(v, bool) and i < len(schema_args)
            and isinstance(schema_args[i].type, torch.TensorType) else v
            for i, v in enumerate(values)]


def _bind(record: "Activation", expr: str, env: dict[str, Any], out: "torch.Tensor", out_name: str) -> Call:
    """The spec ``expr`` as a call writing into ``out`` (or allocating, where no overload can)."""
    import torch

    name, arg_nodes, kw_nodes = _spec_call(expr)
    args = [_value(a, env, record) for a in arg_nodes]
    kwargs = {k.arg: _value(k.value, env, record) for k in kw_nodes}
    shown = [t for _, t in args] + [f"{k}={t}" for k, (_, t) in kwargs.items()]
    values, kw_values = [v for v, _ in args], {k: v for k, (v, _) in kwargs.items()}
    found = out_overload(name, out.device.type)
    if found is None:
        op = getattr(torch.ops.aten, name).default
        return Call(lambda: op(*values, **kw_values), f"aten.{name}({', '.join(shown)})", allocates=True)
    op, keyword, op_name = found
    values = _tensor_operands(op, values, out)
    kw_values[keyword] = out
    return Call(lambda: op(*values, **kw_values), f"{op_name}({', '.join([*shown, f'{keyword}={out_name}'])})")


def _steps(expr: str) -> list[str]:
    """The calls of a spec, in order: one, or several separated by ``;``."""
    return [part.strip() for part in expr.split(";")]


def _bind_steps(record: "Activation", expr: str, env: dict[str, Any], out: "torch.Tensor", out_name: str) -> Call:
    """Every call of the spec ``expr`` bound by :func:`_bind` into ``out``, run in order."""
    calls = [_bind(record, step, env, out, out_name) for step in _steps(expr)]
    if len(calls) == 1:
        return calls[0]

    def run() -> None:
        for call in calls:
            call.fn()

    return Call(run, "; ".join(c.text for c in calls), any(c.allocates for c in calls))


def interpret(record: "Activation", b: Buffers) -> Kernels:
    """The preallocated calls of ``record`` over the buffers ``b`` (see the module docstring)."""
    import torch

    spec = record.kernels
    if not spec.get("forward") or not spec.get("backward"):
        raise ValueError(f"{record.key}: its catalog record has no kernels spec (forward and backward)")
    ops = (_spec_call(_steps(spec["forward"])[0])[0], _spec_call(_steps(spec["backward"])[0])[0])
    substitute = spec.get("substitute", "")
    if not any("gate" in _names(step) for step in _steps(spec["forward"])):
        env = {"x": b.x, "y": b.y, "g": b.g, "gx": b.gx}
        forward = _bind_steps(record, spec["forward"], env, b.y, "y")
        backward = _bind_steps(record, spec["backward"], env, b.gx, "gx")
        return Kernels(forward, forward, backward, substitute, ops)
    content, gate = b.x.chunk(2, dim=-1)
    g_content, g_gate = b.gx.chunk(2, dim=-1)
    act = _bind(record, spec["forward"], {"gate": gate}, b.y, "y")
    act_saving = _bind(record, spec["forward"], {"gate": gate}, b.s, "s")
    act_backward = _bind(record, spec["backward"], {"gate": gate, "t": b.tmp}, g_gate, "g_gate")

    def forward() -> None:
        act.fn()
        b.y.mul_(content)

    def forward_saving() -> None:
        act_saving.fn()
        torch.mul(content, b.s, out=b.y)

    def backward() -> None:
        torch.mul(b.g, b.s, out=g_content)
        torch.mul(b.g, content, out=b.tmp)
        act_backward.fn()

    return Kernels(
        Call(forward, f"{act.text}; y.mul_(content)"),
        Call(forward_saving, f"{act_saving.text}; torch.mul(content, s, out=y)"),
        Call(backward, f"torch.mul(g, s, out=g_content); torch.mul(g, content, out=t); {act_backward.text}",
             act_backward.allocates),
        substitute, ops)


def call_kwargs(record: "Activation") -> dict[str, Any]:
    """The keyword arguments of an as-called call: the defaults, and dim=-1 where there is one."""
    kwargs = dict(record.defaults)
    if not record.elementwise:
        kwargs.setdefault("dim", -1)
    return kwargs


def as_called_text(record: "Activation") -> str:
    """The as-called forward as code: ``F.leaky_relu(x, negative_slope=0.01)``."""
    if "(" in record.torch_name:  # already a whole expression
        return record.torch_name
    if record.key == "prelu":  # the catalog passes its scalar slope as F.prelu's weight tensor
        return f"{record.torch_name}(x, torch.tensor([{record.defaults.get('weight', 0.25)!r}]))"
    args = ", ".join(["x", *(f"{k}={v!r}" for k, v in call_kwargs(record).items())])
    return f"{record.torch_name}({args})"


def as_called(record: "Activation", b: Buffers) -> tuple[Call, Call]:
    """The as-called forward and forward+backward (``torch.autograd.grad``) of ``record``."""
    import torch

    fn, kwargs = record.functional, call_kwargs(record)
    x_grad = b.x.detach().requires_grad_(True)
    text = as_called_text(record)

    def forward_backward() -> Any:
        return torch.autograd.grad(fn(x_grad, **kwargs), x_grad, b.g)

    return (Call(functools.partial(fn, b.x, **kwargs), text, allocates=True),
            Call(forward_backward, f"torch.autograd.grad({text}, x, g)", allocates=True))


def compiled(record: "Activation", b: Buffers) -> tuple[Call, Call]:
    """torch.compile of ``record`` writing into ``b``: the forward, and forward then backward.

    Compilation happens on the first call of each (the runner times it separately).
    """
    import torch

    f = functools.partial(record.functional, **call_kwargs(record))

    def forward(x: "torch.Tensor", y: "torch.Tensor") -> None:
        y.copy_(f(x))

    def backward(x: "torch.Tensor", g: "torch.Tensor", gx: "torch.Tensor") -> None:
        _, vjp = torch.func.vjp(f, x)
        gx.copy_(vjp(g)[0])

    cf = torch.compile(forward, fullgraph=True, dynamic=False)
    cb = torch.compile(backward, fullgraph=True, dynamic=False)
    text = as_called_text(record)
    fwd_text = f"torch.compile(lambda x, y: y.copy_({text}))"
    bwd_text = "torch.compile(lambda x, g, gx: gx.copy_(torch.func.vjp(f, x)[1](g)[0]))"

    def forward_backward() -> None:
        cf(b.x, b.y)
        cb(b.x, b.g, b.gx)

    return (Call(lambda: cf(b.x, b.y), fwd_text), Call(forward_backward, f"{fwd_text}; {bwd_text}"))


@dataclass(frozen=True)
class Streaming:
    """A ceiling kernel: its name, class (:data:`actdocs.bench.schema.CLASSES` or ``read``), call and elements moved per element."""

    name: str
    kind: str
    call: Call
    moved: int


def ceiling_kernels(b: Buffers, *, clone: bool = True) -> list[Streaming]:
    """The streaming kernels of one (size, dtype) group, over the element-wise buffers ``b``.

    ``copy_``, ``add`` of 0 and ``mul`` by 1 read x and write y; ``clone`` (if asked) does
    so through ``aten.clone.out``, marked as allocating where that is a composite; ``add2`` and ``mul2`` read x and g and write y; ``sum``
    only reads x.
    """
    import torch

    aten = torch.ops.aten
    kernels = [
        Streaming("copy_", "1r1w", Call(lambda: b.y.copy_(b.x), "y.copy_(x)"), 2),
        Streaming("add", "1r1w", Call(lambda: torch.add(b.x, 0, out=b.y), "torch.add(x, 0, out=y)"), 2),
        Streaming("mul", "1r1w", Call(lambda: torch.mul(b.x, 1, out=b.y), "torch.mul(x, 1, out=y)"), 2),
    ]
    if clone:  # on a CPU a composite: it clones, then copies (so it never sets the ceiling)
        kernels.append(Streaming("clone", "1r1w", Call(lambda: aten.clone.out(b.x, out=b.y), "aten.clone.out(x, out=y)",
                                                       out_overload("clone", b.x.device.type) is None), 2))
    kernels += [
        Streaming("add2", "2r1w", Call(lambda: torch.add(b.x, b.g, out=b.y), "torch.add(x, g, out=y)"), 3),
        Streaming("mul2", "2r1w", Call(lambda: torch.mul(b.x, b.g, out=b.y), "torch.mul(x, g, out=y)"), 3),
        Streaming("sum", "read", Call(lambda: torch.sum(b.x), "torch.sum(x)"), 1),
    ]
    return kernels
