"""Write what the graph knows back into a Jekyll site: data files and the includes that show them.

:func:`export_site` writes, in the site folder:

* ``_data/related_events.json``: for each event page (keyed by its ``page.url``, e.g.
  ``/events/2025-01-15-community-of-practice``), its related events, best first:
  ``{"url", "title", "date", "score", "reasons"}``. ``url`` is a site path without the
  ``baseurl``, to pass through Jekyll's ``relative_url`` filter;
* ``_data/backlinks.json``: for each person, organisation, project and topic page, the
  events that link to it (as speaker, chair, host…, through a participant's
  organisation, as project or sub-project, as topic), newest first:
  ``{"url", "title", "date", "roles"}``;
* ``_data/event_jsonld.json``: for each event page, its schema.org ``Event`` as JSON-LD
  (name, startDate, organizer, performer, superEvent, about, url);
* ``_includes/related-events.html``, ``_includes/backlinks.html`` and
  ``_includes/event-jsonld.html``, each used by one line in a layout
  (``{% include related-events.html %}``), escaping every value.

(``_data`` and ``_includes`` are the ``data_dir`` and ``includes_dir`` of ``_config.yml``
when it sets them.)

Every ``<`` in the JSON files is written ``\\u003c`` (the same string to a JSON reader),
and the JSON-LD include does the same to what Jekyll's ``jsonify`` prints, so a title
holding ``</script>`` cannot end the script element. Files are written atomically.
An include whose first line no longer says ``kg:generated`` is the site's own and is
left as it is.
"""
from __future__ import annotations

import json
import re
from collections import defaultdict
from importlib import resources
from pathlib import Path
from typing import Any, Mapping

import yaml

from .errors import KgError
from .query import internal, run_query
from .related import Suggestion, related_events
from .store import KnowledgeGraph, write_bytes

DATA_FILES = {"related": "related_events.json", "backlinks": "backlinks.json", "jsonld": "event_jsonld.json"}
INCLUDES = ("related-events.html", "backlinks.html", "event-jsonld.html",
            # one per kind of page, each a titled use of backlinks.html
            "person-events.html", "organisation-events.html", "project-events.html", "topic-events.html")
MARKER = "kg:generated"
ORGANIZER_ROLES = ("host", "organiser", "organizer", "convenor", "convener")




class _Paths:
    """Site paths (``page.url``) of the graph's page nodes."""

    def __init__(self, graph: KnowledgeGraph) -> None:
        self.base = str(graph.report.get("base_url") or "").rstrip("/")
        self.pages: dict[str, str] = {}
        for row in graph.query(internal("jekyll-pages")):
            path = self.of(row["url"].value)
            if path is not None:
                node = row["node"].value
                self.pages[node] = min(self.pages.get(node, path), path)

    def of(self, iri: str) -> str | None:
        """``iri`` as a site path (``/events/x``), or ``None`` when it is no page of the site."""
        if not self.base or not iri.startswith(self.base + "/"):
            return None
        path = iri[len(self.base):]
        return None if path.startswith("/id/") else path

    def page(self, node: str) -> str | None:
        """The path of the page of ``node`` (its IRI, or its page's ``schema:url``)."""
        return self.pages.get(node)


def export_site(graph: KnowledgeGraph, site_dir: str | Path, *,
                related: Mapping[str, list[Suggestion]] | None = None, top: int | None = None,
                weights: Mapping[str, Any] | str | Path | None = None,
                texts: Mapping[str, str] | None = None, includes: bool = True) -> dict[str, list[str]]:
    """Write the data files and includes of the site at ``site_dir``.

    Args:
        graph: the site's built graph.
        site_dir: the Jekyll site folder (the one holding ``_config.yml``).
        related: suggestions already computed by :func:`kg.related.related_events`;
            computed here (with ``top``, ``weights``, ``texts``) when ``None``.
        includes: also write the ``_includes`` files (never over ones the site changed).

    Returns:
        ``{"written": [paths], "kept": [includes left alone because the site changed them]}``.
    """
    site = Path(site_dir)
    paths = _Paths(graph)
    if not paths.base:
        raise KgError("the graph's build report has no base_url, so its pages have no site paths",
                      hint="rebuild it with `kg build`")
    config = _config(site)
    data_dir = site / str(config.get("data_dir") or "_data")
    includes_dir = site / str(config.get("includes_dir") or "_includes")
    if related is None:
        related = related_events(graph, top, weights, texts=texts, site=site)
    written: list[str] = []
    kept: list[str] = []
    for key, data in (("related", related_data(related, paths)), ("backlinks", backlinks_data(graph, paths)),
                      ("jsonld", jsonld_data(graph, paths, config))):
        target = data_dir / DATA_FILES[key]
        write_bytes(target, dump_json(data))
        written.append(str(target))
    if includes:
        for name in INCLUDES:
            target = includes_dir / name
            if target.exists() and not _ours(target):
                kept.append(str(target))
                continue
            text = (resources.files("kg") / "templates" / "jekyll" / name).read_bytes()
            if not target.exists() or target.read_bytes() != text:
                write_bytes(target, text)
            written.append(str(target))
    return {"written": written, "kept": kept}


def dump_json(data: Any) -> bytes:
    """``data`` as indented JSON whose every ``<`` is ``\\u003c`` (safe inside ``<script>``)."""
    text = json.dumps(data, indent=2, ensure_ascii=False)
    return (text.replace("<", "\\u003c") + "\n").encode("utf-8")


def _ours(path: Path) -> bool:
    try:
        head = path.read_text(encoding="utf-8", errors="replace")[:200]
    except OSError:
        return False
    return MARKER in head.split("\n", 1)[0]


def _config(site: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load((site / "_config.yml").read_text(encoding="utf-8-sig"))
    except (OSError, yaml.YAMLError):
        return {}
    return data if isinstance(data, dict) else {}


# -- related events ------------------------------------------------------------------------

def related_data(related: Mapping[str, list[Suggestion]], paths: _Paths) -> dict[str, list[dict[str, Any]]]:
    """``related_events.json``: page path → ranked suggestions with site-path URLs."""
    out: dict[str, list[dict[str, Any]]] = {}
    for event in sorted(related, key=lambda iri: paths.of(iri) or ""):
        key = paths.of(event)
        if key is None:
            continue
        items = []
        for s in related[event]:
            url = paths.of(s.url)
            if url is not None:
                items.append({**s.to_dict(), "url": url})
        out[key] = items
    return out


# -- backlinks -------------------------------------------------------------------------------

def backlinks_data(graph: KnowledgeGraph, paths: _Paths) -> dict[str, list[dict[str, Any]]]:
    """``backlinks.json``: page path of a person, organisation, project or topic → its events, newest first."""
    entries: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    for row in run_query("backlinks", graph).records():
        page = paths.page(row["page"])
        url = paths.of(row["event"])
        if page is None or url is None:
            continue
        entry = entries[page].setdefault(url, {"url": url, "title": row["title"], "date": row["date"],
                                               "roles": []})
        role = _role(row)
        if role not in entry["roles"]:
            entry["roles"].append(role)
    out = {}
    for page in sorted(entries):
        items = list(entries[page].values())
        items.sort(key=lambda e: (e["title"] or "", e["url"]))
        items.sort(key=lambda e: e["date"] or "", reverse=True)  # newest first; undated last
        for e in items:
            e["roles"].sort(key=lambda r: (":" in r, r))
        out[page] = items
    return out


def _role(row: dict[str, Any]) -> str:
    kind, role, via = row["kind"], row["role"] or "participant", row["via"]
    if kind == "organisation":
        return f"{role}: {via}" if via else role
    if kind == "project" and via:
        return f"project: {via}"
    return role


# -- JSON-LD ------------------------------------------------------------------------------

def jsonld_data(graph: KnowledgeGraph, paths: _Paths, config: Mapping[str, Any] | None = None) -> dict[str, dict[str, Any]]:
    """``event_jsonld.json``: page path → the event as a schema.org JSON-LD object."""
    config = config or {}
    events: dict[str, dict[str, Any]] = {}
    dates: dict[str, set[str]] = defaultdict(set)
    for row in graph.query(internal("jekyll-events")):
        e = row["event"].value
        if paths.of(e) is None:
            continue
        ev = events.setdefault(e, {"@context": "https://schema.org", "@type": "Event", "@id": e, "name": None})
        if row["title"] is not None and (ev["name"] is None or row["title"].value < ev["name"]):
            ev["name"] = row["title"].value
        if row["date"] is not None:
            dates[e].add(row["date"].value)
    people: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    for row in graph.query(internal("jekyll-people")):
        e = row["event"].value
        if e not in events:
            continue
        part = row["part"].value
        p = people[e].setdefault(part, {"order": _order(part), "person": row["person"].value, "name": None,
                                        "role": None, "job": None, "org": None, "same": set()})
        for k in ("name", "role", "job", "org_name"):
            if row[k] is not None:
                key = "org" if k == "org_name" else k
                p[key] = p[key] if p[key] is not None and p[key] <= row[k].value else row[k].value
        if row["same"] is not None:
            p["same"].add(row["same"].value)
    series: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in graph.query(internal("jekyll-series")):
        if row["event"].value in events:
            series[row["event"].value].append(_thing("EventSeries", row["series"].value, row["name"], paths))
    topics: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in graph.query(internal("jekyll-topics")):
        if row["event"].value in events:
            topics[row["event"].value].append(_thing("DefinedTerm", row["topic"].value, row["name"], paths))
    site_org = {"@type": "Organization", "name": str(config.get("title") or "").strip() or None,
                "url": paths.base + "/" if paths.base else None}
    site_org = {k: v for k, v in site_org.items() if v}
    out: dict[str, dict[str, Any]] = {}
    for e in sorted(events, key=lambda iri: paths.of(iri) or ""):
        ev = events[e]
        ev["url"] = e
        ds = sorted(dates.get(e, ()))
        if ds:
            ev["startDate"] = ds[0]
            if len(ds) > 1:
                ev["endDate"] = ds[-1]
        parts = sorted(people.get(e, {}).values(), key=lambda p: (p["order"], p["name"] or ""))
        performers, organizers, seen = [], [], set()
        for p in parts:
            person = _person(p, paths)
            if (p["role"] or "").lower() in ORGANIZER_ROLES:
                organizers.append(person)
            elif p["person"] not in seen:
                performers.append(person)
                seen.add(p["person"])
        if organizers:
            ev["organizer"] = organizers[0] if len(organizers) == 1 else organizers
        elif len(site_org) > 1:
            ev["organizer"] = site_org
        if performers:
            ev["performer"] = performers
        if series.get(e):
            s = sorted(series[e], key=lambda x: x["@id"])
            ev["superEvent"] = s[0] if len(s) == 1 else s
        if topics.get(e):
            ev["about"] = sorted(topics[e], key=lambda x: (x.get("name") or "", x["@id"]))
        if ev["name"] is None:
            del ev["name"]
        out[paths.of(e)] = ev
    return out


def _order(part: str) -> int:
    m = re.search(r"(\d+)$", part)
    return int(m[1]) if m else 0


def _thing(kind: str, iri: str, name: Any, paths: _Paths) -> dict[str, Any]:
    out: dict[str, Any] = {"@type": kind, "@id": iri}
    if name is not None:
        out["name"] = name.value
    if paths.page(iri):
        out["url"] = paths.base + paths.page(iri)
    return out


def _person(p: dict[str, Any], paths: _Paths) -> dict[str, Any]:
    out: dict[str, Any] = {"@type": "Person", "name": p["name"]}
    page = paths.page(p["person"])
    if page:
        out["url"] = paths.base + page
    if p["same"]:
        same = sorted(p["same"])
        out["sameAs"] = same[0] if len(same) == 1 else same
    if p["job"]:
        out["jobTitle"] = p["job"]
    if p["org"]:
        out["affiliation"] = {"@type": "Organization", "name": p["org"]}
    if out["name"] is None:
        del out["name"]
    return out
