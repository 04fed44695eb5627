"""References: one table of real publications, cited by key, years never typed twice."""

from __future__ import annotations

import dataclasses
import re
import unicodedata
import subprocess
import sys
from pathlib import Path

import pytest

from actdocs import catalog, reference_page, references, shortcodes
from actdocs.catalog import ACTIVATIONS
from actdocs.errors import UsageError

REPO_ROOT = Path(__file__).resolve().parent.parent
DOCS = sorted((REPO_ROOT / "docs").glob("*.md"))

#: A year as the site writes one. The agreement check reads the whole 1900-2099 range;
#: an uncited year is looked for in 1940-2029, where no layer width (2048) falls.
YEAR = re.compile(r"(?<![\d.,×^])\b(19\d\d|20\d\d)\b(?![\d×%]|[.,]\d)")
PUBLICATION_YEAR = range(1940, 2030)


# ------------------------------------------------------------------ the table itself


def test_keys_are_unique_stable_and_carry_their_year():
    keys = references.keys()
    assert len(keys) == len(set(keys))
    for ref in references.REFERENCES:
        match = re.fullmatch(r"([a-z]+)(\d{4})[a-z]?", ref.key)
        assert match, ref.key
        assert int(match.group(2)) == ref.year, ref.key
        family = unicodedata.normalize("NFKD", ref.families[0].lower().split()[-1])  # Montúfar -> montufar
        assert match.group(1) == re.sub(r"[^a-z]", "", family), ref.key


def test_records_are_complete_and_link_nowhere():
    for ref in references.REFERENCES:
        assert ref.authors and ref.title and ref.venue, ref.key
        assert all(re.fullmatch(r"[^,]+, [^,]+", a) for a in ref.authors), ref.authors
        assert not ref.arxiv or re.fullmatch(r"\d{4}\.\d{4,5}", ref.arxiv), ref.arxiv
        assert not ref.doi or ref.doi.startswith("10."), ref.doi
        text = " ".join(str(v) for v in dataclasses.astuple(ref))
        assert "http" not in text and "www." not in text, ref.key


def test_the_docstring_lists_every_key():
    listed = re.search(r"Keys: (.*?)\.\n", references.__doc__, re.S).group(1)
    assert sorted(k.strip() for k in listed.split(",")) == sorted(references.keys())


def test_short_labels():
    assert references.get("rosenblatt1958").label == "Rosenblatt (1958)"
    assert references.get("nair2010").label == "Nair and Hinton (2010)"
    assert references.get("krizhevsky2012").label == "Krizhevsky et al. (2012)"
    assert references.get("chowdhery2022").label == "Chowdhery et al. (2022)"  # first authors only
    assert references.get("nair2010").full_authors == "Vinod Nair and Geoffrey E. Hinton"
    assert references.get("touvron2023").full_authors.endswith(" et al.")


def test_an_unknown_key_is_an_error():
    with pytest.raises(references.UnknownReferenceError, match="nope2000"):
        references.get("nope2000")


# ------------------------------------------------------------------ the catalog points here


def test_every_usage_points_to_a_reference():
    for record in ACTIVATIONS:
        for usage in record.used_in:
            assert usage.ref in references.keys(), (record.key, usage)
            assert usage.year == references.get(usage.ref).year


def test_no_year_is_typed_in_a_usage_or_a_catalog_string():
    assert "year" not in {f.name for f in dataclasses.fields(catalog.Usage)}
    for record in ACTIVATIONS:
        texts = [record.name, record.summary, record.best_for, record.watch_out, record.scalar_view_note,
                 *(u.name for u in record.used_in)]
        for text in texts:
            assert not YEAR.search(text), (record.key, text)


def test_usage_text_cites_its_reference():
    text = catalog.get("relu").used_in_text
    assert "AlexNet: [Krizhevsky et al. (2012)](references.md#krizhevsky2012)" in text


# ------------------------------------------------------------------ shortcodes


def test_citation_shortcodes_expand_to_links():
    page = "Text [@nair2010; @glorot2011] and <!-- md:cite he2015 -->."
    expanded = shortcodes.expand(page, "relu.md")
    assert expanded == ("Text ([Nair and Hinton, 2010](references.md#nair2010); [Glorot et al., 2011]"
                        "(references.md#glorot2011)) and [He et al. (2015)](references.md#he2015).")
    assert shortcodes.expand("[@nair2010]", "sub/page.md") == "([Nair and Hinton, 2010](../references.md#nair2010))"


def test_a_citation_inside_parentheses_gets_no_second_pair():
    text = "One (as the authors say [@he2015]) and (closed) then [@he2015].\n\nNew (paragraph"
    expanded = shortcodes.expand(text, "x.md")
    assert expanded.startswith("One (as the authors say [He et al., 2015](references.md#he2015)) and (closed) then "
                               "([He et al., 2015](references.md#he2015)).")


def test_shortcodes_in_code_are_left_alone():
    page = "Write `[@key]`.\n\n```markdown\n[@nope2000] <!-- md:nope -->\n```\n"
    assert shortcodes.expand(page, "x.md") == page
    assert shortcodes.cited(page) == []


@pytest.mark.parametrize(("text", "problem"), [("[@nope2000]", "unknown reference key 'nope2000'"),
                                               ("<!-- md:nope x -->", "unknown shortcode 'nope'")])
def test_a_bad_shortcode_is_one_line_naming_the_page(text, problem):
    with pytest.raises(shortcodes.ShortcodeError) as err:
        shortcodes.expand(f"Fine.\n\n{text}\n", "relu.md")
    assert str(err.value).startswith("relu.md: ") and problem in str(err.value)
    assert "\n" not in str(err.value)


def test_another_shortcode_can_be_registered(monkeypatch):
    monkeypatch.setattr(shortcodes, "_HANDLERS", dict(shortcodes._HANDLERS))
    shortcodes.register("shout", lambda args, page: f"{args.upper()} on {page}")
    assert shortcodes.expand("<!-- md:shout hello -->", "a.md") == "HELLO on a.md"
    with pytest.raises(ValueError, match="already registered"):
        shortcodes.register("shout", lambda args, page: "")


def _tiny_site(tmp_path: Path, page: str) -> subprocess.CompletedProcess:
    """A two-page MkDocs project whose only hook is actdocs' on_page_markdown, built --strict."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text(page, encoding="utf-8")
    anchors = "".join(f'<a id="{k}"></a>{k}\n\n' for k in references.keys())
    (docs / "references.md").write_text(f"# References\n\n{anchors}", encoding="utf-8")
    (tmp_path / "hook.py").write_text("from actdocs.mkdocs_hook import on_page_markdown  # noqa: F401\n",
                                      encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: t\ndocs_dir: docs\nhooks: [hook.py]\nnav: [index.md, references.md]\n"
        "validation: {anchors: warn, links: {unrecognized_links: warn}}\n", encoding="utf-8")
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f", str(tmp_path / "mkdocs.yml"),
               "-d", str(tmp_path / "site")]
    return subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=300,
                          env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin"})


def test_a_known_citation_builds_and_links(tmp_path: Path):
    result = _tiny_site(tmp_path, "# Home\n\nAlexNet [@krizhevsky2012].\n")
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert 'href="references/#krizhevsky2012"' in html and "Krizhevsky et al., 2012" in html


def test_a_citation_of_an_unknown_key_fails_the_build(tmp_path: Path):
    result = _tiny_site(tmp_path, "# Home\n\nSomething [@nope2000].\n")
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if "nope2000" in line]
    assert len(lines) == 1 and "index.md" in lines[0] and "unknown reference key" in lines[0], result.stderr
    assert "Traceback" not in result.stderr


# ------------------------------------------------------------------ years agree with what they cite


def _prose(text: str) -> str:
    """Markdown without code, math, HTML comments other than shortcodes, or includes."""
    text = shortcodes._CODE.sub(" ", text)
    text = re.sub(r"\$\$.*?\$\$|\$[^$\n]+\$", " ", text, flags=re.S)
    return re.sub(r"^[ \t]*--8<--.*$", " ", text, flags=re.M)


def _statements(text: str) -> list[str]:
    """Sentences and list items: what a year and its citation must share."""
    blocks = re.split(r"\n\s*\n|\n(?=\s*(?:[-*]|\d+\.)\s)", _prose(text))
    return [s for block in blocks for s in re.split(r"(?<=[.!?])\s+(?=[A-Z*])", block.replace("\n", " "))]


def year_problems(text: str, where: str) -> list[str]:
    """Every year that disagrees with the citation beside it, or (1940-2029) has none."""
    problems = []
    for statement in _statements(text):
        years = [int(y) for y in YEAR.findall(re.sub(r"\[@[^\]]*\]|\([^)]*references\.md#[^)]*\)", " ", statement))]
        if not years:
            continue
        cited = set(shortcodes.cited(statement)) | set(reference_page.LINKED.findall(statement))
        cited_years = {references.get(k).year for k in cited if k in references.keys()}
        for year in years:
            if cited and year not in cited_years:
                problems.append(f"{where}: {year} beside {sorted(cited)} ({sorted(cited_years)}): {statement[:90]!r}")
            elif not cited and year in PUBLICATION_YEAR:
                problems.append(f"{where}: {year} cites nothing: {statement[:90]!r}")
    return problems


@pytest.mark.parametrize("page", DOCS, ids=[p.name for p in DOCS])
def test_every_year_on_a_page_agrees_with_its_citation(page: Path):
    assert year_problems(page.read_text(encoding="utf-8"), page.name) == []


def test_year_check_catches_a_wrong_or_uncited_year():
    assert year_problems("AlexNet [@krizhevsky2012] won in 2012.", "x") == []
    assert len(year_problems("AlexNet [@krizhevsky2012] won in 2011.", "x")) == 1
    assert len(year_problems("AlexNet won in 2012.", "x")) == 1
    assert year_problems("Widen from 512 to 2048 units.", "x") == []
    assert len(year_problems("GELU ([Hendrycks and Gimpel (2016)](references.md#hendrycks2016)) in 2015.", "x")) == 1


def test_generated_catalog_text_years_agree():
    for record in ACTIVATIONS:
        assert year_problems(record.used_in_text, record.key) == []


# ------------------------------------------------------------------ every record is used


def package_citations() -> set[str]:
    """Keys cited by the pages and the catalog."""
    pages = {k for page in DOCS for k in shortcodes.cited(page.read_text(encoding="utf-8"))}
    usages = {u.ref for record in ACTIVATIONS for u in record.used_in}
    return pages | usages


def test_every_reference_is_cited_or_listed_as_background():
    cited = package_citations()
    for ref in references.REFERENCES:
        assert ref.key in cited or ref.background, f"{ref.key} is neither cited nor background"
        assert not (ref.key in cited and ref.background), f"{ref.key} is cited: drop its background note"


def test_references_page_lists_the_citing_pages(tmp_path: Path, monkeypatch):
    (tmp_path / "docs").mkdir()
    (tmp_path / "cache" / "tables").mkdir(parents=True)
    (tmp_path / "docs" / "a.md").write_text('# Page A\n\nText [@nair2010].\n\n--8<-- "tables/t.md"\n', encoding="utf-8")
    (tmp_path / "docs" / "b.md").write_text("# Page B\n\n`[@he2015]` is only shown.\n", encoding="utf-8")
    (tmp_path / "cache" / "tables" / "t.md").write_text(catalog.get("hardswish").used_in_text, encoding="utf-8")
    citing = reference_page.citing_pages(tmp_path, tmp_path / "cache")
    assert citing == {"nair2010": [("Page A", "a.md")], "howard2019": [("Page A", "a.md")]}
    text = reference_page.page_fragment(citing)
    assert text.count('<a id="') == len(references.keys())
    assert '<a id="nair2010"></a>Vinod Nair and Geoffrey E. Hinton (2010).' in text
    nair = next(p for p in text.split("\n\n") if 'id="nair2010"' in p)
    assert nair.rstrip().endswith("Cited on: [Page A](a.md).")
    # a record no page cites says why it is listed
    noted = dataclasses.replace(references.get("ba2016"), background="Why it is listed.")
    monkeypatch.setattr(references, "REFERENCES", tuple(noted if r.key == "ba2016" else r for r in references.REFERENCES))
    text = reference_page.page_fragment(citing)
    assert "Background: Why it is listed." in next(p for p in text.split("\n\n") if 'id="ba2016"' in p)


def test_references_artifact_is_keyed_by_the_pages_and_what_they_include():
    from actdocs.artifacts import all_artifacts

    artifact = next(a for a in all_artifacts() if a.name == "references-page")
    assert "docs/relu.md" in artifact.inputs and "docs/references.md" in artifact.inputs
    assert "tables/usage.md" in artifact.reads and reference_page.OUTPUT not in artifact.reads
    assert not any((REPO_ROOT / r).is_file() for r in artifact.reads)


def _docs(root: Path, **pages: bytes) -> None:
    (root / "docs").mkdir()
    for name, content in pages.items():
        (root / "docs" / f"{name}.md").write_bytes(content)


def test_a_page_including_a_file_nothing_makes_is_named_with_the_file(tmp_path: Path):
    _docs(tmp_path, a=b'# A\n\n--8<-- "tables/made.md"\n', b=b'# B\n\n    --8<-- "tables/nope.md:part"\n')
    with pytest.raises(UsageError) as raised:
        reference_page.artifacts({"tables/made.md"}, tmp_path)
    assert str(raised.value) == ("docs/b.md includes tables/nope.md, which is neither a file in the repository "
                                 "nor an output of any artifact")
    (artifact,) = reference_page.artifacts({"tables/made.md", "tables/nope.md"}, tmp_path)
    assert artifact.reads == ("tables/made.md", "tables/nope.md")


def test_a_page_that_is_not_utf8_is_named_and_a_folder_named_md_is_no_page(tmp_path: Path):
    _docs(tmp_path, a=b"# A\n\n\xff\n")
    (tmp_path / "docs" / "folder.md").mkdir()
    with pytest.raises(UsageError, match=r"^docs/a\.md: not UTF-8 text \(invalid start byte at byte 5\)$"):
        reference_page.artifacts(set(), tmp_path)
    (tmp_path / "docs" / "a.md").write_text("# A\n", encoding="utf-8")
    (artifact,) = reference_page.artifacts(set(), tmp_path)
    assert artifact.inputs == ("docs/a.md",)
