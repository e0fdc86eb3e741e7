"""A graph in a SPARQL store elsewhere: push to it, query it.

``kg push`` publishes a built graph to any store that speaks the SPARQL 1.1 Graph Store
HTTP Protocol and SPARQL 1.1 Update (Oxigraph server, Apache Jena Fuseki, Virtuoso,
GraphDB…), one named graph per source file. A manifest graph on the store remembers a
hash of each graph pushed, so a push after a small change sends only what changed.

A push never leaves a graph half-replaced: every changed graph is first uploaded to a
temporary graph, and one SPARQL Update request then moves them all into place (and
drops the graphs of deleted files), which the store runs as one transaction. If any
upload fails, the temporary graphs are dropped and the store is as it was.
"""
from __future__ import annotations

import hashlib
import http.client
import json
import re
import secrets
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .errors import QueryError, StoreError
from .query import Query, Result, bind, load
from .store import REPORT_FILE, KnowledgeGraph
from .vocab import KG

MANIFEST_SUFFIX = "/id/graph/kg-manifest"
URL_HINT = "give the store's http:// or https:// address, e.g. --endpoint http://127.0.0.1:7878"


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
    timeout: float = 60.0
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
           store_url: str | None = None, timeout: float = 60.0) -> "RemoteStore":
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
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                return resp.read()
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode("utf-8", "replace").strip()[:300]
            raise StoreError(f"{req.get_method()} {req.full_url} failed: HTTP {exc.code} {detail}") from exc
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise StoreError(f"cannot reach {req.full_url}: {reason}",
                             hint="is the store running, and is the URL right?") from exc
        except (ValueError, http.client.InvalidURL) as exc:  # a URL check_url let through
            raise StoreError(f"cannot send a request to {req.full_url!r}: {exc}", hint=URL_HINT) from exc

    def select(self, sparql: str) -> Result:
        """Run a SELECT query on the store."""
        url = self.query_url
        if self.union_default_graph:  # Oxigraph's option; other stores ignore unknown parameters
            url += ("&" if "?" in url else "?") + "union-default-graph"
        req = urllib.request.Request(url, data=urllib.parse.urlencode({"query": sparql}).encode(),
                                     headers={"Accept": "application/sparql-results+json",
                                              "Content-Type": "application/x-www-form-urlencoded"})
        solutions = ox.parse_query_results(self._open(req), format=ox.QueryResultsFormat.JSON)
        columns = [v.value for v in solutions.variables]
        return Result(columns, [[sol[c] for c in columns] for sol in solutions])

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


@dataclass
class PushResult:
    """What a push did."""

    sent: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0


def graph_hashes(graph: KnowledgeGraph) -> tuple[dict[str, str], dict[str, bytes]]:
    """Each named graph's content as N-Triples (sorted) and its SHA-256."""
    lines: dict[str, list[bytes]] = defaultdict(list)
    for quad in graph.store.quads_for_pattern(None, None, None, None):
        if isinstance(quad.graph_name, ox.NamedNode):
            lines[quad.graph_name.value].append(str(ox.Triple(quad.subject, quad.predicate, quad.object)).encode() + b" .\n")
    data = {g: b"".join(sorted(ls)) for g, ls in lines.items()}
    return {g: hashlib.sha256(d).hexdigest() for g, d in data.items()}, data


def push(graph: KnowledgeGraph, remote: RemoteStore, *, allow_errors: bool = False) -> PushResult:
    """Publish ``graph`` to ``remote``, sending only the named graphs that changed.

    The graph is validated first: a build with errors, or a graph that violates the
    SHACL shapes, is not pushed (unless ``allow_errors``).

    Raises:
        StoreError: the build has errors or violations (unless ``allow_errors``), or the
            store fails; in every case the remote data is left as it was.
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
    try:
        for g in changed:
            remote.put_graph(temps[g], data[g])
        manifest_lines = "".join(f"<{g}> <{KG}sha256> {json.dumps(h)} .\n" for g, h in sorted(hashes.items()))
        ops = [f"MOVE SILENT GRAPH <{temps[g]}> TO GRAPH <{g}>" for g in changed]
        ops += [f"DROP SILENT GRAPH <{g}>" for g in removed]
        ops += [f"DROP SILENT GRAPH <{manifest}>", f"INSERT DATA {{ GRAPH <{manifest}> {{\n{manifest_lines}}} }}"]
        remote.update(" ;\n".join(ops))
    except StoreError:
        for t in temps.values():  # through the store service, which may work when updates do not
            try:
                remote.delete_graph(t)
            except StoreError:
                pass
        raise
    result.sent, result.removed = changed, removed
    return result


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

    Raises:
        QueryError: no such query, a bad or missing parameter, or a site path given
            without ``base_url``.
        StoreError: the store cannot be reached or answers with an error.
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
    return remote.select(bind(q, params, base_url))

