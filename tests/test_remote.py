"""`kg push` and `kg query --endpoint` against a real Oxigraph server on loopback."""
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

import kg
from kg.cli import cli
from kg.errors import StoreError
from kg.remote import RemoteStore, push, remote_query

pytestmark = pytest.mark.skipif(shutil.which("oxigraph") is None, reason="the oxigraph server binary is not installed")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def oxigraph_server(tmp_path: Path):
    """A read-write Oxigraph server with an empty store, stopped after the test."""
    port = free_port()
    proc = subprocess.Popen(["oxigraph", "serve", "--location", str(tmp_path / "remote-store"),
                             "--bind", f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 20
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                pytest.fail("oxigraph server did not start")
            time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(10)


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
