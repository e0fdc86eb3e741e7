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

import json
import os
import shutil
import tempfile
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

    def nquads(self, quads: list[ox.Quad] | None = None) -> bytes:
        """The dataset (or ``quads`` of it) as sorted N-Quads."""
        data = ox.serialize(self.store if quads is None else quads, format=ox.RdfFormat.N_QUADS) or b""
        lines = sorted(set(data.splitlines()))
        return b"\n".join(lines) + (b"\n" if lines else b"")


def memory_graph(quads: Iterable[ox.Quad], report: dict[str, Any] | None = None) -> KnowledgeGraph:
    """A graph held in memory."""
    store = ox.Store()
    store.bulk_extend(quads)
    return KnowledgeGraph(store, report)


def open_graph(folder: str | Path = "graphs") -> KnowledgeGraph:
    """Open a graph folder written by ``kg build``.

    Raises:
        StoreError: the folder holds no built graph.
    """
    folder = Path(folder)
    report = _read_json(folder / REPORT_FILE)
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


def save_graph(graph: KnowledgeGraph, folder: str | Path, quads: list[ox.Quad] | None = None) -> Path:
    """Write ``graph`` to ``folder``: N-Quads, on-disk store and report, each atomically.

    ``quads``, when the caller still holds them, saves reading them back from the store.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    _remove_leftovers(folder)
    new = Path(tempfile.mkdtemp(prefix=".store.", dir=folder))
    try:
        disk = ox.Store(str(new))
        disk.bulk_extend(quads if quads is not None else graph.store.quads_for_pattern(None, None, None, None))
        disk.flush()
        del disk
        write_bytes(folder / GRAPH_FILE, graph.nquads(quads))
        old = folder / STORE_DIR
        trash = None
        if old.exists():
            trash = Path(tempfile.mkdtemp(prefix=".store-old.", dir=folder))
            os.replace(old, trash / STORE_DIR)
        os.replace(new, old)
        if trash:
            shutil.rmtree(trash, ignore_errors=True)
    except BaseException:
        shutil.rmtree(new, ignore_errors=True)
        raise
    write_json(folder / REPORT_FILE, graph.report)
    graph.path = folder
    return folder
