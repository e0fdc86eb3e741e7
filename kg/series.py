"""Find event series from the data: shared titles, shared projects, shared links and links between meetings.

Two events are candidates for one series when they have the same title, the same
title stem (the part before ``:``, `` - `` or ``(``; an event titled just the stem is one
of them), or the same title or stem but for its number ("ParisJS #47", "ParisJS #48";
"RightsCon 2023"; one without a number, "ParisJS", is one of them). Candidates are
joined only with evidence: they share the project most of them are in (see
:func:`_projects_of_most`), one links to the other, or they give the same place under
the same link key of their front matter (a key the mapping reads as ``type: iri``, such
as ``link:``; see :func:`link_places`). No list of series names is involved, so a new
series is found the day its second meeting is written up.
Candidates that no evidence joins are returned too (:class:`Unjoined`), so that the
build can say which events share a title and what would make them a series.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from .records import Record
from .resolve import Index, domain_of, homepage_domain, normalise, shared_host
from .site import Site, slugify
from .union import Union

_STEM = re.compile(r"\s*(?::|\s[-–—]\s|\()")
#: an archived copy of a page (the Wayback Machine's): the page it is a copy of follows
_ARCHIVED = re.compile(r"(?i)^https?://web\.archive\.org/web/[0-9]+[a-z_]*/+(https?://.+)$")
MIN_STEM_WORDS = 2
_KINDS = ("named", "title", "stem", "numbered")
#: The evidence a shared key of each kind gives (see :func:`title_keys`)
_SAME = {"title": "same title", "stem": "same stem", "numbered": "same title but for its number"}
_NONE: frozenset[str] = frozenset()

#: Shared hosts (see :func:`kg.resolve.shared_host`) whose first path segments name an
#: account or a group, and how many: every meetup of a group is under
#: ``meetup.com/<group>/``, every post of an account under ``twitter.com/<account>``.
#: On the other shared hosts only the same address is the same place.
ACCOUNT_SEGMENTS = {"meetup.com": 1, "twitter.com": 1, "x.com": 1, "facebook.com": 1, "instagram.com": 1,
                    "github.com": 1, "gitlab.com": 1, "medium.com": 1, "lu.ma": 1, "linkedin.com": 2}


@dataclass
class Series:
    """A series: its name, IRI, meetings in date order and why they were grouped."""

    iri: str
    name: str
    events: list[str]
    evidence: list[str] = field(default_factory=list)


@dataclass
class Unjoined:
    """Events that share a title (``key`` is ``title``), a title stem (``stem``) or a
    title but for its number (``numbered``) that no evidence joins into a series: none of
    them is in a series, in date order."""

    name: str
    key: str
    events: list[str]
    #: how many events share the title or stem in all, these and those in a series
    sharing: int


class SeriesFound(NamedTuple):
    """What :func:`find_series` found: the series, and the candidates left unjoined."""

    series: list[Series]
    unjoined: list[Unjoined]


def title_keys(title: str) -> list[tuple[tuple[str, str], str]]:
    """The keys a title groups under, each with the name a series of that key would have:
    ("title", whole), ("stem", part before a separator) and, when that part (or the
    whole title) holds a number, ("numbered", it without the number): "ParisJS #47" and
    "ParisJS #48", "Open Future Salon #1: …", "RightsCon 2023"."""
    if not normalise(title):
        return []   # ("#", "!!!": no words to be a series' name)
    keys = [(("title", normalise(title)), title)]
    stem = _STEM.split(title, maxsplit=1)[0].strip()
    if stem and stem != title.strip() and len(normalise(stem).split()) >= MIN_STEM_WORDS:
        keys.append((("stem", normalise(stem)), stem))
    unnumbered = _unnumbered(stem or title)
    if unnumbered:
        keys.append((("numbered", normalise(unnumbered)), unnumbered))
    return keys


#: A number in a title that tells one meeting from another ("#47", "No. 3", "6", "2023",
#: "3rd"); not one that is part of a name ("COVID-19", "Web 3.0", "C20")
_NUMBER = re.compile(r"(?i)(?<![\w#.\-/])(?:#\s*|no\.\s*|n°\s*)?[0-9]+(?:st|nd|rd|th)?(?![\w]|[.\-/][0-9a-z])")


def series_names(value: Any) -> list[str]:
    """The series a front-matter value of a ``series: true`` key names: its text, or the
    text items of its list (an event in the first's), without space around them."""
    return [v.strip() for v in (value if isinstance(value, list) else [value]) if isinstance(v, str) and v.strip()]


def _named_key(name: str) -> str:
    """A series' name as its pages write it, as a key: case and spaces aside, its
    punctuation kept ("C++" and "C#" are two series)."""
    return " ".join(name.casefold().split())


def _unnumbered(text: str) -> str | None:
    """``text`` without its numbers (see :data:`_NUMBER`), when it has any and words are left."""
    stripped = _NUMBER.sub(" ", text)
    if stripped == text:
        return None
    tidy = re.sub(r"\s+", " ", stripped).strip(" -–—:#,.")
    return tidy if normalise(tidy) else None


def link_places(url: str, site_host: str | None) -> tuple[str | None, str | None]:
    """Where a front-matter link of an event leads, as two keys: the address (``url``)
    and the site (``host``), either ``None`` when it says nothing of a series.

    The address is the URL without its scheme, ``www.``, trailing slash and fragment
    (``scalar-conf.com``); on a shared host where accounts or groups have folders (see
    :data:`ACCOUNT_SEGMENTS`) only the folder counts (``meetup.com/nyc-design``), and
    the bare root of a shared host (``eventbrite.com``) is no place. The site is the
    address's host as :func:`kg.resolve.homepage_domain` keys an organisation, never a
    shared host. A link to the site's own pages is neither: its homepage is no series'
    own, and a link to another event is a link between them. An archived copy
    (``web.archive.org/web/2016…/http://scalaupnorth.com/``) is the page it copies.
    """
    if not isinstance(url, str) or not url.strip():
        return None, None
    url = url.strip()
    archived = _ARCHIVED.match(url)
    if archived:
        url = archived.group(1)
    try:
        parts = urlsplit(url)
    except ValueError:
        return None, None
    domain = domain_of(url)
    if parts.scheme.lower() not in ("http", "https") or domain is None or domain == site_host:
        return None, None
    segments = [s for s in parts.path.split("/") if s]
    shared = shared_host(domain)
    if shared is not None:
        depth = ACCOUNT_SEGMENTS.get(shared)
        if depth is not None:
            if len(segments) < depth:
                return None, None
            return "/".join([domain, *segments[:depth]]).lower(), None
        if not segments and not parts.query:
            return None, None
    address = "/".join([domain, *segments]) + (f"?{parts.query}" if parts.query else "")
    return address, homepage_domain(url, site_host)


def find_series(site: Site, events: list[Record], index: Index, projects: dict[str, set[str]],
                links_out: dict[str, list[tuple[str, str]]] | None = None,
                named: dict[str, list[tuple[str, str]]] | None = None) -> SeriesFound:
    """Group ``events`` into series.

    ``projects`` maps an event IRI to the IRIs of the projects it belongs to;
    ``links_out`` maps an event IRI to its front matter's links, as (key, address)
    (the keys the mapping reads as ``type: iri``); links between events are read from
    each record's body and from those links. ``named`` maps an event IRI to the series
    its front matter names, as (key, name) (the keys the mapping reads as ``series:
    true``): the events of one name are one series, one event alone too (an event that
    names several series is in the first's), and events that name two series are never
    in one, whatever joins them (nor through a third event that names none).

    Two candidates (same title, or same stem) are joined when they share a project that
    more than half of the candidates in a project are in, one links to the other, or a
    link key of theirs gives the same address, or the same site (see :func:`link_places`)
    when no event outside the candidates links to that site under that key (a site
    others use too, a ticket seller or a video host, is no series' own). A site's parent
    domain is its site too when some event links to it (``2013.scalamatsuri.org`` and
    ``scalamatsuri.org``).
    """
    site_host = domain_of(site.base_url)
    by_iri = {r.iri: r for r in events}
    links: dict[str, set[str]] = defaultdict(set)

    def linked(a: str, target: str | None) -> None:
        if target in by_iri and target != a:
            links[a].add(target)
            links[target].add(a)
    for r in events:
        for link in (r.doc.links if r.doc else []):
            linked(r.iri, index.page(link.url, site.base_url))
        for _key, url in (links_out or {}).get(r.iri, ()):
            linked(r.iri, index.page(url, site.base_url))
    addresses, hosts, users = _places(events, links_out or {}, site_host)
    groups: dict[tuple[str, str], list[Record]] = defaultdict(list)
    names: dict[tuple[str, str], str] = {}
    keys_of: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for r in events:
        if not r.label:
            continue
        for key, name in title_keys(r.label):
            groups[key].append(r)
            names.setdefault(key, name)
            keys_of[r.iri].append(key)
    # a first meeting without a number ("Data Drinks") is one of the numbered ones ("Data
    # Drinks 2"), and one titled just the stem ("Data Expo 2022") one of those that start
    # with it ("Data Expo 2022: Who decides?")
    for key in [k for k in groups if k[0] in ("numbered", "stem")]:
        shorter = ("title", "stem") if key[0] == "numbered" else ("title",)
        for r in [r for kind in shorter for r in groups.get((kind, key[1]), [])]:
            if key not in keys_of[r.iri]:
                groups[key].append(r)
                keys_of[r.iri].append(key)
    # each set of events holds the series its pages name, if any: two never join
    uf = Union()
    reasons: dict[str, set[str]] = defaultdict(set)
    group_of: dict[str, tuple[str, str]] = {}
    first_of: dict[tuple[str, str], str] = {}
    for r in events:  # the series the front matter names, first (an event that names several is in the first's)
        for k, value in (named or {}).get(r.iri, ())[:1]:
            key = ("named", _named_key(value))
            names.setdefault(key, value)
            keys_of[r.iri].append(key)
            uf.claim(r.iri, key[1])
            uf.union(first_of.setdefault(key, r.iri), r.iri)
            group_of.setdefault(r.iri, key)
            reasons[r.iri].add(f"same `{k}:`")
    candidates = []
    # whole titles first, so a series is named by its full shared title where it has one
    for key in sorted(groups, key=lambda k: (k[0] != "title", k[1])):
        members = groups[key]
        if len(members) < 2:
            continue
        candidates.append(key)
        inside = {r.iri for r in members}
        theirs_too = _projects_of_most(members, projects)
        # each pair of members: their projects (the one most of them are in), links and
        # places looked up once a member (a site counts only if no event outside the
        # candidates links to it)
        theirs = [(r.iri, projects.get(r.iri, _NONE) & theirs_too, links.get(r.iri) or _NONE,
                   addresses.get(r.iri) or _NONE, {h for h in hosts.get(r.iri) or _NONE if users[h] <= inside})
                  for r in members]
        for i, (a, a_projects, a_links, a_addresses, a_hosts) in enumerate(theirs):
            for b, b_projects, _, b_addresses, b_hosts in theirs[i + 1:]:
                shared, link = not a_projects.isdisjoint(b_projects), b in a_links
                places = a_addresses & b_addresses or a_hosts & b_hosts  # (the address says more)
                if shared or link or places:
                    why = ["shared project"] * shared + ["links between meetings"] * link + [_SAME[key[0]]]
                    why += [f"same {k} ({place})" for k, place in places]
                    if not uf.union(a, b):
                        continue   # (their pages say they are of two series)
                    group_of.setdefault(a, key)
                    group_of.setdefault(b, key)
                    reasons[a].update(why)
                    reasons[b].update(why)
    clusters: dict[str, list[Record]] = defaultdict(list)
    for r in events:
        if r.iri in group_of:
            clusters[uf.find(r.iri)].append(r)
    made: list[tuple[str, list[Record], list[str]]] = []
    found: list[int] = []   # those found from the data (not named by their pages)
    for members in clusters.values():
        members.sort(key=_in_date_order)
        # named as its pages name it, else by the key most of its meetings have (of those
        # that joined some), a whole title before a stem before a title but for its number:
        # "Future Work Week" for "Future Work Week 2016: …", "Future Work Week 2017" and
        # "Future Work Week 2017"
        joined = {group_of[r.iri] for r in members}
        have = Counter(k for r in members for k in keys_of[r.iri] if k in joined or k[0] != "title")
        key = min(have, key=lambda k: (k[0] != "named", -have[k], _KINDS.index(k[0]), k[1]))
        made.append((names[key], members, sorted(set().union(*(reasons[r.iri] for r in members)))))
        if key[0] != "named":   # (a site that names its series in front matter says which events are in it)
            found.append(len(made) - 1)
    for r, i in _speaking_of_themselves(made, found, [r for r in events if r.iri not in group_of], projects):
        group_of[r.iri] = ("named", made[i][0])   # (not unjoined: in a series)
    return SeriesFound(_named(site, made), _unjoined(candidates, groups, names, group_of))


def _speaking_of_themselves(made: list[tuple[str, list[Record], list[str]]], found: list[int],
                            outside: list[Record], projects: dict[str, set[str]]) -> list[tuple[Record, int]]:
    """Join to each series of ``made`` found from the data (indexes ``found``) the events
    ``outside`` every series that are in the project most of its meetings are in and
    whose text calls them one of its meetings (:attr:`Record.calls_itself`: "This
    Connected Conversation brought together…", "our Connected Conversation with…"; not
    the plural, "our Connected Conversations", the series as a whole): a meeting titled
    otherwise ("Robust norms: …") is still one. An event whose text so names two such
    series joins neither. Returns each event joined, with the index of its series (whose
    meetings and evidence are updated in place)."""
    of_project: dict[str, list[int]] = defaultdict(list)   # project -> the series most of whose meetings are in it
    for i in found:
        for project in _projects_of_most(made[i][1], projects):
            of_project[project].append(i)
    key = {i: normalise(made[i][0]) for i in found}   # each series' name as Record.calls_itself holds names
    joined = []
    for r in outside:
        if not r.calls_itself:
            continue
        near = {i for p in projects.get(r.iri, ()) for i in of_project.get(p, ())}
        hits = {i for name in r.calls_itself for i in near if name == key[i] or name.startswith(key[i] + " ")}
        if len(hits) == 1:
            joined.append((r, hits.pop()))
    for r, i in joined:
        name, members, evidence = made[i]
        members.append(r)
        members.sort(key=_in_date_order)
        made[i] = (name, members, sorted({*evidence, "a meeting's text calls it one (“this " + name + "”)"}))
    return joined


def _projects_of_most(members: list[Record], projects: dict[str, set[str]]) -> frozenset[str]:
    """The projects more than half of ``members`` are in, of those in any: the only
    projects that join candidates. A project is a coarse thing that holds many events,
    so that two of twenty "AI Ethics Camp 2019", "… 2020", … being in one tells nothing
    of a series, and joining on it made several series of one name that only their
    years told apart; the project most of them are in does. (Two such projects share a
    member, so they join the candidates into one series at most.)"""
    named = [projects[r.iri] for r in members if projects.get(r.iri)]
    counts = Counter(p for theirs in named for p in theirs)
    return frozenset(p for p, n in counts.items() if 2 * n > len(named))


def _named(site: Site, made: list[tuple[str, list[Record], list[str]]]) -> list[Series]:
    """The series of each (name, meetings in date order, evidence), by IRI. Of series
    that nothing joined but their name, the first to start keeps the name and its
    address (a later one found does not move it); the others are told apart by their
    years ("AI Ethics Camp (2019–2021)"), then by a number in their IRIs."""
    made = sorted(made, key=lambda m: _in_date_order(m[1][0]))
    seen: set[str] = set()
    found: list[Series] = []
    taken: set[str] = set()
    for name, members, evidence in made:
        slug = slugify(normalise(name)) or "series"   # ("C++" and "C#": "c"; "🎉": nothing)
        years = sorted({r.dates[0].year for r in members if r.dates})
        if _named_key(name) in seen and years:
            span = str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}"
            name, slug = f"{name} ({span})", f"{slug}-{span.replace('–', '-')}"
        seen.add(_named_key(name))
        iri = site.minted("series", slug)
        n = 1
        while iri in taken:
            n += 1
            iri = site.minted("series", f"{slug}-{n}")
        taken.add(iri)
        found.append(Series(iri, name, [r.iri for r in members], evidence))
    found.sort(key=lambda s: s.iri)
    return found


def _in_date_order(r: Record) -> tuple[str, str]:
    return r.dates[0].isoformat() if r.dates else "9999", r.relpath


def _places(events: list[Record], links_out: dict[str, list[tuple[str, str]]], site_host: str | None
            ) -> tuple[dict[str, set[tuple[str, str]]], dict[str, set[tuple[str, str]]],
                       dict[tuple[str, str], set[str]]]:
    """Each event's link places (see :func:`link_places`), as (key, place): addresses,
    and sites (a site's parent domain too when some event links to that); and the
    events that link to each site."""
    addresses: dict[str, set[tuple[str, str]]] = defaultdict(set)
    sites: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for r in events:
        for key, url in links_out.get(r.iri, ()):
            address, host = link_places(url, site_host)
            if address is not None:
                addresses[r.iri].add((key, address))
            if host is not None:
                sites[r.iri].add((key, host))
    linked = {host for places in sites.values() for _, host in places}
    users: dict[tuple[str, str], set[str]] = defaultdict(set)
    for iri, places in sites.items():
        for key, host in list(places):
            labels = host.split("/")[0].split(".")
            places.update((key, p) for p in (".".join(labels[i:]) for i in range(1, len(labels) - 1))
                          if p in linked)
        for place in places:
            users[place].add(iri)
    return addresses, sites, users


def _unjoined(candidates: list[tuple[str, str]], groups: dict[tuple[str, str], list[Record]],
              names: dict[tuple[str, str], str], group_of: dict[str, tuple[str, str]]) -> list[Unjoined]:
    """The candidates (title or stem keys shared by two events or more) of which two or
    more events are in no series; each event said once, under its whole title if that
    is shared."""
    out, said = [], set()
    for key in candidates:  # (whole titles first)
        left = [r for r in groups[key] if r.iri not in group_of and r.iri not in said]
        if len(left) < 2:
            continue
        left.sort(key=_in_date_order)
        said.update(r.iri for r in left)
        out.append(Unjoined(names[key], key[0], [r.iri for r in left], len(groups[key])))
    return out
