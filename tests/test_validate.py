"""kg.validate: SHACL validation of built graphs, with the file to fix for each problem."""
from __future__ import annotations

import json
import textwrap
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib.namespace import SH

from kg.build import build_site
from kg.errors import KgError
from kg.store import KnowledgeGraph, memory_graph
from kg.validate import (ShapeResult, ShapesError, ValidationResult, load_ontology, load_shapes,
                         union_graph, validate_graph, validate_jsonld)

HERE = Path(__file__).resolve().parent
FIXTURE_SITE = HERE / "fixtures" / "site"
EXAMPLE_SITE = HERE.parent / "examples" / "site"
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "connectedbydata.org"

KG = "https://w3id.org/kg/ns#"
SCHEMA = "https://schema.org/"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
XSD = "http://www.w3.org/2001/XMLSchema#"


def n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def summary(result: ValidationResult) -> set[tuple]:
    """(severity, source, focus, path, value) of each result."""
    return {(r.severity, r.source, r.focus, r.path, r.value) for r in result.results}


# -- sites that should conform ------------------------------------------------------------------

def test_fixture_site_conforms_with_one_known_warning() -> None:
    result = validate_graph(build_site(FIXTURE_SITE))
    assert result.conforms
    # EXPECTED.md: `project: Nonexistent Project` names no page (a real problem, on purpose)
    assert summary(result) == {(
        "warning", "_events/2024-04-20-duplicate-project.md",
        "https://tiny.example.org/id/unresolved/project/nonexistent-project", None, "Nonexistent Project")}
    assert "Nonexistent Project" in result.results[0].message


def test_related_events_graph_conforms() -> None:
    graph = build_site(FIXTURE_SITE)  # the build writes the related events' graphs too
    assert next(graph.store.quads_for_pattern(None, RDF_TYPE, ox.NamedNode(KG + "Recommendation"), None), None)
    result = validate_graph(graph)
    assert result.conforms and len(result.results) == 1  # the one known warning, as above


def test_example_site_reports_its_documented_traps() -> None:
    result = validate_graph(build_site(EXAMPLE_SITE))
    assert result.conforms
    # examples/site/README.md "Deliberate traps" 5 and 6
    assert {(r.severity, r.source, r.value) for r in result.results} == {
        ("warning", "_events/2024-07-10-algorithms-in-the-town-hall.md", "Riverside Open Budget"),
        ("warning", "_events/2024-10-02-data-rights-roadshow.md", "Tomasz Okafer"),
    }
    typo = next(r for r in result.results if r.value == "Tomasz Okafer")
    assert 'did you mean "Tomasz Okafor"?' in typo.message


# -- sites and graphs with real mistakes -------------------------------------------------------

def write_site(root: Path, files: dict[str, str]) -> Path:
    files = {"_config.yml": """
        url: https://broken.example.org
        collections:
          events: {output: true, permalink: /:collection/:name}
          people: {output: true, permalink: /:collection/:name}
        """, **files}
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def broken(tmp_path_factory: pytest.TempPathFactory) -> ValidationResult:
    root = write_site(tmp_path_factory.mktemp("broken-site"), {
        "_people/ann-editor.md": """
            ---
            title: Ann Editor
            email: ann at example
            ---
            """,
        "_events/2024-01-01-untitled.md": """
            ---
            date: 2024-01-01
            author: Ann Editor
            ---
            An event with no title.
            """,
        "_events/2024-02-02-bad-role.md": """
            ---
            title: A panel
            date: 2024-02-02
            speakers:
              - name: Bea Speaker
                role: moderator
              - name: Cy Chair
                role: chair
            ---
            """,
        "_events/undated.md": """
            ---
            title: Some day
            link: www.example.org/event
            author: Ann Editer
            ---
            """,
    })
    return validate_graph(build_site(root))


def test_broken_site_does_not_conform(broken: ValidationResult) -> None:
    assert not broken.conforms
    ev = "https://broken.example.org/events/"
    assert summary(broken) == {
        ("violation", "_events/2024-01-01-untitled.md", ev + "2024-01-01-untitled", SCHEMA + "name", None),
        ("violation", "_events/2024-02-02-bad-role.md", ev + "2024-02-02-bad-role#participant-1",
         SCHEMA + "roleName", "moderator"),
        ("warning", "_events/undated.md", ev + "undated", SCHEMA + "startDate", None),
        ("warning", "_events/undated.md", ev + "undated", "https://w3id.org/kg/ns#link", "www.example.org/event"),
        ("warning", "_events/undated.md", "https://broken.example.org/id/unresolved/person/ann-editer",
         None, "Ann Editer"),
        ("warning", "_people/ann-editor.md", "https://broken.example.org/people/ann-editor",
         SCHEMA + "email", "ann at example"),
    }


def test_results_are_sorted_by_file_and_explain_themselves(broken: ValidationResult) -> None:
    assert [r.source for r in broken.results] == sorted(r.source for r in broken.results)
    role = next(r for r in broken.results if r.path == SCHEMA + "roleName")
    assert role.message.startswith("A speaker's `role:` must be one of")
    assert role.constraint == "sh:InConstraintComponent"
    assert role.shape == "https://w3id.org/kg/shapes#ParticipationShape"
    assert str(role).startswith(f"_events/2024-02-02-bad-role.md:{role.line}: violation: ") and role.line
    assert [r.severity for r in broken.violations] == ["violation"] * 2
    assert len(broken.warnings) == 4
    assert set(broken.by_source()) == {r.source for r in broken.results}
    data = json.loads(json.dumps(broken.to_dict()))
    assert data["conforms"] is False and data["violations"] == 2 and data["warnings"] == 4


def hand_made() -> KnowledgeGraph:
    """An event file whose graph is broken in ways the build never writes."""
    base = "https://hand.example.org/"
    g = n(base + "id/source/_events/hand.md")
    e, p1, p2 = n(base + "events/hand"), n(base + "events/hand#participant-1"), n(base + "events/hand#participant-2")
    person, series = n(base + "id/person/someone"), n(base + "id/series/solo")
    other = n(base + "id/source/_events/other.md")
    quads = [
        (g, RDF_TYPE, n(KG + "SourceFile"), g), (g, n(KG + "path"), ox.Literal("_events/hand.md"), g),
        (e, RDF_TYPE, n(SCHEMA + "Event"), g), (e, n(KG + "sourceFile"), g, g), (e, n(KG + "kind"), ox.Literal("event"), g),
        (e, n(SCHEMA + "startDate"), ox.Literal("2024-05-05T10:00:00", datatype=n(XSD + "dateTime")), g),
        (e, n(SCHEMA + "about"), n(base + "topics/not-a-topic"), g),
        (e, n(KG + "participation"), p1, g), (e, n(KG + "participation"), p2, g),
        (p1, RDF_TYPE, n(KG + "Participation"), g), (p1, n(SCHEMA + "roleName"), ox.Literal("keynote"), g),
        (p1, n(KG + "nameAsWritten"), ox.Literal("Someone"), g),
        (p2, RDF_TYPE, n(KG + "Participation"), g), (p2, n(KG + "participant"), person, g),
        (p2, n(SCHEMA + "roleName"), ox.Literal("speaker"), g), (p2, n(KG + "nameAsWritten"), ox.Literal("Someone"), g),
        (person, RDF_TYPE, n(SCHEMA + "Person"), g),  # no name
        # a second file claiming the same event
        (other, RDF_TYPE, n(KG + "SourceFile"), other), (other, n(KG + "path"), ox.Literal("_events/other.md"), other),
        (e, n(KG + "sourceFile"), other, other), (e, n(SCHEMA + "name"), ox.Literal("Hand"), other),
        (e, n(KG + "kind"), ox.Literal("event"), other),
        # a suggestion of the event for itself
        (n(e.value + "#related-1"), RDF_TYPE, n(KG + "Recommendation"), n(base + "id/graph/related")),
        (n(e.value + "#related-1"), n(KG + "recommendationFor"), e, n(base + "id/graph/related")),
        (n(e.value + "#related-1"), n(KG + "recommends"), e, n(base + "id/graph/related")),
        (n(e.value + "#related-1"), n(KG + "rank"), ox.Literal("1", datatype=n(XSD + "integer")), n(base + "id/graph/related")),
        (n(e.value + "#related-1"), n(KG + "score"), ox.Literal("0.5", datatype=n(XSD + "decimal")), n(base + "id/graph/related")),
        (n(e.value + "#related-1"), n(KG + "reason"), ox.Literal("itself"), n(base + "id/graph/related")),
        # a series without a name (of one meeting: a series its page names may be)
        (series, RDF_TYPE, n(SCHEMA + "EventSeries"), n(base + "id/graph/series")),
        (series, n(SCHEMA + "subEvent"), e, n(base + "id/graph/series")),
    ]
    return memory_graph(ox.Quad(*q) for q in quads)


def test_hand_made_broken_graph() -> None:
    result = validate_graph(hand_made())
    base = "https://hand.example.org/"
    e = base + "events/hand"
    got = {(r.severity, r.source, r.focus, r.path, r.constraint) for r in result.results}
    assert got == {
        ("violation", "_events/hand.md", e, KG + "sourceFile", "sh:MaxCountConstraintComponent"),
        ("violation", "_events/hand.md", e, SCHEMA + "about", "sh:ClassConstraintComponent"),
        ("warning", "_events/hand.md", e, SCHEMA + "startDate", "sh:DatatypeConstraintComponent"),
        ("violation", "_events/hand.md", e + "#participant-1", KG + "participant", "sh:MinCountConstraintComponent"),
        ("violation", "_events/hand.md", e + "#participant-1", SCHEMA + "roleName", "sh:InConstraintComponent"),
        ("violation", "_events/hand.md", base + "id/person/someone", None, "sh:OrConstraintComponent"),
        ("violation", "_events/hand.md", e + "#related-1", KG + "recommends", "sh:DisjointConstraintComponent"),
        # the series graph is no file's: the file to look at is its meeting's
        ("violation", "_events/hand.md", base + "id/series/solo", SCHEMA + "name", "sh:MinCountConstraintComponent"),
    }
    claimed = next(r for r in result.results if r.path == KG + "sourceFile")
    assert claimed.sources == ("_events/hand.md", "_events/other.md")
    assert not result.conforms


def test_accepts_a_bare_store_and_copies_the_union() -> None:
    graph = hand_made()
    union = union_graph(graph.store)
    assert len(union) == len({q.triple for q in graph.store})
    assert not validate_graph(graph.store).conforms


# -- shapes files -----------------------------------------------------------------------------------

def test_shapes_and_ontology_load_once() -> None:
    assert load_shapes() is load_shapes()
    assert load_ontology() is load_ontology()
    assert len(load_ontology()) > 100


def test_custom_shapes_file(tmp_path: Path) -> None:
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text("""
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        @prefix schema: <https://schema.org/> .
        @prefix kg: <https://w3id.org/kg/ns#> .
        <#EventsAreInSeries> a sh:NodeShape ; sh:targetClass schema:Event ;
            sh:property [ sh:path kg:seriesPosition ; sh:minCount 1 ; sh:message "not in a series" ] .
        """, encoding="utf-8")
    result = validate_graph(build_site(FIXTURE_SITE), shapes)
    # EXPECTED.md: only the two Tiny Meetups form a series
    assert {r.source for r in result.results} == {
        "_events/2024-03-05-ada-talk.md", "_events/2024-04-20-duplicate-project.md"}
    assert {r.message for r in result.results} == {"not in a series"}
    assert not result.conforms


@pytest.mark.parametrize("text, words", [
    ("this is not turtle", "not valid Turtle"),
    ("@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix schema: <https://schema.org/> ."
     '<#s> a sh:NodeShape ; sh:targetClass schema:Event ; sh:property [ sh:path schema:name ; sh:minCount "x" ] .',
     "invalid SHACL"),
    ("@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix schema: <https://schema.org/> ."
     "<#s> a sh:NodeShape ; sh:targetClass schema:Event ; sh:property [ sh:minCount 1 ] .",
     "invalid SHACL"),
])
def test_bad_shapes_file_is_a_kg_error(tmp_path: Path, text: str, words: str) -> None:
    shapes = tmp_path / "bad.ttl"
    shapes.write_text(text, encoding="utf-8")
    with pytest.raises(ShapesError) as info:
        validate_graph(hand_made(), shapes)
    assert isinstance(info.value, KgError)
    assert words in str(info.value) and str(shapes) in str(info.value)


def test_missing_shapes_file_is_a_kg_error(tmp_path: Path) -> None:
    with pytest.raises(ShapesError, match="cannot read"):
        validate_graph(hand_made(), tmp_path / "nope.ttl")


def test_shape_result_str_without_source() -> None:
    r = ShapeResult(focus="https://x.example/a", path=None, severity="warning", message="m")
    assert str(r) == "warning: m (https://x.example/a)"
    assert r.to_dict() == {"focus": "https://x.example/a", "severity": "warning", "message": "m"}


# -- the real site --------------------------------------------------------------------------------

CORPUS_FINDINGS = {
    # (focus, value, files): each checked against the corpus files
    ("https://connectedbydata.org/id/unresolved/person/helena-holis", "Helena Holis",
     ("_events/2024-01-10-education-design-lab.md",)),            # typo: _people/helena-hollis.md
    ("https://connectedbydata.org/id/unresolved/project/catalysing-communities-campaigns",
     "Catalysing Communities Campaigns",                            # the project is "Catalysing Community Campaigns"
     ("_posts/2024-06-17-tim-weeknotes.md", "_posts/2024-07-14-tim-weeknotes.md",
      "_resources/our-health-data-stories.md")),
    ("https://connectedbydata.org/id/unresolved/project/observatory", "Observatory",
     ("_resources/participation-observatory.md",)),                # no project page "Observatory"
    ("https://connectedbydata.org/id/unresolved/project/policy", "Policy",
     ("_resources/reimagining-data-and-power-consultation-response.md",)),  # no project page "Policy"
}


@pytest.fixture(scope="module")
def corpus_graph() -> KnowledgeGraph:
    if not (CORPUS / "_config.yml").is_file():
        pytest.skip(f"corpus not found at {CORPUS} (../shared/corpus/connectedbydata.org beside the repo)")
    return build_site(CORPUS)


def test_corpus_reports_only_verified_problems(corpus_graph: KnowledgeGraph) -> None:
    validate_graph(corpus_graph)  # warm up: shapes parsed, pyshacl imported
    started = time.perf_counter()
    result = validate_graph(corpus_graph)
    seconds = time.perf_counter() - started
    assert result.conforms
    assert result.violations == []
    assert {(r.focus, r.value, r.sources) for r in result.results} == CORPUS_FINDINGS
    assert all(r.severity == "warning" and r.source == r.sources[0] for r in result.results)
    assert seconds < 15, f"validation took {seconds:.1f}s"


# -- the JSON-LD the site embeds --------------------------------------------------------------------

def jsonld_documents(n: int) -> dict[str, dict]:
    """``n`` events' JSON-LD as `kg related --site` writes it, all meetings of one series."""
    return {f"/events/e{i}": {
        "@context": "https://schema.org", "@type": "Event", "@id": f"https://s.example/events/e{i}",
        "name": f"Event {i}", "startDate": "2024-01-01", "url": f"https://s.example/events/e{i}",
        "performer": [{"@type": "Person", "name": "Pat Example"}],
        "superEvent": {"@type": "EventSeries", "@id": "https://s.example/id/series/s", "name": "S"}}
        for i in range(n)}


def test_jsonld_documents_are_read_each_by_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each document's subjects were found by listing the subjects of all documents read
    so far, before and after it: quadratic (1,000 events took 9 s)."""
    import rdflib

    from kg.validate import validate_jsonld

    docs = jsonld_documents(200)
    del docs["/events/e7"]["name"]
    listed = []
    real = rdflib.Graph.subjects

    def counting(self, *args, **kwargs):
        for s in real(self, *args, **kwargs):
            listed.append(s)
            yield s

    monkeypatch.setattr(rdflib.Graph, "subjects", counting)
    result = validate_jsonld(docs)
    assert len(listed) < 10 * len(docs)
    assert [(r.severity, r.source, r.message) for r in result.results] == [
        ("violation", "/events/e7", "An event's JSON-LD needs exactly one name.")]


def test_jsonld_shapes_load_once_and_their_errors_are_kg_errors(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    import kg.validate
    from kg.validate import validate_jsonld

    loads = []
    real = kg.validate._load
    monkeypatch.setattr(kg.validate, "_load", lambda path: loads.append(path) or real(path))
    assert validate_jsonld(jsonld_documents(2)).conforms
    assert len(loads) == 1
    shapes = tmp_path / "jsonld-shapes.ttl"
    shapes.write_text("@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix schema: <https://schema.org/> ."
                      "<#s> a sh:NodeShape ; sh:targetClass schema:Event ; sh:property [ sh:minCount 1 ] .",
                      encoding="utf-8")
    monkeypatch.setattr(kg.validate, "_packaged", lambda name: shapes)
    with pytest.raises(ShapesError, match="invalid SHACL") as info:
        validate_jsonld(jsonld_documents(2))
    assert str(shapes) in str(info.value)


# -- a backslash in the site's text, and a failure inside pyshacl ----------------------------------

# pyshacl fills a SPARQL constraint's `{?var}` placeholders with re.sub, which read a value as a
# replacement template: each of these stopped the whole validation with re.error
BACKSLASHED = ["AI\\ML", "Nobody\\u", "A\\1", "x\\g<0>", "trailing\\"]


@pytest.mark.parametrize("text", BACKSLASHED)
def test_backslash_in_a_reference_is_a_warning_not_a_crash(make_site, text: str) -> None:
    quoted = text.replace("\\", "\\\\")  # a YAML double-quoted string: the backslash itself
    root = make_site({"_events/2024-02-05-bs.md":
                      f'---\ntitle: Backslash\ndate: 2024-02-05\ntopics: ["{quoted}"]\n---\nbody\n'})
    result = validate_graph(build_site(root))
    assert result.conforms and result.error is None
    [found] = result.results
    assert (found.severity, found.source, found.value) == ("warning", "_events/2024-02-05-bs.md", text)
    assert found.message == f"A reference names no topic page: {text}; add the page or fix the spelling"


def test_unresolved_reference_messages_are_worded_by_kg() -> None:
    """The shape binds nothing from the site: pyshacl never sees the text written."""
    shapes = load_shapes()
    [select] = [str(q) for q in shapes.objects(None, SH.select)]
    assert "?value" not in select and "?hint" not in select
    assert not any("{?" in str(m) or "{$" in str(m) for m in shapes.objects(None, SH.message))


OLD_UNRESOLVED_SHAPE = r'''
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix kg: <https://w3id.org/kg/ns#> .
@prefix ex: <https://example.org/shapes#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:prefixes sh:declare [ sh:prefix "kg" ; sh:namespace "https://w3id.org/kg/ns#"^^xsd:anyURI ] ,
    [ sh:prefix "rdfs" ; sh:namespace "http://www.w3.org/2000/01/rdf-schema#"^^xsd:anyURI ] .
ex:Unresolved a sh:NodeShape ; sh:targetClass kg:Unresolved ; sh:severity sh:Warning ;
    sh:sparql [ a sh:SPARQLConstraint ; sh:prefixes ex:prefixes ;
        sh:message "{?kind} {$this} {?value}: {?value} {?unbound}" ;
        sh:select """SELECT $this ?value ?kind WHERE { $this rdfs:label ?value ; kg:expectedKind ?kind }""" ] .
'''


def test_own_shapes_with_placeholders_take_values_as_written(make_site, tmp_path: Path) -> None:
    """A shapes file given with --shapes may bind the text written: pyshacl puts it in as it is."""
    from pyshacl.constraints.constraint_component import ConstraintComponent
    before = ConstraintComponent.__dict__["_format_sparql_based_result_message"]
    root = make_site({"_events/2024-02-05-bs.md":
                      '---\ntitle: B\ndate: 2024-02-05\ntopics: ["AI\\\\ML {?kind}"]\n---\n'})
    shapes = tmp_path / "old.ttl"
    shapes.write_text(OLD_UNRESOLVED_SHAPE, encoding="utf-8")
    [found] = validate_graph(build_site(root), shapes).results
    focus = "https://site.example.org/id/unresolved/topic/ai-ml-kind"
    assert found.focus == focus and found.value == "AI\\ML {?kind}"
    # each placeholder filled once, from the bindings: a value holding one is left as it is
    assert found.message == f"topic {focus} AI\\ML {{?kind}}: AI\\ML {{?kind}} {{?unbound}}"
    # pyshacl's own method is back once kg's run is over
    assert ConstraintComponent.__dict__["_format_sparql_based_result_message"] is before


def test_a_failure_inside_pyshacl_is_one_violation_not_a_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    import pyshacl

    def broken(*_args, **_kwargs):
        raise RuntimeError("something inside pyshacl")
    monkeypatch.setattr(pyshacl, "validate", broken)
    result = validate_graph(hand_made())
    assert not result.conforms
    assert result.error == "the SHACL check stopped: RuntimeError: something inside pyshacl"
    [only] = result.results
    assert only.severity == "violation" and only.source is None
    assert "RuntimeError: something inside pyshacl" in only.message and "bug" in (only.hint or "")
    assert str(only).startswith("violation: the SHACL check stopped before its end (RuntimeError")
    assert result.to_dict()["error"] == result.error and result.to_dict()["violations"] == 1
    jsonld = validate_jsonld(jsonld_documents(1))
    assert not jsonld.conforms and jsonld.error == result.error

