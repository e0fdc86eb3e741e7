"""Shared fixtures: the tiny fixture site, a built graph of it, a site factory, the corpus."""
from __future__ import annotations

import http.server
import os
import shutil
import textwrap
import threading
from pathlib import Path

import pytest
from hypothesis import settings

# In CI the property tests replay the same examples every run (a red CI must be
# reproducible); on a developer's machine they explore new ones each time.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

import kg

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
FIXTURE_SITE = HERE / "fixtures" / "site"
EXAMPLE_SITE = REPO / "examples" / "site"
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus" / "connectedbydata.org"
GOLD = SHARED / "gold" / "dev.jsonl"
SCORER = SHARED / "bin" / "score-speakers"


@pytest.fixture
def tiny_site(tmp_path: Path) -> Path:
    """A copy of tests/fixtures/site that a test may change."""
    dest = tmp_path / "site"
    shutil.copytree(FIXTURE_SITE, dest)
    return dest


@pytest.fixture(scope="session")
def tiny_graph(tmp_path_factory: pytest.TempPathFactory) -> kg.KnowledgeGraph:
    """The fixture site, built once per session and saved to a graph folder."""
    out = tmp_path_factory.mktemp("tiny-graph")
    return kg.build_site(FIXTURE_SITE, out)


@pytest.fixture
def make_site(tmp_path: Path):
    """Write a small site from ``{relative path: text}``; ``_config.yml`` gets a default url."""
    def make(files: dict[str, str], url: str = "https://site.example.org") -> Path:
        root = tmp_path / "made-site"
        root.mkdir(exist_ok=True)
        files = dict(files)
        files.setdefault("_config.yml", f"url: {url}\ncollections:\n"
                         + "".join(f"  {c}:\n    output: true\n    permalink: /:collection/:name\n"
                                   for c in ("events", "projects", "people", "topics"))
                         + "  funders:\n    output: false\n")
        for rel, text in files.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(text, bytes):
                path.write_bytes(text)
            else:
                path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return root
    return make


@pytest.fixture(scope="session")
def corpus() -> Path:
    """The real site snapshot beside the repository; skips when it is absent."""
    if not (CORPUS / "_config.yml").is_file():
        pytest.skip(f"corpus not found at {CORPUS} (../shared/corpus/connectedbydata.org beside the repo)")
    return CORPUS


@pytest.fixture(scope="session")
def corpus_graph(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> kg.KnowledgeGraph:
    """The corpus, built once per session and saved to a graph folder."""
    return kg.build_site(corpus, tmp_path_factory.mktemp("corpus-graph"))


@pytest.fixture
def oxigraph_server(tmp_path: Path):
    """A read-write Oxigraph server (the `oxigraph` binary) with an empty store on a free
    loopback port, stopped after the test; skipped where the binary is not installed."""
    import shutil as _shutil
    import socket
    import subprocess
    import time

    if _shutil.which("oxigraph") is None:
        pytest.skip("the oxigraph server binary is not installed")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
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


# -- a server that answers like a store and stores nothing -------------------------------
class FakeStore:
    """A real HTTP server on loopback standing in for a SPARQL store: it answers every
    request with ``answer`` (status, media type, body; by default 200 with a login page,
    as a login page or a static web server would, storing nothing) and remembers what it
    was sent."""

    def __init__(self) -> None:
        self.answer = (200, "text/html", b"<html>Please log in</html>")
        self.requests: list[str] = []
        store = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def _any(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                store.requests.append(f"{self.command} {self.path}")
                status, media_type, body = store.answer
                self.send_response(status)
                self.send_header("Content-Type", media_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_PUT = do_DELETE = _any

            def log_message(self, *args) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def fake_store():
    store = FakeStore()
    yield store
    store.close()
