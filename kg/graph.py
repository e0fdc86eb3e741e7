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

A file's graph depends on its own record and on the answers to a few questions about
other files (which page a title or link names, which node a speaker became): the
builder notes them, so that a rebuild can take an unchanged file's graph as it was
when every answer is the same (see :class:`GraphInputs`).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import pickle
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator
from urllib.parse import quote, urljoin

from pyoxigraph import Literal, NamedNode, Quad

from . import vocab
from .digests import pickled
from .errors import Diagnostic, StoreError, as_written
from .frontmatter import date_problem, date_value, no_real_offset, read_date
from .mapping import KeyRule, Mapping
from .records import Record, code_stamps
from .entities import Curation, EntityResolver
from .resolve import Index, is_link, normalise
from .series import Series, series_names
from .site import Site, slugify
from .store import Kept, nquads, readable
from .vocab import kg, rdf, rdfs, schema, xsd

_IRI_SAFE = "/:?#[]@!$&'()*+,;=-._~%"


_STRAY_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_SPACE = re.compile(r"\s")
#: A name that reads as a group of people ("the Core Design team")
_GROUP = re.compile(r"\b(?:team|group|committee|staff|members|volunteers|community|others|everyone|colleagues"
                    r"|organi[sz]ers)\b", re.I)
_LIST_IN_ONE = re.compile(r"\s*[,;]\s*|\s+-\s+")  # "A, B" or a list item indented wrong ("A - B")


def _list_hint(rule: KeyRule) -> str:
    return f"write `{rule.key}:` as a YAML list, one {rule.ref} per line"


def _loose_date(r: Record, rule: KeyRule, text: str, taken: dt.date | dt.datetime, rest: str,
                line: int) -> Diagnostic:
    """A ``loose-date`` warning: ``text`` was read as the date ``taken`` and says more
    (``rest``: what the reading left, see :func:`kg.frontmatter.read_date`)."""
    timed = isinstance(taken, dt.datetime)
    form = "YYYY-MM-DD HH:MM" if timed else "YYYY-MM-DD"
    several = f" (several days: `{rule.key}: YYYY-MM-DD, YYYY-MM-DD`)" if rule.split else ""
    if isinstance(taken, dt.datetime) and no_real_offset(taken):   # "18:00-20:00": its end read as a zone
        shown = taken.replace(tzinfo=None).isoformat(" ", "minutes" if not taken.second else "seconds")
        return Diagnostic("loose-date", "warning", f"`{rule.key}` is read as {shown} in a time zone {rest} from "
                          f"UTC, which no place has: {text!r}", r.relpath, line, rule.key, text,
                          hint=f"write the start alone, `{rule.key}: {form}`, and put the end in the page")
    shown = taken.isoformat(" ", "minutes" if not taken.second else "seconds") if timed else taken.isoformat()
    return Diagnostic("loose-date", "warning", f"`{rule.key}` is read as {shown} but says more: {text!r}",
                      r.relpath, line, rule.key, text,
                      hint=f"kg took {shown} from this text and left out {rest!r}: write the date alone, "
                      f"`{rule.key}: {form}`{several}, and put the rest in the page")


def safe_iri(url: str) -> NamedNode | None:
    """``url`` as an IRI node, percent-encoding what IRIs forbid; ``None`` if hopeless.

    Characters outside IRIs and white space are encoded, and so are a ``%`` that starts no escape
    (``100%sure``) and every ``#`` after the first (``/#/route#part``).
    """
    url = str(url).strip()
    if not url:
        return None
    try:
        node = NamedNode(url)
        if not _SPACE.search(url):
            return node
        # e.g. a no-break space: IRIs allow it, N-Quads readers do not
        return NamedNode("".join(quote(c) if c.isspace() else c for c in url))
    except ValueError:
        pass
    base, hash_, fragment = url.partition("#")
    fixed = quote(_STRAY_PERCENT.sub("%25", base), safe=_IRI_SAFE.replace("#", ""))
    if hash_:
        fixed += "#" + quote(_STRAY_PERCENT.sub("%25", fragment), safe=_IRI_SAFE.replace("#", ""))
    try:
        return NamedNode(fixed)
    except ValueError:
        return None


def _first_text(value: Any) -> str | None:
    """A front-matter value as one string: itself, or a list's first string (``link: [a, b]``)."""
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str)), None)
    return value if isinstance(value, str) else None


def _of_type(kind: str, value: Any) -> bool:
    """Whether a front-matter value is of a mapping rule's ``text`` or ``integer`` type
    (any value is of the other types' rules, checked where they are read)."""
    if kind == "text":
        return isinstance(value, str)
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    return True


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


class GraphBuilder:
    """Turns a site's records into quads."""

    def __init__(self, site: Site, mapping: Mapping, records: list[Record],
                 curation: Curation | None = None, inputs: GraphInputs | None = None) -> None:
        self.site = site
        self.mapping = mapping
        self.records = records
        self.index = Index(base_url=site.base_url)
        self.entities = EntityResolver(site, self.index, curation)
        self.unresolved: dict[str, tuple[str, str]] = {}  # iri -> (kind, label)
        self.diagnostics: list[Diagnostic] = []
        self.inputs = inputs
        self.reused = 0  # files whose graph was taken as the last build made it
        self._asked: list[tuple[str, tuple[Any, ...], Any]] | None = None  # the file's answers, while its graph is made
        self._set: list[tuple[str, tuple[str, str]]] = []  # ... and the unresolved references it noted
        self._same_answers = False  # every question about other files has the answer it had last build
        self._facts: dict[str, bytes] | None = None  # relpath -> _record_facts (see settled_digest)
        self._records_digest: str | None = None
        self._first_written: dict[str, tuple[str, int]] | None = None  # name -> first (file, line) a speaker
        index, base_url = self.index, site.base_url  # not self: no cycle keeps a builder alive
        self._answers: dict[str, Callable[..., Any]] = {
            "page": lambda url: index.page(url, base_url),
            "resolve": index.resolve,
            "label": lambda kind, iri: index.labels.get(kind, {}).get(iri),
            "is_person": self.entities.is_person,
            "person": self.entities.person,
            "org": self.entities.org,
        }
        for r in records:
            if r.is_page:
                self.index.add(r.kind, r.iri, r.label, r.stem, r.url_path)

    def source_graph(self, record: Record) -> str:
        """The named graph that holds what ``record``'s file says."""
        return self.site.minted("source", record.relpath)

    def _ask(self, what: str, *args: Any) -> Any:
        """Answer a question about other files (see ``_answers``), noting it while a
        file's graph is made: its graph depends on nothing else outside the file."""
        answer = self._answers[what](*args)
        if self._asked is not None:
            self._asked.append((what, args, answer))
        return answer

    def _unresolved(self, iri: str, value: tuple[str, str]) -> None:
        self.unresolved[iri] = value
        self._set.append((iri, value))

    def build(self, series: list[Series],
              previous: Callable[[str, str], bytes | Kept | None] | None = None,
              ) -> Iterator[tuple[str, bytes | Kept, str]]:
        """The site's named graphs, one at a time (graph IRI, its N-Quads as
        :func:`kg.store.nquads` writes them or, for a graph kept, what ``previous`` gave
        for it; their SHA-1), so that a large site never
        holds all of its quads at once. Problems found on the way are in
        :attr:`diagnostics` once the iteration ends.

        With :attr:`inputs` from the last build and ``previous`` (graph IRI, SHA-1 → the
        last build's bytes of that graph or a :class:`kg.store.Kept`, or ``None``; see
        :meth:`kg.store.GraphWriter.previous_nquads`), a file whose record is unchanged
        and whose every question about other files (a title, a link, a person's node)
        gets the answer it got last time has the same graph as last time: its bytes are
        taken from ``previous`` and its problems from :attr:`inputs`, not made again.
        """
        inputs = self.inputs

        def resolve() -> None:
            self._collect_mentions()  # every mention first, then one decision for all
            self.entities.resolve()
        # as the last build resolved them, if from the same records and pages: then every
        # question a file's graph asks of other files (about the pages and the entities)
        # has the answer it had last time
        self._same_answers = self.settled("entities", self.entities.take_outcome, resolve, self.entities.outcome)
        self.diagnostics.extend(self.entities.diagnostics(self._written_at))
        for r in self.records:
            name = self.source_graph(r)
            key = inputs.key(r) if inputs is not None else None
            made = self._reuse(name, key, previous) if key is not None and previous is not None else None
            if made is None:
                self._asked, self._set = [], []
                start = len(self.diagnostics)
                data = nquads(self.record_quads(r))
                made = _Made(key, hashlib.sha1(data).hexdigest(),
                             pickle.dumps(self._asked, protocol=pickle.HIGHEST_PROTOCOL),
                             self.diagnostics[start:], self._set, data,
                             ((self._facts or {}).get(r.relpath) or _record_facts(r)) if inputs is not None else b"")
                self._asked = None
            if key is not None and inputs is not None:
                inputs.add(name, made)
            yield name, made.data, made.digest
            made.data = b""  # kept only while yielded
        for name, quads in ((self.site.minted("graph", "entities"),
                             list(self.entity_quads()) + list(self.unresolved_quads())),
                            (self.site.minted("graph", "series"), list(self.series_quads(series)))):
            data = nquads(quads)
            yield name, data, hashlib.sha1(data).hexdigest()

    def settled(self, name: str, take: Callable[[bytes], None], work_out: Callable[[], None],
                dump: Callable[[], bytes]) -> bool:
        """A cross-file fact (``name``: the entities, the series) as the last build worked
        it out, handed to ``take``, if it was worked out from what this build's would be
        (see :meth:`settled_digest`); else (or when ``take`` raises: a damaged cache)
        ``work_out`` it. With :attr:`inputs`, what it is (``dump``: pickled) is kept for
        the next build. True when the last build's was taken."""
        digest = self.settled_digest(name)
        last = self.inputs.settled_as(name, digest) if self.inputs is not None and digest is not None else None
        if last is not None:
            try:
                take(last)
            except Exception:  # noqa: BLE001 - a damaged cache is no cache
                last = None
        if last is None:
            work_out()
        if self.inputs is not None and digest is not None:
            self.inputs.settle(name, digest, last if last is not None else dump())
        return last is not None

    def settled_digest(self, name: str) -> str | None:
        """A digest of all that a cross-file fact (``name``: the entities, the series) is
        worked out from, for :meth:`GraphInputs.settled_as`: what every record says
        that another file's graph may read (see :func:`_record_facts`), the index's
        pages and the curation. ``None`` without :attr:`inputs`."""
        if self.inputs is None:
            return None
        if self._facts is None:
            entries, self._facts = self.inputs.entries, {}
            for r in self.records:
                made = entries.get(self.source_graph(r))
                same = made is not None and made.facts and made.key == self.inputs.key(r)
                self._facts[r.relpath] = made.facts if same else _record_facts(r)  # type: ignore[union-attr]
            self._records_digest = hashlib.sha1(b"".join(self._facts.values())).hexdigest()
        assert self._records_digest is not None
        parts = [name, self._records_digest, self.index.digest(), self.entities.curation.fingerprint()]
        return hashlib.sha1("\x00".join(parts).encode("utf-8", "surrogatepass")).hexdigest()

    def _written_at(self, name: str, kind: str = "person") -> tuple[str | None, int | None]:
        """The file and line a person's name (as written) is first a speaker at, or
        (``kind`` "organisation") an organisation's is first a speaker's organisation at
        (every one looked up once, when first asked)."""
        if self._first_written is None:
            self._first_written = {}
            for r in self.records:
                for m in r.speakers:
                    self._first_written.setdefault(("person", m.name), (r.relpath, m.line))
                    if m.organisation:
                        self._first_written.setdefault(("organisation", m.organisation), (r.relpath, m.line))
        return self._first_written.get((kind, name), (None, None))

    def _collect_mentions(self) -> None:
        """Every mention of a person or organisation in the records, to :attr:`entities`."""
        for r in self.records:
            kind = self.mapping.kinds.get(r.kind)
            if kind and kind.identity:
                self.entities.add_org(r.label, _first_text(r.source.data.get(kind.identity)), r.iri)
            for m in r.speakers:
                if self.entities.is_person(m.name):
                    self.entities.add_person(m.name, m.url, m.organisation)
                    self.entities.add_org(m.organisation, m.organisation_url)

    def _reuse(self, name: str, key: tuple[str, str, str | None],
               previous: Callable[[str, str], bytes | Kept | None]) -> _Made | None:
        """The last build's graph of a file, if nothing it depends on changed."""
        assert self.inputs is not None
        made = self.inputs.entries.get(name)
        if made is None or made.key != key:
            return None
        if not self._same_answers:
            answers = self._answers
            for what, args, answer in pickle.loads(made.asked):
                if answers[what](*args) != answer:
                    return None
        data = previous(name, made.digest)
        if data is None:
            return None
        self.diagnostics.extend(made.diagnostics)
        for iri, value in made.unresolved:
            self.unresolved[iri] = value
        self.reused += 1
        made.data = data
        return made

    # -- one file -------------------------------------------------------------------
    def record_quads(self, r: Record) -> Iterable[Quad]:
        g = NamedNode(self.source_graph(r))
        s = NamedNode(r.iri)
        kind = self.mapping.kinds.get(r.kind)

        def q(p: NamedNode, o: Any) -> Quad:
            return Quad(s, p, o, g)

        yield Quad(g, rdf.type, kg.SourceFile, g)
        yield Quad(g, kg.path, Literal(r.relpath), g)
        if not r.is_page:  # a binary or static file: what little it holds stays on the file
            for f in r.source.fields:
                yield from self.extra_quads(r, g, g, f.key, f.value, f.line)
            return
        yield q(kg.sourceFile, g)
        yield q(kg.kind, Literal(r.kind))
        for cls in (kind.classes if kind else [vocab.SCHEMA + "CreativeWork"]):
            yield q(rdf.type, NamedNode(cls))
        if r.url_path is not None:
            yield q(schema.url, s)
        if r.label:
            yield q(rdfs.label, Literal(r.label))
            yield q(kg.nameKey, Literal(r.label.lower()))
            if r.label_from_file and kind and kind.label in kind.keys:
                yield q(NamedNode(kind.keys[kind.label].property), Literal(r.label))
            if kind and (kind.label not in kind.keys or kind.keys[kind.label].property != schema.name.value):
                yield q(schema.name, Literal(r.label))   # (`label: full_name`, a key mapped to no name)
        if r.dates_from_file and kind and kind.date_keys and kind.date_keys[0] in kind.keys:
            for d in r.dates:
                yield q(NamedNode(kind.keys[kind.date_keys[0]].property), literal(d))
        last = {f.key: f for f in r.source.fields}  # (of a key written twice, Jekyll reads the last)
        for f in r.source.fields:
            rule = kind.keys.get(f.key) if kind else None
            if rule is None:
                yield from self.extra_quads(r, s, g, f.key, f.value, f.line)
            elif (rule.speakers or rule.speaker_field or rule.series) and not rule.property:
                # what the speakers or the series take is theirs; the rest stays the file's own
                if not rule.speakers and (last[f.key] is not f or not self._taken(r, rule, f)):
                    yield from self.extra_quads(r, s, g, f.key, f.value, f.line)
            elif f.key == kind.label and last[f.key] is not f:
                # a name is one: the title Jekyll shows (the last written); an earlier one is
                # kept as written (two schema:name made every query of names give two rows)
                yield from self.extra_quads(r, s, g, f.key, f.value, f.line)
            else:
                yield from self.value_quads(r, s, g, rule, f.value, f.line)
        if r.doc is not None:
            here = r.iri if r.url_path is not None else self.site.iri("/")
            for link in r.doc.links:
                if link.image or not link.url.strip() or link.url.startswith("#"):
                    continue  # images, and links within the page itself
                try:
                    absolute = urljoin(here, link.url.strip())  # relative links resolve against the page
                except ValueError:  # e.g. "http://[::1" : not a URL at all, kept as written
                    absolute = link.url.strip()
                target = self._ask("page", absolute)
                if target:
                    if target != r.iri:
                        yield q(schema.mentions, NamedNode(target))
                else:
                    node = safe_iri(absolute)
                    if node is not None and node.value.split("#")[0] != r.iri:
                        yield q(kg.linksTo, node)
        if r.ordinal is not None:
            yield q(kg.statedOrdinal, Literal(str(r.ordinal), datatype=xsd.integer))
        for i, m in enumerate(r.speakers, 1):
            if self._ask("is_person", m.name):
                yield from self.speaker_quads(r, s, g, i, m)

    def _taken(self, r: Record, rule: KeyRule, f: Any) -> bool:
        """Whether the speakers (a field of theirs: see kg.records._give_speaker_fields) or
        the series (see :func:`kg.series.series_names`) took the value of ``f``, the last of its key;
        a series' name that is no text is a ``bad-series`` warning."""
        if rule.speaker_field:
            return not any(d.code == "bad-speaker" and d.line == f.line and d.key == f.key for d in r.diagnostics)
        if series_names(f.value):
            return r.is_page and not isinstance(f.value, list)   # (only pages are in series; a list: the first's)
        self.diagnostics.append(Diagnostic(
            "bad-series", "warning", f"`{f.key}` names the event's series, and {as_written(f.value)} is no name: the event is "
            "in no series it names", r.relpath, f.line, f.key, str(f.value),
            hint=f"write the series' name as text, `{f.key}: Data Drinks`, or remove the key"))
        return False

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
                    d, rest = read_date(part) if isinstance(part, str) else (date_value(part), "")
                    kept = [d] if isinstance(d, dt.datetime) else []  # (the day is the date; the time aside)
                    day = d.date() if isinstance(d, dt.datetime) else d
                    if day is None:
                        if not any(x.code == "invalid-date" and x.line == line for x in r.diagnostics):
                            self.diagnostics.append(Diagnostic(  # (else that error says why, at this line)
                                "bad-date", "warning", f"`{rule.key}` is not a date: {part!r}", r.relpath, line,
                                rule.key, str(part), hint=date_problem(part) or "write dates as YYYY-MM-DD"))
                        kept.append(part)
                    elif rest:  # (the date is taken; the text, which says more, is kept aside)
                        self.diagnostics.append(_loose_date(r, rule, part, d, rest, line))
                        kept.append(part)
                    if kept:
                        yield from self.extra_quads(r, s, g, rule.key, kept, line)
                    if day is not None:
                        yield Quad(s, p, literal(day), g)
            elif rule.type == "iri":
                node = safe_iri(self._absolute(v)) if isinstance(v, str) and is_link(v) else None
                if node is None:
                    self.diagnostics.append(Diagnostic(
                        "bad-url", "warning", f"`{rule.key}` is not an absolute URL: {v!r}", r.relpath, line,
                        rule.key, str(v), hint="write the full address, starting https://"))
                    yield Quad(s, p, literal(v), g)
                else:
                    yield Quad(s, p, node, g)
            elif rule.type == "boolean" and not isinstance(v, bool):
                self.diagnostics.append(Diagnostic(
                    "bad-boolean", "warning", f"`{rule.key}` should be true or false, not {as_written(v)}", r.relpath,
                    line, rule.key, str(v)))
                yield Quad(s, p, literal(v), g)
            else:
                yield Quad(s, p, literal(v), g)
                if not _of_type(rule.type, v):  # (the shapes say so: where it was written, kept aside)
                    yield from self.extra_quads(r, s, g, rule.key, v, line)

    def ref_quads(self, r: Record, s: NamedNode, g: NamedNode, p: NamedNode, rule: KeyRule, value: Any,
                  line: int) -> Iterable[Quad]:
        # a mapping (`project: {a: b}`) is named as written in JSON, any other value that is
        # no text as YAML writes it (`true`, `.nan`, `[a]`), not as Python shows it (True, nan, ['a'])
        text = (json.dumps(value, ensure_ascii=False, default=str) if isinstance(value, dict)
                else value if isinstance(value, str) else as_written(value, limit=1 << 20)).strip()
        res = self._ask("resolve", rule.ref, text)
        if res.iri is None and rule.split is not None:
            parts = [x for x in rule.split.split(text) if x.strip()]
            if len(parts) > 1:
                groups = [x.strip() for x in parts if _GROUP.search(x)] if rule.ref == "person" else []
                said = f"{len(parts)} {rule.ref}s in one string: {text!r}" if not groups else \
                    f"{len(parts)} values in one string: {text!r} ({', '.join(map(repr, groups))} reads as " \
                    f"a group, not a person)"
                self.diagnostics.append(Diagnostic(
                    "several-in-one", "warning", f"`{rule.key}` names {said}; kg reads them apart, "
                    "Jekyll sees one value", r.relpath, line,
                    rule.key, text, hint=_list_hint(rule)))
                for part in parts:
                    yield from self.ref_quads(r, s, g, p, KeyRule(rule.key, rule.property, "ref", rule.ref), part, line)
                return
        if res.iri is None:
            iri = self.site.minted(f"unresolved/{rule.ref}", slugify(normalise(text)) or "blank")
            self._unresolved(iri, (rule.ref, text))
            hint = f"did you mean {res.suggestion!r}?" if res.suggestion else \
                f"no {rule.ref} page has this title; add one or fix the spelling"
            parts = [x for x in _LIST_IN_ONE.split(text) if x.strip()]
            if len(parts) > 1 and all(self._ask("resolve", rule.ref, x.strip()).iri for x in parts):
                hint = f"it names {len(parts)} {rule.ref}s in one string: {_list_hint(rule)} (`- ` and a space " \
                       "before each, indented alike)"
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
                title = self._ask("label", rule.ref, res.iri)
                self.diagnostics.append(Diagnostic(
                    "inexact-reference", "warning", f"`{rule.key}` {text!r} matches the {rule.ref} "
                    f"{title!r} only when case and punctuation are ignored", r.relpath, line, rule.key, text,
                    hint=f"write it exactly as {title!r}: Liquid filters on the site compare exactly"))
        if o == s:
            self.diagnostics.append(Diagnostic(
                "self-reference", "warning", f"`{rule.key}` names this page itself: {text!r}", r.relpath, line,
                rule.key, text, hint=f"remove it, or name another {rule.ref}"))
        yield Quad(s, p, o, g)

    def extra_quads(self, r: Record, s: NamedNode, g: NamedNode, key: str, value: Any,
                    line: int) -> Iterable[Quad]:
        """An unmapped key: kept as ``kg:frontMatter [kg:key; rdf:value; kg:line]``."""
        base = s.value + ("-" if "#" in s.value else "#")
        fragment = f"fm-{slugify(key) or 'key'}-{line}"
        try:
            node = NamedNode(base + fragment)
        except ValueError:  # a letter or mark no IRI may hold as it is (U+E0100): percent-encoded
            node = NamedNode(base + quote(fragment, safe="-"))
        yield Quad(s, kg.frontMatter, node, g)
        yield Quad(node, rdf.type, kg.FrontMatterEntry, g)
        yield Quad(node, kg.key, Literal(key), g)
        yield Quad(node, kg.line, Literal(str(line), datatype=xsd.integer), g)
        for v in (value if isinstance(value, list) else [value]):
            if v is not None:
                yield Quad(node, rdf.value, literal(v), g)

    def _absolute(self, url: str) -> str:
        """A link as written (see :func:`kg.resolve.is_link`), with a path on the site itself
        (``/people/x``) made the page's address."""
        return self.site.iri(url) if url.startswith("/") and not url.startswith("//") else url

    def speaker_quads(self, r: Record, s: NamedNode, g: NamedNode, i: int, m: Any) -> Iterable[Quad]:
        person = NamedNode(self._ask("person", m.name, m.url))
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
            node = safe_iri(self._absolute(m.url))
            if node is not None:
                yield Quad(p, kg.profile, node, g)
        if m.organisation_url:
            node = safe_iri(self._absolute(m.organisation_url))
            if node is not None:
                yield Quad(p, kg.organisationUrl, node, g)
        org_iri = self._ask("org", m.organisation, m.organisation_url)
        if org_iri:
            org = NamedNode(org_iri)
            yield Quad(p, kg.affiliation, org, g)
            yield Quad(person, schema.affiliation, org, g)
            if m.organisation:
                yield Quad(p, kg.organisationAsWritten, Literal(m.organisation), g)

    # -- across files --------------------------------------------------------------
    def entity_quads(self) -> Iterable[Quad]:
        g = NamedNode(self.site.minted("graph", "entities"))
        for iri in sorted(self.entities.entities):
            ent = self.entities.entities[iri]
            s = NamedNode(ent.iri)
            if ent.has_page:  # a person or funder page: its own file says who it is
                continue
            yield Quad(s, rdf.type, schema.Person if ent.kind == "person" else schema.Organization, g)
            yield Quad(s, schema.name, Literal(ent.name), g)
            yield Quad(s, rdfs.label, Literal(ent.name), g)
            for other in sorted(set(ent.names) - {ent.name}):
                yield Quad(s, schema.alternateName, Literal(other), g)
            for key in sorted({n.lower() for n in ent.names} | {ent.name.lower()}):
                yield Quad(s, kg.nameKey, Literal(key), g)
            for url in sorted(ent.urls):
                node = safe_iri(url)
                if node is not None:
                    yield Quad(s, schema.url if ent.kind == "organisation" else schema.sameAs, node, g)

    def unresolved_quads(self) -> Iterable[Quad]:
        """Unresolved references typed as what they were meant to be (a project, a person)."""
        g = NamedNode(self.site.minted("graph", "entities"))
        for iri, (kind_name, _label) in sorted(self.unresolved.items()):
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


@dataclass
class _Made:
    """How one file's graph was made: from which record (see :meth:`GraphInputs.key`),
    the SHA-1 of its bytes, the questions it asked with their answers (pickled: a large
    site asks millions), the problems it found and the unresolved references it noted;
    and the digest of what its record says beyond its own graph (:func:`_record_facts`,
    for :meth:`GraphBuilder.settled_digest`). A build writes each out as it is made
    (see :meth:`GraphInputs.add`)."""

    key: tuple[str, str, str | None]
    digest: str
    asked: bytes
    diagnostics: list[Diagnostic]
    unresolved: list[tuple[str, tuple[str, str]]]
    data: bytes | Kept = b""  # while the graph is handed on
    facts: bytes = b""  # the record's _record_facts

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "data": b""}


def _record_facts(r: Record) -> bytes:
    """A digest of what a record says that may be read beyond its own file's graph:
    everything but its words (the body, the terms counted), what tells its file's bytes
    (SHA-1, stamp), its problems, the lines things are on and its speakers' roles and
    titles (which only its own graph reads). An edit to a page's text leaves it as it was,
    unless it changes what the text calls the event (:attr:`Record.calls_itself`: series
    read it) or its stated ordinal."""
    facts = (r.kind, r.relpath, r.iri, r.url_path, r.label, r.dates, r.ordinal, r.calls_itself, r.label_from_file,
             r.dates_from_file, r.source.has_front_matter, r.is_page,
             [(key, value, text) for key, value, _line, text in r.source.raw("fields")],
             [(text, url, image) for text, url, _line, image in r.doc.raw("links")] if r.doc is not None else None,
             [(name, url, organisation, organisation_url)
              for name, _role, _title, organisation, organisation_url, url, _line in r.raw("speakers")])
    return hashlib.blake2b(pickled(facts), digest_size=16).digest()

class GraphInputs:
    """What each file's graph was made from in the last build (kept in the graph folder
    as ``cache/graph-inputs.pickle``), so that a rebuild makes again only the graphs of
    files that changed or whose questions about other files get other answers. Not used
    when made under other settings or by another version of the code that makes graphs.
    It also keeps what each other graph (an event's related events) was made from: a key
    and the SHA-1 of its bytes, or "" when that key made no graph (see :meth:`reuse`);
    and what the build worked out from all files together (the entities, the series),
    under a digest of what from (see :meth:`settled_as`).
    """

    FILE = "cache/graph-inputs.pickle"
    FORMAT = "kg graph inputs 6"  # the file: (FORMAT, fingerprint), (graph, _Made) each,
    # {derived, related, graphs, settled}, and where that starts (8 bytes)

    def __init__(self, fingerprint: str, record_keys: dict[str, str],
                 entries: dict[str, _Made] | None = None,
                 derived: dict[str, tuple[str, str]] | None = None, folder: Path | None = None) -> None:
        self.fingerprint = fingerprint
        self.record_keys = record_keys  # relpath -> the record cache's key of its record
        self.entries = entries or {}
        self._raw: dict[str, tuple[int, int]] = {}  # each entry's (offset, length) in the file read ...
        self._last: Any = None  # ... held open until the entries are let go
        self.folder = folder  # where :meth:`save` writes; this build's entries go there as they come
        self._out: tuple[Path, Any] | None = None  # (temporary file, open file) of this build's entries
        self.derived = derived or {}  # other graphs (related events): name -> (key of what made it, SHA-1)
        self.fresh_derived: dict[str, tuple[str, str]] = {}
        self.derived_reused = 0
        self.related: str | None = None  # the last build's digest of what all its related events came from
        self.fresh_related: str | None = None  # ... and this build's
        self.graphs: str | None = None  # a digest of the graphs (names, SHA-1) of the build that saved these
        self.fresh_graphs: str | None = None  # ... and of this build's
        # what the last build worked out from all files together (the entities, the
        # series): name -> (a digest of what it was worked out from, it pickled)
        self.settled: dict[str, tuple[str, bytes]] = {}
        self.fresh_settled: dict[str, tuple[str, bytes]] = {}

    def reuse(self, name: str, key: str,
              previous: Callable[[str, str], bytes | Kept | None]) -> tuple[bytes | Kept, str] | bool | None:
        """A graph made from something other than one file (e.g. an event's related
        events) that the last build made from the same ``key``: (its bytes or a
        :class:`kg.store.Kept`, SHA-1) as ``previous`` gives them; ``True`` when the last build made no graph from that
        key (an event without suggestions); else ``None``."""
        old = self.derived.get(name)
        if old is None or old[0] != key:
            return None
        if not old[1]:
            self.fresh_derived[name] = old
            return True
        data = previous(name, old[1])
        if data is None:
            return None
        self.fresh_derived[name] = old
        self.derived_reused += 1
        return data, old[1]

    def release_entries(self) -> None:
        """Let go of the last build's file graphs' inputs (once every file graph is made)."""
        self.entries, self._raw = {}, {}
        if self._last is not None:
            self._last.close()
            self._last = None

    def add(self, name: str, made: _Made) -> None:
        """Note how this build made file graph ``name``: written out at once (to a
        temporary file that :meth:`save` puts in place), so that a large site never
        holds every file's questions and answers."""
        last = self._raw.get(name)
        if last is not None and self.entries.get(name) is made:  # the last build's, as it was written
            offset, length = last
            self._file().write(os.pread(self._last.fileno(), length, offset))
        else:
            self._file().write(pickle.dumps((name, made), protocol=pickle.HIGHEST_PROTOCOL))

    def _file(self) -> Any:
        """This build's file, started (under a temporary name) when first asked for."""
        if self._out is None:
            assert self.folder is not None, "GraphInputs needs the folder to write to"
            where = (self.folder / self.FILE).parent
            where.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".graph-inputs.", suffix=".tmp", dir=where)
            self._out = (Path(tmp), os.fdopen(fd, "wb"))
            self._out[1].write(pickle.dumps((self.FORMAT, self.fingerprint), protocol=pickle.HIGHEST_PROTOCOL))
        return self._out[1]

    def keep_all(self, skip: Callable[[str], bool], previous: Callable[[str, str], bytes | Kept | None],
                 add: Callable[[str, bytes | Kept, str], None]) -> bool:
        """Take every graph the last build made other than from one file (but those
        ``skip`` names) as it made it (see :meth:`keep`)."""
        return self.keep([(name, key) for name, (key, _sha) in self.derived.items() if not skip(name)],
                         previous, add)

    def keep(self, graphs: list[tuple[str, str]], previous: Callable[[str, str], bytes | Kept | None],
             add: Callable[[str, bytes | Kept, str], None]) -> bool:
        """Take the last build's graph of each (name, key) of ``graphs``, made from that
        key, handing each to ``add`` (name, what ``previous`` gives, SHA-1), and noting
        each as :meth:`reuse` does: all of them, or none (false) when one was made from
        another key or ``previous`` lacks one. Bytes ``previous`` had to read (the last
        graph file is not as its build left it) are let go once checked and read again
        when added: never all held.

        Raises:
            StoreError: the last graph file changed between the two readings.
        """
        olds: list[tuple[str, tuple[str, str], Kept | None]] = []
        for name, key in graphs:
            old = self.derived.get(name)
            if old is None or old[0] != key:
                return False
            got = previous(name, old[1]) if old[1] else None  # ("": it made no graph)
            if old[1] and got is None:
                return False
            olds.append((name, old, got if isinstance(got, Kept) else None))
        for name, old, kept in olds:
            self.fresh_derived[name] = old
            if old[1]:
                data = kept if kept is not None else previous(name, old[1])
                if data is None:
                    raise StoreError(f"the last graph file changed while kg was building (graph {name})",
                                     hint="build again")
                self.derived_reused += 1
                add(name, data, old[1])
        return True

    def settled_as(self, name: str, digest: str) -> bytes | None:
        """What the last build worked out as ``name`` (see :meth:`settle`), if it worked it
        out from inputs of this ``digest``; else ``None``."""
        last = self.settled.get(name)
        return last[1] if last is not None and last[0] == digest else None

    def settle(self, name: str, digest: str, data: bytes) -> None:
        """Note what this build worked out as ``name`` from all files (``data``, pickled)
        and a digest of what from, for the next build's :meth:`settled_as`."""
        self.fresh_settled[name] = (digest, data)

    def remember(self, name: str, key: str, digest: str) -> None:
        """Note what this build made graph ``name`` from (see :meth:`reuse`); ``digest``
        is the SHA-1 of its bytes, or "" when it made no graph from ``key``."""
        self.fresh_derived[name] = (key, digest)

    def key(self, record: Record) -> tuple[str, str, str | None] | None:
        """What a graph is valid for: the record (its file's bytes and what the record
        depends on) and the page address it got."""
        k = self.record_keys.get(record.relpath)
        return None if k is None else (k, record.iri, record.url_path)

    @classmethod
    def load(cls, folder: Path, fingerprint: str, record_keys: dict[str, str]) -> "GraphInputs":
        """The inputs in ``folder`` if made under the same settings, else none."""
        fingerprint = _code_fingerprint(fingerprint)
        entries: dict[str, _Made] = {}
        raw: dict[str, tuple[int, int]] = {}
        fh = None
        try:
            fh = open(folder / cls.FILE, "rb")  # (kept open: see add)
            # one pickle.load each: an Unpickler's memo outlives its load(), and each
            # pickle numbers its memo from 0
            if pickle.load(fh) != (cls.FORMAT, fingerprint):
                fh.close()
                return cls(fingerprint, record_keys, folder=folder)
            at = fh.tell()
            while not isinstance(got := pickle.load(fh), dict):
                name, made = got
                if not isinstance(made, _Made):
                    raise TypeError(made)
                entries[name] = made
                raw[name], at = (at, fh.tell() - at), fh.tell()  # where its bytes are: written again if it stands
        except Exception:  # noqa: BLE001 - a damaged cache (MemoryError, OverflowError...) is no cache
            if fh is not None:
                fh.close()
            return cls(fingerprint, record_keys, folder=folder)
        made = cls(fingerprint, record_keys, entries, got.get("derived"), folder=folder)
        made._raw, made._last = raw, fh
        made.related, made.graphs = got.get("related"), got.get("graphs")
        settled = got.get("settled")
        if isinstance(settled, dict):
            made.settled = {name: value for name, value in settled.items()
                            if isinstance(value, tuple) and len(value) == 2
                            and isinstance(value[0], str) and isinstance(value[1], bytes)}
        return made

    @classmethod
    def last_related(cls, folder: Path, fingerprint: str) -> tuple[dict[str, tuple[str, str]], str | None] | None:
        """What :attr:`derived` and :attr:`related` of the inputs in ``folder`` are, if
        they were made under the same settings (else ``None``), read without the file
        graphs' inputs before them (the file ends with where they start)."""
        try:
            with open(folder / cls.FILE, "rb") as fh:
                if pickle.load(fh) != (cls.FORMAT, _code_fingerprint(fingerprint)):
                    return None
                fh.seek(-8, os.SEEK_END)
                fh.seek(int.from_bytes(fh.read(8), "little"))
                got = pickle.load(fh)
            derived, related = got["derived"], got["related"]
        except Exception:  # noqa: BLE001 - a damaged cache is no cache
            return None
        if not isinstance(derived, dict) or not (related is None or isinstance(related, str)):
            return None
        return derived, related

    def save(self) -> None:
        """Put this build's inputs in place for the next one (its file graphs' as they
        came, then the other graphs'): the file is replaced whole."""
        self.release_entries()
        fh = self._file()
        assert self._out is not None and self.folder is not None
        tmp = self._out[0]
        try:
            at = fh.tell()
            fh.write(pickle.dumps({"derived": self.fresh_derived, "related": self.fresh_related,
                                   "graphs": self.fresh_graphs, "settled": self.fresh_settled},
                                  protocol=pickle.HIGHEST_PROTOCOL))
            fh.write(at.to_bytes(8, "little"))  # where that is: see last_related
            fh.close()
            readable(tmp)
            os.replace(tmp, self.folder / self.FILE)
        except BaseException:
            self.discard()
            raise
        self._out = None

    def discard(self) -> None:
        """Drop what this build wrote of its inputs (a build that failed)."""
        self.release_entries()
        if self._out is not None:
            tmp, fh = self._out
            self._out = None
            fh.close()
            tmp.unlink(missing_ok=True)


def _code_fingerprint(settings: str) -> str:
    """The settings' fingerprint and the code that writes the graphs kept (a record's
    quads, their N-Quads, an event's related-events graph)."""
    import rapidfuzz
    stamps = code_stamps("graph.py", "vocab.py", "store.py", "related.py", "entities.py", "resolve.py", "series.py",
                         "build.py", "site.py")
    stamps.append(rapidfuzz.__version__)  # (names that look alike: which merge)
    return hashlib.sha1("\x00".join([settings, *stamps]).encode("utf-8")).hexdigest()
