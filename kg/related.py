"""Related events: for each event, the other events most like it, with the reasons why.

Two events are related when they share something in the graph: a series, a speaker,
an organisation on stage, a project (or a parent project), a topic, the author of the
page, a link from one page to the other, or similar words in their titles and bodies.
Each shared value adds ``weight × (2 / n) ** damping`` to the pair's score, where ``n``
is how many events share that value (see ``ontology/related.yml``); text adds its
TF-IDF cosine × the text weight; closeness in time then multiplies that sum by up to
``1 + time.weight`` (decaying with a half-life), so time strengthens what two events
share but never makes a pair on its own: an event that shares nothing with another
never suggests it, and no event suggests itself.

Not quadratic: every signal is an inverted index (value → events), and only pairs that
meet in an index are scored. Text is a sparse TF-IDF vector per event of which only the
``terms`` highest-weighted terms are indexed; the dot product over those kept terms
(normalised by the full vector's length) is a lower bound of the cosine; two events are
alike only when they share ``shared_terms`` of their kept terms (one word in common is
not similar text), and words that say nothing of a page's subject (days, months,
filler: ``ontology/stopwords.yml``) are never terms. A value shared
by more than ``max_postings`` events (a topic every other event has) makes no pairs by
itself: it only adds to pairs found through something more specific. An event's values
are tried most telling first (highest weight, then rarest), and once ``max_candidates``
candidates are found the remaining values only add to their scores (a value shared by
more events than there are candidates is looked up among the candidates, not the other
way round). So the work per event is bounded, and the whole run grows linearly with the
site. Reasons are worked out only for the suggestions kept (the top ``top`` of each
event).

Each event is scored with numpy over arrays indexed by event (cleared after each event),
one operation per shared value or term; the sums are made in the same order as a plain
loop over pairs would make them, so scores and ties come out the same.

Body text: the graph holds none, so :func:`related_events` reads each event's file
(``kg:sourceFile/kg:path`` under the site folder named in the build report, or the
``site`` argument) and counts its words (on several processes for a large site)
unless ``texts`` (event IRI → body text) or ``terms`` (its counted words) are given;
a file whose bytes are those the build of the graph's folder counted keeps that
build's words (``cache/terms.pickle``, see :func:`save_terms`). Titles always come
from the graph. When the site folder is gone, the text signal is simply off.
"""
from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
import math
import os
import pickle
import shutil
from array import array
from collections import defaultdict
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from importlib import resources
from operator import attrgetter, itemgetter
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping
from urllib.parse import quote

import numpy as np
import yaml
from pyoxigraph import Literal, Quad, QueryResultsFormat, RdfFormat, parse

from .collector import gc_paused, give_back_memory
from .digests import pickled
from .errors import Diagnostic, KgError, as_written, MappingError, python_warning
from .forks import can_fork, die_with, fork_context, forking
from .mapping import did_you_mean, line_of, read_yaml
from .frontmatter import Stamp, in_posts, read_file, sha1_since
from .query import internal
from .store import KnowledgeGraph, atomic_file, nquads_literal, nquads_lines
from .vocab import kg, rdf, rdfs, schema, xsd
from .words import STOPWORDS_DIGEST, TEXT_LIMIT, Terms, add_terms, body_terms, fold, pack_terms, unpack_terms

WEIGHTS_FILE = "related.yml"
SITE_WEIGHTS = "_kg/related.yml"
GRAPH_NAME = "/id/graph/related"

#: Signals whose values are sets of graph nodes, in the order reasons are tried.
SET_SIGNALS = ("series", "speaker", "organisation", "project", "parent_project", "topic", "author")
PAIR_SIGNALS = ("link", "series_neighbour")
SIGNALS = SET_SIGNALS + PAIR_SIGNALS + ("text", "time")

_REASONS = {
    "series": "same series: {}",
    "speaker": "shares speaker {}",
    "organisation": "shares organisation {}",
    "project": "same project: {}",
    "parent_project": "within the same project: {}",
    "topic": "shared topic: {}",
    "author": "same author: {}",
}



@dataclass(frozen=True, slots=True)
class Suggestion:
    """A related event: its page IRI, title, first date (ISO), score and reasons."""

    url: str
    title: str | None
    date: str | None
    score: float
    reasons: list[str] = field(default_factory=list, hash=False)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: ``{"url", "title", "date", "score", "reasons"}``."""
        return {"url": self.url, "title": self.title, "date": self.date,
                "score": round(self.score, 3), "reasons": list(self.reasons)}


# -- weights -----------------------------------------------------------------------------

def default_weights() -> dict[str, Any]:
    """kg's own weights (``ontology/related.yml``)."""
    text = (resources.files("kg.ontology") / WEIGHTS_FILE).read_text(encoding="utf-8")
    return yaml.safe_load(text)


def load_weights(override: Mapping[str, Any] | str | Path | None = None,
                 site: str | Path | None = None) -> dict[str, Any]:
    """The weights to use: kg's defaults, then the site's ``_kg/related.yml``, then ``override``.

    ``override`` is a mapping shaped like ``related.yml`` (only the keys to change) or
    the path of such a file.

    Raises:
        MappingError: a weights file cannot be read, is not UTF-8 or not valid YAML,
            writes a key twice, names an unknown signal or setting, or gives a setting a
            value out of its range (a weight that is negative or not a finite number, a
            ``min_similarity`` outside 0..1…): at its line when it is a file.
    """
    weights = default_weights()
    layers: list[tuple[Any, str]] = []
    if site is not None and (Path(site) / SITE_WEIGHTS).is_file():
        layers.append((Path(site) / SITE_WEIGHTS, str(Path(site) / SITE_WEIGHTS)))
    if override is not None:
        layers.append((override, str(override) if isinstance(override, (str, Path)) else "weights"))
    for layer, where in layers:
        if isinstance(layer, (str, Path)):
            layer = read_yaml(layer, "weights file")
            layer = {} if layer is None else layer
        weights = _merge(weights, layer, where)
    return weights


#: What each setting of a signal may be: (whole number?, least, greatest, least allowed?);
#: every value must be a finite number. A weight or damping of 0 is allowed (0 switches a
#: signal off; damping 0 makes every value count the same).
_SETTING_RANGES: dict[str, tuple[bool, float, float, bool]] = {
    "weight": (False, 0, math.inf, True),
    "damping": (False, 0, math.inf, True),
    "min_similarity": (False, 0, 1, True),       # a cosine: 0..1
    "terms": (True, 1, math.inf, True),           # terms kept per event
    "shared_terms": (True, 1, math.inf, True),    # kept terms two events share, at least, to be alike
    "half_life_days": (False, 0, math.inf, False),  # > 0: the time factor halves every so many days
    "reason_within_days": (False, 0, math.inf, True),
}
_TOP_SETTINGS = ("top", "max_postings", "max_candidates", "signals")


def _merge(base: dict[str, Any], layer: Any, where: str) -> dict[str, Any]:
    def fail(message: str, at: Any, key: Any, hint: str | None = None) -> MappingError:
        return MappingError(message, path=where, line=line_of(at, key), key=str(key), hint=hint)

    if not isinstance(layer, Mapping):
        raise MappingError("weights must be a mapping like kg's related.yml", path=where,
                           line=line_of(layer), hint="see ontology/related.yml for the shape")
    out = copy.deepcopy(base)
    for key, value in layer.items():
        if key == "signals":
            if not isinstance(value, Mapping):
                raise fail("`signals` must be a mapping of signal -> settings", layer, key,
                           hint="e.g. `signals: {speaker: {weight: 3}}`")
            for name, settings in value.items():
                if name not in out["signals"]:
                    raise fail(f"unknown signal {name!r}{did_you_mean(name, SIGNALS)}", value, name,
                               hint=f"signals: {', '.join(SIGNALS)}")
                at, given = value, name  # where the setting was written
                if isinstance(settings, (int, float)) and not isinstance(settings, bool):
                    settings = {"weight": settings}
                elif isinstance(settings, Mapping):
                    at, given = settings, None
                else:
                    raise fail(f"signal {name!r}: give a weight or a mapping of settings", value, name,
                               hint=f"e.g. `{name}: 2` or `{name}: {{weight: 2}}`")
                allowed = list(out["signals"][name])  # as kg's related.yml has them for this signal
                for k in settings:
                    if k not in allowed:
                        raise fail(f"signal {name!r} has unknown setting {k!r}{did_you_mean(k, allowed)}",
                                   at, k if given is None else given, hint=f"settings of {name}: {', '.join(allowed)}")
                for k, v in settings.items():
                    if k == "stop_words":
                        if not (isinstance(v, str) or (isinstance(v, list) and all(isinstance(x, str) for x in v))):
                            raise fail(f"signal {name!r}: stop_words must be words separated by spaces, or a list "
                                       f"of words, not {as_written(v)}", at, k if given is None else given,
                                       hint="such as `stop_words: le la les des une pour avec`")
                        continue
                    whole, least, most, least_ok = _SETTING_RANGES[k]
                    if not _in_range(v, whole, least, most, least_ok):
                        bound = (f"{'≥' if least_ok else '>'} {least:g}"
                                 + (f" and ≤ {most:g}" if most < math.inf else ""))
                        finite = "finite " if isinstance(v, float) and not math.isfinite(v) else ""
                        raise fail(f"signal {name!r}: {k} must be a {finite}{'whole number' if whole else 'number'} "
                                   f"{bound}, not {as_written(v)}", at, k if given is None else given,
                                   hint=_RANGE_HINTS.get(k, "0 switches the signal off") if k != "damping"
                                   else "0 counts every shared value the same")
                out["signals"][name].update({k: _setting_value(k, v) for k, v in settings.items()})
        elif key in ("top", "max_postings", "max_candidates"):
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise fail(f"`{key}` must be a whole number ≥ 1, not {as_written(value)}", layer, key,
                           hint=f"such as {base[key]}")
            out[key] = value
        else:
            raise fail(f"unknown setting {key!r}{did_you_mean(key, _TOP_SETTINGS)}", layer, key,
                       hint="settings: top, max_postings, max_candidates, signals")
    return out


def _setting_value(key: str, value: Any) -> Any:
    """A checked setting as the weights hold it: a whole number as an int, stop words as
    one string of lower-case words (however written)."""
    if key == "stop_words":
        return fold(" ".join(value.split() if isinstance(value, str) else [w for x in value for w in x.split()]))
    return int(value) if _SETTING_RANGES[key][0] else value


def _in_range(v: Any, whole: bool, least: float, most: float, least_ok: bool) -> bool:
    """Whether ``v`` is a finite number (a whole one if ``whole``) from ``least`` (or just
    above it, without ``least_ok``) to ``most``."""
    if not isinstance(v, (int, float)) or isinstance(v, bool):
        return False
    try:
        x = float(v)
    except OverflowError:  # an int too large for a float: no setting is that large
        return False
    return math.isfinite(x) and (x >= least if least_ok else x > least) and x <= most \
        and (not whole or x.is_integer())


_RANGE_HINTS = {
    "min_similarity": "a cosine similarity, from 0 (any shared word) to 1 (the same words only)",
    "terms": "how many of an event's words are indexed, such as 40",
    "shared_terms": "how many words two events must share for similar text, such as 2",
    "half_life_days": "the days over which closeness in time halves, such as 120",
    "reason_within_days": "say how far apart two events are only when closer than this, such as 180",
}


# -- what the graph says about each event ------------------------------------------------

@dataclass
class _Data:
    iris: list[str]
    index: dict[str, int]
    titles: list[str | None]
    dates: list[tuple[dt.date, ...]]
    values: dict[str, list[frozenset[str]]]  # signal -> per event: the values it has
    labels: dict[str, str]  # value IRI -> label
    edges: dict[str, list[frozenset[int]]]  # pair signal -> per event: the events it is paired with
    forward: dict[str, list[frozenset[int]]]  # pair signal -> per event: the direction ("links to", "next")
    direct_projects: list[frozenset[str]]


Tables = _Data  #: what the graph says of each event page, as related events read it


_QUERIES = ("related-events", "related-labels", "related-values", "related-organisations", "related-parents",
            "related-edges")
_FILES = "related-files"
#: The predicates whose quads the tables of :data:`_QUERIES` are read from (an event's
#: type the one exception: only ``a schema:Event`` counts); a test checks them against
#: the queries.
TABLE_PREDICATES = frozenset(str(p.value) for p in (
    rdf.type, schema.url, schema.startDate, rdfs.label, schema.superEvent, schema.performer, kg.project,
    schema.about, schema.author, kg.participation, kg.affiliation, kg.parentProject, schema.mentions,
    kg.nextInSeries))
_TABLE_PREDICATES = frozenset(f"<{p}>".encode() for p in TABLE_PREDICATES)
_TYPE, _EVENT = f"<{rdf.type.value}>".encode(), f"<{schema.Event.value}>".encode()


def table_line(line: bytes) -> bool:
    """Whether an N-Quads line (as :func:`kg.store.nquads` writes them) is one that
    related events' tables are read from: two builds whose lines of that kind are the
    same read the same tables."""
    parts = line.split(b" ", 3)
    if len(parts) < 3 or parts[1] not in _TABLE_PREDICATES:
        return False
    return parts[1] != _TYPE or parts[2] == _EVENT


def inputs_digest(site: str | Path | None, terms: Mapping[str, Terms], texts: Mapping[str, str],
                  weights: Mapping[str, Any] | str | Path | None = None, top: int | None = None) -> str:
    """A digest of what :func:`related_events` works from besides the graph's tables:
    the weights (the site's own and ``weights``), ``top``, and every event's words
    (``terms``) or text (``texts``), and the code that reads the tables. Two builds
    with the same digest and the same tables (see :func:`table_line`) make the same
    suggestions."""
    w = load_weights(weights, site)
    # (and the code and queries that read the tables: an edit of a query changes them)
    h = hashlib.blake2b(json.dumps([w, top, _tables_fingerprint()], sort_keys=True, default=str).encode("utf-8"),
                        digest_size=20)
    for iri in sorted(terms):
        h.update(b"\x00t" + iri.encode("utf-8", "surrogatepass") + b"\x00")
        counted = terms[iri]
        if isinstance(counted, Terms):
            counted.update_hash(h)
        else:
            h.update(json.dumps(list(counted.items())).encode("utf-8", "surrogatepass"))
    for iri in sorted(texts):
        h.update(b"\x00x" + iri.encode("utf-8", "surrogatepass") + b"\x00" +
                 texts[iri].encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def _tables(graph: KnowledgeGraph, names: tuple[str, ...]) -> "_Waiting":
    """The rows of internal queries: name -> (column -> position, rows), each term in
    N-Triples form ("" when unbound); read the rows once. On Oxigraph the queries run
    side by side in threads (one per core, started in the order of ``names``; a table
    is waited for when taken) and Oxigraph writes their rows as TSV, both without holding
    the interpreter lock: several times faster than taking each row as Python objects.
    The rows are split out of the TSV text one at a time as they are read (at 100,000
    events, all of them as lists of strings at once would take gigabytes)."""
    if type(graph).query is not KnowledgeGraph.query:  # another engine: its rows, as text
        out = {}
        for name in names:
            result = graph.query(internal(name))
            columns = [v.value for v in result.variables]
            out[name] = ({c: i for i, c in enumerate(columns)},
                         [["" if row[c] is None else str(row[c]) for c in columns] for row in result])
        return _Waiting(out)

    def tsv(name: str) -> tuple[dict[str, int], Iterator[list[str]]]:
        result = graph.store.query(internal(name), use_default_graph_as_union=True)
        text = result.serialize(format=QueryResultsFormat.TSV).decode("utf-8")
        head = text.find("\n")
        if head < 0:
            head = len(text)
        return {c.lstrip("?"): i for i, c in enumerate(text[:head].split("\t"))}, _tsv_rows(text, head + 1)

    pool = ThreadPoolExecutor(min(len(names), os.cpu_count() or 1))
    try:
        return _Waiting({name: pool.submit(tsv, name) for name in names})  # started in this order
    finally:
        pool.shutdown(wait=False)  # the queries run on; each table waits for its own


class _Waiting(dict):
    """Name -> table, where each table is waited for when first taken with ``[name]``
    (so the rows of one query are read while the others still run); used as a context
    manager (or :meth:`close`), so that no query is left running."""

    def __getitem__(self, name: str) -> Any:
        value = super().__getitem__(name)
        if isinstance(value, Future):
            value = value.result()
            self[name] = value
        return value

    def close(self) -> None:
        """Cancel the queries not started and wait for those running (their errors
        do not matter now: a table not taken was not needed, or reading went wrong)."""
        running = [f for f in dict.values(self) if isinstance(f, Future) and not f.cancel()]
        wait(running)

    def __enter__(self) -> "_Waiting":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


class _Names(dict):
    """Term as written -> its value (:func:`_value`), each worked out once: for the few
    names a union of patterns binds (``"event"``, ``"speaker"``...) on every row."""

    def __missing__(self, term: str) -> str | None:
        value = self[term] = _value(term)
        return value


def _tsv_rows(text: str, start: int) -> Iterator[list[str]]:
    """The rows of TSV ``text`` from offset ``start`` (a row per line), split as read."""
    end = len(text)
    while start < end:
        stop = text.find("\n", start)
        if stop < 0:
            stop = end
        if stop > start:
            yield text[start:stop].split("\t")
        start = stop + 1


def _parts(table: tuple[dict[str, int], Iterable[list[str]]]) -> Iterator[tuple[str, str, str]]:
    """The (part, a, b) rows of a query written as a union of single patterns (the
    part named by a string, a and b as written)."""
    cols, rows = table
    cp, ca, cb = cols["part"], cols["a"], cols["b"]
    names = _Names()
    for row in rows:
        yield names[row[cp]], row[ca], row[cb]


def _smallest(into: dict[str, str], key: str, label: str | None) -> None:
    """Keep the smallest of the labels given for ``key`` (a node with several labels
    gets the same one whatever order the rows come in)."""
    if label is not None:
        old = into.get(key)
        into[key] = label if old is None or label < old else old


def _iri(term: str) -> str | None:
    """An IRI written ``<...>``, else ``None``."""
    return term[1:-1] if term.startswith("<") else None


def _value(term: str) -> str | None:
    """The value of a term in N-Triples form: an IRI, a literal's text (escapes
    undone), a blank node's label; ``None`` when unbound."""
    if not term:
        return None
    if term[0] == "<":
        return term[1:-1]
    if term[0] == '"':
        end = term.rfind('"')
        # Oxigraph escapes some of \b \t \n \f \r \" \\ \uXXXX and leaves other control
        # characters raw: JSON reads all of that (strict=False: raw control characters)
        return json.loads(term[:end + 1], strict=False) if "\\" in term[:end] else term[1:end]
    return term[2:] if term.startswith("_:") else term  # a number or boolean written bare


def _pages(table: tuple[dict[str, int], Iterable[list[str]]]) -> tuple[dict[str, str], dict[str, list[str]]]:
    """From the rows of ``related-events``: the event pages (IRI -> the node as written)
    and the dates written for each node (as written -> dates as written)."""
    typed: list[str] = []  # nodes of type schema:Event
    pages: set[str] = set()  # nodes whose schema:url is themselves
    dates: dict[str, list[str]] = defaultdict(list)
    for part, a, b in _parts(table):
        if part == "event":
            typed.append(a)
        elif part == "url":
            if a == b:
                pages.add(a)
        elif part == "date":
            dates[a].append(b)
    return {_value(t): t for t in typed if t in pages}, dates


def _files(written: Mapping[str, str], table: tuple[dict[str, int], Iterable[list[str]]]) -> dict[str, list[str]]:
    """Event IRI -> the paths (relative to the site) of its source files, from the rows
    of ``related-files``, for the event pages ``written`` (IRI -> node as written), in
    the order of their IRIs."""
    sources: dict[str, list[str]] = defaultdict(list)  # event, as written -> its source files
    named: dict[str, list[str]] = defaultdict(list)  # source file, as written -> its paths
    events = set(written.values())
    for part, a, b in _parts(table):
        if part == "file":
            if a in events:
                sources[a].append(b)
        elif part == "path":
            named[a].append(b)
    out = {}
    for iri in sorted(written):
        found = [rel for f in sources.get(written[iri], ()) for p in named.get(f, ()) if (rel := _value(p))]
        if found:
            out[iri] = found
    return out


def _read(graph: KnowledgeGraph, files: bool = False) -> tuple[_Data, dict[str, list[str]]]:
    """What the graph says about each event page, and (with ``files``) the paths of
    its source files relative to the site (event IRI -> paths; else ``{}``).

    The queries are unions of single-pattern scans (and the project hierarchy), joined
    here: terms are compared as written (N-Triples), so nodes match as SPARQL matches
    them."""
    with _tables(graph, _QUERIES + ((_FILES,) if files else ())) as tables:
        return _joined(tables, files)


def _joined(tables: Mapping[str, tuple[dict[str, int], Iterable[list[str]]]],
            files: bool) -> tuple[_Data, dict[str, list[str]]]:
    written, written_dates = _pages(tables["related-events"])
    iris = sorted(written)
    index = {iri: i for i, iri in enumerate(iris)}
    at = {written[iri]: i for i, iri in enumerate(iris)}  # the same, by the node as written
    n = len(iris)
    dates: list[tuple[dt.date, ...]] = []
    for iri in iris:
        days = set()
        for d in written_dates.get(written[iri], ()):
            if d.startswith('"'):
                try:
                    days.add(dt.date.fromisoformat(_value(d)[:10]))
                except ValueError:
                    pass
        dates.append(tuple(sorted(days)))
    del written_dates
    raw: dict[str, dict[int, set[str]]] = {s: defaultdict(set) for s in SET_SIGNALS}  # signal -> event -> values
    used: set[str] = set()  # the values events have: their labels are read below

    def add(signal: str, i: int, term: str) -> None:
        v = _iri(term)
        if v is not None and v != iris[i]:
            raw[signal][i].add(v)
            used.add(v)

    signals = _Names()  # as written -> signal
    cols, rows = tables["related-values"]
    cs, ce, cv = cols["signal"], cols["e"], cols["v"]
    for row in rows:
        i = at.get(row[ce])
        if i is not None:
            add(signals[row[cs]], i, row[cv])
    on_stage: dict[str, list[int]] = defaultdict(list)  # participation, as written -> events
    affiliations: list[tuple[str, str]] = []
    for part, a, b in _parts(tables["related-organisations"]):
        if part == "participation":
            i = at.get(a)
            if i is not None:
                on_stage[b].append(i)
        elif part == "affiliation":
            affiliations.append((a, b))
    for p, v in affiliations:
        for i in on_stage.get(p, ()):
            add("organisation", i, v)
    del on_stage, affiliations
    parents: dict[str, set[str]] = defaultdict(set)
    cols, rows = tables["related-parents"]
    cp, ca = cols["p"], cols["a"]
    for row in rows:
        a = _value(row[ca])
        parents[_value(row[cp])].add(a)
        used.add(a)
    titles: dict[str, str] = {}
    labels: dict[str, str] = {}
    cols, rows = tables["related-labels"]
    cv, cl = cols["v"], cols["label"]
    for row in rows:
        v = _iri(row[cv])
        if v is None:
            continue
        if v in index:
            _smallest(titles, v, _value(row[cl]))
        if v in used:
            _smallest(labels, v, _value(row[cl]))
    for i, projects in raw["project"].items():  # a project and every project above it
        raw["parent_project"][i] = set(projects).union(*(parents.get(p, ()) for p in projects))
    edges: dict[str, dict[int, set[int]]] = {s: defaultdict(set) for s in PAIR_SIGNALS}
    forward: dict[str, dict[int, set[int]]] = {s: defaultdict(set) for s in PAIR_SIGNALS}
    cols, rows = tables["related-edges"]
    cs, ca, cb = cols["signal"], cols["a"], cols["b"]
    for row in rows:
        a, b = at.get(row[ca]), at.get(row[cb])
        if a is None or b is None:
            continue
        sig = signals[row[cs]]
        edges[sig][a].add(b)
        edges[sig][b].add(a)
        forward[sig][a].add(b)
    paths = _files(written, tables[_FILES]) if files else {}
    data = _Data(
        iris=iris, index=index, titles=[titles.get(i) for i in iris], dates=dates,
        values={s: _per_event(raw[s], n) for s in SET_SIGNALS},
        labels=labels, edges={s: _per_event(edges[s], n) for s in PAIR_SIGNALS},
        forward={s: _per_event(forward[s], n) for s in PAIR_SIGNALS},
        direct_projects=_per_event(raw["project"], n))
    return data, paths


def _per_event(found: Mapping[int, set[Any]], n: int) -> list[frozenset[Any]]:
    """``found`` (event -> values) as a list over all ``n`` events (an event without
    values has the one empty frozenset: at 100,000 events a set each took seconds)."""
    out: list[frozenset[Any]] = [frozenset()] * n
    for i, x in found.items():
        out[i] = frozenset(x)
    return out


# -- text ------------------------------------------------------------------------------

def _plurals(vocabulary: Mapping[str, int]) -> dict[str, str]:
    """Plural → singular, for words whose singular the site also uses.

    ``rights`` → ``right`` and ``juries`` → ``jury`` when those occur, but ``Hopkins``
    stays whole because no page says ``hopkin``.
    """
    out = {}
    for w in vocabulary:
        if len(w) > 4 and w.endswith("ies") and w[:-3] + "y" in vocabulary:
            out[w] = w[:-3] + "y"
        elif len(w) > 3 and w.endswith("es") and w[:-2] in vocabulary and w[-3] in "sxz":
            out[w] = w[:-2]
        elif len(w) > 3 and w.endswith("s") and not w.endswith("ss") and w[:-1] in vocabulary:
            out[w] = w[:-1]
    return out


def _site_root(graph: KnowledgeGraph, site: str | Path | None) -> Path | None:
    """The site folder (``site``, else the build report's), if it is there."""
    root = Path(site) if site is not None else (Path(graph.report["site"]) if graph.report.get("site") else None)
    return root if root is not None and root.is_dir() else None


def _site_files(root: Path, paths: Mapping[str, list[str]]) -> list[tuple[str, str, str]]:
    """(event IRI, path of its source file under ``root``, that path relative to it)
    for every event page in ``paths`` (IRI -> relative paths)."""
    return [(event, str(root / rel), rel) for event, rels in paths.items() for rel in rels]


def _graph_files(graph: KnowledgeGraph, site: str | Path | None) -> list[tuple[str, str, str]]:
    """:func:`_site_files` of every event page of ``graph``."""
    root = _site_root(graph, site)
    if root is None:
        return []
    with _tables(graph, ("related-events", _FILES)) as tables:
        return _site_files(root, _files(_pages(tables["related-events"])[0], tables[_FILES]))


def _file_texts(files: list[tuple[str, str, str]]) -> Iterator[tuple[str, str]]:
    """(event, body) of each of ``files`` (see :func:`_site_files`) that can be read: the
    body as the build takes it (:func:`kg.frontmatter.read_file`: front matter split off
    as Jekyll splits it; Liquid, markup and link targets are left to
    :func:`kg.words.body_terms`)."""
    for event, path, rel in files:
        src = read_file(Path(path), rel, post=in_posts(rel))
        if any(d.code == "read-error" for d in src.diagnostics):
            continue
        yield event, src.body


def _file_terms(files: list[tuple[str, str, str]]) -> list[tuple[str, dict[str, int]]]:
    return [(event, body_terms(text)) for event, text in _file_texts(files)]


def _still_counted(files: list[tuple[str, str, str]], counted: Mapping[str, tuple[str, Terms, Stamp | None]],
                   into: dict[str, Mapping[str, int]]) -> list[tuple[str, str, str]]:
    """Put the terms the build counted (``counted``: relative path -> (SHA-1 of the
    file's bytes, terms, the file's stamp)) of the files that still have those bytes
    ``into`` (event -> terms): a file whose stamp is unchanged is not read (see
    :func:`kg.frontmatter.file_stamp`), the others are hashed; return the other files."""
    left = []
    for event, path, rel in files:
        known = counted.get(rel)
        if known is not None:
            try:
                same = sha1_since(path, (known[2], known[0]) if known[2] is not None else None)[0] == known[0]
            except OSError:
                same = False  # left to _file_texts, which skips a file it cannot read
            if same:
                into[event] = known[1]
                continue
        left.append((event, path, rel))
    return left


TERMS_FILE = "cache/terms.pickle"  # in a graph folder: the words the build counted


TABLES_FILE = "cache/related-tables.pickle"  # in a graph folder: the tables of the last read


def save_tables(folder: str | Path, key: str, tables: Tables) -> None:
    """Keep related events' tables (see ``on_tables`` of :func:`related_events`) in the
    graph folder, under ``key``: a digest of the graphs they were read from (written
    atomically; kept whether or not the build goes on to finish, since the key says
    what they are)."""
    with atomic_file(Path(folder) / TABLES_FILE) as fh:
        pickle.dump((_tables_fingerprint(), key, len(tables.iris)), fh, protocol=pickle.HIGHEST_PROTOCOL)
        pickle.dump(tables, fh, protocol=pickle.HIGHEST_PROTOCOL)


def load_tables(folder: str | Path, keys: Iterable[str]) -> Tables | None:
    """The tables :func:`save_tables` kept in ``folder``, if kept under one of ``keys``
    by this code; else ``None``."""
    try:
        with open(Path(folder) / TABLES_FILE, "rb") as fh:
            if _kept(fh)[0] not in set(keys):
                return None
            tables = pickle.load(fh)
    except Exception:  # noqa: BLE001 - a damaged cache (MemoryError, OverflowError...) is no cache
        return None
    return tables if isinstance(tables, Tables) else None


def rekey_tables(folder: str | Path, old: str, new: str) -> None:
    """Keep the tables kept in ``folder`` under ``old`` under ``new`` instead (the
    graphs they are read from changed, but not in what they say of events); nothing
    when they are not kept under ``old``.

    Raises:
        OSError: the file cannot be written.
    """
    path = Path(folder) / TABLES_FILE
    try:
        src = open(path, "rb")
    except FileNotFoundError:
        return
    with src:
        key, events = _kept(src)
        if key != old:
            return
        with atomic_file(path) as fh:
            pickle.dump((_tables_fingerprint(), new, events), fh, protocol=pickle.HIGHEST_PROTOCOL)
            shutil.copyfileobj(src, fh)


def kept_tables(folder: str | Path) -> tuple[str | None, int]:
    """The key the tables kept in ``folder`` were kept under (``None``: none kept by
    this code) and how many event pages they hold, read from the file's start only."""
    try:
        with open(Path(folder) / TABLES_FILE, "rb") as fh:
            return _kept(fh)
    except OSError:
        return None, 0


def _kept(fh: Any) -> tuple[str | None, int]:
    """:func:`kept_tables` of the file open in ``fh``, read from its start; the tables follow."""
    try:
        made, key, events = pickle.load(fh)
    except Exception:  # noqa: BLE001 - a damaged cache is no cache
        return None, 0
    if made != _tables_fingerprint() or not isinstance(key, str) or not isinstance(events, int):
        return None, 0
    return key, events


def _tables_fingerprint() -> str:
    """What the tables depend on besides the graph: kg's version, the code that reads
    them and its queries."""
    from .records import code_stamps, kg_version
    texts = "\x00".join(internal(q) for q in _QUERIES)
    return "\x00".join([kg_version(), *code_stamps("related.py"), hashlib.sha1(texts.encode()).hexdigest()])


def _terms_fingerprint() -> str:
    """What counted words depend on besides the file: kg's version, the code that
    reads a page's body and counts its words, and the words it never counts."""
    from .records import code_stamps, kg_version
    return "\x00".join([kg_version(), *code_stamps("frontmatter.py", "records.py", "words.py", "related.py"),
                         STOPWORDS_DIGEST])


def save_terms(folder: str | Path, counted: Mapping[str, tuple[str, Terms]],
               stamps: Mapping[str, Stamp | None] | None = None, iris: Mapping[str, str] | None = None) -> None:
    """Keep the words a build counted (relative path -> (SHA-1 of the file's bytes,
    terms)) in the graph folder, with the files' stamps where known (relative path ->
    :func:`kg.frontmatter.file_stamp`) and their pages' IRIs (relative path -> IRI), for
    :func:`load_terms` and :func:`kept_words` (written atomically, packed: 100,000
    pages' load in a fraction of a second)."""
    path = Path(folder) / TERMS_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_file(path, aside=True) as fh:
        write_terms(fh, counted, stamps, iris)


def write_terms(fh: Any, counted: Mapping[str, tuple[str, Terms]],
                stamps: Mapping[str, Stamp | None] | None = None, iris: Mapping[str, str] | None = None) -> None:
    """Write what :func:`save_terms` keeps to the file open in ``fh``."""
    rels = list(counted)
    digests = bytes.fromhex("".join(counted[r][0] for r in rels))
    packed_stamps = array("q")
    for r in rels:
        stamp = (stamps or {}).get(r)
        # a stamp that does not fit (an inode past 2**63) is left out: the file is hashed
        fits = stamp is not None and len(stamp) == 4 and all(_MIN <= x <= _MAX for x in stamp)
        packed_stamps.extend(stamp if fits else _NO_STAMP)  # type: ignore[arg-type]
    pickle.dump((_terms_fingerprint(), rels, digests, packed_stamps, pack_terms([counted[r][1] for r in rels]),
                 "\n".join((iris or {}).get(r, "") for r in rels)), fh, protocol=pickle.HIGHEST_PROTOCOL)


_NO_STAMP = (-1, -1, -1, -1)
_MIN, _MAX = -(1 << 63), (1 << 63) - 1


class _PlainUnpickler(pickle.Unpickler):
    """Unpickles strings, bytes, lists, tuples and arrays only: a graph folder's file
    may come from anywhere, and a pickle naming any other class could run code."""

    def find_class(self, module: str, name: str) -> Any:
        if module == "array" and name in ("array", "_array_reconstructor"):
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed here")


def _counted_terms(graph: KnowledgeGraph) -> dict[str, tuple[str, Terms, Stamp | None]]:
    """The words the build of ``graph``'s folder counted (see :func:`save_terms`), if
    made by this code and whole; else ``{}`` (and every word is counted again)."""
    if graph.path is None:
        return {}
    return {rel: kept[:3] for rel, kept in kept_words(graph.path).items()}


def kept_words(folder: str | Path) -> dict[str, tuple[str, Terms, Stamp | None, str]]:
    """The words the last build into ``folder`` counted (see :func:`save_terms`):
    relative path -> (SHA-1 of the file's bytes then, terms, the file's stamp then, its
    page's IRI), if made by this code and whole; else ``{}``."""
    try:
        with open(Path(folder) / TERMS_FILE, "rb") as fh:
            fingerprint, rels, digests, stamps, packed, iris = _PlainUnpickler(fh).load()
        if fingerprint != _terms_fingerprint():
            return {}
        words, counts, sizes = packed
        pages = iris.split("\n") if rels else []
        if not (isinstance(rels, list) and isinstance(digests, bytes) and isinstance(words, str)
                and isinstance(stamps, array) and len(stamps) == 4 * len(rels) and len(pages) == len(rels)
                and len(rels) * 20 == len(digests) == len(sizes) * 20 and sum(sizes) == len(counts)
                and (words.count("\n") + 1 if sizes else 0) == len(sizes)):
            return {}
        terms = unpack_terms(words, counts, sizes)
        hexes = digests.hex()
        at = stamps.tolist()
        return {rel: (hexes[40 * i:40 * i + 40], t, tuple(at[4 * i:4 * i + 4]) if at[4 * i] >= 0 else None, pages[i])
                for i, (rel, t) in enumerate(zip(rels, terms))}
    except (OSError, pickle.PickleError, EOFError, ValueError, TypeError, AttributeError, ImportError,
            IndexError, KeyError, MemoryError):
        return {}


def load_texts(graph: KnowledgeGraph, site: str | Path | None = None) -> dict[str, str]:
    """Each event page's body text, read from its source file (``{}`` if the site is gone)."""
    return dict(_file_texts(_graph_files(graph, site)))


def load_terms(graph: KnowledgeGraph, site: str | Path | None = None,
               jobs: int | None = None) -> dict[str, Mapping[str, int]]:
    """Each event page's terms (:func:`kg.words.body_terms` of the text :func:`load_texts`
    reads); ``{}`` if the site is gone. A file whose bytes are those the build of the
    graph's folder read keeps the words that build counted (see :func:`save_terms`);
    the others are counted on ``jobs`` forked processes (default: one per core) when
    there are :data:`PARALLEL_EVENTS` pages or more."""
    return _counted_or_read(graph, _graph_files(graph, site), jobs)


def _counted_or_read(graph: KnowledgeGraph, files: list[tuple[str, str, str]],
                     jobs: int | None) -> dict[str, Mapping[str, int]]:
    """:func:`load_terms` of ``files`` (see :func:`_site_files`)."""
    terms: dict[str, Mapping[str, int]] = {}
    left = _still_counted(files, _counted_terms(graph), terms) if files else files
    terms.update(_run_all(lambda begin, stop: dict(_file_terms(left[begin:stop])), len(left), jobs))
    return {event: terms[event] for event, _path, _rel in files if event in terms}  # in the files' order


@dataclass
class _Text:
    kept: list[dict[str, float]]  # per event: term -> normalised weight, best first
    postings: dict[str, tuple[np.ndarray, np.ndarray]]  # term -> the events that keep it (in order), their weights


def _let_go(texts: Mapping[str, str], terms: Mapping[str, Mapping[str, int]]) -> None:
    """Empty the caller's texts and terms (see ``let_go`` of :func:`related_events`) and
    hand what they held back to the system."""
    for held in (texts, terms):
        held.clear()  # type: ignore[attr-defined]  # dicts: related_events checks
    give_back_memory()


def _tfidf(data: _Data, texts: Mapping[str, str], terms: Mapping[str, Mapping[str, int]],
           terms_per_event: int, max_postings: int, let_go: bool = False,
           stop_words: frozenset[str] = frozenset()) -> _Text:
    """Each event's best ``terms_per_event`` TF-IDF terms, normalised, and the events that
    keep each term; ``stop_words`` (the site's, beside kg's own that are never counted)
    weigh nothing, as a term in every text does."""
    # Each step is the plain per-term loop's arithmetic done by numpy (the norm is summed in order).
    number, ids, counts, titled = _term_counts(data, texts, terms)
    if let_go:
        _let_go(texts, terms)
    names = list(number)  # term number -> term
    n, vocabulary = len(ids), len(names)
    docs = sum(1 for t in ids if len(t))
    # From here on, a span of events at a time, with the span's terms side by side: term
    # numbers, counts and event numbers (each event's terms together, in their order).
    # Every event's term numbers and counts are held (as before, in one array a span
    # instead of one an event); what is made from them, a span at a time.
    spans = [(b, min(b + _SPAN, n)) for b in range(0, n, _SPAN)]
    parts, df = _span_terms(number, ids, counts, titled, spans, vocabulary)
    idf = _idf(df, docs)
    if stop_words:
        idf[[number[w] for w in sorted(stop_words) if w in number]] = 0
    # a term in every text weighs 0 (it adds 0 to the norm); only terms of two or more
    # texts pair events
    eligible = (df >= 2) & (idf > 0)
    weighing = _Weighing(_log_tf(parts), idf, eligible, _ranks(names))
    best = _best_terms(spans, parts, weighing, terms_per_event)
    k_seg, k_term, k_w = _kept_terms(best, vocabulary, max_postings)
    return _Text(_kept_by_event(k_seg, k_term, k_w, names, n), _postings(k_seg, k_term, k_w, names))


def _term_counts(data: _Data, texts: Mapping[str, str], terms: Mapping[str, Mapping[str, int]]
                 ) -> tuple[dict[str, int], list[np.ndarray], list[np.ndarray], list[int]]:
    """Every term numbered, and each event's term numbers, counts and number of title terms."""
    # Each event's term counts as two arrays, term numbers and counts: the title counts
    # twice; its terms come first, then the body's (in first-occurrence order, which fixes
    # the order the norm is summed in). A body's counts come from ``terms`` when it
    # has them (counted while the files were read), else from its text.
    number: defaultdict[str, int] = defaultdict()
    number.default_factory = number.__len__  # a new term gets the next number
    lookup = number.__getitem__
    ids: list[np.ndarray] = []
    counts: list[np.ndarray] = []
    titled: list[int] = []  # per event: how many of its first terms are its title's (and may recur after)
    for i, iri in enumerate(data.iris):
        c: dict[str, int] = {}
        if data.titles[i]:
            add_terms(data.titles[i], 2, c)
        counted = terms.get(iri)
        if counted is None:
            words, k = _with_text(c, texts.get(iri))
        else:
            words, k = _with_counted(c, counted)
        ids.append(np.fromiter(map(lookup, words), dtype=np.int32, count=len(words)))
        counts.append(k.astype(np.int32, copy=False))
        titled.append(len(c) if counted is not None else 0)
    return number, ids, counts, titled


def _with_text(c: dict[str, int], body: str | None) -> tuple[list[str], np.ndarray]:
    """The title's counts ``c`` with the words of the body text added: terms and counts."""
    if body:
        add_terms(body[:TEXT_LIMIT], 1, c)
    return list(c), np.fromiter(c.values(), dtype=np.int64, count=len(c))


def _with_counted(c: dict[str, int], counted: Mapping[str, int]) -> tuple[list[str], np.ndarray]:
    """The title's counts ``c`` followed by the body's counted terms: terms and counts."""
    if isinstance(counted, Terms):
        body_words, body_counts = counted.parts()
        body_k = np.frombuffer(body_counts, dtype=np.uint32) if body_words else np.zeros(0, np.int64)
    else:
        body_words = list(counted)
        body_k = np.fromiter(counted.values(), dtype=np.int64, count=len(body_words))
    words = [*c, *body_words] if c else body_words
    k = np.concatenate((np.fromiter(c.values(), dtype=np.int64, count=len(c)), body_k)) if c else body_k
    return words, k


def _span_terms(number: Mapping[str, int], ids: list[np.ndarray], counts: list[np.ndarray], titled: list[int],
                spans: list[tuple[int, int]], vocabulary: int
                ) -> tuple[list[tuple[np.ndarray, np.ndarray, np.ndarray] | None], np.ndarray]:
    """Per span, its events' terms once each (plurals as singulars), letting each event's arrays go; and each df."""
    to, singulars = _folding(number, vocabulary)
    df = np.zeros(vocabulary, dtype=np.int64)
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray] | None] = []  # per span: terms per event, terms, counts
    for b, e in spans:
        sizes = np.array([len(t) for t in ids[b:e]], dtype=np.int64)
        t_all, k_all = to[np.concatenate(ids[b:e])], np.concatenate(counts[b:e])
        # a term occurs twice in an event only as a title's term in its body, or as a
        # singular and a plural folded into it: once, where it first occurs, counts summed
        twice = to[np.concatenate([singulars, *(t[:h] for t, h in zip(ids[b:e], titled[b:e]) if h)])]
        ids[b:e] = counts[b:e] = [None] * (e - b)  # type: ignore[list-item]  # each event's arrays let go
        if len(twice):
            seg, t_all, k_all = _first_merged(np.repeat(np.arange(b, e, dtype=np.int32), sizes), t_all, k_all,
                                              twice, vocabulary)
            sizes = np.bincount(seg - b, minlength=e - b)
        df += np.bincount(t_all, minlength=vocabulary)
        parts.append((sizes, t_all, k_all))
    return parts, df


def _folding(number: Mapping[str, int], vocabulary: int) -> tuple[np.ndarray, np.ndarray]:
    """The term number each term is counted as (a plural as its singular), and the singulars plurals fold into."""
    fold = _plurals(number)  # (which terms the site uses is all it looks at)
    to = np.arange(vocabulary, dtype=np.int32)
    for plural, singular in fold.items():  # a plural counted as its singular
        to[number[plural]] = number[singular]
    singulars = np.array([number[singular] for singular in fold.values()], dtype=np.int32)
    return to, singulars


def _idf(df: np.ndarray, docs: int) -> np.ndarray:
    """Each term's inverse document frequency, ``log(docs / df)`` (0 for a term no text has)."""
    dfs = df.tolist()
    return np.array([math.log(docs / k) if k else 0.0 for k in dfs])


def _log_tf(parts: list[tuple[np.ndarray, np.ndarray, np.ndarray] | None]) -> np.ndarray:
    """``1 + log(tf)`` by count ``tf``, up to the largest count of any term in any event (0 for 0)."""
    most = max((int(part[2].max()) for part in parts if part is not None and len(part[2])), default=0)
    return np.array([0.0] + [1.0 + math.log(tf) for tf in range(1, most + 1)])


def _ranks(names: list[str]) -> np.ndarray:
    """Each term number's place among the terms in sorted order (what breaks ties of weight)."""
    vocabulary = len(names)
    rank = np.empty(vocabulary, dtype=np.int64)
    rank[sorted(range(vocabulary), key=names.__getitem__)] = np.arange(vocabulary)
    return rank


@dataclass(frozen=True, eq=False)
class _Weighing:
    """What weighs an event's terms: log tf by count, and per term its idf, whether it may pair events, its rank."""

    log_tf: np.ndarray
    idf: np.ndarray
    eligible: np.ndarray
    rank: np.ndarray

    def best(self, b: int, e: int, sizes: np.ndarray, t_all: np.ndarray, k_all: np.ndarray,
             terms_per_event: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Each event of the span ``b:e``: its best eligible terms, normalised weights (event, term, weight)."""
        seg = np.repeat(np.arange(b, e, dtype=np.int32), sizes)
        w = self.log_tf[k_all] * self.idf[t_all]
        # each event's norm: its squares summed one by one in its terms' order (as a loop would)
        norm = np.sqrt(np.bincount(seg - b, weights=w * w, minlength=e - b))
        norm[norm == 0.0] = 1.0
        wn = w / norm[seg - b]
        # each event's best `terms_per_event` eligible terms, larger weight first, ties to
        # the larger term (as heapq.nlargest would)
        at = np.flatnonzero(self.eligible[t_all]) if terms_per_event > 0 else np.zeros(0, dtype=np.intp)
        order = at[_best_first(seg[at], wn[at], self.rank[t_all[at]])]
        top = order[_places(seg[order]) < terms_per_event]
        return seg[top], t_all[top], wn[top]


def _best_terms(spans: list[tuple[int, int]], parts: list[tuple[np.ndarray, np.ndarray, np.ndarray] | None],
                weighing: _Weighing, terms_per_event: int) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Per span, each event's best terms (event, term, weight), letting each span's terms go once weighed."""
    best: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []  # per span: event, term, weight
    for i, (b, e) in enumerate(spans):
        sizes, t_all, k_all = parts[i]  # type: ignore[misc]
        parts[i] = None
        best.append(weighing.best(b, e, sizes, t_all, k_all, terms_per_event))
    return best


def _kept_terms(best: list[tuple[np.ndarray, np.ndarray, np.ndarray]], vocabulary: int,
                max_postings: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All events' best terms side by side (event, term, weight), but those that pair too few or too many events."""
    k_seg, k_term, k_w = (np.concatenate(x) for x in zip(*best)) if best else \
        (np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int32), np.zeros(0))
    # a term kept by fewer than two events pairs none; by more than max_postings, too many
    by = np.bincount(k_term, minlength=vocabulary)
    ok = ((by >= 2) & (by <= max_postings))[k_term]
    return k_seg[ok], k_term[ok], k_w[ok]


def _kept_by_event(k_seg: np.ndarray, k_term: np.ndarray, k_w: np.ndarray, names: list[str],
                   n: int) -> list[dict[str, float]]:
    """Per event: the terms it keeps and their weights, best first."""
    kept: list[dict[str, float]] = [{} for _ in range(n)]
    for e, t, x in zip(k_seg.tolist(), k_term.tolist(), k_w.tolist()):
        kept[e][names[t]] = x
    return kept


def _postings(k_seg: np.ndarray, k_term: np.ndarray, k_w: np.ndarray,
              names: list[str]) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per kept term: the events that keep it (in order) and their weights."""
    by_term = np.lexsort((k_seg, k_term))  # term by term, events in order
    bounds = np.flatnonzero(np.diff(k_term[by_term])) + 1
    postings: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for part in np.split(by_term, bounds) if len(by_term) else ():
        postings[names[int(k_term[part[0]])]] = (k_seg[part].astype(np.intp), k_w[part])
    return postings


_SPAN = 2048  # events whose terms the text signal weighs at a time


def _best_first(seg: np.ndarray, weight: np.ndarray, rank: np.ndarray) -> np.ndarray:
    """The order of the entries by event (``seg``, ascending), then weight (descending),
    then the term's rank (descending): as ``np.lexsort((-rank, -weight, seg))``, but by
    one sort of one whole-number key where the three fit in 63 bits (several times
    faster)."""
    values, weight_rank = np.unique(weight, return_inverse=True)
    bits = [int(seg.max(initial=0)).bit_length(), len(values).bit_length(), int(rank.max(initial=0)).bit_length()]
    if sum(bits) > 63:
        return np.lexsort((-rank, -weight, seg))
    key = seg.astype(np.int64) << (bits[1] + bits[2])
    key |= (len(values) - 1 - weight_rank.ravel().astype(np.int64)) << bits[2]
    key |= (1 << bits[2]) - 1 - rank
    return np.argsort(key, kind="stable")


def _places(seg: np.ndarray) -> np.ndarray:
    """Each entry's place (0, 1, ...) among its event's entries (``seg`` ascending)."""
    if not len(seg):
        return np.zeros(0, dtype=np.intp)
    starts = np.flatnonzero(np.concatenate(([True], seg[1:] != seg[:-1])))
    return np.arange(len(seg)) - np.repeat(starts, np.diff(np.append(starts, len(seg))))


def _first_merged(seg: np.ndarray, terms: np.ndarray, counts: np.ndarray, targets: np.ndarray,
                  vocabulary: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each event's terms once, where each first occurs, with its counts summed (the
    events' terms side by side, as in :func:`_tfidf`), where only the terms ``targets``
    can occur twice in an event."""
    is_target = np.zeros(vocabulary, dtype=bool)
    is_target[targets] = True
    sub = np.flatnonzero(is_target[terms])
    key = seg[sub].astype(np.int64) * vocabulary + terms[sub]
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    if len(first) == len(sub):
        return seg, terms, counts
    counts = counts.copy()
    counts[sub[first]] = np.bincount(inverse.ravel(), weights=counts[sub]).astype(np.int64)  # whole: exact
    keep = np.ones(len(terms), dtype=bool)
    keep[sub] = False
    keep[sub[first]] = True
    return seg[keep], terms[keep], counts[keep]


def no_event_pages(report: Mapping[str, Any] | None) -> list[str]:
    """What the build said, in ``report``, that leaves every event without related events:
    its ``no-event-pages`` warning (the events' collection has no output, so there is no
    event page to give suggestions or to suggest), as ``path:line: message. Hint: …``."""
    return [Diagnostic.from_dict(d).located() for d in (report or {}).get("diagnostics", ())
            if isinstance(d, Mapping) and d.get("code") == "no-event-pages"]


def related_events(graph: KnowledgeGraph, top: int | None = None,
                   weights: Mapping[str, Any] | str | Path | None = None, *,
                   texts: Mapping[str, str] | None = None,
                   site: str | Path | None = None, jobs: int | None = None,
                   terms: Mapping[str, Mapping[str, int]] | None = None,
                   keep: Callable[[str, str], bool] | None = None,
                   each: Callable[[str, list[Suggestion]], None] | None = None,
                   let_go: bool = False, tables: Tables | None = None,
                   on_tables: Callable[[Tables], None] | None = None,
                   warn: Callable[[str], None] | None = python_warning) -> dict[str, list[Suggestion]]:
    """For every event page, the other events most related to it, best first.

    A site whose events have no pages (their collection has no ``output: true``) has
    none to give: the result is empty, and ``warn`` is told why.

    Args:
        graph: a built graph.
        top: suggestions per event (default: ``top`` of the weights, 10).
        weights: changes to kg's weights (a mapping shaped like ``ontology/related.yml``,
            or a file); the site's own ``_kg/related.yml`` applies first.
        texts: event IRI → body text for the text signal; default (when neither
            ``texts`` nor ``terms`` is given): read each event's source file from
            ``site`` and count its terms (:func:`load_terms`, on ``jobs`` processes).
        terms: event IRI → the term counts of its body (:func:`kg.words.body_terms`),
            for the events whose words were counted already (their text is not needed).
        site: the site folder, for its files and its ``_kg/related.yml``; default: the
            ``site`` of the build report (text is left out when that folder is gone).
        jobs: processes that score events (default: one per core; 1: none). Only sites of
            :data:`PARALLEL_EVENTS` events or more are shared out; the result is the same.
        keep: for a rebuild, called as ``keep(event, inputs)`` for every event before
            any is scored, where ``inputs`` is a digest of everything the event's
            suggestions are worked out from (the weights; its own and its candidates'
            titles, dates and projects; the events each of its values and kept terms is
            shared with, their weights and labels; its links): when it returns true (the
            caller still has the suggestions it got for the same digest), the event is
            not scored and is left out of the result.
        each: called as ``each(event, suggestions)`` for every event scored, in the
            order of their IRIs, as soon as they are ready; the result is then empty (a
            large site's suggestions are never all held at once).
        let_go: empty ``texts`` and ``terms`` (which must then be dicts) once their
            words are taken, so that what they held is freed before events are scored
            (the caller gives them up: on a large site they are hundreds of megabytes).
        tables: what the graph says of each event page, as ``on_tables`` was given it
            by an earlier call on a graph whose quads of :data:`TABLE_PREDICATES` are
            the same (see :func:`table_line`): not read again. Only with ``texts`` or
            ``terms``.
        on_tables: called with what the graph says of each event page, once it is read.
        warn: called, before any event is scored, with each line of :func:`no_event_pages`
            (the build's ``no-event-pages`` warning, from the graph's report); default:
            Python's ``warnings.warn`` (a ``UserWarning``); ``None``: nothing is said.

    Returns:
        Event IRI → suggestions (possibly empty), in the order of the events' IRIs
        (empty with ``each``).

    Raises:
        KgError: the weights are invalid.
    """
    if let_go and not all(isinstance(held, dict) for held in (texts or {}, terms or {})):
        raise TypeError("let_go needs texts and terms as dicts")
    for said in no_event_pages(graph.report) if warn is not None else ():
        warn(said)
    site = site if site is not None else graph.report.get("site")
    w = load_weights(weights, site)
    top = w["top"] if top is None else top
    with gc_paused():
        root = _site_root(graph, site) if texts is None and terms is None and w["signals"]["text"]["weight"] > 0 \
            else None
        if tables is not None and root is None:
            data = tables
        else:
            data, paths = _read(graph, files=root is not None)  # the files' query beside the others
            if on_tables is not None:
                on_tables(data)
        if root is not None:
            terms = _counted_or_read(graph, _site_files(root, paths), jobs)
        return _score(data, texts if texts is not None else {}, terms if terms is not None else {},
                      w, top, jobs, keep, each, let_go)


def related_from_tables(tables: Tables, *, texts: Mapping[str, str], terms: Mapping[str, Mapping[str, int]],
                        site: str | Path | None, top: int | None = None,
                        weights: Mapping[str, Any] | str | Path | None = None, jobs: int | None = None,
                        keep: Callable[[str, str], bool] | None = None,
                        each: Callable[[str, list[Suggestion]], None] | None = None) -> dict[str, list[Suggestion]]:
    """:func:`related_events` of a graph whose tables are known (as ``on_tables`` was
    given them), with the words of its events given: no graph is needed. Arguments as
    there; ``site`` is the folder whose ``_kg/related.yml`` applies (``None``: none).

    Raises:
        KgError: the weights are invalid.
    """
    w = load_weights(weights, site)
    with gc_paused():
        return _score(tables, texts, terms, w, w["top"] if top is None else top, jobs, keep, each)


@dataclass(frozen=True, eq=False)
class _Shared:
    """A value (of one signal) that two or more events have, as :func:`_score` uses it."""

    key: tuple[float, int, str]  # the order values are tried in: highest weight, then rarest, then by IRI
    weight: float  # weight × (2 / df) ** damping
    df: int  # how many events have it
    value: str
    events: np.ndarray  # the events that have it, ascending
    not_direct: np.ndarray | None  # parent projects: those events without it as a direct project, ascending


class _Closeness:
    """The time factor ``1 + weight × exp(decay × days)`` by whole days apart, computed with
    :func:`math.exp` once per number of days (a table that grows as needed)."""

    def __init__(self, weight: float, decay: float) -> None:
        self.weight, self.decay = weight, decay
        self.table = np.zeros(0)

    def factors(self, days: np.ndarray) -> np.ndarray:
        if len(days) and days.max() >= len(self.table):
            more = range(len(self.table), max(int(days.max()) + 1, 2 * len(self.table)))
            self.table = np.concatenate([self.table, [1.0 + self.weight * math.exp(self.decay * d) for d in more]])
        return self.table[days]


def _score(data: _Data, texts: Mapping[str, str], terms: Mapping[str, Mapping[str, int]],
           w: dict[str, Any], top: int, jobs: int | None = None,
           keep: Callable[[str, str], bool] | None = None,
           each: Callable[[str, list[Suggestion]], None] | None = None,
           let_go: bool = False) -> dict[str, list[Suggestion]]:
    """Score the candidates of every event and keep the best ``top``, with their reasons.

    Each event's scores live in an array over all events (``score``, zero outside the
    candidates) that is cleared again after the event, so every step is a few numpy
    operations on the events a value or a term is shared with. The arithmetic is the
    plain per-pair loop's, step for step: each pair's score is summed in the same order
    (pair signals, then values most telling first, then text, then × time), candidates
    are kept in the order first found, and ties are broken as a stable sort would.

    Events are scored independently of each other, so on a large site the events are
    shared out to ``jobs`` forked worker processes (see :func:`_run_all`); the result is
    the same. With ``keep`` (see :func:`related_events`) only the events it does not
    keep are scored.
    """
    sig = w["signals"]
    value_weight, shared = _shared_values(data, sig)
    text = _text_signal(data, texts, terms, sig, w["max_postings"], let_go)
    reasons = _Reasons(data, sig, value_weight, text)
    todo = _to_score(data, w, top, shared, text, keep)
    scorer = _Scorer(data, w, top, shared, text, reasons, todo)
    return _run_all(scorer.run, len(todo), jobs, each)


def _shared_values(data: _Data, sig: dict[str, Any]
                   ) -> tuple[dict[str, dict[str, float]], list[tuple[str, dict[str, _Shared]]]]:
    """Per set signal switched on: the weight of each value two or more events have, and the value as scored."""
    value_weight: dict[str, dict[str, float]] = {}
    shared: list[tuple[str, dict[str, _Shared]]] = []  # per signal on: value -> its events
    for s in SET_SIGNALS:
        if sig[s]["weight"] <= 0:
            continue
        p = _events_by_value(data.values[s])
        damping = sig[s].get("damping", 0)
        value_weight[s] = {v: sig[s]["weight"] * (2 / len(ev)) ** damping for v, ev in p.items()}
        shared.append((s, {v: _shared_value(s, v, ev, value_weight[s][v], data.direct_projects)
                           for v, ev in p.items()}))
    return value_weight, shared


def _events_by_value(per_event: list[frozenset[str]]) -> dict[str, list[int]]:
    """Each value that two or more events have, and those events (ascending)."""
    p: dict[str, list[int]] = defaultdict(list)
    for i, vals in enumerate(per_event):
        for v in vals:
            p[v].append(i)
    return {v: ev for v, ev in p.items() if len(ev) >= 2}


def _shared_value(s: str, v: str, ev: list[int], weight: float, direct: list[frozenset[str]]) -> _Shared:
    """Value ``v`` of signal ``s``, which the events ``ev`` have, as :func:`_score` uses it."""
    return _Shared((-weight, len(ev), v), weight, len(ev), v,
                   np.array(ev, dtype=np.intp),
                   np.array([o for o in ev if v not in direct[o]], dtype=np.intp)
                   if s == "parent_project" else None)


def _text_signal(data: _Data, texts: Mapping[str, str], terms: Mapping[str, Mapping[str, int]],
                 sig: dict[str, Any], max_postings: int, let_go: bool) -> _Text | None:
    """The events' text vectors when the text signal is on (else ``None``; texts and terms let go either way)."""
    if sig["text"]["weight"] > 0:
        return _tfidf(data, texts, terms, int(sig["text"]["terms"]), max_postings, let_go,
                      frozenset(sig["text"]["stop_words"].split()))
    if let_go:
        _let_go(texts, terms)
    return None


def _to_score(data: _Data, w: dict[str, Any], top: int, shared: list[tuple[str, dict[str, _Shared]]],
              text: _Text | None, keep: Callable[[str, str], bool] | None) -> range | list[int]:
    """The events to score: all of them, or with ``keep`` those it does not keep."""
    n = len(data.iris)
    if keep is None:
        return range(n)
    digests = _input_digests(data, w, top, shared, text)
    return [e for e in range(n) if not keep(data.iris[e], digests[e])]


class _Scorer:
    """Scores the events of :func:`_score` one at a time: what they all read, and the arrays each clears again."""

    def __init__(self, data: _Data, w: dict[str, Any], top: int, shared: list[tuple[str, dict[str, _Shared]]],
                 text: _Text | None, reasons: _Reasons, todo: range | list[int]) -> None:
        sig = w["signals"]
        n = len(data.iris)
        self.data, self.shared, self.text, self.reasons, self.todo = data, shared, text, reasons, todo
        self.values, self.direct = data.values, data.direct_projects
        self.max_postings, self.budget = w["max_postings"], w["max_candidates"]
        self.term_events = text.postings if text is not None else {}
        self.min_sim, self.text_w = sig["text"]["min_similarity"], sig["text"]["weight"]
        self.shared_terms = sig["text"]["shared_terms"]
        self.pair_weights = [(data.edges[s], sig[s]["weight"]) for s in PAIR_SIGNALS if sig[s]["weight"] > 0]
        self.time = _Time(data.dates, sig["time"]["weight"], sig["time"]["half_life_days"] or 1)
        self.first_date = [d[0].isoformat() if d else None for d in data.dates]
        self.top, self.take = top, max(top + 5, 0)
        self.score = np.zeros(n)  # this event's candidates' scores; 0.0 elsewhere
        self.is_candidate = np.zeros(n, dtype=bool)
        self.text_score = np.zeros(n)
        self.no_events = np.zeros(0, dtype=np.intp)

    def run(self, begin: int, stop: int) -> dict[str, list[Suggestion]]:
        """The suggestions of the events ``todo[begin:stop]``, by event IRI."""
        result: dict[str, list[Suggestion]] = {}
        for e in self.todo[begin:stop]:
            result[self.data.iris[e]] = self.suggest(e)
        return result

    def suggest(self, e: int) -> list[Suggestion]:
        """Event ``e``'s best ``top`` other events, best first, with the reasons why."""
        found: list[np.ndarray] = []  # the candidates, in the order they were first found
        count = self.add_pairs(e, found)  # how many (this event included, until the end)
        count = self.add_values(e, found, count)
        sims = self.add_text(e, found, count)
        candidates, scores = self.taken(e, found)
        self.time.scale(e, candidates, scores)
        data = self.data
        return [Suggestion(url=data.iris[o], title=data.titles[o], date=self.first_date[o], score=s,
                           reasons=self.reasons(e, o, sims.get(o), _days_apart(data.dates[e], data.dates[o])))
                for o, s in self.ranked(candidates, scores)]

    def add_pairs(self, e: int, found: list[np.ndarray]) -> int:
        """Add each pair signal's weight to the events paired with ``e``; returns how many candidates that makes."""
        score, is_candidate = self.score, self.is_candidate
        count = 0
        for edges, ws in self.pair_weights:
            if edges[e]:
                events = np.sort(np.fromiter(edges[e], dtype=np.intp, count=len(edges[e])))  # IRI order
                score[events] += ws
                count += _add_new(events, is_candidate, found)
        return count

    def add_values(self, e: int, found: list[np.ndarray], count: int) -> int:
        """Add the weight of each value ``e`` shares to the events that share it; returns the new count."""
        score, is_candidate, direct = self.score, self.is_candidate, self.direct
        max_postings, budget = self.max_postings, self.budget
        # the values this event has, most telling first: they find the candidates; once
        # there are `budget` candidates, the rest only add to those already found
        for it in self.values_of(e):
            events = it.events
            if it.not_direct is not None and it.value in direct[e]:
                events = it.not_direct  # counted as "project" for events that have it directly
            if it.df <= max_postings and count < budget:
                score[events] += it.weight
                count += _add_new(events, is_candidate, found)
            elif it.df <= count:  # few events have it: look them up among the candidates
                score[events[is_candidate[events]]] += it.weight
            elif len(events) and found:  # a hub: look the candidates up among its events
                candidates = np.concatenate(found)
                at = np.minimum(np.searchsorted(events, candidates), len(events) - 1)
                score[candidates[events[at] == candidates]] += it.weight
        return count

    def values_of(self, e: int) -> list[_Shared]:
        """The values event ``e`` shares with other events, most telling first."""
        items = [by_value[v] for s, by_value in self.shared for v in self.values[s][e] if v in by_value]
        items.sort(key=attrgetter("key"))
        return items

    def add_text(self, e: int, found: list[np.ndarray], count: int) -> dict[int, float]:
        """Add text weight × similarity to the events close enough in words to ``e``; returns their similarities."""
        text = self.text
        if text is None or not text.kept[e]:
            return {}
        met, sim, many = self.similarities(text.kept[e])
        if not many and self.shared_terms > 1:  # one kept term: no event shares two
            return {}
        close = np.flatnonzero((sim >= self.min_sim) & (met != e))
        if not len(close):
            return {}
        others, sim = _most_similar(met[close], sim[close], many, self.shared_terms)
        if not len(others):
            return {}
        new = ~self.is_candidate[others]
        if count + np.count_nonzero(new) > self.budget:  # a new candidate only while fewer than `budget`
            ok = ~new | (np.cumsum(new) <= self.budget - count)
            others, sim = others[ok], sim[ok]
        self.score[others] += self.text_w * sim
        _add_new(others, self.is_candidate, found)
        return dict(zip(others.tolist(), sim.tolist()))

    def similarities(self, kept: dict[str, float]) -> tuple[np.ndarray, np.ndarray, bool]:
        """The events met through the kept terms ``kept``, their dot products, and whether met through several."""
        text_score = self.text_score
        touched = []
        for t, we in kept.items():
            events, wo = self.term_events[t]
            text_score[events] += we * wo
            touched.append(events)
        # every event met, in the order first met (an event met again has the same sum)
        met = np.concatenate(touched) if len(touched) > 1 else touched[0]
        sim = text_score[met]
        text_score[met] = 0.0
        return met, sim, len(touched) > 1

    def taken(self, e: int, found: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        """The candidates found (but ``e``) and their scores, the arrays cleared for the next event."""
        candidates = np.concatenate(found) if found else self.no_events
        scores = self.score[candidates]
        self.score[candidates] = 0.0
        self.is_candidate[candidates] = False
        others = candidates != e
        return candidates[others], scores[others]

    def ranked(self, candidates: np.ndarray, scores: np.ndarray) -> list[tuple[int, float]]:
        """The best ``top`` candidates and their scores, best first."""
        best = np.lexsort((candidates, -scores))[:self.take]  # equal scores: the lower IRI first
        return sorted(zip(candidates[best].tolist(), scores[best].tolist()),
                      key=lambda c: (-round(c[1], 9), c[0]))[:self.top]  # ties: the lower IRI first


def _most_similar(others: np.ndarray, sim: np.ndarray, many: bool,
                  shared_terms: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """The events and their similarities, each once (``many``: met more than once), most
    similar first; only those met through ``shared_terms`` terms or more (an event is in
    ``others`` once for each kept term it shares)."""
    if many:
        others, at, times = np.unique(others, return_index=True, return_counts=True)
        if shared_terms > 1:
            alike = times >= shared_terms
            others, at = others[alike], at[alike]
        sim = sim[at]
        order = np.lexsort((at, -sim))  # most similar first; ties: first met first
    else:
        order = np.argsort(-sim, kind="stable")
    return others[order], sim[order]


class _Time:
    """Closeness in time as it scales a pair's score: each event's dates, its first day, whether it has several."""

    def __init__(self, dates: list[tuple[dt.date, ...]], weight: float, half_life: float) -> None:
        self.dates, self.weight = dates, weight
        self.first = np.array([d[0].toordinal() if d else 0 for d in dates], dtype=np.int64)
        self.dated = np.array([bool(d) for d in dates], dtype=bool)
        self.several = np.array([len(d) > 1 for d in dates], dtype=bool)
        self.closeness = _Closeness(weight, -math.log(2) / half_life)

    def scale(self, e: int, candidates: np.ndarray, scores: np.ndarray) -> None:
        """Multiply the scores of ``e``'s dated candidates by how close in time they are to it (when ``e`` is dated)."""
        if not (self.weight > 0 and self.dated[e] and len(candidates)):
            return
        # closeness in time scales what the pair shares; it adds nothing alone
        with_date = self.dated[candidates]
        days = np.abs(self.first[candidates] - self.first[e])
        if self.several[e]:
            redo = np.flatnonzero(with_date)
        else:
            redo = np.flatnonzero(with_date & self.several[candidates])
        for j in redo.tolist():
            days[j] = _days_apart(self.dates[e], self.dates[int(candidates[j])])
        scores[with_date] *= self.closeness.factors(days[with_date])


def _input_digests(data: _Data, w: dict[str, Any], top: int, shared: list[tuple[str, dict[str, _Shared]]],
                   text: _Text | None) -> list[str]:
    """Per event, a digest of everything :func:`_score` reads to work out its
    suggestions: when two builds give an event the same digest, they give it the same
    suggestions (as a test of rebuilds against clean builds checks). That is the
    weights; the event's own title, dates and direct projects; for each of its values
    shared with other events, the value, its weight and label and those events (each by
    its IRI, title, dates and direct projects; a value of more than ``max_postings``
    events by IRI only); its kept terms, their weights and the events (and weights) each
    is kept by; its links and series neighbours (and which way they point).

    Only the events' order matters, never their numbers (which change as events come
    and go): candidates are found in the order of their IRIs within each value, term and
    link, and equal scores go to the lower IRI."""

    def digest(*parts: Any) -> bytes:
        return hashlib.blake2b(pickled(parts), digest_size=16).digest()

    n = len(data.iris)
    own = [digest(data.iris[i], data.titles[i], data.dates[i], sorted(data.direct_projects[i])) for i in range(n)]
    everything = digest(json.dumps(w, sort_keys=True, default=str), top, text is not None)
    max_postings = w["max_postings"]
    # a value shared by more events than max_postings finds no candidates (it only adds to
    # those found otherwise): which events have it is all that counts
    by_value = {(s, v): digest(s, v, it.weight, data.labels.get(v),
                               b"".join([own[o] for o in it.events.tolist()]) if it.df <= max_postings
                               else "\n".join([data.iris[o] for o in it.events.tolist()]))
                for s, values in shared for v, it in values.items()}
    by_term = {t: digest(t, [(own[o], x) for o, x in zip(ev.tolist(), wo.tolist())])
               for t, (ev, wo) in text.postings.items()} if text else {}
    out = []
    for e in range(n):
        parts: list[Any] = [everything, own[e]]
        for s, values in shared:
            parts.append(b"".join(sorted(by_value[s, v] for v in data.values[s][e] if v in values)))
        for s in PAIR_SIGNALS:
            parts.append(sorted((own[o], o in data.forward[s][e]) for o in data.edges[s][e]))
        if text is not None:
            parts.append([(t, x, by_term[t]) for t, x in text.kept[e].items()])
        out.append(digest(*parts).hex())
    return out


PARALLEL_EVENTS = 2000  # fewer events than this are scored in one process: forking costs more
SPAN_EVENTS = 100  # the fewest events in a span of work
_RUN: Callable[[int, int], dict[str, Any]] | None = None  # what forked workers run


def _run_span(span: tuple[int, int]) -> dict[str, Any]:
    assert _RUN is not None
    return _RUN(*span)


def _run_all(run: Callable[[int, int], dict[str, Any]], n: int, jobs: int | None,
             each: Callable[[str, Any], None] | None = None) -> dict[str, Any]:
    """``run(0, n)``, or the same in spans of events on ``jobs`` processes (default: one
    per core) when there are at least :data:`PARALLEL_EVENTS` events and the system
    forks: this one and ``jobs - 1`` forked from it, which inherit everything ``run``
    reads; only spans go out and each span's dict (its events' suggestions, or their
    words) comes back. This process takes every ``jobs``-th span itself: a worker the
    fewer is one copy the fewer of the pages the work touches (each worker's memory
    grows as it writes to pages it shares with this one).

    With ``each``, every entry of every span's dict is handed to ``each(key, value)`` in
    order once its span is done, and the result is empty: only the spans done and not
    yet handed over are held (a worker's, while this process works on its own span)."""
    global _RUN
    result: dict[str, Any] = {}

    def deliver(part: dict[str, Any]) -> None:
        if each is None:
            result.update(part)
            return
        for key, value in part.items():
            each(key, value)
    jobs = jobs or os.cpu_count() or 1
    size = max(SPAN_EVENTS, -(-n // (max(jobs, 1) * 8)))
    spans = [(i, min(i + size, n)) for i in range(0, n, size)]
    jobs = min(jobs, len(spans))  # no worker without a span
    if jobs <= 1 or n < PARALLEL_EVENTS or not can_fork():
        for span in spans:
            deliver(run(*span))
        return result
    _RUN = run
    try:
        with forking(), fork_context().Pool(jobs - 1, initializer=die_with, initargs=(os.getpid(),)) as pool:
            theirs = pool.imap(_run_span, [span for i, span in enumerate(spans) if i % jobs])
            for i, span in enumerate(spans):
                deliver(run(*span) if i % jobs == 0 else next(theirs))
    finally:
        _RUN = None
    return result


def _add_new(events: np.ndarray, is_candidate: np.ndarray, found: list[np.ndarray]) -> int:
    """Make those of ``events`` that are not candidates yet candidates, in their order;
    returns how many there were."""
    new = events[~is_candidate[events]]
    if len(new):
        is_candidate[new] = True
        found.append(new)
    return len(new)


def _days_apart(a: tuple[dt.date, ...], b: tuple[dt.date, ...]) -> int | None:
    if not a or not b:
        return None
    if len(a) == 1 and len(b) == 1:
        return abs((a[0] - b[0]).days)
    return min(abs((x - y).days) for x in a for y in b)


class _Reasons:
    """Why one event is suggested for another: what they share, largest contribution
    first (in the order tried when equal), then how far apart in time when close.

    Made once per run; an event's own values are looked up once for all its suggestions,
    and each (signal, value) sentence is formatted once.
    """

    def __init__(self, data: _Data, sig: dict[str, Any], value_weight: dict[str, dict[str, float]],
                 text: _Text | None) -> None:
        self.data, self.value_weight, self.text = data, value_weight, text
        self.link_w = sig["link"]["weight"]
        self.neighbour_w = sig["series_neighbour"]["weight"]
        self.text_w = sig["text"]["weight"]
        self.within = sig["time"]["reason_within_days"] if sig["time"]["weight"] > 0 else None
        self.said: dict[tuple[str, str], str] = {}
        self.apart: dict[int, str] = {}  # days -> "3 weeks apart"
        self.links: set[int] | tuple[()] = ()
        self.neighbours: set[int] | tuple[()] = ()
        self.event = -1
        self.mine: list[tuple[str, dict[str, float], frozenset[str], list[frozenset[str]]]] = []

    def __call__(self, e: int, o: int, sim: float | None, days: int | None) -> list[str]:
        data = self.data
        if e != self.event:  # the set signals switched on (in order) for which e has values
            self.event = e
            self.mine = [(s, weights, data.values[s][e], data.values[s])
                         for s, weights in self.value_weight.items() if data.values[s][e]]
            self.links = data.edges["link"][e] if self.link_w > 0 else ()
            self.neighbours = data.edges["series_neighbour"][e] if self.neighbour_w > 0 else ()
        found: list[tuple[float, str]] = []  # (contribution, reason), in the order tried
        for s, weights, mine, values in self.mine:
            theirs = values[o]
            if mine.isdisjoint(theirs):
                continue
            shared = mine & theirs
            if s == "parent_project":
                shared -= data.direct_projects[e] & data.direct_projects[o]
            for v in sorted(shared, key=lambda v: (data.labels.get(v) or _tail(v), v)) if len(shared) > 1 else shared:
                if v in weights:
                    reason = self.said.get((s, v))
                    if reason is None:
                        reason = self.said[s, v] = _REASONS[s].format(data.labels.get(v) or _tail(v))
                    found.append((weights[v], reason))
        if o in self.links:
            found.append((self.link_w, "this page links to it" if o in data.forward["link"][e]
                          else "its page links here"))
        if o in self.neighbours:
            found.append((self.neighbour_w, "next meeting in the series"
                          if o in data.forward["series_neighbour"][e] else "previous meeting in the series"))
        if sim is not None and self.text is not None:
            ve, vo = self.text.kept[e], self.text.kept[o]
            common = [t for t in ve if t in vo]
            if len(common) > 1:
                common = sorted(common, key=lambda t: -ve[t] * vo[t])[:3]
            found.append((self.text_w * sim, "similar text" + (f" ({', '.join(common)})" if common else "")))
        if len(found) > 1:
            found.sort(key=itemgetter(0), reverse=True)  # stable: equal contributions stay in the order tried
        out = [r for _, r in found]
        if days is not None and self.within is not None and days <= self.within:
            apart = self.apart.get(days)
            if apart is None:
                apart = self.apart[days] = _apart(days)
            out.append(apart)
        return out


def _tail(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1]


def _apart(days: int) -> str:
    """``same day``, ``1 day apart``, ``3 weeks apart``, ``5 months apart``, ``2 years apart``."""
    if days == 0:
        return "same day"
    if days < 14:
        n, unit = days, "day"
    elif days < 60:
        n, unit = round(days / 7), "week"
    elif days < 730:
        n, unit = round(days / 30.44), "month"
    else:
        n, unit = round(days / 365.25), "year"
    return f"{n} {unit}{'s' if n != 1 else ''} apart"


# -- output ------------------------------------------------------------------------------

def to_json(related: Mapping[str, list[Suggestion]]) -> dict[str, list[dict[str, Any]]]:
    """``{event IRI: [{"url", "title", "date", "score", "reasons"}, …]}``, as ``kg related --format json`` prints."""
    return {iri: [s.to_dict() for s in suggestions] for iri, suggestions in related.items()}


def format_related(related: Mapping[str, list[Suggestion]], fmt: str = "json") -> str:
    """``kg related`` output: ``json`` (see :func:`to_json`), or ``table``, ``csv``, ``tsv``
    with one row per suggestion (event, rank, related, title, date, score, reasons).

    Raises:
        QueryError: an unknown format.
    """
    return "".join(related_text(related, fmt))


_COLUMNS = ["event", "rank", "related", "title", "date", "score", "reasons"]


def related_text(related: Mapping[str, list[Suggestion]], fmt: str = "json") -> Iterator[str]:
    """:func:`format_related`'s text a piece at a time, one event's suggestions a piece
    (``table`` whole: its columns are as wide as their widest value).

    Raises:
        QueryError: an unknown format (before any piece).
    """
    pieces: list[str] = []
    writer = RelatedWriter(fmt, pieces.append)

    def text() -> Iterator[str]:
        for event, suggestions in related.items():
            writer(event, suggestions)
            yield from pieces
            pieces.clear()
        writer.close()
        yield from pieces
    return text()


class RelatedWriter:
    """``kg related``'s text written as the suggestions come: called as ``writer(event,
    suggestions)`` for each event in turn (as :func:`related_events` calls ``each``), it
    hands ``write`` each event's piece (``table``: all of it on :meth:`close`, its columns
    being as wide as their widest value); :meth:`close` writes the end.

    Raises:
        QueryError: an unknown format.
    """

    def __init__(self, fmt: str, write: Callable[[str], None]) -> None:
        from .query import QueryError
        if fmt not in ("json", "table", "csv", "tsv"):
            raise QueryError(f"unknown format {fmt!r}", hint="one of json, table, csv, tsv")
        self.fmt, self.write, self.first = fmt, write, True
        self.rows: list[list[Literal]] = []  # (table)

    def __call__(self, event: str, suggestions: list[Suggestion]) -> None:
        if self.fmt == "json":
            # one suggestion a line: json's own indenting is pure Python, and took most of
            # `kg related`'s time at 100,000 events
            items = [json.dumps(s.to_dict(), ensure_ascii=False) for s in suggestions]
            self.write(("{\n" if self.first else ",\n") + f"  {json.dumps(event, ensure_ascii=False)}: ["
                       + ",".join("\n    " + item for item in items) + ("\n  ]" if items else "]"))
        elif self.fmt == "table":
            self.rows += _rows(event, suggestions)
        else:
            from .query import Result, format_result
            if self.first:
                self.write(format_result(Result(_COLUMNS, []), self.fmt))  # the header
            if suggestions:
                self.write(format_result(Result(_COLUMNS, _rows(event, suggestions)), self.fmt).split("\n", 1)[1])
        self.first = False

    def close(self) -> None:
        """Write what ends the text (the whole table)."""
        from .query import Result, format_result
        if self.fmt == "json":
            self.write("{}\n" if self.first else "\n}\n")
        elif self.fmt == "table" or self.first:  # (csv, tsv: the header, when there was no event)
            self.write(format_result(Result(_COLUMNS, self.rows), self.fmt))
        self.rows = []


def _rows(event: str, suggestions: list[Suggestion]) -> list[list[Literal]]:
    return [[Literal(event), Literal(str(rank), datatype=xsd.integer), Literal(s.url), Literal(s.title or ""),
             Literal(s.date or ""), Literal(f"{s.score:.3f}"), Literal("; ".join(s.reasons))]
            for rank, s in enumerate(suggestions, 1)]


def related_prefix(base_url: str) -> str:
    """Where the recommendations' named graphs start on a site: ``{base_url}/id/graph/related/``."""
    base = str(base_url or "").rstrip("/")
    if not base:
        raise KgError("the graph's build report has no base_url", hint="rebuild it with `kg build`")
    return base + GRAPH_NAME + "/"


def graph_prefix(graph: KnowledgeGraph) -> str:
    """:func:`related_prefix` of the graph's site (its build report's ``base_url``)."""
    return related_prefix(graph.report.get("base_url") or "")


def graph_name(graph: KnowledgeGraph | str, event: str) -> str:
    """The named graph that holds one event's recommendations:
    ``{base}/id/graph/related/{the event's path}`` (one graph per event, so that a
    rebuild or a push rewrites only the lists that changed). ``graph``: a graph, or
    the :func:`related_prefix` of its site."""
    prefix = graph if isinstance(graph, str) else graph_prefix(graph)
    base = prefix[: -len(GRAPH_NAME) - 1]
    path = event[len(base):].lstrip("/") if event.startswith(base + "/") else quote(event, safe="")
    return prefix + path


def related_nquads(graph: KnowledgeGraph, related: Mapping[str, list[Suggestion]] | None = None,
                   top: int | None = None, weights: Mapping[str, Any] | str | Path | None = None, *,
                   texts: Mapping[str, str] | None = None,
                   site: str | Path | None = None, jobs: int | None = None,
                   terms: Mapping[str, Mapping[str, int]] | None = None) -> Iterator[tuple[str, bytes]]:
    """The suggestions as named graphs, one per event that has any: (graph IRI, N-Quads).

    Each suggestion is a node ``<{event}#related-{rank}>`` typed ``kg:Recommendation`` with
    ``kg:recommendationFor`` (the event), ``kg:recommends`` (the related event),
    ``kg:rank`` (1 = best), ``kg:score`` (xsd:decimal) and one ``kg:reason`` per reason,
    in the graph :func:`graph_name` gives for the event. Computes the suggestions first
    unless ``related`` is given; yields one graph at a time, as the bytes
    :func:`kg.store.nquads` would make of its quads (made as text: there are millions of
    them, and building each as a quad object first costs more than everything else here).
    """
    if related is None:
        related = related_events(graph, top, weights, texts=texts, site=site, jobs=jobs, terms=terms)
    prefix = None  # worked out at the first suggestion: a graph with none needs no base URL
    for event, suggestions in related.items():
        if suggestions:
            prefix = prefix or graph_prefix(graph)
            name = graph_name(prefix, event)
            yield name, event_nquads(name, event, suggestions)


_A, _FOR, _RECOMMENDS = f"<{rdf.type.value}>", f"<{kg.recommendationFor.value}>", f"<{kg.recommends.value}>"
_RANK, _SCORE, _REASON = f"<{kg.rank.value}>", f"<{kg.score.value}>", f"<{kg.reason.value}>"
_RECOMMENDATION = f"<{kg.Recommendation.value}>"


def event_nquads(name: str, event: str, suggestions: list[Suggestion]) -> bytes:
    """One event's suggestions as the N-Quads of its graph ``name`` (see :func:`related_nquads`)."""
    g = f"<{name}> ."
    lines: list[str] = []
    for rank, s in enumerate(suggestions, 1):
        node = f"<{event}#related-{rank}>"
        lines += [
            f"{node} {_A} {_RECOMMENDATION} {g}",
            f"{node} {_FOR} <{event}> {g}",
            f"{node} {_RECOMMENDS} <{s.url}> {g}",
            f"{node} {_RANK} {nquads_literal(str(rank), xsd.integer.value)} {g}",
            f"{node} {_SCORE} {nquads_literal(f'{s.score:.4f}', xsd.decimal.value)} {g}",
        ]
        lines += [f"{node} {_REASON} {nquads_literal(r)} {g}" for r in s.reasons]
    return nquads_lines(lines)


def related_graphs(graph: KnowledgeGraph, related: Mapping[str, list[Suggestion]] | None = None,
                   top: int | None = None, weights: Mapping[str, Any] | str | Path | None = None, *,
                   texts: Mapping[str, str] | None = None,
                   site: str | Path | None = None, jobs: int | None = None,
                   terms: Mapping[str, Mapping[str, int]] | None = None) -> Iterator[tuple[str, list[Quad]]]:
    """The graphs of :func:`related_nquads` as quads: (graph IRI, quads)."""
    for name, data in related_nquads(graph, related, top, weights, texts=texts, site=site, jobs=jobs,
                                     terms=terms):
        yield name, list(parse(data, format=RdfFormat.N_QUADS))


def related_quads(graph: KnowledgeGraph, related: Mapping[str, list[Suggestion]] | None = None,
                  top: int | None = None, weights: Mapping[str, Any] | str | Path | None = None, *,
                  texts: Mapping[str, str] | None = None, site: str | Path | None = None) -> list[Quad]:
    """All quads of :func:`related_graphs`, in one list."""
    return [q for _, quads in related_graphs(graph, related, top, weights, texts=texts, site=site)
            for q in quads]
