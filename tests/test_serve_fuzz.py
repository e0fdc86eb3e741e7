"""Fuzz the endpoint: whatever a client sends, it answers with a status below 500 and
never runs an update, a LOAD or a SERVICE call."""
import http.client
import shutil
import urllib.parse

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.serve import Endpoint, Server

pytestmark = pytest.mark.skipif(shutil.which("oxigraph") is None, reason="the oxigraph server binary is not installed")

FRAGMENTS = ["SELECT", "*", "WHERE", "{", "}", "?s", "?p", "?o", "ASK", "CONSTRUCT", "DESCRIBE", "SERVICE",
             "<http://127.0.0.1:9/>", "LOAD", "<file:///etc/passwd>", "INSERT", "DATA", "DELETE", "CLEAR", "ALL",
             "DROP", "GRAPH", "FROM", "LIMIT", "10", "FILTER", "(", ")", "'x'", '"y"', "#", "\n", "PREFIX",
             "ex:", "<x>", ";", ".", "ORDER BY", "OPTIONAL", "UNION", "VALUES", "UNDEF", "\u202e", "\x00", "%"]


@pytest.fixture(scope="module")
def server(tiny_graph):
    with Server(Endpoint(tiny_graph.path, port=0, max_rows=50, timeout=5)) as srv:
        yield srv


def send(server, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
    conn = http.client.HTTPConnection("127.0.0.1", server.ep.port, timeout=15)
    try:
        conn.request(method, path, body=body, headers={"Host": f"127.0.0.1:{server.ep.port}", **(headers or {})})
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def count_quads(server) -> int:
    q = urllib.parse.quote("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    status, body = send(server, "GET", f"/sparql?query={q}", headers={"Accept": "text/csv"})
    assert status == 200
    return int(body.decode().splitlines()[1])


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(words=st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=8), max_size=14),
       method=st.sampled_from(["GET", "POST-form", "POST-query", "POST-update"]),
       accept=st.sampled_from(["*/*", "application/sparql-results+json", "text/csv", "text/turtle", "image/png", ""]))
def test_endpoint_answers_every_request_without_a_server_error(server, words, method, accept) -> None:
    query = " ".join(words)
    if method == "GET":
        status, _ = send(server, "GET", "/sparql?query=" + urllib.parse.quote(query, safe=""), headers={"Accept": accept})
    elif method == "POST-form":
        status, _ = send(server, "POST", "/sparql", urllib.parse.urlencode({"query": query}).encode(),
                         {"Content-Type": "application/x-www-form-urlencoded", "Accept": accept})
    elif method == "POST-query":
        status, _ = send(server, "POST", "/sparql", query.encode("utf-8", "surrogatepass"),
                         {"Content-Type": "application/sparql-query", "Accept": accept})
    else:
        status, _ = send(server, "POST", "/sparql", query.encode("utf-8", "surrogatepass"),
                         {"Content-Type": "application/sparql-update"})
        assert status == 403
    assert status < 500 or status == 504, (status, query)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=st.text(alphabet=st.characters(codec="ascii", exclude_characters="\r\n "), max_size=40))
def test_any_path_gets_a_clean_answer(server, path) -> None:
    status, _ = send(server, "GET", "/" + urllib.parse.quote(path, safe="/?=&%"))
    assert status < 500


def test_nothing_a_fuzzer_sends_changes_the_data(server) -> None:
    before = count_quads(server)
    for text in ["CLEAR ALL", "DROP ALL", "INSERT DATA { <a:b> <a:c> <a:d> }", "LOAD <file:///etc/passwd>",
                 "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"]:
        for ctype in ("application/sparql-update", "application/sparql-query"):
            send(server, "POST", "/sparql", text.encode(), {"Content-Type": ctype})
        send(server, "GET", "/sparql?query=" + urllib.parse.quote(text))
        send(server, "POST", "/update", text.encode(), {"Content-Type": "application/sparql-update"})
    assert count_quads(server) == before
