"""The curation file (``_kg/curation.yml``) and related-events weights (``_kg/related.yml``,
``--weights``) an editor got wrong: one error at its line, never a traceback, never a
setting ignored or misread in silence, never a NaN score in the site's data."""
from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

import kg
from kg.cli import cli
from kg.entities import load_curation
from kg.errors import KgError, MappingError
from kg.query import run_query
from kg.related import load_weights

EVENT = "---\ntitle: E1\ndate: 2024-01-01\n---\nSpeakers:\n\n* **Ben Baker**, Director, {org}\n"


def weights_error(tmp_path: Path, text: str | bytes) -> MappingError:
    path = tmp_path / "related.yml"
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    with pytest.raises(MappingError) as info:
        load_weights(path)
    assert info.value.path == str(path) and "\n" not in str(info.value) and info.value.hint
    return info.value


def curation_error(tmp_path: Path, text: str | bytes) -> MappingError:
    (tmp_path / "_kg").mkdir(exist_ok=True)
    path = tmp_path / "_kg" / "curation.yml"
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    with pytest.raises(MappingError) as info:
        load_curation(tmp_path)
    assert info.value.path == str(path) and "\n" not in str(info.value)
    return info.value


# -- weights ---------------------------------------------------------------------------------

@pytest.mark.parametrize("text, line, message", [
    ("signals:\n  series: {weight: .nan}\n", 2, "signal 'series': weight must be a finite number ≥ 0, not .nan"),
    ("signals:\n  series: .inf\n", 2, "signal 'series': weight must be a finite number ≥ 0, not .inf"),
    ("signals:\n  speaker:\n    weight: 2\n    damping: -.inf\n", 4, "damping must be a finite number ≥ 0"),
    ("signals:\n  text: {min_similarity: 1.5}\n", 2, "min_similarity must be a number ≥ 0 and ≤ 1, not 1.5"),
    ("signals:\n  text: {min_similarity: -0.1}\n", 2, "min_similarity must be a number ≥ 0 and ≤ 1"),
    ("signals:\n  time: {half_life_days: 0}\n", 2, "half_life_days must be a number > 0, not 0"),
    ("signals:\n  time: {reason_within_days: .nan}\n", 2, "reason_within_days must be a finite number ≥ 0"),
    ("signals:\n  text: {terms: 2.5}\n", 2, "terms must be a whole number ≥ 1, not 2.5"),
    ("signals:\n  text: {terms: 0}\n", 2, "terms must be a whole number ≥ 1, not 0"),
    ("signals:\n  text: {shared_terms: 0}\n", 2, "shared_terms must be a whole number ≥ 1, not 0"),
    ("signals:\n  series: {weight: '3'}\n", 2, "weight must be a number ≥ 0, not '3'"),
    ("signals:\n  series: {weight: 1" + "0" * 400 + "}\n", 2, "weight must be a number ≥ 0"),
    # values said as YAML writes them, as the user wrote them (not Python's True, None)
    ("signals:\n  text: {stop_words: true}\n", 2, "or a list of words, not true"),
    ("signals:\n  text: {stop_words: [le, 3]}\n", 2, "or a list of words, not [le, 3]"),
    ("top:\n", 1, "`top` must be a whole number ≥ 1, not null"),
    ("signals:\n  series: {weight: [1, 2]}\n", 2, "weight must be a number ≥ 0, not [1, 2]"),
    # damping is read for shared values only: on a link it would change nothing
    ("signals:\n  link: {damping: 0.5}\n", 2, "signal 'link' has unknown setting 'damping'"),
    ("signals:\n  speakers: 2\n", 2, "unknown signal 'speakers' (did you mean `speaker`?)"),
    ("top: 3\nmax_postings: 50\ntpo: 3\n", 3, "unknown setting 'tpo' (did you mean `top`?)"),
    ("top: 3\ntop: 4\n", 2, "`top` is written twice (lines 1 and 2)"),
    ("signals:\n  series: {weight: 1\n", 3, "weights file is not valid YAML"),
    (b"top: 3\n# caf\xe9\n", 2, "weights file is not UTF-8 text (byte 0xe9)"),
])
def test_bad_weights_are_one_error_at_their_line(tmp_path: Path, text: str | bytes, line: int, message: str) -> None:
    err = weights_error(tmp_path, text)
    assert message in str(err)
    assert err.line == line, str(err)


def test_weights_given_as_data_are_checked_alike() -> None:
    with pytest.raises(KgError, match="finite number ≥ 0, not .nan"):
        load_weights({"signals": {"series": math.nan}})
    with pytest.raises(KgError, match="min_similarity must be a number ≥ 0 and ≤ 1"):
        load_weights({"signals": {"text": {"min_similarity": 2}}})
    w = load_weights({"signals": {"text": {"terms": 20.0, "min_similarity": 1}, "time": {"half_life_days": 0.5}}})
    assert w["signals"]["text"]["terms"] == 20 and isinstance(w["signals"]["text"]["terms"], int)


def test_a_nan_weight_in_the_site_stops_the_build_with_one_line(make_site, tmp_path: Path) -> None:
    """``.nan`` used to give ``"score": NaN`` in _data/related_events.json (which Jekyll's
    JSON parser rejects) and ``"nan"^^xsd:decimal`` in the graph."""
    site = make_site({"_events/2024-01-01-e1.md": EVENT.format(org="Alder Trust"),
                      "_kg/related.yml": "signals:\n  series: {weight: .nan}\n"})
    result = CliRunner().invoke(cli, ["build", str(site), "--out", str(tmp_path / "g")])
    assert result.exit_code == 2, result.output
    assert re.fullmatch(r"Error: \S*_kg/related\.yml:2: signal 'series': weight must be a finite number ≥ 0, "
                        r"not \.nan\. Hint: .*\n", result.stderr), result.stderr
    assert "Traceback" not in result.output


# -- curation --------------------------------------------------------------------------------

@pytest.mark.parametrize("text, line, message", [
    ("organisations:\n  - name: Alder Trust\n    homepage: not a url\n", 3,
     "`homepage:` of 'Alder Trust' is not a web address: 'not a url'"),
    ("organisations:\n  - name: Alder Trust\n    homepage: [https://alder.example/]\n", 3,
     "`homepage:` of 'Alder Trust' must be one address, not a list"),
    ("organisations:\n  - name: Alder Trust\n    homepage: https://www.youtube.com/@alder\n", 3,
     "is on a site many organisations share (youtube.com)"),
    ("organisations:\n  - name: A\n    homepage: https://a.example/\n  - name: B\n    homepage: https://www.a.example/x\n",
     5, "homepage 'https://www.a.example/x' is given to two organisations: 'A' (line 2) and 'B' (line 4)"),
    ("not_people: [A]\npeople: []\nnot_people: [B]\n", 3, "`not_people` is written twice (lines 1 and 3)"),
    ("people:\n  - name: Jane Doe\n    alias: [J. Doe]\n", 3, "unknown key `alias` (did you mean `aliases`?)"),
    ("people:\n  - name: Jane Doe\n    sameAs: [https://www.linkedin.com/in/jd]\n", 3,
     "unknown key `sameAs` (did you mean `same_as`?)"),
    ("organisations:\n  - name: Dept\n    homepag: https://dept.example/\n", 3, "unknown key `homepag`"),
    ("peoples: []\n", 1, "unknown section `peoples` (did you mean `people`?)"),
    ("people:\n  - name: Jane Doe\n    aliases: [J. Doe]\n  - name: John Doe\n    aliases:\n      - Johnny\n      - J. Doe\n",
     7, "alias 'J. Doe' is given to two people: 'Jane Doe' (line 2) and 'John Doe' (line 4)"),
    ("people:\n  - name: Jane Doe\n  - name: J. Doe\n    aliases: [Jane Doe]\n", 4,
     "alias 'Jane Doe' is given to two people: 'Jane Doe' (line 2) and 'J. Doe' (line 3)"),
    ("organisations:\n  - name: Dept A\n    aliases: [DA]\n  - name: Dept B\n    aliases: [DA]\n", 5,
     "alias 'DA' is given to two organisations"),
    ("people:\n  - name: A\n    same_as: https://linkedin.com/in/x\n  - name: B\n    same_as: [https://www.linkedin.com/in/x/]\n",
     5, "is given to two people: 'A' (line 2) and 'B' (line 4)"),
    ("people:\n  - name: A\n    same_as: nope\n", 3, "`same_as:` 'nope' of 'A' is not a link to a profile"),
    ("people:\n  - name: [a]\n", 2, "`name:` under `people:` must be one name, not a list"),
    ("people:\n  name: Jane\n", 1, "`people:` must be a list of entries"),
    ("people:\n  - Jane Doe\n", 2, "every entry under `people:` needs a `name:`"),
    ("people:\n  - name: Jane Doe\nnot_people:\n  - Foo\n  - jane doe\n", 5,
     "'jane doe' is under `not_people:` and is 'Jane Doe' under `people:` (line 2)"),
    ("people:\n  - name: A\n   aliases: [x]\n", 3, "curation file is not valid YAML"),
    (b"people:\n  - name: Jos\xe9\n", 2, "curation file is not UTF-8 text (byte 0xe9)"),
])
def test_a_bad_curation_file_is_one_error_at_its_line(tmp_path: Path, text: str | bytes, line: int,
                                                      message: str) -> None:
    err = curation_error(tmp_path, text)
    assert message in str(err)
    assert err.line == line, str(err)


def test_curated_names_are_the_text_written(tmp_path: Path) -> None:
    """``No``, ``On`` or ``010`` are names (YAML 1.1 would read False, True and 8)."""
    (tmp_path / "_kg").mkdir()
    (tmp_path / "_kg" / "curation.yml").write_text(
        "people:\n  - name: No\n    aliases: [010, On]\nnot_organisations: [Yes]\n")
    cur = load_curation(tmp_path)
    assert cur.person_alias == {"no": "No", "010": "No", "on": "No"}
    assert cur.not_organisations == {"yes"}


def test_a_bad_curation_file_stops_the_build_with_one_line(make_site, tmp_path: Path) -> None:
    site = make_site({"_events/2024-01-01-e1.md": EVENT.format(org="Alder Trust"),
                      "_kg/curation.yml": "organisations:\n  - name: Alder Trust\n    homepage: not a url\n"})
    result = CliRunner().invoke(cli, ["build", str(site), "--out", str(tmp_path / "g")])
    assert result.exit_code == 2, result.output
    assert re.fullmatch(r"Error: \S*_kg/curation\.yml:3: `homepage:` of 'Alder Trust' is not a web address: "
                        r"'not a url'\. Hint: .*\n", result.stderr), result.stderr


FUNDER_SITE = {
    "_events/2024-01-01-e1.md": EVENT.format(org="Alder Trust"),
    "_funders/alder.md": "---\ntitle: Alder Trust\n---\nA funder.\n",  # no `link:`: no homepage
}


def test_a_funder_without_a_homepage_keeps_its_people(make_site) -> None:
    """An organisation with a page and no homepage (a funder without `link:`, or one whose
    curated homepage keyed nothing) is its page: affiliations used to point at a node
    with no type or label, and it was missing from the organisations query."""
    graph = kg.build_site(make_site(FUNDER_SITE))
    funder = "https://site.example.org/id/funder/funders/alder"
    assert {(r["name"], r["organisation"]) for r in run_query("organisations", graph).records()} == {
        ("Alder Trust", funder)}
    assert {(r["name"], r["organisation"]) for r in run_query("speakers", graph).records()} == {
        ("Ben Baker", "Alder Trust")}


def test_not_people_naming_a_person_with_a_page_is_a_warning(make_site) -> None:
    """The curation wins (the name in event texts is no speaker), but the build says that
    the site has a page for that person."""
    graph = kg.build_site(make_site({
        "_events/2024-01-01-e1.md": "---\ntitle: E1\ndate: 2024-01-01\n---\nSpeakers:\n\n"
                                    "* **Priya Raman**, Director, Alder Trust\n* **Ben Baker**, Analyst, Alder Trust\n",
        "_people/priya-raman.md": "---\ntitle: Priya Raman\n---\n",
        "_kg/curation.yml": "not_people:\n  - Suffrage\n  - Priya Raman\n"}))
    found = [d for d in graph.report["diagnostics"] if d["code"] == "not-person-has-page"]
    assert found == [{
        "code": "not-person-has-page", "severity": "warning",
        "message": "`not_people:` lists 'Priya Raman', who has a person page "
                   "(https://site.example.org/people/priya-raman): that name in event texts is not read as a speaker",
        "path": "_kg/curation.yml", "line": 3, "key": "not_people", "value": "Priya Raman",
        "hint": "remove 'Priya Raman' from `not_people:`"}]
    assert {r["name"] for r in run_query("speakers", graph).records()} == {"Ben Baker"}


def test_good_weights_and_curation_still_build(make_site, tmp_path: Path) -> None:
    site = make_site({"_events/2024-01-01-e1.md": EVENT.format(org="Alder Trust"),
                      "_events/2024-02-01-e2.md": EVENT.format(org="Alder Trust").replace("E1", "E2"),
                      "_kg/related.yml": "top: 3\nsignals:\n  speaker: 4\n  text: {min_similarity: 0.2, terms: 30}\n",
                      "_kg/curation.yml": "organisations:\n  - name: Alder Trust\n    homepage: https://alder.example/\n"})
    result = CliRunner().invoke(cli, ["build", str(site), "--out", str(tmp_path / "g")])
    assert result.exit_code == 0, result.output
    result = CliRunner().invoke(cli, ["related", "--graph", str(tmp_path / "g"), "--format", "json"])
    assert result.exit_code == 0, result.output
    scores = [s["score"] for v in json.loads(result.stdout).values() for s in v]
    assert scores and all(math.isfinite(x) for x in scores)
