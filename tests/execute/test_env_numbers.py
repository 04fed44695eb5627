"""The one parser of numbers read from environment variables."""

import pytest

from actdocs.execute.env_numbers import positive
from actdocs.engine.errors import UsageError


def test_unset_or_blank_is_the_default_and_a_value_keeps_the_defaults_type(monkeypatch):
    monkeypatch.delenv("ACTDOCS_TEST_NUMBER", raising=False)
    assert positive("ACTDOCS_TEST_NUMBER", 3, "things") == 3
    monkeypatch.setenv("ACTDOCS_TEST_NUMBER", "  ")
    assert positive("ACTDOCS_TEST_NUMBER", 2.5, "seconds") == 2.5
    monkeypatch.setenv("ACTDOCS_TEST_NUMBER", " 7 ")
    assert positive("ACTDOCS_TEST_NUMBER", 3, "things") == 7 and isinstance(positive("ACTDOCS_TEST_NUMBER", 3, "x"), int)
    assert positive("ACTDOCS_TEST_NUMBER", 1.0, "seconds") == 7.0


@pytest.mark.parametrize("text, default", [("abc", 1), ("0", 1), ("-2", 1), ("1.5", 1),
                                           ("abc", 1.0), ("0", 1.0), ("-1", 1.0), ("nan", 1.0), ("inf", 1.0)])
def test_anything_else_is_one_line_naming_the_variable(monkeypatch, text, default):
    monkeypatch.setenv("ACTDOCS_TEST_NUMBER", text)
    with pytest.raises(UsageError) as err:
        positive("ACTDOCS_TEST_NUMBER", default, "units")
    whole = "whole " if isinstance(default, int) else ""
    assert str(err.value) == f"ACTDOCS_TEST_NUMBER={text!r}: expected a positive {whole}number of units (or unset, for {default:g})"
