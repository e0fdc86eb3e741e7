"""`kg serve` against the SPARQL 1.1 Protocol and a hostile client: what gets through
kg's layer to the real Oxigraph server behind it, and what a client gets back."""
import http.client
import http.server
import json
import os
import signal
import shutil
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

import pytest
from SPARQLWrapper import JSON, SPARQLWrapper

from kg.serve import Endpoint, Refused, Server, screen

pytestmark = pytest.mark.skipif(shutil.which("oxigraph") is None, reason="the oxigraph server binary is not installed")

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


@pytest.fixture(scope="module")
def server(tiny_graph):
    with Server(Endpoint(tiny_graph.path, port=0, max_rows=1000, timeout=3)) as srv:
        yield srv


def request(server, method, path, body=None, headers=None, timeout=20):
    conn = http.client.HTTPConnection("127.0.0.1", server.ep.port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers={"Host": f"127.0.0.1:{server.ep.port}", **(headers or {})})
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


def ask(server, query, accept="text/csv", **extra):
    params = urllib.parse.urlencode({"query": query, **extra}, doseq=True)
    return request(server, "GET", f"/sparql?{params}", headers={"Accept": accept})


def count(server, query, **extra) -> int:
    status, _, body = ask(server, query, **extra)
    assert status == 200, body
    return int(body.decode().splitlines()[1])


@pytest.fixture
def listener():
    """An HTTP server on loopback that records every request it gets."""
    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def _hit(self):
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            body = b'{"head":{"vars":["x"]},"results":{"bindings":[{"x":{"type":"literal","value":"HIT"}}]}}'
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = _hit

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/x", hits
    httpd.shutdown()
    httpd.server_close()


@pytest.mark.parametrize("query", [
    # `<2)SERVICE#>` reads as an IRI token by token; the engine reads less-than, SERVICE, a comment
    "SELECT * WHERE { FILTER(1<2)SERVICE#>\n<{url}> {{ ?x ?p ?o }} }",
    "SELECT * WHERE {{ ?s <http://x#y> ?o . FILTER(1<2)SERVICE#>\n<{url}> {{ ?x ?p ?o }} }}",
    "SELECT * WHERE {{ {{ SELECT * WHERE {{ sErViCe <{url}> {{ ?x ?p ?o }} }} }} }}",
    "SELECT * WHERE {{ ?s ?p ?o .SERVICE <{url}> {{ ?x ?p ?o }} }}",
    # a carriage return alone ends a comment for the engine, not for a reader of lines
    "SELECT * WHERE {{ # x\rSERVICE <{url}> {{ ?s ?p ?o }}\n}}",
    # rdflib turns \u escapes into characters first: "\u0022" opens a long string for it only
    'SELECT * WHERE {{ BIND("\\u0022" AS ?a) FILTER(1<2)SERVICE#>\n<{url}> {{ ?s ?p ?o }} BIND("\\u0022" AS ?b) }}',
])
def test_no_way_past_the_service_refusal(server, listener, query) -> None:
    url, hits = listener
    text = query.replace("{url}", url).replace("{{", "{").replace("}}", "}") if "{{" in query \
        else query.replace("{url}", url)
    with pytest.raises(Refused):
        screen(text)
    status, _, _ = ask(server, text)
    assert status in (400, 403) and hits == []


def test_the_service_check_reads_long_and_deep_queries_and_refuses_huge_ones() -> None:
    many = "SELECT * WHERE { " + " . ".join(f"?s{i} <http://x/p> ?o{i}" for i in range(100)) + " } # service"
    deep = "SELECT * WHERE { FILTER(" + "(" * 30 + "1" + ")" * 30 + ") } # service"
    assert screen(many) == screen(deep) == "SELECT"
    with pytest.raises(Refused) as info:
        screen("SELECT * WHERE { FILTER(?x IN (" + ",".join(["1"] * 3000) + ")) } # service")
    assert info.value.status == 413


def test_a_carriage_return_does_not_hide_a_dataset(server, tiny_graph) -> None:
    one = (tiny_graph.path / "graph.nq").read_text().splitlines()[0].rsplit(" ", 2)[-2]
    in_one = sum(1 for line in (tiny_graph.path / "graph.nq").read_text().splitlines() if line.endswith(f"{one} ."))
    assert count(server, f"SELECT (COUNT(*) AS ?n) #x\rFROM {one}\n WHERE {{ ?s ?p ?o }}") == in_one


@pytest.mark.parametrize("query", [
    'SELECT * WHERE { ?s ?p "public service" }',
    "PREFIX ex: <http://ex/> SELECT * WHERE { ?s ex:foo-copy ?o ; ex:a.drop ?x . ?x ?p 'x'@en-add }",
    "SELECT * WHERE { ?s <http://example.org/service> ?o }",
])
def test_words_that_only_look_like_keywords_are_not_refused(query: str) -> None:
    assert screen(query) == "SELECT"


def test_named_queries_are_only_the_packaged_ones(server) -> None:
    started = time.monotonic()
    for path in ("/queries//dev/zero", "/queries//etc/passwd", "/queries//etc/no-such-file",
                 "/queries/../queries/speakers.rq", "/queries/%2Fetc%2Fpasswd"):
        status, _, body = request(server, "GET", path)
        assert status == 404 and json.loads(body)["error"].startswith("no named query"), path
    assert time.monotonic() - started < 5  # /dev/zero was not read


def test_a_runaway_query_is_stopped_at_the_timeout_and_the_engine_restarted(tiny_graph) -> None:
    with Server(Endpoint(tiny_graph.path, port=0, timeout=2)) as srv:
        old = srv.engine.proc
        started = time.monotonic()
        status, _, body = ask(srv, RUNAWAY)
        took = time.monotonic() - started
        assert status == 504 and b"timed out" in body and 1.9 < took < 6
        assert old.poll() is not None  # the engine working on it is gone
        assert srv.engine.alive() and count(srv, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }") > 0
        # a result the engine would cut short and end cleanly is no answer either
        status, _, _ = ask(srv, RUNAWAY.replace("(COUNT(*) AS ?n)", "*") + " OFFSET 1000000000000")
        assert status == 504


def test_a_stopped_engine_is_started_again(tiny_graph) -> None:
    with Server(Endpoint(tiny_graph.path, port=0, timeout=5)) as srv:
        srv.engine.proc.kill()
        srv.engine.proc.wait()
        status, headers, _ = ask(srv, "ASK { ?s ?p ?o }")
        assert status == 503 and headers["retry-after"] == "1"
        assert ask(srv, "ASK { ?s ?p ?o }")[0] == 200


def test_the_dataset_of_a_query_or_a_request_is_honoured(server, tiny_graph) -> None:
    graphs = [line.rsplit(" ", 2)[-2] for line in (tiny_graph.path / "graph.nq").read_text().splitlines()]
    one = graphs[0]
    in_one = graphs.count(one)
    total = len(graphs)
    assert 0 < in_one < total
    assert count(server, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }") == total  # the union, by default
    assert count(server, f"SELECT (COUNT(*) AS ?n) FROM {one} WHERE {{ ?s ?p ?o }}") == in_one
    assert count(server, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", **{"default-graph-uri": one[1:-1]}) == in_one
    assert count(server, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
                 **{"named-graph-uri": one[1:-1]}) == in_one


@pytest.mark.parametrize("accept, expected", [
    ("application/sparql-results+json;q=0.1, text/csv", "text/csv"),
    ("text/csv;q=0, application/sparql-results+xml", "application/sparql-results+xml"),
    ("text/*", "text/csv"),
    ("*/*", "application/sparql-results+json"),
    ("", "application/sparql-results+json"),
])
def test_accept_is_ranked_by_quality(server, accept, expected) -> None:
    status, headers, _ = ask(server, "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1", accept=accept)
    assert status == 200 and headers["content-type"].split(";")[0] == expected


@pytest.mark.parametrize("accept, expected", [
    ("application/*;q=0, */*", "csv"),                               # a refused range is refused
    ("*/*, application/sparql-results+json;q=0", "xml"),
    ("application/sparql-results+json;q=0.5, */*;q=0.9", "xml"),    # the most specific range's quality
    ("text/csv;q=nan, application/sparql-results+xml", "xml"),
    ("text/xml", "xml"),
])
def test_accept_quality_by_the_most_specific_range(accept, expected) -> None:
    from kg.serve import _negotiate
    assert _negotiate(accept, None, "SELECT") == expected


def test_an_engine_that_cannot_start_again_is_503(tiny_graph, monkeypatch) -> None:
    with Server(Endpoint(tiny_graph.path, port=0, timeout=5)) as srv:
        monkeypatch.setattr("kg.serve.oxigraph_binary", lambda: "/bin/false")
        srv.engine.proc.kill()
        srv.engine.proc.wait()
        for _ in range(2):
            status, headers, body = ask(srv, "ASK { ?s ?p ?o }")
            assert status == 503 and headers["access-control-allow-origin"] == "*", body


def test_nothing_acceptable_is_406(server) -> None:
    assert ask(server, "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1", accept="image/png")[0] == 406
    assert ask(server, "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 1", accept="text/csv")[0] == 406


def test_text_results_say_their_charset(server) -> None:
    for query, accept in [("SELECT ?s WHERE { ?s ?p ?o } LIMIT 1", "text/csv"),
                          ("SELECT ?s WHERE { ?s ?p ?o } LIMIT 1", "text/tab-separated-values"),
                          ("CONSTRUCT WHERE { ?s ?p ?o } LIMIT 1", "text/turtle")]:
        assert ask(server, query, accept=accept)[1]["content-type"].endswith("charset=utf-8")


def test_format_takes_media_types_and_sparqlwrapper_gets_its_defaults(server) -> None:
    status, headers, _ = ask(server, "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1", accept="",
                             format=["text/tab-separated-values"])
    assert status == 200 and headers["content-type"].startswith("text/tab-separated-values")
    client = SPARQLWrapper(server.url)
    client.setQuery("CONSTRUCT { ?s a ?t } WHERE { ?s a ?t } LIMIT 2")
    graph = client.queryAndConvert()  # rdflib Graph, from RDF/XML SPARQLWrapper asks for
    assert len(graph) == 2
    client.setQuery("SELECT ?s WHERE { ?s ?p ?o } LIMIT 1")
    client.setReturnFormat(JSON)
    assert len(client.queryAndConvert()["results"]["bindings"]) == 1


def test_other_methods_and_bad_bodies_get_their_status(server) -> None:
    for method in ("PUT", "DELETE", "PATCH"):
        status, headers, _ = request(server, method, "/sparql", body=b"x")
        assert status == 405 and "GET" in headers["allow"] and headers["access-control-allow-origin"] == "*"
    status, _, _ = request(server, "POST", "/sparql", body=b"ASK {}", headers={"Content-Type": "text/plain"})
    assert status == 415
    conn = http.client.HTTPConnection("127.0.0.1", server.ep.port, timeout=10)
    try:
        conn.putrequest("POST", "/sparql", skip_host=True)
        conn.putheader("Host", f"127.0.0.1:{server.ep.port}")
        conn.putheader("Content-Type", "application/sparql-query")
        conn.putheader("Content-Length", "abc")
        conn.endheaders()
        assert conn.getresponse().status == 400
    finally:
        conn.close()
    status, _, _ = request(server, "POST", "/sparql", body=iter([b"ASK {}"]),
                           headers={"Content-Type": "application/sparql-query", "Transfer-Encoding": "chunked"})
    assert status == 411


def test_the_http_servers_own_errors_carry_cors(server) -> None:
    status, headers, body = request(server, "GET", "/sparql?query=" + "a" * 70_000)
    assert status == 414 and headers["access-control-allow-origin"] == "*" and json.loads(body)["status"] == 414


def _children(pid: int) -> list[int]:
    """The processes ``pid`` started, from any of its threads."""
    return [int(p) for kids in Path(f"/proc/{pid}/task").glob("*/children") for p in kids.read_text().split()]


def _gone(pid: int, within: float = 10) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
            state = Path(f"/proc/{pid}/stat").read_text().split()[2]
            if state == "Z":
                return True
        except (ProcessLookupError, FileNotFoundError):
            return True
        time.sleep(0.1)
    return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL])
def test_the_engine_goes_with_kg_serve(tiny_graph, sig) -> None:
    proc = subprocess.Popen([sys.executable, "-m", "kg", "serve", "--graph", str(tiny_graph.path), "--port", "0"],
                            stderr=subprocess.PIPE, text=True)
    try:
        assert "SPARQL endpoint at" in proc.stderr.readline()
        engines = _children(proc.pid)
        assert len(engines) == 1
        proc.send_signal(sig)
        proc.wait(10)
        assert _gone(engines[0])
        if sig == signal.SIGTERM:  # stopped as by Ctrl-C: the engine stopped, not just killed with it
            assert proc.returncode == 0
    finally:
        proc.kill()
        proc.wait()


def test_a_huge_result_is_cut_at_its_bytes(server, monkeypatch) -> None:
    monkeypatch.setattr("kg.serve.MAX_RESULT_BYTES", 2000)
    query = ('SELECT ?big WHERE { ?s ?p ?o BIND(CONCAT(STR(?s), STR(?s), STR(?s), STR(?s), STR(?s), STR(?s),'
             ' STR(?s), STR(?s), STR(?s), STR(?s), STR(?s), STR(?s), STR(?s), STR(?s), STR(?s), STR(?s)) AS ?big) }')
    status, headers, body = ask(server, query, accept="application/sparql-results+json")
    rows = json.loads(body)["results"]["bindings"]
    assert status == 200 and headers["x-kg-truncated"].endswith("or 2,000 bytes")
    assert 0 < len(rows) < 1000 and sum(len(r["big"]["value"]) for r in rows) <= 2000
