"""`kg serve`: a real Oxigraph server behind kg's read-only layer, queried by real clients."""
import http.client
import json
import shutil
import urllib.error

import pytest
from SPARQLWrapper import CSV, JSON, TURTLE, SPARQLWrapper

from kg.serve import Endpoint, Refused, Server, screen

pytestmark = pytest.mark.skipif(shutil.which("oxigraph") is None, reason="the oxigraph server binary is not installed")


@pytest.fixture(scope="module")
def server(tiny_graph):
    with Server(Endpoint(tiny_graph.path, port=0, max_rows=3, timeout=5)) as srv:
        yield srv


def request(server, method, path, body=None, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", server.ep.port, timeout=10)
    try:
        conn.request(method, path, body=body, headers={"Host": f"127.0.0.1:{server.ep.port}", **(headers or {})})
        resp = conn.getresponse()
        return resp.status, dict((k.lower(), v) for k, v in resp.getheaders()), resp.read()
    finally:
        conn.close()


def test_sparqlwrapper_select_json(server) -> None:
    client = SPARQLWrapper(server.url)
    client.setQuery("SELECT ?e WHERE { ?e a <https://schema.org/Event> } ORDER BY ?e LIMIT 2")
    client.setReturnFormat(JSON)
    rows = client.query().convert()["results"]["bindings"]
    assert [r["e"]["value"] for r in rows] == ["https://tiny.example.org/events/2024-01-10-tiny-meetup",
                                               "https://tiny.example.org/events/2024-02-14-tiny-meetup"]


def test_sparqlwrapper_post_csv_and_construct_turtle(server) -> None:
    client = SPARQLWrapper(server.url)
    client.setMethod("POST")
    client.setQuery("SELECT ?n WHERE { ?p a <https://schema.org/Person> ; <https://schema.org/name> ?n } ORDER BY ?n")
    client.setReturnFormat(CSV)
    assert client.query().convert().decode().splitlines()[:2] == ["n", "Ada Example"]
    client.setQuery("CONSTRUCT { ?s ?p ?o } WHERE { ?s a <https://schema.org/EventSeries> ; ?p ?o }")
    client.setReturnFormat(TURTLE)
    assert b"EventSeries" in client.query().convert()


def test_result_cap(server) -> None:
    status, headers, body = request(server, "GET", "/sparql?query=SELECT%20*%20WHERE%20%7B%3Fs%20%3Fp%20%3Fo%7D",
                                    headers={"Accept": "application/sparql-results+json"})
    assert status == 200 and "x-kg-truncated" in headers
    assert len(json.loads(body)["results"]["bindings"]) == 3


def test_update_is_refused(server) -> None:
    status, _, body = request(server, "POST", "/sparql", body=b"CLEAR ALL",
                              headers={"Content-Type": "application/sparql-update"})
    assert status == 403 and b"read-only" in body
    status, _, _ = request(server, "POST", "/sparql", body=b"update=DROP%20ALL",
                           headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 403


def test_service_and_load_are_refused(server) -> None:
    client = SPARQLWrapper(server.url)
    client.setQuery("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")
    with pytest.raises(urllib.error.HTTPError) as info:
        client.query()
    assert info.value.code == 403
    assert request(server, "GET", "/sparql?query=LOAD%20%3Cfile%3A%2F%2F%2Fetc%2Fpasswd%3E")[0] == 403


def test_unknown_host_header_is_refused(server) -> None:
    status, _, body = request(server, "GET", "/queries", headers={"Host": "evil.example"})
    assert status == 421 and b"Host" in body


def test_cors_preflight_and_header(server) -> None:
    status, headers, _ = request(server, "OPTIONS", "/sparql", headers={"Origin": "https://app.example"})
    assert status == 204 and headers["access-control-allow-origin"] == "*"
    assert "POST" in headers["access-control-allow-methods"]


def test_named_query_with_bound_parameter(server) -> None:
    status, _, body = request(server, "GET", "/queries/person-timeline?person_name=Ada%20Example")
    rows = json.loads(body)["results"]["bindings"]
    assert status == 200 and [r["title"]["value"] for r in rows] == ["A talk on privacy"]
    status, _, body = request(server, "GET", "/queries/person-timeline")
    assert status == 400 and b"needs parameter" in body and b"add ?person_name=VALUE to the URL" in body
    assert request(server, "GET", "/queries/nope")[0] == 404


@pytest.mark.parametrize("address", ["/events/2024-03-05-ada-talk", "/events/2024-03-05-ada-talk/",
                                     "/events/2024-03-05-ada-talk.html",
                                     "http://tiny.example.org/events/2024-03-05-ada-talk"])
def test_named_query_takes_a_pages_address_however_written_as_kg_query_does(server, address: str) -> None:
    """`kg query -p event=/events/x/` found the event, with a note; the endpoint gave 0 rows."""
    status, _, body = request(server, "GET", f"/queries/speakers?event={address}")
    rows = json.loads(body)["results"]["bindings"]
    assert status == 200 and [r["name"]["value"] for r in rows] == ["Ada Example"]


def test_named_query_listing(server) -> None:
    status, _, body = request(server, "GET", "/queries")
    assert status == 200 and "speakers" in {q["name"] for q in json.loads(body)}


@pytest.mark.parametrize("query", [
    "SELECT * WHERE { ?s ?p 'SERVICE' }",          # the word inside a string
    "SELECT ?service WHERE { ?service ?p ?o }",      # a variable
    "PREFIX ex: <http://ex/> SELECT * WHERE { ?s ex:load ?o }",  # a prefixed name
    "# DELETE everything\nASK { ?s ?p ?o }",          # a comment
])
def test_screen_allows_keywords_that_are_not_keywords(query: str) -> None:
    assert screen(query) in ("SELECT", "ASK")


@pytest.mark.parametrize("query", [
    "SELECT * WHERE { service <http://x/> { ?s ?p ?o } }",
    "INSERT DATA { <a:b> <a:c> <a:d> }",
    "CLEAR ALL",
])
def test_screen_refuses(query: str) -> None:
    with pytest.raises(Refused):
        screen(query)


def test_cli_get_answer_goes_to_stdout_and_exits_0(tiny_graph) -> None:
    from click.testing import CliRunner

    from kg.cli import cli

    result = CliRunner().invoke(cli, ["serve", "--graph", str(tiny_graph.path), "--get", "/sparql?query=ASK{?s?p?o}"])
    assert result.exit_code == 0 and result.stderr == ""
    assert json.loads(result.stdout)["boolean"] is True


@pytest.mark.parametrize("path, message", [
    ("/nope", "Error: HTTP 404: no such path: /nope"),                  # kg's own JSON error
    ("/queries/person-timeline", "Error: HTTP 400: query 'person-timeline' needs parameter 'person_name'"),
    ("/sparql?query=ASK%7B%3Fs", "Error: HTTP 400: "),                   # the engine's own text
])
def test_cli_get_error_answer_goes_to_stderr_and_exits_2(tiny_graph, path: str, message: str) -> None:
    """An error answer is the CLI's one `Error:` line on stderr, exit 2 ("could not run"), not
    the body on stdout with exit 1 (the tester's defect 3)."""
    from click.testing import CliRunner

    from kg.cli import cli

    result = CliRunner().invoke(cli, ["serve", "--graph", str(tiny_graph.path), "--get", path])
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith(message) and result.stderr.count("\n") == 1


@pytest.mark.parametrize("path", ["", "queries/series", "sparql?query=ASK{}"])
def test_cli_get_of_what_is_no_path_is_a_usage_error_not_a_server(tiny_graph, path: str) -> None:
    """`kg serve --get "$Q"` with an empty $Q started the server and never returned (a CI job hung)."""
    from click.testing import CliRunner

    from kg.cli import cli

    result = CliRunner().invoke(cli, ["serve", "--graph", str(tiny_graph.path), "--host", "256.0.0.1", "--get", path])  # no server can start
    assert result.exit_code == 2 and result.stdout == ""
    assert f"Invalid value for '--get': {path!r} is not a path: a path starts with /" in result.stderr


def test_a_parameter_given_twice_is_refused_not_last_one_wins(server) -> None:
    """The endpoint took the last of a repeated parameter, where `kg query -p` refuses it."""
    status, _, body = request(server, "GET", "/queries/person-timeline?person_name=Nobody&person_name=Ada%20Example")
    assert status == 400
    assert json.loads(body)["error"] == ("parameter 'person_name' is given 2 times (person_name='Nobody', "
                                         "person_name='Ada Example'): give each parameter once")


@pytest.mark.parametrize("method, path, body, ctype", [
    ("GET", "/sparql?query=ASK%7B%7D&query=SELECT%20*%20%7B%7D", None, None),
    ("POST", "/sparql?query=ASK%7B%7D", b"query=SELECT%20*%20%7B%7D", "application/x-www-form-urlencoded"),
    ("POST", "/sparql?query=ASK%7B%7D", b"SELECT * {}", "application/sparql-query"),
])
def test_two_queries_in_one_request_are_refused(server, method: str, path: str, body, ctype) -> None:
    """The SPARQL Protocol: exactly one query per request."""
    status, _, answer = request(server, method, path, body, {"Content-Type": ctype} if ctype else None)
    assert status == 400 and "parameter 'query' is given 2 times" in json.loads(answer)["error"]


def test_missing_parameter_hint_is_for_a_url_whatever_the_cli_says(server, monkeypatch) -> None:
    from kg.errors import QueryError

    def bind(query, params, base_url=None):
        raise QueryError(f"query {query.name!r} needs parameter 'person_name'", hint="use -p person_name=…",
                         key="person_name")

    monkeypatch.setattr("kg.serve.bind", bind)
    status, _, body = request(server, "GET", "/queries/person-timeline")
    assert status == 400 and json.loads(body)["error"].endswith("Hint: add ?person_name=VALUE to the URL")


def test_run_needs_the_engine(tiny_graph) -> None:
    from kg.serve import run

    with pytest.raises(TypeError):
        run(Endpoint(tiny_graph.path), "ASK {}")  # (was an assert, gone under python -O)
