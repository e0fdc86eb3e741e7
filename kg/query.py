"""Named SPARQL queries: load ``queries/*.rq`` by name, bind parameters, format results.

A query file starts with a header of comments::

    # description: Everyone on stage at each event.
    # param event (iri, optional): only this event

and marks where each parameter goes with a binding slot, ``VALUES ?event { UNDEF }``.
kg fills a slot with an RDF term built and escaped by the RDF library (an IRI checked
for validity, or a literal), never by pasting text into the query; a slot left ``UNDEF``
leaves the variable unbound, which is how optional parameters work.
"""
from __future__ import annotations

import csv
import io
import json
import os
import re
import sys
import threading
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Callable

import pyoxigraph as ox

from .errors import QueryError, closest, with_hint
from .resolve import page_variants
from .store import KnowledgeGraph

PARAM_TYPES = ("iri", "text", "integer", "date")
FORMATS = ("table", "csv", "tsv", "json", "turtle", "ntriples")
ROW_FORMATS = ("table", "csv", "tsv", "json")
"""What a SELECT's rows (and an ASK's answer) can be written as; ``turtle`` and ``ntriples``
are for the triples of a CONSTRUCT or DESCRIBE (for which ``table`` means Turtle)."""
_TSV_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_HEADER = re.compile(r"^#\s*(description|param)\b\s*(.*)$")
_PARAM = re.compile(r"^(?P<name>[A-Za-z_]\w*)\s*(?:\((?P<opts>[^)]*)\))?\s*:\s*(?P<doc>.*)$")
_SLOT = re.compile(r"VALUES\s+\?(?P<name>[A-Za-z_]\w*)\s*\{\s*UNDEF\s*\}")
#: a parameter's doc that ends by listing its only values: ``…, one of event, person or topic``
_CHOICES = re.compile(r"\bone of:?\s+(?P<list>(?:[A-Za-z][\w-]*,\s*)*[A-Za-z][\w-]*,?\s+or\s+[A-Za-z][\w-]*)\.?\s*$")
_PREFIX_DECL = re.compile(r"^\s*PREFIX\s+(?P<prefix>[A-Za-z][\w.-]*)?:\s*<(?P<iri>[^<>\s]*)>", re.I | re.M)
#: where Oxigraph's parser says a syntax error is: ``error at 2:27: expected …`` (or ``2:27-2:30``)
_OX_SYNTAX = re.compile(r"^error at (?P<line>\d+):(?P<col>\d+)(?:-\d+:\d+)?:\s*(?P<what>.*)$", re.S)


MAX_QUERY_BYTES = 100_000

# What a query's text means once strings, IRIs and comments are blanked out.
_LEXEMES = re.compile(r'''
    (?P<string>"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^'\\]|\\.|'(?!''))*\'\'\'
              |"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<comment>\#[^\r\n]*)
''', re.X)
_FORBIDDEN = re.compile(r"(?<![\w:?$.@-])(SERVICE|LOAD|INSERT|DELETE|CLEAR|DROP|CREATE|ADD|MOVE|COPY)(?![\w:-])",
                        re.I)
_SERVICE_ANYWHERE = re.compile("service", re.I)
#: where kg's reading of a query and rdflib's could part from the engine's: a carriage
#: return alone ends a comment for the engine only; rdflib turns \u escapes into
#: characters before it parses, the engine only inside strings
_UNCHECKABLE = re.compile(r"\r(?!\n)|\\[uU]")
SERVICE_CHECK_CHARS = 4000  # rdflib's parser takes about a second for 4,000 characters at worst
_PARSING = threading.Lock()  # rdflib's parser is not safe to run in several threads at once
_FORM = re.compile(r"(?<![\w:?$])(SELECT|CONSTRUCT|DESCRIBE|ASK)(?![\w:-])", re.I)


class Refused(QueryError):
    """A query kg will not run: an update, ``LOAD`` or ``SERVICE`` (HTTP status in ``status``)."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def blanked(query: str) -> str:
    """A query's text with its IRIs and comments blanked and its strings emptied, so
    that a keyword found in what is left is one (as far as tokens alone can tell)."""
    return _LEXEMES.sub(lambda m: " " if m.lastgroup != "string" else '""', query)


def screen(query: str, read_only: str = "this endpoint is read-only") -> str:
    """Check a query before it reaches the engine; return its form (SELECT, ASK…).

    ``read_only`` ends the message that refuses an update (``INSERT: …``): it says why
    where the query was sent. The form of each of the last few hundred texts that passed
    is remembered (a query a page or a script sends again is not read again).

    Raises:
        Refused: an update, ``LOAD`` or ``SERVICE``, or no query form at all.
    """
    return _screened(query, read_only)


@lru_cache(maxsize=256)  # only what passed is kept: a refusal is raised, never cached
def _screened(query: str, read_only: str) -> str:
    """:func:`screen`'s work."""
    if len(query.encode("utf-8")) > MAX_QUERY_BYTES:
        raise Refused(f"query longer than {MAX_QUERY_BYTES} bytes", 413)
    bare = blanked(query)
    bad = _FORBIDDEN.search(bare)
    if bad:
        word = bad.group(1).upper()
        if word == "SERVICE":
            raise Refused("SERVICE (federated queries to other endpoints) is refused here", 403)
        raise Refused(f"{word}: {read_only}", 403)
    form = _FORM.search(bare)
    if not form:
        raise Refused("not a SPARQL query: expected SELECT, CONSTRUCT, DESCRIBE or ASK")
    if _SERVICE_ANYWHERE.search(query):
        _check_no_service(query)
    return form.group(1).upper()


def _check_no_service(query: str) -> None:
    """Refuse ``query`` unless a SPARQL parser finds no ``SERVICE`` call in it.

    The check above reads the text token by token, and a token alone can be read two
    ways: in ``FILTER(1<2)SERVICE#>`` the engine reads ``<`` as less-than, while
    ``<2)SERVICE#>`` is also an IRI. So whenever the word appears at all, rdflib's
    parser (which reads by the grammar, as the engine does) has the last word, and a
    query it cannot read is refused.

    Raises:
        Refused: a SERVICE call, or a query the parser cannot read.
    """
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parser import parseQuery
    from rdflib.plugins.sparql.parserutils import CompValue

    if len(query) > SERVICE_CHECK_CHARS:
        raise Refused(f"the query has the word SERVICE and is longer than {SERVICE_CHECK_CHARS} characters, "
                      f"more than kg's check for SERVICE calls reads", 413)
    if _UNCHECKABLE.search(query):
        raise Refused("the query has the word SERVICE and a carriage return without a line feed, or a \\u "
                      "escape, which kg's check for SERVICE calls cannot read as the engine does")
    with _PARSING:
        limit = sys.getrecursionlimit()
        sys.setrecursionlimit(max(limit, 20_000))  # the parser recurses once a nested part
        try:
            tree = parseQuery(query)
        except Exception as exc:  # noqa: BLE001 - whatever the parser raises, the query is not run
            detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise Refused(f"the query has the word SERVICE and kg cannot read it to make sure it calls no "
                          f"other endpoint ({detail})") from exc
        finally:
            sys.setrecursionlimit(limit)
    stack: list[Any] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, CompValue):
            if node.name == "ServiceGraphPattern":
                raise Refused("SERVICE (federated queries to other endpoints) is refused here", 403)
            stack.extend(node.values())
        elif isinstance(node, (list, tuple, ParseResults)):
            stack.extend(node)
        elif isinstance(node, dict):
            stack.extend(node.values())



@dataclass(frozen=True)
class Param:
    """A declared query parameter."""

    name: str
    type: str = "text"
    optional: bool = False
    description: str = ""
    choices: tuple[str, ...] = ()
    """The only values the parameter takes, when its doc ends by listing them
    (``…, one of event, person or topic``); empty: any value of its type."""


@dataclass(frozen=True)
class Query:
    """A named query read from a ``.rq`` file."""

    name: str
    text: str
    description: str
    params: tuple[Param, ...] = field(default_factory=tuple)
    path: str = ""

    def param(self, name: str) -> Param | None:
        """The declared parameter called ``name``, if any."""
        return next((p for p in self.params if p.name == name), None)

    def slots(self) -> list[str]:
        """Variables with a binding slot in the query text."""
        return [m["name"] for m in _SLOT.finditer(_strip_comments(self.text))]


def _strip_comments(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))


def parse_query(text: str, name: str, path: str = "") -> Query:
    """Read a query's header (description and parameters).

    Raises:
        QueryError: a parameter line is malformed or has an unknown type.
    """
    description, params = "", []
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        m = _HEADER.match(line)
        if not m:
            continue
        if m[1] == "description":
            description = (description + " " + m[2].lstrip(":").strip()).strip()
            continue
        pm = _PARAM.match(m[2].strip())
        if not pm:
            raise QueryError(f"bad parameter line: {line.strip()!r}", path=path or name, line=lineno,
                             hint="write `# param NAME (TYPE[, optional]): what it is`")
        opts = [o.strip() for o in (pm["opts"] or "text").split(",") if o.strip()]
        ptype = next((o for o in opts if o in PARAM_TYPES), "text")
        unknown = [o for o in opts if o not in PARAM_TYPES and o != "optional"]
        if unknown:
            raise QueryError(f"unknown parameter option(s) {', '.join(unknown)}", path=path or name,
                             line=lineno, hint=f"types: {', '.join(PARAM_TYPES)}; or `optional`")
        doc = pm["doc"].strip()
        listed = _CHOICES.search(doc) if ptype == "text" else None
        choices = tuple(re.split(r",\s*|,?\s+or\s+", listed["list"])) if listed else ()
        params.append(Param(pm["name"], ptype, "optional" in opts, doc, choices))
    return Query(name, text, description, tuple(params), path)


def names() -> list[str]:
    """The names of the packaged queries."""
    return sorted(Path(str(p)).stem for p in resources.files("kg.queries").iterdir()
                  if str(p).endswith(".rq"))


def internal(name: str) -> str:
    """The text of one of kg's own queries (``queries/internal/NAME.rq``), which other modules
    run; they are not in the named-query catalogue."""
    return (resources.files("kg.queries") / "internal" / f"{name}.rq").read_text(encoding="utf-8")


def load(name_or_path: str) -> Query:
    """A packaged query by name (``speakers``) or a query file by path (``my.rq``).

    Raises:
        QueryError: no such query.
    """
    if name_or_path.endswith(".rq") or "/" in name_or_path:
        path = Path(name_or_path)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise QueryError(f"cannot read query file: {exc.strerror}", path=path) from exc
        try:
            text = data.decode("utf-8").removeprefix("\ufeff")  # (a byte order mark some editors write)
        except UnicodeDecodeError as exc:
            raise QueryError(f"the query file is not UTF-8 text (byte {data[exc.start]:#04x})", path=path,
                             line=data[:exc.start].count(b"\n") + 1,
                             hint="save it as UTF-8") from exc
        return parse_query(text, path.stem, str(path))
    try:  # a packaged query is read again only when its file changed (kg serve runs for days)
        st = os.stat(os.path.join(str(_package()), f"{name_or_path}.rq"))
    except OSError:  # not there, or the package is not a folder (a zip)
        st = None
    if st is not None:
        held = _LOADED.get(name_or_path)
        if held is not None and held[0] == (st.st_mtime_ns, st.st_size, st.st_ino):
            return held[1]
    res = _package() / f"{name_or_path}.rq"
    if not res.is_file():
        raise QueryError(f"no query named {name_or_path!r}",
                         hint=f"known queries: {', '.join(names())}; or pass a .rq file")
    query = parse_query(res.read_text(encoding="utf-8"), name_or_path, f"queries/{name_or_path}.rq")
    if st is not None:
        _LOADED[name_or_path] = ((st.st_mtime_ns, st.st_size, st.st_ino), query)
    return query


@lru_cache(maxsize=None)
def _package() -> Any:
    """Where the packaged queries are (an ``importlib.resources`` Traversable)."""
    return resources.files("kg.queries")


#: packaged queries as loaded: name -> (their file's modification time, size and inode, the query)
_LOADED: dict[str, tuple[tuple[int, int, int], Query]] = {}


def term(param: Param, value: str, base_url: str | None = None) -> ox.NamedNode | ox.Literal:
    """The RDF term for a parameter value given as text.

    Raises:
        QueryError: the value does not fit the parameter's type.
    """
    value = str(value)
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:  # bytes that were not UTF-8, as Python hands them on (surrogates)
        raise QueryError(f"parameter {param.name!r} is not valid text: {value!r} has bytes that are not UTF-8",
                         hint="give the value as UTF-8 text (is the terminal or script in another encoding?)") from exc
    if param.type == "iri":
        if value.startswith("/") and base_url:
            value = base_url.rstrip("/") + value
        try:
            return ox.NamedNode(value)
        except ValueError as exc:
            raise QueryError(f"parameter {param.name!r} must be an IRI, got {value!r}",
                             hint="give a full https://… address or a site path such as /events/x") from exc
    if param.type == "integer":
        if not re.fullmatch(r"[-+]?\d+", value.strip()):
            raise QueryError(f"parameter {param.name!r} must be a whole number, got {value!r}")
        return ox.Literal(value.strip(), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))
    if param.type == "date":
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
            raise QueryError(f"parameter {param.name!r} must be a date YYYY-MM-DD, got {value!r}")
        return ox.Literal(value.strip(), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#date"))
    if param.choices and value not in param.choices:
        near = closest(value.strip(), param.choices)
        raise QueryError(f"parameter {param.name!r} must be one of {', '.join(param.choices)}; got {value!r}",
                         hint=f"did you mean {near!r}?" if near is not None else None)
    return ox.Literal(value)


def bind(query: Query, params: dict[str, str], base_url: str | None = None) -> str:
    """The query text with each given parameter's slot filled with its RDF term.

    Raises:
        QueryError: an unknown parameter, or a required one missing.
    """
    for key in params:
        if query.param(key) is None:
            known = ", ".join(p.name for p in query.params) or "none"
            raise QueryError(f"query {query.name!r} has no parameter {key!r}", hint=f"its parameters: {known}")
    for p in query.params:
        if not p.optional and p.name not in params:
            raise QueryError(f"query {query.name!r} needs parameter {p.name!r} ({p.description})",
                             hint=f"add --param {p.name}=VALUE", key=p.name)
    slots = {m["name"] for m in _SLOT.finditer(blanked_comments(query.text))}
    for key in params:
        if key not in slots:  # a value that would change nothing: never an answer that ignores it
            raise QueryError(f"query {query.name!r} declares parameter {key!r} but has no "
                             f"`VALUES ?{key} {{ UNDEF }}` for its value", path=query.path or None,
                             hint=f"add `VALUES ?{key} {{ UNDEF }}` where the query uses ?{key}")
    terms = {k: str(term(query.param(k), v, base_url)) for k, v in params.items()}

    def fill(m: re.Match) -> str:
        t = terms.get(m["name"])
        return f"VALUES ?{m['name']} {{ {t} }}" if t is not None else m.group(0)
    return _SLOT.sub(fill, query.text)


@dataclass
class Result:
    """A query's result. A SELECT gives column names and rows of RDF terms (``None`` =
    unbound); an ASK gives ``boolean``; a CONSTRUCT or DESCRIBE gives ``triples`` (and the
    query's ``prefixes``, which name IRIs when they are written as Turtle)."""

    columns: list[str]
    rows: list[list[Any]]
    boolean: bool | None = None
    triples: list[ox.Triple] | None = None
    prefixes: dict[str, str] = field(default_factory=dict)
    #: what the reader should know about how the query was run (an address given that
    #: names nothing in the graph, or that was read as another way of writing one)
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The SPARQL 1.1 Query Results JSON document (rows, or an ASK's boolean).

        Raises:
            QueryError: the result is triples, which that format cannot hold.
        """
        if self.boolean is not None:
            return {"head": {}, "boolean": self.boolean}
        if self.triples is not None:
            raise QueryError("a CONSTRUCT or DESCRIBE query gives triples, which SPARQL results JSON cannot hold",
                             hint="write them as turtle or ntriples")
        bindings = []
        for row in self.rows:
            b = {}
            for col, v in zip(self.columns, row):
                if v is not None:
                    b[col] = _json_term(v)
            bindings.append(b)
        return {"head": {"vars": self.columns}, "results": {"bindings": bindings}}

    def records(self) -> list[dict[str, Any]]:
        """Rows as dicts of plain values (strings, numbers for typed numerals)."""
        return [{c: _plain(v) for c, v in zip(self.columns, row)} for row in self.rows]


def _json_term(v: Any) -> dict[str, str]:
    if isinstance(v, ox.NamedNode):
        return {"type": "uri", "value": v.value}
    if isinstance(v, ox.BlankNode):
        return {"type": "bnode", "value": v.value}
    out = {"type": "literal", "value": v.value}
    if v.language:
        out["xml:lang"] = v.language
    elif v.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        out["datatype"] = v.datatype.value
    return out


def _plain(v: Any) -> Any:
    if v is None:
        return None
    if isinstance(v, ox.BlankNode):
        return "_:" + v.value  # told apart from a string
    if isinstance(v, ox.Literal) and v.datatype.value.endswith("#integer"):
        return int(v.value)
    return v.value


DEFAULT_TIMEOUT = 60.0
"""Seconds a remote store may take to answer (each read from it), unless told otherwise
(``kg query/push --endpoint``, :class:`kg.remote.RemoteStore`). Its one home is here, not
in :mod:`kg.remote`, so that ``kg query`` on a graph folder does not import that."""
LOCAL_READ_ONLY = "kg query only reads a graph, which changes when the site does (edit it, run kg build)"
REMOTE_READ_ONLY = "kg query only reads a store, which kg push changes"


def check(query: Query, text: str, read_only: str = LOCAL_READ_ONLY) -> str:
    """Screen ``text``, ``query`` with its parameters bound, before any engine or store
    sees it (see :func:`screen`); return its form (``SELECT``, ``ASK``, ``CONSTRUCT``,
    ``DESCRIBE``).

    Raises:
        QueryError: an update, ``LOAD`` or ``SERVICE`` (the engine would follow SERVICE
            to any host), or no query at all; the message names the query's file.
    """
    try:
        return screen(text, read_only)
    except Refused as exc:
        if exc.status == 413 and len(query.text.encode("utf-8")) <= MAX_QUERY_BYTES:  # the values made it so
            raise QueryError(f"query {query.name!r} refused: with its parameter values it is longer than "
                             f"{MAX_QUERY_BYTES} bytes", hint="give shorter parameter values") from exc
        raise QueryError(f"query {query.name!r} refused: {exc.message}", path=query.path or None) from exc


def prefixes(text: str) -> dict[str, str]:
    """The ``PREFIX`` declarations of a query, for writing its triples as Turtle."""
    return {m["prefix"] or "": m["iri"] for m in _PREFIX_DECL.finditer(blanked_comments(text))}


def blanked_comments(text: str) -> str:
    """``text`` without its comments (a ``#`` inside an IRI or a string is kept)."""
    return _LEXEMES.sub(lambda m: " " if m.lastgroup == "comment" else m.group(0), text)


def result_of(answer: Any, prefix_map: dict[str, str] | None = None) -> Result:
    """A :class:`Result` from what an engine answered: pyoxigraph's solutions, boolean or
    triples, or the answer of rdflib's engine to an ASK, CONSTRUCT or DESCRIBE. Solutions
    are read here, so an error the engine meets while evaluating is raised here."""
    if isinstance(answer, ox.QueryBoolean):
        return Result([], [], boolean=bool(answer))
    if isinstance(answer, ox.QueryTriples):
        return Result([], [], triples=list(answer), prefixes=dict(prefix_map or {}))
    if hasattr(answer, "variables"):
        columns = [v.value for v in answer.variables]
        return Result(columns, [[sol[c] for c in columns] for sol in answer])
    from .store import from_rdflib  # rdflib's answer to an ASK, CONSTRUCT or DESCRIBE

    if answer.type == "ASK":
        return Result([], [], boolean=bool(answer.askAnswer))
    return Result([], [], triples=[ox.Triple(*(from_rdflib(t) for t in triple)) for triple in answer.graph],
                  prefixes=dict(prefix_map or {}))


class QuerySyntaxError(QueryError):
    """A query that its engine cannot parse: ``str()`` is ``path:line:column: …``."""

    def __init__(self, message: str, *, path: str | None, line: int, column: int, hint: str | None = None) -> None:
        super().__init__(message, path=path, line=line, hint=hint)
        self.column = column

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}:{self.column}: " if self.path else \
            f"line {self.line}, column {self.column}: "
        return with_hint(where + self.message, self.hint)


def engine_error(query: Query, exc: BaseException) -> QueryError:
    """What the engine's error ``exc`` means for ``query``: a syntax error where the
    file has it (Oxigraph's ``error at 2:27: …``, rdflib's pyparsing exceptions), else
    the engine's message."""
    text = str(exc).strip()
    path = query.path or None
    m = _OX_SYNTAX.match(text)
    if m:
        return QuerySyntaxError(f"query {query.name!r} failed: SPARQL syntax error: {_expected(m['what'])}",
                                path=path, line=int(m["line"]), column=int(m["col"]))
    if type(exc).__module__.startswith("pyparsing") and getattr(exc, "lineno", None):
        what = re.sub(r"\s*\(at char \d+\).*$", "", text, flags=re.S)
        return QuerySyntaxError(f"query {query.name!r} failed: SPARQL syntax error: {' '.join(what.split())}",
                                path=path, line=exc.lineno, column=exc.col)  # type: ignore[attr-defined]
    first = text.splitlines()[0] if text else type(exc).__name__
    return QueryError(f"query {query.name!r} failed: {first}", path=path)


def _expected(what: str, most: int = 8) -> str:
    """Oxigraph's account of a syntax error, which can list dozens of tokens, said shortly."""
    what = " ".join(what.split())
    if "Prefix not found" in what:
        return "a prefix that no PREFIX line declares"
    head, sep, listed = what.partition("expected one of ")
    items = listed.split(", ")
    if sep and len(items) > most:
        return f"{head}{sep}{', '.join(items[:most])}, …"
    return what


def _address_in(g: KnowledgeGraph, iri: str, name: str, notes: list[str]) -> str:
    """``iri`` when the graph has it; else the one other way of writing a page's address
    that it has (see :func:`kg.resolve.page_variants`), noted; else ``iri``, with a note
    that it names nothing."""
    return address_among(lambda iris: _in_graph(g, iris), iri, name, notes)


def address_among(present: Callable[[list[str]], list[str]], iri: str, name: str, notes: list[str]) -> str:
    """As :func:`_address_in`, with ``present`` telling which of some IRIs are nodes of the
    graph (in order): ``kg serve`` asks its engine."""
    if present([iri]):
        return iri
    found = present(page_variants(iri))
    if len(found) == 1:
        notes.append(f"parameter {name!r}: {iri} is not in the graph; read as {found[0]}")
        return found[0]
    notes.append(f"parameter {name!r}: nothing in the graph has the address {iri}"
                 + (f" (it has {', '.join(found)})" if found else ""))
    return iri


def _in_graph(g: KnowledgeGraph, iris: list[str]) -> list[str]:
    """Those of ``iris`` that are nodes of the graph, in order (one query for them all)."""
    nodes = sparql_nodes(iris)
    if len(nodes) == 1:  # (every run with an IRI parameter asks this: an ASK takes 0.6 times as long)
        [(iri, node)] = nodes.items()
        return [iri] if g.query(f"ASK {{ {{ {node} ?p ?o }} UNION {{ ?s ?p {node} }} }}") else []
    if not nodes:
        return []
    there = {row["v"].value for row in g.query(nodes_present(nodes))}
    return [i for i in nodes if i in there]


def sparql_nodes(iris: list[str]) -> dict[str, str]:
    """Each of ``iris`` Oxigraph takes as an IRI, as SPARQL writes it (the others name no node)."""
    nodes: dict[str, str] = {}
    for iri in iris:
        try:
            nodes[iri] = str(ox.NamedNode(iri))
        except ValueError:
            continue
    return nodes


def nodes_present(nodes: dict[str, str]) -> str:
    """A SELECT of those of ``nodes`` (see :func:`sparql_nodes`) the graph has, as ``?v``."""
    return (f"SELECT ?v WHERE {{ VALUES ?v {{ {' '.join(nodes.values())} }} "
            "FILTER(EXISTS { ?v ?p ?o } || EXISTS { ?s ?p ?v }) }")


def run_query(query: str | Query, graph: KnowledgeGraph | str | Path = "graphs", *,
              engine: str = "oxigraph", **params: str) -> Result:
    """Run a named query (or a ``.rq`` path) over a built graph.

    Any SPARQL query form runs: a SELECT gives rows, an ASK ``Result.boolean``, a
    CONSTRUCT or DESCRIBE ``Result.triples``.

    Args:
        query: a query name such as ``"speakers"``, a ``.rq`` path, or a :class:`Query`.
        graph: a :class:`KnowledgeGraph` or the folder ``kg build`` wrote.
        engine: for a folder, ``oxigraph`` (default) or ``rdflib`` (see :func:`kg.open_graph`).
        **params: parameter values as text, e.g. ``event="/events/x"``.

    Raises:
        QueryError: unknown query or parameter, bad value, an update or SERVICE call, or
            a SPARQL error (a syntax error as :class:`QuerySyntaxError`, with its place).
        StoreError: no built graph in the folder.
    """
    from .store import RdflibGraph, open_graph

    q = query if isinstance(query, Query) else load(query)
    g = graph if isinstance(graph, KnowledgeGraph) else open_graph(graph, engine)
    iri_params = [p for p in q.params if p.type == "iri" and p.name in params]
    base_url = g.report.get("base_url") if iri_params else None
    notes: list[str] = []
    if iri_params:
        params = dict(params)
        for p in iri_params:
            params[p.name] = _address_in(g, term(p, params[p.name], base_url).value, p.name, notes)
    text = bind(q, params, base_url)
    check(q, text)
    try:
        answer = g.query(text)
        # errors can come while reading the rows; the prefixes are for writing triples only
        result = result_of(answer, None if hasattr(answer, "variables") else prefixes(text))
        result.notes = notes
        return result
    except (SyntaxError, ValueError, RuntimeError, OSError) as exc:
        raise engine_error(q, exc) from exc
    except Exception as exc:
        if not isinstance(g, RdflibGraph):
            raise
        # rdflib's engine raises pyparsing's exceptions for syntax errors and a bare
        # Exception for some others (an undeclared prefix): all are the query's fault
        raise engine_error(q, exc) from exc


def format_result(result: Result, fmt: str = "table") -> str:
    """Render a result as ``table``, ``csv``, ``tsv`` or ``json`` (SPARQL JSON results);
    an ASK's answer as ``true`` or ``false`` (in ``json``, as SPARQL JSON results);
    the triples of a CONSTRUCT or DESCRIBE as ``turtle`` (also for ``table``) or ``ntriples``.

    Raises:
        QueryError: an unknown format, or one that cannot show this kind of result.
    """
    if fmt not in FORMATS:
        raise QueryError(f"unknown format {fmt!r}", hint=f"one of {', '.join(FORMATS)}")
    if result.triples is not None:
        if fmt in ("table", "turtle"):
            try:
                return ox.serialize(result.triples, format=ox.RdfFormat.TURTLE,
                                    prefixes=result.prefixes).decode("utf-8")
            except ValueError:  # a prefix Turtle cannot declare: write the IRIs whole
                return ox.serialize(result.triples, format=ox.RdfFormat.TURTLE).decode("utf-8")
        if fmt == "ntriples":
            return ox.serialize(result.triples, format=ox.RdfFormat.N_TRIPLES).decode("utf-8")
        raise QueryError(f"a CONSTRUCT or DESCRIBE query gives triples, which format {fmt!r} cannot show",
                         hint="use turtle (the default) or ntriples")
    if fmt not in ROW_FORMATS:
        what = "an ASK query gives true or false" if result.boolean is not None else "a SELECT query gives rows"
        raise QueryError(f"{what}, not triples: format {fmt!r} is for CONSTRUCT and DESCRIBE queries",
                         hint=f"use {', '.join(ROW_FORMATS[:-1])} or {ROW_FORMATS[-1]}")
    if fmt == "json":
        return json.dumps(result.to_json(), indent=2, ensure_ascii=False) + "\n"
    if result.boolean is not None:
        return ("true" if result.boolean else "false") + "\n"
    plain = [["" if v is None else str(_plain(v)) for v in row] for row in result.rows]
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(result.columns)
        writer.writerows(plain)
        return buf.getvalue()
    if fmt == "tsv":  # one line a row, for line-based tools: tabs, line breaks and backslashes escaped
        return "".join("\t".join(c.translate(_TSV_ESCAPES) for c in row) + "\n"
                       for row in [result.columns, *plain])
    return _table(result.columns, plain)


def _table(columns: list[str], rows: list[list[str]], max_width: int = 60) -> str:
    """Rows as columns lined up for a terminal, each cell cut to ``max_width`` columns
    (a wide character, as in Chinese or Japanese, takes two; an accent written as its own
    character, none)."""
    def cut(s: str) -> str:
        s = " ".join(s.split())
        if s.isascii():
            return s if len(s) <= max_width else s[: max_width - 1] + "…"
        taken, end = 0, None
        for i, c in enumerate(s):
            taken += _char_width(c)
            if end is None and taken > max_width - 1:
                end = i  # where the cut goes, if the whole is too wide
            if taken > max_width:
                return s[:end] + "…"
        return s

    def pad(s: str, w: int) -> str:
        return s + " " * (w - _width(s))
    cells = [[cut(c) for c in row] for row in rows]
    widths = [max([_width(c)] + [_width(r[i]) for r in cells]) for i, c in enumerate(columns)]
    line = "  ".join(pad(c, w) for c, w in zip(columns, widths)).rstrip()
    out = [line, "  ".join("-" * w for w in widths)]
    out += ["  ".join(pad(c, w) for c, w in zip(r, widths)).rstrip() for r in cells]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out) + "\n"


def _width(s: str) -> int:
    """How many columns of a terminal ``s`` takes."""
    if s.isascii():
        return len(s)
    return sum(map(_char_width, s))


def _char_width(c: str) -> int:
    return 0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1
