"""kg.related: related events from graph signals and text, their reasons, weights, quads and query."""
from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kg
from kg.errors import KgError
from kg.related import (Suggestion, format_related, graph_name, load_texts, load_weights, related_events, related_text,
                        related_quads, to_json)
from kg.query import run_query

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "connectedbydata.org"
TIME_REASON = re.compile(r"^(same day|\d+ (day|week|month|year)s? apart)$")

SITE = {
    "_projects/project-one.md": "---\ntitle: Project One\n---\nThe first project.\n",
    "_projects/parent.md": "---\ntitle: Parent Programme\n---\nA programme of projects.\n",
    "_projects/garden.md": "---\ntitle: Garden Project\nproject: Parent Programme\n---\nGardens.\n",
    "_projects/bees.md": "---\ntitle: Bee Project\nproject: Parent Programme\n---\nBees.\n",
    "_topics/tides.md": "---\ntitle: Tides\n---\nThe sea.\n",
    "_events/2024-01-10-alpha-one.md": """
        ---
        title: "Alpha Forum: harbours"
        date: 2024-01-10
        project: Project One
        topics: [Tides]
        speakers:
          - name: Sam Speaker
            organisation: Quay Trust
        ---
        Moorings, pontoons and slipways of the old harbour.
        """,
    "_events/2024-02-10-alpha-two.md": """
        ---
        title: "Alpha Forum: lighthouses"
        date: 2024-02-10
        project: Project One
        speakers:
          - name: Sam Speaker
            organisation: Quay Trust
        ---
        Lamps, lenses and keepers.
        """,
    "_events/2024-03-10-alpha-three.md": """
        ---
        title: "Alpha Forum: ferries"
        date: 2024-03-10
        project: Project One
        ---
        Timetables and crossings.
        """,
    "_events/2024-01-10-lonely-lunch.md": """
        ---
        title: Lonely lunch
        date: 2024-01-10
        ---
        Sandwiches, crisps, lemonade.
        """,
    "_events/2024-05-01-gardening.md": """
        ---
        title: Gardening afternoon
        date: 2024-05-01
        project: Garden Project
        ---
        Compost, seedlings, trowels.
        """,
    "_events/2024-06-01-beekeeping.md": """
        ---
        title: Beekeeping morning
        date: 2024-06-01
        project: Bee Project
        ---
        Hives, honey, smokers.
        """,
    "_events/2024-07-01-tidal-energy.md": """
        ---
        title: Tidal energy talk
        date: 2024-07-01
        ---
        Tidal turbines in the estuary: how turbines turn tidal streams into power.
        """,
    "_events/2026-09-01-estuary-turbines.md": """
        ---
        title: Estuary turbines revisited
        date: 2026-09-01
        ---
        Turbines in the estuary again, and tidal streams.
        """,
}


@pytest.fixture
def small(make_site) -> kg.KnowledgeGraph:
    return kg.build_site(make_site(SITE))


def ev(name: str) -> str:
    return f"https://site.example.org/events/{name}"


def urls(suggestions: list[Suggestion]) -> list[str]:
    return [s.url for s in suggestions]


def test_series_meetings_come_first_with_reasons(small: kg.KnowledgeGraph) -> None:
    related = related_events(small)
    two = related[ev("2024-02-10-alpha-two")]
    assert urls(two)[:2] == [ev("2024-01-10-alpha-one"), ev("2024-03-10-alpha-three")]
    first = two[0]
    assert first.title == "Alpha Forum: harbours" and first.date == "2024-01-10"
    assert "same series: Alpha Forum" in first.reasons
    assert "shares speaker Sam Speaker" in first.reasons
    assert "shares organisation Quay Trust" in first.reasons
    assert "same project: Project One" in first.reasons
    assert "previous meeting in the series" in first.reasons
    assert first.reasons[-1] == "4 weeks apart"
    assert two[0].score > two[1].score > 0


def test_time_alone_makes_no_suggestion_and_nothing_lists_itself(small: kg.KnowledgeGraph) -> None:
    related = related_events(small)
    lonely = ev("2024-01-10-lonely-lunch")  # same day as alpha-one, shares nothing
    assert related[lonely] == []
    for event, suggestions in related.items():
        assert event not in urls(suggestions)
        assert lonely not in urls(suggestions)
        for s in suggestions:
            assert any(not TIME_REASON.match(r) for r in s.reasons), (event, s)


def test_parent_project_and_text(small: kg.KnowledgeGraph) -> None:
    related = related_events(small)
    garden = related[ev("2024-05-01-gardening")]
    assert urls(garden) == [ev("2024-06-01-beekeeping")]
    assert garden[0].reasons[0] == "within the same project: Parent Programme"
    tidal = related[ev("2024-07-01-tidal-energy")]
    assert urls(tidal) == [ev("2026-09-01-estuary-turbines")]
    reason = tidal[0].reasons[0]
    assert reason.startswith("similar text (") and "turbine" in reason and "estuary" in reason
    assert tidal[0].reasons == [reason]  # two years apart: no time reason


def test_one_shared_word_is_not_similar_text(small: kg.KnowledgeGraph) -> None:
    """Two pages that share one word among their best are not alike for it ("similar text
    (scala)" between any two events of scala-lang.org): it takes two (``shared_terms``)."""
    lonely, bees = ev("2024-01-10-lonely-lunch"), ev("2024-06-01-beekeeping")
    one, two = {lonely: "zebra walrus", bees: "zebra heron"}, {lonely: "zebra walrus heron", bees: "zebra heron"}
    any_cosine = {"min_similarity": 0}
    assert related_events(small, texts=one, weights={"signals": {"text": any_cosine}})[lonely] == []
    alike = related_events(small, texts=two, weights={"signals": {"text": any_cosine}})[lonely]
    assert urls(alike) == [bees] and alike[0].reasons[0] == "similar text (zebra, heron)"
    said = related_events(small, texts=one, weights={"signals": {"text": {**any_cosine, "shared_terms": 1}}})[lonely]
    assert urls(said) == [bees] and said[0].reasons[0] == "similar text (zebra)"


def test_a_sites_own_stop_words_are_not_similar_text(small: kg.KnowledgeGraph) -> None:
    """A site in French: "pour", "avec", "soirée" made two pages alike; kg's own list is
    English. `stop_words` of the text signal (in the site's _kg/related.yml) says so."""
    lonely, bees = ev("2024-01-10-lonely-lunch"), ev("2024-06-01-beekeeping")
    texts = {lonely: "soirée pour parler avec zebra", bees: "soirée pour coder avec heron"}
    any_cosine = {"min_similarity": 0, "shared_terms": 1}
    alike = related_events(small, texts=texts, weights={"signals": {"text": any_cosine}})[lonely]
    assert urls(alike) == [bees] and alike[0].reasons[0] == "similar text (soirée, pour, avec)"
    french = {"signals": {"text": {**any_cosine, "stop_words": "Pour avec\nsoirée"}}}
    assert related_events(small, texts=texts, weights=french)[lonely] == []
    listed = {"signals": {"text": {**any_cosine, "stop_words": ["pour avec", "soirée"]}}}
    assert related_events(small, texts=texts, weights=listed)[lonely] == []
    with pytest.raises(KgError, match="stop_words must be words"):
        load_weights({"signals": {"text": {"stop_words": 5}}})


def test_a_word_with_an_accent_is_one_word_however_its_accent_is_written(small: kg.KnowledgeGraph) -> None:
    """"café" as é, and as e with a combining accent (as some editors save it), were two
    words: no similar text, and a stop word written one way missed the other."""
    lonely, bees = ev("2024-01-10-lonely-lunch"), ev("2024-06-01-beekeeping")
    texts = {lonely: "caf\u00e9 soir\u00e9e zebra", bees: "cafe\u0301 soire\u0301e heron"}
    any_cosine = {"min_similarity": 0}
    alike = related_events(small, texts=texts, weights={"signals": {"text": any_cosine}})[lonely]
    assert urls(alike) == [bees] and alike[0].reasons[0] == "similar text (soir\u00e9e, caf\u00e9)"
    stopped = {"signals": {"text": {**any_cosine, "stop_words": "cafe\u0301 soire\u0301e"}}}
    assert related_events(small, texts=texts, weights=stopped)[lonely] == []


def test_days_months_and_filler_words_are_not_similar_text(small: kg.KnowledgeGraph) -> None:
    """Pages that share only the day, the month and the words around them ("Sat 10 Feb:
    add it to your calendar, totally the day") are not alike."""
    lonely, bees = ev("2024-01-10-lonely-lunch"), ev("2024-06-01-beekeeping")
    both = "Sat 10 Feb, Saturday 10 February: add it, totally, the day! Thurs. Sept. Tonight, evening."
    assert related_events(small, texts={lonely: both, bees: both})[lonely] == []


def test_texts_argument_replaces_the_files(small: kg.KnowledgeGraph) -> None:
    texts = {ev("2024-01-10-lonely-lunch"): "zebra giraffe okapi savannah",
             ev("2024-06-01-beekeeping"): "zebra giraffe okapi savannah"}
    related = related_events(small, texts=texts)
    assert urls(related[ev("2024-01-10-lonely-lunch")]) == [ev("2024-06-01-beekeeping")]
    assert related[ev("2024-07-01-tidal-energy")] == []  # its file is not read any more


def test_load_texts_reads_bodies_without_front_matter(small: kg.KnowledgeGraph) -> None:
    texts = load_texts(small)
    assert texts[ev("2024-01-10-lonely-lunch")].strip() == "Sandwiches, crisps, lemonade."


def test_words_counted_from_the_files_on_several_processes_match_the_texts(small: kg.KnowledgeGraph,
                                                                            monkeypatch) -> None:
    import kg.related
    from kg.related import load_terms
    from kg.words import body_terms
    texts = load_texts(small)
    alone = load_terms(small, jobs=1)
    assert alone == {e: body_terms(t) for e, t in texts.items()} and alone
    monkeypatch.setattr(kg.related, "PARALLEL_EVENTS", 0)  # share out even this small site
    monkeypatch.setattr(kg.related, "SPAN_EVENTS", 1)  # in several spans
    shared = load_terms(small, jobs=2)
    assert shared == alone and [list(t) for t in shared.values()] == [list(t) for t in alone.values()]
    # related_events reads and counts the files itself when given neither texts nor terms
    assert to_json(related_events(small, jobs=2)) == to_json(related_events(small, texts=texts))


def test_work_is_shared_between_this_process_and_forked_ones_in_order(monkeypatch) -> None:
    """Spans of events go to this process and to ``jobs - 1`` forked ones, and come
    back in order, as one dict or entry by entry as their spans are done."""
    import os

    import kg.related
    from kg.forks import can_fork
    if not can_fork():
        pytest.skip("this system does not fork")
    monkeypatch.setattr(kg.related, "PARALLEL_EVENTS", 0)
    monkeypatch.setattr(kg.related, "SPAN_EVENTS", 100)  # spans of 100 events
    run = lambda begin, stop: {i: os.getpid() for i in range(begin, stop)}  # noqa: E731
    for jobs in (2, 3):
        done = kg.related._run_all(run, 1000, jobs)
        assert list(done) == list(range(1000))
        # this process takes the first span and every jobs-th after it; the workers the rest
        assert {done[i] for i in range(0, 1000, 100 * jobs)} == {os.getpid()}
        assert os.getpid() not in {done[i] for i in range(100, 1000, 100) if (i // 100) % jobs}
        seen: list[int] = []
        assert kg.related._run_all(run, 1000, jobs, each=lambda k, v: seen.append(k)) == {}
        assert seen == list(range(1000))


def test_suggestions_handed_over_one_by_one_and_words_let_go_change_nothing(small: kg.KnowledgeGraph) -> None:
    texts = load_texts(small)
    whole = related_events(small, texts=dict(texts))
    given: dict = {}
    mine = dict(texts)
    assert related_events(small, texts=mine, each=given.__setitem__, let_go=True) == {}
    assert to_json(given) == to_json(whole) and list(given) == list(whole)
    assert mine == {}  # let go, as asked


JOINED = "PREFIX schema: <https://schema.org/> PREFIX kg: <https://w3id.org/kg/ns#> " \
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
JOINED_FILES = JOINED + "SELECT ?e ?path WHERE { ?e a schema:Event ; schema:url ?e ; kg:sourceFile/kg:path ?path }"
JOINED_EVENTS = JOINED + """SELECT ?e ?label ?date WHERE {
  ?e a schema:Event ; schema:url ?e . OPTIONAL { ?e rdfs:label ?label } OPTIONAL { ?e schema:startDate ?date } }"""
JOINED_VALUES = JOINED + """SELECT ?signal ?e ?v WHERE {
  ?e a schema:Event ; schema:url ?e .
  {      ?e schema:superEvent ?v .                 BIND("series" AS ?signal) }
  UNION { ?e schema:performer ?v .                 BIND("speaker" AS ?signal) }
  UNION { ?e kg:participation/kg:affiliation ?v .  BIND("organisation" AS ?signal) }
  UNION { ?e kg:project ?v .                       BIND("project" AS ?signal) }
  UNION { ?e schema:about ?v .                     BIND("topic" AS ?signal) }
  UNION { ?e schema:author ?v .                    BIND("author" AS ?signal) }
  FILTER(isIRI(?v) && ?v != ?e) }"""
JOINED_LABELS = JOINED + """SELECT ?v (MIN(STR(?label)) AS ?l) WHERE {
  ?e a schema:Event ; schema:url ?e .
  { ?e schema:superEvent|schema:performer|kg:participation/kg:affiliation|kg:project|schema:about|schema:author ?v }
  UNION { ?e kg:project/kg:parentProject+ ?v }
  ?v rdfs:label ?label FILTER(isIRI(?v) && ?v != ?e) } GROUP BY ?v"""


def _built(which: str, make_site) -> tuple[kg.KnowledgeGraph, Path]:
    if which == "corpus":
        if not CORPUS.is_dir():
            pytest.skip(f"the corpus snapshot is not at {CORPUS}")
        return kg.build_site(CORPUS), CORPUS
    root = make_site(SITE)
    return kg.build_site(root), root


@pytest.mark.parametrize("which", ["small", "corpus"])
def test_event_files_are_those_the_joined_query_finds(which: str, make_site) -> None:
    from kg.related import _graph_files, _read, _site_files
    graph, root = _built(which, make_site)
    joined = sorted((r["e"].value, r["path"].value) for r in graph.query(JOINED_FILES))
    assert joined and sorted((e, rel) for e, _path, rel in _graph_files(graph, root)) == joined
    # read beside the other tables, the same files
    assert sorted((e, rel) for e, _path, rel in _site_files(root, _read(graph, files=True)[1])) == joined


@pytest.mark.parametrize("which", ["small", "corpus"])
def test_what_related_reads_is_what_the_joined_queries_find(which: str, make_site) -> None:
    """kg.related reads single-pattern scans and joins them itself (faster on a large
    store): the events, titles, dates, values and labels are those of the joins."""
    import datetime as dt
    from kg.related import SET_SIGNALS, _read
    graph, _root = _built(which, make_site)
    data, paths = _read(graph)
    assert paths == {}
    titles: dict[str, set[str]] = {}
    dates: dict[str, set[dt.date]] = {}
    for r in graph.query(JOINED_EVENTS):
        e = r["e"].value
        titles.setdefault(e, set())
        dates.setdefault(e, set())
        if r["label"] is not None:
            titles[e].add(r["label"].value)
        if r["date"] is not None:
            try:
                dates[e].add(dt.date.fromisoformat(r["date"].value[:10]))
            except ValueError:
                pass
    assert data.iris == sorted(titles) and len(data.iris) > 5
    assert data.titles == [min(titles[e]) if titles[e] else None for e in data.iris]
    assert data.dates == [tuple(sorted(dates[e])) for e in data.iris]
    values: dict[str, list[set[str]]] = {s: [set() for _ in data.iris] for s in SET_SIGNALS}
    for r in graph.query(JOINED_VALUES):
        values[r["signal"].value][data.index[r["e"].value]].add(r["v"].value)
    for s in SET_SIGNALS:
        if s != "parent_project":
            assert [set(x) for x in data.values[s]] == values[s], s
    assert any(data.values["organisation"]) and any(data.values["speaker"])
    labels = {r["v"].value: r["l"].value for r in graph.query(JOINED_LABELS)}
    assert data.labels == labels


class _Touch:
    """Unpickled, makes a file: what a pickle from elsewhere could do."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __reduce__(self):
        return (Path.touch, (self.path,))


def test_kg_related_on_a_graph_folder_keeps_the_words_the_build_counted(make_site, tmp_path: Path,
                                                                         monkeypatch) -> None:
    import kg.related
    from kg.related import TERMS_FILE, load_terms
    from kg.words import body_terms
    root = make_site(SITE)
    kg.build_site(root, tmp_path / "out")
    assert (tmp_path / "out" / TERMS_FILE).is_file()
    graph = kg.open_graph(tmp_path / "out")
    fresh = {e: body_terms(t) for e, t in load_texts(graph).items()}
    counted: list[str] = []
    monkeypatch.setattr(kg.related, "body_terms", lambda text: counted.append(text) or body_terms(text))
    assert load_terms(graph, jobs=1) == fresh and counted == []  # no file counted again
    assert to_json(related_events(graph, jobs=1)) == to_json(related_events(graph, texts=load_texts(graph)))
    # a file changed since the build is counted afresh, and only that one
    lunch = root / "_events" / "2024-01-10-lonely-lunch.md"
    lunch.write_text(lunch.read_text().replace("lemonade", "marmalade"))
    terms = load_terms(graph, jobs=1)
    assert len(counted) == 1 and "marmalade" in terms[ev("2024-01-10-lonely-lunch")]
    assert "lemonade" not in terms[ev("2024-01-10-lonely-lunch")]
    # a file that is gone is skipped, as before; the others keep the build's words
    gone = root / "_events" / "2024-06-01-beekeeping.md"
    saved = gone.read_text()
    gone.unlink()
    counted.clear()
    terms = load_terms(graph, jobs=1)
    assert ev("2024-06-01-beekeeping") not in terms and len(counted) == 1  # the edited file only
    gone.write_text(saved)
    # shared out to forked workers: only the edited file goes to them, the result is the same
    monkeypatch.setattr(kg.related, "PARALLEL_EVENTS", 0)
    monkeypatch.setattr(kg.related, "SPAN_EVENTS", 1)  # in several spans
    assert load_terms(graph, jobs=2) == load_terms(graph, jobs=1)
    # a damaged or foreign file is not used (and nothing in it is run)
    import pickle
    cache = tmp_path / "out" / TERMS_FILE
    good = cache.read_bytes()
    for bad in (good[:len(good) // 2], b"garbage",
                pickle.dumps(("x", ["a"], b"", ("", [], []))),
                pickle.dumps(_Touch(tmp_path / "ran"))):
        cache.write_bytes(bad)
        counted.clear()
        assert load_terms(graph, jobs=1) == {e: body_terms(t) for e, t in load_texts(graph).items()}
        assert len(counted) == len(fresh)
    assert not (tmp_path / "ran").exists()
    cache.write_bytes(good)
    # words counted by other code are not used
    monkeypatch.setattr(kg.related, "_terms_fingerprint", lambda: "other code")
    counted.clear()
    assert load_terms(graph, jobs=1) == {e: body_terms(t) for e, t in load_texts(graph).items()}
    assert len(counted) == len(fresh)


def test_top_and_weights(small: kg.KnowledgeGraph) -> None:
    assert all(len(v) <= 1 for v in related_events(small, top=1).values())
    no_series = related_events(small, weights={"signals": {"series": 0, "series_neighbour": 0, "project": 0,
                                                           "text": 0}})
    three = no_series[ev("2024-03-10-alpha-three")]
    assert three == []  # it shared only series, project and (now off) text
    # a signal switched off makes no pairs: time never rides on it
    off = related_events(small, weights={"signals": {"parent_project": {"weight": 0}}})
    assert off[ev("2024-05-01-gardening")] == []


def test_site_may_override_weights(make_site) -> None:
    files = dict(SITE)
    files["_kg/related.yml"] = "top: 1\nsignals:\n  speaker: {weight: 50}\n"
    graph = kg.build_site(make_site(files))
    related = related_events(graph)
    assert all(len(v) <= 1 for v in related.values())
    assert related[ev("2024-02-10-alpha-two")][0].reasons[0] == "shares speaker Sam Speaker"


def test_bad_weights_are_errors() -> None:
    with pytest.raises(KgError, match="unknown signal 'speakers'"):
        load_weights({"signals": {"speakers": 1}})
    with pytest.raises(KgError, match="unknown setting"):
        load_weights({"signals": {"time": {"halflife": 3}}})
    with pytest.raises(KgError, match="≥ 0"):
        load_weights({"signals": {"topic": -1}})
    with pytest.raises(KgError, match="unknown setting 'tpo'"):
        load_weights({"tpo": 3})
    assert load_weights({"signals": {"topic": 2.5}})["signals"]["topic"]["weight"] == 2.5


def common_topic_site(events: int) -> dict[str, str]:
    """Events a month apart that all have the topic Common; the first links to the second
    (their titles differ by a letter: by a number, they would be a series)."""
    files = {"_topics/t.md": "---\ntitle: Common\n---\nx\n"}
    for i in range(events):
        files[f"_events/2024-0{i + 1}-01-e{i}.md"] = (
            f"---\ntitle: Event {'ABCDEFGHI'[i]}\ndate: 2024-0{i + 1}-01\ntopics: [Common]\n---\n"
            + ("See [the next one](/events/2024-02-01-e1).\n" if i == 0 else "Nothing.\n"))
    return files


def test_hub_values_only_add_to_pairs_found_otherwise(make_site) -> None:
    """A value shared by more than max_postings events makes no pairs by itself."""
    graph = kg.build_site(make_site(common_topic_site(4)))
    everyone = related_events(graph, weights={"signals": {"text": 0}})
    assert len(everyone[ev("2024-03-01-e2")]) == 3
    hubbed = related_events(graph, weights={"max_postings": 2, "signals": {"text": 0}})
    assert urls(hubbed[ev("2024-01-01-e0")]) == [ev("2024-02-01-e1")]
    assert hubbed[ev("2024-01-01-e0")][0].reasons[:2] == ["this page links to it", "shared topic: Common"]
    assert hubbed[ev("2024-02-01-e1")][0].reasons[0] == "its page links here"
    assert hubbed[ev("2024-03-01-e2")] == []


def test_hub_values_add_the_same_to_pairs_found_otherwise(make_site) -> None:
    """A hub value (looked up among the few candidates) adds what it adds when it makes pairs."""
    graph = kg.build_site(make_site(common_topic_site(6)))
    everyone = {s.url: s for s in related_events(graph, weights={"signals": {"text": 0}})[ev("2024-01-01-e0")]}
    hubbed = related_events(graph, weights={"max_postings": 2, "signals": {"text": 0}})[ev("2024-01-01-e0")]
    assert [(s.url, s.score, s.reasons) for s in hubbed] == [
        (ev("2024-02-01-e1"), everyone[ev("2024-02-01-e1")].score, everyone[ev("2024-02-01-e1")].reasons)]


def test_json_form(small: kg.KnowledgeGraph) -> None:
    doc = json.loads(json.dumps(to_json(related_events(small))))
    item = doc[ev("2024-02-10-alpha-two")][0]
    assert set(item) == {"url", "title", "date", "score", "reasons"}
    assert isinstance(item["score"], float) and isinstance(item["reasons"], list)


def test_deterministic(small: kg.KnowledgeGraph) -> None:
    assert to_json(related_events(small)) == to_json(related_events(small))


def test_counted_words_give_the_same_suggestions_as_texts(small: kg.KnowledgeGraph) -> None:
    from kg.words import body_terms
    texts = load_texts(small)
    assert texts
    counted = to_json(related_events(small, terms={e: body_terms(t) for e, t in texts.items()}))
    assert counted == to_json(related_events(small, texts=texts))
    # some texts, some counts
    half = dict(list(texts.items())[::2])
    mixed = related_events(small, texts={e: t for e, t in texts.items() if e not in half},
                           terms={e: body_terms(t) for e, t in half.items()})
    assert to_json(mixed) == counted


def test_rdflib_engine_gives_the_same_suggestions(make_site, tmp_path: Path) -> None:
    out = tmp_path / "graph"
    kg.build_site(make_site(SITE), out)
    on_oxigraph = kg.open_graph(out)
    texts = load_texts(on_oxigraph)
    expected = to_json(related_events(on_oxigraph, texts=texts))
    assert any(expected.values())
    assert to_json(related_events(kg.open_graph(out, engine="rdflib"), texts=texts)) == expected


@given(st.text())
def test_terms_read_back_from_oxigraph_rows_as_written(text: str) -> None:
    from kg.related import _tables, _value
    store = ox.Store()
    e, label = ox.NamedNode("https://s.example/e"), ox.Literal(text)
    g = ox.NamedNode("https://s.example/g")
    store.extend([ox.Quad(e, ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"), label, g)])
    cols, rows = _tables(kg.KnowledgeGraph(store), ("related-labels",))["related-labels"]
    assert [(_value(r[cols["v"]]), _value(r[cols["label"]])) for r in rows] == [(e.value, text)]


@pytest.mark.parametrize("text, rows", [
    ("?a\t?b\n", []),
    ("?a\t?b", []),
    ("?a\t?b\n<x>\t\n", [["<x>", ""]]),
    ("?a\t?b\n<x>\t\"1\"\n\n<y>\t<z>", [["<x>", '"1"'], ["<y>", "<z>"]]),
])
def test_tsv_rows_are_split_one_line_at_a_time(text: str, rows: list) -> None:
    from kg.related import _tsv_rows
    got = _tsv_rows(text, text.find("\n") + 1 if "\n" in text else len(text))
    assert iter(got) is got  # a generator: not every row at once
    assert list(got) == rows


def test_forked_workers_give_the_same_suggestions(small: kg.KnowledgeGraph, monkeypatch) -> None:
    import multiprocessing

    import kg.related
    texts = load_texts(small)
    alone = to_json(related_events(small, jobs=1, texts=texts))
    monkeypatch.setattr(kg.related, "PARALLEL_EVENTS", 0)  # share out even this small site
    monkeypatch.setattr(kg.related, "SPAN_EVENTS", 1)  # in several spans
    forks = []
    real = multiprocessing.get_context
    monkeypatch.setattr(multiprocessing, "get_context", lambda m=None: forks.append(m) or real(m))
    shared = to_json(related_events(small, jobs=2, texts=texts))
    assert forks == ["fork"]
    assert shared == alone and list(shared) == list(alone)


def test_quads_answer_the_related_query(small: kg.KnowledgeGraph) -> None:
    related = related_events(small)
    quads = related_quads(small, related)
    # one graph per event with suggestions, named after the event's path
    assert {q.graph_name.value for q in quads} == {
        "https://site.example.org/id/graph/related/events/" + e.rsplit("/", 1)[1] for e, s in related.items() if s}
    assert graph_name(small, ev("2024-02-10-alpha-two")) == \
        "https://site.example.org/id/graph/related/events/2024-02-10-alpha-two"
    for g in {q.graph_name for q in quads}:
        small.store.remove_graph(g)  # the build stored its own already
    small.store.bulk_extend(quads)
    rows = run_query("related", small, event="/events/2024-02-10-alpha-two").records()
    expected = related[ev("2024-02-10-alpha-two")]
    assert [r["rank"] for r in rows] == list(range(1, len(expected) + 1))
    assert [r["related"] for r in rows] == urls(expected)
    assert rows[0]["title"] == "Alpha Forum: harbours" and rows[0]["date"] == "2024-01-10"
    assert set(rows[0]["reasons"].split("; ")) == set(expected[0].reasons)
    assert float(rows[0]["score"]) == pytest.approx(expected[0].score, abs=1e-4)


# -- the real site -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def corpus_related(tmp_path_factory: pytest.TempPathFactory):
    if not (CORPUS / "_config.yml").is_file():
        pytest.skip(f"corpus not found at {CORPUS}: the connectedbydata.org snapshot is not beside the repo")
    graph = kg.build_site(CORPUS, tmp_path_factory.mktemp("related-corpus"))
    started = time.perf_counter()
    related = related_events(graph)
    seconds = time.perf_counter() - started
    return graph, related, seconds


def test_corpus_series_meetings_lead(corpus_related) -> None:
    graph, related, _ = corpus_related
    big = [s for s in graph.report["series"] if len(s["events"]) >= 5]
    assert any(s["name"] == "Connected Conversation" for s in big)
    for series in big:
        members = set(series["events"])
        for event in series["events"]:
            top5 = urls(related[event][:5])
            assert len(top5) == 5
            inside = sum(u in members for u in top5)
            assert inside >= 4, f"{event}: only {inside} of its top 5 are meetings of {series['name']}"
            assert f"same series: {series['name']}" in related[event][0].reasons


ASK_SHARED = """PREFIX schema: <https://schema.org/>
PREFIX kg: <https://w3id.org/kg/ns#>
ASK {
  { ?a schema:superEvent ?x . ?b schema:superEvent ?x } UNION
  { ?a schema:performer ?x . ?b schema:performer ?x } UNION
  { ?a kg:participation/kg:affiliation ?x . ?b kg:participation/kg:affiliation ?x } UNION
  { ?a kg:project/kg:parentProject* ?x . ?b kg:project/kg:parentProject* ?x } UNION
  { ?a schema:about ?x . ?b schema:about ?x } UNION
  { ?a schema:author ?x . ?b schema:author ?x } UNION
  { ?a schema:mentions ?b } UNION { ?b schema:mentions ?a }
}"""


def test_corpus_no_self_and_every_suggestion_shares_something(corpus_related) -> None:
    graph, related, _ = corpus_related
    texts = load_texts(graph)
    titles = {row["e"].value: row["t"].value for row in graph.query(
        "SELECT ?e ?t WHERE { ?e a <https://schema.org/Event> ; <http://www.w3.org/2000/01/rdf-schema#label> ?t }")}
    assert len(related) == graph.report["files_by_kind"]["event"]
    for event, suggestions in related.items():
        assert event not in urls(suggestions)
        assert len(set(urls(suggestions))) == len(suggestions)
        for s in suggestions:
            shared = graph.store.query(ASK_SHARED, use_default_graph_as_union=True, substitutions={
                ox.Variable("a"): ox.NamedNode(event), ox.Variable("b"): ox.NamedNode(s.url)})
            if shared:
                continue
            text = [r for r in s.reasons if r.startswith("similar text (")]
            assert text, f"{event} -> {s.url} shares nothing: {s.reasons}"
            for word in text[0][len("similar text ("):-1].split(", "):
                for iri in (event, s.url):
                    body = (texts.get(iri, "") + " " + (titles.get(iri) or "")).lower().replace("’", "'")
                    assert word in body, f"{word!r} not in {iri}"


def test_corpus_is_quick(corpus_related) -> None:
    _, related, seconds = corpus_related
    assert seconds < 10, f"related events of the corpus took {seconds:.1f}s"
    assert sum(len(v) for v in related.values()) > 1000


def test_format_related(small: kg.KnowledgeGraph) -> None:
    related = related_events(small)
    assert json.loads(format_related(related, "json")) == json.loads(json.dumps(to_json(related)))
    lonely = {"https://x.example.org/events/a": [], **related}
    assert json.loads(format_related(lonely, "json")) == to_json(lonely) and format_related({}, "json") == "{}\n"
    text = format_related(related, "json")  # one suggestion a line, for people to read
    assert len(text.rstrip("\n").split("\n")) == 2 + sum(len(v) + 2 if v else 1 for v in related.values())
    lines = format_related(related, "csv").splitlines()
    assert lines[0] == "event,rank,related,title,date,score,reasons"
    assert len(lines) == 1 + sum(len(v) for v in related.values())
    assert "Alpha Forum: harbours" in format_related(related, "table")
    # written out an event at a time (at 100,000 events the text is 0.3 GB): each piece's rows are whole
    import csv
    import io
    with_some = sum(1 for v in related.values() if v)
    for fmt in ("csv", "tsv"):
        pieces = list(related_text(related, fmt))
        assert len(pieces) == 1 + with_some and pieces[0].count("\n") == 1, fmt
    assert [len(list(csv.reader(io.StringIO(piece)))) for piece in related_text(related, "csv")][1:] == \
        [len(v) for v in related.values() if v]
    assert len(list(related_text(related, "json"))) == 1 + len(related) and "".join(related_text({}, "json")) == "{}\n"


def test_site_folder_may_be_given(small: kg.KnowledgeGraph) -> None:
    moved = kg.KnowledgeGraph(small.store, {"base_url": small.report["base_url"]})  # report without its site
    tidal = ev("2024-07-01-tidal-energy")
    assert related_events(moved)[tidal] == []  # no files, no text
    assert urls(related_events(moved, site=small.report["site"])[tidal]) == [ev("2026-09-01-estuary-turbines")]


def test_ties_do_not_depend_on_the_hash_seed(make_site, tmp_path: Path) -> None:
    """With room for one candidate, an event with two equally telling speakers must pick
    the same one in every process (set order changes with PYTHONHASHSEED)."""
    import os
    import subprocess
    import sys

    talk = "---\ntitle: {t}\ndate: 2024-0{m}-01\nspeakers:\n{s}---\nWords.\n"
    people = [f"  - name: Person {c}\n" for c in "ABCDEFGH"]
    files = {"_events/2024-01-01-all.md": talk.format(t="All", m=1, s="".join(people))}
    for i, p in enumerate(people):
        files[f"_events/2024-02-0{i + 1}-one-{i}.md"] = talk.format(t=f"One {i}", m=2, s=p)
    site = make_site(files)
    kg.build_site(site, tmp_path / "g")
    script = ("import json, kg; from kg.related import related_events, to_json; "
              f"print(json.dumps(to_json(related_events(kg.open_graph({str(tmp_path / 'g')!r}), "
              "weights={'max_candidates': 1, 'signals': {'text': 0}}))))")
    outputs = {subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                              env={**os.environ, "PYTHONHASHSEED": str(seed)}).stdout for seed in range(1, 6)}
    assert len(outputs) == 1
    first = json.loads(outputs.pop())["https://site.example.org/events/2024-01-01-all"]
    assert len(first) == 1 and first[0]["reasons"][0] == "shares speaker Person A"


def test_forking_beside_threads_is_not_warned_about(small: kg.KnowledgeGraph, monkeypatch) -> None:
    """An open Oxigraph store runs threads; Python 3.12+ warns when such a process forks.
    The workers never touch the store: kg's forks pass without the warning, others not."""
    import os
    import warnings

    import kg.related
    real_fork = os.fork

    def fork_warning_as_3_12_does():
        warnings.warn(f"This process (pid={os.getpid()}) is multi-threaded, use of fork() may lead to "
                      "deadlocks in the child.", DeprecationWarning, stacklevel=2)
        return real_fork()
    monkeypatch.setattr(os, "fork", fork_warning_as_3_12_does)
    monkeypatch.setattr(kg.related, "PARALLEL_EVENTS", 0)
    monkeypatch.setattr(kg.related, "SPAN_EVENTS", 1)  # in several spans
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        related_events(small, jobs=2)  # forks: would raise the warning as an error
        monkeypatch.setattr(os, "fork", lambda: warnings.warn(
            "This process (pid=1) is multi-threaded, use of fork() may lead to deadlocks in the child.",
            DeprecationWarning) or -1)  # warns, never forks the test run
        with pytest.raises(DeprecationWarning):
            os.fork()  # outside kg's forks it still warns


@given(st.dictionaries(st.from_regex(r"[a-z'’é]{3,12}", fullmatch=True), st.integers(1, 10**6), max_size=40))
def test_compact_terms_hold_the_counts_in_order(counts: dict) -> None:
    import pickle

    from kg.words import Terms
    terms = Terms(counts)
    assert terms.as_dict() == counts and list(terms) == list(counts) and len(terms) == len(counts)
    assert terms == counts and dict(terms) == counts
    again = pickle.loads(pickle.dumps(terms))
    assert again.as_dict() == counts and list(again.as_dict()) == list(counts)


@given(st.lists(st.dictionaries(st.from_regex(r"[a-z'’é]{3,12}", fullmatch=True), st.integers(1, 10**6),
                                max_size=20), max_size=8))
def test_packed_terms_come_back_as_they_were(pages: list) -> None:
    import pickle

    from kg.words import Terms, pack_terms, unpack_terms
    back = unpack_terms(*pickle.loads(pickle.dumps(pack_terms([Terms(c) for c in pages]))))
    assert [t.as_dict() for t in back] == pages and [list(t) for t in back] == [list(c) for c in pages]


def test_compact_terms_score_as_their_dicts(small: kg.KnowledgeGraph) -> None:
    from kg.words import Terms, body_terms
    texts = load_texts(small)
    plain = {e: body_terms(t) for e, t in texts.items()}
    assert to_json(related_events(small, terms={e: Terms(c) for e, c in plain.items()})) == \
        to_json(related_events(small, terms=plain))


def test_text_vectors_are_tf_idf_over_folded_counts() -> None:
    """The text signal's vectors, against a plain reimplementation: plurals folded into
    singulars the site also uses, idf from how many pages hold a term (not how often)."""
    import math
    from types import SimpleNamespace

    from kg.related import _plurals, _tfidf
    from kg.words import Terms, body_terms
    bodies = {"a": "rights rights rights and bees", "b": "right of bees, bees, honey", "c": "honey right",
              "d": "weather and honey"}
    data = SimpleNamespace(iris=sorted(bodies), titles=[None] * len(bodies))
    counts = {e: body_terms(t) for e, t in bodies.items()}
    for terms in (counts, {e: Terms(c) for e, c in counts.items()}):
        text = _tfidf(data, {}, terms, 100, 100)
        fold = _plurals({t for c in counts.values() for t in c})
        folded = []
        for e in data.iris:
            c: dict = {}
            for t, k in counts[e].items():
                c[fold.get(t, t)] = c.get(fold.get(t, t), 0) + k
            folded.append(c)
        df = {t: sum(t in c for c in folded) for c in folded for t in c}
        idf = {t: math.log(len(folded) / k) for t, k in df.items()}
        for e, c, vector in zip(data.iris, folded, text.kept):
            w = {t: (1 + math.log(k)) * idf[t] for t, k in c.items() if idf[t] > 0}
            norm = math.sqrt(sum(x * x for x in w.values()))
            assert vector == pytest.approx({t: x / norm for t, x in w.items() if df[t] >= 2}), e
        assert text.kept[0]["right"] > 0  # "rights" (three times in a) counted as "right", once a page


def test_terms_with_spaces_from_a_caller_are_scored_as_given(small: kg.KnowledgeGraph) -> None:
    """kg's own terms have no spaces and are held compactly; a caller's may have them."""
    from kg.words import Terms
    with pytest.raises(ValueError):
        Terms({"machine learning": 3, "data": 2})
    texts = load_texts(small)
    given = {e: {"machine learning": 2, "bees": 1} for e in list(texts)[:3]}
    related = related_events(small, terms=given, weights={"signals": {k: 0 for k in (
        "series", "speaker", "organisation", "project", "parent_project", "topic", "author", "link",
        "series_neighbour")}})
    shared = [r for e in given for s in related[e] if s.url in given for r in s.reasons]
    assert shared and any("machine learning" in r for r in shared)  # the term whole, not split


def test_no_suggestions_need_no_base_url() -> None:
    from kg.related import related_nquads
    graph = kg.KnowledgeGraph(ox.Store(), {})  # made in memory, no build report
    assert list(related_nquads(graph, {"https://s.example/e": []})) == []
    with pytest.raises(kg.KgError, match="base_url"):
        list(related_nquads(graph, {"https://s.example/e": [Suggestion("https://s.example/f", "F", None, 1.0)]}))


def _linked_data(fillers: int):
    """A hub page linking to 40 undated pages (equal scores), after ``fillers`` other
    pages whose IRIs sort first."""
    from kg.related import PAIR_SIGNALS, SET_SIGNALS, _Data
    linked = [f"https://x.example/o{i:02d}" for i in range(40)]
    iris = sorted([f"https://x.example/a{i:04d}" for i in range(fillers)] + linked + ["https://x.example/hub"])
    index = {iri: i for i, iri in enumerate(iris)}
    n, none = len(iris), frozenset()
    hub = index["https://x.example/hub"]
    link = [none] * n
    link[hub] = frozenset(index[o] for o in linked)
    for o in linked:
        link[index[o]] = frozenset([hub])
    forward = [none] * n
    forward[hub] = link[hub]
    return _Data(iris=iris, index=index, titles=[None] * n, dates=[()] * n,
                 values={s: [none] * n for s in SET_SIGNALS}, labels={},
                 edges={"link": link, "series_neighbour": [none] * n},
                 forward={"link": forward, "series_neighbour": [none] * n},
                 direct_projects=[none] * n), linked


@pytest.mark.parametrize("fillers", [0, 100, 101, 150])
def test_equal_scores_go_to_the_lower_iri_whatever_the_events_numbers(fillers: int) -> None:
    """Which of many equal candidates are kept does not depend on the events' numbers
    (which shift as events come and go), so a rebuild that keeps an event's list (same
    inputs digest) agrees with a clean build."""
    from kg.related import _score
    data, linked = _linked_data(fillers)
    w = load_weights()
    digests: dict[str, str] = {}
    got = _score(data, {}, {}, w, 10, 1, keep=lambda iri, d: bool(digests.setdefault(iri, d)) and False)
    assert [s.url for s in got["https://x.example/hub"]] == linked[:10]
    baseline, _ = _linked_data(0)
    base: dict[str, str] = {}
    _score(baseline, {}, {}, w, 10, 1, keep=lambda iri, d: bool(base.setdefault(iri, d)) and False)
    assert digests["https://x.example/hub"] == base["https://x.example/hub"]


_WORDS = ["bee", "bees", "right", "rights", "jury", "juries", "box", "boxes", "data", "honey", "civic", "forum"]


@given(st.lists(st.tuples(st.lists(st.sampled_from(_WORDS), max_size=4),
                          st.lists(st.sampled_from(_WORDS), max_size=12)), min_size=0, max_size=9),
       st.integers(0, 5), st.integers(1, 6), st.integers(1, 4), st.booleans())
def test_text_signal_equals_a_per_event_loop(pages: list, keep: int, max_postings: int, span: int,
                                             counted: bool) -> None:
    """The text signal works on spans of events' terms at once; against the plain loop
    over events it replaces, with few words so that weights tie often: the same kept
    terms in the same order (larger weight first, then the larger term), the same weights
    to the last bit, the same postings (spans of a few events, so that they meet; bodies
    as text, or counted beforehand as the build counts them)."""
    import heapq
    import math
    from types import SimpleNamespace

    import kg.related
    from kg.related import _plurals, _tfidf
    from kg.words import add_terms, body_terms
    titles = [" ".join(t) or None for t, _ in pages]
    bodies = {f"e{i}": " ".join(b) for i, (_, b) in enumerate(pages)}
    data = SimpleNamespace(iris=[f"e{i}" for i in range(len(pages))], titles=titles)
    terms = {e: body_terms(b) for e, b in bodies.items()} if counted else {}
    was = kg.related._SPAN
    kg.related._SPAN = span
    try:
        text = _tfidf(data, {} if counted else bodies, terms, keep, max_postings)
    finally:
        kg.related._SPAN = was
    # the loop: title counts twice, then the body; plurals folded where first met
    raw = []
    for i, iri in enumerate(data.iris):
        c: dict[str, int] = {}
        if titles[i]:
            add_terms(titles[i], 2, c)
        if bodies[iri]:
            add_terms(bodies[iri], 1, c)
        raw.append(c)
    vocabulary = {}
    for c in raw:
        for t in c:
            vocabulary[t] = vocabulary.get(t, 0) + 1
    fold = _plurals(vocabulary)
    folded = []
    for c in raw:
        f: dict[str, int] = {}
        for t, k in c.items():
            f[fold.get(t, t)] = f.get(fold.get(t, t), 0) + k
        folded.append(f)
    docs = sum(1 for f in folded if f)
    df: dict[str, int] = {}
    for f in folded:
        for t in f:
            df[t] = df.get(t, 0) + 1
    kept = []
    for f in folded:
        w = {t: (1.0 + math.log(k)) * math.log(docs / df[t]) for t, k in f.items()}
        norm = 0.0
        for x in w.values():
            norm += x * x
        norm = math.sqrt(norm) or 1.0
        eligible = [(x / norm, t) for t, x in w.items() if df[t] >= 2 and math.log(docs / df[t]) > 0]
        kept.append([(t, x) for x, t in heapq.nlargest(keep, eligible)])
    by: dict[str, list[tuple[int, float]]] = {}
    for i, k in enumerate(kept):
        for t, x in k:
            by.setdefault(t, []).append((i, x))
    postings = {t: p for t, p in by.items() if 2 <= len(p) <= max_postings}
    assert [list(k.items()) for k in text.kept] == [[(t, x) for t, x in k if t in postings] for k in kept]
    assert {t: (ev.tolist(), wo.tolist()) for t, (ev, wo) in text.postings.items()} == \
        {t: ([i for i, _ in p], [x for _, x in p]) for t, p in postings.items()}


def test_kg_related_does_not_read_files_whose_stamps_the_build_kept(make_site, tmp_path: Path, monkeypatch) -> None:
    """kg related takes the build's words for a file whose stamp (size, times, inode) is
    the one the build saw, without reading it to hash it; a touched file is hashed (and,
    its bytes the same, keeps its words)."""
    import os

    import kg.related
    from kg.related import load_terms
    from kg.words import body_terms
    monkeypatch.setattr("kg.frontmatter.SETTLED_NS", 0)  # the files were written just now
    root = make_site(SITE)
    kg.build_site(root, tmp_path / "out")
    kg.build_site(root, tmp_path / "out")  # the records come from the cache: their stamps too
    graph = kg.open_graph(tmp_path / "out")
    fresh = {e: body_terms(t) for e, t in load_texts(graph).items()}
    hashed: list[str] = []
    real = kg.related.hashlib.file_digest
    monkeypatch.setattr(kg.related.hashlib, "file_digest", lambda fh, name: hashed.append(fh.name) or real(fh, name))
    assert load_terms(graph, jobs=1) == fresh and hashed == []
    lunch = root / "_events" / "2024-01-10-lonely-lunch.md"
    os.utime(lunch, ns=(lunch.stat().st_atime_ns, lunch.stat().st_mtime_ns + 10**9))
    assert load_terms(graph, jobs=1) == fresh and hashed == [str(lunch)]


def test_plural_merging_holds_past_two_to_the_31() -> None:
    """Events and terms are numbered in 32 bits; an event's number times the vocabulary
    passes 2**31 on a large site, and must not wrap round (where events 1 and 65,537
    would meet with a vocabulary of 65,536 terms, and their terms be merged)."""
    import numpy as np

    from kg.related import _first_merged
    seg = np.array([1, 1, 65537, 65537], dtype=np.int32)
    terms = np.array([5, 5, 5, 2], dtype=np.int32)
    counts = np.array([1, 2, 5, 7], dtype=np.int32)
    merged = _first_merged(seg, terms, counts, np.array([5, 2]), 65536)
    assert [x.tolist() for x in merged] == [[1, 65537, 65537], [5, 5, 2], [3, 5, 7]]


@pytest.mark.parametrize("raw, counted", [
    # Windows line ends, a form feed on the closing line: Jekyll's closing line (any white
    # space after `---`), not related's own regex, which counted the front matter as words
    (b"---\r\ntitle: A talk\r\ncategory: zanzibarquux\r\n--- \x0c\r\nWe hosted a talk.\r\n", False),
    # old Mac line ends: Jekyll sees no front matter (its lines end at line feeds), so the
    # build counts it as text; related's regex, on the file read with universal newlines, did not
    (b"---\rtitle: A talk\rcategory: zanzibarquux\r---\rWe hosted a talk.\r", True),
], ids=["form-feed-closing-crlf", "old-mac-line-ends"])
def test_texts_of_files_edited_since_the_build_split_front_matter_as_the_build(
        tiny_site: Path, tmp_path: Path, raw: bytes, counted: bool) -> None:
    """`kg related` reads a file edited after the build again, and must take the words the
    build would: it split the front matter off with its own regex, not Jekyll's."""
    from kg.frontmatter import read_file
    from kg.related import load_terms

    graph = kg.build_site(tiny_site, tmp_path / "graph")
    rel = "_events/2024-03-05-ada-talk.md"
    path = tiny_site / rel
    path.write_bytes(raw)
    event = "https://tiny.example.org/events/2024-03-05-ada-talk"
    body = read_file(path, rel).body  # as the build reads it
    assert ("zanzibarquux" in body) is counted
    assert load_texts(graph, tiny_site)[event] == body
    assert any("zanzibar" in word for word in load_terms(graph, tiny_site, jobs=1)[event]) is counted


def test_texts_of_posts_edited_since_the_build_are_read_as_posts(make_site, tmp_path: Path) -> None:
    """A site whose events are posts: a post with a byte order mark is read without it
    (Jekyll::PostReader), so its front matter is no text; read as a collection's file, it
    was a static file whose front matter counted as words."""
    from kg.frontmatter import in_posts
    from kg.mapping import default_mapping_path

    mapping = tmp_path / "mapping.yml"
    text = default_mapping_path().read_text(encoding="utf-8")
    text = text.replace("    collection: posts\n", "    collection: blog\n", 1)  # (the shipped post kind's)
    mapping.write_text(text.replace("    collection: events\n", "    collection: posts\n", 1), encoding="utf-8")
    site = make_site({"_posts/2024-03-05-a.md": "---\ntitle: A talk\n---\nWe hosted a talk.\n",
                      "_posts/2024-03-06-b.md": "---\ntitle: B talk\n---\nWe hosted another talk.\n"})
    graph = kg.build_site(site, tmp_path / "graph", mapping=mapping)
    (site / "_posts/2024-03-05-a.md").write_bytes(
        "\ufeff---\ntitle: A talk\ncategory: zanzibarquux\n---\nWe hosted a talk.\n".encode("utf-8"))
    [text] = [t for e, t in load_texts(graph, site).items() if e.endswith("/2024/03/05/a.html")]
    assert "zanzibarquux" not in text and "We hosted a talk." in text
    assert in_posts("_posts/x.md") and in_posts("blog/_posts/2024/x.md") and not in_posts("_events/x.md")
    assert not in_posts("_posts")


def test_events_without_pages_are_said_once_by_build_and_related(make_site, tmp_path: Path) -> None:
    """On scala-lang.org the events' collection has `output: false`: the events are in the
    graph, but no page of theirs to suggest. The build warns once, at the setting, and
    `kg related` (listing, or writing the site's data) says the same on stderr, rather
    than 0 rows and empty files without a word."""
    from click.testing import CliRunner

    from kg.cli import cli
    config = ("url: https://site.example.org\ncollections:\n  events:\n    output: false\n"
              "  topics:\n    output: true\n")
    site = make_site({"_config.yml": config,
                      "_topics/tides.md": "---\ntitle: Tides\n---\n",
                      "_events/2024-01-10-tide-talk.md": "---\ntitle: Tide talk\ntopics: [Tides]\n---\nTides.\n",
                      "_events/2024-02-10-tide-walk.md": "---\ntitle: Tide walk\ntopics: [Tides]\n---\nTides.\n"})
    out = tmp_path / "g"
    graph = kg.build_site(site, out)
    said = [d for d in graph.report["diagnostics"] if d["code"] == "no-event-pages"]
    assert said == [{
        "code": "no-event-pages", "severity": "warning", "path": "_config.yml", "line": 4,
        "key": "collections.events.output", "value": "false",
        "message": "collection `events` has `output: false`: Jekyll makes no page of its 2 events, so kg finds no "
                   "related events (each suggestion is a page to link to) and `kg related --site` writes none",
        "hint": "if the events should have pages, set `output: true` under `events:` in `collections:`; if not, "
                "nothing to do"}]
    assert len(run_query("events", graph).rows) == 2  # (the events are there, under /id/event/…)
    warning = ("Warning: _config.yml:4: collection `events` has `output: false`: Jekyll makes no page of its 2 "
               "events")
    listed = CliRunner().invoke(cli, ["related", "--graph", str(out), "--format", "json"])
    assert listed.exit_code == 0 and listed.stdout.strip() == "{}"
    assert listed.stderr.count(warning) == 1
    written = CliRunner().invoke(cli, ["related", "--graph", str(out), "--site", str(site)])
    assert written.exit_code == 0 and written.stderr.count(warning) == 1
    # with pages, nothing to say
    (site / "_config.yml").write_text(config.replace("output: false", "output: true"))
    graph = kg.build_site(site, out)
    assert not [d for d in graph.report["diagnostics"] if d["code"] == "no-event-pages"]
    assert "Warning" not in CliRunner().invoke(cli, ["related", "--graph", str(out)]).stderr


PAGELESS_CONFIG = "url: https://site.example.org\ncollections:\n  events:\n    output: false\n"
PAGELESS_SAID = ("_config.yml:4: collection `events` has `output: false`: Jekyll makes no page of its 2 events, so kg "
                 "finds no related events (each suggestion is a page to link to) and `kg related --site` writes "
                 "none. Hint: if the events should have pages, set `output: true` under `events:` in "
                 "`collections:`; if not, nothing to do")


def test_related_events_says_why_events_without_pages_have_none(make_site) -> None:
    """`kg.related_events(graph)` gave `{}` without a word where `kg related` warned: the
    API says it too, to its `warn` (by default a Python warning), once, and so does
    `export_site`; a build keeps it to its report."""
    import warnings

    from kg.jekyll import export_site, read_data
    site = make_site({"_config.yml": PAGELESS_CONFIG,
                      "_events/2024-01-10-tide-talk.md": "---\ntitle: Tide talk\n---\nTides.\n",
                      "_events/2024-02-10-tide-walk.md": "---\ntitle: Tide walk\n---\nTides.\n"})
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # (the build says it in its report, not as a warning)
        graph = kg.build_site(site)
    with pytest.warns(UserWarning) as caught:
        assert related_events(graph) == {}
    assert [str(w.message) for w in caught] == [PAGELESS_SAID] and caught[0].filename == __file__
    said: list[str] = []
    assert related_events(graph, warn=said.append, each=lambda e, s: None) == {} and said == [PAGELESS_SAID]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert related_events(graph, warn=None) == {}
        said.clear()
        export_site(graph, site, warn=said.append, includes=False)
    assert said == [PAGELESS_SAID] and read_data(site / "_data" / "related_events.json") == {}
    with pytest.warns(UserWarning, match=re.escape(PAGELESS_SAID)):
        export_site(graph, site, includes=False)
    # with pages, nothing to say
    (site / "_config.yml").write_text(PAGELESS_CONFIG.replace("output: false", "output: true"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert len(related_events(kg.build_site(site))) == 2


def test_events_of_a_collection_listed_without_output_are_said(make_site) -> None:
    """`collections: [events]` (a list) gives the events no output, as in Jekyll."""
    site = make_site({"_config.yml": "url: https://site.example.org\ncollections: [events]\n",
                      "_events/2024-01-10-a.md": "---\ntitle: A\n---\n"})
    [said] = [d for d in kg.build_site(site).report["diagnostics"] if d["code"] == "no-event-pages"]
    assert said["message"].startswith("collection `events` has no `output: true`: Jekyll makes no page of its 1 event,")
    assert "(written as a list, collections have no output)" in said["hint"] and said["line"] == 2
