"""A read-only SPARQL 1.1 Protocol endpoint over a built graph.

The SPARQL engine and HTTP server is Oxigraph's own (``oxigraph serve-read-only``, the
binary the ``oxigraph`` package on PyPI ships), started on a private loopback port.
kg puts a thin layer in front of it that adds what a public endpoint needs:

* it binds to 127.0.0.1 by default and answers only requests whose ``Host`` header
  names an allowed host (no DNS rebinding);
* it refuses updates, ``LOAD`` and ``SERVICE`` (Oxigraph would follow ``SERVICE`` to
  any host), before they reach the engine;
* it caps the number of rows (or triples) returned, and stops a query at the timeout:
  the engine does not stop its work when it answers late, so kg restarts it (queries
  other clients have running then are answered 503, to be sent again);
* it answers CORS requests, so browser clients can query it;
* it serves the named queries: ``/queries`` lists them, ``/queries/NAME?param=…``
  runs one with its parameters bound as RDF terms.

Results are negotiated by ``Accept`` (SPARQL JSON, XML, CSV, TSV; Turtle, N-Triples,
JSON-LD or RDF/XML for CONSTRUCT and DESCRIBE; with q-values, and 406 when none can be
given) or a ``format`` parameter (a short name or a media type). The dataset is the
union of all graphs, unless the query names one (``FROM``, ``FROM NAMED``) or the
request does (``default-graph-uri``, ``named-graph-uri``).
"""
from __future__ import annotations

import ctypes
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Iterable
from urllib.parse import parse_qs, urlsplit

import pyoxigraph as ox

from .errors import QueryError, StoreError
from .query import (MAX_QUERY_BYTES, Refused, address_among, bind, blanked, load, names, nodes_present, screen,
                    sparql_nodes, term)
from .store import REPORT_FILE, STORE_DIR, read_report

RESULT_TYPES = {
    "json": ("application/sparql-results+json", ox.QueryResultsFormat.JSON),
    "xml": ("application/sparql-results+xml", ox.QueryResultsFormat.XML),
    "csv": ("text/csv; charset=utf-8", ox.QueryResultsFormat.CSV),
    "tsv": ("text/tab-separated-values; charset=utf-8", ox.QueryResultsFormat.TSV),
}
GRAPH_TYPES = {
    "turtle": ("text/turtle; charset=utf-8", ox.RdfFormat.TURTLE),
    "ntriples": ("application/n-triples", ox.RdfFormat.N_TRIPLES),
    "jsonld": ("application/ld+json", ox.RdfFormat.JSON_LD),
    "rdfxml": ("application/rdf+xml", ox.RdfFormat.RDF_XML),
}
_ACCEPT_ALIASES = {
    "application/json": "json", "application/sparql-results+json": "json",
    "application/sparql-results+xml": "xml", "application/xml": "xml", "text/xml": "xml",
    "text/csv": "csv", "text/tab-separated-values": "tsv",
    "text/turtle": "turtle", "application/x-turtle": "turtle", "application/n-triples": "ntriples",
    "text/plain": "ntriples", "application/ld+json": "jsonld", "application/rdf+xml": "rdfxml",
}
#: ``format`` values clients send (SPARQLWrapper's among them) beyond kg's names and media types
_FORMAT_ALIASES = {"n3": "turtle", "ttl": "turtle", "nt": "ntriples", "n-triples": "ntriples",
                   "json-ld": "jsonld", "rdf": "rdfxml", "rdf+xml": "rdfxml", "sparql-results+json": "json",
                   "sparql-results+xml": "xml"}
_DATASET_CLAUSE = re.compile(r"(?<![\w:?$.@\\-])FROM(?![\w:-])", re.I)
MAX_RESULT_BYTES = 64 << 20  # of the engine's answer read at most (a row can be one huge string)
ENGINE_GRACE = 30  # seconds the engine's own timeout lies past kg's (kg stops a query first)
LOCAL_HOSTS = ("localhost", "127.0.0.1", "[::1]", "::1")

@dataclass
class Endpoint:
    """Settings of a running endpoint."""

    graph_dir: Path
    host: str = "127.0.0.1"
    port: int = 7878
    timeout: float = 10.0
    max_rows: int = 10_000
    allowed_hosts: list[str] = field(default_factory=list)
    engine_port: int = 0
    base_url: str | None = None

    def host_allowed(self, header: str | None) -> bool:
        """Whether a request's ``Host`` header names this server."""
        if not header:
            return False
        name = header.strip().lower()
        if name.startswith("["):
            name = name.split("]")[0] + "]"
        else:
            name = name.rsplit(":", 1)[0] if name.count(":") == 1 else name
        allowed = set(LOCAL_HOSTS) | {h.lower() for h in self.allowed_hosts}
        if self.host not in ("0.0.0.0", "::"):
            allowed.add(self.host.lower())
        return name in allowed


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def oxigraph_binary() -> str:
    """The path of the ``oxigraph`` server binary.

    Raises:
        StoreError: it is not installed.
    """
    found = shutil.which("oxigraph")
    if found is None:
        candidate = Path(sys.executable).parent / "oxigraph"
        if candidate.exists():
            return str(candidate)
        raise StoreError("the `oxigraph` server is not installed",
                         hint="pip install 'kg[serve]' (it ships the oxigraph binary)")
    return found


try:  # looked up here: a child forked beside other threads must not load libraries
    _PRCTL = ctypes.CDLL(None, use_errno=True).prctl if sys.platform.startswith("linux") else None
except (OSError, AttributeError):
    _PRCTL = None


def _dying_with(parent: int) -> Any:
    """Linux: what the child runs before it becomes the engine, so that the engine is
    killed when kg's process dies, however it dies (strictly: when the thread that
    started it ends, hence :class:`Engine`'s keeper thread)."""
    def child() -> None:  # pragma: no cover - runs in the child before exec
        _PRCTL(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        if os.getppid() != parent:  # kg died before that was set
            os._exit(1)
    return child if _PRCTL is not None else None


class Engine:
    """``oxigraph serve-read-only`` on a private loopback port, restarted when a query
    outruns the timeout (the engine would go on working on it) or when it stopped."""

    def __init__(self, ep: Endpoint) -> None:
        self.ep = ep
        self.store = ep.graph_dir / STORE_DIR
        if not self.store.is_dir():
            raise StoreError(f"no built graph in {ep.graph_dir}", path=ep.graph_dir,
                             hint="run `kg build SITE --out DIR` first, or pass --graph DIR")
        self._lock = threading.Lock()
        self.generation = 1  # raised as a restart begins: a query of an earlier one is cut off
        self._closed = False
        # started from one thread that lives as long as the engine: the kernel kills a
        # child when the thread that started it ends (see _dying_with)
        self._keeper = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kg-engine")
        try:
            self.proc = self._keeper.submit(self._start).result()
        except BaseException:
            self._keeper.shutdown()
            raise

    @property
    def port(self) -> int:
        """The engine's port on 127.0.0.1."""
        return self.ep.engine_port

    def _start(self) -> subprocess.Popen:
        self.ep.engine_port = _free_port()
        proc = subprocess.Popen(
            [oxigraph_binary(), "serve-read-only", "--location", str(self.store),
             "--bind", f"127.0.0.1:{self.ep.engine_port}",
             "--timeout-s", str(int(self.ep.timeout) + ENGINE_GRACE)],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            preexec_fn=_dying_with(os.getpid()))
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                err = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
                raise StoreError(f"the oxigraph server stopped: {err.strip()[:300]}")
            try:
                with socket.create_connection(("127.0.0.1", self.ep.engine_port), timeout=0.2):
                    return proc
            except OSError:
                time.sleep(0.05)
        proc.kill()
        raise StoreError("the oxigraph server did not start within 20 s")

    def current(self) -> tuple[int, int]:
        """The engine's generation and port, read together (not in the middle of a restart)."""
        with self._lock:
            return self.generation, self.ep.engine_port

    def restart(self, generation: int) -> None:
        """Start the engine again, unless it was restarted since ``generation``.

        Raises:
            StoreError: it could not be started again, or the endpoint is stopping.
        """
        with self._lock:
            if self.generation != generation:
                return
            if self._closed:
                raise StoreError("the endpoint is stopping")
            self.generation += 1
            self._stop(self.proc)
            self.proc = self._keeper.submit(self._start).result()

    def alive(self) -> bool:
        """Whether the engine is running."""
        return self.proc.poll() is None

    @staticmethod
    def _stop(proc: subprocess.Popen, gently: bool = False) -> None:
        """Stop ``proc``: asked first when ``gently``, killed when it does not end in 5 s."""
        if gently:
            proc.terminate()
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                pass
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if proc.stderr:
            proc.stderr.close()

    def close(self) -> None:
        """Stop the engine."""
        with self._lock:
            self._closed = True
            self._stop(self.proc, gently=True)
        self._keeper.shutdown()


def _accepted(accept: str) -> list[tuple[str, float, int]]:
    """An ``Accept`` header's media ranges as (range, quality, order)."""
    ranges = []
    for order, part in enumerate(accept.split(",")):
        fields = [f.strip() for f in part.split(";")]
        media, q = fields[0].lower(), 1.0
        for f in fields[1:]:
            name, _, value = f.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
                q = q if 0.0 <= q <= 1.0 else 0.0  # (also NaN)
        if media:
            ranges.append((media, q, order))
    return ranges


def _quality(media: str, ranges: list[tuple[str, float, int]]) -> tuple[float, int]:
    """How much the client wants ``media``: the quality of the most specific range that
    matches it (``type/sub``, then ``type/*``, then ``*/*``), and that range's place."""
    best: tuple[int, float, int] | None = None
    for rng, q, order in ranges:
        if rng == media:
            rank = 2
        elif rng.endswith("/*") and (rng == "*/*" or media.startswith(rng[:-1])):
            rank = 1 if rng != "*/*" else 0
        else:
            continue
        if best is None or rank > best[0]:
            best = (rank, q, order)
    return (best[1], best[2]) if best is not None else (0.0, 0)


def _negotiate(accept: str | None, fmt: list[str] | str | None, form: str) -> str:
    """The result format (a key of :data:`RESULT_TYPES` or :data:`GRAPH_TYPES`): the
    first usable ``format`` value, else the type ``Accept`` wants most (ties: the one
    it names first, then kg's default).

    Raises:
        Refused: (406) a ``format`` that cannot be given and no ``Accept``, or an
            ``Accept`` that wants none of the types.
    """
    table = GRAPH_TYPES if form in ("CONSTRUCT", "DESCRIBE") else RESULT_TYPES
    default = "json" if table is RESULT_TYPES else "turtle"
    wanted = [fmt] if isinstance(fmt, str) else list(fmt or [])
    for value in wanted:  # the first one this kind of result can be given in
        key = value.strip().lower()
        key = _FORMAT_ALIASES.get(key, _ACCEPT_ALIASES.get(key.split(";")[0].strip(), key))
        if key in table:
            return key
    if wanted and not (accept and accept.strip()):
        raise Refused(f"format {wanted[0]!r} not available for {form}: one of {', '.join(table)}", 406)
    if not accept or not accept.strip():
        return default
    ranges = _accepted(accept)
    scored = []
    for preference, key in enumerate([default] + [k for k in table if k != default]):
        # its own type, as ranges match it; other names for it only when named exactly
        q, order = max([_quality(table[key][0].split(";")[0], ranges)] +
                       [(q, order) for m, q, order in ranges if _ACCEPT_ALIASES.get(m) == key])
        if q > 0:
            scored.append((-q, order, preference, key))
    if not scored:
        raise Refused(f"none of the types in Accept can be given for {form}: "
                      f"{', '.join(t[0].split(';')[0] for t in table.values())}", 406)
    return min(scored)[3]


def _timed_out(ep: Endpoint, engine: Engine, generation: int) -> tuple[int, dict[str, str], bytes]:
    engine.restart(generation)  # the engine would go on working on the query
    return 504, {"Content-Type": "text/plain; charset=utf-8"}, \
        f"query timed out: it ran past the endpoint's {ep.timeout:g} s\n".encode("utf-8")


def run(ep: Endpoint, query: str, accept: str | None = None, fmt: list[str] | str | None = None, *,
        engine: Engine, dataset: dict[str, list[str]] | None = None) -> tuple[int, dict[str, str], bytes]:
    """Run one query through ``engine`` (the endpoint's); return status, headers and body.

    ``dataset``: the request's ``default-graph-uri`` and ``named-graph-uri`` values. Without
    them and without ``FROM`` in the query, the default graph is the union of all graphs."""
    form = screen(query)
    key = _negotiate(accept, fmt, form)
    engine_accept = {"SELECT": "text/tab-separated-values", "ASK": "application/sparql-results+json"}.get(
        form, "application/n-triples")
    fields = [("query", query)]
    named = [(k, v) for k, values in (dataset or {}).items() for v in values]
    fields += named
    if not named and not _DATASET_CLAUSE.search(blanked(query)):
        fields.append(("union-default-graph", ""))
    generation, port = engine.current()
    deadline = time.monotonic() + ep.timeout
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=ep.timeout)
    try:
        body = "&".join(f"{k}={_quote(v)}" for k, v in fields)
        conn.request("POST", "/query", body=body.encode("utf-8"), headers={
            "Content-Type": "application/x-www-form-urlencoded", "Accept": engine_accept})
        resp = conn.getresponse()
        if resp.status != 200:
            text = resp.read().decode("utf-8", "replace").strip()
            if "cancelled" in text.lower() or time.monotonic() >= deadline:
                return _timed_out(ep, engine, generation)
            status = resp.status if resp.status < 500 else 502
            return status, {"Content-Type": "text/plain; charset=utf-8"}, (text + "\n").encode("utf-8")
        headers: dict[str, str] = {}
        if form == "ASK":
            data = resp.read()
            result = ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON)
            media, out_format = RESULT_TYPES[key]
            return 200, {"Content-Type": media}, result.serialize(format=out_format)
        lines, truncated = _read_lines(resp, ep.max_rows, conn, deadline)
        if truncated:
            headers["X-KG-Truncated"] = (f"results capped at {ep.max_rows} {'rows' if form == 'SELECT' else 'triples'}"
                                         f" or {MAX_RESULT_BYTES:,} bytes")
        data = b"".join(lines)
        if form == "SELECT":
            media, out_format = RESULT_TYPES[key]
            result = ox.parse_query_results(data, format=ox.QueryResultsFormat.TSV)
            return 200, {**headers, "Content-Type": media}, result.serialize(format=out_format)
        media, out_format = GRAPH_TYPES[key]
        triples = ox.parse(data, format=ox.RdfFormat.N_TRIPLES)
        return 200, {**headers, "Content-Type": media}, ox.serialize(triples, format=out_format) or b""
    except (socket.timeout, TimeoutError):
        return _timed_out(ep, engine, generation)
    except (ConnectionError, http.client.HTTPException) as exc:
        if engine.generation != generation or not engine.alive():
            engine.restart(generation)
            return 503, {"Content-Type": "text/plain; charset=utf-8", "Retry-After": "1"}, \
                b"the SPARQL engine was restarted while this query ran; send it again\n"
        return 502, {"Content-Type": "text/plain; charset=utf-8"}, f"the SPARQL engine failed: {exc}\n".encode()
    finally:
        conn.close()


def _quote(text: str) -> str:
    from urllib.parse import quote
    return quote(text, safe="")


def _read_lines(resp: http.client.HTTPResponse, limit: int, conn: http.client.HTTPConnection,
                deadline: float) -> tuple[list[bytes], bool]:
    """At most ``limit`` lines (plus a header line for TSV) from a streamed response,
    all read by ``deadline`` (else ``TimeoutError``)."""
    lines: list[bytes] = []
    header = resp.getheader("Content-Type", "").startswith("text/tab-separated-values")
    wanted = limit + (1 if header else 0)
    room = MAX_RESULT_BYTES
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError
        if conn.sock is not None:
            conn.sock.settimeout(left)
        line = resp.readline(room + 1)
        if not line:
            return lines, False
        if len(lines) == wanted or len(line) > room or not line.endswith(b"\n"):
            return lines, True  # (a line cut short is no row)
        room -= len(line)
        lines.append(line)


def named_query(ep: Endpoint, name: str, params: dict[str, str], accept: str | None,
                fmt: list[str] | str | None, *, engine: Engine) -> tuple[int, dict[str, str], bytes]:
    """Run a named query with its parameters bound (never pasted) into its slots."""
    if name not in names():  # before anything is read: never a path on this machine
        raise Refused(f"no named query {name!r}: see /queries", 404)
    q = None
    try:
        q = load(name)
        iri_params = [p for p in q.params if p.type == "iri" and p.name in params]
        if iri_params:   # as kg query reads them: another way of writing a page's address is that page
            params = dict(params)
            for p in iri_params:
                params[p.name] = _address_on(ep, term(p, params[p.name], ep.base_url).value, engine)
        text = bind(q, params, ep.base_url)
    except QueryError as exc:
        if q is not None and exc.key is not None and q.param(exc.key) is not None and exc.key not in params:
            # a parameter of the query the request lacks: said for a URL, whatever the CLI's hint says
            exc.hint = f"add ?{exc.key}=VALUE to the URL"
        raise Refused(str(exc), 400) from exc
    return run(ep, text, accept, fmt, engine=engine)


def _address_on(ep: Endpoint, iri: str, engine: Engine) -> str:
    """``iri``, or the one other way of writing that page's address the graph has, as
    :func:`kg.query.run_query` reads it (see :func:`kg.query.address_among`), asked of
    the endpoint's engine."""
    def present(iris: list[str]) -> list[str]:
        nodes = sparql_nodes(iris)
        if not nodes:
            return []
        status, _headers, body = run(ep, nodes_present(nodes), "application/sparql-results+json", None,
                                     engine=engine)
        there = {b["v"]["value"] for b in json.loads(body)["results"]["bindings"]} if status == 200 else set()
        return [i for i in nodes if i in there]
    return address_among(present, iri, "", [])


def _once(multi: dict[str, list[str]], keys: Iterable[str]) -> dict[str, str]:
    """The value of each of ``keys`` the request gives (``multi``: every value of each
    parameter, in order). A parameter given twice is refused rather than one of its
    values picked, as ``kg query --param`` refuses it (and the SPARQL Protocol asks for
    exactly one ``query``).

    Raises:
        Refused: 400, a parameter given more than once.
    """
    out = {}
    for key in keys:
        values = multi.get(key, [])
        if len(values) > 1:
            given = ", ".join(f"{key}={v!r}" for v in values[:3]) + (", …" if len(values) > 3 else "")
            raise Refused(f"parameter {key!r} is given {len(values)} times ({given}): give each parameter once")
        if values:
            out[key] = values[0]
    return out


class _Handler(BaseHTTPRequestHandler):
    server_version = "kg-sparql"
    ep: Endpoint
    engine: Engine

    def log_message(self, format: str, *args: Any) -> None:  # quiet by default
        if getattr(self.server, "verbose", False):
            super().log_message(format, *args)

    def _send(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.send_response(status)
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Access-Control-Expose-Headers", "X-KG-Truncated")
        self.send_header("X-Content-Type-Options", "nosniff")
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _error(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        body = json.dumps({"error": message, "status": status}).encode("utf-8") + b"\n"
        self._send(status, {"Content-Type": "application/json", **(headers or {})}, body)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """The HTTP server's own errors (a request line too long, a method it does not
        know) in the same JSON form and with the same CORS headers as kg's."""
        try:
            self.close_connection = True
            self._error(code, message or self.responses.get(code, ("error",))[0],
                        {"Allow": "GET, HEAD, POST, OPTIONS"} if code in (405, 501) else None)
        except OSError:
            pass

    def _not_allowed(self) -> None:
        self._error(405, f"method {self.command} not allowed: this endpoint is read-only",
                    {"Allow": "GET, HEAD, POST, OPTIONS"})

    do_PUT = do_DELETE = do_PATCH = _not_allowed

    def do_OPTIONS(self) -> None:
        if not self.ep.host_allowed(self.headers.get("Host")):
            return self._error(421, "unknown Host header")
        self._send(204, {"Access-Control-Allow-Methods": "GET, POST, OPTIONS",
                         "Access-Control-Allow-Headers": "Content-Type, Accept",
                         "Access-Control-Max-Age": "600"}, b"")

    def do_GET(self) -> None:
        self._handle(None)

    def do_HEAD(self) -> None:
        self._handle(None)

    def do_POST(self) -> None:
        if not self.ep.host_allowed(self.headers.get("Host")):
            return self._error(421, "unknown Host header: this endpoint answers only for its own host names")
        if self.headers.get("Transfer-Encoding"):
            self.close_connection = True
            return self._error(411, "send the request body with a Content-Length, not in chunks")
        try:
            length = int(self.headers.get("Content-Length") or 0)
            if length < 0:
                raise ValueError
        except ValueError:
            self.close_connection = True
            return self._error(400, "Content-Length is not a number of bytes")
        if length > 3 * MAX_QUERY_BYTES:  # (a query of the allowed length, percent-encoded)
            self.close_connection = True
            return self._error(413, f"request body longer than a query of {MAX_QUERY_BYTES} bytes")
        self._handle(self.rfile.read(length))

    def _handle(self, body: bytes | None) -> None:
        try:
            if not self.ep.host_allowed(self.headers.get("Host")):
                return self._error(421, "unknown Host header: this endpoint answers only for its own host names")
            url = urlsplit(self.path)
            multi = parse_qs(url.query, keep_blank_values=True)
            ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
            if body is not None:
                if ctype == "application/x-www-form-urlencoded":
                    for k, v in parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True).items():
                        multi.setdefault(k, []).extend(v)
                elif ctype == "application/sparql-query":  # (a query in the URL as well: two queries)
                    multi.setdefault("query", []).append(body.decode("utf-8", "replace"))
                elif ctype == "application/sparql-update":
                    raise Refused("this endpoint is read-only: updates are refused", 403)
                elif body or ctype:
                    raise Refused(f"a POST body must be application/sparql-query or a form "
                                  f"(application/x-www-form-urlencoded), not {ctype or 'untyped'}", 415)
            if "update" in multi:
                raise Refused("this endpoint is read-only: updates are refused", 403)
            fmt = multi.pop("format", None)
            dataset = {k: multi.pop(k) for k in ("default-graph-uri", "named-graph-uri") if k in multi}
            accept = self.headers.get("Accept")
            if url.path in ("/sparql", "/query"):
                query = _once(multi, ["query"]).get("query")
                if query is None:
                    raise Refused("missing `query` parameter")
                status, headers, out = run(self.ep, query, accept, fmt, engine=self.engine, dataset=dataset)
            elif url.path in ("/queries", "/queries/"):
                listing = [{"name": n, "description": load(n).description,
                            "params": [p.__dict__ for p in load(n).params]} for n in names()]
                status, headers, out = 200, {"Content-Type": "application/json"}, json.dumps(listing, indent=2).encode()
            elif url.path.startswith("/queries/"):
                if dataset:
                    raise Refused("a named query runs over the whole graph: no default-graph-uri or "
                                  "named-graph-uri")
                status, headers, out = named_query(self.ep, url.path[len("/queries/"):], _once(multi, multi),
                                                   accept, fmt, engine=self.engine)
            elif url.path == "/":
                status, headers, out = 200, {"Content-Type": "text/plain; charset=utf-8"}, (
                    "kg SPARQL endpoint (read-only).\n  /sparql?query=…   SPARQL 1.1 Protocol\n"
                    "  /queries          named queries\n  /queries/NAME?param=value\n").encode()
            else:
                raise Refused(f"no such path: {url.path}", 404)
            self._send(status, headers, out)
        except Refused as exc:
            self._error(exc.status, exc.message)
        except StoreError as exc:  # the engine could not be started again
            self._error(503, f"the SPARQL engine is not running: {exc}")
        except (ValueError, SyntaxError, OSError) as exc:
            self._error(400, f"bad request: {exc}")


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def interrupt_on_sigterm() -> Any:
    """From now on SIGTERM raises ``KeyboardInterrupt``, as Ctrl-C does (only in the main
    thread, where signals are handled). Returns the handler it replaced (None elsewhere)."""
    if threading.current_thread() is not threading.main_thread():
        return None
    return signal.signal(signal.SIGTERM, _interrupt)


class Server:
    """The endpoint: Oxigraph engine plus kg's front layer. Use as a context manager."""

    def __init__(self, ep: Endpoint) -> None:
        self.ep = ep
        if ep.base_url is None:
            ep.base_url = read_report(ep.graph_dir / REPORT_FILE).get("base_url")
        self.engine = Engine(ep)
        handler = type("Handler", (_Handler,), {"ep": ep, "engine": self.engine})
        try:
            self.httpd = ThreadingHTTPServer((ep.host, ep.port), handler)
        except OSError as exc:
            self.engine.close()
            raise StoreError(f"cannot listen on {ep.host}:{ep.port}: {exc.strerror}",
                             hint="choose another --port") from exc
        self.httpd.daemon_threads = True
        ep.port = self.httpd.server_address[1]
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """The endpoint's SPARQL URL."""
        host = self.ep.host if self.ep.host not in ("0.0.0.0", "::") else "127.0.0.1"
        return f"http://{host}:{self.ep.port}/sparql"

    def start(self) -> "Server":
        """Serve in a background thread."""
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve until interrupted (Ctrl-C, or SIGTERM as a service manager stops it:
        both raise ``KeyboardInterrupt`` here, so that :meth:`close` stops the engine)."""
        previous = interrupt_on_sigterm()
        try:
            self.httpd.serve_forever()
        finally:
            if previous is not None:
                signal.signal(signal.SIGTERM, previous)

    def close(self) -> None:
        """Stop both the front layer and the engine."""
        self.httpd.shutdown() if self._thread else None
        self.httpd.server_close()
        self.engine.close()

    def __enter__(self) -> "Server":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.close()


def get(ep: Endpoint, path: str, accept: str | None = None) -> tuple[int, dict[str, str], bytes]:
    """Run one GET request through a fresh endpoint and return status, headers, body."""
    ep.port = 0
    with Server(ep) as server:
        conn = http.client.HTTPConnection("127.0.0.1", server.ep.port, timeout=ep.timeout + 10)
        try:
            conn.request("GET", path, headers={"Accept": accept or "*/*", "Host": f"127.0.0.1:{server.ep.port}"})
            resp = conn.getresponse()
            return resp.status, dict(resp.getheaders()), resp.read()
        finally:
            conn.close()
