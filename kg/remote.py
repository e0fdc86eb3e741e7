"""A graph in a SPARQL store elsewhere: push to it, query it.

``kg push`` publishes a built graph to any store that speaks the SPARQL 1.1 Graph Store
HTTP Protocol and SPARQL 1.1 Update (Oxigraph server, Apache Jena Fuseki, Virtuoso,
GraphDB…), one named graph per source file. A manifest graph on the store remembers a
hash of each graph pushed, so a push after a small change sends only what changed.

A push never leaves a graph half-replaced: every changed graph is first uploaded to a
temporary graph, and one SPARQL Update request then moves them all into place (and
drops the graphs of deleted files), which the store runs as one transaction. If any
upload fails, the temporary graphs are dropped and the store is as it was.

A service that answers 200 without storing anything (a login page, a static web server
given as ``--store-url`` or ``--update-url``) is not taken at its word: the query service
must show the uploaded graphs before they are moved into place, and the update after it.
"""
from __future__ import annotations

import hashlib
import http.client
import json
import re
import secrets
import ssl
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .errors import QueryError, StoreError, counted
from .query import DEFAULT_TIMEOUT, REMOTE_READ_ONLY, Query, Result, bind, check, load, prefixes, result_of
from .store import REPORT_FILE, KnowledgeGraph
from .vocab import KG

MANIFEST_SUFFIX = "/id/graph/kg-manifest"
URL_HINT = "give the store's http:// or https:// address, e.g. --endpoint http://127.0.0.1:7878"
HANDSHAKE_TIMEOUT = 10.0
"""Seconds an ``https://`` store may take to connect and do its TLS handshake. A store
that speaks plain HTTP, given as ``https://``, never answers the handshake: this is how
long it takes to say so, whatever the timeout for answers."""
RESULTS_JSON = "application/sparql-results+json"


def check_url(url: str, what: str = "endpoint") -> str:
    """``url`` itself when it is an absolute ``http://`` or ``https://`` URL with a host
    (and a port, if any, from 0 to 65535), the only URLs a store can be reached at.

    Checked before any request, so a mistyped URL is one line naming it rather than an
    error from deep inside Python's HTTP client.

    Raises:
        StoreError: it is not such a URL; ``what`` names it in the message.
    """
    problem = None
    try:
        parts = urllib.parse.urlsplit(url)
        if parts.scheme.lower() not in ("http", "https"):
            problem = "it is not an http:// or https:// URL" if parts.scheme else "it has no http:// or https://"
        elif not parts.hostname:
            problem = "it names no host"
        elif re.search(r"[\x00-\x20\x7f]", url):  # Python's HTTP client refuses these
            problem = "it contains spaces or control characters"
        else:
            parts.port  # noqa: B018 (reading it checks it)
    except ValueError as exc:  # a port that is no number, or out of range; a broken [IPv6] host
        problem = "its port is not a number from 0 to 65535" if "port" in str(exc).lower() else str(exc)
    if problem:
        raise StoreError(f"{what} {url!r} is not a URL kg can use: {problem}", hint=URL_HINT)
    return url


@dataclass
class RemoteStore:
    """The URLs of a remote store's three services.

    For an Oxigraph server at ``http://host:7878`` these are ``/query``, ``/update`` and
    ``/store``; for Fuseki's dataset ``ds``: ``/ds/query``, ``/ds/update``, ``/ds/data``.
    """

    query_url: str
    update_url: str
    store_url: str
    timeout: float = DEFAULT_TIMEOUT
    union_default_graph: bool = True

    def __post_init__(self) -> None:
        """Check the three URLs (see :func:`check_url`), so that none fails only on use.

        Raises:
            StoreError: one of them is not an http(s) URL with a host.
        """
        check_url(self.query_url, "query URL")
        check_url(self.update_url, "update URL")
        check_url(self.store_url, "store URL")

    @classmethod
    def at(cls, endpoint: str, *, query_url: str | None = None, update_url: str | None = None,
           store_url: str | None = None, timeout: float = DEFAULT_TIMEOUT) -> "RemoteStore":
        """The store at ``endpoint``, with Oxigraph's paths unless told otherwise.

        Raises:
            StoreError: ``endpoint`` (or a URL given for one service) is not an http(s)
                URL with a host.
        """
        base = check_url(endpoint).rstrip("/")
        for suffix in ("/query", "/sparql", "/update", "/store"):
            if base.endswith(suffix):
                base = base[: -len(suffix)]
        return cls(query_url or base + "/query", update_url or base + "/update",
                   store_url or base + "/store", timeout)

    def _open(self, req: urllib.request.Request) -> bytes:
        return self._request(req)[0]

    def _request(self, req: urllib.request.Request) -> tuple[bytes, str]:
        """Send ``req``; the answer's body and its media type (``""`` when it gives none).

        Raises:
            StoreError: the store cannot be reached, does not answer in time, does not
                speak HTTP (or TLS, for ``https://``), or answers with an HTTP error.
        """
        url = req.full_url
        try:
            with _OPENER.open(req, timeout=self.timeout) as resp:
                return resp.read(), resp.headers.get_content_type() if resp.headers.get("Content-Type") else ""
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode("utf-8", "replace").strip()[:300]
            raise StoreError(f"{req.get_method()} {url} failed: HTTP {exc.code} {detail}") from exc
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            if isinstance(reason, TimeoutError) and "handshake" in str(reason):
                raise StoreError(f"{url} did not answer the TLS handshake within "
                                 f"{_seconds(min(self.timeout, HANDSHAKE_TIMEOUT))}",
                                 hint="a store that speaks plain HTTP never does: give its address as http://…"
                                 ) from exc
            if isinstance(reason, TimeoutError):
                raise StoreError(f"{url} did not answer within {_seconds(self.timeout)}",
                                 hint="is the store busy, or the URL wrong? To wait longer, pass --timeout SECONDS"
                                 ) from exc
            if isinstance(reason, ssl.SSLCertVerificationError):
                raise StoreError(f"cannot talk TLS (https) to {url}: {reason.verify_message or reason}",
                                 hint="the store's certificate is not one this machine trusts") from exc
            if isinstance(reason, ssl.SSLError):
                raise StoreError(f"cannot talk TLS (https) to {url}: {reason}",
                                 hint="if the store speaks plain HTTP, give its address as http://…") from exc
            raise StoreError(f"cannot reach {url}: {reason}",
                             hint="is the store running, and is the URL right?") from exc
        except http.client.HTTPException as exc:  # BadStatusLine, IncompleteRead…
            raise StoreError(f'{url} did not answer in HTTP ({type(exc).__name__}: "{_snippet(str(exc), 40)}")',
                             hint="is the URL the store's, and if the store speaks https, given as https://?") from exc
        except (ValueError, http.client.InvalidURL) as exc:  # a URL check_url let through
            raise StoreError(f"cannot send a request to {url!r}: {exc}", hint=URL_HINT) from exc

    def select(self, sparql: str) -> Result:
        """Run a SELECT query on the store."""
        return self.run(sparql, "SELECT")

    def run(self, sparql: str, form: str = "SELECT") -> Result:
        """Run a query on the store: a SELECT gives rows, an ASK a boolean, a CONSTRUCT or
        DESCRIBE (``form``) triples.

        Raises:
            StoreError: the store cannot be reached, fails, or answers with something
                that is not what was asked for (a login page, an answer that breaks off).
        """
        url = self.query_url
        if self.union_default_graph:  # Oxigraph's option; other stores ignore unknown parameters
            url += ("&" if "?" in url else "?") + "union-default-graph"
        graph = form in ("CONSTRUCT", "DESCRIBE")
        req = urllib.request.Request(url, data=urllib.parse.urlencode({"query": sparql}).encode(),
                                     headers={"Accept": "application/n-triples" if graph else RESULTS_JSON,
                                              "Content-Type": "application/x-www-form-urlencoded"})
        body, media_type = self._request(req)
        try:
            if graph:  # N-Triples, as asked, or what the store says it sent instead
                found = ox.RdfFormat.from_media_type(media_type) if media_type else None
                quads = ox.parse(body, format=found or ox.RdfFormat.N_TRIPLES)
                return Result([], [], triples=[ox.Triple(q.subject, q.predicate, q.object) for q in quads],
                              prefixes=prefixes(sparql))
            found = ox.QueryResultsFormat.from_media_type(media_type) if media_type else None
            answer = ox.parse_query_results(body, format=found or ox.QueryResultsFormat.JSON)
            return result_of(answer)  # reads every row: a store's error text after some rows is met here
        except (SyntaxError, ValueError) as exc:
            raise not_results(self.query_url, body, media_type, graph) from exc

    def update(self, sparql: str) -> None:
        """Run a SPARQL Update request (one transaction on the store)."""
        req = urllib.request.Request(self.update_url, data=sparql.encode("utf-8"), method="POST",
                                     headers={"Content-Type": "application/sparql-update"})
        self._open(req)

    def delete_graph(self, graph_iri: str) -> None:
        """Remove one named graph through the Graph Store Protocol (missing is fine)."""
        url = self.store_url + "?" + urllib.parse.urlencode({"graph": graph_iri})
        try:
            self._open(urllib.request.Request(url, method="DELETE"))
        except StoreError as exc:
            if "HTTP 404" not in str(exc):
                raise

    def put_graph(self, graph_iri: str, ntriples: bytes) -> None:
        """Replace one named graph through the Graph Store Protocol."""
        url = self.store_url + "?" + urllib.parse.urlencode({"graph": graph_iri})
        req = urllib.request.Request(url, data=ntriples, method="PUT",
                                     headers={"Content-Type": "application/n-triples"})
        self._open(req)


def _seconds(n: float) -> str:
    return f"{n:g} s"


class _HTTPSConnection(http.client.HTTPSConnection):
    """An HTTPS connection that must connect and finish its TLS handshake within
    :data:`HANDSHAKE_TIMEOUT` (or the request's own timeout, when shorter)."""

    def connect(self) -> None:
        whole = self.timeout
        if isinstance(whole, (int, float)):
            self.timeout = min(whole, HANDSHAKE_TIMEOUT)
        try:
            super().connect()
        finally:
            self.timeout = whole
        if isinstance(whole, (int, float)):
            self.sock.settimeout(whole)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req: urllib.request.Request):  # noqa: ANN201 (urllib's response)
        return self.do_open(_HTTPSConnection, req, context=self._context)


_OPENER = urllib.request.build_opener(_HTTPSHandler())


def _snippet(text: str, most: int | None = None) -> str:
    """``text`` as one line of printable characters, cut to ``most`` with an ellipsis."""
    text = "".join(c if c.isprintable() else "\ufffd" for c in " ".join(text.split()))
    return text if most is None or len(text) <= most else text[:most] + "…"


def not_results(url: str, body: bytes, media_type: str, graph: bool = False) -> StoreError:
    """The error for a store at ``url`` that answered (HTTP 200) with ``body``, which is
    not the SPARQL results (or, ``graph``, the N-Triples) kg asked for: a login or error
    page, or an answer the store broke off with an error (the end of it says why)."""
    text = _snippet(body.decode("utf-8", "replace"))
    kind = media_type or "no media type"
    if not text:
        detail = f"{kind}, empty"
    elif media_type in (RESULTS_JSON, "application/json", "application/n-triples") and len(text) > 60:
        detail = f'{kind}, ending "…{text[-60:]}"'  # what the store wrote when it gave up
    else:
        detail = f'{kind}: "{_snippet(text, 20)}"'
    what = "N-Triples" if graph else "SPARQL results"
    return StoreError(f"{url} answered with something that is not {what} ({detail})",
                      hint="is it the store's SPARQL query service (--endpoint, or --query-url), open without "
                           "logging in? kg sends no credentials. A store that stops half-way through an answer "
                           "says why at its end, or in its log")


@dataclass
class PushResult:
    """What a push did."""

    sent: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0


def graph_hashes(graph: KnowledgeGraph) -> tuple[dict[str, str], dict[str, bytes]]:
    """Each named graph's content as N-Triples (sorted) and its SHA-256."""
    lines: dict[str, list[bytes]] = defaultdict(list)
    for quad in graph.quads():  # (either engine's)
        if isinstance(quad.graph_name, ox.NamedNode):
            triple = ox.Triple(quad.subject, quad.predicate, quad.object)
            lines[quad.graph_name.value].append(str(triple).encode() + b" .\n")
    data = {g: b"".join(sorted(ls)) for g, ls in lines.items()}
    return {g: hashlib.sha256(d).hexdigest() for g, d in data.items()}, data


def push(graph: KnowledgeGraph, remote: RemoteStore, *, allow_errors: bool = False) -> PushResult:
    """Publish ``graph`` to ``remote``, sending only the named graphs that changed.

    The graph is validated first: a build with errors, or a graph that violates the
    SHACL shapes, is not pushed (unless ``allow_errors``).

    Each step is checked through the query service: the uploaded graphs must be there,
    each with the triples sent, before one update moves them into place, and the update's
    effect after it (one query each).

    Raises:
        StoreError: the build has errors or violations (unless ``allow_errors``), or the
            store fails, or does not hold what it was sent (its store or update service
            answered without storing it); the remote data is left as it was, unless the
            update service stored only part of its one update.
    """
    errors = graph.report.get("errors", 0)
    if errors and not allow_errors:
        raise StoreError(f"the build has {errors} error(s); not pushing",
                         hint="fix them (kg build shows where), or pass --allow-errors")
    if not allow_errors:
        from .validate import validate_graph

        violations = validate_graph(graph).violations
        if violations:
            raise StoreError(f"the graph violates the SHACL shapes {len(violations)} time(s), first: "
                             f"{violations[0]}; not pushing", hint="run `kg validate SITE`, or pass --allow-errors")
    base = graph.report.get("base_url") or ""
    manifest = base + MANIFEST_SUFFIX
    hashes, data = graph_hashes(graph)
    hashes.pop(manifest, None)
    current = {row[0].value: row[1].value for row in remote.select(
        f"SELECT ?g ?h WHERE {{ GRAPH <{manifest}> {{ ?g <{KG}sha256> ?h }} }}").rows}
    changed = sorted(g for g, h in hashes.items() if current.get(g) != h)
    removed = sorted(g for g in current if g not in hashes)
    result = PushResult(unchanged=len(hashes) - len(changed))
    if not changed and not removed:
        return result
    nonce = secrets.token_hex(6)
    temps = {g: f"{g}#kg-push-{nonce}" for g in changed}
    sizes = {g: data[g].count(b"\n") for g in changed}  # triples sent (N-Triples: one a line)
    try:
        for g in changed:
            remote.put_graph(temps[g], data[g])
        # Something that answers 200 to anything (a login page, a static web server) stores
        # nothing: the store that kg queries must hold every graph sent before any is moved
        # into place, and show the update after it (see _check_stored).
        _check_stored(remote, {temps[g]: sizes[g] for g in changed}, remote.store_url, "the graphs kg sent",
                      "--store-url", "Graph Store Protocol service (Oxigraph: URL/store, Fuseki: URL/data)")
        manifest_lines = "".join(f"<{g}> <{KG}sha256> {json.dumps(h)} .\n" for g, h in sorted(hashes.items()))
        ops = [f"MOVE SILENT GRAPH <{temps[g]}> TO GRAPH <{g}>" for g in changed]
        ops += [f"DROP SILENT GRAPH <{g}>" for g in removed]
        ops += [f"DROP SILENT GRAPH <{manifest}>", f"INSERT DATA {{ GRAPH <{manifest}> {{\n{manifest_lines}}} }}"]
        remote.update(" ;\n".join(ops))
        _check_stored(remote, {manifest: len(hashes), **sizes, **dict.fromkeys(removed, 0),
                               **dict.fromkeys(temps.values(), 0)}, remote.update_url, "the update kg sent",
                      "--update-url", "SPARQL Update service (Oxigraph: URL/update, Virtuoso: URL/sparql)",
                      frozenset(temps.values()))
    except StoreError:
        for t in temps.values():  # through the store service, which may work when updates do not
            try:
                remote.delete_graph(t)
            except StoreError:
                pass
        raise
    result.sent, result.removed = changed, removed
    return result


def _check_stored(remote: RemoteStore, expected: dict[str, int], sent_to: str, what: str, option: str,
                  service: str, uploads: frozenset[str] = frozenset()) -> None:
    """Check, with one query to ``remote``'s query service, that each named graph in
    ``expected`` holds that many triples (0: it is absent), as it does once ``what``,
    sent to ``sent_to``, is stored; ``uploads`` are the temporary graphs of the push.

    Raises:
        StoreError: a graph holds another number of triples: ``sent_to`` answered without
            storing what it was sent (a login page, a static web server), or is not the
            store that the query service reads. ``option`` and ``service`` say what to give.
    """
    values = " ".join(str(ox.NamedNode(g)) for g in sorted(expected))
    rows = remote.select(f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }} "
                         "GROUP BY ?g").rows
    found = {row[0].value: int(row[1].value) for row in rows if row[0] is not None and row[1] is not None}
    wrong = []
    for g, n in expected.items():
        has = found.get(g, 0)
        if has == n:
            continue
        if n:
            wrong.append(f"graph <{g}> has {counted(has, 'triple')}, not {n}")
        elif g in uploads:
            wrong.append(f"graph <{g}>, uploaded, was not moved into place")
        else:
            wrong.append(f"graph <{g}> is still there ({counted(has, 'triple')})")
    if not wrong:
        return
    more = f" (and {counted(len(wrong) - 1, 'more graph')})" if len(wrong) > 1 else ""
    raise StoreError(f"{sent_to} answered, but the store at {remote.query_url} does not hold {what}: {wrong[0]}{more}",
                     hint=f"{option} must be the {service} of that same store, open without logging in (kg "
                          "sends no credentials); a login page or a static web server answers 200 and stores nothing")


def graph_base_url(folder: str | Path) -> str | None:
    """The site's base URL from a graph folder's ``report.json`` (what ``kg build`` found),
    or None when the folder has no readable report or the report has none.

    It is what turns a site path such as ``/events/x`` into the IRI of the node on a
    store that ``kg push`` filled from that folder.
    """
    try:
        report = json.loads((Path(folder) / REPORT_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    base = report.get("base_url") if isinstance(report, dict) else None
    return base if isinstance(base, str) and base else None


def remote_query(query: str | Query, remote: RemoteStore, base_url: str | None = None, **params: str) -> Result:
    """Run a named query (or ``.rq`` file) on a remote store, parameters bound as RDF terms.

    ``base_url`` (the site's, e.g. ``https://example.org``) turns an IRI parameter given
    as a site path (``/events/x``) into the node's IRI, as a local query takes it from
    the graph's report; :func:`graph_base_url` reads it from a graph folder.

    Like :func:`kg.run_query`, it runs any query form, and refuses updates, ``LOAD``
    and ``SERVICE`` (a store would follow SERVICE to any host it can reach).

    Raises:
        QueryError: no such query, a bad or missing parameter, a site path given
            without ``base_url``, or an update or SERVICE call.
        StoreError: the store cannot be reached or answers with an error, or with
            something that is not SPARQL results.
    """
    q = query if isinstance(query, Query) else load(query)
    if not base_url:
        for p in q.params:
            value = params.get(p.name)
            if p.type == "iri" and value is not None and str(value).startswith("/"):
                raise QueryError(
                    f"parameter {p.name!r} is a site path, {value!r}, but the site's base URL is not known",
                    hint="give a full https://… address, or the base URL: --base-url https://your.site, or "
                         "--graph DIR of the graph you pushed (its report.json has it)")
    text = bind(q, params, base_url)
    return remote.run(text, check(q, text, REMOTE_READ_ONLY))

