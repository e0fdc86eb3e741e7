"""A read-only SPARQL 1.1 Protocol endpoint over a built graph.

The SPARQL engine and HTTP server is Oxigraph's own (``oxigraph serve-read-only``, the
binary the ``oxigraph`` package on PyPI ships), started on a private loopback port.
kg puts a thin layer in front of it that adds what a public endpoint needs:

* it binds to 127.0.0.1 by default and answers only requests whose ``Host`` header
  names an allowed host (no DNS rebinding);
* it refuses updates, ``LOAD`` and ``SERVICE`` (Oxigraph would follow ``SERVICE`` to
  any host), before they reach the engine;
* it caps the number of rows (or triples) returned and passes a timeout to the engine;
* it answers CORS requests, so browser clients can query it;
* it serves the named queries: ``/queries`` lists them, ``/queries/NAME?param=…``
  runs one with its parameters bound as RDF terms.

Results are negotiated by ``Accept`` (SPARQL JSON, XML, CSV, TSV; Turtle, N-Triples,
JSON-LD or RDF/XML for CONSTRUCT and DESCRIBE) or a ``format`` parameter.
"""
from __future__ import annotations

import http.client
import json
import shutil
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pyoxigraph as ox

from .errors import QueryError, StoreError
from .query import MAX_QUERY_BYTES, Refused, bind, load, names, screen
from .store import REPORT_FILE, STORE_DIR

RESULT_TYPES = {
    "json": ("application/sparql-results+json", ox.QueryResultsFormat.JSON),
    "xml": ("application/sparql-results+xml", ox.QueryResultsFormat.XML),
    "csv": ("text/csv", ox.QueryResultsFormat.CSV),
    "tsv": ("text/tab-separated-values", ox.QueryResultsFormat.TSV),
}
GRAPH_TYPES = {
    "turtle": ("text/turtle", ox.RdfFormat.TURTLE),
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


def start_engine(ep: Endpoint) -> subprocess.Popen:
    """Start ``oxigraph serve-read-only`` on a private loopback port; wait until it answers."""
    store = ep.graph_dir / STORE_DIR
    if not store.is_dir():
        raise StoreError(f"no built graph in {ep.graph_dir}", path=ep.graph_dir,
                         hint="run `kg build SITE --out DIR` first, or pass --graph DIR")
    ep.engine_port = ep.engine_port or _free_port()
    proc = subprocess.Popen(
        [oxigraph_binary(), "serve-read-only", "--location", str(store),
         "--bind", f"127.0.0.1:{ep.engine_port}", "--union-default-graph",
         "--timeout-s", str(max(1, int(ep.timeout)))],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            err = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
            raise StoreError(f"the oxigraph server stopped: {err.strip()[:300]}")
        try:
            with socket.create_connection(("127.0.0.1", ep.engine_port), timeout=0.2):
                return proc
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise StoreError("the oxigraph server did not start within 20 s")


def _negotiate(accept: str | None, fmt: str | None, form: str) -> str:
    table = GRAPH_TYPES if form in ("CONSTRUCT", "DESCRIBE") else RESULT_TYPES
    if fmt:
        key = fmt.lower()
        if key not in table:
            raise Refused(f"format {fmt!r} not available for {form}: one of {', '.join(table)}", 406)
        return key
    for part in (accept or "").split(","):
        media = part.split(";")[0].strip().lower()
        key = _ACCEPT_ALIASES.get(media)
        if key in table:
            return key
    return "json" if table is RESULT_TYPES else "turtle"


def run(ep: Endpoint, query: str, accept: str | None = None, fmt: str | None = None) -> tuple[int, dict[str, str], bytes]:
    """Run one query through the engine; return status, headers and body."""
    form = screen(query)
    key = _negotiate(accept, fmt, form)
    engine_accept = {"SELECT": "text/tab-separated-values", "ASK": "application/sparql-results+json"}.get(
        form, "application/n-triples")
    conn = http.client.HTTPConnection("127.0.0.1", ep.engine_port, timeout=ep.timeout + 5)
    try:
        body = "query=" + _quote(query)
        conn.request("POST", "/query", body=body.encode("utf-8"), headers={
            "Content-Type": "application/x-www-form-urlencoded", "Accept": engine_accept})
        resp = conn.getresponse()
        if resp.status != 200:
            text = resp.read().decode("utf-8", "replace").strip()
            return resp.status, {"Content-Type": "text/plain; charset=utf-8"}, (text + "\n").encode("utf-8")
        headers: dict[str, str] = {}
        if form == "ASK":
            data = resp.read()
            result = ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON)
            media, out_format = RESULT_TYPES[key]
            return 200, {"Content-Type": media}, result.serialize(format=out_format)
        lines, truncated = _read_lines(resp, ep.max_rows)
        if truncated:
            headers["X-KG-Truncated"] = f"results capped at {ep.max_rows} {'rows' if form == 'SELECT' else 'triples'}"
        data = b"".join(lines)
        if form == "SELECT":
            media, out_format = RESULT_TYPES[key]
            result = ox.parse_query_results(data, format=ox.QueryResultsFormat.TSV)
            return 200, {**headers, "Content-Type": media}, result.serialize(format=out_format)
        media, out_format = GRAPH_TYPES[key]
        triples = ox.parse(data, format=ox.RdfFormat.N_TRIPLES)
        return 200, {**headers, "Content-Type": media}, ox.serialize(triples, format=out_format) or b""
    except socket.timeout:
        return 504, {"Content-Type": "text/plain; charset=utf-8"}, b"query timed out\n"
    finally:
        conn.close()


def _quote(text: str) -> str:
    from urllib.parse import quote
    return quote(text, safe="")


def _read_lines(resp: http.client.HTTPResponse, limit: int) -> tuple[list[bytes], bool]:
    """At most ``limit`` lines (plus a header line for TSV) from a streamed response."""
    lines: list[bytes] = []
    header = resp.getheader("Content-Type", "").startswith("text/tab-separated-values")
    wanted = limit + (1 if header else 0)
    while len(lines) < wanted:
        line = resp.readline()
        if not line:
            return lines, False
        lines.append(line)
    more = bool(resp.readline())
    return lines, more


def named_query(ep: Endpoint, name: str, params: dict[str, str], accept: str | None,
                fmt: str | None) -> tuple[int, dict[str, str], bytes]:
    """Run a named query with its parameters bound (never pasted) into its slots."""
    try:
        q = load(name)
    except QueryError as exc:
        raise Refused(str(exc), 404) from exc
    if "/" in name or name.endswith(".rq"):
        raise Refused("only packaged named queries can be run by name", 404)
    try:
        text = bind(q, params, ep.base_url)
    except QueryError as exc:
        raise Refused(str(exc), 400) from exc
    return run(ep, text, accept, fmt)


class _Handler(BaseHTTPRequestHandler):
    server_version = "kg-sparql"
    ep: Endpoint

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

    def _error(self, status: int, message: str) -> None:
        body = json.dumps({"error": message, "status": status}).encode("utf-8") + b"\n"
        self._send(status, {"Content-Type": "application/json"}, body)

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
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_QUERY_BYTES:
            return self._error(413, f"request body longer than {MAX_QUERY_BYTES} bytes")
        self._handle(self.rfile.read(length))

    def _handle(self, body: bytes | None) -> None:
        try:
            if not self.ep.host_allowed(self.headers.get("Host")):
                return self._error(421, "unknown Host header: this endpoint answers only for its own host names")
            url = urlsplit(self.path)
            params = {k: v[-1] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
            ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
            if body is not None:
                if ctype == "application/x-www-form-urlencoded":
                    params.update({k: v[-1] for k, v in parse_qs(body.decode("utf-8", "replace")).items()})
                elif ctype == "application/sparql-query":
                    params["query"] = body.decode("utf-8", "replace")
                elif ctype == "application/sparql-update":
                    raise Refused("this endpoint is read-only: updates are refused", 403)
            if "update" in params:
                raise Refused("this endpoint is read-only: updates are refused", 403)
            accept, fmt = self.headers.get("Accept"), params.pop("format", None)
            if url.path in ("/sparql", "/query"):
                if "query" not in params:
                    raise Refused("missing `query` parameter")
                status, headers, out = run(self.ep, params["query"], accept, fmt)
            elif url.path in ("/queries", "/queries/"):
                listing = [{"name": n, "description": load(n).description,
                            "params": [p.__dict__ for p in load(n).params]} for n in names()]
                status, headers, out = 200, {"Content-Type": "application/json"}, json.dumps(listing, indent=2).encode()
            elif url.path.startswith("/queries/"):
                status, headers, out = named_query(self.ep, url.path[len("/queries/"):], params, accept, fmt)
            elif url.path == "/":
                status, headers, out = 200, {"Content-Type": "text/plain; charset=utf-8"}, (
                    "kg SPARQL endpoint (read-only).\n  /sparql?query=…   SPARQL 1.1 Protocol\n"
                    "  /queries          named queries\n  /queries/NAME?param=value\n").encode()
            else:
                raise Refused(f"no such path: {url.path}", 404)
            self._send(status, headers, out)
        except Refused as exc:
            self._error(exc.status, exc.message)
        except (ValueError, SyntaxError, OSError) as exc:
            self._error(400, f"bad request: {exc}")


class Server:
    """The endpoint: Oxigraph engine plus kg's front layer. Use as a context manager."""

    def __init__(self, ep: Endpoint) -> None:
        self.ep = ep
        report = ep.graph_dir / REPORT_FILE
        if ep.base_url is None and report.is_file():
            try:
                ep.base_url = json.loads(report.read_text(encoding="utf-8")).get("base_url")
            except ValueError:
                pass
        self.engine = start_engine(ep)
        handler = type("Handler", (_Handler,), {"ep": ep})
        try:
            self.httpd = ThreadingHTTPServer((ep.host, ep.port), handler)
        except OSError as exc:
            self.engine.kill()
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
        """Serve until interrupted."""
        self.httpd.serve_forever()

    def close(self) -> None:
        """Stop both the front layer and the engine."""
        self.httpd.shutdown() if self._thread else None
        self.httpd.server_close()
        self.engine.terminate()
        try:
            self.engine.wait(5)
        except subprocess.TimeoutExpired:
            self.engine.kill()

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
