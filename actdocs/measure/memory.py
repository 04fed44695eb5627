"""What autograd keeps for the backward pass of an activation, counted in bytes.

Training pays for an activation twice: the arithmetic of the forward and backward passes,
and the tensors autograd holds from the forward pass until the backward pass needs them.
:func:`kept` counts the second exactly, with no timing involved: it calls the record's
PyTorch module under :func:`torch.autograd.graph.saved_tensors_hooks` and adds up the
bytes of every tensor the call hands to autograd to save.

**Which records.** The element-wise records and the gated units (GLU, SwiGLU, GeGLU)
(:func:`measured_records`). Softmax, Softmin and LogSoftmax are left out: they mix a whole
row, so their saved tensors are a property of the row rather than of one element.

**The setting.** The input is what an activation meets inside a network: the output of the
previous op, not a leaf. :func:`kept` makes a leaf tensor that requires grad, copies it
(``clone``, which saves nothing for its own backward, as a Linear layer saves its input and
weight but not its output) and calls the module on the copy. Nothing but the activation
would keep that input alive for the backward pass, so a saved input is memory the
activation costs. In place (``inplace=True``) is allowed on such an input, as in a network,
and an error on a leaf.

**What counts.** Each saved tensor's *storage*, once: two halves of the same input (a gated
unit's content and gate) or a tensor saved by two ops hold one block of memory, counted with
its whole size. The module's own parameters and buffers (PReLU's slope) are left out: the
model holds them whether or not anything trains. The module is in training mode, as it is
when autograd keeps anything (the catalog's RReLU is the eval-mode function; in training it
samples its slopes and keeps them, a tensor the size of its input). Every other saved storage counts, the
input and the output included, and each is labelled with its :data:`Role` (an in-place call
that needs its input for the backward pass saves a copy of it before overwriting it, which
costs as much as keeping the input itself). A saved output is
often also the next layer's saved input (a Linear after the activation keeps its input), so
a reader of a whole block may count it once for both (:attr:`Kept.besides_output`).

**Sizes.** A ``(64, 64)`` input of 4096 elements (:data:`SHAPE`; even along the last
dimension, which a gated unit splits), on the CPU in float32 and bfloat16
(:data:`DTYPES`); the counts are divided by the number of input elements, so they do not
depend on the size. In place (:func:`inplace_module`) is measured where the module has an
``inplace`` switch, and is None elsewhere.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Callable, Iterable, Literal

import torch
import torch.nn as nn
import torch.nn.functional as F

from actdocs import catalog
from actdocs.catalog import Activation

Tensor = torch.Tensor

#: The shape of the measured input: 4096 elements, the last dimension even for the gated units.
SHAPE: tuple[int, int] = (64, 64)

#: The dtypes measured, by their torch names, float32 first.
DTYPES: tuple[str, ...] = ("float32", "bfloat16")

#: What a saved storage holds: the activation's input, a copy of it (made by an in-place call
#: before it overwrites its input), its output (in place: the input's storage, overwritten by
#: the output) or another tensor the activation made on the way.
Role = Literal["input", "input copy", "output", "intermediate"]

#: The roles in the order a summary names them.
ROLES: tuple[Role, ...] = ("input", "input copy", "output", "intermediate")

#: The seed of the measured input's values (which tensors autograd saves does not depend on them).
SEED = 0


@dataclass(frozen=True)
class Saved:
    """One storage autograd keeps: what it holds, its dtype's torch name and its size in bytes."""

    role: Role
    dtype: str
    nbytes: int


@dataclass(frozen=True)
class Kept:
    """What autograd keeps for one call of an activation module.

    ``saved`` lists each distinct storage once, in the order the call first saved it;
    ``input_elements`` and ``output_elements`` are the sizes of the call's input and output
    (a gated unit's output is half its input).
    """

    key: str
    dtype: str
    inplace: bool
    input_elements: int
    output_elements: int
    saved: tuple[Saved, ...]

    @property
    def nbytes(self) -> int:
        """Bytes of every saved storage together."""
        return sum(s.nbytes for s in self.saved)

    @property
    def per_input_element(self) -> float:
        """Bytes kept per element of the input."""
        return self.nbytes / self.input_elements

    @property
    def per_output_element(self) -> float:
        """Bytes kept per element of the output: per hidden unit and token for a layer."""
        return self.nbytes / self.output_elements

    @property
    def besides_output(self) -> int:
        """Bytes of the saved storages other than the output (which a following Linear keeps too)."""
        return sum(s.nbytes for s in self.saved if s.role != "output")

    @property
    def roles(self) -> tuple[Role, ...]:
        """The roles of the saved storages, each once, in :data:`ROLES` order."""
        present = {s.role for s in self.saved}
        return tuple(r for r in ROLES if r in present)


@dataclass(frozen=True)
class Memory:
    """Every measurement of one record: :data:`DTYPES` as called, then in place where possible."""

    key: str
    as_called: tuple[Kept, ...]
    in_place: tuple[Kept, ...] | None

    def of(self, dtype: str = "float32", inplace: bool = False) -> Kept | None:
        """The measurement in ``dtype``, as called or in place (None where there is no in-place form)."""
        if dtype not in DTYPES:
            raise ValueError(f"unmeasured dtype {dtype!r}; measured: {', '.join(DTYPES)}")
        kept = self.in_place if inplace else self.as_called
        return None if kept is None else kept[DTYPES.index(dtype)]


def measured_records() -> tuple[Activation, ...]:
    """The records whose memory is measured: element-wise ones and gated units, in catalog order."""
    return tuple(r for r in catalog.ACTIVATIONS if is_measured(r))


def is_measured(record: Activation) -> bool:
    """True for an element-wise record or a gated unit (softmax-like records are left out)."""
    return record.elementwise or record.family == "gated"


def has_inplace(record: Activation) -> bool:
    """Whether the record's module has PyTorch's ``inplace`` switch."""
    return hasattr(record.module(), "inplace")


def inplace_module(record: Activation) -> nn.Module | None:
    """The record's module with ``inplace=True``, or None where the module has no such switch."""
    module = record.module()
    if not hasattr(module, "inplace"):
        return None
    module.inplace = True
    return module


def _storage_key(t: Tensor) -> int:
    return t.untyped_storage().data_ptr()


def _same(t: Tensor, values: Tensor) -> bool:
    """Whether ``t`` holds exactly ``values`` (same shape, dtype and every element)."""
    return t.shape == values.shape and t.dtype == values.dtype and torch.equal(t.detach(), values)


def saved_storages(
    fn: Callable[[Tensor], Tensor], x: Tensor, exclude: Iterable[Tensor] = ()
) -> tuple[Tensor, tuple[Saved, ...]]:
    """Call ``fn`` on ``x`` under saved-tensor hooks: its output and each saved storage once.

    A storage of ``exclude`` (a module's parameters and buffers) is left out; the others are
    labelled output (checked first: in place, the input's storage holds the output), input,
    input copy (equal to the input's values before the call) or intermediate.
    """
    packed: list[Tensor] = []
    before = x.detach().clone()

    def pack(t: Tensor) -> Tensor:
        packed.append(t)
        return t

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        y = fn(x)
    own = {_storage_key(t) for t in exclude}
    roles: dict[int, Role] = {_storage_key(x): "input", _storage_key(y): "output"}  # output overrides: in place, one storage
    seen: set[int] = set()
    saved = []
    for t in packed:  # ``packed`` keeps every tensor alive, so no address is reused meanwhile
        key = _storage_key(t)
        if key in seen or key in own:
            continue
        seen.add(key)
        role = roles.get(key) or ("input copy" if _same(t, before) else "intermediate")
        saved.append(Saved(role, str(t.dtype).removeprefix("torch."), t.untyped_storage().nbytes()))
    return y, tuple(saved)


def layer_input(dtype: str, shape: tuple[int, ...] = SHAPE) -> Tensor:
    """The measured input: a seeded normal leaf that requires grad, copied by ``clone``, so
    that the activation sees the output of an op, as inside a network."""
    gen = torch.Generator().manual_seed(SEED)
    leaf = torch.randn(shape, generator=gen, dtype=getattr(torch, dtype)).requires_grad_(True)
    return leaf.clone()


def kept(record: Activation, dtype: str = "float32", inplace: bool = False) -> Kept | None:
    """What autograd keeps for the record's module (``record.module()``, whose defaults are the
    record's), in ``dtype`` with its parameters, called on :func:`layer_input`; in place, None
    where there is no in-place form."""
    if not is_measured(record):
        raise ValueError(f"{record.key}: memory is measured for element-wise and gated records only")
    module = inplace_module(record) if inplace else record.module()
    if module is None:
        return None
    x = layer_input(dtype)
    module = module.to(x.dtype).train()  # parameters in the input's dtype; in training mode, as it trains (RReLU samples its slopes)
    y, saved = saved_storages(module, x, exclude=(*module.parameters(), *module.buffers()))
    return Kept(record.key, dtype, inplace, x.numel(), y.numel(), saved)


def linear_keeps_its_input(dtype: str = "float32") -> bool:
    """Whether a Linear layer (``F.linear``) saves its input for its backward pass: if so, an
    activation's saved output, which the next Linear layer reads, is one tensor held for both."""
    x = layer_input(dtype)
    gen = torch.Generator().manual_seed(SEED)
    weight = torch.randn((SHAPE[-1], SHAPE[-1]), generator=gen, dtype=x.dtype).requires_grad_(True)
    _, saved = saved_storages(lambda t: F.linear(t, weight), x, exclude=(weight,))
    return any(s.role == "input" for s in saved)


@functools.lru_cache(maxsize=None)
def _measure(key: str) -> Memory:
    record = catalog.get(key)
    as_called = tuple(kept(record, d) for d in DTYPES)
    in_place = tuple(kept(record, d, inplace=True) for d in DTYPES) if has_inplace(record) else None
    return Memory(key, as_called, in_place)  # type: ignore[arg-type]


def measure(record: Activation | str) -> Memory:
    """Every measurement of a record (or key), computed once per process."""
    return _measure(record if isinstance(record, str) else record.key)
