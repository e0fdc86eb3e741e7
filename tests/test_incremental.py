"""Incremental builds: a rebuild into the same folder equals a clean build, having read
only the files that changed."""
import json
import re
import shutil
import threading
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

import kg
import kg.build
import kg.related
import kg.forks
import kg.store
from kg.mapping import default_mapping_path

VOLATILE = {"seconds", "stages", "incremental"}


def outputs(folder: Path) -> tuple[bytes, set, dict]:
    store = ox.Store.read_only(str(folder / "store"))
    quads = {str(q) for q in store.quads_for_pattern(None, None, None, None)}
    report = {k: v for k, v in json.loads((folder / "report.json").read_text()).items() if k not in VOLATILE}
    return (folder / "graph.nq").read_bytes(), quads, report


@pytest.mark.parametrize("share, batch", [(0.0, 16 << 20), (1.0, 16 << 20), (0.0, 1)],
                         ids=["fresh-store", "replace-graphs", "one-graph-batches"])
def test_change_add_delete_equal_a_clean_build(tiny_site: Path, tmp_path: Path, monkeypatch, share: float,
                                               batch: int) -> None:
    monkeypatch.setattr("kg.store.REBUILD_SHARE", share)  # every way of updating the store
    monkeypatch.setattr("kg.store.BATCH_BYTES", batch)    # 1: each graph loads alone, a reload is
                                                         # decided in the middle of the graphs
    inc = tmp_path / "inc"
    kg.build_site(tiny_site, inc)
    first = kg.build_site(tiny_site, inc)  # nothing changed
    related = sum(1 for g in json.loads((inc / "cache" / "graphs.json").read_text()) if "/graph/related/" in g)
    assert related > 0
    assert first.report["incremental"] == {"files_reused": 11, "files_read": 0, "file_graphs_reused": 11,
                                           "related_graphs_reused": related, "related_events_scored": 0, "graphs_written": 0,
                                           "graphs_removed": 0}
    talk = tiny_site / "_events" / "2024-03-05-ada-talk.md"
    talk.write_text(talk.read_text().replace("Director", "Chief Executive"))          # change
    (tiny_site / "_events" / "2024-04-20-duplicate-project.md").unlink()               # delete
    (tiny_site / "_events" / "2024-05-01-third-meetup.md").write_text(                 # add, joins a series
        "---\ntitle: Tiny Meetup\ndate: 2024-05-01\nproject: Tiny Meetup Group\n---\n"
        "The third meeting. See [the second](/events/2024-02-14-tiny-meetup).\n")
    hashes_before = json.loads((inc / "cache" / "graphs.json").read_text())
    again = kg.build_site(tiny_site, inc)
    hashes_after = json.loads((inc / "cache" / "graphs.json").read_text())
    assert again.report["incremental"]["graphs_written"] == len(
        [g for g, h in hashes_after.items() if hashes_before.get(g) != h])  # whichever way the store was updated
    # removed: the deleted file's graph and the graph of its related events
    assert again.report["incremental"]["files_read"] == 2 and again.report["incremental"]["graphs_removed"] == 2
    assert again.report["incremental"]["file_graphs_reused"] <= 9
    clean = tmp_path / "clean"
    kg.build_site(tiny_site, clean, incremental=False)
    assert outputs(inc) == outputs(clean)
    assert again.report["quads"] == len(kg.open_graph(inc)) == len(kg.open_graph(clean))  # counted as written
    rows = kg.run_query("series", inc).records()
    assert [r["position"] for r in rows] == [1, 2, 3]
    assert {r["title"] for r in kg.run_query("speakers", inc).records()} == {"Chief Executive"}


def test_unchanged_files_whose_references_change_get_new_graphs(make_site, tmp_path: Path) -> None:
    """A file's graph depends on other files (the titles it names, the pages it links
    to, the people and organisations its speakers resolve to): when those change, the
    unchanged file's graph is made again, and the result equals a clean build."""
    site = make_site({
        "_projects/garden.md": "---\ntitle: Garden Project\n---\nGardens.\n",
        "_events/2024-01-10-one.md": "---\ntitle: One\ndate: 2024-01-10\nproject: Garden Project\n---\n"
                                     "Speakers: Ada Lovelace (Analytical Engines). See [later](/events/two).\n",
        "_events/2024-02-10-three.md": "---\ntitle: Three\ndate: 2024-02-10\nproject: Bee Project\n---\n"
                                       "Speakers: Ada Lovelace (Engines Ltd).\n",
        "_events/2024-03-10-four.md": "---\ntitle: Four\ndate: 2024-03-10\n---\nNothing here refers.\n",
    })
    inc = tmp_path / "inc"
    kg.build_site(site, inc)
    assert kg.build_site(site, inc).report["incremental"]["file_graphs_reused"] == 4
    (site / "_projects" / "garden.md").write_text("---\ntitle: Allotment Project\n---\nGardens.\n")  # one: unresolved
    (site / "_projects" / "bees.md").write_text("---\ntitle: Bee Project\n---\nBees.\n")  # three: resolves now
    (site / "_events" / "two.md").write_text("---\ntitle: Two\ndate: 2024-01-20\n---\nThe link's target.\n")
    again = kg.build_site(site, inc)
    clean = tmp_path / "clean"
    kg.build_site(site, clean, incremental=False)
    assert outputs(inc) == outputs(clean)
    # only "four" asks the same questions as before and gets the same answers
    assert again.report["incremental"]["file_graphs_reused"] == 1
    codes = {(d["code"], d.get("path")) for d in again.report["diagnostics"]}
    assert ("unresolved-reference", "_events/2024-01-10-one.md") in codes
    assert ("unresolved-reference", "_events/2024-02-10-three.md") not in codes
    # and unchanged again: everything reused, the problems found last time reported again
    third = kg.build_site(site, inc)
    assert third.report["incremental"]["file_graphs_reused"] == 6
    assert {(d["code"], d.get("path")) for d in third.report["diagnostics"]} == codes
    assert outputs(inc) == outputs(clean)


def test_an_edit_that_makes_a_page_call_itself_a_meeting_changes_the_series(make_site, tmp_path: Path) -> None:
    """The series are worked out again only when what records say beyond their text
    changes; "In this Data Drinks we heard…" written into a body is such a change."""
    drinks = "---\ntitle: \"Data Drinks: {}\"\ndate: 2024-0{}-01\nproject: Pubs\n---\nTalks.\n"
    site = make_site({
        "_projects/pubs.md": "---\ntitle: Pubs\n---\n",
        "_events/2024-01-01-a.md": drinks.format("maps", 1),
        "_events/2024-02-01-b.md": drinks.format("health", 2),
        "_events/2024-03-01-norms.md": "---\ntitle: Robust norms\ndate: 2024-03-01\nproject: Pubs\n---\nTalks.\n",
    })
    inc = tmp_path / "inc"
    assert [len(s["events"]) for s in kg.build_site(site, inc).report["series"]] == [2]
    (site / "_events" / "2024-03-01-norms.md").write_text(
        "---\ntitle: Robust norms\ndate: 2024-03-01\nproject: Pubs\n---\nIn this Data Drinks we heard talks.\n")
    assert [len(s["events"]) for s in kg.build_site(site, inc).report["series"]] == [3]
    clean = tmp_path / "clean"
    kg.build_site(site, clean, incremental=False)
    assert outputs(inc) == outputs(clean)


def test_a_new_staff_page_rereads_the_events(tiny_site: Path, tmp_path: Path) -> None:
    """Speaker extraction uses the staff names, so a new people page re-reads every event."""
    kg.build_site(tiny_site, tmp_path / "inc")
    (tiny_site / "_people" / "cora-new.md").write_text("---\ntitle: Cora Newcomb\n---\n")
    again = kg.build_site(tiny_site, tmp_path / "inc")
    assert again.report["incremental"]["files_read"] == 1 + 4 + 2 + 2 + 1  # the page, and all but people
    kg.build_site(tiny_site, tmp_path / "clean", incremental=False)
    assert outputs(tmp_path / "inc") == outputs(tmp_path / "clean")


def test_a_changed_mapping_throws_the_cache_away(tiny_site: Path, tmp_path: Path) -> None:
    kg.build_site(tiny_site, tmp_path / "inc")
    mapping = tmp_path / "mapping.yml"
    shutil.copy(default_mapping_path(), mapping)
    mapping.write_text(mapping.read_text().replace("subtitle: {property: schema:alternativeHeadline}",
                                                   "subtitle: {property: schema:description}", 1))
    again = kg.build_site(tiny_site, tmp_path / "inc", mapping=mapping)
    assert again.report["incremental"]["files_reused"] == 0


def test_a_damaged_cache_is_ignored(tiny_site: Path, tmp_path: Path) -> None:
    kg.build_site(tiny_site, tmp_path / "inc")
    (tmp_path / "inc" / "cache" / "records.pickle").write_bytes(b"not a pickle")
    (tmp_path / "inc" / "cache" / "graphs.json").write_text("{broken")
    again = kg.build_site(tiny_site, tmp_path / "inc")
    assert again.report["incremental"]["files_reused"] == 0
    kg.build_site(tiny_site, tmp_path / "clean", incremental=False)
    assert outputs(tmp_path / "inc") == outputs(tmp_path / "clean")


def test_the_same_site_by_another_path_reuses_the_cache(tiny_site: Path, tmp_path: Path, monkeypatch) -> None:
    kg.build_site(tiny_site.resolve(), tmp_path / "inc")
    monkeypatch.chdir(tiny_site.parent)
    again = kg.build_site(Path(tiny_site.name), tmp_path / "inc")
    assert again.report["incremental"]["files_reused"] == 11


def test_graphs_written_counts_only_changed_graphs_after_a_reload(tiny_site: Path, tmp_path: Path,
                                                                  monkeypatch) -> None:
    monkeypatch.setattr("kg.store.REBUILD_SHARE", 0.0)  # any change reloads the whole store
    kg.build_site(tiny_site, tmp_path / "inc")
    before = json.loads((tmp_path / "inc" / "cache" / "graphs.json").read_text())
    talk = tiny_site / "_events" / "2024-03-05-ada-talk.md"
    talk.write_text(talk.read_text().replace("Director", "Chief Executive"))
    again = kg.build_site(tiny_site, tmp_path / "inc")
    after = json.loads((tmp_path / "inc" / "cache" / "graphs.json").read_text())
    changed = [g for g, h in after.items() if before.get(g) != h]
    assert changed and again.report["incremental"]["graphs_written"] == len(changed)


@pytest.mark.parametrize("fail_at", ["graph-spans.json", "graphs.json", "report.json"])
def test_a_build_stopped_after_the_store_swap_does_not_mislead_the_next(tiny_site: Path, tmp_path: Path,
                                                                         monkeypatch, fail_at: str) -> None:
    """The store and the hashes that say what it holds must never disagree: a build
    stopped between the two would make the next one skip graphs the store lacks."""
    inc = tmp_path / "inc"
    talk = tiny_site / "_events" / "2024-03-05-ada-talk.md"
    original = talk.read_text()
    kg.build_site(tiny_site, inc)
    talk.write_text(original.replace("Director", "Chief Executive"))
    real = kg.store.write_json

    def stopped(path: Path, data, **kwargs) -> None:
        if path.name == fail_at:
            raise KeyboardInterrupt("stopped here")
        real(path, data, **kwargs)
    monkeypatch.setattr("kg.store.write_json", stopped)
    with pytest.raises(KeyboardInterrupt):
        kg.build_site(tiny_site, inc)
    monkeypatch.setattr("kg.store.write_json", real)
    talk.write_text(original)  # back as it was: the previous hashes match again
    kg.build_site(tiny_site, inc)
    kg.build_site(tiny_site, tmp_path / "clean", incremental=False)
    assert outputs(inc) == outputs(tmp_path / "clean")


def test_a_failed_build_leaves_the_last_inputs_and_no_half_written_file(tiny_site: Path, tmp_path: Path,
                                                                         monkeypatch) -> None:
    """What each file's graph was made from is written as the graphs are made, under a
    temporary name: a build that fails later drops it, and the last build's stays."""
    inc = tmp_path / "inc"
    kg.build_site(tiny_site, inc)
    cache = inc / "cache"
    before = (cache / "graph-inputs.pickle").read_bytes()
    talk = tiny_site / "_events" / "2024-03-05-ada-talk.md"
    talk.write_text(talk.read_text().replace("Director", "Chief Executive"))

    def failing(*args, **kwargs):
        assert list(cache.glob(".graph-inputs.*")), "written as the graphs are made"
        raise KeyboardInterrupt("stopped here")
    monkeypatch.setattr("kg.build.related_events", failing)
    with pytest.raises(KeyboardInterrupt):
        kg.build_site(tiny_site, inc)
    assert list(cache.glob(".*")) == [] and (cache / "graph-inputs.pickle").read_bytes() == before
    monkeypatch.undo()
    (cache / ".graph-inputs.left-by-a-killed-build.tmp").write_bytes(b"half")  # (no exception to clean it)
    again = kg.build_site(tiny_site, inc)
    assert again.report["incremental"]["file_graphs_reused"] == 10 and list(cache.glob(".*")) == []
    kg.build_site(tiny_site, tmp_path / "clean", incremental=False)
    assert outputs(inc) == outputs(tmp_path / "clean")


def test_related_events_are_not_worked_out_again_when_nothing_they_read_changed(tiny_site: Path, tmp_path: Path,
                                                                                 monkeypatch) -> None:
    """A rebuild whose changes touch none of the quads related events are read from
    (values, dates, labels, links) and no event's words keeps every suggestion without
    reading the tables or scoring anything; a change to any of those works them out."""
    import kg.build
    inc, clean = tmp_path / "inc", tmp_path / "clean"
    kg.build_site(tiny_site, inc)
    calls: list[int] = []
    real = kg.build.related_events
    monkeypatch.setattr("kg.build.related_events", lambda *a, **k: calls.append(1) or real(*a, **k))
    project = tiny_site / "_projects" / "2024-tiny-commons.md"
    project.write_text(project.read_text().replace("umbrella project.", "umbrella project, and more."))
    again = kg.build_site(tiny_site, inc)
    assert calls == [] and again.report["incremental"]["related_events_scored"] == 0
    kg.build_site(tiny_site, clean, incremental=False)
    assert outputs(inc) == outputs(clean)
    event = tiny_site / "_events" / "2024-03-05-ada-talk.md"
    for path, old, new in [(project, "subtitle: The parent project", "subtitle: The parent"),  # not read: kept
                           (project, "completed: false", "completed: true"),  # not read: kept
                           (project, "title: Tiny Commons", "title: Tiny Common Ground"),  # a label: worked out
                           (event, "Director", "Chief Executive"),  # the event's words: worked out
                           ]:
        calls.clear()
        path.write_text(path.read_text().replace(old, new))
        got = kg.build_site(tiny_site, inc)
        assert got.report["incremental"]["graphs_written"] >= 1  # the file's graph changed
        assert calls == ([] if old.startswith(("subtitle", "completed")) else [1]), old
        kg.build_site(tiny_site, clean, incremental=False)
        assert outputs(inc) == outputs(clean), old
    calls.clear()
    (tiny_site / "_kg").mkdir(exist_ok=True)
    (tiny_site / "_kg" / "related.yml").write_text("top: 2\n")  # the site's weights: worked out
    kg.build_site(tiny_site, inc)
    assert calls == [1]
    kg.build_site(tiny_site, clean, incremental=False)
    assert outputs(inc) == outputs(clean)


def test_related_tables_are_read_again_only_when_their_quads_changed(tiny_site: Path, tmp_path: Path,
                                                                     monkeypatch) -> None:
    """When only an event's words change, suggestions are worked out again from
    the tables the last build read (kept in cache/), not read from the store; a change
    to a quad they are read from (a title) reads them again, and so does a build whose
    kept tables are not those of the graphs it compares with."""
    import kg.related
    inc, clean = tmp_path / "inc", tmp_path / "clean"
    kg.build_site(tiny_site, inc)
    reads: list[int] = []
    real = kg.related._read
    monkeypatch.setattr(kg.related, "_read", lambda *a, **k: reads.append(1) or real(*a, **k))
    calls: list[int] = []
    real_related = kg.build.related_events
    monkeypatch.setattr("kg.build.related_events", lambda *a, **k: calls.append(1) or real_related(*a, **k))
    talk = tiny_site / "_events" / "2024-03-05-ada-talk.md"
    project = tiny_site / "_projects" / "2024-tiny-commons.md"
    for path, old, new, read in [(talk, "Director", "Chief Executive", []),
                                 (project, "title: Tiny Commons", "title: Tiny Common Ground", [1]),
                                 (talk, "Chief Executive", "Director", [])]:
        reads.clear()
        calls.clear()
        path.write_text(path.read_text().replace(old, new))
        kg.build_site(tiny_site, inc)
        assert calls == [1] and reads == read, old  # worked out again; tables read or not
        kg.build_site(tiny_site, clean, incremental=False)
        assert outputs(inc) == outputs(clean), old
    # tables kept from other graphs than the last build's (as a build stopped after
    # reading them leaves them) are not taken
    saved = (inc / "cache" / "related-tables.pickle").read_bytes()
    project.write_text(project.read_text().replace("title: Tiny Common Ground", "title: Tiny Commons"))
    kg.build_site(tiny_site, inc)
    (inc / "cache" / "related-tables.pickle").write_bytes(saved)  # the tables of "Tiny Common Ground"
    reads.clear()
    talk.write_text(talk.read_text().replace("Director", "Chief Executive"))
    calls.clear()
    kg.build_site(tiny_site, inc)
    assert calls == [1] and reads == [1]
    kg.build_site(tiny_site, clean, incremental=False)
    assert outputs(inc) == outputs(clean)


@pytest.mark.parametrize("between", ["clean-build", "stopped-before-saving-inputs"])
def test_suggestions_are_kept_whole_only_from_the_build_that_wrote_the_last_graph(make_site, tmp_path: Path,
                                                                                  monkeypatch, between: str) -> None:
    """What the last build worked related events out from is kept with the graph it
    wrote: after a clean build into the folder, or a build stopped after writing the
    graph and before keeping its inputs, a rebuild does not keep suggestions made from
    an older build's."""
    import kg.graph
    words = {"a": "alpha apple anchor", "b": "alpha apple anchor banana", "x": "xylophone quartz",
             "y": "yodel zephyr"}

    shared = "speakers:\n  - name: Zed Quux\n"

    def files(speaker: bool) -> dict[str, str]:
        return {f"_events/2024-0{i + 1}-01-{k}.md":
                f"---\ntitle: Ev{k.upper()}\ndate: 2024-0{i + 1}-01\n"
                f"{shared if speaker and k in 'xy' else ''}---\n{body}\n"
                for i, (k, body) in enumerate(words.items())}
    site = make_site(files(False))
    out, clean = tmp_path / "out", tmp_path / "clean"
    kg.build_site(site, out)
    for rel, text in files(True).items():  # x and y now share a speaker: suggestions of their own
        (site / rel).write_text(text)
    if between == "clean-build":
        kg.build_site(site, out, incremental=False)
    else:
        real = kg.graph.GraphInputs.save
        monkeypatch.setattr(kg.graph.GraphInputs, "save", lambda self: (_ for _ in ()).throw(KeyboardInterrupt))
        with pytest.raises(KeyboardInterrupt):
            kg.build_site(site, out)
        monkeypatch.setattr(kg.graph.GraphInputs, "save", real)
    kg.build_site(site, out)  # nothing changed since
    kg.build_site(site, clean, incremental=False)
    assert outputs(out) == outputs(clean)


def test_an_edited_query_of_the_related_tables_works_suggestions_out_again(tiny_site: Path, tmp_path: Path,
                                                                           monkeypatch) -> None:
    """The queries the tables are read with are part of what suggestions are made from."""
    import kg.related
    inc, clean = tmp_path / "inc", tmp_path / "clean"
    kg.build_site(tiny_site, inc)
    real = kg.related.internal
    monkeypatch.setattr(kg.related, "internal", lambda name: real(name).replace(
        'UNION { ?e schema:about ?v .                     BIND("topic" AS ?signal) }', ""))
    assert kg.related.internal("related-values") != real("related-values")
    again = kg.build_site(tiny_site, inc)
    assert again.report["incremental"]["related_events_scored"] > 0
    kg.build_site(tiny_site, clean, incremental=False)
    assert outputs(inc) == outputs(clean)


def test_the_digest_of_related_inputs_covers_texts_terms_and_weights(tmp_path: Path) -> None:
    from kg.related import inputs_digest
    from kg.words import body_terms
    terms = {"e1": body_terms("alpha beta"), "e2": body_terms("gamma")}
    base = inputs_digest(tmp_path, terms, {"e3": "some text"})
    assert base == inputs_digest(tmp_path, dict(terms), {"e3": "some text"})
    assert base != inputs_digest(tmp_path, terms, {"e3": "other text"})
    assert base != inputs_digest(tmp_path, {**terms, "e2": body_terms("gamma gamma")}, {"e3": "some text"})
    assert base != inputs_digest(tmp_path, terms, {"e3": "some text"}, top=3)
    (tmp_path / "_kg").mkdir()
    (tmp_path / "_kg" / "related.yml").write_text("top: 3\n")
    assert base != inputs_digest(tmp_path, terms, {"e3": "some text"})


def test_a_gone_graph_with_table_lines_is_a_change_to_the_tables(tmp_path: Path) -> None:
    """GraphWriter.same_lines: a graph of the last build that this one did not add
    (its file deleted) counts with the lines it had."""
    from kg.related import table_line
    from kg.store import GraphWriter, nquads_lines
    label = "<http://www.w3.org/2000/01/rdf-schema#label>"
    other = "<https://schema.org/description>"

    def graph(name: str, p: str) -> tuple[str, bytes]:
        return name, nquads_lines([f"<https://s.example.org/{name[-1]}> {p} \"x\" <{name}> ."])
    first = GraphWriter(tmp_path)
    for name, data in (graph("https://s.example.org/g/a", label), graph("https://s.example.org/g/b", other),
                       graph("https://s.example.org/g/c", label)):
        first.add_nquads(name, data)
    first.finish({})
    for gone, same in (("https://s.example.org/g/b", True), ("https://s.example.org/g/c", False)):
        writer = GraphWriter(tmp_path)
        try:
            for name, p in (("https://s.example.org/g/a", label), ("https://s.example.org/g/b", other),
                            ("https://s.example.org/g/c", label)):
                if name != gone:
                    writer.add_nquads(*graph(name, p))
            writer.sync()
            assert writer.same_lines(table_line, lambda name: False) is same, gone
        finally:
            writer.abort()


def test_the_related_tables_read_only_the_predicates_a_rebuild_compares() -> None:
    """Whether a rebuild may keep every suggestion is decided on the quads of
    TABLE_PREDICATES: every predicate (and class) the tables' queries name is there."""
    import re

    from kg import vocab
    from kg.query import internal
    from kg.related import _QUERIES, TABLE_PREDICATES, table_line
    named = set()
    for name in _QUERIES:
        text = internal(name)
        body = "\n".join(x for x in text.splitlines() if not x.lstrip().upper().startswith(("PREFIX", "#")))
        body = re.sub(r'"[^"]*"', "", body)  # strings are no names
        for prefix, local in re.findall(r"\b([a-z]+):([A-Za-z]\w*)", body):
            named.add(vocab.PREFIXES[prefix] + local)
        if re.search(r"\sa\s", body):
            named.add(vocab.PREFIXES["rdf"] + "type")
    assert named - {vocab.PREFIXES["schema"] + "Event"} == set(TABLE_PREDICATES)
    event = "<https://site.example.org/events/e>"
    assert table_line(f"{event} <{vocab.PREFIXES['rdf']}type> <https://schema.org/Event> <g> .".encode())
    assert not table_line(f"{event} <{vocab.PREFIXES['rdf']}type> <https://schema.org/Thing> <g> .".encode())
    assert not table_line(f"{event} <https://schema.org/description> \"x\" <g> .".encode())


def test_a_damaged_graph_file_is_not_copied_into_the_next(tiny_site: Path, tmp_path: Path) -> None:
    """Unchanged graphs are copied from the last graph.nq only when their bytes still
    have the hash the last build recorded: an edited or truncated file is made again."""
    inc = tmp_path / "inc"
    kg.build_site(tiny_site, inc)
    nq = inc / "graph.nq"
    data = nq.read_bytes()
    line = next(x for x in data.splitlines() if b"/id/source/" in x and b'"Tiny Meetup"' in x)
    damaged = line.replace(b'"Tiny Meetup"', b'"Tiny Meatup"')  # same length, other bytes
    nq.write_bytes(data.replace(line, damaged))
    again = kg.build_site(tiny_site, inc)
    assert again.report["incremental"]["file_graphs_reused"] < 11
    kg.build_site(tiny_site, tmp_path / "clean", incremental=False)
    assert outputs(inc) == outputs(tmp_path / "clean")
    nq.write_bytes(nq.read_bytes()[:1000])  # truncated
    kg.build_site(tiny_site, inc)
    assert outputs(inc) == outputs(tmp_path / "clean")


#: The events of a generated site (:func:`_generated_site`) of 150
EVENTS = 152


def _generated_site(root: Path, events: int) -> Path:
    """A site of ``events`` generated events (as the benchmark makes them) and two more
    that share nothing with them, neither values nor words, but their words with each
    other: the generated events draw on so few words that an edit to one's text changes
    what nearly every other is scored from (all of them, since the stop list grew), and
    only these two (each the other's related event) show that not every event is scored
    again, and that their graphs are kept."""
    import importlib.util
    import sys
    path = Path(__file__).resolve().parents[1] / "benchmarks" / "generate_site.py"
    spec = importlib.util.spec_from_file_location("generate_site", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("generate_site", module)
    spec.loader.exec_module(module)
    module.generate_site(root, events)
    for year in (2030, 2031):
        (root / "_events" / f"{year}-01-01-quokka-tally.md").write_text(
            f"---\ntitle: Quokka tally\ndate: {year}-01-01\n---\nWombats, platypuses and echidnas tallied.\n")
    return root


@pytest.mark.parametrize("ahead", [False, True], ids=["in-process", "scored-ahead"])
def test_a_rebuild_scores_again_only_the_events_whose_inputs_changed(tmp_path: Path, monkeypatch,
                                                                     ahead: bool) -> None:
    """Related events: an event is scored again only when something its suggestions are
    worked out from changed; whatever changes, the result is a clean build's (also when
    a child scores them ahead while the graph is made, and whether what it assumed
    holds or not)."""
    if ahead and not kg.forks.can_fork():
        pytest.skip("this system does not fork")
    monkeypatch.setattr("kg.ahead.AHEAD_EVENTS", 0 if ahead else 10**9)
    site = _generated_site(tmp_path / "site", 150)
    inc, clean = tmp_path / "inc", tmp_path / "clean"
    kg.build_site(site, inc)
    assert kg.build_site(site, inc).report["incremental"]["related_events_scored"] == 0  # nothing changed
    events = sorted((site / "_events").glob("*.md"))
    first = events[0]
    first.write_text(first.read_text() + "\nA paragraph about harbours, moorings and lighthouses.\n")
    again = kg.build_site(site, inc)
    scored = again.report["incremental"]["related_events_scored"]
    assert 0 < scored < EVENTS
    kg.build_site(site, clean, incremental=False)
    assert outputs(inc) == outputs(clean)
    # what only the time signal and the reasons see: an event a few days later (same
    # words, same values), a topic's name in other letter case (its pages still name it)
    moved = next(p for p in events[5:] if re.search(r"(?m)^date: \d{4}-\d\d-0[1-5]", p.read_text()))
    topic = sorted((site / "_topics").glob("*.md"))[0]
    for path, line, change in [(moved, r"(?m)^(date: \d{4}-\d\d-0)(\d)", lambda m: m[1] + str(int(m[2]) + 4)),
                               (topic, r"(?m)^(title: )(.*)$", lambda m: m[1] + m[2].swapcase())]:
        path.write_text(re.sub(line, change, path.read_text(), count=1))
        kg.build_site(site, inc)
        kg.build_site(site, clean, incremental=False)
        assert outputs(inc) == outputs(clean), path.name
    events[20].unlink()
    (site / "_events" / "2031-01-01-a-new-event.md").write_text(events[30].read_text())
    kg.build_site(site, inc)
    kg.build_site(site, clean, incremental=False)
    assert outputs(inc) == outputs(clean)


def test_unchanged_graphs_are_copied_from_the_last_graph_file_in_runs(tiny_site: Path, tmp_path: Path,
                                                                       monkeypatch) -> None:
    """A rebuild leaves the graphs it keeps where the last graph.nq has them and copies
    each run of them that lies together in one go (not graph by graph through the spool)."""
    inc = tmp_path / "inc"
    kg.build_site(tiny_site, inc)
    before = (inc / "graph.nq").read_bytes()
    copies: list[int] = []
    real = kg.store._copy

    def counted(src: int, dst: int, offset: int, length: int) -> None:
        copies.append(length)
        real(src, dst, offset, length)
    monkeypatch.setattr("kg.store._copy", counted)
    kg.build_site(tiny_site, inc)  # nothing changed: the whole file in one copy
    assert copies == [len(before)] and (inc / "graph.nq").read_bytes() == before
    copies.clear()
    talk = tiny_site / "_events" / "2024-03-05-ada-talk.md"
    talk.write_text(talk.read_text().replace("Director", "Chief Executive"))
    again = kg.build_site(tiny_site, inc)
    changed = again.report["incremental"]["graphs_written"]
    assert 0 < changed and len(copies) <= 2 * changed + 1  # the changed graphs cut the file into runs
    kg.build_site(tiny_site, tmp_path / "clean", incremental=False)
    assert outputs(inc) == outputs(tmp_path / "clean")


def test_a_rebuild_reads_none_of_the_last_graph_file_while_its_stamp_holds(tiny_site: Path, tmp_path: Path,
                                                                            monkeypatch) -> None:
    """The graphs a rebuild keeps are known to be in the last graph.nq from its size,
    times and inode, as the last build noted them: none of their bytes is read to be
    checked (only copied, by the kernel; a changed graph's last bytes are read, to see
    what changed). A graph.nq touched since is read and checked."""
    inc = tmp_path / "inc"
    kg.build_site(tiny_site, inc)
    reads: list[str] = []
    real = kg.store.GraphWriter._old_bytes
    monkeypatch.setattr(kg.store.GraphWriter, "_old_bytes", lambda self, name: reads.append(name) or real(self, name))
    talk = tiny_site / "_events" / "2024-03-05-ada-talk.md"
    talk.write_text(talk.read_text().replace("Director", "Chief Executive"))
    again = kg.build_site(tiny_site, inc)
    assert set(reads) <= {"https://tiny.example.org/id/source/_events/2024-03-05-ada-talk.md"}
    assert again.report["incremental"]["file_graphs_reused"] == 10
    kg.build_site(tiny_site, tmp_path / "clean", incremental=False)
    assert outputs(inc) == outputs(tmp_path / "clean")
    nq = inc / "graph.nq"
    nq.write_bytes(nq.read_bytes())  # the same bytes, other times: no longer taken on trust
    talk.write_text(talk.read_text().replace("Chief Executive", "Director"))
    again = kg.build_site(tiny_site, inc)
    assert len(reads) >= 10 and again.report["incremental"]["file_graphs_reused"] == 10
    kg.build_site(tiny_site, tmp_path / "clean", incremental=False)
    assert outputs(inc) == outputs(tmp_path / "clean")


def test_a_rebuild_does_not_read_files_whose_stamps_are_unchanged(tiny_site: Path, tmp_path: Path,
                                                                   monkeypatch) -> None:
    """A file whose size, times and inode are those the last build saw (and which had
    not changed for a while then) is not read again to be hashed; a changed one is."""
    monkeypatch.setattr("kg.frontmatter.SETTLED_NS", 0)  # the files were copied just now
    inc = tmp_path / "inc"
    kg.build_site(tiny_site, inc)
    reads: list[str] = []
    real = Path.read_bytes

    def counted(self: Path) -> bytes:
        if self.suffix == ".md":
            reads.append(self.name)
        return real(self)
    monkeypatch.setattr(Path, "read_bytes", counted)
    import hashlib
    real_digest = hashlib.file_digest  # files are hashed through an open file too
    monkeypatch.setattr(hashlib, "file_digest", lambda fh, name: reads.append(Path(fh.name).name) or real_digest(fh, name))
    again = kg.build_site(tiny_site, inc)
    assert reads == [] and again.report["incremental"]["files_reused"] == 11
    talk = tiny_site / "_events" / "2024-03-05-ada-talk.md"
    talk.write_text(talk.read_text().replace("Director", "Chief Executive"))
    kg.build_site(tiny_site, inc)
    assert set(reads) == {talk.name}
    kg.build_site(tiny_site, tmp_path / "clean", incremental=False)
    assert outputs(inc) == outputs(tmp_path / "clean")


def test_a_same_size_edit_that_puts_the_modification_time_back_is_seen(tiny_site: Path, tmp_path: Path,
                                                                         monkeypatch) -> None:
    """The stamp holds the change time, which no program sets back: an edit of the same
    size whose modification time is put back is read."""
    import os
    monkeypatch.setattr("kg.frontmatter.SETTLED_NS", 0)  # stamps even for files copied just now
    inc = tmp_path / "inc"
    talk = tiny_site / "_events" / "2024-03-05-ada-talk.md"
    kg.build_site(tiny_site, inc)
    before = talk.stat()
    talk.write_text(talk.read_text().replace("Director", "Producer"))  # same length
    os.utime(talk, ns=(before.st_atime_ns, before.st_mtime_ns))
    kg.build_site(tiny_site, inc)
    assert {r["title"] for r in kg.run_query("speakers", inc).records()} == {"Producer"}


def test_no_stamp_for_a_file_changed_in_the_last_two_seconds(tmp_path: Path, monkeypatch) -> None:
    """File times are coarse: a write soon after a build read a file may leave its
    times as they were, so a file changed within the last two seconds gets no stamp
    (and is hashed by the next build); an older one does."""
    import time

    from kg.frontmatter import file_stamp
    page = tmp_path / "page.md"
    page.write_text("---\ntitle: A\n---\n")
    assert file_stamp(page) is None
    now = time.time_ns()
    monkeypatch.setattr("kg.frontmatter.time.time_ns", lambda: now + 2_100_000_000)
    st = page.stat()
    assert file_stamp(page) == (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


@pytest.mark.parametrize("when", ["before-finish", "while-copying", "before-reload", "after-reload"])
def test_a_graph_file_written_over_during_a_build_fails_it_and_keeps_the_last(tiny_site: Path, tmp_path: Path,
                                                                             monkeypatch, when: str) -> None:
    """A rebuild copies the graphs it keeps from the last graph.nq (when it finishes, or
    when it loads a fresh store): if that file was written over in place meanwhile
    (before, or while, they are copied), the build stops (and the folder keeps its last
    outputs) rather than take bytes it did not check."""
    inc = tmp_path / "inc"
    kg.build_site(tiny_site, inc)
    before = outputs(inc)
    nq = inc / "graph.nq"

    def meddle() -> None:
        with open(nq, "r+b") as fh:  # in place: the writer's open file sees it
            fh.write(nq.read_bytes()[:10].upper())
    if when == "before-finish":
        real = kg.store.GraphWriter.finish
        monkeypatch.setattr(kg.store.GraphWriter, "finish", lambda self, report: meddle() or real(self, report))
    elif when == "while-copying":
        real_copy = kg.store._copy
        monkeypatch.setattr(kg.store, "_copy", lambda *args: meddle() or real_copy(*args))
    elif when == "before-reload":
        monkeypatch.setattr("kg.store.REBUILD_SHARE", 0.0)  # any change loads a fresh store
        real_reload = kg.store.GraphWriter._start_reload
        monkeypatch.setattr(kg.store.GraphWriter, "_start_reload", lambda self: meddle() or real_reload(self))
    else:  # the related graphs kept are read from it after the fresh store is loaded
        monkeypatch.setattr("kg.store.REBUILD_SHARE", 0.0)
        real_related = kg.build.related_events

        def meddle() -> None:  # a kept related graph's bytes, in place, same length
            data = nq.read_bytes()
            at = data.index(b'"within the same project')
            with open(nq, "r+b") as fh:
                fh.seek(at + 1)
                fh.write(b"W")
        monkeypatch.setattr("kg.build.related_events", lambda *a, **k: meddle() or real_related(*a, **k))
    talk = tiny_site / "_events" / "2024-03-05-ada-talk.md"
    talk.write_text(talk.read_text().replace("Director", "Chief Executive"))
    with pytest.raises(kg.errors.StoreError, match="changed while kg was building"):
        kg.build_site(tiny_site, inc)
    graph_nq, quads, report = outputs(inc)
    assert (quads, report) == before[1:]  # the store and report as they were


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    """A generated site of 150 events and two more (see :func:`_generated_site`), built once for the tests
    that copy it."""
    return _generated_site(tmp_path_factory.mktemp("generated") / "site", 150)


def _copy_built(generated: Path, tmp_path: Path) -> tuple[Path, Path, Path]:
    """A copy of the generated site, its folder built into, and a folder for clean builds."""
    site = Path(shutil.copytree(generated, tmp_path / "site"))
    kg.build_site(site, tmp_path / "inc")
    return site, tmp_path / "inc", tmp_path / "clean"


def _scored_ahead(monkeypatch) -> list[str]:
    """Count the rebuild's scorings of related events in its own process ("here") and
    the children started to score ahead ("ahead"), each noted in CHILDREN too."""
    import kg.ahead
    import kg.build
    seen: list[str] = []
    real_related, real_ahead = kg.build.related_events, kg.ahead.ScoredAhead

    class Counted(real_ahead):
        def __init__(self, *a) -> None:
            seen.append("ahead")
            super().__init__(*a)
            CHILDREN.append(self._child._pid)
    monkeypatch.setattr("kg.build.related_events", lambda *a, **k: seen.append("here") or real_related(*a, **k))
    monkeypatch.setattr("kg.ahead.ScoredAhead", Counted)
    monkeypatch.setattr("kg.ahead.AHEAD_EVENTS", 0)
    return seen


CHILDREN: list[int] = []  # the children started to score ahead


def _no_child_left() -> bool:
    """Whether every child started to score ahead has ended and been waited for."""
    import os
    for pid in CHILDREN:
        try:
            os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            continue
        return False
    return True


def test_suggestions_scored_ahead_are_taken_only_when_the_tables_stand(generated: Path, tmp_path: Path,
                                                                      monkeypatch) -> None:
    """A rebuild whose words changed scores related events in a child while the graph is
    made, on the last build's tables; they are taken when no graph changed in what the
    tables say (nothing is scored in the build's own process), else the build's own
    process scores on the new tables. Either way the result is a clean build's."""
    if not kg.forks.can_fork():
        pytest.skip("this system does not fork")
    site, inc, clean = _copy_built(generated, tmp_path)
    seen = _scored_ahead(monkeypatch)
    saved_words = []
    monkeypatch.setattr("kg.build._save_terms", lambda *a: saved_words.append(a))
    events = sorted((site / "_events").glob("*.md"))
    events[3].write_text(events[3].read_text() + "\nA paragraph about harbours, moorings and lighthouses.\n")
    got = kg.build_site(site, inc)
    assert seen == ["ahead"] and 0 < got.report["incremental"]["related_events_scored"] < EVENTS  # taken
    assert got.report["incremental"]["related_graphs_reused"] > 0
    monkeypatch.undo()
    seen = _scored_ahead(monkeypatch)
    assert saved_words == []  # the words as the child found and wrote them: those of a clean build
    kg.build_site(site, clean, incremental=False)
    assert outputs(inc) == outputs(clean)
    kept = lambda folder: {rel: (sha1, dict(t), iri) for rel, (sha1, t, _stamp, iri)  # noqa: E731
                           in kg.related.kept_words(folder).items()}
    assert kept(inc) == kept(clean) and len(kept(inc)) == EVENTS
    seen.clear()  # a title (read by the tables) and words: the child's suggestions are dropped
    text = events[7].read_text()
    events[7].write_text(re.sub(r"(?m)^title: (.*)$", r"title: \1 revisited", text, count=1)
                         + "\nLighthouses again.\n")
    kg.build_site(site, inc)
    assert seen == ["ahead", "here"] and _no_child_left()
    kg.build_site(site, clean, incremental=False)
    assert outputs(inc) == outputs(clean)


@pytest.mark.parametrize("trouble", ["child-fails", "no-tables", "last-graph-lacks-one"])
def test_a_rebuild_whose_scoring_ahead_fails_scores_in_its_own_process(generated: Path, tmp_path: Path,
                                                                       monkeypatch, trouble: str) -> None:
    """A child that fails, no tables kept (then no child starts), or a child that scored
    on a last graph file that lacks a graph to keep: the build scores in its own
    process; the result is a clean build's and no child is left behind."""
    if not kg.forks.can_fork():
        pytest.skip("this system does not fork")
    site, inc, clean = _copy_built(generated, tmp_path)
    seen = _scored_ahead(monkeypatch)
    if trouble == "child-fails":
        monkeypatch.setattr("kg.ahead.related_from_tables", lambda *a, **k: 1 / 0)
    elif trouble == "no-tables":
        (inc / "cache" / "related-tables.pickle").unlink()
    else:  # the second related graph asked for is not found (the first time only)
        real, asked = kg.store.GraphWriter.previous_nquads, []

        def lacking(self, name: str, sha: str):
            if "/graph/related/" in name:
                asked.append(name)
                if len(asked) == 2:
                    return None
            return real(self, name, sha)
        monkeypatch.setattr(kg.store.GraphWriter, "previous_nquads", lacking)
    events = sorted((site / "_events").glob("*.md"))
    events[3].write_text(events[3].read_text() + "\nA paragraph about harbours, moorings and lighthouses.\n")
    got = kg.build_site(site, inc)
    assert seen == (["here"] if trouble == "no-tables" else ["ahead", "here"])  # (no tables: no child)
    counts = got.report["incremental"]
    assert 0 < counts["related_events_scored"] < EVENTS and counts["related_graphs_reused"] > 0
    assert counts["related_events_scored"] + counts["related_graphs_reused"] <= EVENTS  # none counted twice
    assert _no_child_left()  # none left, running or not waited for
    kg.build_site(site, clean, incremental=False)
    assert outputs(inc) == outputs(clean)


def test_a_build_that_fails_stops_the_child_scoring_ahead(generated: Path, tmp_path: Path, monkeypatch) -> None:
    """A rebuild that fails while its child scores ahead leaves no child behind, and the
    folder as the last build left it."""
    if not kg.forks.can_fork():
        pytest.skip("this system does not fork")
    site, inc, _ = _copy_built(generated, tmp_path)
    before = outputs(inc)
    seen = _scored_ahead(monkeypatch)
    monkeypatch.setattr("kg.build._series", lambda *a, **k: 1 / 0)
    events = sorted((site / "_events").glob("*.md"))
    events[3].write_text(events[3].read_text() + "\nA paragraph about harbours.\n")
    with pytest.raises(ZeroDivisionError):
        kg.build_site(site, inc)
    assert seen == ["ahead"]
    assert _no_child_left()
    assert outputs(inc) == before
    # the store copied (in a thread) while it failed was dropped with its spool
    assert sorted(p.name for p in [*inc.glob(".*"), *(inc / "cache").glob(".*")]) == []


def test_tables_kept_from_other_graphs_than_the_last_builds_are_not_scored_ahead_on(generated: Path, tmp_path: Path,
                                                                                    monkeypatch) -> None:
    """Tables kept under other graphs than the last build's (as a build stopped after
    reading them leaves them): what a child scored on them is not taken."""
    if not kg.forks.can_fork():
        pytest.skip("this system does not fork")
    site, inc, clean = _copy_built(generated, tmp_path)
    event = sorted((site / "_events").glob("*.md"))[9]
    text = event.read_text()
    event.write_text(re.sub(r"(?m)^title: (.*)$", r"title: \1 revisited", text, count=1))
    kg.build_site(site, inc)
    saved = (inc / "cache" / "related-tables.pickle").read_bytes()  # with the title revisited
    event.write_text(text)
    kg.build_site(site, inc)
    (inc / "cache" / "related-tables.pickle").write_bytes(saved)
    seen = _scored_ahead(monkeypatch)
    event.write_text(text + "\nA paragraph about harbours, moorings and lighthouses.\n")
    kg.build_site(site, inc)
    assert seen == ["ahead", "here"]
    kg.build_site(site, clean, incremental=False)
    assert outputs(inc) == outputs(clean)


def test_no_child_scores_ahead_without_the_memory_for_it(generated: Path, tmp_path: Path, monkeypatch) -> None:
    """A child scoring ahead holds memory beside the build's (1.5 GB at 100,000 events):
    with less available, or where that is not known, the build scores in its own process."""
    site, inc, clean = _copy_built(generated, tmp_path)
    seen = _scored_ahead(monkeypatch)
    event = sorted((site / "_events").glob("*.md"))[3]
    monkeypatch.setattr("kg.ahead._cores", lambda: 1)  # one core: nothing to score ahead on
    event.write_text(event.read_text() + "\nA paragraph for one core.\n")
    kg.build_site(site, inc)
    assert seen == ["here"]
    monkeypatch.undo()
    seen = _scored_ahead(monkeypatch)
    for free in [EVENTS * kg.ahead.AHEAD_BYTES - 1, None]:
        monkeypatch.setattr("kg.ahead.available_memory", lambda: free)
        seen.clear()
        event.write_text(event.read_text() + f"\nA paragraph about {free}.\n")
        kg.build_site(site, inc)
        assert seen == ["here"], free
    kg.build_site(site, clean, incremental=False)
    assert outputs(inc) == outputs(clean)
    if kg.forks.can_fork():
        monkeypatch.setattr("kg.ahead.available_memory", lambda: EVENTS * kg.ahead.AHEAD_BYTES)
        seen.clear()
        event.write_text(event.read_text() + "\nOne more paragraph.\n")
        kg.build_site(site, inc)
        assert seen == ["ahead"]


def test_the_last_graph_file_is_let_go_once_replaced(tiny_site: Path, tmp_path: Path, monkeypatch) -> None:
    """The last graph.nq is held open while it is replaced, so that its blocks are freed
    beside other work: once the build returns (however long freeing takes), nothing
    holds it."""
    import os
    import time
    real = kg.store._Freeing._close
    monkeypatch.setattr(kg.store._Freeing, "_close", staticmethod(lambda fd: time.sleep(0.3) or real(fd)))
    fds = Path("/proc/self/fd")
    if not fds.is_dir():
        pytest.skip("no /proc/self/fd here")

    def held() -> list[str]:
        out = []
        for fd in fds.iterdir():
            try:
                out.append(os.readlink(fd))
            except OSError:
                continue
        return [t for t in out if "graph.nq" in t]
    inc = tmp_path / "inc"
    kg.build_site(tiny_site, inc)
    talk = tiny_site / "_events" / "2024-03-05-ada-talk.md"
    talk.write_text(talk.read_text().replace("Director", "Chief Executive"))
    kg.build_site(tiny_site, inc)
    kg.build_site(tiny_site, inc, incremental=False)
    assert held() == []


def test_records_are_cached_in_groups_that_a_change_leaves_alone(tmp_path: Path) -> None:
    """The record cache pickles records a few together; a group is cut where a path's
    hash says, so a file added or changed makes only its own group pickled again (the
    others keep their bytes), and each file's record comes back as it was."""
    import pickle

    from kg.records import CHUNK_SPREAD, RecordCache, _chunked
    rels = [f"_events/2024-01-{i:04d}-event.md" for i in range(400)]
    groups = list(_chunked(rels))
    assert [r for g in groups for r in g] == rels and 400 / len(groups) > CHUNK_SPREAD / 3
    added = sorted(rels + ["_events/2024-01-0100-new.md"])
    changed = [g for g in _chunked(added) if g not in groups]
    assert len(changed) <= 2 and "_events/2024-01-0100-new.md" in changed[0]  # its own (or split in two)
    from types import SimpleNamespace

    def record(rel: str, text: str) -> SimpleNamespace:  # what the cache reads of a record
        return SimpleNamespace(record=text, source=SimpleNamespace(path=tmp_path / rel))

    records = {rel: (f"key-{rel}", record(rel, rel)) for rel in rels}
    last = RecordCache("f")
    last.keep(records)
    again = RecordCache("f", last.fresh, last.fresh_chunks)
    path = tmp_path / rels[7]
    assert again.record(rels[7], path) == records[rels[7]][1]
    assert again.record(rels[7], path).source.path is path  # the path given, not made again
    records[rels[7]] = ("key-changed", record(rels[7], "changed"))
    again.keep(records)
    kept = sum(1 for data in again.fresh_chunks if any(data is old for old in last.fresh_chunks))
    assert kept == len(groups) - 1  # every group but the changed file's
    new = [pickle.loads(d) for d in again.fresh_chunks if not any(d is o for o in last.fresh_chunks)]
    assert [[r.record for r in g] for g in new] == [[records[r][1].record for r in g] for g in groups if rels[7] in g]
    assert all(isinstance(r.source.path, str) for g in new for r in g)  # kept as text
    reread = RecordCache("f", again.fresh, again.fresh_chunks)
    assert [reread.record(r, tmp_path / r) for r in rels] == [records[r][1] for r in rels]
    assert reread.keys() == {} and again.keys() == {r: records[r][0] for r in rels}


@pytest.mark.parametrize("words", ["counted", "texts"])
def test_scored_ahead_follow_the_weights_and_the_words_however_kept(generated: Path, tmp_path: Path, monkeypatch,
                                                                    words: str) -> None:
    """Scored ahead, related events follow the site's weights as they change, and the
    words whether counted while reading or taken from the pages' texts (a mapping that
    counts none); each rebuild notes what it scored, so the next one scores only what
    changed again; every result is a clean build's, and no child is left."""
    if not kg.forks.can_fork():
        pytest.skip("this system does not fork")
    site = Path(shutil.copytree(generated, tmp_path / "site"))
    inc, clean = tmp_path / "inc", tmp_path / "clean"
    mapping = None
    if words == "texts":
        mapping = tmp_path / "mapping.yml"
        text = default_mapping_path().read_text()
        assert "terms: true" in text
        mapping.write_text(text.replace("terms: true", "terms: false"))
    kg.build_site(site, inc, mapping=mapping)
    seen = _scored_ahead(monkeypatch)
    events = sorted((site / "_events").glob("*.md"))
    project = next(p for p in sorted((site / "_projects").glob("*.md")) if "\nsubtitle: " in p.read_text())
    (site / "_kg").mkdir(exist_ok=True)
    steps = [("words", lambda: events[3].write_text(events[3].read_text() + "\nHarbours and moorings.\n")),
             ("weights added", lambda: (site / "_kg" / "related.yml").write_text("top: 3\n")),
             ("weights changed", lambda: (site / "_kg" / "related.yml").write_text("signals: {text: {weight: 9.0}}\n")),
             ("weights removed", lambda: (site / "_kg" / "related.yml").unlink()),
             # a graph changed in what the tables do not read: they stand, kept for the new graphs
             ("a subtitle alone", lambda: project.write_text(re.sub(r"(?m)^subtitle: (.*)$", r"subtitle: \1, again",
                                                                    project.read_text(), count=1))),
             ("words and a subtitle", lambda: (events[4].write_text(events[4].read_text() + "\nPiers.\n"),
                                               project.write_text(re.sub(r"(?m)^subtitle: (.*)$", r"subtitle: \1, anew",
                                                                         project.read_text(), count=1)))),
             ("words again", lambda: events[5].write_text(events[5].read_text() + "\nLighthouses.\n"))]
    project_graph = next(g for g in json.loads((inc / "cache" / "graphs.json").read_text())
                         if g.endswith(project.relative_to(site).as_posix()))
    for label, change in steps:
        seen.clear()
        before = json.loads((inc / "cache" / "graphs.json").read_text())
        change()
        got = kg.build_site(site, inc, mapping=mapping)
        # (a subtitle alone: every suggestion stands, the child is stopped; the tables are
        # kept for the new graphs, so the next rebuild scores ahead on them. From the
        # pages' texts, the child has no words to score with)
        assert seen == (["ahead", "here"] if words == "texts" and label != "a subtitle alone" else ["ahead"]), label
        if label == "a subtitle alone":
            assert got.report["incremental"]["related_events_scored"] == 0
        if label == "words again":  # only what those words touch: the last rebuild noted all it scored
            assert 0 < got.report["incremental"]["related_events_scored"] < EVENTS
            assert got.report["incremental"]["related_graphs_reused"] > 0
        if label == "words and a subtitle":  # (so the tables were kept under the new graphs' key)
            hashes = json.loads((inc / "cache" / "graphs.json").read_text())
            assert hashes[project_graph] != before[project_graph]
        assert _no_child_left(), label
        kg.build_site(site, clean, mapping=mapping, incremental=False)
        assert outputs(inc) == outputs(clean), label
    seen.clear()
    got = kg.build_site(site, inc, mapping=mapping)  # nothing changed: nothing scored, no child left
    assert seen == ["ahead"] and got.report["incremental"]["related_events_scored"] == 0 and _no_child_left()


def test_a_child_scoring_ahead_gives_nothing_for_tables_of_other_graphs(generated: Path, tmp_path: Path) -> None:
    """What the child scored is given only for tables kept under the last build's
    graphs and for the words the build read: the child checks the tables before it
    scores, and the build both when it takes what was scored. With the words the last
    build had, the child scores nothing."""
    import kg.ahead
    from kg.entities import load_curation
    from kg.mapping import load_mapping
    from kg.records import settings_fingerprint
    from kg.site import load_site
    site, inc, _ = _copy_built(generated, tmp_path)
    the_site = load_site(site)
    fingerprint = settings_fingerprint(the_site, load_mapping(None, the_site.root),
                                       load_curation(the_site.root).fingerprint())
    prefix = kg.related.related_prefix(kg.open_graph(inc).report["base_url"])
    last = json.loads((inc / "cache" / "graphs.json").read_text())
    key = kg.ahead.graphs_digests(last, lambda name: not name.startswith(prefix))[0]
    assert key is not None and kg.related.load_tables(inc, [key]) is not None  # kept under the last graphs
    args = (inc, the_site, fingerprint, prefix)
    with open(tmp_path / "spool", "wb") as spool:
        words = tmp_path / "words"
        words.touch()
        assert kg.ahead._score(*args, spool.fileno(), words) is None  # the last build's words: nothing to score
        event = sorted((site / "_events").glob("*.md"))[3]
        event.write_text(event.read_text() + "\nA paragraph about harbours.\n")
        got = kg.ahead._score(*args, spool.fileno(), words)
        assert got[0] == key and got[3]  # (the tables of the last build's graphs; some scored)
        if kg.forks.can_fork():
            for wrong in [("not the key of these tables", got[1]), (key, "other words")]:
                ahead = kg.ahead.ScoredAhead(*args)
                assert ahead.result(*wrong) is None
                ahead.close()
            ahead = kg.ahead.ScoredAhead(*args)
            assert ahead.result(key, got[1]) is not None
            ahead.close()
        (inc / "cache" / "graphs.json").write_text(json.dumps({"https://example.org/other": "0" * 40}))
        assert kg.ahead._score(*args, spool.fileno(), words) is None


def test_scored_ahead_keep_graphs_read_from_a_graph_file_not_trusted(generated: Path, tmp_path: Path,
                                                                     monkeypatch) -> None:
    """When the last graph.nq's stamp is not the one its build noted (a copied folder),
    the graphs kept beside those scored ahead are read from it and checked, each let
    go once checked and read again when added; the result is a clean build's."""
    import os
    if not kg.forks.can_fork():
        pytest.skip("this system does not fork")
    site, inc, clean = _copy_built(generated, tmp_path)
    seen = _scored_ahead(monkeypatch)
    reads: list[str] = []
    real = kg.store.GraphWriter._last_bytes
    monkeypatch.setattr(kg.store.GraphWriter, "_last_bytes", lambda self, name: reads.append(name) or real(self, name))
    graph_file = inc / "graph.nq"
    os.utime(graph_file, ns=(graph_file.stat().st_atime_ns, graph_file.stat().st_mtime_ns + 10**9))
    event = sorted((site / "_events").glob("*.md"))[3]
    event.write_text(event.read_text() + "\nA paragraph about harbours, moorings and lighthouses.\n")
    got = kg.build_site(site, inc)
    assert seen == ["ahead"] and got.report["incremental"]["related_graphs_reused"] > 0
    related = [name for name in reads if "/graph/related/" in name]
    assert len(related) == 2 * got.report["incremental"]["related_graphs_reused"]  # checked, then read to add
    kg.build_site(site, clean, incremental=False)
    assert outputs(inc) == outputs(clean)


def test_entities_and_series_are_taken_from_the_last_build_while_what_they_read_stands(
        tiny_site: Path, tmp_path: Path, monkeypatch) -> None:
    """Working out who is who and which events make a series reads every file: a rebuild
    takes the last build's outcome while what the records say beyond their words (the
    mentions, the titles, dates, links and front matter) and the pages are as they
    were, and works it out again when one of them changes. Either way the folder equals
    a clean build's."""
    import kg.entities
    inc = tmp_path / "inc"
    kg.build_site(tiny_site, inc)
    calls: list[str] = []
    resolve, find_series = kg.entities.EntityResolver.resolve, kg.build.find_series
    monkeypatch.setattr(kg.entities.EntityResolver, "resolve", lambda self: (calls.append("entities"), resolve(self))[1])
    monkeypatch.setattr(kg.build, "find_series", lambda *a: (calls.append("series"), find_series(*a))[1])

    def rebuild_as_clean() -> tuple[list[str], dict]:
        """What the rebuild worked out again, and its counts."""
        calls.clear()
        report = kg.build_site(tiny_site, inc).report
        worked_out = list(calls)
        kg.build_site(tiny_site, tmp_path / "clean", incremental=False)
        assert outputs(inc) == outputs(tmp_path / "clean")
        return worked_out, report["incremental"]

    talk = tiny_site / "_events" / "2024-03-05-ada-talk.md"
    # a speaker's role and a paragraph: no mention, page, title or link changed
    talk.write_text(talk.read_text().replace("Director", "Chief Executive") + "\nA paragraph on harbours.\n")
    worked_out, counts = rebuild_as_clean()
    assert worked_out == [] and counts["file_graphs_reused"] == 10
    talk.write_text(talk.read_text().replace("**Ada Example**", "**Ada Exemplar**"))  # a mention
    assert rebuild_as_clean()[0] == ["series", "entities"]
    again = tiny_site / "_events" / "2024-06-01-privacy-again.md"  # a new page: no project shared
    again.write_text("---\ntitle: A talk on privacy\ndate: 2024-06-01\n---\nAgain.\n")
    assert rebuild_as_clean()[0] == ["series", "entities"]
    assert {r["name"] for r in kg.run_query("series", inc).records()} == {"Tiny Meetup"}
    again.write_text(again.read_text() + "As [before](/events/2024-03-05-ada-talk).\n")  # a link alone
    assert rebuild_as_clean()[0] == ["series", "entities"]
    assert {r["name"] for r in kg.run_query("series", inc).records()} == {"Tiny Meetup", "A talk on privacy"}
    talk.write_text(talk.read_text().replace("title: A talk on privacy", "title: Tiny Meetup"))  # a title
    assert rebuild_as_clean()[0] == ["series", "entities"]  # (a page's title: the entities too)
    assert rebuild_as_clean()[0] == []
    # a damaged outcome is worked out again
    monkeypatch.setattr(kg.graph.GraphInputs, "settled_as", lambda self, name, digest: b"not a pickle")
    talk.write_text(talk.read_text() + "\nAnother paragraph.\n")
    assert rebuild_as_clean()[0] == ["series", "entities"]


def test_a_child_that_found_other_words_is_stopped_without_waiting_for_it(generated: Path, tmp_path: Path,
                                                                          monkeypatch) -> None:
    """The child notes the digest of the words it found before it scores: when the build
    read other words (here the words kept for an unchanged page are not its words), it
    stops the child at once instead of waiting for what it could not take."""
    import os
    import time

    import kg.ahead
    from kg.words import Terms
    if not kg.forks.can_fork():
        pytest.skip("this system does not fork")
    site, inc, clean = _copy_built(generated, tmp_path)
    kept = kg.related.kept_words(inc)
    rel = sorted(kept)[7]
    kept[rel] = (kept[rel][0], Terms({"zebra": 3}), *kept[rel][2:])  # its file's bytes and stamp still match
    kg.related.save_terms(inc, {r: k[:2] for r, k in kept.items()}, {r: k[2] for r, k in kept.items()},
                          {r: k[3] for r, k in kept.items()})
    seen = _scored_ahead(monkeypatch)
    started: list = []
    counted = kg.ahead.ScoredAhead
    monkeypatch.setattr(counted, "__init__", lambda self, *a: (counted.__mro__[1].__init__(self, *a),
                                                               started.append(self), seen.append("ahead"))[0])
    real_result = counted.result
    monkeypatch.setattr(counted, "result", lambda self, *a: seen.append("waited") or real_result(self, *a))
    read = kg.build.read_records

    def read_once_the_child_noted_its_words(*a, **k):
        deadline = time.monotonic() + 30
        while started and len(os.pread(started[0]._spool.fileno(), 40, 0)) < 40 and time.monotonic() < deadline:
            time.sleep(0.01)
        started.clear()
        return read(*a, **k)
    monkeypatch.setattr(kg.build, "read_records", read_once_the_child_noted_its_words)
    event = sorted((site / "_events").glob("*.md"))[3]
    event.write_text(event.read_text() + "\nHarbours, moorings and lighthouses.\n")
    got = kg.build_site(site, inc)
    assert seen == ["ahead", "here"] and _no_child_left()  # started, stopped, never waited for
    assert 0 < got.report["incremental"]["related_events_scored"] < EVENTS
    kg.build_site(site, clean, incremental=False)
    assert outputs(inc) == outputs(clean)
    kept = lambda folder: {rel: (sha1, dict(t), iri) for rel, (sha1, t, _stamp, iri)  # noqa: E731
                           in kg.related.kept_words(folder).items()}
    assert kept(inc) == kept(clean)  # the build's words kept, not the child's


def test_a_damaged_group_of_cached_records_is_read_again_and_mended(tiny_site: Path, tmp_path: Path) -> None:
    """A group of the record cache that does not unpickle: its files are read again, the
    result is a clean build's, and the group is pickled anew for the next build."""
    import pickle

    inc = tmp_path / "inc"
    kg.build_site(tiny_site, inc)
    path = inc / "cache" / "records.pickle"
    made, fingerprint, entries, chunks, stamps = pickle.loads(path.read_bytes())
    chunks[0] = b"not a pickle"
    path.write_bytes(pickle.dumps((made, fingerprint, entries, chunks, stamps)))
    damaged = sum(1 for _key, chunk, _place in entries.values() if chunk == 0)
    again = kg.build_site(tiny_site, inc)
    assert again.report["incremental"]["files_read"] == damaged > 0
    kg.build_site(tiny_site, tmp_path / "clean", incremental=False)
    assert outputs(inc) == outputs(tmp_path / "clean")
    assert kg.build_site(tiny_site, inc).report["incremental"]["files_read"] == 0  # mended


def test_the_words_a_slow_child_writes_are_not_swept_away(generated: Path, tmp_path: Path, monkeypatch) -> None:
    """The build deletes what killed builds left in its folder once the files are read:
    never the words file of its own child, however late the child writes it."""
    import time

    import kg.ahead
    if not kg.forks.can_fork():
        pytest.skip("this system does not fork")
    site, inc, clean = _copy_built(generated, tmp_path)
    seen = _scored_ahead(monkeypatch)
    words_now = kg.ahead.words_now
    monkeypatch.setattr(kg.ahead, "words_now", lambda *a: (time.sleep(1.5), words_now(*a))[1])  # (in the child)
    event = sorted((site / "_events").glob("*.md"))[3]
    event.write_text(event.read_text() + "\nHarbours, moorings and lighthouses.\n")
    got = kg.build_site(site, inc)
    assert seen == ["ahead"] and got.report["incremental"]["related_events_scored"] > 0  # taken
    assert _no_child_left() and not list((inc / "cache").glob(".*"))
    kg.build_site(site, clean, incremental=False)
    assert outputs(inc) == outputs(clean)



def _spy_compaction(monkeypatch) -> list[Path]:
    """Record each compaction (the store's folder). (Whether it rewrites the store's
    sorted files depends on what RocksDB's own background compaction did first: a CI run
    found a store it had already compacted, so that is not checked here.)"""
    compacted: list[Path] = []
    optimize = kg.store._optimize
    compact = kg.store.GraphWriter._compact

    def spied(self) -> None:
        compact(self)
        compacted.append(self.folder)

    monkeypatch.setattr("kg.store._optimize", optimize)
    monkeypatch.setattr("kg.store.GraphWriter._compact", spied)
    return compacted


def test_a_store_loaded_afresh_is_compacted_and_a_small_rebuild_is_not(tiny_site: Path, tmp_path: Path,
                                                                      monkeypatch) -> None:
    """Loaded batch by batch, a store holds sorted files from every batch, overlapping
    one another (a lookup visits them all: at 10,000 events queries ran two to three
    times slower, see the benchmark); a build that loads a store afresh compacts it, a
    rebuild that replaces a few graphs does not (it would cost more than the rebuild)."""
    monkeypatch.setattr("kg.store.BATCH_BYTES", 1)  # a batch per graph
    compacted = _spy_compaction(monkeypatch)
    kg.build_site(tiny_site, tmp_path / "out")
    assert compacted == [tmp_path / "out"]
    kg.build_site(tiny_site, tmp_path / "other", incremental=False)
    assert compacted == [tmp_path / "out", tmp_path / "other"]
    assert outputs(tmp_path / "out") == outputs(tmp_path / "other")

    monkeypatch.setattr("kg.store.BATCH_BYTES", 16 << 20)  # (changes over a batch load afresh)
    monkeypatch.setattr("kg.store.COMPACT_SHARE", 10.0)    # (nor do the graphs replaced add up)
    talk = tiny_site / "_events" / "2024-03-05-ada-talk.md"
    talk.write_text(talk.read_text().replace("Director", "Chief Executive"))
    again = kg.build_site(tiny_site, tmp_path / "out")
    assert again.report["incremental"]["graphs_written"] > 0 and len(compacted) == 2
    monkeypatch.setattr("kg.store.REBUILD_SHARE", 0.0)  # so much changed that the store is loaded afresh
    talk.write_text(talk.read_text().replace("Chief Executive", "Director"))
    kg.build_site(tiny_site, tmp_path / "out")
    assert compacted[2:] == [tmp_path / "out"]
    assert outputs(tmp_path / "out") == outputs(tmp_path / "other")


def test_a_failed_compaction_fails_the_build_and_keeps_the_last(tiny_site: Path, tmp_path: Path,
                                                                monkeypatch) -> None:
    out = tmp_path / "out"
    kg.build_site(tiny_site, out)
    before = outputs(out)

    def fail(store) -> None:
        raise OSError("No space left on device")

    monkeypatch.setattr("kg.store._optimize", fail)
    talk = tiny_site / "_events" / "2024-03-05-ada-talk.md"  # so that a graph.nq put in place too soon shows
    talk.write_text(talk.read_text().replace("Director", "Chief Executive"))
    with pytest.raises(kg.store.StoreError, match="no space left on device.*Hint: the disk is full"):
        kg.build_site(tiny_site, out, incremental=False)
    assert outputs(out) == before
    assert sorted(p.name for p in out.iterdir()) == ["cache", "graph.nq", "report.json", "store"]


def test_a_build_failing_while_the_store_compacts_waits_for_it(tiny_site: Path, tmp_path: Path,
                                                               monkeypatch) -> None:
    """The copy of graph.nq fails while the store is being compacted: the compaction
    ends before the new store's folder is deleted, and nothing is left behind."""
    out = tmp_path / "out"
    copying = threading.Event()
    outcome: list[str] = []
    optimize = kg.store._optimize

    def slow(store) -> None:
        copying.wait(10)
        time.sleep(0.3)  # the build's thread is failing meanwhile
        try:
            optimize(store)
            outcome.append("done")
        except BaseException as exc:  # noqa: BLE001
            outcome.append(repr(exc))
            raise

    def broken_copy(*args) -> None:
        copying.set()
        raise OSError("Input/output error")

    monkeypatch.setattr("kg.store._optimize", slow)
    monkeypatch.setattr("kg.store._copy", broken_copy)
    with pytest.raises(kg.store.StoreError, match="input/output error"):
        kg.build_site(tiny_site, out)
    assert outcome == ["done"]
    assert [p.name for p in out.iterdir() if p.name != "cache"] == []  # (the records read are kept)


def test_rebuilds_compact_once_the_graphs_they_replaced_add_up(tiny_site: Path, tmp_path: Path,
                                                               monkeypatch) -> None:
    """Each rebuild notes the bytes of the graphs it replaced or removed; once those
    since the last compaction pass a share of the graph, the rebuild compacts."""
    out = tmp_path / "out"
    compacted = []
    compact = kg.store.GraphWriter._compact
    monkeypatch.setattr("kg.store.GraphWriter._compact", lambda self: (compacted.append(1), compact(self)))
    monkeypatch.setattr("kg.store.COMPACT_SHARE", 1.0)
    loose = lambda: json.loads((out / "cache" / "graph-spans.json").read_text())["loose"]  # noqa: E731
    kg.build_site(tiny_site, out)
    assert compacted == [1] and loose() == 0
    talk = tiny_site / "_events" / "2024-03-05-ada-talk.md"
    talk.write_text(talk.read_text().replace("Director", "Chief Executive"))
    kg.build_site(tiny_site, out)
    first = loose()
    assert compacted == [1] and first > 0
    gone = tiny_site / "_events" / "2024-04-20-duplicate-project.md"
    gone.unlink()
    before = json.loads((out / "cache" / "graph-spans.json").read_text())["graphs"]
    hashes = json.loads((out / "cache" / "graphs.json").read_text())
    kg.build_site(tiny_site, out)
    assert compacted == [1]
    after = json.loads((out / "cache" / "graph-spans.json").read_text())["graphs"]
    new_hashes = json.loads((out / "cache" / "graphs.json").read_text())
    removed = [before[name][1] for name in before.keys() - after.keys()]
    replaced = [after[name][1] for name in after if new_hashes[name] != hashes.get(name)]
    assert removed and replaced and loose() == first + sum(removed) + sum(replaced)
    monkeypatch.setattr("kg.store.COMPACT_SHARE", loose() / (out / "graph.nq").stat().st_size)
    talk.write_text(talk.read_text().replace("Chief Executive", "Director"))
    kg.build_site(tiny_site, out)
    assert compacted == [1, 1] and loose() == 0
    clean = tmp_path / "clean"
    kg.build_site(tiny_site, clean, incremental=False)
    assert outputs(out) == outputs(clean)
