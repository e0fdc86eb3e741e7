"""kg.network: the knowledge graph as networkx graphs (participants, series, projects, ego)."""
from __future__ import annotations

import pytest

import kg
from kg.network import (KINDS, ViewError, ego_network, find_node, full_network, load_data,
                        overview_network, participants_network, project_map, series_network)
from kg.query import run_query

BASE = "https://tiny.example.org"
ADA = BASE + "/id/person/ada-example"
ORG = BASE + "/id/organisation/example-org.example"
TALK = BASE + "/events/2024-03-05-ada-talk"
MEET1 = BASE + "/events/2024-01-10-tiny-meetup"
MEET2 = BASE + "/events/2024-02-14-tiny-meetup"
DUP = BASE + "/events/2024-04-20-duplicate-project"
SERIES = BASE + "/id/series/tiny-meetup"
COMMONS = BASE + "/projects/2024-tiny-commons"
MEETUP_GROUP = BASE + "/projects/2024-tiny-meetup"
OPEN_DATA = BASE + "/topics/open-data"
PRIVACY = BASE + "/topics/privacy"
ALICE = BASE + "/people/alice-tester"
BOB = BASE + "/people/bob-sample"
FUND = BASE + "/id/organisation/example-fund.example"


def test_node_table_has_kinds_labels_pages_and_dates(tiny_graph: kg.KnowledgeGraph) -> None:
    data = load_data(tiny_graph)
    assert {a["kind"] for a in data.nodes.values()} <= set(KINDS)
    assert data.nodes[TALK] | {} == {"kind": "event", "label": "A talk on privacy", "url": TALK,
                                     "date": "2024-03-05", "subtitle": None,
                                     "homepage": "https://example-org.example/events/privacy-talk"}
    assert data.nodes[ADA]["kind"] == "person" and data.nodes[ADA]["url"] is None  # no page of her own
    assert data.nodes[FUND]["kind"] == "funder"
    assert data.nodes[SERIES]["kind"] == "series"
    assert not [n for n in data.nodes if "/unresolved/" in n]  # "Nonexistent Project" is no project


def test_view_queries_take_their_parameters(tiny_graph: kg.KnowledgeGraph) -> None:
    rows = run_query("view-links", tiny_graph, relation="series-event").records()
    assert [(r["target"], r["position"]) for r in rows] == [(MEET1, 1), (MEET2, 2)]
    people = run_query("view-nodes", tiny_graph, kind="person").records()
    assert sorted(r["label"] for r in people) == ["Ada Example", "Alice Tester", "Bob Sample"]
    assert [r["person"] for r in run_query("view-participation", tiny_graph, event=TALK).records()] == [ADA]


def test_participants_link_ada_to_her_event_and_her_organisation(tiny_graph: kg.KnowledgeGraph) -> None:
    g = participants_network(tiny_graph)
    assert set(g.nodes) == {ADA, TALK, ORG}
    ada = g.nodes[ADA]
    assert (ada["kind"], ada["label"], ada["roles"], ada["job_titles"], ada["organisations"], ada["events"]) == (
        "person", "Ada Example", ["speaker"], ["Director"], ["Example Org"], 1)
    assert g.nodes[ORG]["kind"] == "organisation" and g.nodes[ORG]["label"] == "Example Org"
    assert g.nodes[ORG]["homepage"] == "https://example-org.example/"
    assert g.nodes[TALK]["url"] == TALK and g.nodes[TALK]["date"] == "2024-03-05"
    on_stage = g.edges[ADA, TALK]
    assert (on_stage["kind"], on_stage["label"], on_stage["events"]) == ("participant", "speaker", [TALK])
    assert on_stage["organisation"] == "Example Org"
    works = g.edges[ADA, ORG]
    assert (works["kind"], works["events"]) == ("affiliation", [TALK])


def test_projected_participants_share_events_on_edges(make_site) -> None:
    root = make_site({
        "_events/2024-01-01-a.md": """
            ---
            title: A
            date: 2024-01-01
            speakers:
              - {name: Ann One, role: speaker, organisation: Alpha Org}
              - {name: Ben Two, role: chair, organisation: Beta Org}
            ---
            """,
        "_events/2024-02-01-b.md": """
            ---
            title: B
            date: 2024-02-01
            speakers:
              - {name: Ann One, role: panellist, organisation: Alpha Org}
              - {name: Ben Two, role: panellist}
              - {name: Cat Three, role: speaker}
            ---
            """})
    graph = kg.build_site(root)
    people = {a["label"]: n for n, a in participants_network(graph).nodes(data=True) if a["kind"] == "person"}
    g = participants_network(graph, projected=True)
    assert {a["kind"] for _, a in g.nodes(data=True)} == {"person", "organisation"}
    ann, ben, cat = people["Ann One"], people["Ben Two"], people["Cat Three"]
    a, b = "https://site.example.org/events/2024-01-01-a", "https://site.example.org/events/2024-02-01-b"
    assert g.edges[ann, ben]["events"] == [a, b] and g.edges[ann, ben]["weight"] == 2
    assert g.edges[ann, cat]["events"] == [b] and g.edges[ann, cat]["kind"] == "co-participant"
    assert g.nodes[ann]["roles"] == ["speaker", "panellist"] and g.nodes[ann]["events"] == 2


def test_series_has_two_meetings_in_order_with_topics(tiny_graph: kg.KnowledgeGraph) -> None:
    g = series_network(tiny_graph)
    assert g.nodes[SERIES]["kind"] == "series" and g.nodes[SERIES]["meetings"] == 2
    meetings = sorted((a["position"], n) for n, a in g.nodes(data=True) if a["kind"] == "event")
    assert meetings == [(1, MEET1), (2, MEET2)]
    assert [g.edges[SERIES, m]["label"] for m in (MEET1, MEET2)] == ["#1", "#2"]
    nxt = g.edges[MEET1, MEET2]
    assert (nxt["kind"], nxt["source"]) == ("next", MEET1)  # from the first meeting to the second
    assert g.edges[MEET1, OPEN_DATA]["kind"] == "topic"
    assert g.nodes[MEET2]["date"] == "2024-02-14" and g.nodes[MEET2]["series"] == "Tiny Meetup"
    assert TALK not in g  # not in the series


def test_project_map_has_sub_projects_events_topics_and_funders(tiny_graph: kg.KnowledgeGraph) -> None:
    g = project_map(tiny_graph)
    part = g.edges[MEETUP_GROUP, COMMONS]
    assert (part["kind"], part["source"]) == ("part-of", MEETUP_GROUP)
    assert {n for n in g.neighbors(COMMONS) if g.nodes[n]["kind"] == "event"} == {TALK, DUP}
    assert {n for n in g.neighbors(MEETUP_GROUP) if g.nodes[n]["kind"] == "event"} == {MEET1, MEET2}
    assert {n for n in g.neighbors(COMMONS) if g.nodes[n]["kind"] == "topic"} == {OPEN_DATA, PRIVACY}
    assert g.nodes[FUND]["kind"] == "funder" and g.degree(FUND) == 0  # the fixture links it to nothing
    assert g.nodes[COMMONS]["events"] == 2
    assert not [n for n in g if "/unresolved/" in n]


def test_project_map_links_a_funder_whose_page_names_the_project(make_site) -> None:
    root = make_site({
        "_projects/2024-p.md": "---\ntitle: P\n---\n",
        "_funders/fund.md": "---\ntitle: The Fund\nlink: https://fund.example/\n---\nWe fund [P](/projects/2024-p).\n",
    })
    g = project_map(kg.build_site(root))
    fund = next(n for n, a in g.nodes(data=True) if a["kind"] == "funder")
    project = "https://site.example.org/projects/2024-p"
    assert g.edges[fund, project]["kind"] == "funds" and g.edges[fund, project]["source"] == fund


def test_overview_has_every_kind_and_authors(tiny_graph: kg.KnowledgeGraph) -> None:
    g = overview_network(tiny_graph)
    assert {a["kind"] for _, a in g.nodes(data=True)} == {"event", "project", "topic", "person", "organisation"}
    assert g.edges[ALICE, MEET1]["kind"] == "author"
    assert g.edges[TALK, PRIVACY]["kind"] == "topic" and g.edges[TALK, COMMONS]["kind"] == "project"
    assert g.nodes[ALICE]["events"] == 2
    assert overview_network(tiny_graph, authors=False).has_node(ALICE) is False
    full = full_network(tiny_graph)
    assert SERIES in full and FUND in full and ADA in full


def test_ego_of_a_person_at_depth_one(tiny_graph: kg.KnowledgeGraph) -> None:
    g = ego_network(tiny_graph, "ada example", depth=1)  # any case
    assert set(g.nodes) == {ADA, TALK, ORG}
    assert g.nodes[ADA]["center"] is True and g.graph["center"] == ADA and g.graph["depth"] == 1
    assert set(ego_network(tiny_graph, ADA, depth=0).nodes) == {ADA}
    wider = ego_network(tiny_graph, "Ada Example", depth=2)
    assert {PRIVACY, COMMONS, BOB} <= set(wider.nodes)  # her event's topic, project and author


def test_ego_centre_by_iri_site_path_or_title(tiny_graph: kg.KnowledgeGraph) -> None:
    assert find_node(tiny_graph, "/people/alice-tester") == ALICE
    assert find_node(tiny_graph, "  a TALK on privacy ") == TALK
    assert find_node(tiny_graph, COMMONS) == COMMONS
    g = ego_network(tiny_graph, "/events/2024-01-10-tiny-meetup", depth=1)
    assert {SERIES, MEET2, MEETUP_GROUP, OPEN_DATA, ALICE} <= set(g.nodes)


def test_ego_centre_errors_are_helpful(tiny_graph: kg.KnowledgeGraph) -> None:
    with pytest.raises(ViewError) as info:
        ego_network(tiny_graph, "Tiny Meetup")
    text = str(info.value)
    assert isinstance(info.value, kg.KgError)
    assert "3 nodes" in text and SERIES in text and MEET1 in text and "2024-02-14" in text
    with pytest.raises(ViewError, match="did you mean 'Privacy'"):
        ego_network(tiny_graph, "privac")
    with pytest.raises(ViewError, match="is called 'Nobody At All'"):
        find_node(tiny_graph, "Nobody At All")
    with pytest.raises(ViewError, match="depth"):
        ego_network(tiny_graph, "Ada Example", depth=-1)


@pytest.mark.parametrize("address", [
    ALICE + "/", ALICE.replace("https://", "http://"), ALICE.replace("tiny.example.org", "Tiny.Example.ORG"),
    "/people/alice-tester/", ALICE + ".html", ALICE + "/index.html", ALICE.replace("alice", "%61lice"),
])
def test_ego_centre_by_the_page_address_as_a_browser_shows_it(tiny_graph: kg.KnowledgeGraph, address: str) -> None:
    """`kg viz ego https://…/people/x/` (a trailing slash, or http://) named no node."""
    assert find_node(tiny_graph, address) == ALICE


def test_ego_centre_address_on_another_site_names_nothing(tiny_graph: kg.KnowledgeGraph) -> None:
    with pytest.raises(ViewError, match="is called"):
        find_node(tiny_graph, "https://elsewhere.example/people/alice-tester")


def test_ego_view_of_a_person_has_all_their_roles_and_says_on_stage_apart_from_written_up(make_site) -> None:
    """A researcher's ego view of Tim Davies said "chair, speaker, facilitator": the series
    view, composed after the overview, gave him the roles of series meetings alone; and
    "Events 49" counted the events he wrote up with the 28 he was on stage at."""
    from kg.viz import _node_info
    meeting = "---\ntitle: Data Drinks {n}\ndate: 2024-0{n}-01\nproject: Pubs\nauthor: Ann One\nspeakers:\n  - {{name: Ann One, role: {role}}}\n---\n"
    root = make_site({
        "_projects/pubs.md": "---\ntitle: Pubs\n---\n",
        "_people/ann-one.md": "---\ntitle: Ann One\n---\n",
        "_events/2024-01-01-drinks-1.md": meeting.format(n=1, role="speaker"),
        "_events/2024-02-01-drinks-2.md": meeting.format(n=2, role="speaker"),
        "_events/2024-03-01-panel.md": "---\ntitle: Panel\ndate: 2024-03-01\nspeakers:\n  - {name: Ann One, role: panellist}\n---\n",
        "_events/2024-04-01-notes.md": "---\ntitle: Notes\ndate: 2024-04-01\nauthor: Ann One\n---\n"})
    graph = kg.build_site(root)
    assert [s["name"] for s in graph.report["series"]] == ["Data Drinks"]
    ann = "https://site.example.org/people/ann-one"
    assert full_network(graph).nodes[ann]["roles"] == ["speaker", "panellist"]
    ego = ego_network(graph, "Ann One", depth=1)
    info = dict(_node_info(ego, ann, ego.nodes[ann]))
    assert (info["Role"], info["On stage at"], info["Wrote up"]) == ("speaker, panellist", "3", "3")
    assert "Events" not in info
