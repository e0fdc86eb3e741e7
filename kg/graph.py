"""Records -> RDF quads: one named graph per source file, plus derived graphs.

The build writes pyoxigraph terms straight into the store in bulk (rdflib stays the
API people hold, see :mod:`kg.store`): creating rdflib terms one triple at a time would
cost more than reading the site.

Named graphs:

* ``{base}/id/source/{path}``: what one file says (its node, front matter, links,
  speakers). Rebuilding a file replaces exactly this graph.
* ``{base}/id/graph/entities``: people and organisations without a page of their own,
  with the one name and homepage the resolver chose for each.
* ``{base}/id/graph/series``: event series found across files.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any, Iterable
from urllib.parse import quote, urlsplit

from pyoxigraph import Literal, NamedNode, Quad

from . import vocab
from .errors import Diagnostic
from .frontmatter import date_value
from .mapping import KeyRule, Kind, Mapping
from .records import Record
from .resolve import Index, domain_of, homepage_domain, normalise
from .series import Series
from .site import Site, slugify
from .vocab import kg, prov, rdf, rdfs, schema, xsd

_IRI_SAFE = "/:?#[]@!$&'()*+,;=-._~%"


def safe_iri(url: str) -> NamedNode | None:
    """``url`` as an IRI node, percent-encoding characters IRIs forbid; ``None`` if hopeless."""
    url = str(url).strip()
    if not url:
        return None
    try:
        return NamedNode(url)
    except ValueError:
        pass
    try:
        return NamedNode(quote(url, safe=_IRI_SAFE))
    except ValueError:
        return None


def literal(value: Any) -> Literal:
    """A YAML value as a typed literal (dates, booleans and numbers keep their type)."""
    if isinstance(value, bool):
        return Literal(value)
    if isinstance(value, int):
        return Literal(str(value), datatype=xsd.integer)
    if isinstance(value, float):
        return Literal(value)
    if isinstance(value, dt.datetime):
        return Literal(value.isoformat(), datatype=xsd.dateTime)
    if isinstance(value, dt.date):
        return Literal(value.isoformat(), datatype=xsd.date)
    if isinstance(value, (dict, list)):
        return Literal(json.dumps(value, default=str, ensure_ascii=False), datatype=rdf.JSON)
    return Literal(str(value))


@dataclass
class Entity:
    """A person or organisation without a page, as the resolver settled it."""

    iri: str
    kind: str  # "person" | "organisation"
    names: Counter = field(default_factory=Counter)
    urls: set[str] = field(default_factory=set)

    @property
    def name(self) -> str:
        """The most written name (ties: the longest, then alphabetical)."""
        return sorted(self.names.items(), key=lambda kv: (-kv[1], -len(kv[0]), kv[0]))[0][0]


@dataclass
class Entities:
    """People and organisations named across the site, one entity per real thing."""

    site: Site
    index: Index
    people: dict[str, Entity] = field(default_factory=dict)
    orgs: dict[str, Entity] = field(default_factory=dict)
    org_by_name: dict[str, str] = field(default_factory=dict)  # normalised name -> iri
    person_by_url: dict[str, str] = field(default_factory=dict)

    def learn_org(self, name: str | None, url: str | None, fixed_iri: str | None = None) -> None:
        """First pass: remember that ``name`` is the organisation at ``url``."""
        domain = homepage_domain(url)
        if domain and name:
            self.org_by_name.setdefault(normalise(name), fixed_iri or self.site.minted("organisation", domain))
        elif fixed_iri and name:
            self.org_by_name.setdefault(normalise(name), fixed_iri)

    def org(self, name: str | None, url: str | None) -> str | None:
        """The organisation node for a mention (homepage domain first, then name)."""
        domain = homepage_domain(url)
        if domain:
            iri = self.site.minted("organisation", domain)
        elif name:
            iri = self.org_by_name.get(normalise(name)) or self.site.minted("organisation", slugify(name))
        else:
            return None
        ent = self.orgs.setdefault(iri, Entity(iri, "organisation"))
        if name:
            ent.names[name] += 1
        if url and domain:
            ent.urls.add(url)
        return iri

    def person(self, name: str, url: str | None) -> str:
        """The person node for a mention: their page, a shared profile link, or their name."""
        res = self.index.resolve("person", name)
        if res.iri:
            return res.iri
        key_url = _profile_key(url)
        iri = self.person_by_url.get(key_url) if key_url else None
        if iri is None:
            iri = self.site.minted("person", slugify(normalise(name)) or "unnamed")
        if key_url:
            self.person_by_url.setdefault(key_url, iri)
        ent = self.people.setdefault(iri, Entity(iri, "person"))
        ent.names[name] += 1
        if url:
            ent.urls.add(url)
        return iri


def _profile_key(url: str | None) -> str | None:
    if not url:
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return (domain_of(url) or "") + parts.path.rstrip("/").lower()


@dataclass
class GraphBuild:
    """Quads by named graph, and what the build found on the way."""

    graphs: dict[str, list[Quad]]
    diagnostics: list[Diagnostic]


class GraphBuilder:
    """Turns a site's records into quads."""

    def __init__(self, site: Site, mapping: Mapping, records: list[Record]) -> None:
        self.site = site
        self.mapping = mapping
        self.records = records
        self.index = Index(base_url=site.base_url)
        self.entities = Entities(site, self.index)
        self.unresolved: dict[str, tuple[str, str]] = {}  # iri -> (kind, label)
        self.diagnostics: list[Diagnostic] = []
        for r in records:
            self.index.add(r.kind, r.iri, r.label, r.stem, r.url_path)

    def source_graph(self, record: Record) -> str:
        """The named graph that holds what ``record``'s file says."""
        return self.site.minted("source", record.relpath).replace("%2F", "/")

    def build(self, series: list[Series]) -> GraphBuild:
        """All quads of the site."""
        for r in self.records:  # organisations' names and homepages, before any mention
            kind = self.mapping.kinds.get(r.kind)
            if kind and kind.identity:
                self.entities.learn_org(r.label, r.source.first(kind.identity), r.iri)
            for s in r.speakers:
                self.entities.learn_org(s.organisation, s.organisation_url)
        graphs: dict[str, list[Quad]] = {}
        for r in self.records:
            graphs[self.source_graph(r)] = list(self.record_quads(r))
        graphs[self.site.minted("graph", "entities")] = list(self.entity_quads())
        graphs[self.site.minted("graph", "series")] = list(self.series_quads(series))
        return GraphBuild(graphs, self.diagnostics)

    # -- one file -------------------------------------------------------------------
    def record_quads(self, r: Record) -> Iterable[Quad]:
        g = NamedNode(self.source_graph(r))
        s = NamedNode(r.iri)
        kind = self.mapping.kinds.get(r.kind)

        def q(p: NamedNode, o: Any) -> Quad:
            return Quad(s, p, o, g)

        yield Quad(g, rdf.type, kg.SourceFile, g)
        yield Quad(g, kg.path, Literal(r.relpath), g)
        yield q(kg.sourceFile, g)
        yield q(kg.kind, Literal(r.kind))
        for cls in (kind.classes if kind else [vocab.SCHEMA + "CreativeWork"]):
            yield q(rdf.type, NamedNode(cls))
        if r.url_path is not None:
            yield q(schema.url, s)
        if r.label:
            yield q(rdfs.label, Literal(r.label))
        for f in r.source.fields:
            rule = kind.keys.get(f.key) if kind else None
            if rule is None or (rule.speakers and not rule.property):
                if rule is None:
                    yield from self.extra_quads(r, s, g, f.key, f.value, f.line)
                continue
            yield from self.value_quads(r, s, g, rule, f.value, f.line)
        if r.doc is not None:
            for link in r.doc.links:
                if link.image:
                    continue
                target = self.index.page(link.url, self.site.base_url)
                if target:
                    if target != r.iri:
                        yield q(schema.mentions, NamedNode(target))
                else:
                    node = safe_iri(link.url) if ":" in link.url else safe_iri(self.site.iri("/" + link.url.lstrip("/")))
                    if node is not None:
                        yield q(kg.linksTo, node)
        if r.ordinal is not None:
            yield q(kg.statedOrdinal, Literal(str(r.ordinal), datatype=xsd.integer))
        for i, m in enumerate(r.speakers, 1):
            yield from self.speaker_quads(r, s, g, i, m)

    def value_quads(self, r: Record, s: NamedNode, g: NamedNode, rule: KeyRule, value: Any,
                    line: int) -> Iterable[Quad]:
        p = NamedNode(rule.property)
        values = value if isinstance(value, list) else [value]
        for v in values:
            if v is None or v == "":
                continue
            if rule.type == "ref":
                yield from self.ref_quads(r, s, g, p, rule, v, line)
            elif rule.type == "date":
                parts = rule.split.split(v) if rule.split and isinstance(v, str) else [v]
                for part in parts:
                    d = date_value(part)
                    if d is None:
                        self.diagnostics.append(Diagnostic(
                            "bad-date", "warning", f"`{rule.key}` is not a date: {part!r}", r.relpath, line,
                            rule.key, str(part), hint="write dates as YYYY-MM-DD"))
                        yield from self.extra_quads(r, s, g, rule.key, part, line)
                    else:
                        yield Quad(s, p, literal(d), g)
            elif rule.type == "iri":
                node = None
                if isinstance(v, str) and re.match(r"^[a-z][a-z0-9+.-]*:", v, re.I):
                    node = safe_iri(v)
                elif isinstance(v, str) and v.startswith("/") and not v.startswith("//"):
                    node = safe_iri(self.site.iri(v))  # a path on the site itself
                if node is None:
                    self.diagnostics.append(Diagnostic(
                        "bad-url", "warning", f"`{rule.key}` is not an absolute URL: {v!r}", r.relpath, line,
                        rule.key, str(v), hint="write the full address, starting https://"))
                    yield Quad(s, p, literal(v), g)
                else:
                    yield Quad(s, p, node, g)
            elif rule.type == "boolean" and not isinstance(v, bool):
                self.diagnostics.append(Diagnostic(
                    "bad-boolean", "warning", f"`{rule.key}` should be true or false, not {v!r}", r.relpath,
                    line, rule.key, str(v)))
                yield Quad(s, p, literal(v), g)
            else:
                yield Quad(s, p, literal(v), g)

    def ref_quads(self, r: Record, s: NamedNode, g: NamedNode, p: NamedNode, rule: KeyRule, value: Any,
                  line: int) -> Iterable[Quad]:
        text = str(value).strip()
        res = self.index.resolve(rule.ref, text)
        if res.iri is None and rule.split is not None:
            parts = [x for x in rule.split.split(text) if x.strip()]
            if len(parts) > 1:
                self.diagnostics.append(Diagnostic(
                    "several-in-one", "warning", f"`{rule.key}` names {len(parts)} {rule.ref}s in one "
                    f"string: {text!r}; kg reads them apart, Jekyll sees one value", r.relpath, line,
                    rule.key, text, hint=f"write `{rule.key}:` as a YAML list, one {rule.ref} per line"))
                for part in parts:
                    yield from self.ref_quads(r, s, g, p, KeyRule(rule.key, rule.property, "ref", rule.ref), part, line)
                return
        if res.iri is None:
            iri = self.site.minted(f"unresolved/{rule.ref}", slugify(normalise(text)) or "blank")
            self.unresolved[iri] = (rule.ref, text)
            hint = f"did you mean {res.suggestion!r}?" if res.suggestion else \
                f"no {rule.ref} page has this title; add one or fix the spelling"
            self.diagnostics.append(Diagnostic(
                "unresolved-reference", "warning", f"`{rule.key}` names no {rule.ref}: {text!r}",
                r.relpath, line, rule.key, text, hint=hint))
            o = NamedNode(iri)
            yield Quad(o, rdf.type, kg.Unresolved, g)
            yield Quad(o, rdfs.label, Literal(text), g)
            yield Quad(o, kg.expectedKind, Literal(rule.ref), g)
            if res.suggestion:
                yield Quad(o, kg.suggestion, Literal(res.suggestion), g)
        else:
            o = NamedNode(res.iri)
            if not res.exact:
                title = self.index.labels.get(rule.ref, {}).get(res.iri)
                self.diagnostics.append(Diagnostic(
                    "inexact-reference", "warning", f"`{rule.key}` {text!r} matches the {rule.ref} "
                    f"{title!r} only when case and punctuation are ignored", r.relpath, line, rule.key, text,
                    hint=f"write it exactly as {title!r}: Liquid filters on the site compare exactly"))
        if o != s:
            yield Quad(s, p, o, g)

    def extra_quads(self, r: Record, s: NamedNode, g: NamedNode, key: str, value: Any,
                    line: int) -> Iterable[Quad]:
        """An unmapped key: kept as ``kg:frontMatter [kg:key; rdf:value; kg:line]``."""
        node = NamedNode(f"{r.iri}#fm-{slugify(key) or 'key'}-{line}")
        yield Quad(s, kg.frontMatter, node, g)
        yield Quad(node, kg.key, Literal(key), g)
        yield Quad(node, kg.line, Literal(str(line), datatype=xsd.integer), g)
        for v in (value if isinstance(value, list) else [value]):
            if v is not None:
                yield Quad(node, rdf.value, literal(v), g)

    def speaker_quads(self, r: Record, s: NamedNode, g: NamedNode, i: int, m: Any) -> Iterable[Quad]:
        person = NamedNode(self.entities.person(m.name, m.url))
        p = NamedNode(f"{r.iri}#participant-{i}")
        yield Quad(s, kg.participation, p, g)
        yield Quad(p, rdf.type, kg.Participation, g)
        yield Quad(p, kg.participant, person, g)
        yield Quad(p, schema.roleName, Literal(m.role), g)
        yield Quad(p, kg.nameAsWritten, Literal(m.name), g)
        yield Quad(p, kg.line, Literal(str(m.line), datatype=xsd.integer), g)
        yield Quad(s, schema.performer, person, g)
        if m.title:
            yield Quad(p, schema.jobTitle, Literal(m.title), g)
        if m.url:
            node = safe_iri(m.url)
            if node is not None:
                yield Quad(p, kg.profile, node, g)
        org_iri = self.entities.org(m.organisation, m.organisation_url)
        if org_iri:
            org = NamedNode(org_iri)
            yield Quad(p, kg.affiliation, org, g)
            yield Quad(person, schema.affiliation, org, g)
            if m.organisation:
                yield Quad(p, kg.organisationAsWritten, Literal(m.organisation), g)

    # -- across files --------------------------------------------------------------
    def entity_quads(self) -> Iterable[Quad]:
        g = NamedNode(self.site.minted("graph", "entities"))
        pages = {r.iri for r in self.records}
        for ent in list(self.entities.people.values()) + list(self.entities.orgs.values()):
            s = NamedNode(ent.iri)
            if ent.iri in pages:  # a funder page: its own file says who it is
                continue
            yield Quad(s, rdf.type, schema.Person if ent.kind == "person" else schema.Organization, g)
            yield Quad(s, schema.name, Literal(ent.name), g)
            yield Quad(s, rdfs.label, Literal(ent.name), g)
            for other in sorted(set(ent.names) - {ent.name}):
                yield Quad(s, schema.alternateName, Literal(other), g)
            for url in sorted(ent.urls):
                node = safe_iri(url)
                if node is not None:
                    yield Quad(s, schema.url if ent.kind == "organisation" else schema.sameAs, node, g)
        for iri, (kind_name, label) in sorted(self.unresolved.items()):
            kind = self.mapping.kinds.get(kind_name)
            for cls in (kind.classes if kind else []):
                yield Quad(NamedNode(iri), rdf.type, NamedNode(cls), g)

    def series_quads(self, series: list[Series]) -> Iterable[Quad]:
        g = NamedNode(self.site.minted("graph", "series"))
        for ser in series:
            s = NamedNode(ser.iri)
            yield Quad(s, rdf.type, schema.EventSeries, g)
            yield Quad(s, schema.name, Literal(ser.name), g)
            yield Quad(s, rdfs.label, Literal(ser.name), g)
            yield Quad(s, kg.evidence, Literal(", ".join(ser.evidence)), g)
            prev = None
            for pos, iri in enumerate(ser.events, 1):
                e = NamedNode(iri)
                yield Quad(s, schema.subEvent, e, g)
                yield Quad(e, schema.superEvent, s, g)
                yield Quad(e, kg.seriesPosition, Literal(str(pos), datatype=xsd.integer), g)
                if prev is not None:
                    yield Quad(e, kg.previousInSeries, prev, g)
                    yield Quad(prev, kg.nextInSeries, e, g)
                prev = e
