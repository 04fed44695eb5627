"""The quiz page in Chromium: a wrong answer and a right one are marked, and each
shows its explanation. The quiz JavaScript is inlined on the quiz page only."""

from __future__ import annotations

import pytest
from test_browser import Visit, _open, visit  # noqa: F401 (the fixture is used by name)

pytestmark = pytest.mark.browser


def _answer(page, quiz_index: int, correct: bool) -> dict:
    """Click a right or wrong answer of one quiz; return how the page marked it."""
    quiz = page.locator("div.quiz").nth(quiz_index)
    quiz.scroll_into_view_if_needed()
    selector = 'input[name="answer"][data-correct="true"]' if correct else 'input[name="answer"]:not([data-correct])'
    choice = quiz.locator(selector).first
    quiz.locator(f'label[for="{choice.get_attribute("id")}"]').click()
    submit = quiz.locator('button[type="submit"]')
    if submit.count() and submit.first.is_visible():
        submit.first.click()
    explanation = quiz.locator("section.content")
    explanation.wait_for(state="visible")
    return {
        "classes": choice.evaluate("input => input.parentElement.className"),
        "explanation": explanation.inner_text().strip(),
        "feedback": quiz.locator(".quiz-feedback").inner_text().strip(),
    }


def test_quiz_marks_answers_and_explains(visit: Visit, site_server: str):
    page = _open(visit, site_server + "quiz/")
    quizzes = page.locator("div.quiz").count()
    assert quizzes >= 12, f"the quiz page has {quizzes} questions, fewer than 12"

    wrong = _answer(page, 0, correct=False)
    assert "wrong" in wrong["classes"].split(), wrong
    assert wrong["explanation"], "no explanation shown after a wrong answer"

    right = _answer(page, 1, correct=True)
    assert "correct" in right["classes"].split(), right
    assert right["explanation"], "no explanation shown after a right answer"

    assert not visit.errors, visit.errors
    assert not visit.external, visit.external


def test_quiz_script_only_on_the_quiz_page(built_site):
    """mkdocs-quiz is enabled by front matter on one page: no other page carries it."""
    pages = [p for p in built_site.rglob("index.html") if "assets" not in p.parts]
    carrying = sorted(p.parent.name or "/" for p in pages if "mkdocsQuizConfig" in p.read_text(encoding="utf-8"))
    assert carrying == ["quiz"], carrying
