"""Network views as standalone interactive HTML pages (and a static PNG).

Each view is a networkx graph from :mod:`kg.network` drawn with vis-network, the
library pyvis ships. The page is one self-contained UTF-8 file that works offline from
``file://``: vis-network's script and stylesheet are inlined, nothing is fetched, and a
Content-Security-Policy forbids fetching anything.

kg makes the nodes and edges as the plain dicts a :class:`pyvis.network.Network` holds
(without it: its ``add_node`` and ``add_edge`` are quadratic) and renders them with its
own template (``kg/templates/viz/view.html``) rather than pyvis's, which loads Bootstrap
from a CDN, turns every tooltip into raw HTML as soon as one title contains ``href``,
prints the heading and node ids unescaped and writes files in the platform's encoding.
Here every text from the graph travels as JSON inside a ``<script
type="application/json">`` element (``<``, ``>`` and ``&`` escaped) and the page's script
puts it on screen with ``textContent``; tooltips are DOM elements, and links are only
ever ``http(s)``/``file`` URLs. Only the page's own scripts may run (CSP hashes), so an
injected ``onerror=`` attribute could not run even if markup slipped through.

Layout: up to :data:`PHYSICS_MAX_NODES` nodes, vis-network's ForceAtlas2 settles the
network while the page opens (seeded, so the same graph gives the same picture), then
physics is switched off so nothing moves at rest. Bigger networks get positions
computed here and no physics, so a 5,000-node view still opens at once. Node size
follows the number of links; small nodes' labels appear as you zoom in, so labels of
the well-linked nodes stand clear when the whole network is in view.
"""
from __future__ import annotations

import base64
import hashlib
import json
import math
import warnings
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Sequence

import networkx as nx

from .errors import python_warning
from .network import (GraphData, ViewError, ego_network, find_node, load_data, overview_network,
                      participants_network, project_map, series_network)
from .site import slugify
from .store import KnowledgeGraph, write_bytes

TEMPLATES = Path(__file__).resolve().parent / "templates" / "viz"
PHYSICS_MAX_NODES = 1500
"""Above this many nodes, positions are computed in Python and the page runs no physics."""
LABEL_MAX = 42
"""Node labels longer than this are cut with an ellipsis (tooltips give the whole title)."""


@dataclass(frozen=True)
class KindStyle:
    """How a kind of node looks: colour, vis-network shape, legend glyph, matplotlib marker."""

    name: str
    plural: str
    color: str
    border: str
    shape: str
    glyph: str
    marker: str
    text: str = "#1b1b1b"


KIND_STYLES: dict[str, KindStyle] = {
    "event": KindStyle("Event", "Events", "#4e79a7", "#2f4b6e", "diamond", "\u25c6", "D", "#203f66"),
    "person": KindStyle("Person", "People", "#f28e2b", "#a85a10", "dot", "\u25cf", "o", "#7a3f06"),
    "organisation": KindStyle("Organisation", "Organisations", "#59a14f", "#356130", "square", "\u25a0", "s",
                              "#2a5424"),
    "funder": KindStyle("Funder", "Funders", "#b07aa1", "#6f4a66", "star", "\u2605", "*", "#5a3753"),
    "project": KindStyle("Project", "Projects", "#e15759", "#8f2f31", "hexagon", "\u2b22", "h", "#8a2a2c"),
    "topic": KindStyle("Topic", "Topics", "#d4a800", "#8a6d00", "triangle", "\u25b2", "^", "#5f4c00"),
    "series": KindStyle("Series", "Series", "#76b7b2", "#3f7a75", "triangleDown", "\u25bc", "v", "#2b5c57"),
}


_LABEL_FIRST = ("project", "series", "funder", "topic")
"""Kinds whose labels win over equally linked events, people and organisations."""


@dataclass(frozen=True)
class EdgeStyle:
    """How a kind of link looks."""

    name: str
    color: str
    width: float = 1.0
    dashes: bool = False
    arrow: bool = False


EDGE_STYLES: dict[str, EdgeStyle] = {
    "participant": EdgeStyle("on stage at", "#8796ad"),
    "co-participant": EdgeStyle("shared events", "#8796ad"),
    "affiliation": EdgeStyle("organisation", "#7fb276"),
    "author": EdgeStyle("wrote up", "#c9c9c9", dashes=True),
    "project": EdgeStyle("event of project", "#e8a0a1"),
    "topic": EdgeStyle("about topic", "#e3cf7a"),
    "part-of": EdgeStyle("sub-project of", "#e15759", 2.0, arrow=True),
    "funds": EdgeStyle("funds", "#b07aa1", 2.0, arrow=True),
    "meeting": EdgeStyle("meeting of series", "#9fcdc9"),
    "next": EdgeStyle("next meeting", "#3f7a75", 2.5, arrow=True),
}


@dataclass(frozen=True)
class View:
    """A view the CLI can write: its builder, what it shows, and its file name."""

    name: str
    build: Callable[[GraphData], nx.Graph]
    title: str
    description: str
    needs: str = "nodes"   # what the graph must hold for the view to draw anything

    @property
    def filename(self) -> str:
        """The HTML file the view is written to."""
        return f"{self.name}.html"


VIEWS: dict[str, View] = {
    "participants": View("participants", participants_network, "Participants",
                         "People on stage, the events they shared and the organisations they spoke for",
                         "speakers of events (people the event pages name on stage)"),
    "series": View("series", series_network, "Event series",
                   "Each event series' meetings in order, with their speakers and topics", "event series"),
    "projects": View("projects", project_map, "Projects",
                     "Projects and sub-projects, their events, topics and funders", "projects"),
    "overview": View("overview", overview_network, "Overview",
                     "Events, projects, topics, people and organisations in one network",
                     "events, projects, topics, people or organisations"),
}
"""The views ``write_views`` knows, by name. ``ego`` (needs a centre) is extra: see EGO_VIEW."""

EGO_VIEW = "ego"
EGO_DESCRIPTION = "Everything within DEPTH links of one event, person, organisation, project or topic"


def view_names() -> list[str]:
    """Names a user may ask for: the views plus ``ego``."""
    return [*VIEWS, EGO_VIEW]


# -- networkx -> page data ---------------------------------------------------------------
def _cut(text: str, limit: int = LABEL_MAX) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def _listed(values: list[str], limit: int = 4, sep: str = "; ") -> str:
    shown = [str(v) for v in values[:limit]]
    more = len(values) - limit
    return sep.join(shown) + (f" (+{more} more)" if more > 0 else "")


def _node_info(g: nx.Graph, n: str, a: dict[str, Any]) -> list[list[str]]:
    kind = a.get("kind")
    rows: list[list[str]] = []

    def add(key: str, value: Any) -> None:
        if value not in (None, "", []):
            rows.append([key, str(value)])

    add("Date", a.get("date"))
    add("Subtitle", a.get("subtitle"))
    if a.get("series"):
        add("Series", f"{a['series']}, meeting {a.get('position')}")
    add("Role", _listed(a.get("roles") or [], sep=", "))
    add("Job title", _listed(a.get("job_titles") or []))
    add("Organisation", _listed(a.get("organisations") or []))
    if kind == "person":   # on stage and written up are two things ("Events 49" was both)
        kinds = [e.get("kinds") or [] for _u, _v, e in g.edges(n, data=True)]
        add("On stage at", sum("participant" in k for k in kinds) or None)
        add("Wrote up", sum("author" in k for k in kinds) or None)
    elif kind != "event":
        add("Events", a.get("events"))
    add("Meetings", a.get("meetings"))
    add("People", a.get("people"))
    add("Homepage" if kind in ("organisation", "funder") else "Link", a.get("homepage"))
    add("Links here", g.degree(n))
    return rows


def _edge_info(g: nx.Graph, e: dict[str, Any]) -> list[list[str]]:
    rows: list[list[str]] = []
    if e.get("job_title"):
        rows.append(["Job title", str(e["job_title"])])
    if e.get("organisation"):
        rows.append(["Organisation", str(e["organisation"])])
    events = e.get("events") or []
    if events:
        labels = []
        for ev in events:
            a = g.nodes[ev] if ev in g else {}
            label = a.get("label") or ev
            labels.append(f"{a['date']} {label}" if a.get("date") else label)
        rows.append([f"Event{'s' if len(labels) != 1 else ''} ({len(labels)})", _listed(sorted(labels), 5)])
    return rows


def page_data(g: nx.Graph, positions: dict[str, tuple[float, float]] | None = None) -> dict[str, Any]:
    """What the page script draws: nodes, edges, styles and layout settings, JSON-ready."""
    n = g.number_of_nodes()
    big = n > PHYSICS_MAX_NODES
    if big and positions is None:
        positions = layout_positions(g)
    # the items pyvis' Network would hold (its add_node looks each id up in a list, and its
    # add_edge scans every edge: quadratic), made as the plain dicts they are there
    nodes: list[dict[str, Any]] = []
    edges: list[dict[str, Any]] = []
    same: dict[str, int] = {}
    for _, a in g.nodes(data=True):
        key = str(a.get("label") or "")
        same[key] = same.get(key, 0) + 1
    for node, a in g.nodes(data=True):
        kind = a.get("kind", "event")
        item: dict[str, Any] = {
            "full": str(a.get("label") or node), "kind": kind, "url": a.get("url"),
            "homepage": a.get("homepage"), "date": a.get("date"), "value": max(1, g.degree(node)),
            "rank": g.degree(node) * (1.5 if kind in _LABEL_FIRST else 1.0),
            "info": _node_info(g, node, a)}
        if a.get("center"):
            item["center"] = True
        if positions is not None and node in positions:
            item["x"], item["y"] = (round(float(c), 1) for c in positions[node])
        label = _cut(item["full"])
        if same.get(str(a.get("label") or ""), 0) > 1 and a.get("date"):
            label = f"{_cut(item['full'], LABEL_MAX - 13)} ({a['date']})"  # tell namesakes apart
        nodes.append({**item, "id": str(node), "label": label or str(node)})
    for u, v, e in g.edges(data=True):
        src = e.get("source")
        a, b = (v, u) if src == v else (u, v)
        style = EDGE_STYLES.get(e.get("kind", ""))
        edges.append({"from": str(a), "to": str(b), "kind": e.get("kind", ""),
                      "label": e.get("label") or "", "arrow": bool(style and style.arrow and src),
                      "info": _edge_info(g, e)})
    fewer = max(0.0, min(1.0, (math.log10(max(n, 10)) - 1) / 2))  # 0 for 10 nodes, 1 for 1000+
    return {
        "kinds": {k: {"name": s.name, "plural": s.plural, "color": s.color, "border": s.border, "text": s.text,
                      "shape": s.shape, "glyph": s.glyph} for k, s in KIND_STYLES.items()},
        "edgeKinds": {k: {"name": s.name, "color": s.color, "width": s.width, "dashes": s.dashes,
                          "arrow": s.arrow} for k, s in EDGE_STYLES.items()},
        "nodes": nodes,
        "edges": edges,
        "layout": {
            "big": big, "physics": not big and n > 1,
            "iterations": int(min(400, 150 + 0.6 * n)), "solver": "forceAtlas2Based",
            "forces": {"gravitationalConstant": -70 - 50 * fewer, "centralGravity": 0.012,
                       "springLength": 70 + 40 * fewer, "springConstant": 0.08, "damping": 0.6,
                       "avoidOverlap": 0.8},
            "sizeMin": 5 if big else 10 + 4 * fewer, "sizeMax": 22 if big else 30 + 25 * fewer,
            "fitLabels": int(max(12, min(40, 4 * math.sqrt(n)))),
        },
    }


def layout_positions(g: nx.Graph, unit: float = 40.0, core_size: int = 300) -> dict[str, tuple[float, float]]:
    """Node positions for a network too big for in-browser physics (fast at 5,000+ nodes).

    Each connected component is laid out by itself: a spring layout of its best-linked
    ``core_size`` nodes (grown outward from its biggest hub, so the core is connected),
    then every other node on a ring around the neighbour that reached it first. The
    components are packed in rows, biggest first. Seeded: the same graph, the same picture.
    """
    import heapq

    import numpy as np

    comps = sorted(nx.connected_components(g), key=lambda c: (-len(c), min(map(str, c))))
    pieces: list[tuple[float, dict[Any, Any]]] = []
    for comp in comps:
        k = len(comp)
        sub = nx.Graph()  # in a fixed order: subgraph views iterate in set order, which varies by run
        sub.add_nodes_from(sorted(comp, key=str))
        sub.add_edges_from(sorted((tuple(sorted((u, v), key=str)) for u, v in g.edges(comp)), key=str))
        if k <= 3:
            order = sorted(comp, key=lambda x: (-sub.degree(x), str(x)))
            local = {x: np.array([(i - (k - 1) / 2) * unit, 0.0]) for i, x in enumerate(order)}
            pieces.append((unit * max(1, k) / 2 + unit / 2, local))
            continue
        # the core: best-first growth from the biggest hub
        start = max(comp, key=lambda x: (sub.degree(x), str(x)))
        core, seen, heap = [], {start}, [(-sub.degree(start), str(start), start)]
        while heap and len(core) < core_size:
            _, _, x = heapq.heappop(heap)
            core.append(x)
            for y in sub.neighbors(x):
                if y not in seen:
                    seen.add(y)
                    heapq.heappush(heap, (-sub.degree(y), str(y), y))
        in_core = set(core)
        core_graph = nx.Graph()
        core_graph.add_nodes_from(core)
        core_graph.add_edges_from((u, v) for u, v in sub.edges(core) if u in in_core and v in in_core)
        spring = nx.spring_layout(core_graph, seed=7, iterations=80)
        spread = unit * 1.6 * math.sqrt(len(core))
        local = {x: np.asarray(p, dtype=float) * spread for x, p in spring.items()}
        # everyone else: breadth-first from the core, on a ring round their parent
        children: dict[Any, list[Any]] = {}
        queue = list(core)
        placed = set(core)
        head = 0
        while head < len(queue):
            x = queue[head]
            head += 1
            for y in sorted(sub.neighbors(x), key=str):
                if y not in placed:
                    placed.add(y)
                    children.setdefault(x, []).append(y)
                    queue.append(y)
        for x in queue:  # parents come before their children in this order
            kids = children.get(x, [])
            if not kids:
                continue
            ring = unit * (0.9 + 0.22 * math.sqrt(len(kids)))
            phase = (zlib.crc32(str(x).encode("utf-8")) % 628) / 100.0
            for i, y in enumerate(kids):
                angle = phase + 2 * math.pi * i / len(kids)
                local[y] = local[x] + ring * np.array([math.cos(angle), math.sin(angle)])
        arr = np.array(list(local.values()))
        centre = arr.mean(axis=0)
        local = {x: p - centre for x, p in local.items()}
        radius = float(np.abs(arr - centre).max()) + unit
        pieces.append((radius, local))
    pos: dict[str, tuple[float, float]] = {}
    area = sum((2 * r + unit / 2) ** 2 for r, _ in pieces)
    width = max(2 * pieces[0][0] + unit, 1.3 * math.sqrt(area)) if pieces else unit
    x = y = row_h = 0.0
    for radius, local in pieces:
        if x + 2 * radius > width and x > 0:
            x, y, row_h = 0.0, y + row_h, 0.0
        for node, p in local.items():
            pos[node] = (float(x + radius + p[0]), float(y + radius + p[1]))
        x += 2 * radius + unit / 2
        row_h = max(row_h, 2 * radius + unit / 2)
    return pos


# -- page -------------------------------------------------------------------------------
def _asset(name: str) -> str:
    return (TEMPLATES / name).read_text(encoding="utf-8")


def _vis_assets() -> tuple[str, str]:
    """vis-network's script and stylesheet as pyvis ships them."""
    import pyvis

    lib = Path(pyvis.__file__).resolve().parent / "templates" / "lib" / "vis-9.1.2"
    js = (lib / "vis-network.min.js").read_text(encoding="utf-8")
    css = (lib / "vis-network.css").read_text(encoding="utf-8")
    return js, css


def _json_for_html(data: Any) -> str:
    """JSON that cannot end its ``<script>`` element or open a comment."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return (text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _csp_hash(script: str) -> str:
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def render_html(g: nx.Graph, title: str, subtitle: str = "",
                positions: dict[str, tuple[float, float]] | None = None) -> str:
    """The whole page for ``g`` as text (UTF-8 when written)."""
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
                             keep_trailing_newline=True)
    vis_js, vis_css = _vis_assets()
    view_js = _asset("view.js")
    for name, text in (("vis-network", vis_js), ("view.js", view_js)):
        if "</script" in text.lower() or "<!--" in text:
            raise ViewError(f"cannot inline {name}: it contains '</script' or '<!--'")
    n, m = g.number_of_nodes(), g.number_of_edges()
    counts = f"{n} node{'s' if n != 1 else ''}, {m} link{'s' if m != 1 else ''}"
    return env.get_template("view.html").render(
        title=title, subtitle=f"{subtitle} \u00b7 {counts}" if subtitle else counts,
        vis_css=vis_css.replace("</", "<\\/"), view_css=_asset("view.css"),
        vis_js=vis_js, view_js=view_js, data_json=_json_for_html(page_data(g, positions)),
        script_hashes=" ".join([_csp_hash(vis_js), _csp_hash(view_js)]))


def write_html(g: nx.Graph, path: str | Path, title: str, subtitle: str = "") -> Path:
    """Write the page for ``g`` to ``path`` (UTF-8, atomically)."""
    path = Path(path)
    write_bytes(path, render_html(g, title, subtitle).encode("utf-8"))
    return path


# -- static picture ---------------------------------------------------------------------
def png_unavailable() -> str | None:
    """Why a PNG cannot be drawn (matplotlib missing), or ``None`` when it can."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return "matplotlib is not installed, so no PNG was drawn (pip install matplotlib)"
    return None


def write_png(g: nx.Graph, path: str | Path, title: str, labels: int = 45) -> Path:
    """A static picture of ``g``: colour and marker by kind, size by links, labels that do not overlap.

    Components are laid out apart (see :func:`layout_positions`); the best-linked nodes
    are labelled first and a label that would overlap one already drawn is left out.

    Raises:
        ViewError: matplotlib is not installed.
    """
    reason = png_unavailable()
    if reason:
        raise ViewError(reason)
    import io

    import matplotlib
    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    path = Path(path)
    n = g.number_of_nodes()
    pos = {k: (x, -y) for k, (x, y) in layout_positions(g).items()}
    with warnings.catch_warnings():
        # a label with a character the font lacks (an emoji in a title) is drawn as a box,
        # without matplotlib's own warning
        warnings.filterwarnings("ignore", message=r"Glyph \d+ .* missing from", category=UserWarning)
        fig, ax = plt.subplots(figsize=(16, 11), dpi=110)
        try:
            ax.set_axis_off()
            ax.set_title(f"{title} \u00b7 {n} nodes, {g.number_of_edges()} links", fontsize=15, loc="left")
            nx.draw_networkx_edges(g, pos, ax=ax, edge_color="#9a9a9a", width=0.6, alpha=0.6)
            degree = dict(g.degree())
            kinds = [k for k in KIND_STYLES if any(a.get("kind") == k for _, a in g.nodes(data=True))]
            for kind in kinds:
                style = KIND_STYLES[kind]
                nodes = [x for x, a in g.nodes(data=True) if a.get("kind") == kind]
                nx.draw_networkx_nodes(g, pos, nodelist=nodes, ax=ax, node_shape=style.marker,
                                       node_color=style.color, edgecolors=style.border, linewidths=0.5,
                                       node_size=[18 + 14 * degree[x] for x in nodes])
            handles = [Line2D([], [], linestyle="", marker=KIND_STYLES[k].marker, markersize=9,
                              markerfacecolor=KIND_STYLES[k].color, markeredgecolor=KIND_STYLES[k].border,
                              label=KIND_STYLES[k].plural) for k in kinds]
            legend = ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=True,
                               fontsize=10) if handles else None
            fig.canvas.draw()
            renderer = fig.canvas.get_renderer()
            taken = [legend.get_window_extent(renderer)] if legend else []
            placed = 0
            for x in sorted(g.nodes, key=lambda x: (-degree[x], str(g.nodes[x].get("label")))):
                if placed >= labels:
                    break
                text = ax.annotate(_cut(g.nodes[x].get("label") or x, 34), pos[x], xytext=(0, 6),
                                   textcoords="offset points", ha="center", va="bottom", fontsize=8.5,
                                   bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.8})
                box = text.get_window_extent(renderer).expanded(1.04, 1.1)
                if any(box.overlaps(t) for t in taken):
                    text.remove()
                    continue
                taken.append(box)
                placed += 1
            buf = io.BytesIO()
            fig.savefig(buf, format="png", bbox_inches="tight")
        finally:
            plt.close(fig)
    write_bytes(path, buf.getvalue())
    return path


# -- all views --------------------------------------------------------------------------
def write_views(graph: KnowledgeGraph | GraphData, out_dir: str | Path, views: list[str] | None = None,
                center: str | Sequence[str] | None = None, depth: int = 2, png: bool = True,
                warn: Callable[[str], None] = python_warning) -> list[Path]:
    """Write the network views of ``graph`` into ``out_dir``; return the files written.

    Args:
        graph: a built graph.
        out_dir: the folder for ``participants.html``, ``series.html``, ``projects.html``,
            ``overview.html``, ``ego-<slug>.html`` and ``participants.png``.
        views: names from :data:`VIEWS` (and ``ego``); default: all four. ``ego`` is
            added whenever ``center`` is given.
        center: the ego view's centre: an IRI, site path, or name or title (any case);
            or several, each drawn on its own page (one naming the same node as another
            adds nothing; two whose labels make the same file name get ``-2``, ``-3``…).
        depth: how many links out from the centre the ego view reaches.
        png: also draw ``participants.png`` when the participants view is written.
        warn: called with a message when something is skipped (matplotlib missing) or a
            view has nothing to draw.

    Raises:
        ViewError: an unknown view, ``ego`` without a centre or with a negative ``depth``,
            or a centre that names no node (before any file is written).
    """
    names = list(views) if views else list(VIEWS)
    centers = [center] if isinstance(center, str) else list(center or [])
    if centers and EGO_VIEW not in names:
        names.append(EGO_VIEW)
    unknown = [v for v in names if v not in VIEWS and v != EGO_VIEW]
    if unknown:
        raise ViewError(f"unknown view{'s' if len(unknown) > 1 else ''} {', '.join(map(repr, unknown))}",
                        hint=f"views: {', '.join(view_names())}")
    if EGO_VIEW in names and not centers:
        raise ViewError("the ego view needs a centre", hint="add --center NAME (a name, title or IRI)")
    if EGO_VIEW in names and depth < 0:  # (ego_network says so too, but only once other views are written)
        raise ViewError(f"depth must be 0 or more, got {depth}")
    data = load_data(graph)
    out = Path(out_dir)
    written: list[Path] = []
    iris = list(dict.fromkeys(find_node(data, c) for c in centers))  # fail before writing anything
    for name in dict.fromkeys(names):
        if name == EGO_VIEW:
            files: set[str] = set()
            for iri in iris:
                g = ego_network(data, iri, depth)
                label = g.nodes[iri].get("label") or iri
                slug = slugify(label) or "node"
                file, n = f"ego-{slug}.html", 1
                while file in files:  # two centres of the same name (told apart by IRI)
                    n += 1
                    file = f"ego-{slug}-{n}.html"
                files.add(file)
                written.append(write_html(g, out / file, f"Around {label}",
                                          f"everything within {depth} link{'s' if depth != 1 else ''}"))
            continue
        view = VIEWS[name]
        g = view.build(data)
        if g.number_of_nodes() == 0:  # (the page says so too: "Nothing to draw")
            warn(f"{view.filename} has nothing to draw: the graph holds no {view.needs}")
        written.append(write_html(g, out / view.filename, view.title, view.description))
        if name == "participants" and png:
            reason = png_unavailable()
            if reason:
                warn(f"participants.png skipped: {reason}")
            else:
                written.append(write_png(g, out / "participants.png", view.title))
    return written

