"""A built graph as networkx graphs: who met whom at which event, series, projects.

Every function here reads the knowledge graph through the named queries
``queries/view-nodes.rq``, ``queries/view-participation.rq`` and ``queries/view-links.rq``
and returns an undirected :class:`networkx.Graph` whose nodes are the RDF nodes' IRIs.

Node attributes (all views):

* ``kind``: ``event``, ``person``, ``organisation``, ``funder``, ``project``, ``topic``
  or ``series``;
* ``label``: the node's title or name;
* ``url``: the node's page on the site, or ``None`` when it has no page (people named
  only as speakers, organisations, series);
* ``date``: an event's (earliest) date as ``YYYY-MM-DD``, else ``None``;
* ``subtitle``, ``homepage`` (an organisation's homepage, an event's external link);
* tooltip details gathered from the edges: ``roles``, ``job_titles`` and
  ``organisations`` (a person's, as written at the events), ``events`` (how many events
  a person, organisation, project or topic is linked to), ``people`` (how many people an
  event or organisation has), ``position`` (a meeting's place in its series).

Edge attributes: ``kind`` (``participant``, ``affiliation``, ``co-participant``,
``author``, ``project``, ``topic``, ``meeting``, ``next``, ``part-of``, ``funds``),
``label`` (short text for the edge, e.g. the role), ``events`` (sorted IRIs of the events
the link stands for), ``weight`` (how many), and for directed relations ``source``, the
node the link starts from (the earlier meeting for ``next``, the sub-project for
``part-of``, the funder for ``funds``).
"""
from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from typing import Any, Iterable

import networkx as nx

from .errors import KgError
from .query import run_query
from .resolve import page_key
from .store import KnowledgeGraph

KINDS = ("event", "person", "organisation", "funder", "project", "topic", "series")
"""Every node kind the views draw."""


class ViewError(KgError):
    """A network view cannot be built as asked: e.g. an ego centre that names no node."""


@dataclass
class GraphData:
    """What the views need from a built graph, read once with the ``view-*`` queries."""

    nodes: dict[str, dict[str, Any]]
    participation: list[dict[str, Any]]
    links: list[dict[str, Any]]
    base_url: str = ""
    _by_relation: dict[str, list[dict[str, Any]]] = field(default_factory=dict, repr=False)

    def relation(self, name: str) -> list[dict[str, Any]]:
        """Link rows of one relation (``event-topic``, ``series-event``…)."""
        if not self._by_relation:
            for row in self.links:
                self._by_relation.setdefault(row["relation"], []).append(row)
        return self._by_relation.get(name, [])


def load_data(graph: KnowledgeGraph | GraphData) -> GraphData:
    """Run the ``view-*`` queries over ``graph`` (a :class:`GraphData` passes through)."""
    if isinstance(graph, GraphData):
        return graph
    nodes: dict[str, dict[str, Any]] = {}
    for r in run_query("view-nodes", graph).records():
        if r["node"] in nodes:  # a node typed twice (e.g. topic and project): first kind wins
            continue
        nodes[r["node"]] = {
            "kind": r["kind"], "label": r["label"] or _iri_tail(r["node"]), "url": r["url"],
            "date": r["date"], "subtitle": r["subtitle"], "homepage": r["homepage"]}
    return GraphData(nodes, run_query("view-participation", graph).records(),
                     run_query("view-links", graph).records(), str(graph.report.get("base_url") or ""))


def _iri_tail(iri: str) -> str:
    return re.split(r"[/#]", iri.rstrip("/"))[-1] or iri


def _add_node(g: nx.Graph, data: GraphData, iri: str, **extra: Any) -> bool:
    """Add ``iri`` with its attributes from the node table; ``False`` if the table lacks it."""
    if iri in g:
        g.nodes[iri].update({k: v for k, v in extra.items() if v is not None})
        return True
    attrs = data.nodes.get(iri)
    if attrs is None:
        return False
    g.add_node(iri, **attrs, **extra)
    return True


def _add_edge(g: nx.Graph, u: str, v: str, kind: str, *, label: str | None = None,
              events: Iterable[str] = (), source: str | None = None, **extra: Any) -> None:
    """Add or merge the edge ``u``–``v``: events and labels accumulate."""
    if g.has_edge(u, v):
        e = g.edges[u, v]
        e["events"] = sorted(set(e["events"]) | set(events))
        if label and label not in e["label"].split(", "):
            e["label"] = f"{e['label']}, {label}" if e["label"] else label
        if kind not in e["kinds"]:
            e["kinds"].append(kind)
        e["weight"] = max(1, len(e["events"]))
        return
    evs = sorted(set(events))
    attrs = {"kind": kind, "kinds": [kind], "label": label or "", "events": evs,
             "weight": max(1, len(evs))}
    if source is not None:
        attrs["source"] = source
    attrs.update(extra)
    g.add_edge(u, v, **attrs)


def _append(attrs: dict[str, Any], key: str, value: str | None) -> None:
    if value:
        values = attrs.setdefault(key, [])
        if value not in values:
            values.append(value)


def _participations(g: nx.Graph, data: GraphData, *, event_nodes: bool = True,
                    events: set[str] | None = None) -> dict[str, set[str]]:
    """Add people and organisations on stage; return person -> events they were at."""
    at: dict[str, set[str]] = {}
    for r in data.participation:
        ev, person, org = r["event"], r["person"], r["organisation"]
        if events is not None and ev not in events:
            continue
        if not _add_node(g, data, person):
            continue
        at.setdefault(person, set()).add(ev)
        p = g.nodes[person]
        _append(p, "roles", r["role"])
        _append(p, "job_titles", r["job_title"])
        org_label = data.nodes.get(org, {}).get("label") if org else None
        _append(p, "organisations", org_label)
        if event_nodes and _add_node(g, data, ev):
            _add_edge(g, person, ev, "participant", label=r["role"], events=[ev],
                      job_title=r["job_title"], organisation=org_label)
        if org and _add_node(g, data, org):
            _add_edge(g, person, org, "affiliation", label=r["job_title"] or "affiliation", events=[ev])
    return at


def _count(g: nx.Graph, key: str, counts: dict[str, set[str]]) -> None:
    for n, values in counts.items():
        if n in g:
            g.nodes[n][key] = len(values)


def _event_counts(g: nx.Graph) -> None:
    """``events`` on every non-event node, ``people`` on events and organisations."""
    events: dict[str, set[str]] = {}
    people: dict[str, set[str]] = {}
    for u, v, e in g.edges(data=True):
        for a, b in ((u, v), (v, u)):
            ka, kb = g.nodes[a]["kind"], g.nodes[b]["kind"]
            if ka != "event":
                events.setdefault(a, set()).update(e["events"] or ([b] if kb == "event" else []))
            if kb == "person" and ka in ("event", "organisation", "funder"):
                people.setdefault(a, set()).add(b)
    _count(g, "events", events)
    _count(g, "people", people)


def participants_network(graph: KnowledgeGraph | GraphData, projected: bool = False) -> nx.Graph:
    """People and organisations linked through the events they shared.

    By default the events are nodes too: each person links to every event they were on
    stage at (edge ``participant``, labelled with their role) and to the organisations
    they spoke for (edge ``affiliation``, carrying the events). With ``projected=True``
    the events are folded into the edges: person–person edges (``co-participant``)
    carry the events two people shared, and person–organisation edges their events.
    """
    data = load_data(graph)
    g = nx.Graph(name="participants")
    at = _participations(g, data, event_nodes=not projected)
    if projected:
        people = sorted(at)
        for i, a in enumerate(people):
            for b in people[i + 1:]:
                shared = at[a] & at[b]
                if shared:
                    _add_edge(g, a, b, "co-participant",
                              label=f"{len(shared)} event{'s' if len(shared) != 1 else ''}", events=shared)
    _event_counts(g)
    return g


def series_network(graph: KnowledgeGraph | GraphData) -> nx.Graph:
    """Each event series, its meetings in order, and their speakers and topics.

    The series links to each meeting (edge ``meeting``, labelled ``#1``, ``#2``…); each
    meeting links to the next one (edge ``next``, ``source`` the earlier meeting), to the
    people on stage (``participant``) and to its topics (``topic``). Meeting nodes carry
    ``position`` and ``series``.
    """
    data = load_data(graph)
    g = nx.Graph(name="series")
    meetings: dict[str, list[tuple[int, str]]] = {}
    for r in data.relation("series-event"):
        pos = r["position"]
        meetings.setdefault(r["source"], []).append((int(pos) if pos is not None else 0, r["target"]))
    events: set[str] = set()
    for series, items in sorted(meetings.items()):
        if not _add_node(g, data, series):
            continue
        items.sort(key=lambda it: (it[0], data.nodes.get(it[1], {}).get("date") or "", it[1]))
        prev = None
        for pos, ev in items:
            if not _add_node(g, data, ev, position=pos, series=data.nodes[series]["label"]):
                continue
            events.add(ev)
            _add_edge(g, series, ev, "meeting", label=f"#{pos}", events=[ev], position=pos)
            if prev is not None:
                _add_edge(g, prev, ev, "next", label="next", source=prev)
            prev = ev
        g.nodes[series]["meetings"] = len(items)
    _participations(g, data, events=events)
    for r in data.relation("event-topic"):
        if r["source"] in events and _add_node(g, data, r["target"]):
            _add_edge(g, r["source"], r["target"], "topic", label="about", events=[r["source"]])
    _event_counts(g)
    return g


def project_map(graph: KnowledgeGraph | GraphData) -> nx.Graph:
    """Projects and sub-projects, their events, topics and funders.

    Every project is a node, with ``part-of`` edges from a sub-project to its parent
    (``source`` the sub-project); events link to their projects (``project``), projects
    to their topics (``topic``), and funders to the projects they fund (``funds``) when
    the graph says so (``schema:funder``, or a funder page that mentions the project).
    Funders the graph links to no project are drawn unconnected.
    """
    data = load_data(graph)
    g = nx.Graph(name="projects")
    for iri, attrs in data.nodes.items():
        if attrs["kind"] in ("project", "funder"):
            _add_node(g, data, iri)
    for r in data.relation("project-parent"):
        if _add_node(g, data, r["source"]) and _add_node(g, data, r["target"]):
            _add_edge(g, r["source"], r["target"], "part-of", label="part of", source=r["source"])
    for r in data.relation("event-project"):
        if r["target"] in g and _add_node(g, data, r["source"]):
            _add_edge(g, r["source"], r["target"], "project", label="project", events=[r["source"]])
    for r in data.relation("project-topic"):
        if r["source"] in g and _add_node(g, data, r["target"]):
            _add_edge(g, r["source"], r["target"], "topic", label="about")
    for r in data.relation("project-funder"):
        if r["source"] in g and _add_node(g, data, r["target"]):
            _add_edge(g, r["target"], r["source"], "funds", label="funds", source=r["target"])
    _event_counts(g)
    return g


def overview_network(graph: KnowledgeGraph | GraphData, authors: bool = True) -> nx.Graph:
    """Everything at once: events, projects, topics, people and organisations.

    Events link to their projects and topics, the people on stage (``participant``) and,
    with ``authors=True``, the staff who wrote them up (``author``); people link to their
    organisations; projects to their parent projects and topics.
    """
    data = load_data(graph)
    g = nx.Graph(name="overview")
    for iri, attrs in data.nodes.items():
        if attrs["kind"] in ("event", "project", "topic"):
            _add_node(g, data, iri)
    _participations(g, data)
    for relation, kind, label in (("event-project", "project", "project"), ("event-topic", "topic", "about"),
                                  ("project-topic", "topic", "about"), ("project-parent", "part-of", "part of")):
        for r in data.relation(relation):
            if _add_node(g, data, r["source"]) and _add_node(g, data, r["target"]):
                extra = {"source": r["source"]} if kind == "part-of" else {}
                evs = [r["source"]] if relation.startswith("event-") else []
                _add_edge(g, r["source"], r["target"], kind, label=label, events=evs, **extra)
    if authors:
        for r in data.relation("event-author"):
            if _add_node(g, data, r["source"]) and _add_node(g, data, r["target"]):
                _add_edge(g, r["target"], r["source"], "author", label="wrote up", events=[r["source"]])
    _event_counts(g)
    return g


def full_network(graph: KnowledgeGraph | GraphData) -> nx.Graph:
    """The overview, the series and the project map in one graph (what ego views walk)."""
    data = load_data(graph)
    # the overview last: a person's roles, job titles and organisations are of all their
    # events, not of the series' alone (compose_all keeps the last graph's value of an attribute)
    g = nx.compose_all([series_network(data), project_map(data), overview_network(data)])
    g.graph["name"] = "full"
    _event_counts(g)
    return g


def _norm(text: str) -> str:
    return " ".join(str(text).split()).casefold()


def find_node(graph: KnowledgeGraph | GraphData | nx.Graph, center: str) -> str:
    """The IRI of the node ``center`` names: an IRI, a site path, or a name or title (any case).

    Raises:
        ViewError: nothing matches, or several nodes do (the message lists them).
    """
    if isinstance(graph, nx.Graph):
        nodes, base = dict(graph.nodes(data=True)), str(graph.graph.get("base_url", ""))
    else:
        data = load_data(graph)
        nodes, base = data.nodes, data.base_url
    text = str(center).strip()
    if not text:
        raise ViewError("no centre given for the ego view", hint="pass --center NAME, title or IRI")
    if text in nodes:
        return text
    address = base.rstrip("/") + text if text.startswith("/") and base else text
    wanted = page_key(address)
    if wanted is not None:  # the page's address as a browser shows it, or written another way
        hits = sorted({n for n, a in nodes.items()
                       if page_key(n) == wanted or (a.get("url") and page_key(a["url"]) == wanted)})
        if len(hits) == 1:
            return hits[0]
        if len(hits) > 1:
            raise _several(center, hits, nodes)
    key = _norm(text)
    hits = [n for n, a in nodes.items() if _norm(a.get("label") or "") == key]
    if not hits:
        hits = [n for n, a in nodes.items() if a.get("url") and _norm(a["url"]).rstrip("/").endswith(key.rstrip("/"))
                and key.startswith("/")]
    if len(hits) == 1:
        return hits[0]
    if len(hits) > 1:
        raise _several(center, hits, nodes)
    raise ViewError(f"no event, person, organisation, project, topic or series is called {center!r}",
                    hint=_suggest(key, nodes))


def _several(center: str, hits: list[str], nodes: dict[str, dict[str, Any]]) -> ViewError:
    listed = "; ".join(_describe(n, nodes[n]) for n in sorted(hits, key=lambda n: (nodes[n]["kind"], n)))
    return ViewError(f"{center!r} names {len(hits)} nodes: {listed}",
                     hint="pass the IRI (or site path such as /events/…) of the one you mean")


def _describe(iri: str, attrs: dict[str, Any]) -> str:
    date = f" {attrs['date']}" if attrs.get("date") else ""
    return f"{attrs['kind']} {attrs.get('label')!r}{date} <{iri}>"


def _suggest(key: str, nodes: dict[str, dict[str, Any]]) -> str:
    labels = {a.get("label") or "": n for n, a in nodes.items()}
    close = sorted((lab for lab in labels if key and key in _norm(lab)),
                   key=lambda lab: (not _norm(lab).startswith(key), len(lab), lab))[:5]
    if not close:
        from rapidfuzz import fuzz, process

        close = [m[0] for m in process.extract(key, list(labels), scorer=fuzz.WRatio,
                                               processor=_norm, limit=5) if m[1] >= 60]
    if close:
        return "did you mean " + ", ".join(repr(c) for c in close) + "?"
    return "give a name or title as written on the site, a site path such as /people/…, or an IRI"


def ego_network(graph: KnowledgeGraph | GraphData, center: str, depth: int = 2) -> nx.Graph:
    """Everything within ``depth`` links of ``center`` in the :func:`full_network`.

    ``center`` is an IRI, a site path (``/people/alice-tester``) or a name or title, in
    any case. The centre node gets ``center=True``; the graph records ``center``.

    Raises:
        ViewError: ``center`` names no node or several, or ``depth`` is negative.
    """
    if depth < 0:
        raise ViewError(f"depth must be 0 or more, got {depth}")
    data = load_data(graph)
    full = full_network(data)
    iri = find_node(data, center)
    if iri not in full:  # a node that takes part in no view's links: draw it alone
        full.add_node(iri, **data.nodes[iri])
    keep = set(nx.single_source_shortest_path_length(full, iri, cutoff=depth))
    ego = nx.Graph()  # built in the full graph's order, so the same graph gives the same page
    ego.add_nodes_from((n, copy.deepcopy(a)) for n, a in full.nodes(data=True) if n in keep)
    ego.add_edges_from((u, v, copy.deepcopy(e)) for u, v, e in full.edges(data=True) if u in keep and v in keep)
    ego.nodes[iri]["center"] = True
    ego.graph.update(name="ego", center=iri, depth=depth)
    return ego

