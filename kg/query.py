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
import re
import sys
import threading
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from .errors import QueryError
from .store import KnowledgeGraph

PARAM_TYPES = ("iri", "text", "integer", "date")
FORMATS = ("table", "csv", "tsv", "json")
_TSV_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_HEADER = re.compile(r"^#\s*(description|param)\b\s*(.*)$")
_PARAM = re.compile(r"^(?P<name>[A-Za-z_]\w*)\s*(?:\((?P<opts>[^)]*)\))?\s*:\s*(?P<doc>.*)$")
_SLOT = re.compile(r"VALUES\s+\?(?P<name>[A-Za-z_]\w*)\s*\{\s*UNDEF\s*\}")


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


def screen(query: str) -> str:
    """Check a query before it reaches the engine; return its form (SELECT, ASK…).

    Raises:
        Refused: an update, ``LOAD`` or ``SERVICE``, or no query form at all.
    """
    if len(query.encode("utf-8")) > MAX_QUERY_BYTES:
        raise Refused(f"query longer than {MAX_QUERY_BYTES} bytes", 413)
    bare = blanked(query)
    bad = _FORBIDDEN.search(bare)
    if bad:
        word = bad.group(1).upper()
        if word == "SERVICE":
            raise Refused("SERVICE (federated queries to other endpoints) is refused here", 403)
        raise Refused(f"{word}: this endpoint is read-only", 403)
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
        params.append(Param(pm["name"], ptype, "optional" in opts, pm["doc"].strip()))
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
            return parse_query(path.read_text(encoding="utf-8"), path.stem, str(path))
        except OSError as exc:
            raise QueryError(f"cannot read query file: {exc.strerror}", path=path) from exc
    res = resources.files("kg.queries") / f"{name_or_path}.rq"
    if not res.is_file():
        raise QueryError(f"no query named {name_or_path!r}",
                         hint=f"known queries: {', '.join(names())}; or pass a .rq file")
    return parse_query(res.read_text(encoding="utf-8"), name_or_path, f"queries/{name_or_path}.rq")


def term(param: Param, value: str, base_url: str | None = None) -> ox.NamedNode | ox.Literal:
    """The RDF term for a parameter value given as text.

    Raises:
        QueryError: the value does not fit the parameter's type.
    """
    value = str(value)
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
    terms = {k: str(term(query.param(k), v, base_url)) for k, v in params.items()}

    def fill(m: re.Match) -> str:
        t = terms.get(m["name"])
        return f"VALUES ?{m['name']} {{ {t} }}" if t is not None else m.group(0)
    return _SLOT.sub(fill, query.text)


@dataclass
class Result:
    """A query's result table: column names and rows of RDF terms (``None`` = unbound)."""

    columns: list[str]
    rows: list[list[Any]]

    def to_json(self) -> dict[str, Any]:
        """The SPARQL 1.1 Query Results JSON document."""
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


def run_query(query: str | Query, graph: KnowledgeGraph | str | Path = "graphs", *,
              engine: str = "oxigraph", **params: str) -> Result:
    """Run a named query (or a ``.rq`` path) over a built graph.

    Args:
        query: a query name such as ``"speakers"``, a ``.rq`` path, or a :class:`Query`.
        graph: a :class:`KnowledgeGraph` or the folder ``kg build`` wrote.
        engine: for a folder, ``oxigraph`` (default) or ``rdflib`` (see :func:`kg.open_graph`).
        **params: parameter values as text, e.g. ``event="/events/x"``.

    Raises:
        QueryError: unknown query or parameter, bad value, or SPARQL error.
        StoreError: no built graph in the folder.
    """
    from .store import open_graph

    q = query if isinstance(query, Query) else load(query)
    g = graph if isinstance(graph, KnowledgeGraph) else open_graph(graph, engine)
    iri_params = any(p.type == "iri" for p in q.params if p.name in params)
    text = bind(q, params, g.report.get("base_url") if iri_params else None)
    try:
        screen(text)  # the engine would follow SERVICE to any host
    except Refused as exc:
        raise QueryError(f"query {q.name!r} refused: {exc.message}", path=q.path or None) from exc
    try:
        solutions = g.query(text)
        if not hasattr(solutions, "variables"):
            raise QueryError(f"query {q.name!r} is not a SELECT query", path=q.path or None,
                             hint="named queries must SELECT rows")
        columns = [v.value for v in solutions.variables]
        rows = [[sol[c] for c in columns] for sol in solutions]  # errors can come while iterating
    except (SyntaxError, ValueError, RuntimeError, OSError) as exc:
        raise QueryError(f"query {q.name!r} failed: {exc}", path=q.path or None) from exc
    return Result(columns, rows)


def format_result(result: Result, fmt: str = "table") -> str:
    """Render a result as ``table``, ``csv``, ``tsv`` or ``json`` (SPARQL JSON results)."""
    if fmt == "json":
        return json.dumps(result.to_json(), indent=2, ensure_ascii=False) + "\n"
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
    if fmt != "table":
        raise QueryError(f"unknown format {fmt!r}", hint=f"one of {', '.join(FORMATS)}")
    return _table(result.columns, plain)


def _table(columns: list[str], rows: list[list[str]], max_width: int = 60) -> str:
    def cut(s: str) -> str:
        s = " ".join(s.split())
        return s if len(s) <= max_width else s[: max_width - 1] + "…"
    cells = [[cut(c) for c in row] for row in rows]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)]
    line = "  ".join(c.ljust(w) for c, w in zip(columns, widths)).rstrip()
    out = [line, "  ".join("-" * w for w in widths)]
    out += ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in cells]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out) + "\n"
