"""kg.query: named queries, their headers, parameter binding and output formats."""
import csv
import io
import json

import pytest
import pyoxigraph as ox

import kg
from kg.errors import QueryError
from kg.query import bind, format_result, load, names, parse_query, run_query

EXPECTED = {"speakers", "series", "events-by-project", "events-by-topic", "people", "organisations",
            "co-speakers", "person-timeline", "organisation-timeline", "unresolved", "related", "events"}


def test_catalogue_has_the_promised_queries() -> None:
    assert EXPECTED <= set(names())


@pytest.mark.parametrize("name", names())
def test_every_query_is_documented_and_its_params_have_slots(name: str) -> None:
    q = load(name)
    assert q.description, f"{name}.rq has no `# description:`"
    declared = {p.name for p in q.params}
    assert declared == set(q.slots()), f"{name}.rq: declared params {declared} vs VALUES slots {q.slots()}"
    for p in q.params:
        assert p.description, f"{name}.rq: param {p.name} has no description"


REQUIRED = {"person-timeline": {"person_name": "Ada Example"}, "co-speakers": {"person_name": "Ada Example"},
            "organisation-timeline": {"organisation_name": "Example Org"},
            "related": {"event": "/events/2024-02-14-tiny-meetup"}}


@pytest.mark.parametrize("name", names())
def test_every_query_runs_on_the_fixture(name: str, tiny_graph: kg.KnowledgeGraph) -> None:
    result = run_query(name, tiny_graph, **REQUIRED.get(name, {}))
    assert result.columns
    for fmt in ("table", "csv", "tsv", "json"):
        assert format_result(result, fmt)


def test_param_value_is_bound_as_a_literal_not_pasted() -> None:
    q = parse_query("# description: t\n# param who (text): a name\nSELECT ?x WHERE { VALUES ?who { UNDEF } ?x ?p ?who }",
                    "t")
    text = bind(q, {"who": 'x" } ; DROP ALL ; #'})
    assert 'VALUES ?who { "x\\" } ; DROP ALL ; #" }' in text


def test_iri_param_accepts_site_path_and_rejects_junk(tiny_graph: kg.KnowledgeGraph) -> None:
    rows = run_query("speakers", tiny_graph, event="/events/2024-03-05-ada-talk").records()
    assert [r["name"] for r in rows] == ["Ada Example"]
    with pytest.raises(QueryError, match="must be an IRI"):
        run_query("speakers", tiny_graph, event="not an iri")


def test_unknown_and_missing_params_are_errors(tiny_graph: kg.KnowledgeGraph) -> None:
    with pytest.raises(QueryError, match="has no parameter 'nope'"):
        run_query("speakers", tiny_graph, nope="1")
    with pytest.raises(QueryError, match="needs parameter 'person_name'"):
        run_query("person-timeline", tiny_graph)


def test_unknown_query_lists_known_ones() -> None:
    with pytest.raises(QueryError) as info:
        load("no-such-query")
    assert "speakers" in str(info.value)


def test_json_is_sparql_results_format(tiny_graph: kg.KnowledgeGraph) -> None:
    doc = json.loads(format_result(run_query("speakers", tiny_graph), "json"))
    assert doc["head"]["vars"][:6] == ["event", "source", "date", "name", "organisation", "role"]
    b = doc["results"]["bindings"][0]
    assert b["event"] == {"type": "uri", "value": "https://tiny.example.org/events/2024-03-05-ada-talk"}
    assert b["date"]["datatype"] == "http://www.w3.org/2001/XMLSchema#date"


def test_csv_has_header_and_rows(tiny_graph: kg.KnowledgeGraph) -> None:
    rows = list(csv.reader(io.StringIO(format_result(run_query("series", tiny_graph), "csv"))))
    assert rows[0][:3] == ["series", "name", "position"] and len(rows) == 3


def test_query_file_by_path(tmp_path, tiny_graph: kg.KnowledgeGraph) -> None:
    path = tmp_path / "count.rq"
    path.write_text("# description: count events\nSELECT (COUNT(*) AS ?n) WHERE { ?e a <https://schema.org/Event> }\n")
    assert run_query(str(path), tiny_graph).records() == [{"n": 4}]


def test_sparql_error_is_a_query_error(tmp_path, tiny_graph: kg.KnowledgeGraph) -> None:
    path = tmp_path / "bad.rq"
    path.write_text("# description: broken\nSELECT WHERE {\n")
    with pytest.raises(QueryError, match="failed"):
        run_query(str(path), tiny_graph)


def test_organisation_events_by_any_of_its_names(tiny_graph: kg.KnowledgeGraph) -> None:
    rows = run_query("organisation-timeline", tiny_graph, organisation_name="example org").records()
    assert [(r["name"], r["title"], r["role"]) for r in rows] == [("Ada Example", "A talk on privacy", "speaker")]


def test_a_query_file_cannot_reach_other_hosts_or_files(tmp_path, tiny_graph: kg.KnowledgeGraph) -> None:
    """pyoxigraph, like rdflib, would follow SERVICE to any host: kg refuses it before running."""
    service = tmp_path / "service.rq"
    service.write_text("# description: x\nSELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }\n")
    with pytest.raises(QueryError, match="SERVICE"):
        run_query(str(service), tiny_graph)
    load_ = tmp_path / "from.rq"
    load_.write_text("# description: x\nSELECT ?o WHERE { GRAPH <file:///etc/passwd> { ?s ?p ?o } }\n")
    assert run_query(str(load_), tiny_graph).rows == []  # FROM/GRAPH name graphs of the store, never files


def test_co_speakers_of_one_person_by_name_in_any_case(make_site) -> None:
    body = "Speakers:\n\n* **Ann Able**, Director, [A](https://a.example/)\n* **{}**, Director, [B](https://b.example/)\n"
    root = make_site({f"_events/2024-01-0{i}-e{i}.md": f"---\ntitle: E{i}\ndate: 2024-01-0{i}\n---\n" + body.format(other)
                      for i, other in ((1, "Ben Baker"), (2, "Ben Baker"), (3, "Cat Cole"))})
    graph = kg.build_site(root)
    rows = run_query("co-speakers", graph, person_name="ann ABLE").records()
    assert [(r["name"], r["other_name"], r["shared"]) for r in rows] == [("Ann Able", "Ben Baker", 2),
                                                                         ("Ann Able", "Cat Cole", 1)]
    everyone = run_query("co-speaker-pairs", graph).records()
    assert len(everyone) == 2
    assert [r["title"] for r in run_query("person-timeline", graph, person_name="BEN baker").records()] == ["E1", "E2"]


NETWORK_SITE = {
    "_projects/programme.md": "---\ntitle: Programme\n---\nA programme.\n",
    "_projects/garden.md": "---\ntitle: Garden\nproject: Programme\n---\nA project of the programme.\n",
    "_projects/other.md": "---\ntitle: Other\n---\nA project of its own.\n",
    "_topics/tides.md": "---\ntitle: Tides\n---\nThe sea.\n",
    "_topics/bees.md": "---\ntitle: Bees\n---\nHives.\n",
    "_events/2023-05-01-a.md": ("---\ntitle: A\ndate: 2023-05-01\nproject: Programme\ntopics: [Tides]\nspeakers:\n"
                                "  - {name: Ann Able, organisation: Quay Trust}\n"
                                "  - {name: Ben Baker, organisation: Harbour Board}\n---\n"),
    "_events/2024-02-01-b.md": ("---\ntitle: B\ndate: 2024-02-01\nproject: Garden\ntopics: [Tides, Bees]\nspeakers:\n"
                                "  - {name: Ann Able, organisation: Quay Trust}\n"
                                "  - {name: Cat Cole, organisation: Harbour Board}\n---\n"),
    "_events/2024-12-31-c.md": ("---\ntitle: C\ndate: 2024-12-31\nproject: Other\ntopics: [Tides]\nspeakers:\n"
                                "  - {name: Cat Cole, organisation: Harbour Board}\n"
                                "  - {name: Dan Dale, organisation: Fish Guild}\n---\n"),
    "_events/undated.md": "---\ntitle: D\ntopics: [Bees]\n---\n",
}


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_network_questions_topics_by_year_project_people_organisation_pairs(make_site, tmp_path, engine: str) -> None:
    """A sub-project's events count for its parent; an event counts once in the year it
    starts (none for an undated one); organisations meet through their people."""
    kg.build_site(make_site(NETWORK_SITE), tmp_path / "g")
    graph = kg.open_graph(tmp_path / "g", engine=engine)
    years = [(r["topic_title"], r["year"], r["events"]) for r in run_query("topics-by-year", graph).records()]
    assert years == [("Bees", None, 1), ("Bees", 2024, 1), ("Tides", 2023, 1), ("Tides", 2024, 2)]  # (unbound first)
    assert [r["events"] for r in run_query("topics-by-year", graph, topic_query="TID").records()] == [1, 2]
    in_programme = run_query("topics-by-year", graph, project_query="programme").records()   # (and its sub-project)
    assert [(r["topic_title"], r["year"], r["events"]) for r in in_programme] == [
        ("Bees", 2024, 1), ("Tides", 2023, 1), ("Tides", 2024, 1)]
    people = [(r["project_title"], r["name"], r["events"], str(r["first"]), str(r["last"]))
              for r in run_query("project-people", graph).records()]
    assert people == [("Garden", "Ann Able", 1, "2024-02-01", "2024-02-01"),
                      ("Garden", "Cat Cole", 1, "2024-02-01", "2024-02-01"),
                      ("Other", "Cat Cole", 1, "2024-12-31", "2024-12-31"),
                      ("Other", "Dan Dale", 1, "2024-12-31", "2024-12-31"),
                      ("Programme", "Ann Able", 2, "2023-05-01", "2024-02-01"),
                      ("Programme", "Ben Baker", 1, "2023-05-01", "2023-05-01"),
                      ("Programme", "Cat Cole", 1, "2024-02-01", "2024-02-01")]
    assert {r["name"] for r in run_query("project-people", graph, project_query="garden").records()} == {
        "Ann Able", "Cat Cole"}
    pairs = {frozenset((r["name"], r["other_name"])): r["shared"] for r in run_query("organisation-pairs", graph).records()}
    on_stage = {r["title"]: r["speakers"] for r in run_query("events", graph).records()}
    assert on_stage == {"A": 2, "B": 2, "C": 2, "D": 0}   # D: no one found on stage, a page to check
    assert pairs == {frozenset(("Quay Trust", "Harbour Board")): 2, frozenset(("Harbour Board", "Fish Guild")): 1}


def test_an_event_of_two_categories_is_one_row(make_site) -> None:
    graph = kg.build_site(make_site({"_events/2024-01-01-a.md": "---\ntitle: A\ndate: 2024-01-01\ncategory: [talk, panel]\n---\n",
                                     "_events/2024-01-02-b.md": "---\ntitle: B\ndate: 2024-01-02\n---\n"}))
    rows = {r["title"]: r["category"] for r in run_query("events", graph).records()}
    assert set(rows) == {"A", "B"} and sorted(rows["A"].split("; ")) == ["panel", "talk"] and rows["B"] == ""


def test_a_page_whose_title_is_written_twice_has_one_name(make_site) -> None:
    """Both titles were schema:name: every query of names gave two rows for one person."""
    graph = kg.build_site(make_site({
        "_people/ann.md": "---\ntitle: Ann Able\ntitle: Ann B. Able\n---\n",
        "_events/2024-01-01-a.md": "---\ntitle: A\ndate: 2024-01-01\nspeakers:\n  - name: Ann B. Able\n"
                                   "  - name: Bob Bell\n---\n"}))
    assert sorted(r["name"] for r in run_query("speakers", graph).records()) == ["Ann B. Able", "Bob Bell"]
    assert sorted(r["name"] for r in run_query("people", graph).records()) == ["Ann B. Able", "Bob Bell"]
    assert len(run_query("person-timeline", graph, person_name="ann b. able").records()) == 1


def test_tsv_is_one_line_a_row_and_csv_reads_back() -> None:
    """TSV for line-based tools (cut, awk): a value's tabs, line breaks and backslashes
    are escaped, never quoted across lines; CSV is what a spreadsheet reads back; a
    blank node keeps its ``_:`` so it is not taken for a string."""
    from kg.query import Result

    value = 'a\tb\nc\\d "quoted", too'
    result = Result(["text", "node"], [[ox.Literal(value), ox.BlankNode("b0")]])
    lines = format_result(result, "tsv").splitlines()
    assert lines == ["text\tnode", 'a\\tb\\nc\\\\d "quoted", too\t_:b0']
    assert list(csv.reader(io.StringIO(format_result(result, "csv")))) == [["text", "node"],
                                                                                         [value, "_:b0"]]
    assert result.records() == [{"text": value, "node": "_:b0"}]


def test_a_packaged_query_is_read_again_when_its_file_changes(tmp_path, monkeypatch) -> None:
    """Packaged queries are kept once read (a long-running `kg serve` or a script runs
    them again and again), but a changed file is read again."""
    import os
    import kg.query as kq

    monkeypatch.setattr(kq, "_package", lambda: tmp_path)
    monkeypatch.setattr(kq, "_LOADED", {})
    rq = tmp_path / "mine.rq"
    rq.write_text("# description: first\nSELECT ?s WHERE { ?s ?p ?o }\n", encoding="utf-8")
    first = load("mine")
    assert first.description == "first" and load("mine") is first  # kept
    rq.write_text("# description: second, longer\nASK { ?s ?p ?o }\n", encoding="utf-8")
    os.utime(rq, ns=(1, 1))  # however coarse the file system's times, the file is another
    again = load("mine")
    assert again.description == "second, longer" and again.text.startswith("# description: second")
    rq.unlink()
    with pytest.raises(QueryError, match="no query named 'mine'"):
        load("mine")


def test_a_refused_query_is_refused_every_time() -> None:
    """The screen remembers the queries that passed, never one it refused."""
    from kg.query import Refused, screen

    for _ in range(2):
        with pytest.raises(Refused, match="INSERT"):
            screen("INSERT DATA { <a:b> <a:c> <a:d> }")
    assert screen("ASK { ?s ?p ?o }") == screen("ASK { ?s ?p ?o }") == "ASK"
