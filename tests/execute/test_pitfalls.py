"""The pitfalls page: every pitfall listing shows its wrong and its right code in tabs.

Each ``snippets/pitfalls_*.py`` runs both versions and asserts that the wrong one is
wrong (``test_snippets.py`` runs it). Here: each has a ``wrong`` and a ``right``
section, the page includes them under a "Wrong" and a "Right" tab in that order, and
the captured output follows (under the tabs, or in a collapsible block under the
figure drawn from it).
"""

from __future__ import annotations

import re

import pytest

from actdocs.engine.artifact import REPO_ROOT

PAGE = REPO_ROOT / "docs" / "pitfalls.md"
LISTINGS = sorted((REPO_ROOT / "snippets").glob("pitfalls_*.py"))


def test_there_are_four_pitfalls():
    assert len(LISTINGS) == 4


@pytest.mark.parametrize("path", LISTINGS, ids=lambda p: p.stem)
def test_listing_has_wrong_and_right_sections(path):
    text = path.read_text(encoding="utf-8")
    for section in ("wrong", "right"):
        assert text.count(f"# --8<-- [start:{section}]") == 1, section
        assert text.count(f"# --8<-- [end:{section}]") == 1, section
        assert text.index(f"[start:{section}]") < text.index(f"[end:{section}]")


@pytest.mark.parametrize("path", LISTINGS, ids=lambda p: p.stem)
def test_page_shows_both_tabs_then_the_output(path):
    page = PAGE.read_text(encoding="utf-8")
    name = path.stem
    pattern = (
        r'=== "Wrong"\s+```python\s+--8<-- "snippets/' + name + r'\.py:wrong"\s+```\s+'
        r'=== "Right"\s+```python\s+--8<-- "snippets/' + name + r'\.py:right"\s+```\s+'
        r'(?:[^\n]*\n)*?[ ]*```text(?: title="Output")?\s+--8<-- "output/' + name + r'\.txt"'
    )
    assert re.search(pattern, page), f"{name}: Wrong and Right tabs, then the output, not found in pitfalls.md"


_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8}


def test_the_introduction_counts_the_sections_and_the_tabbed_ones():
    """The opening sentence's count is the page's sections, and "the first N" (the ones
    with Wrong/Right tabs) is the pitfall listings: review R1 found "Four mistakes" over
    five sections, the fifth without tabs."""
    page = PAGE.read_text(encoding="utf-8")
    intro = page.split("\n## ", 1)[0]
    total = re.search(r"\b(\w+) mistakes\b", intro)
    tabbed = re.search(r"\bthe first (\w+)\b", intro)
    assert total and tabbed, "the introduction says how many mistakes, and how many have tabs"
    assert _NUMBERS[total.group(1).lower()] == len(re.findall(r"^## ", page, re.M))
    assert _NUMBERS[tabbed.group(1).lower()] == page.count('=== "Wrong"') == len(LISTINGS)
