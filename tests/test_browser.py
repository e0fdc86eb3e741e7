"""The views in a real browser: headless Chromium, networking off, driven by Playwright.

Each page must draw every node and edge of its network (read back from vis-network's
DataSet), log no error, fire no dialog (a hostile title must stay text), and save a
screenshot. Screenshots go to a temporary folder, or to ``$KG_SCREENSHOTS`` when set;
each path is printed (see them with ``pytest -s`` or ``-rP``).

Needs Debian's ``chromium`` (``apt-get install chromium``) and ``pip install playwright``
(no ``playwright install``: the system browser is used). Skipped when either is missing.
"""
from __future__ import annotations

import os
import shutil
import time
from pathlib import Path
from typing import Any, Iterator

import networkx as nx
import pytest

import kg
from kg import viz
from kg.network import ego_network, load_data, overview_network

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install playwright)")


def _chromium() -> str | None:
    for candidate in (os.environ.get("KG_CHROMIUM"), shutil.which("chromium"), shutil.which("chromium-browser"),
                      "/usr/bin/chromium"):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


CHROMIUM = _chromium()
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no chromium binary (apt-get install chromium)")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]
HOSTILE_TITLE = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as p:
        try:
            b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        except Exception as exc:  # noqa: BLE001 - a browser that will not start is a skip, not a failure
            pytest.skip(f"chromium at {CHROMIUM} did not start: {exc}")
        yield b
        b.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = Path(os.environ.get("KG_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class Opened:
    """A view open in the browser, with what it logged."""

    def __init__(self, page: Any, context: Any, problems: list[str], dialogs: list[str], requests: list[str],
                 seconds: float) -> None:
        self.page, self.context = page, context
        self.problems, self.dialogs, self.requests, self.seconds = problems, dialogs, requests, seconds

    def counts(self) -> list[int]:
        return self.page.evaluate("[network.body.data.nodes.length, network.body.data.edges.length]")

    def close(self) -> None:
        self.context.close()


def open_view(browser: Any, path: Path, shots: Path, name: str | None = None) -> Opened:
    """Open ``path`` offline, wait until its layout settled, screenshot it."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, offline=True)
    requests: list[str] = []

    def route(r: Any) -> None:
        if r.request.url.startswith(("file:", "data:", "blob:")):
            r.continue_()
        else:
            requests.append(r.request.url)
            r.abort()
    context.route("**/*", route)
    page = context.new_page()
    problems: list[str] = []
    dialogs: list[str] = []
    page.on("console", lambda m: problems.append(f"console.{m.type}: {m.text}")
            if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    started = time.perf_counter()
    page.goto(path.as_uri())
    page.wait_for_selector("body[data-ready='1']", state="attached", timeout=45_000)
    seconds = time.perf_counter() - started
    shot = shots / f"{name or path.stem}.png"
    page.screenshot(path=str(shot))
    print(f"screenshot: {shot} ({seconds:.1f} s to settle)")
    return Opened(page, context, problems, dialogs, requests, seconds)


def assert_clean(view: Opened) -> None:
    assert view.problems == [], view.problems
    assert view.dialogs == [], view.dialogs
    assert view.requests == [], f"the page asked the network for {view.requests}"


@pytest.fixture(scope="module")
def tiny_views(tiny_graph: kg.KnowledgeGraph,
               tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, nx.Graph]]:
    out = tmp_path_factory.mktemp("tiny-views")
    data = load_data(tiny_graph)
    views = {name: (out / v.filename, v.build(data)) for name, v in viz.VIEWS.items()}
    for path, g in views.values():
        viz.write_html(g, path, path.stem)
    ego = ego_network(data, "Ada Example", 1)
    viz.write_views(data, out, views=["ego"], center="Ada Example", depth=1)
    views["ego"] = (out / "ego-ada-example.html", ego)
    return views


@pytest.mark.parametrize("name", [*viz.VIEWS, "ego"])
def test_view_draws_every_node_and_edge(name: str, browser: Any, shots: Path,
                                        tiny_views: dict[str, tuple[Path, nx.Graph]]) -> None:
    path, g = tiny_views[name]
    view = open_view(browser, path, shots, f"tiny-{name}")
    try:
        assert view.counts() == [g.number_of_nodes(), g.number_of_edges()]
        assert_clean(view)
        legend = view.page.locator("#kg-kinds label").all_inner_texts()
        assert len(legend) == len({a["kind"] for _, a in g.nodes(data=True)})
        assert view.page.evaluate("network.physics.physicsEnabled") is False  # settled, then stopped
    finally:
        view.close()


def test_hostile_title_stays_text(browser: Any, shots: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "_events").mkdir(parents=True)
    (site / "_config.yml").write_text("url: https://site.example.org\ncollections:\n  events:\n    output: true\n"
                                      "    permalink: /:collection/:name\n", encoding="utf-8")
    (site / "_events" / "2024-05-01-x.md").write_text(
        '---\ntitle: "<img src=x onerror=alert(1)>"\ndate: 2024-05-01\nspeakers:\n'
        '  - {name: "Eve <svg onload=alert(2)>", role: speaker, organisation: "<script>alert(3)</script>"}\n---\n',
        encoding="utf-8")
    graph = kg.build_site(site)
    g = overview_network(graph)
    path = viz.write_html(g, tmp_path / "hostile.html", "<img src=y onerror=alert(4)>")
    view = open_view(browser, path, shots, "hostile")
    try:
        page = view.page
        assert view.counts() == [g.number_of_nodes(), g.number_of_edges()]
        assert page.locator("#kg-title").inner_text() == "<img src=y onerror=alert(4)>"
        page.fill("#kg-search", HOSTILE_TITLE)
        page.press("#kg-search", "Enter")
        page.wait_for_selector("#kg-details:not([hidden])")
        assert page.locator("#kg-details h2").inner_text() == HOSTILE_TITLE
        # hover the event: its tooltip shows the title as text
        page.wait_for_timeout(700)  # the focus animation
        xy = page.evaluate("""(() => {
            const id = network.getSelectedNodes()[0];
            const p = network.canvasToDOM(network.getPositions([id])[id]);
            const r = document.getElementById('kg-network').getBoundingClientRect();
            return [p.x + r.left, p.y + r.top]; })()""")
        page.mouse.move(xy[0] - 40, xy[1] - 40)
        page.mouse.move(xy[0], xy[1], steps=5)
        page.wait_for_selector("div.vis-tooltip", state="visible", timeout=5000)
        assert HOSTILE_TITLE in page.locator("div.vis-tooltip").inner_text()
        page.wait_for_timeout(300)
        assert page.evaluate("document.querySelectorAll('#kg-main img, #kg-main svg, #kg-main script').length") == 0
        assert_clean(view)  # no alert() ran
    finally:
        view.close()


def test_five_thousand_nodes_still_open(browser: Any, shots: Path, tmp_path: Path) -> None:
    g = nx.Graph()
    for i in range(5000):
        g.add_node(f"n{i}", kind=("event", "person", "organisation")[i % 3], label=f"Node {i}")
    tree = nx.random_labeled_tree(5000, seed=5) if hasattr(nx, "random_labeled_tree") else nx.random_tree(5000, seed=5)
    g.add_edges_from((f"n{u}", f"n{v}", {"kind": "participant"}) for u, v in tree.edges)
    path = viz.write_html(g, tmp_path / "big.html", "Five thousand")
    view = open_view(browser, path, shots, "big-5000")
    try:
        assert view.counts() == [5000, 4999]
        assert view.seconds < 30
        assert_clean(view)
    finally:
        view.close()


def test_corpus_participants_view_is_readable(corpus_graph: kg.KnowledgeGraph, browser: Any, shots: Path,
                                              tmp_path: Path) -> None:
    written = viz.write_views(corpus_graph, tmp_path, views=["participants"], png=False)
    g = viz.VIEWS["participants"].build(load_data(corpus_graph))
    view = open_view(browser, written[0], shots, "corpus-participants")
    try:
        assert view.counts() == [g.number_of_nodes(), g.number_of_edges()]
        assert_clean(view)
        labels = view.page.evaluate("kgNetwork.labels()")
        assert len(labels) >= 12
        boxes = [lab["box"] for lab in labels]
        for i, a in enumerate(boxes):  # labels never overlap at rest
            for b in boxes[i + 1:]:
                assert not (a["x1"] < b["x2"] and a["x2"] > b["x1"] and a["y1"] < b["y2"] and a["y2"] > b["y1"])
        hubs = sorted(g.nodes, key=lambda n: (-g.degree(n), n))[:5]
        labelled = {lab["id"] for lab in labels}
        assert hubs[0] in labelled and len(labelled & set(hubs)) >= 3  # the best-linked are labelled
    finally:
        view.close()
