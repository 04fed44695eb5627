"""The choosing guide as data: which activation goes where.

Three lists, each entry naming activations by their catalog key:

* :data:`HIDDEN_LAYERS`: the recommended hidden-layer activations by architecture;
* :data:`DECISION_TREE`: the short decision procedure, one question per step;
* :data:`OUTPUT_LAYERS`: the output-layer activation (and the loss to train it with)
  by task.

Nothing here spells an activation's name: the rendered tables and the decision tree
take every name from the catalog record (``Activation.name``), so renaming a record in
:mod:`actdocs.catalog` renames it on the choosing page too. :func:`validate` checks that
every key exists; it runs when this module is imported, so a guide entry that names an
unknown activation stops the build with the catalog's list of known keys.

:func:`artifacts` writes ``tables/hidden-layers.md``, ``tables/output-layers.md`` and
``fragments/decision-tree.md`` into the build cache.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from typing import Iterable, Literal

from actdocs import paths
from actdocs import catalog
from actdocs.engine.artifact import Artifact
from actdocs.render.markdown import markdown_table, text_artifact
from actdocs.produce.tables import link, prose

MODULE = "actdocs.produce.guide"

#: What an output cell says when the output layer has no activation.
NO_ACTIVATION = "None (linear)"


@dataclass(frozen=True)
class Pick:
    """One recommended activation: a catalog key and, optionally, the role it plays."""

    key: str
    role: str = ""

    def text(self, page: str | None = None) -> str:
        """The record's display name (linked to its page from page ``page`` under ``docs/``, if given),
        followed by the role in parentheses if any."""
        record = catalog.get(self.key)
        name = record.name if page is None else link(record, page)
        return f"{name} ({self.role})" if self.role else name


def _join(picks: Iterable[Pick], conjunction: str, page: str | None = None) -> str:
    """'A', 'A or B', 'A, B or C' (no serial comma)."""
    texts = [p.text(page) for p in picks]
    if len(texts) <= 1:
        return "".join(texts)
    return f"{', '.join(texts[:-1])} {conjunction} {texts[-1]}"


@dataclass(frozen=True)
class HiddenChoice:
    """A row of the hidden-layer table: an architecture and what to use in it.

    ``conjunction`` says whether the picks are alternatives ("or") or used together
    ("and", as the two non-linearities of an LSTM cell).
    """

    architecture: str
    picks: tuple[Pick, ...]
    reason: str
    conjunction: Literal["or", "and"] = "or"

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(p.key for p in self.picks)

    def recommended(self, page: str | None = None) -> str:
        return _join(self.picks, self.conjunction, page)


@dataclass(frozen=True)
class OutputChoice:
    """A row of the output-layer table.

    ``picks`` empty means no activation: the layer's raw output is the prediction.
    ``loss`` is the PyTorch loss to train it with, as Markdown.
    """

    task: str
    picks: tuple[Pick, ...]
    loss: str
    reason: str

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(p.key for p in self.picks)

    def activation(self, page: str | None = None) -> str:
        return _join(self.picks, "or", page) if self.picks else NO_ACTIVATION


@dataclass(frozen=True)
class DecisionStep:
    """One step of the decision tree.

    ``advice`` is a :meth:`str.format` template whose fields are catalog keys, as in
    ``"Use {gelu}."``; :meth:`text` fills each with the record's display name.
    """

    question: str
    advice: str

    @property
    def keys(self) -> tuple[str, ...]:
        fields = [f for _, f, _, _ in string.Formatter().parse(self.advice) if f is not None]
        return tuple(dict.fromkeys(fields))

    def text(self) -> str:
        names = {k: catalog.get(k).name for k in self.keys}
        return f"**{self.question}** {self.advice.format(**names)}"


# ------------------------------------------------------------------------- the guide

HIDDEN_LAYERS: tuple[HiddenChoice, ...] = (
    HiddenChoice(
        "Plain MLPs, for example on tabular features",
        (Pick("relu"), Pick("leaky_relu")),
        "Cheap and hard to get wrong; move to Leaky ReLU if many units end up dead",
    ),
    HiddenChoice(
        "Existing transformer encoders (BERT, ViT) and GPT-2-style models you reproduce or fine-tune",
        (Pick("gelu"),),
        "What GPT, BERT and the Vision Transformer put in their feed-forward blocks "
        "[@radford2018; @devlin2019; @dosovitskiy2021]; GPT-2 follows GPT [@radford2019]",
    ),
    HiddenChoice(
        "New transformers, above all decoder-only language models of any size (feed-forward block)",
        (Pick("swiglu"), Pick("geglu")),
        "A gated unit: PaLM and LLaMA use SwiGLU [@chowdhery2023; @touvron2023], Gemma uses GeGLU "
        "[@gemma2024]; both beat the plain GELU block at equal size in Shazeer's comparison, made on "
        "T5-base-sized encoder-decoder models, so the gain is limited neither to large models nor to "
        "decoders [@shazeer2020]; for a new encoder practice is divided and GELU is still common",
    ),
    HiddenChoice(
        "Convolutional networks for images",
        (Pick("relu"), Pick("silu"), Pick("gelu")),
        "ReLU in ResNet and VGG [@he2016; @simonyan2015], SiLU in EfficientNet [@tan2019], GELU in "
        "ConvNeXt, which borrowed it from transformers [@liu2022]; Mish was chosen for the YOLOv4 "
        "detector [@bochkovskiy2020]: practice is divided, so follow the version of the family you "
        "build on",
    ),
    HiddenChoice(
        "Recurrent cells (LSTM, GRU)",
        (Pick("sigmoid", "gates"), Pick("tanh", "candidate and cell output")),
        "Not a free choice: a gate must lie in (0, 1) to scale what passes, the state update in (-1, 1) "
        "[@greff2017; @cho2014]",
        conjunction="and",
    ),
    HiddenChoice(
        "GANs in the DCGAN style",
        (Pick("leaky_relu", "discriminator"), Pick("relu", "generator"), Pick("tanh", "generator output")),
        "The architecture guidelines of DCGAN, proposed for stable training of convolutional GANs "
        "[@radford2016]",
        conjunction="and",
    ),
    HiddenChoice(
        "Vision models for phones and edge chips",
        (Pick("hardswish"), Pick("relu6")),
        "MobileNetV3's Hardswish, Swish's shape with no exponential [@howard2019]; EfficientNet-Lite's "
        "ReLU6, which survives quantisation better [@google2020; @liu2020]: pick what your target "
        "runtime quantises well",
    ),
)

DECISION_TREE: tuple[DecisionStep, ...] = (
    DecisionStep(
        "Building a transformer?",
        "To reproduce or fine-tune an existing model such as BERT, ViT or GPT-2, keep its "
        "{gelu} [@devlin2019; @dosovitskiy2021; @radford2018]. For a new transformer, and above all a "
        "new decoder-only language model, small or large, follow PaLM and LLaMA and use the gated "
        "{swiglu} [@chowdhery2023; @touvron2023]; Gemma's {geglu} [@gemma2024] is the other gated "
        "choice in use, and for a new encoder GELU is still common.",
    ),
    DecisionStep(
        "A convolutional network for images?",
        "Begin with {relu}, or with whatever the architecture family you copy uses. {silu}, "
        "{gelu} and {mish} cost more per element and are used in EfficientNet, ConvNeXt and "
        "YOLOv4 [@tan2019; @liu2022; @bochkovskiy2020]; measure before you switch.",
    ),
    DecisionStep(
        "Will it run on a phone or an edge chip?",
        "{hardswish} keeps Swish's shape without an exponential, as in MobileNetV3 [@howard2019]; "
        "{relu6} is what EfficientNet-Lite chose because it quantises with less loss "
        "[@google2020; @liu2020]. Use what your target runtime quantises well.",
    ),
    DecisionStep("A plain MLP?", "{relu} first; {leaky_relu} if many of its units die."),
    DecisionStep(
        "Units dying in training?",
        "Lower the learning rate first; then try {leaky_relu} or {elu}, whose negative side "
        "keeps a gradient.",
    ),
    DecisionStep(
        "Training a GAN?",
        "Start from DCGAN [@radford2016]: {leaky_relu} in the discriminator, {relu} in the "
        "generator and {tanh} on the generator's output.",
    ),
    DecisionStep(
        "Hidden values that must stay bounded?",
        "{tanh} keeps them in (-1, 1); outside recurrent cells this is seldom needed.",
    ),
)

OUTPUT_LAYERS: tuple[OutputChoice, ...] = (
    OutputChoice(
        "Binary classification",
        (Pick("sigmoid"),),
        "`nn.BCEWithLogitsLoss` on the logit (the sigmoid is inside the loss)",
        "The output is P(class = 1)",
    ),
    OutputChoice(
        "Multi-class classification",
        (Pick("softmax", "inside the loss"),),
        "`nn.CrossEntropyLoss` on the logits",
        "The outputs form a probability distribution",
    ),
    OutputChoice(
        "Regression (any value)",
        (),
        "`nn.MSELoss` or `nn.L1Loss`",
        "Predicts unbounded values of either sign",
    ),
    OutputChoice(
        "Regression (positive values)",
        (Pick("softplus"), Pick("relu")),
        "`nn.MSELoss` or `nn.L1Loss`",
        "Keeps the output positive; Softplus keeps a gradient where ReLU's is zero, until float32 "
        "underflows it to exactly 0 far on the negative side",
    ),
    OutputChoice(
        "Regression (bounded range)",
        (Pick("sigmoid", "for [0, 1]"), Pick("tanh", "for [-1, 1]")),
        "`nn.MSELoss`, after scaling to the target's range",
        "Maps onto a fixed interval",
    ),
)


# ------------------------------------------------------------------------- checks


def _entries() -> list[tuple[str, tuple[str, ...]]]:
    """(label, keys) of every guide entry."""
    return [
        *((f"hidden layers: {c.architecture}", c.keys) for c in HIDDEN_LAYERS),
        *((f"decision tree: {s.question}", s.keys) for s in DECISION_TREE),
        *((f"output layers: {c.task}", c.keys) for c in OUTPUT_LAYERS),
    ]


def validate() -> None:
    """Raise ValueError naming the entry if any guide entry names an unknown activation.

    A hidden-layer row or decision step must name at least one activation.
    """
    known = set(catalog.keys())
    for label, keys in _entries():
        unknown = [k for k in keys if k not in known]
        if unknown:
            raise ValueError(f"guide entry {label!r} names unknown activations {unknown}; known: {', '.join(catalog.keys())}")
        if not keys and not label.startswith("output layers"):
            raise ValueError(f"guide entry {label!r} names no activation")


validate()


# ------------------------------------------------------------------------- rendering


def hidden_layers_table(choices: Iterable[HiddenChoice] = HIDDEN_LAYERS, page: str | None = "") -> str:
    """Architecture | Recommended | Reason; names link to their pages from page ``page`` (a
    top-level page by default; None: no links)."""
    rows = [[c.architecture, c.recommended(page), prose(c.reason)] for c in choices]
    return markdown_table(["Architecture", "Recommended", "Reason"], rows)


def output_layers_table(choices: Iterable[OutputChoice] = OUTPUT_LAYERS, page: str | None = "") -> str:
    """Task | Output activation | Train with | Reason; names link to their pages, as in
    :func:`hidden_layers_table`."""
    rows = [[c.task, c.activation(page), c.loss, prose(c.reason)] for c in choices]
    return markdown_table(["Task", "Output activation", "Train with", "Reason"], rows)


def decision_tree(steps: Iterable[DecisionStep] = DECISION_TREE) -> str:
    """The decision tree as a numbered Markdown list."""
    return "".join(f"{i}. {prose(step.text())}\n" for i, step in enumerate(steps, 1))


# ------------------------------------------------------------------------- artifacts


def artifacts() -> list[Artifact]:
    """The hidden-layer and output-layer tables and the decision-tree fragment."""
    return [
        text_artifact("table-hidden-layers", paths.table("hidden-layers"), hidden_layers_table, MODULE),
        text_artifact("table-output-layers", paths.table("output-layers"), output_layers_table, MODULE),
        text_artifact("fragment-decision-tree", paths.fragment("decision-tree"), decision_tree, MODULE),
    ]
