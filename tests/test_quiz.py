"""The quiz's answers, checked where they can be computed: an option the quiz marks
wrong must really differ from the one it marks right (review R2, E1: returning
``F.log_softmax`` to ``nn.CrossEntropyLoss`` was marked wrong, yet gives exactly the loss
and the gradients of the raw logits)."""

from __future__ import annotations

import re

import torch
import torch.nn.functional as F

from actdocs.build import REPO_ROOT

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
