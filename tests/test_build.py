"""kg.build on the tiny fixture site: the facts tests/fixtures/site/EXPECTED.md lists."""
import json
import re
from pathlib import Path

import pyoxigraph as ox
import pytest

import kg
from kg.query import run_query

EV = "https://tiny.example.org/events/"
SCHEMA = "https://schema.org/"
KG = "https://w3id.org/kg/ns#"


def objects(graph: kg.KnowledgeGraph, s: str, p: str) -> set[str]:
    return {q.object.value for q in graph.store.quads_for_pattern(ox.NamedNode(s), ox.NamedNode(p), None, None)}


def test_nodes_are_page_urls(tiny_graph: kg.KnowledgeGraph) -> None:
    rows = run_query("events", tiny_graph).records()
    assert {r["event"] for r in rows} == {
        EV + "2024-01-10-tiny-meetup", EV + "2024-02-14-tiny-meetup",
        EV + "2024-03-05-ada-talk", EV + "2024-04-20-duplicate-project"}


def test_duplicate_project_key_keeps_both_values(tiny_graph: kg.KnowledgeGraph) -> None:
    projects = objects(tiny_graph, EV + "2024-04-20-duplicate-project", KG + "project")
    assert "https://tiny.example.org/projects/2024-tiny-commons" in projects
    assert any("/id/unresolved/project/" in p for p in projects) and len(projects) == 2
    dups = [d for d in tiny_graph.report["diagnostics"] if d["code"] == "duplicate-key"]
    assert dups == [{**dups[0], "path": "_events/2024-04-20-duplicate-project.md", "line": 12, "key": "project"}]


def test_unresolved_reference_is_listed(tiny_graph: kg.KnowledgeGraph) -> None:
    rows = run_query("unresolved", tiny_graph).records()
    assert [(r["label"], r["kind"], r["source"]) for r in rows] == [
        ("Nonexistent Project", "project", "_events/2024-04-20-duplicate-project.md")]


def test_sub_project_links_to_parent(tiny_graph: kg.KnowledgeGraph) -> None:
    assert objects(tiny_graph, "https://tiny.example.org/projects/2024-tiny-meetup", KG + "parentProject") == {
        "https://tiny.example.org/projects/2024-tiny-commons"}
    rows = run_query("events-by-project", tiny_graph, project_query="Tiny Commons").records()
    via = {(r["event"].rsplit("/", 1)[1], r["via"]) for r in rows}
    assert ("2024-01-10-tiny-meetup", "sub-project") in via and ("2024-03-05-ada-talk", "direct") in via


def test_series_in_date_order_with_stated_ordinals(tiny_graph: kg.KnowledgeGraph) -> None:
    rows = run_query("series", tiny_graph).records()
    assert [(r["name"], r["position"], r["event"], r["ordinal"]) for r in rows] == [
        ("Tiny Meetup", 1, EV + "2024-01-10-tiny-meetup", 1),
        ("Tiny Meetup", 2, EV + "2024-02-14-tiny-meetup", 2)]
    assert objects(tiny_graph, EV + "2024-02-14-tiny-meetup", KG + "previousInSeries") == {EV + "2024-01-10-tiny-meetup"}


def test_speaker_with_title_and_organisation(tiny_graph: kg.KnowledgeGraph) -> None:
    rows = run_query("speakers", tiny_graph).records()
    assert [(r["name"], r["title"], r["role"], r["source"]) for r in rows] == [
        ("Ada Example", "Director", "speaker", "_events/2024-03-05-ada-talk.md")]


def test_author_resolves_to_person_page(tiny_graph: kg.KnowledgeGraph) -> None:
    assert objects(tiny_graph, EV + "2024-03-05-ada-talk", SCHEMA + "author") == {
        "https://tiny.example.org/people/bob-sample"}


def test_each_file_has_its_own_named_graph(tiny_graph: kg.KnowledgeGraph) -> None:
    graphs = {g.value for g in tiny_graph.store.named_graphs()}
    assert "https://tiny.example.org/id/source/_events/2024-03-05-ada-talk.md" in graphs
    assert len([g for g in graphs if "/id/source/" in g]) == 11


def test_outputs_written_and_reloadable(tiny_graph: kg.KnowledgeGraph) -> None:
    folder = Path(tiny_graph.path)
    report = json.loads((folder / "report.json").read_text())
    assert report["files"] == 11 and report["files_by_kind"]["event"] == 4
    lines = (folder / "graph.nq").read_text().splitlines()
    assert len(lines) == len(set(lines)) == len(tiny_graph)
    # grouped by named graph, graphs in name order, each graph's lines sorted: a diff
    # of two builds shows each file's changes together
    by_graph: dict[str, list[str]] = {}
    for line in lines:
        by_graph.setdefault(line.rsplit(" ", 2)[-2], []).append(line)
    assert list(by_graph) == sorted(by_graph)
    assert [line for g in by_graph for line in sorted(by_graph[g])] == lines
    reopened = kg.open_graph(folder)
    assert len(reopened) == len(tiny_graph)
    loaded = ox.Store()
    loaded.load(path=str(folder / "graph.nq"), format=ox.RdfFormat.N_QUADS)
    assert len(loaded) == len(tiny_graph)


def test_rdflib_dataset_view(tiny_graph: kg.KnowledgeGraph) -> None:
    ds = tiny_graph.dataset
    rows = list(ds.query("SELECT (COUNT(*) AS ?n) WHERE { ?e a <https://schema.org/Event> }"))
    assert int(rows[0][0]) == 4


def test_build_is_deterministic(tmp_path: Path, tiny_site: Path) -> None:
    kg.build_site(tiny_site, tmp_path / "a")
    kg.build_site(tiny_site, tmp_path / "b")
    assert (tmp_path / "a" / "graph.nq").read_bytes() == (tmp_path / "b" / "graph.nq").read_bytes()


def test_unmapped_key_is_kept(make_site) -> None:
    root = make_site({"_events/2024-01-01-x.md": "---\ntitle: X\ndate: 2024-01-01\nvideo: https://v.example/1\n---\n"})
    graph = kg.build_site(root)
    rows = list(graph.query(
        "SELECT ?k ?v ?l WHERE { ?e <https://w3id.org/kg/ns#frontMatter> ?f . ?f <https://w3id.org/kg/ns#key> ?k ; "
        "<http://www.w3.org/1999/02/22-rdf-syntax-ns#value> ?v ; <https://w3id.org/kg/ns#line> ?l }"))
    assert [(r["k"].value, r["v"].value, r["l"].value) for r in rows] == [("video", "https://v.example/1", "4")]


def test_bad_file_is_reported_and_rest_is_built(make_site) -> None:
    root = make_site({
        "_events/2024-01-01-good.md": "---\ntitle: Good\ndate: 2024-01-01\n---\n",
        "_events/2024-01-02-bad.md": "---\ntitle: [broken\ndate: 2024-01-02\n---\n",
    })
    graph = kg.build_site(root)
    errors = [d for d in graph.report["diagnostics"] if d["severity"] == "error"]
    assert [(d["path"], d["code"]) for d in errors] == [("_events/2024-01-02-bad.md", "yaml-error")]
    assert errors[0]["line"] >= 2
    names = {r["title"] for r in run_query("events", graph).records()}
    assert "Good" in names


def test_typo_reference_gets_a_suggestion(make_site) -> None:
    root = make_site({
        "_people/helena-hollis.md": "---\ntitle: Helena Hollis\n---\n",
        "_events/2024-01-01-x.md": "---\ntitle: X\ndate: 2024-01-01\nauthor: Helena Holis\n---\n",
    })
    graph = kg.build_site(root)
    rows = run_query("unresolved", graph).records()
    assert [(r["label"], r["suggestion"]) for r in rows] == [("Helena Holis", "Helena Hollis")]


def test_two_names_in_one_author_string(make_site) -> None:
    root = make_site({
        "_people/a.md": "---\ntitle: Ann Able\n---\n", "_people/b.md": "---\ntitle: Ben Baker\n---\n",
        "_events/2024-01-01-x.md": "---\ntitle: X\ndate: 2024-01-01\nauthor: Ann Able, Ben Baker\n---\n",
    })
    graph = kg.build_site(root)
    assert objects(graph, "https://site.example.org/events/2024-01-01-x", SCHEMA + "author") == {
        "https://site.example.org/people/a", "https://site.example.org/people/b"}
    # (make_site's _config.yml has no `resources`, which the shipped mapping names: one absent-collection info)
    assert [d["code"] for d in graph.report["diagnostics"] if d["code"] != "absent-collection"] == ["several-in-one"]
    said = next(d for d in graph.report["diagnostics"] if d["code"] == "several-in-one")
    assert said["message"].startswith("`author` names 2 persons in one string: 'Ann Able, Ben Baker';")
    # a group of people in the string is said to be one, not called a person
    make_site({"_events/2024-01-01-x.md": "---\ntitle: X\ndate: 2024-01-01\nauthor: Ann Able & Core Design team\n---\n"})
    said = next(d for d in kg.build_site(root).report["diagnostics"] if d["code"] == "several-in-one")
    assert said["message"].startswith("`author` names 2 values in one string: 'Ann Able & Core Design team' "
                                      "('Core Design team' reads as a group, not a person);")


def test_relative_site_link_becomes_mention(make_site) -> None:
    root = make_site({
        "_events/2024-01-01-a.md": "---\ntitle: A\ndate: 2024-01-01\n---\nSee [b](/events/2024-01-02-b) and [x](https://x.example/).\n",
        "_events/2024-01-02-b.md": "---\ntitle: B\ndate: 2024-01-02\n---\n",
    })
    graph = kg.build_site(root)
    a = "https://site.example.org/events/2024-01-01-a"
    assert objects(graph, a, SCHEMA + "mentions") == {"https://site.example.org/events/2024-01-02-b"}
    assert objects(graph, a, KG + "linksTo") == {"https://x.example/"}


def test_front_matter_speakers_are_authoritative(make_site) -> None:
    root = make_site({"_events/2024-01-01-x.md": """
        ---
        title: X
        date: 2024-01-01
        speakers:
          - name: Zed Quill
            role: chair
            title: Editor
            organisation: Quill Press
            url: https://quill.example/zed
        ---
        * **Not Counted**, Director, [Other Org](https://other.example/)
        """})
    graph = kg.build_site(root)
    rows = run_query("speakers", graph).records()
    assert [(r["name"], r["role"], r["title"], r["organisation"]) for r in rows] == [
        ("Zed Quill", "chair", "Editor", "Quill Press")]


def test_parallel_read_builds_the_same_graph(make_site, tmp_path: Path) -> None:
    files = {f"_people/p{i}.md": f"---\ntitle: Person Number{i} Example\n---\n" for i in range(3)}
    for i in range(450):
        files[f"_events/2024-01-{i % 28 + 1:02d}-e{i}.md"] = (
            f"---\ntitle: Event {i % 40}\ndate: 2024-01-{i % 28 + 1:02d}\n---\n"
            f"Speakers:\n\n* **Ann Speaker{i % 7}**, Director, [Org {i % 5}](https://org{i % 5}.example/)\n"
            f"\nSee [the other](/events/2024-01-01-e{(i + 1) % 450}).\n")
    root = make_site(files)
    kg.build_site(root, tmp_path / "one", jobs=1)
    kg.build_site(root, tmp_path / "two", jobs=2)
    assert (tmp_path / "one" / "graph.nq").read_bytes() == (tmp_path / "two" / "graph.nq").read_bytes()


def test_save_graph_writes_a_folder_that_opens(tmp_path: Path, tiny_site: Path) -> None:
    graph = kg.build_site(tiny_site)  # in memory
    kg.save_graph(graph, tmp_path / "saved")
    reopened = kg.open_graph(tmp_path / "saved")
    assert len(reopened) == len(graph) > 0
    assert (tmp_path / "saved" / "graph.nq").read_text().count("\n") == len(graph)


def test_save_graph_keeps_off_a_folder_no_build_wrote(tmp_path: Path, tiny_site: Path) -> None:
    """As a build does: someone's own graph.nq is not replaced."""
    from kg.errors import StoreError
    theirs = tmp_path / "theirs"
    theirs.mkdir()
    (theirs / "graph.nq").write_text("<https://a.example/s> <https://a.example/p> \"mine\" .\n")
    with pytest.raises(StoreError, match="not a folder kg built, but it holds graph.nq"):
        kg.save_graph(kg.build_site(tiny_site), theirs)
    assert (theirs / "graph.nq").read_text().endswith('"mine" .\n') and sorted(theirs.iterdir()) == [theirs / "graph.nq"]


def test_save_graph_keeps_out_of_the_site_it_was_built_from(make_site) -> None:
    """`kg.save_graph(kg.build_site(S), S)` wrote graph.nq and store/ into the site, where
    Jekyll publishes them, though `kg build S --out S` is refused; so is a published folder."""
    from kg.errors import StoreError
    site = make_site({"_events/2024-01-01-a.md": "---\ntitle: A\ndate: 2024-01-01\n---\n"})
    graph = kg.build_site(site)
    with pytest.raises(StoreError, match="the site's own folder"):
        kg.save_graph(graph, site)
    with pytest.raises(StoreError, match="Jekyll would publish it"):
        kg.save_graph(graph, site / "graphs")
    assert not (site / "graph.nq").exists() and not (site / "graphs").exists()
    kg.save_graph(graph, site / "_graphs")                      # a folder Jekyll leaves alone
    assert (site / "_graphs" / "graph.nq").exists()


def test_a_build_keeps_out_of_collections_jekyll_publishes_and_of_its_output_folder(make_site) -> None:
    """A collection with `output: true` has Jekyll copy every file in its folder into the
    site (`_events/g/graph.nq` as /events/g/graph.nq); the next Jekyll build deletes what
    it did not write in `_site`. Neither was refused: both start with `_`."""
    from kg.errors import StoreError
    site = make_site({"_events/2024-01-01-a.md": "---\ntitle: A\ndate: 2024-01-01\n---\n"})
    for out, said in [("_events/g", "in the folder of the collection `events`, which has `output: true`"),
                      ("_events", "in the folder of the collection `events`"),
                      ("_site/kg", "in Jekyll's output folder (_site): the next Jekyll build deletes"),
                      ("_site", "in Jekyll's output folder (_site)")]:
        with pytest.raises(StoreError, match=re.escape(said)):
            kg.build_site(site, site / out)
        assert not (site / out / "graph.nq").exists()
    kg.build_site(site, site / "_funders" / "g")         # no output: Jekyll copies nothing from there
    kg.build_site(site, site / "_events" / "_g")         # nor from a folder starting with `_` in it
    assert (site / "_events" / "_g" / "graph.nq").exists()


def test_a_graph_kept_in_jekylls_output_folder_is_refused_too(make_site) -> None:
    """With `keep_files:` Jekyll keeps it there and serves all of it, store/ and cache/ too."""
    from kg.errors import StoreError
    config = "url: https://site.example.org\ndestination: public\nkeep_files: [kg]\n"
    site = make_site({"_config.yml": config})
    graph = kg.build_site(site)
    with pytest.raises(StoreError, match=re.escape("(public): `keep_files:` keeps it there, so Jekyll would "
                                                   "serve all of it")):
        kg.save_graph(graph, site / "public" / "kg")
    with pytest.raises(StoreError, match=re.escape("(public): the next Jekyll build deletes")):
        kg.save_graph(graph, site / "public" / "other")
    kg.save_graph(graph, site / "_site" / "kg")          # not the output folder here: left alone by Jekyll


def test_save_graph_refuses_quads_outside_named_graphs(tmp_path: Path) -> None:
    from kg.errors import StoreError
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("https://x.example/a"), ox.NamedNode("https://x.example/p"),
                      ox.Literal("v"), ox.DefaultGraph()))
    with pytest.raises(StoreError, match="outside any named graph"):
        kg.save_graph(kg.KnowledgeGraph(store, {"base_url": "https://x.example"}), tmp_path / "saved")
    assert not (tmp_path / "saved" / "store").exists()


def test_a_build_leaves_nothing_for_the_cycle_collector(tiny_site: Path, tmp_path: Path) -> None:
    """The build pauses the cycle collector (kg/collector.py), so its objects must be freed
    by their reference counts: one cycle through the graph builder kept every record
    alive until a collection that walked them all (over half a second at 10k events)."""
    import gc

    def alive() -> int:
        return sum(1 for o in gc.get_objects() if type(o).__name__ in ("Record", "GraphBuilder", "GraphInputs"))
    gc.collect()
    before = alive()
    gc.disable()
    try:
        kg.build_site(tiny_site, tmp_path / "g")
        kg.build_site(tiny_site, tmp_path / "g")  # a rebuild too (it reuses what the first kept)
        assert alive() == before
    finally:
        gc.enable()


def test_the_records_are_let_go_before_related_events(tiny_site: Path, tmp_path: Path, monkeypatch) -> None:
    """Related events need none of the records (at 100,000 events about a gigabyte):
    nothing holds them when related events are worked out."""
    import gc

    import kg.build
    alive: list[int] = []
    real = kg.build.related_events

    def counting(*args, **kwargs):
        alive.append(sum(1 for o in gc.get_objects() if type(o).__name__ == "Record"))
        return real(*args, **kwargs)
    monkeypatch.setattr(kg.build, "related_events", counting)
    gc.collect()
    kg.build_site(tiny_site, tmp_path / "g")
    talk = tiny_site / "_events" / "2024-03-05-ada-talk.md"  # (an event's words: related events run)
    talk.write_text(talk.read_text().replace("Director", "Chief Executive"))
    kg.build_site(tiny_site, tmp_path / "g")  # and when they come from the cache
    assert alive == [0, 0]


def test_a_stamp_that_does_not_fit_is_left_out_of_the_words_file(tiny_site: Path, tmp_path: Path,
                                                                 monkeypatch) -> None:
    """An inode number past 2**63 (file systems that have them) does not fit the words
    file's packed stamps: that file is then hashed by `kg related`, and the build goes on."""
    import kg.frontmatter
    from kg.related import _counted_terms
    real = kg.frontmatter.file_stamp
    monkeypatch.setattr("kg.frontmatter.SETTLED_NS", 0)
    monkeypatch.setattr("kg.frontmatter.file_stamp",
                        lambda path: (lambda s: s and (*s[:3], s[3] | 1 << 63))(real(path)))
    kg.build_site(tiny_site, tmp_path / "g")
    counted = _counted_terms(kg.open_graph(tmp_path / "g"))
    assert counted and all(stamp is None for _sha1, _terms, stamp in counted.values())


def test_the_build_scores_related_events_in_its_own_process(tiny_site: Path, tmp_path: Path, monkeypatch) -> None:
    """A worker forked from a large build copies the pages of its memory it reads (0.8 GB
    at 100,000 events) and saves the build little time: the build scores related
    events itself, however many events (`kg related` on its own shares them out)."""
    import kg.related

    def no_fork():
        raise AssertionError("related events scored on a forked worker")
    monkeypatch.setattr(kg.related, "PARALLEL_EVENTS", 0)
    monkeypatch.setattr(kg.related, "SPAN_EVENTS", 1)
    monkeypatch.setattr(kg.related, "fork_context", no_fork)
    graph = kg.build_site(tiny_site, tmp_path / "g", jobs=2, incremental=False)
    assert graph.report["incremental"]["related_events_scored"] > 0
    if not kg.forks.can_fork():
        return  # (where nothing forks, kg related does not either)
    with pytest.raises(AssertionError, match="forked worker"):
        kg.related.related_events(graph, jobs=2)


def test_a_reference_written_as_the_pages_file_name_is_exact(make_site) -> None:
    """`author: jane-doe` names _people/jane-doe.md as the site's own Liquid would find it:
    it had been told to "write it exactly as 'Jane Doe'" (a site whose templates look
    people up by that name would then break). Written in other letters, it is still said."""
    def inexact(author: str) -> list[str]:
        root = make_site({"_people/jane-doe.md": "---\ntitle: Jane Doe\n---\n",
                          "_events/2024-01-01-a.md": f"---\ntitle: A\ndate: 2024-01-01\nauthor: {author}\n---\n"})
        graph = kg.build_site(root)
        return [d["value"] for d in graph.report["diagnostics"] if d["code"] == "inexact-reference"]
    assert inexact("jane-doe") == [] and inexact("Jane Doe") == []
    assert inexact("jane doe") == ["jane doe"] and inexact("Jane-Doe") == ["Jane-Doe"]


def test_a_reference_written_as_a_file_name_is_that_page(make_site) -> None:
    """`author: jane-doe` named the page titled "Jane Doe" (in jane-doe-2.md), as an
    inexact reference, though `_people/jane-doe.md` is the page of that name, which is
    what Jekyll's Liquid finds by slug; a file name kept in its case is exact too."""
    root = make_site({"_people/jane-doe-2.md": "---\ntitle: Jane Doe\n---\n",
                      "_people/jane-doe.md": "---\ntitle: Jane Doe (Oxford)\n---\n",
                      "_people/Ann-Lee.md": "---\ntitle: Ann Lee\n---\n",
                      "_events/2024-01-01-a.md": "---\ntitle: A\ndate: 2024-01-01\nauthor: [jane-doe, Ann-Lee]\n---\n"})
    graph = kg.build_site(root)
    assert objects(graph, "https://site.example.org/events/2024-01-01-a", SCHEMA + "author") == {
        "https://site.example.org/people/jane-doe", "https://site.example.org/people/ann-lee"}
    assert not [d for d in graph.report["diagnostics"] if d["code"] == "inexact-reference"]


def test_a_kinds_label_key_mapped_to_no_name_still_names_its_pages(make_site, tmp_path: Path) -> None:
    """`label: full_name` with no rule for `full_name`: the people had no schema:name, and
    kg validate said each "needs a name: add title:" though the mapping says where it is."""
    import shutil

    from kg.mapping import default_mapping_path
    from kg.validate import validate_graph
    mapping = tmp_path / "mapping.yml"
    shutil.copy(default_mapping_path(), mapping)
    text = mapping.read_text(encoding="utf-8")
    person = text.index("  person:")
    mapping.write_text(text[:person] + text[person:].replace("label: title", "label: full_name", 1),
                       encoding="utf-8")
    root = make_site({"_people/aaron-burk.md": "---\nfull_name: Aaron Burk\n---\n"})
    graph = kg.build_site(root, mapping=mapping)
    names = {q.object.value for q in graph.quads() if q.predicate.value == "https://schema.org/name"
             and q.subject.value.endswith("/people/aaron-burk")}
    assert names == {"Aaron Burk"}
    assert validate_graph(graph).conforms


def test_references_to_a_kind_the_site_has_no_page_of_are_one_warning(make_site) -> None:
    """A site without person pages had one warning per post for its `author:` (103 on a
    real site); the references stay in the graph, unresolved."""
    root = make_site({f"_events/2024-01-0{i}-e{i}.md": f"---\ntitle: E{i}\ndate: 2024-01-0{i}\nauthor: user{i}\n---\n"
                      for i in range(1, 7)})
    graph = kg.build_site(root)
    said = [d for d in graph.report["diagnostics"] if d["code"] in ("unresolved-reference", "no-pages-to-name")]
    assert [(d["code"], d["key"]) for d in said] == [("no-pages-to-name", "author")]
    assert "`author` names a person in 6 files (_events/2024-01-01-e1.md: 'user1', …)" in said[0]["message"]
    # at the key's line in the mapping; for events, whose speakers the body gives, the hint
    # says how to read it as the speaker instead
    from kg.mapping import default_mapping_path
    lines = default_mapping_path().read_text(encoding="utf-8").splitlines()
    assert said[0]["path"] == str(default_mapping_path())
    assert lines[said[0]["line"] - 1].strip().startswith("author:")
    assert lines.index("  event:") < said[0]["line"] - 1 < lines.index("  project:")
    assert "`author: {speakers: true}`" in said[0]["hint"]
    users = [f"user{i}" for i in range(1, 7)]
    assert sorted({r["label"] for r in kg.run_query("unresolved", graph).records()}) == users
    (root / "_events" / "2024-01-06-e6.md").unlink()           # five: each is said at its line
    graph = kg.build_site(root)
    assert sorted(d["value"] for d in graph.report["diagnostics"] if d["code"] == "unresolved-reference") == \
        users[:5]
    make_site({"_people/ada.md": "---\ntitle: Ada Lovelace\n---\n",        # a person page: each is said
               "_events/2024-01-06-e6.md": "---\ntitle: E6\ndate: 2024-01-06\nauthor: user6\n---\n"})
    graph = kg.build_site(root)
    assert sorted(d["value"] for d in graph.report["diagnostics"] if d["code"] == "unresolved-reference") == users


def test_speakers_written_as_names_and_under_another_key(make_site, tmp_path: Path) -> None:
    """`speakers: Ann Able` and `speakers: [A, B]` are speakers; a meetup site whose posts
    name their speaker in `author:` maps that key with `{speakers: true}`."""
    import yaml

    from kg.mapping import default_mapping_path
    root = make_site({"_events/2024-01-01-a.md": "---\ntitle: A\ndate: 2024-01-01\nspeakers: Ann Able\n---\n",
                      "_events/2024-02-01-b.md": "---\ntitle: B\ndate: 2024-02-01\nauthor: [Bob Bell, Cy Cole]\n---\n"})

    def on_stage(graph: kg.KnowledgeGraph) -> set[tuple[str, str]]:
        return {(r["source"], r["name"]) for r in kg.run_query("speakers", graph).records()}

    assert on_stage(kg.build_site(root)) == {("_events/2024-01-01-a.md", "Ann Able")}
    spec = yaml.safe_load(default_mapping_path().read_text(encoding="utf-8"))
    spec["kinds"]["event"]["keys"]["author"] = {"speakers": True}
    mapping = tmp_path / "mapping.yml"
    mapping.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    assert on_stage(kg.build_site(root, mapping=mapping)) == {
        ("_events/2024-01-01-a.md", "Ann Able"), ("_events/2024-02-01-b.md", "Bob Bell"),
        ("_events/2024-02-01-b.md", "Cy Cole")}


def test_a_value_with_another_number_is_no_misspelling(make_site) -> None:
    """`category: meetup47` beside three `meetup7`: another meeting's tag, not a typo; a
    value that differs in its letters still is one."""
    files = {f"_events/2024-01-0{i}-e{i}.md": f"---\ntitle: E{i}\ndate: 2024-01-0{i}\ncategory: meetup7\n---\n"
             for i in range(1, 4)}
    files["_events/2024-01-05-x.md"] = "---\ntitle: X\ndate: 2024-01-05\ncategory: meetup47\n---\n"
    files["_events/2024-01-06-y.md"] = "---\ntitle: Y\ndate: 2024-01-06\ncategory: metup7\n---\n"
    graph = kg.build_site(make_site(files))
    said = [d["value"] for d in graph.report["diagnostics"] if d["code"] == "inconsistent-value"]
    assert said == ["metup7"]


def test_a_speaker_key_kg_does_not_map_in_many_files_is_one_warning(make_site) -> None:
    """Every speaker's `avatar:` made one warning each (242 on a real site); each is
    still in the report, as an info at its line."""
    files = {f"_events/2024-01-0{i}-e{i}.md": f"---\ntitle: E{i}\ndate: 2024-01-0{i}\nspeakers:\n"
             f"  - name: Ann Able{i}\n    avatar: a{i}.png\n---\n" for i in range(1, 8)}
    graph = kg.build_site(make_site(files))
    said = [d for d in graph.report["diagnostics"] if d["code"] == "unknown-speaker-key"]
    assert [d["severity"] for d in said] == ["warning"] + ["info"] * 6
    assert said[0]["message"].startswith("speakers in 7 files have `avatar`, which kg does not map;")
    assert sorted(d["path"] for d in said) == sorted(files) and {d["line"] for d in said} == {5}
    assert "'a7.png'" in said[-1]["message"]


def test_a_site_whose_events_kg_does_not_find_is_told(make_site) -> None:
    """A meetup site with its talks in `_posts` and the shipped mapping: 257 posts read,
    0 events, and no word that series and related events need them."""
    graph = kg.build_site(make_site({f"_posts/2024-01-0{i}-talk{i}.md": f"---\ntitle: Talk {i}\n---\nText.\n"
                                     for i in range(1, 4)}))
    [said] = [d for d in graph.report["diagnostics"] if d["code"] == "no-events"]
    assert said["severity"] == "warning" and said["message"] == (
        "kg found no page of kind `event` (it reads collection `events`, 3 post read): no series and no "
        "related events")
    assert "`collection:` of kind `event`" in said["hint"]
