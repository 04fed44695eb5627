"""References: one table of real publications, cited by key, years never typed twice."""

from __future__ import annotations

import dataclasses
import re
import unicodedata
import subprocess
import sys
from pathlib import Path

import pytest

from actdocs import catalog, references
from actdocs.produce import reference_page
from actdocs.render import shortcodes
from actdocs.textbook import statements
from actdocs.catalog import ACTIVATIONS
from actdocs.engine.errors import UsageError

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
        # a person's family name (Montúfar -> montufar); an organisation's first word (PyTorch -> pytorch)
        name = ref.families[0].split()[0] if ref.organisation else ref.families[0].split()[-1]
        family = unicodedata.normalize("NFKD", name.lower())
        assert match.group(1) == re.sub(r"[^a-z]", "", family), ref.key


def record_problems(ref: references.Reference) -> list[str]:
    """What a record lacks: authors, title, venue, year; for a paper an identifier-shaped
    arXiv id or DOI if any, and no URL; for a source that is not a paper a URL and a date."""
    problems = []
    if not (ref.authors and ref.title and ref.venue and 1900 <= ref.year <= 2099):
        problems.append("authors, title, venue and year are required")
    if ref.organisation:
        if len(ref.authors) != 1 or "," in ref.authors[0]:
            problems.append("an organisation is one name without a comma")
    elif not all(re.fullmatch(r"[^,]+, [^,]+", a) for a in ref.authors):
        problems.append(f"authors must be 'Family, Given': {ref.authors}")
    if ref.arxiv and not re.fullmatch(r"\d{4}\.\d{4,5}", ref.arxiv):
        problems.append(f"arXiv id {ref.arxiv!r}")
    if ref.doi and not ref.doi.startswith("10."):
        problems.append(f"DOI {ref.doi!r}")
    if ref.url or ref.date:
        if not re.fullmatch(r"https://[^\s<>]+", ref.url):
            problems.append("a dated source needs an https URL")
        if not re.fullmatch(r"(19|20)\d\d-\d\d(-\d\d)?", ref.date) or not ref.date.startswith(str(ref.year)):
            problems.append(f"a source with a URL needs an ISO date in its year: {ref.date!r}")
        if ref.arxiv or ref.doi:
            problems.append("a paper is cited by its identifier, not a URL")
    text = " ".join(str(v) for name, v in dataclasses.asdict(ref).items() if name != "url")
    if "http" in text or "www." in text:
        problems.append("a link outside the url field")
    return problems


def test_records_are_complete_and_only_non_papers_carry_a_url():
    assert {ref.key: record_problems(ref) for ref in references.REFERENCES if record_problems(ref)} == {}
    assert references.get("liu2020").url and references.get("pytorch2026").organisation


def test_record_check_catches_an_incomplete_record():
    good = references.get("liu2020")
    assert record_problems(good) == []
    assert record_problems(dataclasses.replace(good, date=""))           # a URL without a date
    assert record_problems(dataclasses.replace(good, url=""))            # a date without a URL
    assert record_problems(dataclasses.replace(good, date="2019-03-16"))  # a date outside its year
    assert record_problems(dataclasses.replace(references.get("he2016"), url="https://arxiv.org/abs/1512.03385"))
    assert record_problems(dataclasses.replace(good, authors=("Renjie Liu",)))
    assert record_problems(dataclasses.replace(good, venue=""))


def site_citations() -> dict[str, set[str]]:
    """Every key cited anywhere on the site, with where: the pages' shortcodes, the catalog's
    Usage entries and prose, and the choosing guide's prose."""
    from actdocs.produce import guide

    found: dict[str, set[str]] = {}
    for page in DOCS:
        for key in shortcodes.cited(page.read_text(encoding="utf-8")):
            found.setdefault(key, set()).add(page.name)
    for record in ACTIVATIONS:
        texts = [record.summary, record.best_for, record.watch_out, record.scalar_view_note]
        for key in [u.ref for u in record.used_in] + [k for t in texts for k in shortcodes.cited(t or "")]:
            found.setdefault(key, set()).add(f"catalog:{record.key}")
    for entry in (*guide.HIDDEN_LAYERS, *guide.DECISION_TREE, *guide.OUTPUT_LAYERS):
        for text in (str(v) for v in vars(entry).values() if isinstance(v, str)):
            for key in shortcodes.cited(text):
                found.setdefault(key, set()).add("guide")
    return found


def test_every_key_cited_on_the_site_has_a_complete_record():
    cited = site_citations()
    assert "xu2015" in cited and "pytorch2026" in cited
    missing = {k: sorted(where) for k, where in cited.items() if k not in references.keys()}
    assert missing == {}
    assert {k: record_problems(references.get(k)) for k in cited if record_problems(references.get(k))} == {}


#: Preprints whose peer-reviewed version exists: the record must cite that version (the module's
#: rule), with its venue and year, and keep the arXiv id.
PUBLISHED = {
    "chowdhery2023": ("Journal of Machine Learning Research", 2023, "2204.02311"),
    "ramachandran2018": ("Workshop Track", 2018, "1710.05941"),
}


@pytest.mark.parametrize("key", sorted(PUBLISHED))
def test_a_preprint_with_a_peer_reviewed_version_cites_that_version(key):
    venue, year, arxiv = PUBLISHED[key]
    ref = references.get(key)
    assert venue in ref.venue and ref.year == year and ref.arxiv == arxiv and "preprint" not in ref.venue


def test_the_docstring_lists_every_key():
    listed = re.search(r"Keys: (.*?)\.\n", references.__doc__, re.S).group(1)
    assert sorted(k.strip() for k in listed.split(",")) == sorted(references.keys())


def test_short_labels():
    assert references.get("rosenblatt1958").label == "Rosenblatt (1958)"
    assert references.get("nair2010").label == "Nair and Hinton (2010)"
    assert references.get("krizhevsky2012").label == "Krizhevsky et al. (2012)"
    assert references.get("chowdhery2023").label == "Chowdhery et al. (2023)"  # first authors only
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


def quoted_title_problems(usages: list[tuple[str, str]]) -> list[str]:
    """Usage names that read as their publication's title but misquote it. A name (its
    final parenthesis left out) of four or more words, at least 80 % of them words of the
    title, is read as a quotation, and must then be the title exactly (up to case)."""
    def words(text: str) -> list[str]:
        return re.findall(r"[a-z0-9]+", text.lower())

    problems = []
    for name, key in usages:
        quoted = re.sub(r"\s*\([^()]*\)\s*$", "", name)
        title = references.get(key).title
        found = words(quoted)
        if len(found) >= 4 and sum(w in set(words(title)) for w in found) >= 0.8 * len(found):
            if quoted.lower() != title.lower():
                problems.append(f"{name!r} quotes [@{key}] but its title is {title!r}")
    return problems


def test_a_title_quoted_in_a_usage_is_the_title():
    usages = [(u.name, u.ref) for record in ACTIVATIONS for u in record.used_in]
    assert quoted_title_problems(usages) == []


def test_title_check_catches_the_old_misquotes():
    old = [("Neural language processing from scratch (SENNA)", "collobert2011"),
           ("Deep sparse rectifier networks", "glorot2011")]
    assert len(quoted_title_problems(old)) == 2
    assert quoted_title_problems([("Natural language processing (almost) from scratch (SENNA)", "collobert2011"),
                                  ("Restricted Boltzmann machines", "nair2010")]) == []


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
    assert expanded.startswith("One (as the authors say; [He et al., 2015](references.md#he2015)) and (closed) then "
                               "([He et al., 2015](references.md#he2015)).")


def test_a_citation_inside_parentheses_is_its_own_clause():
    """Inside the sentence's parentheses a citation follows "(" or "; ", so it never reads as part of the
    clause before it ("which the derivation assumes Klambauer et al.")."""
    for text in ("(zero biases, which it assumes [@he2015])", "(zero biases, which it assumes\n[@he2015])",
                 "(zero biases, which it assumes; [@he2015])"):
        assert shortcodes.expand(text, "x.md") == "(zero biases, which it assumes; [He et al., 2015](references.md#he2015))"
    assert shortcodes.expand("([@he2015]; later work)", "x.md") == "([He et al., 2015](references.md#he2015); later work)"
    assert shortcodes.expand("Text\n[@he2015].", "x.md") == "Text\n([He et al., 2015](references.md#he2015))."
    assert shortcodes.expand("(a step function [@he2015], which fails)", "x.md") == (
        "(a step function ([He et al., 2015](references.md#he2015)), which fails)")
    assert shortcodes.expand("(for this reason [@he2015].)", "x.md") == (
        "(for this reason; [He et al., 2015](references.md#he2015).)")


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
    """A two-page MkDocs project whose only actdocs part is the page expansions' Markdown
    extension (no hook, no artifact build), built --strict."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text(page, encoding="utf-8")
    anchors = "".join(f'<a id="{k}"></a>{k}\n\n' for k in references.keys())
    (docs / "references.md").write_text(f"# References\n\n{anchors}", encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: t\ndocs_dir: docs\nmarkdown_extensions: [pymdownx.snippets, actdocs.site.expansions]\nnav: [index.md, references.md]\n"
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
    ledger = {key for s in statements.STATEMENTS for key in s.refs}
    return pages | usages | ledger


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


def test_the_page_lists_references_by_year_then_first_author():
    text = reference_page.page_fragment({})
    keys = re.findall(r'<a id="([a-z0-9]+)"></a>', text)
    years = [references.get(k).year for k in keys]
    assert years == sorted(years)
    for a, b in zip(keys, keys[1:]):
        if references.get(a).year == references.get(b).year:
            assert a < b, (a, b)
    assert keys.index("leshno1993") < keys.index("hochreiter1997")  # the review's out-of-order pair
    assert "order of year" in (REPO_ROOT / "docs" / "references.md").read_text(encoding="utf-8")


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


# ------------------------------------------------------------------ a citation supports its sentence

#: Publications whose subject is narrower than they are often cited for: every statement
#: citing one must name that subject (one of the words, case-insensitive), and must not
#: carry a detail that belongs to another source.
SCOPE: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # rectified linear units improve restricted Boltzmann machines
    "nair2010": (("Boltzmann",), ()),
    # learning long-term dependencies with gradient descent is difficult: recurrent networks
    "bengio1994": (("recurrent", "through time", "across time"), ()),
    "hochreiter1991": (("recurrent", "through time", "across time"), ()),
    # Xu et al. divide by a ~ U(3, 8) and use (3 + 8)/2 at test time; 11/48 is PyTorch's
    "xu2015": ((), ("11/48",)),
    # Cybenko proves approximation for sigmoidal activations, Hornik for bounded non-constant ones
    "cybenko1989": (("sigmoid",), ()),
    "hornik1991": (("bounded",), ()),
    # the GPT-2 paper never names its activation; it says the model follows GPT
    "radford2019": (("follow",), ("GELU",)),
    # the 1997 LSTM has no forget gate and no tanh: the modern cell is cited to Greff et al.
    "hochreiter1997": ((), ("forget gate used", "tanh keeps")),
}


def citing_statements() -> list[tuple[str, str]]:
    """(where, statement) for every statement on the pages and in the catalog's and guide's prose."""
    from actdocs.produce import guide

    texts = [(page.name, page.read_text(encoding="utf-8")) for page in DOCS]
    for record in ACTIVATIONS:
        texts += [(f"catalog:{record.key}", t) for t in (record.summary, record.best_for, record.watch_out)]
    for entry in (*guide.HIDDEN_LAYERS, *guide.DECISION_TREE, *guide.OUTPUT_LAYERS):
        texts += [("guide", v) for v in vars(entry).values() if isinstance(v, str)]
    return [(where, s) for where, text in texts for s in _statements(text)] + ledger_statements()


def ledger_statements() -> list[tuple[str, str]]:
    """The textbook page's rows: each row's own "what is true" text, whole, citing the row's references
    (its "says" column paraphrases the textbook and may be wrong on purpose, so it is not read)."""
    rows = []
    for s in statements.STATEMENTS:
        cites = f" [@{'; @'.join(s.refs)}]" if s.refs else ""
        rows.append((f"textbook:{s.anchor}", s.truth + cites))
    return rows


def scope_problems(statements: list[tuple[str, str]]) -> list[str]:
    problems = []
    for where, statement in statements:
        for key in set(shortcodes.cited(statement)) & set(SCOPE):
            needed, foreign = SCOPE[key]
            if needed and not any(word.lower() in statement.lower() for word in needed):
                problems.append(f"{where}: [@{key}] without {needed}: {statement[:100]!r}")
            if any(word in statement for word in foreign):
                problems.append(f"{where}: [@{key}] beside {foreign}: {statement[:100]!r}")
    return problems


def test_narrow_sources_are_cited_only_for_what_they_say():
    assert scope_problems(citing_statements()) == []
    usages = {u.ref: u.name for r in ACTIVATIONS for u in r.used_in}
    assert "Boltzmann" in usages["nair2010"]


def test_scope_check_catches_the_old_sentences():
    old = [("relu.md", "Rectifiers were shown to train deep networks better than saturating units "
                       "around 2010 [@nair2010; @glorot2011]."),
           ("why.md", "Their small derivatives make deep stacks hard to train [@bengio1994; @glorot2010]."),
           ("catalog", "In eval mode the slope is fixed at their mean, 11/48 [@xu2015]."),
           ("guide", "What BERT, GPT-2 and the Vision Transformer put in their feed-forward blocks "
                     "[@devlin2019; @radford2019; @dosovitskiy2021]"),
           ("why.md", "One hidden layer can approximate any continuous function on a bounded region "
                      "[@cybenko1989; @hornik1991].")]
    assert len(scope_problems(old)) == 5  # three old ones, radford2019, cybenko1989 ("bounded" satisfies hornik1991)


def _cites(statement: str) -> set[str]:
    return set(shortcodes.cited(statement))


def test_silu_is_credited_to_the_gelu_paper_wherever_elfwing_is_cited_for_it():
    """SiLU and its name first appear in Hendrycks and Gimpel; Elfwing et al. used it later."""
    for where, statement in citing_statements():
        if "elfwing2018" in _cites(statement) and "SiLU" in statement:
            assert "hendrycks2016" in _cites(statement), (where, statement[:100])
    usages = {u.ref: u.name for u in catalog.get("silu").used_in}
    assert "hendrycks2016" in usages and "SiLU" in usages["hendrycks2016"]


def test_a_tanh_lstm_cell_cites_the_modern_form():
    """Tanh candidate and cell values belong to the LSTM as used today (Greff et al.),
    not to the 1997 paper alone, whose squashers were scaled logistic functions."""
    for where, statement in citing_statements():
        cited = _cites(statement)
        if "tanh" in statement.lower() and cited & {"hochreiter1997", "cho2014"} and "LSTM" in statement:
            assert "greff2017" in cited, (where, statement[:100])
    assert all("hochreiter1997" not in u.ref for u in catalog.get("tanh").used_in)


def test_the_approximation_theorem_is_stated_on_compact_sets_and_covers_relu():
    """An open bounded region is not enough (1/x on (0, 1)); the sigmoidal and bounded-activation
    proofs do not cover ReLU, Leshno et al.'s non-polynomial result does."""
    theorem = {"cybenko1989", "hornik1991", "leshno1993"}
    for where, statement in citing_statements():
        assert "bounded region" not in statement, (where, statement[:100])
        if where.startswith("textbook:") and _cites(statement) & theorem:
            assert "compact" in statement and "ReLU" in statement, (where, statement[:100])
    text = " ".join((REPO_ROOT / "docs" / "why-nonlinearity.md").read_text(encoding="utf-8").split())
    start = text.index("universal approximation theorem")
    paragraph = text[start:text.index("XOR is the smallest", start)]
    assert "compact" in paragraph and "bounded region" not in paragraph
    assert {"cybenko1989", "hornik1991", "leshno1993"} <= _cites(paragraph)
    assert "ReLU" in paragraph and "polynomial" in paragraph


def test_rrelu_states_each_convention_with_its_source():
    from fractions import Fraction

    summary = catalog.get("rrelu").summary
    lower, upper = catalog.RRELU_LOWER, catalog.RRELU_UPPER
    assert Fraction(lower).limit_denominator() == Fraction(1, 8) and Fraction(upper).limit_denominator() == Fraction(1, 3)
    assert Fraction((lower + upper) / 2).limit_denominator(100) == Fraction(11, 48)   # PyTorch's eval slope
    assert 1 / Fraction(3 + 8, 2) == Fraction(2, 11)                                  # Xu et al.'s test slope
    pytorch, xu = (s for s in _statements(summary) if "[@" in s)
    assert "11/48" in pytorch and "[@pytorch2026]" in pytorch
    assert "2/11" in xu and "[@xu2015]" in xu and "[3, 8]" in xu


# ------------------------------------------------------------------ the story of depth, told whole


def test_the_depth_section_names_all_four_parts_with_their_sources():
    text = (REPO_ROOT / "docs" / "relu.md").read_text(encoding="utf-8")
    section = text[text.index("## What made deep networks trainable"):]
    section = section[:section.find("\n## ", 5)] if "\n## " in section[5:] else section
    cited = set(shortcodes.cited(section))
    parts = {"activation": {"nair2010", "glorot2011"}, "initialisation": {"glorot2010", "he2015"},
             "normalisation": {"ioffe2015"}, "residual": {"he2016"}}
    for part, keys in parts.items():
        assert part in section.lower(), part
        assert keys <= cited, (part, keys - cited)
    assert "yang2019" in cited  # what normalisation alone leaves: explosion at initialisation
    assert section.count("*Alone*") >= 3
    for page in ("index.md", "summary.md", "why-nonlinearity.md"):
        page_text = (REPO_ROOT / "docs" / page).read_text(encoding="utf-8")
        assert "residual" in page_text.lower(), page
