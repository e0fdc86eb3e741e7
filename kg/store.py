"""Where a built graph lives: an Oxigraph store on disk (or in memory), and its files.

A graph folder (``graphs/`` by default) holds:

* ``graph.nq``: the whole dataset as N-Quads, one named graph per source file, lines
  sorted so that a site can keep it in git and read the diff;
* ``store/``: the same quads in an on-disk Oxigraph store, which ``kg query`` opens
  read-only without parsing anything;
* ``report.json``: the build report.

Every file is written to a temporary name and renamed into place, so a build that is
stopped half-way leaves the previous outputs whole.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterable, Iterator

import pyoxigraph as ox

from .errors import StoreError

GRAPH_FILE = "graph.nq"
STORE_DIR = "store"
REPORT_FILE = "report.json"


class KnowledgeGraph:
    """A built knowledge graph: quads in an Oxigraph store, and the build report.

    Query it with SPARQL through :meth:`query` (Oxigraph's engine) or hold it as an
    rdflib ``Dataset`` through :attr:`dataset` (same store, rdflib API).
    """

    def __init__(self, store: ox.Store, report: dict[str, Any] | None = None,
                 path: Path | None = None) -> None:
        self.store = store
        self.report = report or {}
        self.path = path
        self._dataset = None

    def __len__(self) -> int:
        return len(self.store)

    @property
    def dataset(self):  # -> rdflib.Dataset
        """The graph as an rdflib ``Dataset`` (union default graph), backed by this store."""
        if self._dataset is None:
            import rdflib
            from oxrdflib.store import OxigraphStore

            self._dataset = rdflib.Dataset(store=OxigraphStore(store=self.store), default_union=True)
        return self._dataset

    def query(self, sparql: str, bindings: dict[str, ox.NamedNode | ox.Literal] | None = None) -> Any:
        """Run SPARQL over the union of all named graphs, with variables pre-bound."""
        return self.store.query(
            sparql, use_default_graph_as_union=True,
            substitutions={ox.Variable(k): v for k, v in (bindings or {}).items()})


def memory_graph(quads: Iterable[ox.Quad], report: dict[str, Any] | None = None) -> KnowledgeGraph:
    """A graph held in memory."""
    store = ox.Store()
    store.bulk_extend(quads)
    return KnowledgeGraph(store, report)


class RdflibGraph(KnowledgeGraph):
    """A built graph in rdflib's own in-memory store, queried by rdflib's SPARQL engine.

    Slower by far than Oxigraph, but pure Python: selectable with
    ``open_graph(folder, engine="rdflib")`` (``kg query --engine rdflib``). Queries give
    the same rows as on Oxigraph; the rows come back as pyoxigraph terms either way.
    """

    def __init__(self, dataset: Any, report: dict[str, Any] | None = None, path: Path | None = None) -> None:
        super().__init__(ox.Store(), report, path)
        self._dataset = dataset

    def __len__(self) -> int:
        return len(self._dataset)

    def query(self, sparql: str, bindings: dict[str, ox.NamedNode | ox.Literal] | None = None) -> Any:
        """Run SPARQL with rdflib's engine over the union of the named graphs."""

        init = {k: _to_rdflib(v) for k, v in (bindings or {}).items()}
        result = self._dataset.query(sparql, initBindings=init)
        if result.type != "SELECT":
            return result
        return _Solutions([ox.Variable(str(v)) for v in result.vars],
                          [{str(v): _from_rdflib(row[v]) for v in result.vars} for row in result])


class _Solutions:
    """rdflib's rows dressed as pyoxigraph's ``QuerySolutions``: ``.variables``, rows by name."""

    def __init__(self, variables: list[ox.Variable], rows: list[dict[str, Any]]) -> None:
        self.variables = variables
        self._rows = rows

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self._rows)


def _from_rdflib(term: Any) -> Any:
    import rdflib

    if term is None:
        return None
    if isinstance(term, rdflib.URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, rdflib.BNode):
        return ox.BlankNode(str(term))
    if term.language:
        return ox.Literal(str(term), language=term.language)
    return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype or "http://www.w3.org/2001/XMLSchema#string")))


def _to_rdflib(term: Any) -> Any:
    import rdflib

    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))


ENGINES = ("oxigraph", "rdflib")


def open_graph(folder: str | Path = "graphs", engine: str = "oxigraph") -> KnowledgeGraph:
    """Open a graph folder written by ``kg build``.

    ``engine`` is ``oxigraph`` (the on-disk store, opened read-only) or ``rdflib``
    (``graph.nq`` loaded into rdflib's in-memory store and queried by its engine).

    Raises:
        StoreError: the folder holds no built graph, or the engine is unknown.
    """
    folder = Path(folder)
    report = _read_json(folder / REPORT_FILE)
    if engine not in ENGINES:
        raise StoreError(f"unknown engine {engine!r}", hint=f"one of {', '.join(ENGINES)}")
    if engine == "rdflib":
        if not (folder / GRAPH_FILE).is_file():
            raise StoreError(f"no built graph in {folder}", path=folder,
                             hint="run `kg build SITE --out DIR` first, or pass --graph DIR")
        import rdflib
        import rdflib.plugins.sparql

        rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False  # FROM <file:///…> must never read files
        dataset = rdflib.Dataset(default_union=True)
        dataset.parse(str(folder / GRAPH_FILE), format="nquads")
        return RdflibGraph(dataset, report, folder)
    if (folder / STORE_DIR).is_dir():
        try:
            return KnowledgeGraph(ox.Store.read_only(str(folder / STORE_DIR)), report, folder)
        except OSError:
            pass  # e.g. written by another Oxigraph version: fall back to the N-Quads file
    if (folder / GRAPH_FILE).is_file():
        store = ox.Store()
        store.bulk_load(path=str(folder / GRAPH_FILE), format=ox.RdfFormat.N_QUADS)
        return KnowledgeGraph(store, report, folder)
    raise StoreError(f"no built graph in {folder}", path=folder,
                     hint="run `kg build SITE --out DIR` first, or pass --graph DIR")


def _read_json(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it over ``path`` when the block succeeds."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; outputs are for web servers and people too
    try:
        yield Path(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically."""
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)


def write_json(path: Path, data: Any) -> None:
    """Write ``data`` as indented JSON to ``path`` atomically."""
    write_bytes(path, (json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n").encode("utf-8"))


def _remove_leftovers(folder: Path) -> None:
    """Delete temporary files and folders a killed build left behind."""
    for path in folder.glob(".*"):
        if path.name.startswith((".store.", ".store-old.")) and path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        elif path.name.endswith(".tmp") and path.is_file():
            path.unlink(missing_ok=True)


HASHES_FILE = "cache/graphs.json"
REBUILD_SHARE = 0.25  # incremental: past this share of changed bytes, a fresh store loads faster


class GraphWriter:
    """Writes a graph folder while the build goes on.

    Named graphs handed to :meth:`add` are serialised (in Rust) and loaded into a new
    on-disk store by a background thread, which runs beside the build's Python work
    because Oxigraph's loader releases the interpreter lock. When the folder already
    holds a store, the new one starts as a copy of it (a RocksDB checkpoint, made of
    hard links) and only the graphs whose content changed are replaced. :meth:`finish`
    waits, writes ``graph.nq`` and the report, and swaps the new store into place;
    until then the folder's previous outputs are untouched. :meth:`abort` drops it all.
    """

    def __init__(self, folder: str | Path, incremental: bool = True) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        _remove_leftovers(self.folder)
        self._new = Path(tempfile.mkdtemp(prefix=".store.", dir=self.folder))
        self.previous: dict[str, str] = {}
        old = self.folder / STORE_DIR
        if incremental and old.is_dir() and (self.folder / HASHES_FILE).is_file():
            try:
                self.previous = json.loads((self.folder / HASHES_FILE).read_text(encoding="utf-8"))
                self._new.rmdir()
                ox.Store.read_only(str(old)).backup(str(self._new))
            except (OSError, ValueError):
                self.previous = {}
                shutil.rmtree(self._new, ignore_errors=True)
                self._new.mkdir()
        self._store: ox.Store | None = ox.Store(str(self._new))
        self.hashes: dict[str, str] = {}
        self.changed: list[str] = []
        self._chunks: list[bytes] = []
        self._pending: list[bytes] = []      # incremental: changed graphs, loaded at finish()
        self._changed_bytes = 0
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None

    def add(self, graphs: dict[str, list[ox.Quad]]) -> None:
        """Queue named graphs (graph IRI -> its quads) for the store and ``graph.nq``."""
        load: list[bytes] = []
        for name, quads in graphs.items():
            data = ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b""
            self._chunks.append(data)
            digest = hashlib.sha1(data).hexdigest()
            self.hashes[name] = digest
            if self.previous.get(name) != digest:
                self.changed.append(name)
                load.append(data)
                self._changed_bytes += len(data)
        if self.previous:  # wait: at finish() it is known whether replacing beats reloading
            self._pending.extend(load)
            return
        self._join()
        self._thread = threading.Thread(target=self._load, args=(b"".join(load), []), daemon=True)
        self._thread.start()

    def _apply_changes(self) -> None:
        """Incremental: replace the changed graphs in the copy of the old store, or, when
        much has changed, load everything into a fresh store (faster than removing)."""
        assert self._store is not None
        total = sum(len(c) for c in self._chunks) or 1
        if self._changed_bytes > REBUILD_SHARE * total:
            self._store = None
            shutil.rmtree(self._new, ignore_errors=True)
            self._new.mkdir()
            self._store = ox.Store(str(self._new))
            self._load(b"".join(self._chunks), [])
        else:
            replace = [n for n in self.changed if n in self.previous]
            replace += [n for n in self.previous if n not in self.hashes]  # files deleted since
            self._load(b"".join(self._pending), replace)
        self._pending = []
        self._join()

    def _load(self, data: bytes, replace: list[str]) -> None:
        try:
            assert self._store is not None
            for name in replace:
                self._store.remove_graph(ox.NamedNode(name))
            if data:
                self._store.bulk_load(data, format=ox.RdfFormat.N_QUADS)
        except BaseException as exc:  # noqa: BLE001 - re-raised in the build's thread
            self._error = exc

    def _join(self) -> None:
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        if self._error is not None:
            error, self._error = self._error, None
            raise StoreError(f"cannot write the store in {self.folder}: {error}") from error

    def finish(self, report: dict[str, Any]) -> Path:
        """Wait for the store, then put the store, ``graph.nq`` and the report in place."""
        try:
            self._join()
            if self.previous:
                self._apply_changes()
            assert self._store is not None
            self._store.flush()
            self._store = None
            lines = sorted(set(b"".join(self._chunks).splitlines()))
            self._chunks = []
            write_bytes(self.folder / GRAPH_FILE, b"\n".join(lines) + (b"\n" if lines else b""))
            old = self.folder / STORE_DIR
            trash = None
            if old.exists():
                trash = Path(tempfile.mkdtemp(prefix=".store-old.", dir=self.folder))
                os.replace(old, trash / STORE_DIR)
            os.replace(self._new, old)
            if trash:
                shutil.rmtree(trash, ignore_errors=True)
            write_json(self.folder / HASHES_FILE, dict(sorted(self.hashes.items())))
        except BaseException:
            self.abort()
            raise
        write_json(self.folder / REPORT_FILE, report)
        return self.folder

    def abort(self) -> None:
        """Drop what was written; the folder's previous outputs stay as they were."""
        try:
            self._join()
        except StoreError:
            pass
        self._store = None
        shutil.rmtree(self._new, ignore_errors=True)


def save_graph(graph: KnowledgeGraph, folder: str | Path) -> Path:
    """Write ``graph`` to ``folder``: N-Quads, on-disk store and report, each replaced whole."""
    graphs: dict[str, list[ox.Quad]] = {}
    for q in graph.store.quads_for_pattern(None, None, None, None):
        graphs.setdefault(q.graph_name.value if isinstance(q.graph_name, ox.NamedNode) else "", []).append(q)
    writer = GraphWriter(folder, incremental=False)
    writer.add(graphs)
    writer.finish(graph.report)
    graph.path = Path(folder)
    return graph.path
