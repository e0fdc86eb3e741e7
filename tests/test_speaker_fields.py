"""Speakers' fields under the site's own keys: `speakers: {organisation: company}` for the
keys of a speaker list's items, and `affiliation: {speakers: organisation}` for a key
beside the one that names the speaker (`presenter: Ann Able`, `affiliation: Acme`)."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

import kg
from kg.errors import MappingError
from kg.mapping import default_mapping_path, load_mapping


def mapping_with(tmp_path: Path, **keys: object) -> Path:
    """kg's own mapping with ``keys`` added to (or replacing) the event kind's."""
    spec = yaml.safe_load(default_mapping_path().read_text(encoding="utf-8"))
    spec["kinds"]["event"]["keys"].update(keys)
    path = tmp_path / "mapping.yml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def on_stage(graph: kg.KnowledgeGraph) -> set[tuple[str, str, str | None, str | None]]:
    return {(r["source"], r["name"], r["organisation"], r["title"]) for r in kg.run_query("speakers", graph).records()}


def said(graph: kg.KnowledgeGraph, code: str) -> list[dict]:
    return [d for d in graph.report["diagnostics"] if d["code"] == code]


def event(name: str, front: str) -> dict[str, str]:
    return {f"_events/{name}.md": f"---\ntitle: {name}\ndate: {name[:10]}\n{front}---\nA talk.\n"}


def test_a_key_beside_the_speakers_gives_their_organisation(make_site, tmp_path: Path) -> None:
    """A conference site's talks: `presenter:` and `affiliation:`. The affiliation was
    a value of its own, never the presenter's organisation."""
    root = make_site({**event("2024-01-01-a", "presenter: Daniel Brosch\naffiliation: University of Klagenfurt\n"),
                      **event("2024-01-02-b", "presenter: [Ann Able, Bob Bell]\naffiliation: [Acme, Bell Labs]\n"
                                              "position: [Director, Engineer]\n"),
                      **event("2024-01-03-c", "presenter: [Cy Cole, Di Dee]\naffiliation: Open Trust\n")})
    mapping = mapping_with(tmp_path, presenter={"speakers": True}, affiliation={"speakers": "organisation"},
                           position={"speakers": "title"})
    graph = kg.build_site(root, mapping=mapping)
    assert on_stage(graph) == {
        ("_events/2024-01-01-a.md", "Daniel Brosch", "University of Klagenfurt", None),
        ("_events/2024-01-02-b.md", "Ann Able", "Acme", "Director"),
        ("_events/2024-01-02-b.md", "Bob Bell", "Bell Labs", "Engineer"),
        ("_events/2024-01-03-c.md", "Cy Cole", "Open Trust", None),     # one for all
        ("_events/2024-01-03-c.md", "Di Dee", "Open Trust", None)}
    assert not said(graph, "bad-speaker") and not said(graph, "unknown-key")


def test_a_speakers_field_that_fits_no_speaker_is_said_at_its_line(make_site, tmp_path: Path) -> None:
    root = make_site({**event("2024-01-01-a", "affiliation: Acme\n"),
                      **event("2024-01-02-b", "presenter: [Ann Able, Bob Bell]\naffiliation: [Acme, Bell Labs, Extra]\n")})
    mapping = mapping_with(tmp_path, presenter={"speakers": True}, affiliation={"speakers": "organisation"})
    graph = kg.build_site(root, mapping=mapping)
    found = {(d["path"], d["line"], d["severity"]) for d in said(graph, "bad-speaker")}
    assert found == {("_events/2024-01-01-a.md", 4, "warning"), ("_events/2024-01-02-b.md", 5, "warning")}
    none, three = sorted(said(graph, "bad-speaker"), key=lambda d: d["path"])
    assert "but neither `speakers:` nor `presenter:` names one" in none["message"]
    assert "3 values for 2 speakers" in three["message"]
    # what fits no speaker is kept all the same, as a value of the file's own
    kept = graph.query('SELECT ?v WHERE { GRAPH ?g { ?entry <https://w3id.org/kg/ns#key> "affiliation" ; '
                       '<http://www.w3.org/1999/02/22-rdf-syntax-ns#value> ?v } }')
    assert sorted(str(row[0].value) for row in kept) == ["Acme", "Acme", "Bell Labs", "Extra"]


def test_of_a_field_written_twice_the_last_is_the_speakers_and_the_first_kept(make_site, tmp_path: Path) -> None:
    """Jekyll reads the last `affiliation:`; kg gave the first and lost the last."""
    root = make_site({**event("2024-01-01-a", "presenter: Ann Able\naffiliation: Org One\naffiliation: Org Two\n"),
                      **event("2024-01-02-b", "presenter: [Ann Able, Bob Bell]\nlink: https://ann.example/\n")})
    mapping = mapping_with(tmp_path, presenter={"speakers": True}, affiliation={"speakers": "organisation"},
                           link={"speakers": "url"})
    graph = kg.build_site(root, mapping=mapping)
    assert ("_events/2024-01-01-a.md", "Ann Able", "Org Two", None) in on_stage(graph)
    kept = graph.query('SELECT ?v WHERE { ?entry <https://w3id.org/kg/ns#key> "affiliation" ; '
                       '<http://www.w3.org/1999/02/22-rdf-syntax-ns#value> ?v }')
    assert [str(row[0].value) for row in kept] == ["Org One"]
    # one person's own page is no one page for two speakers (it would make them one person)
    [one_url] = said(graph, "bad-speaker")
    assert (one_url["path"], one_url["line"]) == ("_events/2024-01-02-b.md", 5) and "one person" in one_url["message"]


def test_a_speaker_lists_own_keys_are_read_as_mapped(make_site, tmp_path: Path) -> None:
    """`company:` and `position:` on each speaker were unknown keys, left out with a warning."""
    root = make_site(event("2024-01-01-a", "speakers:\n  - name: Ann Able\n    company: Acme\n    position: CEO\n"
                                           "    avatar: ann.png\n    title: Boss\n"))
    mapping = mapping_with(tmp_path, speakers={"speakers": {"organisation": "company", "title": "position"}})
    graph = kg.build_site(root, mapping=mapping)
    assert on_stage(graph) == {("_events/2024-01-01-a.md", "Ann Able", "Acme", "CEO")}   # the site's own key wins
    [unknown] = said(graph, "unknown-speaker-key")
    assert unknown["value"] == "avatar, title (beside `position`)"
    assert unknown["hint"].endswith("organisation_url, company, position")


@pytest.mark.parametrize("keys, message", [
    ({"affiliation": {"speakers": "organization_name"}},
     r"`speakers` must be `true` or `false`.*not the text 'organization_name'"),
    ({"speakers": {"speakers": {"company": "organisation"}}},
     r"unknown speaker field `company`.*the fields are role, title, organisation"),
    ({"speakers": {"speakers": {"organisation": 3}}},
     r"`speakers: organisation` must be the key of each speaker's entry that holds it"),
    ({"speakers": {"speakers": {"organisation": "company", "title": "company"}}},
     r"`company` is given as the key of both `organisation` and `title`"),
    ({"presenter": {"speakers": True}, "affiliation": {"speakers": "organisation", "split": ","}},
     r"`split` is not read with `speakers: organisation`"),
    ({"speakers": {"property": "kg:x"}, "affiliation": {"speakers": "organisation"}},
     r"key `affiliation`: `speakers: organisation` gives a field of the speakers another key names, and no key"),
])
def test_a_bad_speaker_field_mapping_is_an_error_at_its_line(tmp_path: Path, keys: dict, message: str) -> None:
    with pytest.raises(MappingError, match=message) as caught:
        load_mapping(mapping_with(tmp_path, **keys))
    assert caught.value.line is not None


def test_a_role_that_is_none_of_kgs_is_said_at_its_line_with_the_one_it_may_mean(make_site, tmp_path: Path) -> None:
    """`role: moderator` built without a word; only `kg validate` said so, at another line."""
    root = make_site({**event("2024-01-01-a", "speakers:\n  - name: Ann Able\n    role: moderator\n"
                                              "  - name: Bob Bell\n    role: panellist\n"),
                      **event("2024-01-02-b", "presenter: Cy Cole\nas: keynote\n")})
    mapping = mapping_with(tmp_path, presenter={"speakers": True}, **{"as": {"speakers": "role"}})
    graph = kg.build_site(root, mapping=mapping)
    found = sorted((d["path"], d["line"], d["value"], d["hint"]) for d in said(graph, "bad-speaker"))
    assert found == [("_events/2024-01-01-a.md", 5, "moderator", "write `role: chair`"),
                     ("_events/2024-01-02-b.md", 5, "keynote", "write `role: speaker`")]
    roles = {r["name"]: r["role"] for r in kg.run_query("speakers", graph).records()}
    assert roles == {"Ann Able": "moderator", "Bob Bell": "panellist", "Cy Cole": "keynote"}   # kept as written
