"""What the records of :mod:`actdocs.textbook.statement_data` share: the textbook's sections, the pages they
cite most, and the truths that several rows state in the same words (one assertion, one wording)."""

from __future__ import annotations

#: The textbook's sections, in its order: key and heading.
SECTIONS: tuple[tuple[str, str], ...] = (
    ("history", "The big picture and its history"),
    ("nonlinearity", "Why non-linearity matters"),
    ("sigmoid", "Sigmoid"),
    ("tanh", "Tanh"),
    ("saturation", "Saturation"),
    ("relu", "ReLU and why it works"),
    ("dying", "The dying ReLU problem"),
    ("variants", "The table of ReLU variants"),
    ("vanishing", "Vanishing gradients: the quick check"),
    ("normalisation", "Beyond activations: normalisation"),
    ("gelu", "GELU"),
    ("swish", "Swish and SiLU"),
    ("mish", "Mish"),
    ("hardswish", "Hardswish, its comparison table and where it is used"),
    ("glu", "GLU"),
    ("where", "The table of where each is used, row by row"),
    ("pytorch", "The PyTorch listings and their notes"),
    ("choosing", "Choosing for hidden layers, and the decision tree"),
    ("output", "The output layer"),
    ("pitfalls", "Common pitfalls"),
    ("summary", "The summary and its table"),
    ("exercises", "The exercises"),
)

#: Pages and texts several records share.
HISTORY = "why-nonlinearity.md#a-short-history"
SATURATION = "classic.md#the-problem-saturation"
TANH_WHY = "classic.md#why-tanh-beats-sigmoid-in-hidden-layers"
DYING = "relu.md#the-dying-relu-problem"
TRAINABLE = "relu.md#what-made-deep-networks-trainable"
HARDSWISH = "modern.md#hardswish"
LITE = "modern.md#swish-or-hardswish"
GLU = "modern.md#glu-and-its-variants"
HIDDEN = "choosing.md#hidden-layers"
TREE = "choosing.md#a-short-decision-tree"
OUTPUT = "choosing.md#output-layer"
LOGITS = "choosing.md#why-crossentropyloss-takes-raw-logits"
GELU_USERS = "devlin2019 radford2018 dosovitskiy2021 chowdhery2023 touvron2023"
GELU_TODAY = ("BERT, GPT and ViT put GELU in their feed-forward blocks; large language models such as PaLM and "
              "LLaMA use the gated SwiGLU instead, so GELU is the rule for encoder and GPT-2-style models only.")
LITE_TRUTH = ("EfficientNet-Lite has no Hardswish: its authors removed every swish and used ReLU6, which "
              "survives quantisation better (and dropped squeeze-and-excitation). MobileNetV3 does use it.")
TRANSFORMER_ADVICE = ("Still right for a model you reproduce or fine-tune (BERT, ViT, GPT-2); new transformers, "
                      "decoder-only language models above all, use gated units (SwiGLU in PaLM and LLaMA, GeGLU in "
                      "Gemma).")
GATES = ("In LSTM and GRU cells the gates are sigmoids; tanh squashes the candidate values and the cell "
         "output. Both belong in the cell, but tanh is not a gate in the sense of a (0, 1) multiplier: "
         "PyTorch's nn.LSTM documentation calls the tanh branch the 'cell gate', yet it is the candidate value.")
GATE_REFS = "hochreiter1997 greff2017 cho2014"
