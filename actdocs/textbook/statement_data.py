"""The textbook's factual statements as data, in its order: the records of :mod:`actdocs.textbook.statements`.

Each record paraphrases one statement (``says``), carries an ``anchor`` of at most six
words that occurs in the textbook at the statement's place, says what is true in this
site's words (``truth``) and names its evidence: a claim of :mod:`actdocs.textbook.claims` (then
the verdict is that claim's computed finding and is never typed here), reference keys
of :mod:`actdocs.references`, a page of this site that derives or measures it, or the site's
own reasoning. Years are never typed: a citation shows its record's year."""

from __future__ import annotations

from dataclasses import dataclass

from actdocs.textbook.statement_text import (  # noqa: F401  (SECTIONS is part of this module's interface)
    DYING, GATE_REFS, GATES, GELU_TODAY, GELU_USERS, GLU, HARDSWISH, HIDDEN, HISTORY, LITE, LITE_TRUTH, LOGITS,
    OUTPUT, SATURATION, SECTIONS, TANH_WHY, TRAINABLE, TRANSFORMER_ADVICE, TREE)

#: The verdicts a record may type; a claims-backed row shows its claim's verdict instead.
CORRECT, CAVEAT, MISLEADING, WRONG, VAGUE = (
    "correct", "correct with a caveat", "misleading", "wrong", "unsourced or vague")
CURRENT, DATED, QUESTIONABLE = "advice: current", "advice: dated", "advice: questionable"
VERDICTS = (CORRECT, CAVEAT, MISLEADING, WRONG, VAGUE, CURRENT, DATED, QUESTIONABLE)



@dataclass(frozen=True)
class Statement:
    """One factual statement of the textbook, its verdict and its evidence.

    ``verdict`` is one of :data:`VERDICTS`, and empty exactly when ``claim`` names a claim
    whose computed finding gives the verdict. ``refs`` are reference keys, ``page`` a page
    of this site (``relu.md#anchor``) that derives, measures or explains it, ``reasoning``
    marks the site's own reasoning; a record has at least one kind of evidence.
    """

    section: str
    anchor: str
    says: str
    truth: str
    verdict: str = ""
    claim: str = ""
    refs: tuple[str, ...] = ()
    page: str = ""
    reasoning: bool = False


def fact(section: str, anchor: str, says: str, verdict: str, truth: str, refs: str = "", page: str = "",
         reasoning: bool = False) -> Statement:
    """A record with a typed verdict; ``refs`` are keys separated by spaces."""
    return Statement(section, anchor, says, truth, verdict, refs=tuple(refs.split()), page=page,
                     reasoning=reasoning)


def measured(section: str, anchor: str, says: str, claim: str, truth: str) -> Statement:
    """A record whose verdict is the computed finding of the claim ``claim``."""
    return Statement(section, anchor, says, truth, claim=claim)



STATEMENTS: tuple[Statement, ...] = (
    # ---------------------------------------------------------------- history
    fact("history", "linear layers compute", "A linear layer maps x to Wx + b.", CORRECT,
         "That is the definition of an affine layer such as nn.Linear.", page="why-nonlinearity.md"),
    measured("history", "stacking linear transformations just gives",
             "Composing linear maps yields one more linear map.", "linear-collapse",
             "Any stack of affine layers equals a single affine layer."),
    measured("history", "If you stack 100 linear",
             "A hundred activation-free layers equal one, so depth adds nothing.", "linear-collapse",
             "Depth adds no expressive power without a non-linearity: the function stays affine."),
    fact("history", "approximate arbitrarily complex functions",
         "Activations are what let networks approximate arbitrarily complex functions.", CAVEAT,
         "With a non-polynomial activation, wide enough networks can approximate any continuous function on a "
         "closed, bounded (compact) set; this is about what exists, not about what training finds. Cybenko "
         "proved it for sigmoidal units, Hornik for bounded non-constant ones, Leshno et al. for any "
         "non-polynomial one, ReLU included.",
         "cybenko1989 hornik1991 leshno1993"),
    fact("history", "perceptron (1958) used a step", "The original perceptron thresholded with a step function.",
         CORRECT, "Rosenblatt's perceptron fires when a weighted sum crosses a threshold: a step function.",
         "rosenblatt1958", HISTORY),
    fact("history", "sigmoid and tanh dominated",
         "Sigmoid and tanh were the usual hidden-layer functions for decades.", CORRECT,
         "From backpropagation's spread until about the rectifier papers, smooth squashing functions were the "
         "standard choice.", "rumelhart1986 lecun1998", HISTORY),
    fact("history", "was used in AlexNet, winning",
         "AlexNet used ReLU and won the ImageNet challenge by a wide margin.", CORRECT,
         "AlexNet used rectified units and won the challenge clearly. Rectifying units are much older; a few "
         "years before AlexNet they had been shown to help restricted Boltzmann machines and deep networks, "
         "which popularised them.", "krizhevsky2012 nair2010 glorot2011", HISTORY),
    fact("history", "was one of the key innovations",
         "Replacing sigmoid by max(0, x) was a key innovation behind the deep learning boom.", CAVEAT,
         "AlexNet's paper measured ReLU against tanh, and ReLU was one ingredient beside GPU training, "
         "dropout and data augmentation.", "krizhevsky2012", HISTORY),
    # ---------------------------------------------------------------- why non-linearity
    measured("nonlinearity", "Substituting the first equation",
             "Two stacked layers collapse to W′ = W₂W₁ and b′ = W₂b₁ + b₂, for any number of layers.",
             "linear-collapse", "The algebra holds, and the site checks it numerically for ten layers."),
    fact("nonlinearity", "This is NOT equivalent to any",
         "With an activation between them, two layers no longer reduce to one linear map.", CORRECT,
         "One non-linearity is enough: a ReLU network fits XOR, which no linear model can.",
         page="why-nonlinearity.md#one-non-linearity-changes-everything"),
    fact("nonlinearity", "the Universal Approximation Theorem guarantees",
         "The universal approximation theorem guarantees such networks approximate any continuous function.",
         CAVEAT, "It guarantees that some network with enough hidden units comes within any tolerance of a "
         "continuous function on a compact set; it gives no size and no training procedure. Cybenko proved it "
         "for sigmoidal units, Hornik for bounded non-constant ones, Leshno et al. for any non-polynomial one, "
         "ReLU included.",
         "cybenko1989 hornik1991 leshno1993", "why-nonlinearity.md#one-non-linearity-changes-everything"),
    # ---------------------------------------------------------------- sigmoid
    fact("sigmoid", "sigmoid's derivative is tiny for large",
         "Sigmoid's slope is tiny far from zero, while ReLU's is exactly 1 on the positive side.", CORRECT,
         "Both are read off the derivatives; the site measures them.", page=SATURATION),
    fact("sigmoid", "squashes any input to the range",
         "Sigmoid maps every input into (0, 1), with derivative σ(1 − σ).", CORRECT,
         "The derivative follows from the chain rule, as the classic page derives step by step.",
         page="classic.md#its-derivative-step-by-step"),
    measured("sigmoid", "0.25 at x = 0", "Sigmoid's largest slope is 0.25, at zero.", "sigmoid-max-grad",
             "σ′ = σ(1 − σ) peaks where σ = 1/2, at x = 0, at 1/4."),
    fact("sigmoid", "Zero-centeredNo", "Sigmoid is not zero-centred.", CORRECT,
         "Its outputs are all positive, with mean 1/2 for inputs symmetric about zero.", page=TANH_WHY),
    measured("sigmoid", "High (exponential)", "Sigmoid is costly because of its exponential.",
             "exponentials-expensive",
             "It needs an exponential per element; whether that shows in the time depends on whether the kernel "
             "is limited by arithmetic or by memory."),
    measured("sigmoid", "gradients shrink by at least 4×",
             "Hence every layer cuts the gradient by four or more: the vanishing gradient problem.",
             "sigmoid-ten-layers",
             "Each sigmoid multiplies the gradient by at most 1/4, but the weight matrices between layers "
             "multiply it too and can enlarge it: the fourfold cut holds for the activation's factor, not for "
             "the gradient itself."),
    # ---------------------------------------------------------------- tanh
    measured("tanh", "Tanh is a rescaled sigmoid", "Tanh is a rescaled sigmoid: tanh(x) = 2σ(2x) − 1.",
             "tanh-rescaled-sigmoid", "The identity is exact; tanh's outputs lie in (−1, 1)."),
    measured("tanh", "1.0 at x = 0", "Tanh's largest slope is 1, at zero.", "tanh-max-grad",
             "tanh′ = 1 − tanh² peaks at x = 0, at 1."),
    fact("tanh", "Zero-centeredYes", "Tanh is zero-centred.", CORRECT,
         "It is odd, so inputs symmetric about zero give outputs with mean zero.", page="classic.md#tanh"),
    measured("tanh", "High (exponential)", "Tanh is costly because of its exponentials.",
             "exponentials-expensive", "As for sigmoid: the arithmetic is there, the time depends on the kernel."),
    fact("tanh", "negative outputs are equally likely",
         "Being zero-centred means positive and negative outputs are equally likely.", CAVEAT,
         "Only when the inputs are spread symmetrically about zero; a shifted input gives a shifted output.",
         page=TANH_WHY, reasoning=True),
    fact("tanh", "more balanced gradient updates",
         "This balances the weight updates and often speeds up convergence.", CORRECT,
         "Zero-mean inputs let the next layer's weight gradients take both signs, which Efficient BackProp "
         "recommends for faster convergence.", "lecun1998", TANH_WHY),
    measured("tanh", "Tanh also has a higher", "Tanh's peak slope of 1 beats sigmoid's 0.25.", "tanh-max-grad",
             "{tanh_over_sigmoid} times sigmoid's peak, measured."),
    # ---------------------------------------------------------------- saturation
    measured("saturation", "when x>4", "Sigmoid's slope is about zero beyond |x| = 4.", "sigmoid-saturates",
             "A rule of thumb that starts too early: σ′ falls below {eps} only from |x| ≈ {sigmoid_edge} on, and "
             "σ′(4) ≈ {sigmoid_slope_4}."),
    measured("saturation", "when x>3", "Tanh's slope is about zero beyond |x| = 3.", "tanh-saturates",
             "Close: |tanh′| falls below {eps} from |x| ≈ {tanh_edge} on, and tanh′(3) ≈ {tanh_slope_3}."),
    fact("saturation", "shrink exponentially as they backpropagate",
         "In deep networks the gradient can shrink exponentially, leaving early layers all but untrainable.",
         CAVEAT, "A product of one small factor per layer can decay geometrically, and saturation makes it "
         "worse; initialisation scaled to the layers eases it, so it is a difficulty, not an impossibility.",
         "glorot2010", "pitfalls.md#sigmoid-or-tanh-in-a-deep-network"),
    # ---------------------------------------------------------------- relu
    fact("relu", "Its derivative is remarkably simple", "ReLU's derivative is 1 for x > 0 and 0 otherwise.",
         CAVEAT, "At x = 0 there is no derivative; PyTorch returns 0 there, which the formula's case x ≤ 0 "
         "matches.", page="relu.md"),
    fact("relu", "no matter how large", "ReLU's slope is exactly 1 for every positive input.", CORRECT,
         "The activation takes nothing from a gradient passing an active unit.",
         page="relu.md#1-no-saturation-for-positive-inputs"),
    measured("relu", "Gradients flow unchanged through many",
             "So gradients pass through many layers unchanged.", "relu-gradient-depth",
             "Not unchanged: the weights scale the gradient at every layer. With He initialisation it keeps its "
             "order of magnitude over the depth measured, though it still shrinks (the claims page gives the "
             "ratio and the threshold it is judged against); with PyTorch's default one it fades."),
    fact("relu", "no exponentials, no divisions", "ReLU needs only a comparison.", CORRECT,
         "One comparison and a select per element.", page="relu.md#2-it-is-cheap", reasoning=True),
    measured("relu", "6× faster than sigmoid", "ReLU runs six times faster than sigmoid in practice.",
             "relu-vs-sigmoid-speed",
             "The factor six comes from AlexNet's training-speed comparison with tanh, not from timing the "
             "functions; the claims page checks both readings."),
    measured("relu", "ReLU outputs exactly zero for", "ReLU gives exact zeros for negative inputs: sparse codes.",
             "relu-sparsity", "About half the units are exactly zero for inputs centred on zero."),
    fact("relu", "improve generalization and reduce computation",
         "Sparsity can help generalisation and save computation.", CAVEAT,
         "Sparsity was argued for by the rectifier papers; it saves work only on hardware or kernels that skip "
         "zeros.", "glorot2011", "relu.md#3-sparse-activations"),
    fact("relu", "Real neurons have a threshold", "ReLU mimics the firing threshold of real neurons.", CAVEAT,
         "A loose resemblance that motivated rectifiers, not a model of a neuron.", "glorot2011",
         "relu.md#4-closer-to-biology"),
    # ---------------------------------------------------------------- dying relu
    fact("dying", "input is consistently negative",
         "A unit negative on every input outputs zero and gets zero gradient.", CORRECT,
         "Every path to its weights passes ReLU′ = 0, so its own weights receive no gradient.", page=DYING),
    fact("dying", "it will never activate again", "Such a unit is dead for good.", CAVEAT,
         "No gradient reaches its own weights (momentum or weight decay may still move them for a while), and "
         "the layers below keep changing its inputs, so some stuck units revive; the dying-ReLU experiment "
         "counts them.", page="experiments.md#dying-relu"),
    fact("dying", "Poor weight initialization", "Bad initialisation can cause it.", CORRECT,
         "Weights and biases that make most pre-activations negative start units dead.", page=DYING,
         reasoning=True),
    measured("dying", "Too high learning rate", "A too-high learning rate can cause it.", "relu-dies-high-lr",
             "The dying-ReLU experiment compares a high rate with the default on the same weights."),
    fact("dying", "Biased input distributions", "Skewed inputs can cause it.", CORRECT,
         "Inputs that, with the weights, keep a pre-activation negative do so.", page=DYING, reasoning=True),
    # ---------------------------------------------------------------- variants
    fact("variants", "Several variants address the dying",
         "The variants in the table all target dying ReLU.", CAVEAT,
         "Leaky ReLU, PReLU and ELU keep a gradient on the negative side; ELU also aims at mean outputs near "
         "zero, and SELU was designed for self-normalisation.",
         "maas2013 he2015 clevert2016 klambauer2017", "relu.md#relu-variants"),
    fact("variants", "max(0.01x, x)", "Leaky ReLU is max(0.01x, x).", CORRECT,
         "{leaky_default} is the slope of the original leaky rectifier and PyTorch's default.", "maas2013",
         "relu.md#relu-variants"),
    fact("variants", "where α is learned", "PReLU is max(αx, x) with α learned.", CAVEAT,
         "The slope α is trained with the weights, but the definition is max(0, x) + α·min(0, x): max(αx, x) "
         "equals it only while α ≤ 1, and training does not keep α there.", "he2015", "relu.md#relu-variants"),
    fact("variants", "Smooth for x < 0,", "ELU is smooth on the negative side and shifts the mean.",
         CAVEAT, "Smooth for x < 0; differentiable at 0 only when α = 1, and then only once (the second "
         "derivative still jumps from 1 to 0). Its negative outputs pull mean activations "
         "towards zero.", "clevert2016", "relu.md#relu-variants"),
    measured("variants", "Self-normalizing property", "SELU, a scaled ELU, is self-normalising.",
             "selu-self-normalising",
             "Its fixed point of zero mean and unit variance assumes LeCun-normal weights."),
    # ---------------------------------------------------------------- vanishing gradients
    measured("vanishing", "In a 10-layer network using sigmoid",
             "The quick check implies ten sigmoid layers pass 0.25¹⁰ of the gradient to layer 1.",
             "sigmoid-ten-layers",
             "A bound on the activations' factor only; the weights between layers are left out."),
    # ---------------------------------------------------------------- normalisation
    fact("normalisation", "BatchNorm and LayerNorm keep activations",
         "Batch and layer normalisation prevent both vanishing and exploding gradients.", MISLEADING,
         "They rescale pre-activations during training, but do not prevent either problem by themselves: in a "
         "deep network without skip connections batch normalisation makes gradients explode at "
         "initialisation. Residual connections are the other part.",
         "ioffe2015 ba2016 yang2019 he2016", TRAINABLE),
    # ---------------------------------------------------------------- gelu
    fact("gelu", "combine the benefits of ReLU", "Modern activations add smoothness to ReLU's behaviour.",
         CORRECT, "GELU, SiLU and Mish approach ReLU for large |x| and join the sides smoothly.",
         page="modern.md"),
    fact("gelu", "is the standard Gaussian CDF", "GELU(x) = xΦ(x), with Φ the standard normal CDF.", CORRECT,
         "The definition, also written with erf.", "hendrycks2016", "modern.md#gelu-gaussian-error-linear-unit"),
    fact("gelu", "multiplies x by the probability",
         "GELU weights x by the chance that x exceeds a standard normal draw.", CORRECT,
         "Φ(x) = P(Z ≤ x); the site reproduces GELU by sampling that mask.", "hendrycks2016",
         "modern.md#gelu-gaussian-error-linear-unit"),
    fact("gelu", "soft transition around zero", "GELU is a smooth ReLU.", CAVEAT,
         "Smooth and close to ReLU for large |x|, but it dips slightly below zero for negative inputs.",
         page="modern.md#gelu-gaussian-error-linear-unit"),
    fact("gelu", "and most modern transformers use",
         "GELU is the activation of BERT, GPT, ViT and most modern transformers.",
         MISLEADING, GELU_TODAY, GELU_USERS),
    # ---------------------------------------------------------------- swish
    fact("swish", "discovered through neural architecture search", "Swish was found by architecture search.",
         CAVEAT, "An automated search over activation functions found it; the same function had already been "
         "named SiLU in the GELU paper and used for reinforcement learning by Elfwing et al.",
         "ramachandran2018 hendrycks2016 elfwing2018",
         "modern.md#swish-silu-sigmoid-linear-unit"),
    fact("swish", "popular in vision models", "Swish is popular in vision models.", CORRECT,
         "EfficientNet uses it.", "tan2019", "modern.md#swish-silu-sigmoid-linear-unit"),
    fact("swish", "the sigmoid acts as a gate", "Swish is self-gated: σ(x) decides how much of x passes.",
         CORRECT, "Its authors call it self-gating.", "ramachandran2018"),
    # ---------------------------------------------------------------- mish
    measured("mish", "Mish(x)=xtanh(softplus(x))", "Mish(x) = x · tanh(softplus(x)).", "mish-form",
             "The formula matches PyTorch's."),
    fact("mish", "smooth, non-monotonic, and self-regularizing", "Mish is smooth, non-monotonic, self-regularising.",
         CAVEAT, "Smooth and non-monotonic, as measured; self-regularising is its author's description, which "
         "nothing here measures.", "misra2020", "modern.md#mish"),
    fact("mish", "used in YOLOv4 and other", "YOLOv4 and other vision models use Mish.", CAVEAT,
         "YOLOv4 uses it in its backbone; the other models are not named.", "bochkovskiy2020", "modern.md#mish"),
    # ---------------------------------------------------------------- hardswish
    measured("hardswish", "Hardswish(x)=xReLU6(x+3)6=", "Hardswish is x · ReLU6(x + 3)/6, in three pieces.",
             "hardswish-piecewise", "The ReLU6 form and the piecewise form agree exactly."),
    fact("hardswish", "hardware-efficient approximation of Swish",
         "Hardswish is a cheap stand-in for Swish, made for mobile devices.", CORRECT,
         "MobileNetV3 introduced it for phones.", "howard2019", HARDSWISH),
    fact("hardswish", "it uses a piecewise linear function", "It replaces the sigmoid by a piecewise linear one.",
         CAVEAT, "The gate ReLU6(x + 3)/6 is piecewise linear; Hardswish itself has a quadratic middle piece.",
         page=HARDSWISH),
    fact("hardswish", "provides Hardswish natively", "PyTorch has Hardswish built in.", CORRECT,
         "nn.Hardswish and F.hardswish.", page="pytorch.md#every-activation-module-in-torchnn"),
    fact("hardswish", "Key activation for MobileNetV3", "MobileNetV3 blocks use Hardswish.", CAVEAT,
         "MobileNetV3 uses it in its first layer and its deeper blocks, and keeps ReLU in the early ones.",
         "howard2019", HARDSWISH),
    measured("hardswish", "40% faster!)", "Hardswish is about 40 % faster than SiLU.",
             "hardswish-vs-swish-speed", "Timed on the site's recorded runs, in the textbook's own setting."),
    fact("hardswish", "Yes (everywhere)", "Swish is smooth everywhere.", CORRECT,
         "x · σ(x) is infinitely differentiable.", page="modern.md#swish-silu-sigmoid-linear-unit", reasoning=True),
    fact("hardswish", "Piecewise linear", "Hardswish is piecewise linear.", WRONG,
         "Its gate ReLU6(x + 3)/6 is; the function is not: its middle piece x(x + 3)/6 is a parabola.", page=HARDSWISH),
    fact("hardswish", "Requires exponential", "Swish needs an exponential; Hardswish only adds, multiplies, clamps.",
         CORRECT, "The sigmoid gate needs exp; the ReLU6 gate does not.", page=HARDSWISH, reasoning=True),
    measured("hardswish", "~40% faster", "Hardswish runs about 40 % faster than Swish.",
             "hardswish-vs-swish-speed", "The same claim as the listing's comment."),
    fact("hardswish", "EfficientNet, Transformers", "Swish is used in EfficientNet and in transformers.", CAVEAT,
         "EfficientNet uses it; in transformers it appears as the gate of SwiGLU.",
         "tan2019 shazeer2020 touvron2023", GLU),
    fact("hardswish", "MobileNetV3, EfficientNet-Lite", "Hardswish is used in MobileNetV3 and EfficientNet-Lite.",
         WRONG, LITE_TRUTH, "howard2019 google2020 liu2020", LITE),
    fact("hardswish", "Use Hardswish when deploying on", "Pick Hardswish for mobile, embedded and edge targets.",
         CURRENT, "That is what it was designed for.", "howard2019", LITE),
    fact("hardswish", "Swish may be slightly better", "Where accuracy matters most, Swish may be a bit better.",
         VAGUE, "No source is given; MobileNetV3's authors found no discernible accuracy difference between "
         "the hard and the smooth versions.", "howard2019", LITE),
    fact("hardswish", "MobileNetV3 and EfficientNet-Lite specifically", "Both MobileNetV3 and EfficientNet-Lite "
         "use Hardswish.", WRONG, LITE_TRUTH, "howard2019 google2020 liu2020", LITE),
    # ---------------------------------------------------------------- glu
    fact("glu", "uses one linear projection as", "GLU gates one linear projection with another.", CORRECT,
         "σ(Wx + b) ⊙ (Vx + c), from gated convolutional language models.", "dauphin2017", GLU),
    fact("glu", "language models like LLaMA and", "SwiGLU and GeGLU are used in LLaMA and PaLM.", CAVEAT,
         "Both use SwiGLU; GeGLU is Gemma's choice, not theirs.", "touvron2023 chowdhery2023 gemma2024", GLU),
    # ---------------------------------------------------------------- where used
    fact("where", "GELUBERT", "GELU: used in BERT.", CORRECT, "BERT uses GELU.", "devlin2019"),
    fact("where", "BERT, GPT", "GELU: used in GPT.", CORRECT,
         "GPT uses it in its feed-forward blocks; GPT-2 follows GPT's design apart from a few changes that leave "
         "the activation alone (its paper does not name the function).",
         "radford2018 radford2019"),
    fact("where", "ViTSmooth", "GELU: used in ViT.", CORRECT, "ViT's MLP blocks use GELU.", "dosovitskiy2021"),
    fact("where", "Swish/SiLUEfficientNet", "Swish/SiLU: used in EfficientNet.", CORRECT, "EfficientNet uses it.",
         "tan2019"),
    fact("where", "ResNet variantsSelf-gated", "Swish/SiLU: used in ResNet variants.", VAGUE,
         "No variant is named. ResNet itself uses ReLU; the Swish paper reports that swapping ReLU for Swish "
         "improved Inception-ResNet-v2 on ImageNet.", "he2016 ramachandran2018"),
    fact("where", "MishYOLOv4", "Mish: used in YOLOv4.", CORRECT, "YOLOv4 uses Mish in its backbone.",
         "bochkovskiy2020", "modern.md#mish"),
    fact("where", "CSPDarknetNon-monotonic", "Mish: used in CSPDarknet.", CORRECT,
         "YOLOv4's CSPDarknet53 backbone uses Mish; the YOLOv4 paper also evaluates it as an ImageNet "
         "classifier with and without Mish.", "bochkovskiy2020", "modern.md#mish"),
    fact("where", "HardswishMobileNetV3", "Hardswish: used in MobileNetV3.", CORRECT, "MobileNetV3 introduced it.",
         "howard2019", HARDSWISH),
    fact("where", "EfficientNet-LiteFast", "Hardswish: used in EfficientNet-Lite.", WRONG, LITE_TRUTH,
         "google2020 liu2020", LITE),
    fact("where", "SwiGLULLaMA", "SwiGLU: used in LLaMA.", CORRECT, "LLaMA's feed-forward blocks use SwiGLU.",
         "touvron2023", GLU),
    fact("where", "PaLMGated", "SwiGLU: used in PaLM.", CORRECT, "PaLM uses SwiGLU.", "chowdhery2023", GLU),
    fact("where", "GeGLUSome GPT variants", "GeGLU: used in some GPT variants.", VAGUE,
         "No variant is named: GPT's feed-forward blocks use the plain, ungated form, and GPT-2 follows GPT "
         "there. GeGLU comes from Shazeer's comparison of gated units; Gemma, for one, uses it.",
         "shazeer2020 gemma2024 radford2018 radford2019", GLU),
    # ---------------------------------------------------------------- pytorch
    fact("pytorch", "activation functions in three ways",
         "PyTorch offers activations as modules, as functions and as tensor methods.", CORRECT,
         "Modules in torch.nn, functions in torch.nn.functional, and tensor methods for the common ones.",
         page="pytorch.md#three-ways-to-call-an-activation"),
    fact("pytorch", "stateful behavior (rare for activations)", "Activations seldom hold state.", CORRECT,
         "Most have none; PReLU's learned slope is the usual exception.", page="pytorch.md", reasoning=True),
    fact("pytorch", "The most common activation function", "ReLU is the most common activation.", CAVEAT,
         "The Swish paper calls it the most successful and widely used activation at the time that paper appeared. "
         "Transformers have since moved to GELU and gated units, so it holds for CNNs and plain MLPs.",
         "ramachandran2018 devlin2019 touvron2023"),
    fact("pytorch", "Used for binary classification outputs", "Sigmoid serves binary classification outputs.",
         CORRECT, "It turns a score into P(class = 1), best applied inside the loss.", page=OUTPUT),
    measured("pytorch", "prevents dying ReLU problem", "Leaky ReLU's small slope prevents dying ReLU.",
             "leaky-avoids-dying",
             "It keeps a gradient flowing to a stuck unit; whether the unit comes back depends on the loss."),
    fact("pytorch", "Used in transformers like BERT", "GELU is used in BERT and GPT.", CORRECT,
         "Both use it in their feed-forward blocks.", "devlin2019 radford2018"),
    fact("pytorch", "provides stateless activation functions", "torch.nn.functional holds stateless versions.",
         CORRECT, "Same computation as the modules.", page="pytorch.md#three-ways-to-call-an-activation"),
    fact("pytorch", "softmax is applied in the", "Classifiers output logits; the loss applies softmax stably.",
         CORRECT, "nn.CrossEntropyLoss applies log-softmax with the log-sum-exp trick.", page=LOGITS),
    fact("pytorch", "The standard MLP block in", "Transformer MLP blocks use GELU as standard.", MISLEADING,
         GELU_TODAY, GELU_USERS),
    fact("pytorch", "often outperforms ReLU", "Swish often beats ReLU.", CAVEAT,
         "Its authors report gains mostly on deeper models; it is not a general rule.", "ramachandran2018"),
    fact("pytorch", "works well in vision models", "Mish works well in vision models.", CAVEAT,
         "Its author reports vision results and YOLOv4 adopted it; results vary by model.",
         "misra2020 bochkovskiy2020"),
    fact("pytorch", "one for content, one for", "GLU splits its input into content and gate halves.", CORRECT,
         "F.glu takes the first half as content and the second as gate.", page=GLU),
    fact("pytorch", "Different slope per channel", "PReLU learns a slope per channel.", CAVEAT,
         "Only when num_parameters is the channel count; by default one slope is shared.", "he2015",
         "relu.md#relu-variants"),
    # ---------------------------------------------------------------- choosing
    fact("choosing", "General MLPsReLU", "Plain MLPs: ReLU or Leaky ReLU.", CURRENT,
         "The site recommends the same.", page=HIDDEN),
    fact("choosing", "standard for attention", "Transformers: GELU, standard for attention.", DATED,
         TRANSFORMER_ADVICE + " GELU sits in the feed-forward block, not in attention.",
         "devlin2019 dosovitskiy2021 chowdhery2023 touvron2023 gemma2024", HIDDEN),
    fact("choosing", "Vision modelsReLU", "Vision models: ReLU, Swish or Mish.", CURRENT,
         "Practice is divided: ReLU in ResNet, SiLU in EfficientNet, Mish in YOLOv4. The list is incomplete: "
         "GELU belongs on it (ViT, ConvNeXt), and Mish is seldom chosen now.",
         "he2016 tan2019 bochkovskiy2020 dosovitskiy2021 liu2022", HIDDEN),
    fact("choosing", "Tanh (gates), Sigmoid (gates)", "RNNs: tanh and sigmoid, both as gates.", MISLEADING, GATES,
         GATE_REFS, HIDDEN),
    fact("choosing", "GANsLeaky ReLU or GELU", "GANs: Leaky ReLU or GELU, for stable training.", QUESTIONABLE,
         "DCGAN's guidelines support Leaky ReLU in the discriminator (with ReLU in the generator); nothing cited "
         "supports GELU here.", "radford2016", HIDDEN),
    fact("choosing", "Transformers or modern NLP?", "Transformers: use GELU, the standard.", DATED,
         TRANSFORMER_ADVICE, "devlin2019 dosovitskiy2021 chowdhery2023 touvron2023 gemma2024", TREE),
    fact("choosing", "Start with ReLU", "Image CNNs: begin with ReLU; try Swish or Mish for top results.", CURRENT,
         "The site adds: measure before switching. GELU, as in ConvNeXt, is a candidate too, and Mish is "
         "seldom chosen now.", "liu2022", TREE),
    fact("choosing", "MLPs for tabular data?", "Tabular MLPs: ReLU or Leaky ReLU.", CURRENT,
         "The same as the site's advice.", page=TREE),
    fact("choosing", "Worried about dying neurons?", "Dying units: Leaky ReLU, ELU or GELU.", QUESTIONABLE,
         "Lower the learning rate first, then use Leaky ReLU or ELU, whose negative side keeps a gradient further "
         "out. GELU's does not: |GELU′| stays below {eps} for every x below {gelu_weak}, so a unit pushed far "
         "negative is nearly as stuck as with ReLU. ELU's gradient fades too, but only below {elu_weak}; "
         "only Leaky ReLU's never does.", page=TREE),
    fact("choosing", "Need bounded outputs in hidden", "Bounded hidden values (rare): tanh.", CURRENT,
         "Tanh keeps them in (−1, 1).", page=TREE),
    # ---------------------------------------------------------------- output layer
    fact("output", "Binary classificationSigmoid", "Binary classification: sigmoid.", CURRENT,
         "Best inside the loss: nn.BCEWithLogitsLoss on the logit.", page=OUTPUT),
    fact("output", "Softmax (often in loss)", "Multi-class: softmax, often in the loss.", CURRENT,
         "nn.CrossEntropyLoss on the logits.", page=OUTPUT),
    fact("output", "Regression (any value)None", "Unbounded regression: no activation.", CURRENT,
         "Raw output.", page=OUTPUT),
    fact("output", "Regression (positive values)ReLU", "Positive regression: ReLU or Softplus.", CURRENT,
         "Softplus keeps a gradient where ReLU's is zero, until float32 underflows it to exactly 0 far on the "
         "negative side. A ReLU output stops learning on any example whose pre-activation is negative.",
         page=OUTPUT),
    fact("output", "Regression (bounded range)Sigmoid", "Bounded regression: sigmoid or tanh.", CURRENT,
         "Scaled to the target's range.", page=OUTPUT),
    measured("output", "combines LogSoftmax and NLLLoss", "nn.CrossEntropyLoss is LogSoftmax then NLLLoss.",
             "cross-entropy", "PyTorch's reference says so, and the two agree numerically."),
    fact("output", "should NOT apply softmax in", "Do not apply softmax in the model with this loss.", CURRENT,
         "Softmax belongs at inference only.", page=LOGITS),
    fact("output", "Sigmoid for binary", "The binary model returns sigmoid probabilities.", QUESTIONABLE,
         "That forces nn.BCELoss, which breaks on a confident mistake once σ rounds to 1 in float32; return "
         "the logit and use nn.BCEWithLogitsLoss.", page="choosing.md#one-head-per-task"),
    fact("output", "let loss handle softmax", "The multi-class model returns raw logits.", CURRENT,
         "As nn.CrossEntropyLoss expects.", page=LOGITS),
    # ---------------------------------------------------------------- pitfalls
    fact("pitfalls", "only learn linear relationships", "Without activations the network learns only linear maps.",
         CORRECT, "The linear network trained on XOR stays at chance.",
         page="pitfalls.md#forgetting-the-activation-between-layers"),
    fact("pitfalls", "Sigmoid and tanh cause vanishing", "Deep stacks of sigmoid or tanh make gradients vanish.",
         CAVEAT, "They make vanishing gradients likely, through small and saturating slopes; initialisation "
         "matters too.", "glorot2010", "pitfalls.md#sigmoid-or-tanh-in-a-deep-network"),
    fact("pitfalls", "Reserve sigmoid for binary classification", "Keep sigmoid for binary outputs only.",
         QUESTIONABLE, "Sigmoid also belongs in the gates of LSTM and GRU cells, as the textbook's own table "
         "says.", "hochreiter1997 cho2014", "pitfalls.md#sigmoid-or-tanh-in-a-deep-network"),
    fact("pitfalls", "causes numerical instability and incorrect", "Softmax before the loss makes it numerically "
         "unstable and its gradients wrong.", MISLEADING,
         "Nothing overflows: softmax is applied twice, so the loss is a different, wrong one, with a floor above "
         "zero and much smaller gradients.", page="pitfalls.md#softmax-before-crossentropyloss"),
    fact("pitfalls", "ReLU would clip negative outputs", "A final ReLU clips negative outputs and loses information.",
         CORRECT, "On negative targets the error cannot fall below that of predicting 0.",
         page="pitfalls.md#relu-after-the-last-layer"),
    # ---------------------------------------------------------------- summary
    measured("summary", "deep networks collapse to a", "Without activations a deep network collapses to one layer.",
             "linear-collapse", "Any depth of affine layers is one affine layer."),
    measured("summary", "Its gradient of 1 for", "ReLU's unit slope prevents vanishing gradients and enables very "
             "deep networks.", "relu-gradient-depth",
             "Only with initialisation scaled for it; very deep networks also need normalisation and residual "
             "connections."),
    fact("summary", "Maximum gradient of 0.25/1.0 causes", "Peak slopes of 0.25 and 1 cause vanishing gradients.",
         MISLEADING, "A peak of 1 cuts nothing; tanh's problem is saturation away from zero, and sigmoid's its "
         "small slope everywhere.", page=SATURATION),
    fact("summary", "GELU is the transformer standard", "GELU is the transformer standard.", MISLEADING, GELU_TODAY,
         GELU_USERS),
    fact("summary", "Use sigmoid for binary classification", "Output layers: sigmoid, logits, none by task.",
         CURRENT, "Put the sigmoid inside nn.BCEWithLogitsLoss.", page=OUTPUT),
    fact("summary", "When in doubt, use ReLU", "Default: ReLU, and GELU for transformers.", DATED,
         TRANSFORMER_ADVICE, "devlin2019 dosovitskiy2021 chowdhery2023 touvron2023 gemma2024", "choosing.md"),
    fact("summary", "General hidden layers, CNNs", "ReLU: general hidden layers; watch for dying units.", CURRENT,
         "The same as the site's summary.", page="summary.md#at-a-glance"),
    fact("summary", "Slightly more expensive", "Leaky ReLU costs slightly more than ReLU.", CAVEAT,
         "It also multiplies by the slope. On the recorded CPU runs, forward, it takes {leaky_cache} ReLU's "
         "time in cache and {leaky_memory} when memory-bound, where both only stream memory.",
         page="benchmarks.md"),
    measured("summary", "modern NLPComputational cost", "GELU's watch-out is its computational cost.",
             "exponentials-expensive", "An error function per element; the time depends on the kernel."),
    fact("summary", "Binary classification outputVanishing", "Sigmoid: binary outputs, not hidden layers.",
         CURRENT, "Also the gates of recurrent cells.", page="summary.md#at-a-glance"),
    fact("summary", "RNN gates, bounded hidden outputs", "Tanh: RNN gates and bounded hidden values.", MISLEADING,
         GATES, GATE_REFS, HIDDEN),
    fact("summary", "More expensive than ReLU", "SiLU costs more than ReLU.", CORRECT,
         "It needs an exponential. On the recorded CPU runs, forward, it takes {silu_cache} ReLU's time in "
         "cache and {silu_memory} when memory-bound, where the extra arithmetic mostly hides behind memory.",
         page="benchmarks.md"),
    fact("summary", "Mobile/edge deploymentPiecewise", "Hardswish: for edge devices; not smooth everywhere.",
         CORRECT, "It has kinks at x = {hardswish_kinks}.", "howard2019", HARDSWISH),
    # ---------------------------------------------------------------- exercises
    measured("exercises", "fast GELU approximation used in", "The tanh form is the fast GELU approximation.",
             "gelu-tanh-fast",
             "Not in PyTorch on the recorded CPU runs: the tanh form took {gelu_tanh_cache} exact GELU's time "
             "in cache and {gelu_tanh_memory} when memory-bound in the claim's setting (forward, preallocated "
             "outputs), and {gelu_tanh_other} in every other measured cell; a verdict stays open only where a "
             "run flagged a cell. Other hardware (GPUs) may differ."),
    measured("exercises", "0.044715x3", "0.5x(1 + tanh(√(2/π)(x + 0.044715x³))) approximates GELU.",
             "gelu-tanh-approx", "It is close to the exact form everywhere."),
    fact("exercises", "Consider combinations like Swish",
         "Swish and Mish are starting points that meet the challenge's requirements.", MISLEADING,
         "Both are smooth, but neither keeps |f′| above the challenge's bound of {challenge_bound}: Swish′ is "
         "0 at x ≈ {silu_flat} and Mish′ at x ≈ {mish_flat}, and |f′| stays under the bound below x ≈ "
         "{silu_weak} (Swish) and {mish_weak} (Mish).", "ramachandran2018 misra2020",
         "experiments.md#a-custom-activation", reasoning=True),
    measured("exercises", "(Mish), or invent your own", "x · tanh(softplus(x)) is Mish.", "mish-form",
             "The definition."),
)
