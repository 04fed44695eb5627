"""Markdown output: the image pair, the alt-text policy and text artifacts."""

from __future__ import annotations

from pathlib import Path

import pytest

from actdocs.render import markdown
from actdocs.engine.artifact import Context


def test_image_pair_is_light_then_dark_with_one_alt_text():
    lines = markdown.image_pair("Curve [of] f\n and  f′", "figures/relu-{theme}.svg", size=(640, 360)).splitlines()
    assert lines == [
        "![Curve (of) f and f′](generated/figures/relu-light.svg#only-light){ loading=lazy width=640 height=360 }",
        "![Curve (of) f and f′](generated/figures/relu-dark.svg#only-dark){ loading=lazy width=640 height=360 }",
    ]


def test_image_pair_takes_a_mapping_and_a_root():
    text = markdown.image_pair("alt", {"light": "a.svg", "dark": "b.svg"}, root="..")
    assert text == "![alt](../a.svg#only-light){ loading=lazy }\n![alt](../b.svg#only-dark){ loading=lazy }\n"


def test_every_image_needs_alt_text():
    with pytest.raises(ValueError):
        markdown.image_pair("  \n", "figures/x-{theme}.svg")


def test_text_artifact_writes_its_one_file(tmp_path: Path):
    artifact = markdown.text_artifact("t", "deep/folder/t.md", lambda: "hello\n", "actdocs.render.markdown", params={"k": 1})
    assert (artifact.name, artifact.outputs, artifact.params) == ("t", ("deep/folder/t.md",), {"k": 1})
    artifact.make(tmp_path, Context())
    assert (tmp_path / "deep/folder/t.md").read_bytes() == b"hello\n"
