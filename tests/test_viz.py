"""kg.viz: the network views as standalone, offline, safe HTML pages (and a PNG)."""
from __future__ import annotations

import json
import re
from pathlib import Path

import networkx as nx
import pytest

import kg
from kg import viz
from kg.network import ViewError, overview_network, participants_network

HOSTILE_TITLE = "<img src=x onerror=alert(1)>"
HOSTILE_PROJECT = "Evil </script><script>alert(2)</script> project"
HOSTILE_PERSON = "Eve <b onmouseover=alert(3)>Hacker</b>"
HOSTILE_ORG = "Org <svg onload=alert(4)>"
HOSTILE_TOPIC = "Privacy & \"quotes\" 'single'"

HOSTILE_SITE = {
    "_events/2024-05-01-hostile.md": """
        ---
        title: "<img src=x onerror=alert(1)>"
        date: 2024-05-01
        project: "Evil </script><script>alert(2)</script> project"
        topics:
          - "Privacy & \\"quotes\\" 'single'"
        speakers:
          - name: "Eve <b onmouseover=alert(3)>Hacker</b>"
            role: speaker
            organisation: "Org <svg onload=alert(4)>"
            url: "javascript:alert(5)"
          - name: Zoë Ærø
            role: chair
            organisation: 東京 Data
        ---
        Body.
        """,
    "_projects/evil.md": '---\ntitle: "Evil </script><script>alert(2)</script> project"\n---\n',
    "_topics/privacy.md": "---\ntitle: \"Privacy & \\\"quotes\\\" 'single'\"\n---\n",
}

REMOTE = re.compile(r"""<(?:script|link|img|iframe|source|embed|object)\b[^>]*"""
                    r"""\b(?:src|href|data)\s*=\s*["']?\s*(?:https?:)?//""", re.I)


def page_json(html_text: str) -> dict:
    """The data the page draws, as embedded in its JSON script element."""
    m = re.search(r'<script id="kg-data" type="application/json">(.*?)</script>', html_text, re.S)
    assert m, "no kg-data element"
    return json.loads(m.group(1))


def assert_offline_and_utf8(path: Path) -> str:
    raw = path.read_bytes()
    text = raw.decode("utf-8")  # strict: the file is UTF-8
    head = text[:600].lower()
    assert text.startswith("<!DOCTYPE html>")
    assert '<meta charset="utf-8">' in head
    assert "content-security-policy" in head and "default-src 'none'" in head
    assert not REMOTE.search(text), REMOTE.search(text)
    assert not re.search(r"@import|url\(\s*['\"]?\s*(?:https?:)?//", text, re.I)
    assert not re.search(r"<script\b[^>]*\bsrc\s*=", text, re.I)  # every script is inline
    assert not re.search(r"<link\b", text, re.I)  # every stylesheet is inline
    return text


def test_views_registry_names_and_describes_each_view() -> None:
    assert list(viz.VIEWS) == ["participants", "series", "projects", "overview"]
    for name, view in viz.VIEWS.items():
        assert view.description and view.filename == f"{name}.html" and callable(view.build)
    assert viz.view_names()[-1] == "ego"


def test_write_views_writes_every_page_offline(tiny_graph: kg.KnowledgeGraph, tmp_path: Path) -> None:
    written = viz.write_views(tiny_graph, tmp_path, center="Ada Example", depth=1)
    names = [p.name for p in written]
    assert names[:2] == ["participants.html", "participants.png"] or viz.png_unavailable()
    assert {"participants.html", "series.html", "projects.html", "overview.html",
            "ego-ada-example.html"} <= set(names)
    for path in written:
        assert path.parent == tmp_path and path.stat().st_size > 0
        if path.suffix == ".html":
            text = assert_offline_and_utf8(path)
            assert "vis.Network" in text  # vis-network inlined
    data = page_json((tmp_path / "participants.html").read_text(encoding="utf-8"))
    assert {n["full"] for n in data["nodes"]} == {"Ada Example", "A talk on privacy", "Example Org"}
    assert len(data["edges"]) == 2 and data["layout"]["physics"] is True
    ada = next(n for n in data["nodes"] if n["full"] == "Ada Example")
    assert ["Role", "speaker"] in ada["info"] and ["Organisation", "Example Org"] in ada["info"]
    talk = next(n for n in data["nodes"] if n["kind"] == "event")
    assert talk["url"] == "https://tiny.example.org/events/2024-03-05-ada-talk"
    assert ["Date", "2024-03-05"] in talk["info"]
    ego = page_json((tmp_path / "ego-ada-example.html").read_text(encoding="utf-8"))
    assert [n["full"] for n in ego["nodes"] if n.get("center")] == ["Ada Example"]


def test_png_is_a_png(tiny_graph: kg.KnowledgeGraph, tmp_path: Path) -> None:
    if viz.png_unavailable():
        pytest.skip(viz.png_unavailable())
    path = viz.write_png(participants_network(tiny_graph), tmp_path / "p.png", "Participants")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_png_of_a_label_the_font_cannot_draw_warns_nobody(tmp_path: Path) -> None:
    """An emoji in an event's title leaked matplotlib's "Glyph 10024 missing from font(s)"."""
    import warnings

    import networkx as nx
    if viz.png_unavailable():
        pytest.skip(viz.png_unavailable())
    g = nx.Graph()
    g.add_node("e", label="\u2728 Modern editing \U0001f426", kind="event")
    g.add_node("p", label="Ada Example", kind="person")
    g.add_edge("e", "p")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert viz.write_png(g, tmp_path / "p.png", "Participants").read_bytes()[:4] == b"\x89PNG"


def test_a_view_with_nothing_to_draw_says_so(make_site, tmp_path: Path) -> None:
    """The pages were written with "nodes": [] and exit 0, without a word on the command line."""
    graph = kg.build_site(make_site({"_people/ada.md": "---\ntitle: Ada Example\n---\n"}))
    said: list[str] = []
    viz.write_views(graph, tmp_path, views=["series", "projects"], png=False, warn=said.append)
    assert said == ["series.html has nothing to draw: the graph holds no event series",
                    "projects.html has nothing to draw: the graph holds no projects"]


def test_png_skipped_with_a_message_without_matplotlib(tiny_graph: kg.KnowledgeGraph, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(viz, "png_unavailable", lambda: "matplotlib is not installed")
    said: list[str] = []
    written = viz.write_views(tiny_graph, tmp_path, views=["participants"], warn=said.append)
    assert [p.name for p in written] == ["participants.html"]
    assert said == ["participants.png skipped: matplotlib is not installed"]


def test_hostile_titles_are_escaped_text(make_site, tmp_path: Path) -> None:
    graph = kg.build_site(make_site(HOSTILE_SITE))
    out = tmp_path / "views"
    written = viz.write_views(graph, out, views=["overview", "participants"], center=HOSTILE_TITLE, png=False)
    assert [p.name for p in written][-1].startswith("ego-")
    for path in written:
        text = assert_offline_and_utf8(path)
        for hostile in (HOSTILE_TITLE, HOSTILE_PROJECT, HOSTILE_PERSON, HOSTILE_ORG, "<script>alert",
                        "onerror=alert(1)>", "javascript:alert"):
            assert hostile not in text, f"{hostile!r} written raw into {path.name}"
        assert text.count("</script>") == 3  # the data, vis-network, the page script: none injected
        assert "Zoë Ærø" in text and "東京 Data" in text  # UTF-8 kept as is
    data = page_json((out / "overview.html").read_text(encoding="utf-8"))
    fulls = {n["full"] for n in data["nodes"]}
    assert {HOSTILE_TITLE, HOSTILE_PROJECT, HOSTILE_PERSON, HOSTILE_ORG, HOSTILE_TOPIC} <= fulls  # as text
    eve = next(n for n in data["nodes"] if n["full"] == HOSTILE_PERSON)
    assert eve["url"] is None  # a javascript: profile link is never a page link


def test_heading_and_title_are_escaped(tmp_path: Path) -> None:
    g = nx.Graph()
    g.add_node("a", kind="event", label="A")
    text = viz.render_html(g, "<b>Title</b> & co", "<i>sub</i>")
    assert "<b>Title</b>" not in text and "&lt;b&gt;Title&lt;/b&gt; &amp; co" in text
    assert "<i>sub</i>" not in text


def test_written_atomically_as_utf8(tmp_path: Path) -> None:
    g = nx.Graph()
    g.add_node("x", kind="person", label="Zoë — 東京")
    path = viz.write_html(g, tmp_path / "deep" / "x.html", "Zoë")
    assert "Zoë — 東京" in path.read_bytes().decode("utf-8")
    assert [p.name for p in path.parent.iterdir()] == ["x.html"]  # no temporary file left


def test_view_errors(tiny_graph: kg.KnowledgeGraph, tmp_path: Path) -> None:
    with pytest.raises(ViewError, match="unknown view 'nope'.*participants, series, projects, overview, ego"):
        viz.write_views(tiny_graph, tmp_path, views=["nope"])
    with pytest.raises(ViewError, match="needs a centre"):
        viz.write_views(tiny_graph, tmp_path, views=["ego"])
    with pytest.raises(ViewError, match="Nobody"):
        viz.write_views(tiny_graph, tmp_path, center="Nobody")
    assert list(tmp_path.iterdir()) == []  # nothing written before the centre was checked


def test_big_networks_get_positions_and_no_physics(tiny_graph: kg.KnowledgeGraph,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    g = overview_network(tiny_graph)
    monkeypatch.setattr(viz, "PHYSICS_MAX_NODES", 5)
    data = viz.page_data(g)
    assert data["layout"]["big"] is True and data["layout"]["physics"] is False
    assert all(isinstance(n["x"], float) and isinstance(n["y"], float) for n in data["nodes"])
    spots = {(n["x"], n["y"]) for n in data["nodes"]}
    assert len(spots) == len(data["nodes"])  # no two nodes on the same spot


def test_layout_of_five_thousand_nodes_is_quick() -> None:
    import time

    g = nx.barabasi_albert_graph(5000, 1, seed=3)
    g.add_nodes_from(range(5000, 5200))  # and some loners
    started = time.perf_counter()
    pos = viz.layout_positions(g)
    assert len(pos) == 5200
    assert time.perf_counter() - started < 20


def test_negative_depth_is_refused_before_any_view_is_written(tiny_graph: kg.KnowledgeGraph, tmp_path: Path) -> None:
    with pytest.raises(ViewError, match="depth must be 0 or more, got -1"):
        viz.write_views(tiny_graph, tmp_path, center="Ada Example", depth=-1)
    assert list(tmp_path.iterdir()) == []  # (the four other views were written first)


def test_page_nodes_are_made_as_pyvis_holds_them_without_its_quadratic_network(
        tiny_graph: kg.KnowledgeGraph, monkeypatch: pytest.MonkeyPatch) -> None:
    """pyvis' Network.add_node looks each id up in a list (20,000 nodes: 1.4 s); the page
    gets the same dicts, made directly, so the pages are byte for byte as they were."""
    import pyvis.network

    g = overview_network(tiny_graph)
    g.nodes[next(iter(g))]["center"] = True
    data = viz.page_data(g)
    net = pyvis.network.Network(directed=False, cdn_resources="in_line")
    for item in data["nodes"]:
        net.add_node(item["id"], label=item["label"], shape="dot",
                     **{k: v for k, v in item.items() if k not in ("id", "label")})
    assert json.dumps(data["nodes"]) == json.dumps(
        [{k: v for k, v in n.items() if k not in ("shape", "color")} for n in net.nodes])

    def refused(*args, **kwargs):
        raise AssertionError("page_data made a pyvis Network")

    monkeypatch.setattr(pyvis.network, "Network", refused)
    assert viz.page_data(g) == data
