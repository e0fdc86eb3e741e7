"""Check a built graph against kg's SHACL shapes, and say which file to fix.

The shapes (``ontology/shapes.ttl``, packaged as ``kg.ontology``) describe what a
well-formed graph holds: an event has one title and comes from one file, a speaker's
role is one kg knows, every topic named is a topic… :func:`validate_graph` runs them
with pyshacl over the union of the graph's named graphs and returns one
:class:`ShapeResult` per problem, each with the path of the source file (relative to
the site folder) that an editor should open and, where the graph records it, the line
(a speaker's entry, a front-matter entry kept as ``kg:FrontMatterEntry``, else the line
of the key in the file). A value of the wrong type is worded from the value ("`title:`
is a number (2024), not text"), and a reference that names no page from the text
written: no value from the site goes through pyshacl's message templates (see
:func:`_run_shacl`).

:func:`lint` adds the build's diagnostics and groups everything by file for ``kg
validate``; :func:`format_lint` words it for a person.

pyshacl is slow on an rdflib graph backed by Oxigraph, so the union is copied once
into a plain in-memory rdflib ``Graph`` before validation; no inference is run: the
build writes every ``rdf:type`` explicitly. Source files are then looked up in the
Oxigraph store with one SPARQL query (for a graph opened with ``engine="rdflib"``, in a
copy of its quads in an in-memory Oxigraph store: both engines give the same results).
The graph does not record the line of every front-matter key: for a result about a key
whose line it lacks (`title:` written as a list, or with no value), the file is read
again, for that line only.
Terms cross between pyoxigraph and rdflib by :func:`kg.store.to_rdflib` and
:func:`kg.store.from_rdflib` only.
"""
from __future__ import annotations

import contextlib
import functools
import json
import re
import threading
import time
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path, PurePosixPath
from typing import Any, Callable

import pyoxigraph as ox
import rdflib
from rdflib.namespace import RDF, SH

from .errors import KgError, MappingError, counted, with_hint
from .frontmatter import Field, in_posts, read_file
from .mapping import Kind, Mapping, load_mapping
from .store import KnowledgeGraph, RdflibGraph, each_once, from_rdflib, to_rdflib
from .vocab import KG

SHAPES_FILE = "shapes.ttl"
ONTOLOGY_FILE = "kg.ttl"
SEVERITIES = ("violation", "warning", "info")
_XSD = "http://www.w3.org/2001/XMLSchema#"
_XSD_STRING = _XSD + "string"
_RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
_RDF_JSON = "http://www.w3.org/1999/02/22-rdf-syntax-ns#JSON"
_SEVERITY = {SH.Violation: "violation", SH.Warning: "warning", SH.Info: "info"}
_UNRESOLVED_SHAPE = "https://w3id.org/kg/shapes#UnresolvedShape"
_MAX_COUNT = "sh:MaxCountConstraintComponent"


class ShapesError(KgError):
    """A shapes (or ontology) file cannot be read or is not valid Turtle."""


@dataclass(frozen=True)
class ShapeResult:
    """One problem SHACL found.

    Attributes:
        focus: IRI of the node the problem is about (an event, a speaker line…).
        path: IRI of the property concerned (``^IRI`` for an inverse path), or ``None``
            for a problem with the node as a whole.
        severity: ``"violation"``, ``"warning"`` or ``"info"``.
        message: what is wrong, in words for the site's editors.
        value: the offending value (an IRI or a literal's text), when there is one.
        source: the path, relative to the site folder, of the file to fix: the file
            that describes ``focus``, else the first file that states something about
            it (or, for a node kg derived across files such as a series, the first
            file of a node it links to). ``None`` when there is none.
        sources: every such file, sorted (a reference that names no page can be
            written in several files).
        shape: IRI of the shape that reported it (blank-node shapes: their parent's).
        constraint: the SHACL constraint component, e.g. ``sh:MinCountConstraintComponent``.
        line: the line of ``source`` to look at: a speaker's entry (``kg:line`` of the
            focus itself), the front-matter entry of ``key`` the graph keeps, else the
            line ``key`` is first written on in ``source`` (read again). ``None`` for a
            key not written at all, or a file that cannot be read again.
        key: the front-matter key that ``path`` comes from (``title`` for
            ``schema:name``…), per the mapping; ``None`` when it comes from none.
        hint: what to write instead, when kg can say (a value of the wrong type).
    """

    focus: str
    path: str | None
    severity: str
    message: str
    value: str | None = None
    source: str | None = None
    sources: tuple[str, ...] = ()
    shape: str | None = None
    constraint: str | None = None
    line: int | None = None
    key: str | None = None
    hint: str | None = None

    def __str__(self) -> str:
        where = f"{self.source}{f':{self.line}' if self.line else ''}: " if self.source else ""
        what = f" [{self.value}]" if self.value is not None and self.value != self.focus else ""
        text = f"{where}{self.severity}: {self.message}{what}{f' ({self.focus})' if self.focus else ''}"
        return with_hint(text, self.hint)

    def to_dict(self) -> dict[str, Any]:
        """The result as a JSON-ready dict, without empty fields."""
        d = asdict(self)
        d["sources"] = list(self.sources)
        return {k: v for k, v in d.items() if v not in (None, [])}


@dataclass
class ValidationResult:
    """The outcome of validating a graph.

    ``conforms`` is true when there is no result of severity ``violation``: warnings
    and infos describe data that sites legitimately vary on, and do not make a graph
    invalid (unlike plain SHACL, where any result does).

    ``error`` says why the SHACL check stopped before its end (an exception inside
    pyshacl), else ``None``: the results then hold one violation that says so, and
    none of the shapes' findings.
    """

    conforms: bool
    results: list[ShapeResult] = field(default_factory=list)
    seconds: float = 0.0
    error: str | None = None

    @property
    def violations(self) -> list[ShapeResult]:
        """The results of severity ``violation``."""
        return [r for r in self.results if r.severity == "violation"]

    @property
    def warnings(self) -> list[ShapeResult]:
        """The results of severity ``warning``."""
        return [r for r in self.results if r.severity == "warning"]

    def by_source(self) -> dict[str | None, list[ShapeResult]]:
        """Results grouped by the file to fix (``None``: no file)."""
        out: dict[str | None, list[ShapeResult]] = {}
        for r in self.results:
            out.setdefault(r.source, []).append(r)
        return out

    def to_dict(self) -> dict[str, Any]:
        """The outcome as a JSON-ready dict."""
        counts = {s: sum(1 for r in self.results if r.severity == s) for s in SEVERITIES}
        return {"conforms": self.conforms, **{s + "s": n for s, n in counts.items()},
                "seconds": round(self.seconds, 3), **({"error": self.error} if self.error else {}),
                "results": [r.to_dict() for r in self.results]}


# -- shapes and ontology, loaded once per process -------------------------------------------

def _packaged(name: str) -> Path:
    return Path(str(resources.files("kg.ontology") / name))


@functools.lru_cache(maxsize=8)
def _parse_turtle(path: str, mtime: float) -> rdflib.Graph:  # mtime: reload when the file changes
    g = rdflib.Graph()
    try:
        g.parse(path, format="turtle")
    except OSError as exc:
        raise ShapesError(f"cannot read shapes file: {exc.strerror}", path=path) from exc
    except Exception as exc:  # rdflib raises several syntax error types
        raise ShapesError(f"not valid Turtle: {exc}", path=path,
                          hint="check the file with an RDF validator, e.g. `riot --validate`") from exc
    return g


def _load(path: str | Path) -> rdflib.Graph:
    p = Path(path)
    try:
        mtime = p.stat().st_mtime
    except OSError as exc:
        raise ShapesError(f"cannot read shapes file: {exc.strerror}", path=p) from exc
    return _parse_turtle(str(p.resolve()), mtime)


def load_shapes(shapes: str | Path | None = None) -> rdflib.Graph:
    """The SHACL shapes graph: ``shapes`` if given, else kg's packaged ``shapes.ttl``.

    Parsed once per process (and again only if the file changes). Do not modify the
    returned graph: it is shared.

    Raises:
        ShapesError: the file cannot be read or is not valid Turtle.
    """
    return _load(shapes if shapes is not None else _packaged(SHAPES_FILE))


def load_ontology() -> rdflib.Graph:
    """kg's ontology (``kg.ttl``) as an rdflib graph, parsed once per process.

    Raises:
        ShapesError: the packaged file is missing or invalid (a broken install).
    """
    return _load(_packaged(ONTOLOGY_FILE))


# -- validation --------------------------------------------------------------------------------

def union_graph(graph: KnowledgeGraph | ox.Store) -> rdflib.Graph:
    """The triples of all named graphs (and the default graph) as one plain rdflib ``Graph``.

    pyshacl works much faster on this in-memory copy than on the Oxigraph-backed
    ``Dataset``; terms are converted directly (faster than an N-Triples round trip),
    each distinct term once, by :func:`kg.store.to_rdflib`. A graph opened on either
    engine gives the same copy.
    """
    quads = graph.quads() if isinstance(graph, KnowledgeGraph) else graph.quads_for_pattern(None, None, None, None)
    triples = {q.triple for q in quads}
    term = each_once(to_rdflib)
    g = rdflib.Graph()
    g.addN((term(t.subject), term(t.predicate), term(t.object), g) for t in triples)
    return g


def _oxigraph(graph: KnowledgeGraph | ox.Store) -> ox.Store:
    """An Oxigraph store holding ``graph``'s quads, for the SPARQL that places results in
    files: its own, or for a graph in rdflib's store (``engine="rdflib"``) a copy in memory."""
    if isinstance(graph, ox.Store):
        return graph
    if isinstance(graph, RdflibGraph):
        store = ox.Store()
        store.bulk_extend(graph.quads())
        return store
    return graph.store


class _Stopped(Exception):
    """The SHACL check stopped before its end: ``str()`` says why (see :func:`_run_shacl`)."""


def _run_shacl(shapes: str | Path, data: Callable[[], rdflib.Graph]) -> list[dict[str, Any]]:
    """Run the SHACL shapes in the file ``shapes`` over the graph ``data()`` makes (called
    once the shapes are read, so that a broken shapes file is said before the data is
    copied; pyshacl may change the graph), without inference. Returns the results as
    :func:`_read_report` gives them.

    pyshacl fills the ``{?var}`` placeholders of a SPARQL constraint's message with
    ``re.sub``, which reads each bound value as a replacement template: a backslash in
    a value (``AI\\ML``) raised ``re.error`` and stopped the whole validation. kg's own
    shapes bind no value from the site (kg words those messages itself), and while this
    runs pyshacl puts bound values in as they are (:func:`_literal_messages`), so that
    shapes given with ``--shapes`` are safe too.

    Raises:
        ShapesError: the shapes file cannot be read, is not valid Turtle, or holds a
            shape pyshacl cannot load.
        _Stopped: anything else went wrong inside pyshacl, or in copying the data for
            it: a bug (in kg or pyshacl), said in one line instead of a traceback, so
            that the caller can keep the rest of its work.
    """
    import pyshacl
    import pyshacl.errors

    shapes_graph = _load(shapes)
    try:
        with _literal_messages():
            _conforms, report, _text = pyshacl.validate(
                data(), shacl_graph=shapes_graph, inference="none", abort_on_first=False,
                allow_infos=True, allow_warnings=True, inplace=True, advanced=False)
        return _read_report(report, shapes_graph)
    except pyshacl.errors.ReportableRuntimeError as exc:  # a shape pyshacl cannot load
        raise ShapesError(f"invalid SHACL shapes: {exc.message}", path=shapes,
                          hint=f"see {getattr(exc, 'link', None) or 'https://www.w3.org/TR/shacl/'}") from exc
    except KgError:
        raise
    except Exception as exc:  # noqa: BLE001 (a bug: said, not shown as a traceback)
        raise _Stopped(f"{type(exc).__name__}: {exc}") from exc


def _stopped_result(why: str, started: float) -> ValidationResult:
    """The outcome of a SHACL check that stopped before its end: one violation that says
    so (counted, so a summary or an exit status shows it), and ``error``."""
    return ValidationResult(conforms=False, error=f"the SHACL check stopped: {why}", results=[ShapeResult(
        focus="", path=None, severity="violation",
        message=f"the SHACL check stopped before its end ({why}), so its findings are missing; "
                "the other checks ran",
        hint="this is a bug in kg or pyshacl: please report it, with this message")],
        seconds=time.perf_counter() - started)


_MESSAGES_LOCK = threading.Lock()
_messages_users = 0
_messages_original: Any = None


def _literal_message(msg: str, bound_vars: Any) -> str:
    """pyshacl's ``_format_sparql_based_result_message``, with each bound value put in
    as it is, in one pass (pyshacl's own hands it to ``re.sub`` as a template, and then
    fills a placeholder a value itself holds)."""
    if bound_vars is None:
        return msg
    values: dict[str, Any] = {}
    if isinstance(bound_vars, (tuple, list)):
        if len(bound_vars) == 4:
            values.update(bound_vars[3])
            bound_vars = bound_vars[:3]
        if len(bound_vars) == 3:
            for name, value in zip(("this", "path", "value"), bound_vars):
                if value is not None:
                    values[name] = value
    elif isinstance(bound_vars, dict):
        values.update(bound_vars)
    else:
        return msg
    named = {str(k): v for k, v in values.items()}
    return re.sub(r"\{[?$](\w+)\}", lambda m: str(named[m[1]]) if m[1] in named else m[0], msg)


@contextlib.contextmanager
def _literal_messages():
    """While kg runs pyshacl, its SPARQL-based messages take bound values literally
    (:func:`_literal_message`). Nothing is changed when the pyshacl installed has no
    such method (a later version, which may have fixed it)."""
    global _messages_users, _messages_original
    try:
        from pyshacl.constraints.constraint_component import ConstraintComponent
    except ImportError:  # pragma: no cover (another pyshacl layout)
        yield
        return
    name = "_format_sparql_based_result_message"
    if not callable(ConstraintComponent.__dict__.get(name)) and _messages_original is None:
        yield
        return
    with _MESSAGES_LOCK:
        if _messages_users == 0:
            _messages_original = ConstraintComponent.__dict__[name]
            setattr(ConstraintComponent, name, lambda _self, msg, bound_vars: _literal_message(msg, bound_vars))
        _messages_users += 1
    try:
        yield
    finally:
        with _MESSAGES_LOCK:
            _messages_users -= 1
            if _messages_users == 0:
                setattr(ConstraintComponent, name, _messages_original)
                _messages_original = None


def validate_graph(graph: KnowledgeGraph | ox.Store, shapes: str | Path | None = None,
                   mapping: Mapping | None = None) -> ValidationResult:
    """Validate ``graph`` against the SHACL shapes.

    Args:
        graph: a built graph, opened on either engine (or a bare pyoxigraph ``Store`` of quads).
        shapes: a Turtle file of SHACL shapes; default: kg's own ``shapes.ttl``.
        mapping: the mapping the graph was built with, to name the front-matter key of
            each result; default: the one the build report names (else kg's own).

    No inference is run and kg's ontology is not mixed into the data: the build writes
    every ``rdf:type`` explicitly, and kg's shapes are written for exactly those types
    (with RDFS entailment an ``EventSeries`` would also be an ``Event`` and be asked
    for a source file).

    A key written twice in a file (the build's ``duplicate-key`` warning: Jekyll keeps
    the last value, kg keeps both) makes the warning, not a violation, that the key
    has more than one value: kg keeps the second value so as to lose none.

    Returns:
        The outcome: ``conforms`` (no violations) and the results, sorted by source
        file, severity, focus node and path; each names the file to fix, and the line
        and the front-matter key where they are known. If pyshacl fails (a bug), one
        violation that says so, and ``error``: this does not raise.

    Raises:
        ShapesError: the shapes file cannot be read or is not valid Turtle.
    """
    started = time.perf_counter()
    store = _oxigraph(graph)
    try:
        results = _run_shacl(shapes if shapes is not None else _packaged(SHAPES_FILE),
                             lambda: union_graph(store))
    except _Stopped as exc:
        return _stopped_result(str(exc), started)
    foci = {r["focus"] for r in results if r["focus"] is not None}
    sources = _sources(store, foci)
    facts = _facts(store, foci)
    the_mapping = mapping if mapping is not None else mapping_of(graph)
    report = graph.report if isinstance(graph, KnowledgeGraph) else {}
    twice = _written_twice(report)
    placed = []
    for r in results:
        files = sources.get(r["focus"], ()) if r["focus"] else ()
        key, line = _key_and_line(r, facts.get(r["focus"] or ""), the_mapping)
        # a key's line is looked for again only in the file of a page (a node with a kg:kind),
        # not in a file that merely links to the node (a series: its first meeting's)
        look = line is None and bool(files) and key is not None and bool(facts.get(r["focus"] or "", _Facts()).kinds)
        placed.append((r, files, key, line, look))
    again = _written_lines(report.get("site"), {files[0] for _r, files, _k, _l, look in placed if look})
    out = []
    for r, files, key, line, look in placed:
        source = files[0] if files else None
        severity, message, hint = r["severity"], r["message"], None
        written = again.get(source, {}).get(key, []) if look and source and key else []
        if written:
            line, hint = written[0].line, _written_hint(r["constraint"], key or "", written)
        if r["constraint"] == "sh:DatatypeConstraintComponent" and key and r["datatype"] is not None:
            message, hint = datatype_wording(key, r["value"] or "", r["datatype"], r["expected"])
        elif r["constraint"] == _MAX_COUNT and (source, key) in twice and severity == "violation":
            severity = "warning"  # as the build's duplicate-key warning, which says more
        if r["shape"] == _UNRESOLVED_SHAPE and r["focus"] in facts:
            for value, message in _unresolved_wording(facts[r["focus"]], r["value"], r["focus"]):
                out.append(ShapeResult(
                    focus=r["focus"], path=r["path"], severity=severity, message=message, value=value,
                    source=source, sources=files, shape=r["shape"], constraint=r["constraint"]))
            continue
        out.append(ShapeResult(
            focus=r["focus"] or "", path=r["path"], severity=severity, message=message,
            value=r["value"], source=source, sources=files,
            shape=r["shape"], constraint=r["constraint"], line=line, key=key, hint=hint))
    rank = {s: i for i, s in enumerate(SEVERITIES)}
    out.sort(key=lambda r: (r.source is None, r.source or "", rank.get(r.severity, 9), r.focus,
                            r.path or "", r.value or "", r.message))
    return ValidationResult(conforms=not any(r.severity == "violation" for r in out), results=out,
                            seconds=time.perf_counter() - started)


def _text(term: Any) -> str | None:
    if term is None:
        return None
    if isinstance(term, rdflib.BNode):
        return "_:" + str(term)
    return str(term)


def _read_report(report: rdflib.Graph, shapes_graph: rdflib.Graph) -> list[dict[str, Any]]:
    """The validation results of a pyshacl report graph, as plain dicts."""
    out = []
    for res in report.subjects(RDF.type, SH.ValidationResult):
        focus = report.value(res, SH.focusNode)
        path = report.value(res, SH.resultPath)
        shape = report.value(res, SH.sourceShape)
        messages = sorted(str(m) for m in report.objects(res, SH.resultMessage))
        component = report.value(res, SH.sourceConstraintComponent)
        value = report.value(res, SH.value)
        expected = shapes_graph.value(shape, SH.datatype) if shape is not None else None
        out.append({
            "focus": _text(focus),
            "path": str(path) if isinstance(path, rdflib.URIRef) else (
                _path_text(path, report) if path is not None else None),
            "severity": _SEVERITY.get(report.value(res, SH.resultSeverity), "violation"),
            "message": messages[0] if messages else str(component or "constraint not met"),
            "value": _text(value),
            # a literal value's datatype (plain literals are xsd:string) and the shape's
            "datatype": _datatype(value),
            "expected": str(expected) if expected is not None else None,
            "shape": _shape_name(shape, shapes_graph),
            "constraint": _curie(component),
        })
    return out


def _datatype(term: Any) -> str | None:
    """The datatype IRI of a literal (``xsd:string`` for a plain one, as
    :func:`kg.store.from_rdflib` has it); ``None`` for a node."""
    if not isinstance(term, rdflib.Literal):
        return None
    return from_rdflib(term).datatype.value


def _path_text(path: Any, graph: rdflib.Graph) -> str | None:
    """A complex SHACL path in words (only inverse paths occur in kg's shapes)."""
    inverse = graph.value(path, SH.inversePath)
    if inverse is not None:
        return f"^{inverse}"
    return None


def _shape_name(shape: Any, shapes_graph: rdflib.Graph) -> str | None:
    """The IRI of ``shape``, or of the named shape it is a property of."""
    if shape is None:
        return None
    if isinstance(shape, rdflib.URIRef):
        return str(shape)
    for predicate in (SH.property, SH.sparql):
        parent = shapes_graph.value(None, predicate, shape)
        if isinstance(parent, rdflib.URIRef):
            return str(parent)
    return None


def _curie(term: Any) -> str | None:
    if term is None:
        return None
    text = str(term)
    return "sh:" + text[len(str(SH)):] if text.startswith(str(SH)) else text


_SOURCES_QUERY = f"""
SELECT ?focus ?path ?rank WHERE {{
  VALUES ?focus {{ %s }}
  {{ GRAPH ?g {{ ?focus <{KG}sourceFile> ?f }} GRAPH ?f {{ ?f <{KG}path> ?path }} BIND (0 AS ?rank) }}
  UNION
  {{ GRAPH ?g {{ ?focus ?p ?o }} GRAPH ?g {{ ?g <{KG}path> ?path }} BIND (1 AS ?rank) }}
  UNION
  {{ GRAPH ?g {{ ?s ?p ?focus }} GRAPH ?g {{ ?g <{KG}path> ?path }} BIND (2 AS ?rank) }}
  UNION
  {{ GRAPH ?g {{ ?focus ?p ?x }} GRAPH ?h {{ ?x <{KG}sourceFile> ?f }} GRAPH ?f {{ ?f <{KG}path> ?path }}
     BIND (3 AS ?rank) }}
}}
"""


def _sources(store: ox.Store, foci: set[str]) -> dict[str, tuple[str, ...]]:
    """Focus IRI -> the files to fix, best first.

    The file that describes the node (``kg:sourceFile``) comes first; else the files
    whose named graphs say something about it; else those whose graphs point at it;
    else the files of the nodes it points at (e.g. a series: its meetings' files).
    """
    nodes = []
    for focus in sorted(foci):
        try:
            nodes.append(ox.NamedNode(focus))
        except ValueError:  # a blank node or literal focus: no file can be named
            continue
    best: dict[str, dict[str, int]] = {}
    for chunk in (nodes[i:i + 500] for i in range(0, len(nodes), 500)):
        values = " ".join(str(node) for node in chunk)
        for row in store.query(_SOURCES_QUERY % values):
            focus, path, rank = row["focus"].value, row["path"].value, int(row["rank"].value)
            files = best.setdefault(focus, {})
            files[path] = min(rank, files.get(path, rank))
    out = {}
    for focus, files in best.items():
        top = min(files.values())
        out[focus] = tuple(sorted(p for p, r in files.items() if r == top))
    return out


_FACTS_QUERY = f"""
SELECT ?focus ?kind ?line ?key ?at ?label ?expected ?suggestion WHERE {{
  VALUES ?focus {{ %s }}
  {{ ?focus <{KG}kind> ?kind }}
  UNION
  {{ ?focus <{KG}line> ?line }}
  UNION
  {{ ?focus <{KG}frontMatter> ?entry . ?entry <{KG}key> ?key ; <{KG}line> ?at }}
  UNION
  {{ ?focus a <{KG}Unresolved> ; <{_RDFS_LABEL}> ?label }}
  UNION
  {{ ?focus a <{KG}Unresolved> ; <{KG}expectedKind> ?expected }}
  UNION
  {{ ?focus a <{KG}Unresolved> ; <{KG}suggestion> ?suggestion }}
}}
"""


@dataclass
class _Facts:
    """What the graph says of one focus node that helps place a result in its file."""

    kinds: set[str] = field(default_factory=set)  # kg:kind: "event", "person"…
    line: int | None = None  # its own kg:line: a speaker's entry, a front-matter entry
    key_lines: dict[str, int] = field(default_factory=dict)  # front-matter key -> first line
    # of a reference that names no page (kg:Unresolved): the texts written, the kind of
    # page meant (kg:expectedKind) and the likely intended titles (kg:suggestion)
    labels: set[str] = field(default_factory=set)
    expected: set[str] = field(default_factory=set)
    suggestions: set[str] = field(default_factory=set)


def _facts(store: ox.Store, foci: set[str]) -> dict[str, _Facts]:
    """Focus IRI -> its kinds, its own line and the lines of its kept front-matter keys.

    The lines are those the build wrote (``kg:line``, of a speaker's entry or of a
    ``kg:FrontMatterEntry``): no file is read again.
    """
    nodes = []
    for focus in sorted(foci):
        try:
            nodes.append(ox.NamedNode(focus))
        except ValueError:  # a blank node focus
            continue
    out: dict[str, _Facts] = {}
    for chunk in (nodes[i:i + 500] for i in range(0, len(nodes), 500)):
        query = _FACTS_QUERY % " ".join(str(node) for node in chunk)
        for row in store.query(query, use_default_graph_as_union=True):
            facts = out.setdefault(row["focus"].value, _Facts())
            if row["kind"] is not None:
                facts.kinds.add(row["kind"].value)
            if row["line"] is not None:
                line = _int(row["line"].value)
                if line is not None and (facts.line is None or line < facts.line):
                    facts.line = line
            if row["key"] is not None:
                at = _int(row["at"].value)
                key = row["key"].value
                if at is not None and at < facts.key_lines.get(key, at + 1):
                    facts.key_lines[key] = at
            for name, values in (("label", facts.labels), ("expected", facts.expected),
                                 ("suggestion", facts.suggestions)):
                if row[name] is not None:
                    values.add(row[name].value)
    return out


def _unresolved_wording(facts: _Facts, value: str | None, focus: str | None) -> list[tuple[str, str]]:
    """``(value, message)`` for a reference that names no page, one per text written.

    kg words these rather than pyshacl (see ``UnresolvedShape`` in shapes.ttl), from
    what the graph says of the node, so no text of the site is ever read as a template:
    ``A reference names no project page: Nonexistent Project; add the page or fix the
    spelling``, ``… (did you mean "Tomasz Okafor"?)``. ``value``: the result's own
    ``sh:value``, when a shapes file binds the text written itself.
    """
    labels = [value] if value is not None and value != focus else sorted(facts.labels)
    kind = min(facts.expected) if facts.expected else "matching"
    if facts.suggestions:
        hint = " (did you mean " + " or ".join(f'"{s}"' for s in sorted(facts.suggestions)) + "?)"
    else:
        hint = "; add the page or fix the spelling"
    return [(label, f"A reference names no {kind} page: {label}{hint}") for label in labels]


def _written_twice(report: dict[str, Any]) -> set[tuple[str, str]]:
    """(file, key) of each key the build reports written twice at the top of a file's
    front matter (``duplicate-key``), where kg keeps every value."""
    return {(d["path"], d["key"]) for d in report.get("diagnostics", ())
            if d.get("code") == "duplicate-key" and d.get("path") and d.get("key")}


def _written_lines(site: str | None, paths: set[str]) -> dict[str, dict[str, list[Field]]]:
    """File -> front-matter key -> its fields (each value written, at its line), read
    again from the files ``paths`` (relative to the folder ``site``) for the results
    whose line the graph does not record (`title:` as a list, or with no value). A file
    that is gone, outside the site, or cannot be read gives no lines."""
    if not site or not paths:
        return {}
    root = Path(site)
    out: dict[str, dict[str, list[Field]]] = {}
    for rel in sorted(paths):
        path = root / rel
        try:
            if not path.resolve().is_relative_to(root.resolve()) or not path.is_file():
                continue
        except (OSError, ValueError):
            continue
        fields: dict[str, list[Field]] = {}
        for f in read_file(path, rel, post=in_posts(rel)).fields:  # problems: diagnostics, never raised
            fields.setdefault(f.key, []).append(f)
        out[rel] = fields
    return out


def _written_hint(constraint: str | None, key: str, written: list[Field]) -> str | None:
    """What to write instead, for a key the file has but the graph holds no value or
    several values of: `title:` with no value, `title: [a, b]`."""
    if constraint == "sh:MinCountConstraintComponent" and all(f.value in (None, "", [], {}) for f in written):
        return f"`{key}:` is there but has no value: write the value after `{key}:`"
    if constraint == _MAX_COUNT and len(written) == 1 and isinstance(written[0].value, list):
        return f"`{key}:` is a list: write one value, not a list"
    return None


def _int(text: str) -> int | None:
    try:
        return int(text)
    except ValueError:
        return None


def mapping_of(graph: KnowledgeGraph | ox.Store) -> Mapping:
    """The mapping ``graph`` was built with (as its report names it), else kg's own.

    Only used to name front-matter keys in messages, so a mapping file that has since
    gone or broken falls back to kg's own rather than failing the validation.
    """
    path = graph.report.get("mapping") if isinstance(graph, KnowledgeGraph) else None
    try:
        return load_mapping(path)
    except MappingError:
        return load_mapping()


def front_matter_keys(mapping: Mapping, kinds: set[str], prop: str) -> list[str]:
    """The front-matter keys that ``mapping`` writes as ``prop`` for ``kinds`` (all kinds
    when none is known), in the mapping's order: ``["date", "dates"]`` for
    ``schema:startDate`` of an event."""
    chosen = [mapping.kinds[k] for k in sorted(kinds) if k in mapping.kinds] or list(mapping.kinds.values())
    keys: list[str] = []
    for kind in chosen:
        keys.extend(key for key, rule in kind.keys.items() if rule.property == prop and key not in keys)
    return keys


def _key_and_line(result: dict[str, Any], facts: _Facts | None,
                  mapping: Mapping) -> tuple[str | None, int | None]:
    """The front-matter key a result's path comes from, and the line to look at.

    The focus's own ``kg:line`` wins (a speaker's entry: the result is about that
    entry); else the line of the first kept front-matter entry of one of the path's
    keys. The graph does not record lines of keys the mapping maps to properties unless
    their value could not be read: then there is a key but no line.
    """
    facts = facts or _Facts()
    path = result["path"]
    keys = front_matter_keys(mapping, facts.kinds, path) if path and not path.startswith("^") else []
    written = [(facts.key_lines[k], k) for k in keys if k in facts.key_lines]
    if written:
        line, key = min(written)
        return key, facts.line if facts.line is not None else line
    return (keys[0] if keys else None), facts.line


#: What a literal of each datatype is, in an editor's words.
_IS = {
    _XSD_STRING: "text", str(RDF.langString): "text",
    _XSD + "integer": "a number", _XSD + "decimal": "a number", _XSD + "double": "a number",
    _XSD + "float": "a number", _XSD + "boolean": "a yes/no value", _XSD + "date": "a date",
    _XSD + "dateTime": "a date and time", _XSD + "time": "a time", _RDF_JSON: "a list or a set of keys",
}
#: What a shape's ``sh:datatype`` asks for, in an editor's words.
_SHOULD_BE = {
    _XSD_STRING: "text", _XSD + "integer": "a whole number", _XSD + "decimal": "a number",
    _XSD + "date": "a plain date (YYYY-MM-DD)", _XSD + "boolean": "true or false",
}


def datatype_wording(key: str, value: str, datatype: str, expected: str | None) -> tuple[str, str]:
    """Message and hint for front-matter key ``key`` whose ``value`` has the wrong type.

    YAML reads ``title: 2024`` as a number; SHACL then says only that the event has no
    title of type text, which reads as "no title". This says what the value is, and
    how to write it instead.

    Args:
        key: the front-matter key, e.g. ``title``.
        value: the value as text, e.g. ``2024``.
        datatype: the value's datatype IRI (``xsd:integer``…).
        expected: the datatype IRI the shape asks for, if known.

    Returns:
        ``("`title:` is a number (2024), not text", 'put it in quotes: `title: "2024"`')``.
    """
    is_ = _IS.get(datatype, "a value of another type")
    should = _SHOULD_BE.get(expected or "") or (
        f"of type {expected.rpartition('#')[2]}" if expected else "of the type asked for")
    if datatype == expected:  # an ill-typed literal, e.g. "x"^^xsd:integer
        message = f"`{key}:` {value!r} is not {should}"
    else:
        message = f"`{key}:` is {is_} ({value}), not {should}"
    if expected == _XSD_STRING:
        if datatype == _RDF_JSON:
            hint = f"write `{key}:` as one line of text"
        else:
            hint = f'put it in quotes: `{key}: "{value}"`'
    elif expected == _XSD + "integer":
        hint = f"write a whole number, e.g. `{key}: 3`"
    elif expected == _XSD + "date":
        day = value[:10] if datatype == _XSD + "dateTime" else "YYYY-MM-DD"
        hint = f"write the day alone: `{key}: {day}`"
    elif expected == _XSD + "boolean":
        hint = f"write `{key}: true` or `{key}: false`"
    else:
        hint = f"write `{key}:` as {should}"
    return message, hint


# -- the site linter: build diagnostics and SHACL results, grouped by file ------------

#: SHACL findings already reported, with a line number, by a build diagnostic.
_COVERED = {
    "https://schema.org/startDate": ("missing-date", "bad-date"),
    KG + "link": ("bad-url",),
    "https://schema.org/url": ("bad-url",),
    KG + "completed": ("bad-boolean",),
}


@dataclass
class Problem:
    """One thing for a site's editor to fix, in one file."""

    severity: str  # "error" | "warning" | "info"
    message: str
    line: int | None = None
    code: str | None = None
    hint: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The problem as a JSON-ready dict, without empty fields."""
        return {k: v for k, v in asdict(self).items() if v is not None}


@dataclass
class LintReport:
    """Every problem of a site, by the file to fix (``None``: not tied to one file)."""

    files: dict[str | None, list[Problem]]
    checked: int
    #: why the SHACL check stopped before its end (a bug), else ``None``
    error: str | None = None

    def count(self, severity: str) -> int:
        """How many problems of ``severity``."""
        return sum(p.severity == severity for ps in self.files.values() for p in ps)

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data."""
        return {"files_checked": self.checked, "errors": self.count("error"),
                "warnings": self.count("warning"),
                "files": {k or "": [p.to_dict() for p in v] for k, v in self.files.items()}}


def lint(graph: KnowledgeGraph, shapes: str | Path | None = None, infos: bool = False) -> LintReport:
    """Combine a build's diagnostics and the SHACL results into one report by file.

    A SHACL finding that a build diagnostic already reports (with its line) is left
    out, as are findings about unresolved references (the build lists each one where
    it is written) and "more than one value" for a key written twice (the build's
    ``duplicate-key`` warning says which value Jekyll keeps). SHACL violations count as
    errors.

    Two findings are worded for the file rather than for the graph: a file in a
    collection folder with no front matter (a static file for Jekyll, e.g. a
    ``_events/README.md``: move it out, or give it front matter), and a page with
    neither title nor date (one problem, not two: most likely a file that is no event
    at all, which Jekyll still lists among the events).
    """
    diags = graph.report.get("diagnostics", [])
    mapping = mapping_of(graph)
    shacl = validate_graph(graph, shapes, mapping)
    results, undated = unsaid(shacl.results, graph.report, mapping, infos)
    files: dict[str | None, list[Problem]] = {}
    for d in diags:
        if d["severity"] == "info" and not infos:
            continue
        path = d.get("path")
        if d.get("code") == "missing-date" and path in undated:
            files.setdefault(path, []).append(_untitled_and_undated(path, d, mapping))
            continue
        message, hint = d["message"], d.get("hint")
        if d.get("code") == "no-front-matter" and path:
            message, hint = _static_file_wording(path, mapping, message, hint)
        files.setdefault(path, []).append(Problem(d["severity"], message, d.get("line"), d.get("code"), hint))
    for r in results:
        shown = r.value is not None and r.value != r.focus and f"({r.value})" not in r.message
        value = f" (value: {r.value})" if shown else ""
        files.setdefault(r.source, []).append(Problem(
            "error" if r.severity == "violation" else r.severity, r.message + value, r.line, "shape", r.hint))
    broken = {d.get("path") for d in diags if d["severity"] == "error"}
    for path in broken:  # a file that could not be read: its other findings only follow from that
        files[path] = [p for p in files.get(path, []) if p.severity == "error" and p.code != "shape"]
    ordered = {k: sorted(v, key=lambda p: (p.line or 0, p.severity, p.message))
               for k, v in sorted(files.items(), key=lambda kv: (kv[0] is None, kv[0] or ""))}
    return LintReport(ordered, graph.report.get("files", 0), shacl.error)


def unsaid(results: list[ShapeResult], report: dict[str, Any], mapping: Mapping,
           infos: bool = False) -> tuple[list[ShapeResult], set[str | None]]:
    """The SHACL ``results`` a build's diagnostics (in its ``report``) do not already
    say, and the files whose missing title is said with their missing date.

    Left out: infos (unless ``infos``), findings about unresolved references (the build
    lists each one where it is written), those a build diagnostic reports with its line
    (a bad date, URL or boolean), "more than one value" for a key written twice (the
    ``duplicate-key`` warning says which value Jekyll keeps), and a missing title of a
    page whose date is missing too (one problem: see :func:`_untitled_and_undated`).
    """
    diags = report.get("diagnostics", [])
    labels = {kind.label for kind in mapping.kinds.values()}
    results = [r for r in results
               if (infos or r.severity != "info") and not (r.shape and r.shape.endswith("UnresolvedShape"))]
    untitled = {r.source for r in results
                if r.source and r.key in labels and r.constraint == "sh:MinCountConstraintComponent"}
    undated = {d.get("path") for d in diags if d.get("code") == "missing-date"} & untitled
    twice = _written_twice(report)
    said = {(d.get("path"), d.get("code", "")) for d in diags if infos or d["severity"] != "info"}
    out = []
    for r in results:
        if r.source in undated and r.key in labels and r.constraint == "sh:MinCountConstraintComponent":
            continue  # said with the missing date
        if any((r.source, code) in said for code in _COVERED.get(r.path or "", ())):
            continue
        if r.constraint == _MAX_COUNT and (r.source, r.key) in twice:
            continue  # said by the duplicate-key warning, at its line
        out.append(r)
    return out, undated


def _collection(path: str, mapping: Mapping) -> tuple[str, Kind | None] | None:
    """The collection folder a site file is in (``_events``) and the kind the mapping
    gives that collection; ``None`` for a file in no collection folder."""
    for folder in PurePosixPath(path).parts[:-1]:
        if folder.startswith("_") and len(folder) > 1:
            return folder, mapping.kind_of_collection(folder[1:])
    return None


def _a(noun: str) -> str:
    return ("an " if noun[:1].lower() in "aeiou" else "a ") + noun


def _static_file_wording(path: str, mapping: Mapping, message: str, hint: str | None) -> tuple[str, str | None]:
    """The build's "no front matter" in the words of the collection the file is in.

    Jekyll makes no document of a collection file without front matter: it is a static
    file, copied as it is (checked with Jekyll 4.3: ``_events/README.md`` is written to
    ``_site/events/README.md`` and is not in ``site.events``). kg reads it the same way.
    """
    where = _collection(path, mapping)
    if where is None or where[0] in ("_posts", "_drafts"):
        # not so for posts: Jekyll makes a post of `_posts/2024-01-01-x.md` without front
        # matter, and ignores a `_posts/README.md` (no date in its name)
        return message, hint
    folder, kind = where
    noun = kind.name if kind else "page"
    keys = [kind.label if kind else "title"] + (kind.date_keys[:1] if kind else [])
    return (f"no front matter, so for Jekyll this file is not {_a(noun)} but a static file "
            f"(copied to the site as it is, if the collection is published)",
            f"if it is notes for the site's editors (a README), move it out of `{folder}/` or list it "
            f"under `exclude:` in _config.yml; to make it {_a(noun)}, start it with a `---` line, "
            + " and ".join(f"`{k}:`" for k in keys) + ", and a closing `---`")


def _untitled_and_undated(path: str, missing_date: dict[str, Any], mapping: Mapping) -> Problem:
    """One problem for a page with front matter but neither title nor date."""
    where = _collection(path, mapping)
    folder, kind = where if where is not None else (None, None)
    noun = kind.name if kind else "page"
    title = kind.label if kind else "title"
    date = missing_date.get("key") or (kind.date_keys[0] if kind and kind.date_keys else "date")
    move = (f"move it out of `{folder}/` or list it under `exclude:` in _config.yml"
            if folder else "list it under `exclude:` in _config.yml")
    return Problem(
        "error", f"Jekyll makes {_a(noun)} of this file (it starts with front matter), "
        f"but it has no `{title}:` and no `{date}:`", missing_date.get("line") or 1, "untitled-and-undated",
        f"if it is not {_a(noun)} (a README, notes for the site's editors), {move}; "
        f"if it is, add `{title}:` and `{date}: YYYY-MM-DD` to its front matter")


def format_lint(report: LintReport) -> str:
    """The lint report as text for a person: files, then their problems by line.

    Each problem reads ``  LINE: SEVERITY: what. Hint: how`` under its file's path; the
    last line counts what was found.
    """
    lines = []
    for path, problems in report.files.items():
        lines.append(path or "(across files)")
        for p in problems:
            where = f"{p.line}: " if p.line else ""
            lines.append(f"  {where}{p.severity}: {with_hint(p.message, p.hint)}")
    lines.append(f"{counted(report.checked, 'file')} checked: {counted(report.count('error'), 'error')}, "
                 f"{counted(report.count('warning'), 'warning')} in "
                 f"{counted(len([k for k in report.files if k]), 'file')}")
    return "\n".join(lines) + "\n"


# -- the JSON-LD the site embeds ------------------------------------------------------

JSONLD_SHAPES_FILE = "jsonld-shapes.ttl"
#: schema.org's JSON-LD context, as far as kg's JSON-LD uses it, so no context is fetched.
_SCHEMA_CONTEXT = {"@vocab": "https://schema.org/", "url": {"@type": "@id"}}


def validate_jsonld(documents: dict[str, dict[str, Any]]) -> ValidationResult:
    """Check the schema.org JSON-LD of each event (as ``kg related --site`` writes it)
    against ``ontology/jsonld-shapes.ttl``.

    ``documents`` maps a page path to its JSON-LD object. The schema.org context is
    mapped locally, never fetched. Results name the page path as their ``source``: the
    first document that describes the focus node.

    Raises:
        ShapesError: the packaged shapes are broken (an install problem).
    """
    started = time.perf_counter()
    owner: dict[str, str] = {}

    def data() -> rdflib.Graph:
        merged = rdflib.Graph()
        for path, doc in documents.items():
            # each document parsed by itself, so that its subjects are known without
            # looking through all the others' (quadratic over a site's events)
            one = rdflib.Graph(bind_namespaces="none")  # (binding the usual prefixes: half the time)
            one.parse(data=json.dumps({**doc, "@context": _SCHEMA_CONTEXT}), format="json-ld")
            for s in one.subjects(unique=True):
                owner.setdefault(_text(s), path)
            merged.addN((s, p, o, merged) for s, p, o in one)
        return merged

    try:
        results = _run_shacl(_packaged(JSONLD_SHAPES_FILE), data)
    except _Stopped as exc:
        return _stopped_result(str(exc), started)
    out = [ShapeResult(focus=r["focus"] or "", path=r["path"], severity=r["severity"], message=r["message"],
                       value=r["value"], source=owner.get(r["focus"] or ""), shape=r["shape"],
                       constraint=r["constraint"]) for r in results]
    return ValidationResult(conforms=not any(r.severity == "violation" for r in out), results=out,
                            seconds=time.perf_counter() - started)
