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

kg never writes over a file it did not write. An include whose first line no longer
says ``kg:generated`` is the site's own and is left as it is. A data file says whose it
is by its first key, ``"kg:generated"`` (a note saying kg rewrites the file while the
key is there): JSON has no comments, and a key is what a site editor sees first when
opening the file, as with the includes. No page path can be that key (they all start
with ``/``); the includes look a page up by its path, so they never see it, but a
layout looping over a whole file meets it once (``{% unless pair[0] == "kg:generated" %}``).
A data file without the key is the site's own and is kept, reported in ``kept`` and
``warnings``, and kg's data of that name is not written, unless it is plainly what an
older kg wrote (every key a page path, every value in the shape kg writes): that one
is kg's and gets the key. kg also leaves a name alone that another file of the data
folder already gives Jekyll (``related_events.yml`` beside ``related_events.json``:
Jekyll keeps only one of them for ``site.data.related_events``). The way out of either
is to rename the site's file or to give kg's data another name in ``_config.yml``,
which the includes read too::

    kg:
      data:
        backlinks: kg_backlinks        # _data/kg_backlinks.json, site.data.kg_backlinks

A marker was chosen over a manifest of digests of what kg last wrote: a manifest is
state the site editor cannot see, is lost when the site is copied without it, and
would still need the shape check for files written before it existed.
"""
from __future__ import annotations

import json
import re
from collections import defaultdict
from importlib import resources
from pathlib import Path
from typing import Any, Callable, Mapping

from .errors import KgError, SiteError, python_warning
from .query import internal, run_query
from .related import Suggestion, no_event_pages, related_events
from .site import read_config
from .store import KnowledgeGraph, write_bytes

#: Each data file's name in ``site.data`` (its file is ``_data/NAME.json``), unless
#: ``_config.yml`` sets another under ``kg: data: NAME: OTHER``.
DATA_NAMES = {"related": "related_events", "backlinks": "backlinks", "jsonld": "event_jsonld"}
DATA_FILES = {key: name + ".json" for key, name in DATA_NAMES.items()}
#: What each data file holds, in the words of a warning.
DATA_LABELS = {"related": "related events", "backlinks": "backlinks", "jsonld": "JSON-LD"}
#: The files Jekyll reads into ``site.data``, in the order it reads them (the last one read wins).
JEKYLL_DATA_EXTENSIONS = (".yaml", ".yml", ".json", ".csv", ".tsv")
INCLUDES = ("related-events.html", "backlinks.html", "event-jsonld.html",
            # one per kind of page, each a titled use of backlinks.html
            "person-events.html", "organisation-events.html", "project-events.html", "topic-events.html")
MARKER = "kg:generated"
#: The value of a data file's ``MARKER`` key.
DATA_NOTE = ("written by `kg related --site`, which rewrites this file while this key is in it; "
             "delete the key to keep the file as your own")
ORGANIZER_ROLES = ("host", "organiser", "organizer", "convenor", "convener")




def _check_same_site(graph: KnowledgeGraph, base: str, site: Path) -> None:
    """Refuse to write a graph's data into another site than the one it was built from.

    A graph built from this very folder is this site's, whatever base URL it was built
    with (``--base-url`` for a preview); a graph built elsewhere is when its base URL is
    the site's own (another checkout of it). A site whose address cannot be read is not
    refused here.

    Raises:
        KgError: the graph was built from another folder, for another address.
    """
    from .site import load_site

    built_from = graph.report.get("site")
    if built_from and Path(built_from).resolve() == site.resolve():
        return
    try:
        own = load_site(site)
    except KgError:
        return
    address = (own.base_url + own.baseurl).rstrip("/")
    if address != base:
        raise KgError(f"the graph is of another site ({base}, built from {built_from or 'another folder'}), "
                      f"not of {site} ({address}): its related events and backlinks are the other site's",
                      path=site, hint=f"build this site first, `kg build {site} --out DIR`, then pass "
                      "`--graph DIR`")


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
                texts: Mapping[str, str] | None = None, includes: bool = True,
                warn: Callable[[str], None] | None = python_warning) -> dict[str, Any]:
    """Write the data files and includes of the site at ``site_dir``, never over the site's own.

    Args:
        graph: the site's built graph.
        site_dir: the Jekyll site folder (the one holding ``_config.yml``).
        related: suggestions already computed by :func:`kg.related.related_events`;
            computed here (with ``top``, ``weights``, ``texts``) when ``None`` and the
            related events' data file is to be written.
        includes: also write the ``_includes`` files (never over ones the site changed).
        warn: called with each line of :func:`kg.related.no_event_pages` (the events
            have no pages, so the related events' data is empty), as by
            :func:`kg.related.related_events`; default: ``warnings.warn``; ``None``: nothing.

    Returns:
        ``{"written": [paths], "kept": [paths], "warnings": {path: line}}``: ``kept``
        lists the includes the site changed and the site's own files that kept kg from
        writing a data file; each of the latter has a line in ``warnings`` saying why
        and what to do.

    Raises:
        KgError: the graph has no base URL.
        SiteError: ``_config.yml`` sets a data name (``kg: data:``) that is not a name, or
            the data folder (or, with ``includes``, the includes folder) is a file.
    """
    site = Path(site_dir)
    paths = _Paths(graph)
    if not paths.base:
        raise KgError("the graph's build report has no base_url, so its pages have no site paths",
                      hint="rebuild it with `kg build`")
    _check_same_site(graph, paths.base, site)
    for said in no_event_pages(graph.report) if warn is not None else ():
        warn(said)
    config, lines = _config(site)
    names = data_names(config, site / "_config.yml", lines)
    data_dir = site / str(config.get("data_dir") or "_data")
    includes_dir = site / str(config.get("includes_dir") or "_includes")
    for folder, setting, holds in ((data_dir, "data_dir", "data files"), (includes_dir, "includes_dir", "includes")):
        if folder.exists() and not folder.is_dir() and (setting == "data_dir" or includes):
            raise SiteError(f"{folder.name} is a file, not the folder of the site's {holds} that kg writes into",
                            path=folder, hint=f"move the file away, or give Jekyll's {holds} another folder "
                                              f"with `{setting}:` in _config.yml")
    written: list[str] = []
    kept: list[str] = []
    warnings: dict[str, str] = {}
    todo = []
    for key, name in names.items():
        target = data_dir / f"{name}.json"
        blocked = _data_conflicts(key, name, target, data_dir)
        for path, line in blocked.items():
            kept.append(path)
            warnings[path] = line
        if not blocked:
            todo.append((key, target))
    for key, target in todo:
        if key == "related":
            if related is None:
                related = related_events(graph, top, weights, texts=texts, site=site, warn=None)  # (said above)
            data = related_data(related, paths)
        elif key == "backlinks":
            data = backlinks_data(graph, paths)
        else:
            data = jsonld_data(graph, paths, config)
        content = dump_json({MARKER: DATA_NOTE, **data})
        if not target.is_file() or target.read_bytes() != content:  # unchanged: no rebuild for `jekyll serve`
            write_bytes(target, content)
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
    return {"written": written, "kept": kept, "warnings": warnings}


def data_names(config: Mapping[str, Any], config_path: str | Path = "_config.yml",
               lines: Mapping[tuple, int] | None = None) -> dict[str, str]:
    """The name in ``site.data`` of each data file (``DATA_NAMES`` keys), as ``_config.yml`` sets them.

    ``kg: {data: {backlinks: kg_backlinks}}`` makes kg write ``_data/kg_backlinks.json``
    and its includes read ``site.data.kg_backlinks``. ``lines`` (the line of each
    setting, keyed by its path of keys) puts the line in an error.

    Raises:
        SiteError: ``kg`` or ``kg.data`` is not a mapping, names an unknown data file,
            or gives a name that is not letters, digits, ``_`` and ``-``, or one used twice.
    """
    names = dict(DATA_NAMES)
    at = lambda *keys: (lines or {}).get(keys)
    section = config.get("kg")
    if section is None:
        return names
    if not isinstance(section, dict):
        raise SiteError(f"`kg` must be a mapping of kg's settings, got {section!r}", path=config_path, key="kg",
                        line=at("kg"), hint="e.g. kg: {data: {backlinks: kg_backlinks}}")
    chosen = section.get("data")
    if chosen is None:
        return names
    by_name = {name: key for key, name in DATA_NAMES.items()}
    if not isinstance(chosen, dict):
        raise SiteError(f"`kg.data` must map a data file's name to another name, got {chosen!r}",
                        path=config_path, key="kg.data", line=at("kg", "data"), hint="e.g. kg: {data: {backlinks: kg_backlinks}}")
    for default, name in chosen.items():
        if default not in by_name:
            raise SiteError(f"`kg.data` names no data file kg writes: {default!r}. "
                            f"Expected one of {', '.join(DATA_NAMES.values())}", path=config_path, key="kg.data",
                            line=at("kg", "data", default))
        if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z0-9_-]+", name):
            got = "it is empty" if name is None or name == "" else f"got {name!r}"
            raise SiteError(f"`kg.data.{default}` must be a data name (letters, digits, _ and -), {got}",
                            path=config_path, key=f"kg.data.{default}", line=at("kg", "data", default),
                            hint="kg writes _data/NAME.json and its includes read site.data.NAME")
        names[by_name[default]] = name
    twice = sorted({n for n in names.values() if list(names.values()).count(n) > 1})
    if twice:
        raise SiteError(f"`kg.data` gives two of kg's data files the name {twice[0]!r}", path=config_path,
                        key="kg.data", line=at("kg", "data"))
    return names


def read_data(path: str | Path) -> dict[str, Any]:
    """A data file kg wrote, as the mapping it was made from (its ``kg:generated`` key left out)."""
    data = json.loads(Path(path).read_text(encoding="utf-8-sig"))
    if isinstance(data, dict):
        data.pop(MARKER, None)
    return data


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


# A data file kg wrote starts with its marker key (read from the first bytes only).
_MARKED = re.compile(rb'\A(?:\xef\xbb\xbf)?\s*\{\s*"' + re.escape(MARKER.encode()) + rb'"\s*:')
# The keys of each item kg writes in the lists of related_events.json and backlinks.json.
_ITEM_KEYS = {"related": {"url", "title", "date", "score", "reasons"}, "backlinks": {"url", "title", "date", "roles"}}


def _data_conflicts(key: str, name: str, target: Path, data_dir: Path) -> dict[str, str]:
    """The site's files that keep kg from writing ``target`` (data ``key``), each with a warning line.

    Empty when kg may write it: no other file gives Jekyll the same data name, and
    ``target`` is absent or kg's.
    """
    default = DATA_NAMES[key]
    fix = (f"rename your file, or give kg's {DATA_LABELS[key]} another name in _config.yml "
           f"(kg: {{data: {{{default}: kg_{default}}}}})")
    out = {}
    for other in _same_data_name(name, data_dir):
        if other.name == target.name:
            continue
        ours_before = target.is_file() and _data_is_ours(key, target) is None
        stale = " (kg's own from before is still there: delete it)" if ours_before else ""
        out[str(other)] = (f"{other} also gives site.data.{name}, so kg did not write {target} beside it "
                           f"(Jekyll keeps only one of them){stale}: {fix}")
    if out:
        return out
    why = _data_is_ours(key, target)
    if why is not None:
        out[str(target)] = f"{target} is the site's own ({why}), so kg did not write its {DATA_LABELS[key]}: {fix}"
    return out


def _same_data_name(name: str, data_dir: Path) -> list[Path]:
    """The files and folders of ``data_dir`` that Jekyll reads as ``site.data[name]``.

    Jekyll's ``DataReader`` takes ``*.{yaml,yml,json,csv,tsv}`` and the folders, and
    names each by its stem without characters other than ASCII letters, digits, ``_``,
    ``-`` and spaces, its runs of spaces made one ``_``.
    """
    try:
        entries = sorted(data_dir.iterdir())
    except OSError:
        return []
    out = []
    for entry in entries:
        if entry.name.startswith("."):
            continue
        if entry.is_dir():
            stem = entry.name
        elif entry.suffix in JEKYLL_DATA_EXTENSIONS:
            stem = entry.name[:-len(entry.suffix)]
        else:
            continue
        if "_".join(re.sub(r"[^\w\s-]+", "", stem, flags=re.ASCII).split()) == name:
            out.append(entry)
    return out


def _data_is_ours(key: str, path: Path) -> str | None:
    """``None`` when kg may write ``path``: it is absent, starts with kg's marker key, or is
    plainly what an older kg wrote; else why it is the site's own."""
    try:
        with open(path, "rb") as fh:
            if _MARKED.match(fh.read(4096)):
                return None
            fh.seek(0)
            raw = fh.read()
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        return "a folder"
    except OSError as exc:
        return f"kg cannot read it: {exc.strerror or exc}"
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        return "not JSON kg wrote"
    if isinstance(data, dict) and MARKER in data:  # kg's, with its keys reordered
        return None
    if _older_kg(key, data):
        return None
    return f'no "{MARKER}" key'


def _older_kg(key: str, data: Any) -> bool:
    """Whether ``data`` is plainly what kg wrote before its data files had a marker:
    a non-empty object of page paths, each to what kg writes for a page."""
    if not isinstance(data, dict) or not data or not all(isinstance(k, str) and k.startswith("/") for k in data):
        return False
    if key == "jsonld":
        return all(isinstance(v, dict) and v.get("@context") == "https://schema.org" and v.get("@type") == "Event"
                   for v in data.values())
    keys = _ITEM_KEYS[key]
    return all(isinstance(v, list) and all(isinstance(i, dict) and set(i) == keys for i in v)
               for v in data.values())


def _config(site: Path) -> tuple[dict[str, Any], dict[tuple, int]]:
    """The site's ``_config.yml`` and the line of each setting (none when it cannot be read:
    the build that made the graph said why)."""
    try:
        return read_config(site / "_config.yml")
    except SiteError:
        return {}, {}


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

def jsonld_data(graph: KnowledgeGraph, paths: _Paths,
                config: Mapping[str, Any] | None = None) -> dict[str, dict[str, Any]]:
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
