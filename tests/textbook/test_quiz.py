"""The quiz's answers, checked where they can be computed: an option the quiz marks
wrong must really differ from the one it marks right (review R2, E1: returning
``F.log_softmax`` to ``nn.CrossEntropyLoss`` was marked wrong, yet gives exactly the loss
and the gradients of the raw logits)."""

from __future__ import annotations

import re

import torch
import torch.nn.functional as F

from actdocs.engine.artifact import REPO_ROOT

QUIZ = REPO_ROOT / "docs" / "quiz.md"


def questions() -> list[str]:
    return re.findall(r"<quiz>(.*?)</quiz>", QUIZ.read_text(encoding="utf-8"), flags=re.S)


def options(question: str) -> list[tuple[bool, str]]:
    """(marked right, text) for each ``- [x]`` / ``- [ ]`` line."""
    return [(mark == "x", text.strip()) for mark, text in re.findall(r"^- \[([ x])\] (.*)$", question, flags=re.M)]


def cross_entropy_question() -> list[tuple[bool, str]]:
    [question] = [q for q in questions() if "nn.CrossEntropyLoss" in q.split("\n- [")[0]]
    return options(question)


def same_training_signal(expression: str) -> bool:
    """Whether returning ``expression`` (of ``logits``) from ``forward`` gives
    ``F.cross_entropy`` the loss and the gradient that the raw logits give."""
    torch.manual_seed(0)
    logits = (3 * torch.randn(16, 10, dtype=torch.float64)).requires_grad_()
    target = torch.randint(0, 10, (16,))
    reference_loss = F.cross_entropy(logits, target)
    (reference_grad,) = torch.autograd.grad(reference_loss, logits)
    output = eval(expression, {"F": F, "torch": torch, "logits": logits})  # noqa: S307 (the page's own code)
    if not output.is_floating_point() or not output.requires_grad:
        return False  # a class index: nothing to train
    loss = F.cross_entropy(output, target)
    (grad,) = torch.autograd.grad(loss, logits)
    return bool(torch.allclose(loss, reference_loss) and torch.allclose(grad, reference_grad))


def as_expression(option: str) -> str:
    code = re.fullmatch(r"`([^`]+)`", option)
    if code:
        return code.group(1)
    assert "raw logits" in option.lower(), f"no code to run for the option {option!r}"
    return "logits"


def test_only_the_right_answer_trains_like_the_raw_logits():
    found = cross_entropy_question()
    assert sum(right for right, _ in found) == 1, found
    verdicts = {text: same_training_signal(as_expression(text)) for _, text in found}
    assert verdicts == {text: right for right, text in found}, verdicts


def test_the_check_tells_a_redundant_log_softmax_from_a_softmax():
    assert same_training_signal("F.log_softmax(logits, dim=-1)")
    assert not same_training_signal("F.softmax(logits, dim=-1)")
    assert not same_training_signal("logits.argmax(dim=-1)")


def test_each_question_has_one_right_answer():
    found = questions()
    assert len(found) >= 12
    for question in found:
        assert sum(right for right, _ in options(question)) == 1, question[:80]


#: Models the quiz names; a right option naming one must be backed by its explanation.
MODELS = ("BERT", "GPT", "GPT-2", "GPT-3", "ViT", "LLaMA", "PaLM", "Gemma", "EfficientNet", "MobileNetV3",
          "YOLOv4", "AlexNet", "ResNet", "Transformer")


def explanation(question: str) -> str:
    return question.split("\n\n", 1)[1] if "\n\n" in question else ""


def named_models(text: str) -> set[str]:
    return {m for m in MODELS if re.search(rf"(?<![\w-]){re.escape(m)}(?![\w-])", text)}


def test_a_model_the_right_answer_names_is_in_its_explanation():
    """Review S2, C1: the answer said GPT-2 while the explanation cited only GPT."""
    checked = 0
    for question in questions():
        right = next(text for ok, text in options(question) if ok)
        missing = named_models(right) - named_models(explanation(question))
        assert not missing, (missing, right)
        checked += bool(named_models(right))
    assert checked, "some right answer names a model"


#: The Swish question's options as code (review S2, D1: a wrong option must be a different function).
SWISH_OPTIONS = {
    r"$x\,\sigma(x)$: the input, gated by its own sigmoid": lambda x: x * torch.sigmoid(x),
    r"$\ln(1 + e^{x})$": lambda x: torch.log1p(torch.exp(x)),
    r"$x \tanh(\operatorname{softplus}(x))$": lambda x: x * torch.tanh(F.softplus(x)),
    # a GLU of the scalar x with W = V = 1 and zero biases: x * sigmoid(x), so it is Swish
    # only with those weights; as a layer it has two projections, not one input
}


def test_only_the_right_swish_option_is_swish():
    [question] = [q for q in questions() if "What does Swish (SiLU) compute?" in q]
    found = options(question)
    x = torch.linspace(-6, 6, 241, dtype=torch.float64)
    for right, text in found:
        if text not in SWISH_OPTIONS:
            assert r"\odot" in text and "W" in text, f"no code for the option {text!r}"
            continue
        assert torch.allclose(SWISH_OPTIONS[text](x), F.silu(x)) == right, text
