"""Find event series from the data: shared titles, shared projects and links between meetings.

Two events are candidates for one series when they have the same title, or the same
title stem (the part before ``:``, `` - `` or ``(``). Candidates are joined only with
evidence: they share a project, or one links to the other. No list of series names is
involved, so a new series is found the day its second meeting is written up.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from .records import Record
from .resolve import Index, normalise
from .site import Site, slugify

_STEM = re.compile(r"\s*(?::|\s[-–—]\s|\()")
MIN_STEM_WORDS = 2
_NONE: frozenset[str] = frozenset()


@dataclass
class Series:
    """A series: its name, IRI, meetings in date order and why they were grouped."""

    iri: str
    name: str
    events: list[str]
    evidence: list[str] = field(default_factory=list)


def title_keys(title: str) -> list[tuple[str, str]]:
    """The keys a title groups under: ("title", whole) and ("stem", part before a separator)."""
    keys = [("title", normalise(title))]
    stem = _STEM.split(title, maxsplit=1)[0].strip()
    if stem and stem != title.strip() and len(normalise(stem).split()) >= MIN_STEM_WORDS:
        keys.append(("stem", normalise(stem)))
    return keys


def find_series(site: Site, events: list[Record], index: Index, projects: dict[str, set[str]]) -> list[Series]:
    """Group ``events`` into series.

    ``projects`` maps an event IRI to the IRIs of the projects it belongs to;
    links between events are read from each record's body.
    """
    by_iri = {r.iri: r for r in events}
    links: dict[str, set[str]] = defaultdict(set)
    for r in events:
        for link in (r.doc.links if r.doc else []):
            target = index.page(link.url, site.base_url)
            if target in by_iri and target != r.iri:
                links[r.iri].add(target)
                links[target].add(r.iri)
    groups: dict[tuple[str, str], list[Record]] = defaultdict(list)
    names: dict[tuple[str, str], str] = {}
    for r in events:
        if not r.label:
            continue
        for key in title_keys(r.label):
            groups[key].append(r)
            if key not in names:
                names[key] = r.label if key[0] == "title" else _STEM.split(r.label, maxsplit=1)[0].strip()
    parent = {r.iri: r.iri for r in events}
    reasons: dict[str, set[str]] = defaultdict(set)

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    group_of: dict[str, tuple[str, str]] = {}
    # whole titles first, so a series is named by its full shared title where it has one
    for key in sorted(groups, key=lambda k: (k[0] != "title", k[1])):
        members = groups[key]
        if len(members) < 2:
            continue
        # each pair of members: their projects and links looked up once a member
        theirs = [(r.iri, projects.get(r.iri) or _NONE, links.get(r.iri) or _NONE) for r in members]
        for i, (a, a_projects, a_links) in enumerate(theirs):
            for b, b_projects, _ in theirs[i + 1:]:
                shared, linked = not a_projects.isdisjoint(b_projects), b in a_links
                if shared or linked:
                    why = ["shared project"] * shared + ["links between meetings"] * linked + [f"same {key[0]}"]
                    ra, rb = find(a), find(b)
                    if ra != rb:
                        parent[rb] = ra
                    group_of.setdefault(a, key)
                    group_of.setdefault(b, key)
                    reasons[a].update(why)
                    reasons[b].update(why)
    clusters: dict[str, list[Record]] = defaultdict(list)
    for r in events:
        if r.iri in group_of:
            clusters[find(r.iri)].append(r)
    found = []
    for members in clusters.values():
        members.sort(key=lambda r: (r.dates[0].isoformat() if r.dates else "9999", r.relpath))
        keys = [group_of[r.iri] for r in members]
        key = min(keys, key=lambda k: (k[0] != "title", -keys.count(k)))
        name = names[key]
        evidence = sorted(set().union(*(reasons[r.iri] for r in members)))
        found.append(Series(site.minted("series", slugify(normalise(name))), name,
                            [r.iri for r in members], evidence))
    found.sort(key=lambda s: s.iri)
    return found
