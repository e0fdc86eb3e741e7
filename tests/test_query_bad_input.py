"""`kg query` and `kg push` given bad input, locally and against stores that answer
badly: every case is one `Error: …` line (naming the file, and line, where there is one)
and exit status 2, never a traceback; nothing asked for is dropped without a word."""
from __future__ import annotations

import re
import socket
import threading
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

import kg
from kg.cli import cli
from kg.errors import QueryError, StoreError
from kg.query import load, names, run_query
from kg.remote import RemoteStore, remote_query

from conftest import FakeStore


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args))


def one_error_line(result, start: str) -> None:
    """The CLI's answer to a user's mistake: exit 2, one `Error:` line, no traceback."""
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(start), result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.output, result.output


def rq(tmp_path: Path, text: str, name: str = "q.rq") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


# -- local queries ------------------------------------------------------------------------
SYNTAX_ERROR = "# description: broken\nSELECT * WHERE {\n  ?s ?p ?o .\n  BIND(1 AS)\n}\n"


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_syntax_error_names_the_file_line_and_column_on_either_engine(engine: str, tiny_graph, tmp_path) -> None:
    """Was: `path: query 'syn' failed: error at 4:14: …` (Oxigraph) and a pyparsing
    traceback, exit 1 (rdflib)."""
    path = rq(tmp_path, SYNTAX_ERROR, "syn.rq")
    result = invoke("query", path, "--graph", str(tiny_graph.path), "--engine", engine)
    one_error_line(result, f"Error: {path}:")
    assert re.match(rf"Error: {re.escape(path)}:\d+:\d+: query 'syn' failed: SPARQL syntax error: \S", result.stderr)
    if engine == "oxigraph":
        assert result.stderr.startswith(f"Error: {path}:4:13: ")


def test_syntax_error_of_a_long_list_of_expected_tokens_is_cut(tiny_graph, tmp_path) -> None:
    """Oxigraph's account of an undeclared prefix lists some 20 character ranges."""
    path = rq(tmp_path, "PREFIX s: <http://s.example/>\nSELECT * WHERE { ?s foo:p ?o }\n", "prefix.rq")
    result = invoke("query", path, "--graph", str(tiny_graph.path))
    one_error_line(result, f"Error: {path}:2:")
    assert result.stderr.endswith("SPARQL syntax error: a prefix that no PREFIX line declares\n")
    path = rq(tmp_path, "SELECT * WHERE {\n  ?s ?p ?o . FILTER(?o = )\n}\n", "filter.rq")
    result = invoke("query", path, "--graph", str(tiny_graph.path))
    one_error_line(result, f"Error: {path}:")
    assert len(result.stderr) < len(path) + 200 and result.stderr.endswith(", …\n")


def test_rdflib_engine_error_without_place_is_one_line(tiny_graph, tmp_path) -> None:
    """rdflib raises a bare Exception for an undeclared prefix, at evaluation."""
    path = rq(tmp_path, "SELECT * WHERE { ?s ex:p ?o }\n", "prefix.rq")
    result = invoke("query", path, "--graph", str(tiny_graph.path), "--engine", "rdflib")
    one_error_line(result, f"Error: {path}")
    assert "query 'prefix' failed" in result.stderr


def test_query_file_that_is_not_utf8_names_its_line(tiny_graph, tmp_path) -> None:
    path = tmp_path / "latin1.rq"
    path.write_bytes(b"# description: x\n# caf\xe9s\nSELECT * WHERE { ?s ?p ?o }\n")
    result = invoke("query", str(path), "--graph", str(tiny_graph.path))
    one_error_line(result, f"Error: {path}:2: the query file is not UTF-8 text (byte 0xe9)")


def test_a_parameter_value_that_is_not_text_is_an_error(tiny_graph) -> None:
    """`-p "organisation_query=$(printf 'a\\xffb')"`: Python hands the byte on as a surrogate;
    was a ValueError traceback."""
    result = invoke("query", "organisations", "--graph", str(tiny_graph.path), "-p", "organisation_query=a\udcffb")
    one_error_line(result, "Error: parameter 'organisation_query' is not valid text: 'a\\udcffb' has bytes that "
                           "are not UTF-8. Hint: ")
    with pytest.raises(QueryError, match="not valid text"):
        run_query("organisations", tiny_graph, organisation_query="a\udcffb")


def test_a_parameter_given_twice_is_an_error_not_last_wins(tiny_graph) -> None:
    result = invoke("query", "organisations", "--graph", str(tiny_graph.path),
                    "-p", "organisation_query=Example", "-p", "organisation_query=Nothing")
    assert result.exit_code == 2 and result.stdout == ""
    assert "'organisation_query' is given twice (organisation_query='Example', organisation_query='Nothing')" \
        in result.stderr


def test_an_update_in_a_query_file_is_refused_without_talk_of_an_endpoint(tiny_graph, tmp_path) -> None:
    """Was: `INSERT: this endpoint is read-only`, with no endpoint involved."""
    path = rq(tmp_path, "INSERT DATA { <http://a.example/s> <http://a.example/p> <http://a.example/o> }\n", "upd.rq")
    result = invoke("query", path, "--graph", str(tiny_graph.path))
    one_error_line(result, f"Error: {path}: query 'upd' refused: INSERT: kg query only reads a graph, which changes "
                           f"when the site does (edit it, run kg build)")
    assert "endpoint" not in result.stderr


ASK = "PREFIX schema: <https://schema.org/>\nASK {{ ?e a schema:Event ; schema:name {name} }}\n"
CONSTRUCT = ("PREFIX schema: <https://schema.org/>\n"
             "CONSTRUCT { ?e schema:name ?n } WHERE { ?e a schema:Event ; schema:name ?n }\n")


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_ask_construct_and_describe_files_run(engine: str, tiny_graph, tmp_path) -> None:
    """The README says any .rq file runs; was: "named queries must SELECT rows"."""
    graph = ["--graph", str(tiny_graph.path), "--engine", engine]
    yes, no = rq(tmp_path, ASK.format(name='"Tiny Meetup"'), "yes.rq"), rq(tmp_path, ASK.format(name='"Nope"'), "no.rq")
    assert invoke("query", yes, *graph).output == "true\n"
    assert invoke("query", no, *graph).output == "false\n"
    assert invoke("query", yes, *graph, "--format", "json").output == '{\n  "head": {},\n  "boolean": true\n}\n'

    con = rq(tmp_path, CONSTRUCT, "con.rq")
    turtle = invoke("query", con, *graph)
    assert turtle.exit_code == 0 and "@prefix schema: <https://schema.org/> ." in turtle.output
    triples = set(ox.parse(turtle.output.encode(), format=ox.RdfFormat.TURTLE))
    assert len(triples) == 4 and triples == set(ox.parse(invoke("query", con, *graph, "--format", "turtle")
                                                         .output.encode(), format=ox.RdfFormat.TURTLE))
    nt = invoke("query", con, *graph, "--format", "ntriples").output
    assert set(ox.parse(nt.encode(), format=ox.RdfFormat.N_TRIPLES)) == triples and len(nt.splitlines()) == 4

    des = rq(tmp_path, "DESCRIBE <https://tiny.example.org/events/2024-03-05-ada-talk>\n", "des.rq")
    described = invoke("query", des, *graph, "--format", "ntriples")
    assert described.exit_code == 0
    assert '<https://tiny.example.org/events/2024-03-05-ada-talk> <https://schema.org/name> "A talk on privacy" .' \
        in described.output


def test_a_format_that_cannot_show_the_answer_is_an_error(tiny_graph, tmp_path) -> None:
    graph = ["--graph", str(tiny_graph.path)]
    con = rq(tmp_path, CONSTRUCT, "con.rq")
    one_error_line(invoke("query", con, *graph, "--format", "csv"),
                   "Error: a CONSTRUCT or DESCRIBE query gives triples, which format 'csv' cannot show. "
                   "Hint: use turtle (the default) or ntriples")
    one_error_line(invoke("query", "speakers", *graph, "--format", "turtle"),
                   "Error: a SELECT query gives rows, not triples: format 'turtle' is for CONSTRUCT and DESCRIBE")
    ask = rq(tmp_path, ASK.format(name='"x"'), "ask.rq")
    one_error_line(invoke("query", ask, *graph, "--format", "ntriples"), "Error: an ASK query gives true or false")


def test_a_parameter_with_listed_values_says_them(tiny_graph) -> None:
    """Was: 0 rows for `kind=Person`, as for a kind with no nodes."""
    result = invoke("query", "view-nodes", "--graph", str(tiny_graph.path), "-p", "kind=Person")
    one_error_line(result, "Error: parameter 'kind' must be one of event, person, organisation, funder, project, "
                           "topic, series; got 'Person'. Hint: did you mean 'person'?")
    relation = invoke("query", "view-links", "--graph", str(tiny_graph.path), "-p", "relation=topic")
    one_error_line(relation, "Error: parameter 'relation' must be one of event-project, event-topic, ")
    fine = invoke("query", "view-nodes", "--graph", str(tiny_graph.path), "-p", "kind=person", "--format", "csv")
    assert fine.exit_code == 0 and "Ada Example" in fine.output


def test_only_a_doc_that_says_one_of_lists_values() -> None:
    from kg.query import parse_query

    def choices(doc: str) -> tuple[str, ...]:
        return parse_query(f"# param p (text): {doc}\nSELECT * WHERE {{}}\n", "x").params[0].choices

    assert choices("the format, one of csv, tsv or json.") == ("csv", "tsv", "json")
    assert choices("one of: csv or json") == ("csv", "json")
    assert choices("a name, e.g. Alice or Bob") == () and choices("only kinds: event or person") == ()
    assert parse_query("# param n (integer): one of 1 or 2\nSELECT * WHERE {}\n", "x").params[0].choices == ()


def test_every_listed_parameter_value_is_one_the_query_gives() -> None:
    """A parameter's doc that lists its values (`…: a, b or c`) lists the query's own."""
    listed = [(n, p) for n in names() for p in load(n).params if p.choices]
    assert {(n, p.name) for n, p in listed} >= {("view-nodes", "kind"), ("view-links", "relation")}
    for n, p in listed:
        text = load(n).text
        assert [c for c in p.choices if f'"{c}"' not in text] == [], n


# -- remote stores --------------------------------------------------------------------------
def test_a_login_page_is_not_sparql_results(fake_store: FakeStore, tiny_graph) -> None:
    """Was: `SyntaxError: Parser error …` from pyoxigraph, a traceback."""
    expected = (f"Error: {fake_store.url}/query answered with something that is not SPARQL results "
                f'(text/html: "<html>Please log in<…"). Hint: is it the store\'s SPARQL query service')
    one_error_line(invoke("query", "events", "--endpoint", fake_store.url), expected)
    one_error_line(invoke("push", "--graph", str(tiny_graph.path), "--endpoint", fake_store.url), expected)
    with pytest.raises(StoreError, match="not SPARQL results"):
        RemoteStore.at(fake_store.url).select("SELECT * WHERE { ?s ?p ?o }")


def test_an_answer_the_store_breaks_off_says_how_it_ends(fake_store: FakeStore) -> None:
    """Oxigraph answers 200, writes some results, then its error as text."""
    fake_store.answer = (200, "application/sparql-results+json",
                         b'{"head":{"vars":["s"]},"results":{"bindings":[{"s":{"type":"uri","value":"http://a/"}},'
                         b"The port 1 is not allowed for HTTP(S) because it is dedicated to an other use")
    result = invoke("query", "events", "--endpoint", fake_store.url)
    one_error_line(result, f"Error: {fake_store.url}/query answered with something that is not SPARQL results "
                           f'(application/sparql-results+json, ending "…')
    assert 'because it is dedicated to an other use"). Hint:' in result.stderr


@pytest.mark.parametrize("text, refused", [
    ("SELECT * WHERE { SERVICE <http://127.0.0.1:1/> { ?s ?p ?o } }\n",
     "SERVICE (federated queries to other endpoints) is refused here"),
    ("DELETE WHERE { ?s ?p ?o }\n", "DELETE: kg query only reads a store, which kg push changes"),
    ("LOAD <http://example.org/data.ttl>\n", "LOAD: kg query only reads a store, which kg push changes"),
])
def test_endpoint_queries_are_screened_as_local_ones(text: str, refused: str, fake_store: FakeStore, tmp_path) -> None:
    """Was: sent to the store, which would follow SERVICE anywhere or run the update."""
    path = rq(tmp_path, text, "bad.rq")
    one_error_line(invoke("query", path, "--endpoint", fake_store.url), f"Error: {path}: query 'bad' refused: {refused}")
    assert fake_store.requests == []


def listening_socket() -> socket.socket:
    """A socket that listens and never accepts: connections open, then nothing is said."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    return sock


@pytest.mark.parametrize("verb", ["query", "push"])
def test_https_to_a_store_that_never_answers_the_handshake_times_out_clearly(verb: str, tiny_graph) -> None:
    """Was: a 60-second wait (no --timeout), then "cannot reach …: _ssl.c:989: The handshake operation timed out"."""
    with listening_socket() as sock:
        url = f"https://127.0.0.1:{sock.getsockname()[1]}"
        args = ["push", "--graph", str(tiny_graph.path)] if verb == "push" else ["query", "events"]
        started = time.monotonic()
        result = invoke(*args, "--endpoint", url, "--timeout", "0.5")
        assert time.monotonic() - started < 10
    one_error_line(result, f"Error: {url}/query?union-default-graph did not answer the TLS handshake within 0.5 s. "
                           f"Hint: a store that speaks plain HTTP never does: give its address as http://…")


def test_a_store_that_does_not_answer_in_time_says_so(tiny_graph) -> None:
    with listening_socket() as sock:
        url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        result = invoke("query", "events", "--endpoint", url, "--timeout", "0.5")
    one_error_line(result, f"Error: {url}/query?union-default-graph did not answer within 0.5 s. Hint: ")
    assert "--timeout SECONDS" in result.stderr


def test_a_server_that_does_not_speak_http_is_one_error_line() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(1)

        def babble() -> None:
            conn, _ = sock.accept()
            with conn:
                conn.recv(65536)
                conn.sendall(b"\x15\x03\x01\x00\x02\x02\x46 not http at all\r\n\r\n")
        threading.Thread(target=babble, daemon=True).start()
        url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        result = invoke("query", "events", "--endpoint", url, "--timeout", "5")
    one_error_line(result, f"Error: {url}/query?union-default-graph did not answer in HTTP (")


def test_timeout_is_for_the_endpoint(tiny_graph) -> None:
    result = invoke("query", "events", "--graph", str(tiny_graph.path), "--timeout", "5")
    assert result.exit_code == 2 and "--timeout is for --endpoint" in result.stderr
    bad = invoke("query", "events", "--endpoint", "http://127.0.0.1:9", "--timeout", "0")
    assert bad.exit_code == 2 and "--timeout" in bad.stderr and "Traceback" not in bad.output


# -- a real Oxigraph server ------------------------------------------------------------------
def test_ask_and_construct_run_on_a_store_as_on_a_graph(oxigraph_server: str, tiny_graph, tmp_path) -> None:
    kg.push(tiny_graph, RemoteStore.at(oxigraph_server))
    yes = rq(tmp_path, ASK.format(name='"Tiny Meetup"'), "yes.rq")
    assert invoke("query", yes, "--endpoint", oxigraph_server).output == "true\n"
    con = rq(tmp_path, CONSTRUCT, "con.rq")
    remote = invoke("query", con, "--endpoint", oxigraph_server)
    local = invoke("query", con, "--graph", str(tiny_graph.path))
    assert remote.exit_code == 0 and remote.output.startswith("@prefix schema: <https://schema.org/> .")
    assert set(ox.parse(remote.output.encode(), format=ox.RdfFormat.TURTLE)) == \
        set(ox.parse(local.output.encode(), format=ox.RdfFormat.TURTLE))
    assert remote_query(load(yes), RemoteStore.at(oxigraph_server)).boolean is True
    svc = rq(tmp_path, "SELECT * WHERE { SERVICE <http://127.0.0.1:1/> { ?s ?p ?o } }\n", "svc.rq")
    one_error_line(invoke("query", svc, "--endpoint", oxigraph_server), f"Error: {svc}: query 'svc' refused: SERVICE")


def test_an_address_written_another_way_finds_its_page_and_says_so(make_site, tmp_path) -> None:
    """`-p event=/events/x/` (or http://, .html, é unescaped) gave 0 rows without a word."""
    site = make_site({"_events/2024-05-01-café-meetup.md": "---\ntitle: Café meetup\ndate: 2024-05-01\n"
                      "speakers:\n  - name: Ann Able\n---\nA meetup.\n"})
    graph = kg.build_site(site, tmp_path / "graph")
    (event,) = [r["event"] for r in kg.run_query("events", graph).records()]
    assert event == "https://site.example.org/events/2024-05-01-caf%C3%A9-meetup"
    canonical = kg.run_query("speakers", graph, event=event)
    assert not canonical.notes and [r["name"] for r in canonical.records()] == ["Ann Able"]
    for written in ("/events/2024-05-01-café-meetup", "/events/2024-05-01-caf%c3%a9-meetup/",
                    "http://SITE.example.org/events/2024-05-01-caf%C3%A9-meetup.html"):
        result = kg.run_query("speakers", graph, event=written)
        assert [r["name"] for r in result.records()] == ["Ann Able"], written
        assert result.notes and result.notes[0].endswith(f"is not in the graph; read as {event}")
    cli = invoke("query", "speakers", "--graph", str(tmp_path / "graph"), "-p", "event=/events/nope")
    assert cli.exit_code == 0 and "(0 rows)" in cli.stdout
    assert cli.stderr == "Note: parameter 'event': nothing in the graph has the address " \
                         "https://site.example.org/events/nope\n"


@pytest.mark.parametrize("address", [
    "https://site.example.org/events/2024-05-01-café-meetup", "http://Site.Example.org/events/caf%c3%a9/",
    "https://site.example.org/x.html", "https://site.example.org/x/index.html", "https://site.example.org",
    "https://site.example.org/?q=a b", "https://site.example.org/x/?q=1#part"])
def test_every_other_writing_of_a_page_address_has_its_key(address: str) -> None:
    """The query parameters look up the writings kg.resolve.page_variants lists; the views
    compare page_key: one notion of "the same page", whichever way it is looked for."""
    from kg.resolve import page_key, page_variants
    variants = page_variants(address)
    assert variants and address not in variants and len(set(variants)) == len(variants)
    assert {page_key(v) for v in variants} == {page_key(address)}
    assert all(ox.NamedNode(v).value == v for v in variants)
    assert page_key("https://site.example.org/x") != page_key("https://site.example.org/y") and page_key("/x") is None
    assert all(v.endswith("?q=1#part") for v in page_variants("https://site.example.org/x/?q=1#part"))


def test_an_address_written_another_way_is_found_on_rdflib_too(make_site, tmp_path) -> None:
    site = make_site({"_events/2024-05-01-meetup.md": "---\ntitle: Meetup\ndate: 2024-05-01\n"
                      "speakers:\n  - name: Ann Able\n---\nA meetup.\n"})
    kg.build_site(site, tmp_path / "graph")
    result = kg.run_query("speakers", tmp_path / "graph", engine="rdflib", event="/events/2024-05-01-meetup.html")
    assert [r["name"] for r in result.records()] == ["Ann Able"]
    assert result.notes == ["parameter 'event': https://site.example.org/events/2024-05-01-meetup.html is not in "
                            "the graph; read as https://site.example.org/events/2024-05-01-meetup"]


@pytest.mark.parametrize("command", [["query", "speakers"], ["related"]])
def test_an_output_file_in_a_folder_that_is_not_there_is_refused(tiny_graph, tmp_path, command) -> None:
    """`-o /tmp/typo/x.csv` made the missing folders without a word."""
    out = tmp_path / "no" / "dir" / "x.csv"
    one_error_line(invoke(*command, "--graph", str(tiny_graph.path), "-o", str(out)),
                   f"Error: cannot write {out}: the folder {out.parent} does not exist. Hint: make the folder")
    assert not (tmp_path / "no").exists()
    (tmp_path / "file").write_text("")
    one_error_line(invoke(*command, "--graph", str(tiny_graph.path), "-o", str(tmp_path / "file" / "x.csv")),
                   f"Error: cannot write {tmp_path / 'file' / 'x.csv'}: the folder {tmp_path / 'file'} is a file, "
                   "not a folder.")


def test_related_written_as_it_comes_is_whole_or_not_at_all(tiny_graph, tmp_path, monkeypatch) -> None:
    """`kg related -o FILE` writes each event's suggestions as they come: the file holds
    the whole text, and a failure part way leaves the last file as it was and says what
    failed (a read error of the work's own is not taken for a write error of the file's)."""
    import errno

    from kg.related import format_related, related_events
    graph = kg.open_graph(tiny_graph.path)
    for fmt in ("json", "csv", "tsv", "table"):
        out = tmp_path / f"r.{fmt}"
        assert invoke("related", "--graph", str(tiny_graph.path), "-o", str(out), "--format", fmt).exit_code == 0
        assert out.read_text() == format_related(related_events(graph), fmt), fmt
    real, handed = kg.related.related_events, []

    def failing(*args, each, **kwargs):  # the store fails after two events' suggestions were written
        def one(event, suggestions):
            each(event, suggestions)
            handed.append(event)
            if len(handed) == 2:
                raise OSError(errno.EIO, "Input/output error", str(tmp_path / "store" / "000012.sst"))
        return real(*args, each=one, **kwargs)
    monkeypatch.setattr(kg.related, "related_events", failing)
    out = tmp_path / "r.json"
    last = out.read_text()
    one_error_line(invoke("related", "--graph", str(tiny_graph.path), "-o", str(out)),
                   f"Error: {tmp_path / 'store' / '000012.sst'}: input/output error.")
    assert len(handed) == 2 and out.read_text() == last
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".r.json")] == []  # no half-written file left
    handed.clear()
    one_error_line(invoke("related", "--graph", str(tiny_graph.path), "-o", "/dev/full"),
                   "Error: cannot write /dev/full: no space left on device")


def test_a_parameter_too_long_is_said_of_the_value_not_the_query_file(tiny_graph) -> None:
    result = invoke("query", "person-timeline", "--graph", str(tiny_graph.path), "-p", "person_name=" + "a" * 100_001)
    one_error_line(result, "Error: query 'person-timeline' refused: with its parameter values it is longer than "
                           "100000 bytes. Hint: give shorter parameter values")


def test_a_value_for_a_parameter_without_a_slot_is_refused_not_ignored(tiny_graph, tmp_path) -> None:
    """A .rq file that declares `# param who` but has no VALUES slot for it gave every row, the value ignored."""
    path = rq(tmp_path, "# description: x\n# param who (text, optional): a name\n"
                        "SELECT ?s WHERE { ?s ?p ?who }  # VALUES ?who { UNDEF } in a comment is no slot\n", "noslot.rq")
    one_error_line(invoke("query", path, "--graph", str(tiny_graph.path), "-p", "who=Ann"),
                   f"Error: {path}: query 'noslot' declares parameter 'who' but has no `VALUES ?who {{ UNDEF }}`")
    assert invoke("query", path, "--graph", str(tiny_graph.path)).exit_code == 0   # optional, not given: runs
