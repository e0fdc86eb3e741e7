"""`kg push` and `kg query --endpoint` against a real Oxigraph server on loopback."""
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import kg
from kg.cli import cli
from kg.errors import StoreError
from kg.remote import RemoteStore, push, remote_query

pytestmark = pytest.mark.skipif(shutil.which("oxigraph") is None, reason="the oxigraph server binary is not installed")


def count(remote: RemoteStore, graph: str | None = None) -> int:
    where = f"GRAPH <{graph}> {{ ?s ?p ?o }}" if graph else "GRAPH ?g { ?s ?p ?o }"
    return int(remote.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}").rows[0][0].value)


def test_push_query_and_repush_after_change(oxigraph_server: str, tiny_site: Path, tmp_path: Path) -> None:
    remote = RemoteStore.at(oxigraph_server)
    graph = kg.build_site(tiny_site, tmp_path / "g1")
    first = push(graph, remote)
    assert len(first.sent) == len(list(graph.store.named_graphs())) and first.removed == []
    rows = remote_query("speakers", remote).records()
    assert [r["name"] for r in rows] == ["Ada Example"]

    again = push(graph, remote)
    assert again.sent == [] and again.unchanged == len(first.sent)

    talk = tiny_site / "_events" / "2024-03-05-ada-talk.md"
    talk.write_text(talk.read_text().replace("A talk on privacy", "A talk on privacy and power"))
    (tiny_site / "_events" / "2024-04-20-duplicate-project.md").unlink()
    graph2 = kg.build_site(tiny_site, tmp_path / "g2")
    third = push(graph2, remote)
    assert "https://tiny.example.org/id/source/_events/2024-03-05-ada-talk.md" in third.sent
    assert third.removed == ["https://tiny.example.org/id/graph/related/events/2024-04-20-duplicate-project",
                             "https://tiny.example.org/id/source/_events/2024-04-20-duplicate-project.md"]
    titles = {r["title"] for r in remote_query("events", remote).records()}
    assert "A talk on privacy and power" in titles and "Event with a duplicate key" not in titles
    local = len([q for q in graph2.store.quads_for_pattern(None, None, None, None)])
    manifest = "https://tiny.example.org/id/graph/kg-manifest"
    assert count(remote) - count(remote, manifest) == local


def test_a_graph_opened_on_rdflib_pushes_as_on_oxigraph(oxigraph_server: str, tiny_site: Path,
                                                        tmp_path: Path) -> None:
    """push hashed graph.store, which a graph on rdflib's engine does not have: it reads
    the graph's quads, and the store holds the same graphs either way."""
    remote = RemoteStore.at(oxigraph_server)
    kg.build_site(tiny_site, tmp_path / "g")
    on_rdflib = kg.open_graph(tmp_path / "g", engine="rdflib")
    first = push(on_rdflib, remote)
    assert len(first.sent) == len(list(kg.open_graph(tmp_path / "g").store.named_graphs()))
    assert [r["name"] for r in remote_query("speakers", remote).records()] == ["Ada Example"]
    manifest = "https://tiny.example.org/id/graph/kg-manifest"
    assert count(remote) - count(remote, manifest) == len(on_rdflib)


def test_failed_push_leaves_remote_unchanged(oxigraph_server: str, tiny_site: Path, tmp_path: Path) -> None:
    remote = RemoteStore.at(oxigraph_server)
    push(kg.build_site(tiny_site, tmp_path / "g1"), remote)
    before = count(remote)
    talk = tiny_site / "_events" / "2024-03-05-ada-talk.md"
    talk.write_text(talk.read_text().replace("A talk on privacy", "Changed"))
    broken = RemoteStore(remote.query_url, remote.update_url + "-nowhere", remote.store_url)
    with pytest.raises(StoreError):
        push(kg.build_site(tiny_site, tmp_path / "g2"), broken)
    assert count(remote) == before
    assert "A talk on privacy" in {r["title"] for r in remote_query("events", remote).records()}


@pytest.mark.parametrize("service", ["store", "update"])
def test_a_service_that_answers_200_and_stores_nothing_is_no_push(service: str, oxigraph_server: str, fake_store,
                                                                   tiny_site: Path, tmp_path: Path) -> None:
    """Was: "Pushed 1 graph(s)", exit 0, while the store did not hold it (and, with
    --store-url wrong, a manifest saying it did, so that the next push sent nothing)."""
    push(kg.build_site(tiny_site, tmp_path / "g1"), RemoteStore.at(oxigraph_server))
    before = count(RemoteStore.at(oxigraph_server))
    talk = tiny_site / "_events" / "2024-03-05-ada-talk.md"
    talk.write_text(talk.read_text().replace("A talk on privacy", "Changed"))
    kg.build_site(tiny_site, tmp_path / "g2")
    wrong = f"{fake_store.url}/{service}"
    result = CliRunner().invoke(cli, ["push", "--graph", str(tmp_path / "g2"), "--endpoint", oxigraph_server,
                                      f"--{service}-url", wrong])
    assert result.exit_code == 2, result.output
    what = "the graphs kg sent" if service == "store" else "the update kg sent"
    assert result.stderr.startswith(f"Error: {wrong} answered, but the store at {oxigraph_server}/query does not "
                                    f"hold {what}: graph <https://tiny.example.org/"), result.stderr
    assert f". Hint: --{service}-url must be the " in result.stderr
    assert result.stderr.count("\n") == 1 and result.stdout == ""
    remote = RemoteStore.at(oxigraph_server)
    assert count(remote) == before  # as it was: no temporary graph left, nothing moved
    assert "A talk on privacy" in {r["title"] for r in remote_query("events", remote).records()}
    again = push(kg.build_site(tiny_site, tmp_path / "g2"), remote)  # the manifest tells no lie
    assert again.sent and "Changed" in {r["title"] for r in remote_query("events", remote).records()}


def test_a_first_push_to_services_that_store_nothing_is_no_push(oxigraph_server: str, fake_store,
                                                                 tiny_graph) -> None:
    remote = RemoteStore.at(oxigraph_server, update_url=f"{fake_store.url}/update", store_url=f"{fake_store.url}/store")
    n = len(list(tiny_graph.store.named_graphs()))
    with pytest.raises(StoreError, match=rf"does not hold the graphs kg sent: graph <.*> has 0 triples, not \d+ "
                                         rf"\(and {n - 1} more graphs\)"):
        push(tiny_graph, remote)
    assert count(remote) == 0


def test_push_refuses_a_build_with_errors(tiny_site: Path, tmp_path: Path) -> None:
    (tiny_site / "_events" / "2024-05-01-bad.md").write_text("---\ntitle: [x\n---\n")
    graph = kg.build_site(tiny_site, tmp_path / "g")
    with pytest.raises(StoreError, match="error"):
        push(graph, RemoteStore.at("http://127.0.0.1:9"))


def test_cli_push_and_query_endpoint(oxigraph_server: str, tiny_graph) -> None:
    runner = CliRunner()
    pushed = runner.invoke(cli, ["push", "--graph", str(tiny_graph.path), "--endpoint", oxigraph_server])
    n = len(list(tiny_graph.store.named_graphs()))
    assert pushed.exit_code == 0 and f"Pushed {n} graph(s)" in pushed.output
    queried = runner.invoke(cli, ["query", "series", "--endpoint", oxigraph_server, "--format", "csv"])
    assert queried.exit_code == 0 and queried.output.count("Tiny Meetup") >= 2


def test_unreachable_store_exits_2(tiny_graph) -> None:
    result = CliRunner().invoke(cli, ["push", "--graph", str(tiny_graph.path), "--endpoint", "http://127.0.0.1:9"])
    assert result.exit_code == 2 and "cannot reach" in result.output


def test_push_refuses_a_graph_that_violates_the_shapes(tiny_site: Path, tmp_path: Path) -> None:
    (tiny_site / "_events" / "2024-05-01-juggler.md").write_text(
        "---\ntitle: Juggling\ndate: 2024-05-01\nspeakers:\n  - name: Pat Doe\n    role: juggler\n---\n")
    graph = kg.build_site(tiny_site, tmp_path / "g")
    with pytest.raises(StoreError, match="violates the SHACL shapes"):
        push(graph, RemoteStore.at("http://127.0.0.1:9"))


def test_cli_query_endpoint_completes_a_site_path_from_the_graph_report(oxigraph_server: str, tiny_graph,
                                                                        tmp_path: Path) -> None:
    """A site path for an IRI parameter works on a store as on --graph: the base URL comes from
    --base-url, else from --graph's report.json (the tester's defect 1, exit 2 "must be an IRI")."""
    runner = CliRunner()
    assert runner.invoke(cli, ["push", "--graph", str(tiny_graph.path), "--endpoint", oxigraph_server]).exit_code == 0
    ask = ["query", "speakers", "--endpoint", oxigraph_server, "--param", "event=/events/2024-03-05-ada-talk",
           "--format", "csv"]
    from_report = runner.invoke(cli, [*ask, "--graph", str(tiny_graph.path)])
    assert from_report.exit_code == 0, from_report.output
    assert "https://tiny.example.org/events/2024-03-05-ada-talk" in from_report.output
    assert "Ada Example" in from_report.output
    given = runner.invoke(cli, [*ask, "--graph", str(tmp_path / "none"), "--base-url", "https://tiny.example.org"])
    assert given.exit_code == 0 and given.output == from_report.output
    # --base-url wins over the report: another site's base finds nothing
    other = runner.invoke(cli, [*ask, "--graph", str(tiny_graph.path), "--base-url", "https://other.example.org"])
    assert other.exit_code == 0 and "Ada Example" not in other.output


def test_cli_query_endpoint_site_path_without_base_url_says_how_to_give_it(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["query", "speakers", "--endpoint", "http://127.0.0.1:9", "--graph",
                                      str(tmp_path / "no-graph"), "--param", "event=/events/x"])
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: parameter 'event' is a site path, '/events/x', but the site's base URL")
    assert "--base-url" in result.stderr and "--graph" in result.stderr and result.stderr.count("\n") == 1


def test_cli_base_url_without_endpoint_is_a_usage_error(tiny_graph) -> None:
    result = CliRunner().invoke(cli, ["query", "speakers", "--graph", str(tiny_graph.path),
                                      "--base-url", "https://x.example.org"])
    assert result.exit_code == 2 and "--base-url is for --endpoint" in result.stderr


def test_remote_query_site_path_without_base_url_is_a_query_error() -> None:
    from kg.errors import QueryError

    with pytest.raises(QueryError, match="is a site path, '/events/x', but the site's base URL is not known"):
        remote_query("speakers", RemoteStore.at("http://127.0.0.1:9"), event="/events/x")


def test_graph_base_url_reads_the_report(tiny_graph, tmp_path: Path) -> None:
    from kg.remote import graph_base_url

    assert graph_base_url(tiny_graph.path) == "https://tiny.example.org"
    assert graph_base_url(tmp_path / "nothing") is None
    (tmp_path / "report.json").write_text("[not json")
    assert graph_base_url(tmp_path) is None


MALFORMED_URLS = ["http://127.0.0.1:7999x", "http://127.0.0.1:99999", "ftp://127.0.0.1:7878", "not a url",
                  "http://", "127.0.0.1:7878", "http://[::1", "http://127.0.0.1:7878/a b"]


@pytest.mark.parametrize("url", MALFORMED_URLS)
@pytest.mark.parametrize("verb", ["push", "query"])
def test_malformed_endpoint_url_is_one_error_line_and_exit_2(verb: str, url: str, tiny_graph) -> None:
    """Not a traceback and exit 1 (the tester's defect 2): one `Error:` line naming the URL, exit 2."""
    args = ["push", "--graph", str(tiny_graph.path)] if verb == "push" else ["query", "speakers"]
    result = CliRunner().invoke(cli, [*args, "--endpoint", url])
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"Error: endpoint {url!r} is not a URL kg can use: ")
    assert result.stderr.count("\n") == 1 and "Hint: give the store's http:// or https:// address" in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize("field", ["query_url", "update_url", "store_url"])
def test_remote_store_checks_every_service_url(field: str) -> None:
    urls = {"query_url": "http://h/query", "update_url": "http://h/update", "store_url": "http://h/store"}
    with pytest.raises(StoreError, match=field.replace("_url", " URL")):
        RemoteStore(**{**urls, field: "http://h:80x/x"})
    with pytest.raises(StoreError, match="store URL 'gopher://h/data'"):
        RemoteStore.at("http://h", store_url="gopher://h/data")


def test_url_python_cannot_send_is_a_store_error() -> None:
    """A URL check_url lets through that Python's HTTP client still refuses (a non-ASCII path)."""
    with pytest.raises(StoreError, match="cannot send a request"):
        RemoteStore.at("http://127.0.0.1:9/dat\u00e9").select("ASK {}")
