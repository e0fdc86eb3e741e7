"""Where a built graph lives: an Oxigraph store on disk (or in memory), and its files.

A graph folder (``graphs/`` by default) holds:

* ``graph.nq``: the whole dataset as N-Quads, one named graph per source file, grouped
  by graph (in name order, each graph's lines sorted) so that a site can keep it in
  git and read each file's changes together in the diff;
* ``store/``: the same quads in an on-disk Oxigraph store, which ``kg query`` opens
  read-only without parsing anything;
* ``report.json``: the build report.

Every file is written to a temporary name and renamed into place, so a build that is
stopped half-way leaves the previous outputs whole.
"""
from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import tempfile
import threading
from contextlib import AbstractContextManager, contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Callable, Iterable, Iterator

import pyoxigraph as ox

from .errors import SiteError, StoreError

GRAPH_FILE = "graph.nq"
STORE_DIR = "store"
REPORT_FILE = "report.json"
LOCK_FILE = "cache/build.lock"  # held by the build writing to the folder (see folder_lock)

try:
    import fcntl
except ImportError:  # not on Windows: builds there are not kept apart
    fcntl = None  # type: ignore[assignment]


class KnowledgeGraph:
    """A built knowledge graph: quads in an Oxigraph store, and the build report.

    Query it with SPARQL through :meth:`query` (Oxigraph's engine) or hold it as an
    rdflib ``Dataset`` through :attr:`dataset` (same store, rdflib API); :meth:`quads`
    gives every quad, whichever engine holds them.
    """

    def __init__(self, store: ox.Store, report: dict[str, Any] | None = None,
                 path: Path | None = None) -> None:
        self.store = store
        self._report = report
        self.path = path
        self._dataset = None

    @property
    def report(self) -> dict[str, Any]:
        """The build report (``report.json``); a graph opened from a folder reads it when first asked."""
        if self._report is None:
            self._report = read_report(self.path / REPORT_FILE) if self.path is not None else {}
        return self._report

    @report.setter
    def report(self, value: dict[str, Any]) -> None:
        self._report = value

    def __len__(self) -> int:
        """How many quads the graph holds."""
        return len(self.store)

    def quads(self) -> Iterator[ox.Quad]:
        """Every quad of the graph, as pyoxigraph quads."""
        return iter(self.store.quads_for_pattern(None, None, None, None))

    @property
    def dataset(self):  # -> rdflib.Dataset
        """The graph as an rdflib ``Dataset`` (union default graph), backed by this store."""
        if self._dataset is None:
            import rdflib
            from oxrdflib.store import OxigraphStore

            self._dataset = rdflib.Dataset(store=OxigraphStore(store=self.store), default_union=True)
        return self._dataset

    def query(self, sparql: str) -> Any:
        """Run SPARQL over the union of all named graphs."""
        return self.store.query(sparql, use_default_graph_as_union=True)


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
    It has no Oxigraph store: :attr:`store` raises (code that reads every quad uses
    :meth:`quads`, which works on both).
    """

    def __init__(self, dataset: Any, report: dict[str, Any] | None = None, path: Path | None = None) -> None:
        # (KnowledgeGraph.__init__ is not called: it would set the store this graph has not got)
        self._report = report
        self.path = path
        self._dataset = dataset

    @property
    def store(self) -> ox.Store:  # type: ignore[override]
        """Refused: the quads are in rdflib's store, not Oxigraph's (an empty store here
        would have whatever reads it find nothing, and say so as if it were the graph).

        Raises:
            StoreError: always.
        """
        raise StoreError("a graph opened with engine='rdflib' has no Oxigraph store",
                         hint="use its quads() or dataset, or open the folder with engine='oxigraph'")

    def __len__(self) -> int:
        """How many quads the graph holds (the same triple in two named graphs counts twice)."""
        return sum(len(g) for g in self._dataset.graphs())

    def quads(self) -> Iterator[ox.Quad]:
        """Every quad of the graph, converted to pyoxigraph's terms (see :func:`from_rdflib`)."""
        from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

        term = each_once(from_rdflib)
        default = ox.DefaultGraph()
        for s, p, o, g in self._dataset.quads((None, None, None, None)):
            # (rdflib names the default graph None or DATASET_DEFAULT_GRAPH_ID)
            name = default if g is None or g == DATASET_DEFAULT_GRAPH_ID else term(g)
            yield ox.Quad(term(s), term(p), term(o), name)

    def query(self, sparql: str) -> Any:
        """Run SPARQL with rdflib's engine over the union of the named graphs."""
        result = self._dataset.query(sparql)
        if result.type != "SELECT":
            return result
        return _Solutions([ox.Variable(str(v)) for v in result.vars],
                          [{str(v): from_rdflib(row[v]) for v in result.vars} for row in result])


class _Solutions:
    """rdflib's rows dressed as pyoxigraph's ``QuerySolutions``: ``.variables``, rows by name."""

    def __init__(self, variables: list[ox.Variable], rows: list[dict[str, Any]]) -> None:
        self.variables = variables
        self._rows = rows

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self._rows)


# -- one rule for terms between pyoxigraph and rdflib ----------------------------------------
# In RDF 1.1 a literal without a language tag is an xsd:string; Oxigraph holds it so. rdflib
# tells a plain Literal("x") from Literal("x", datatype=XSD.string), and its parsers and
# engine make the plain one: so an xsd:string literal is a plain rdflib Literal, and either
# rdflib literal an xsd:string one.

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def to_rdflib(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> Any:
    """The rdflib term for a pyoxigraph term (an ``xsd:string`` literal is a plain ``Literal``).

    Raises:
        TypeError: not an IRI, blank node or literal (an RDF-star triple: kg writes none).
    """
    import rdflib

    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return rdflib.Literal(term.value, lang=term.language)
        if term.datatype.value == _XSD_STRING:
            return rdflib.Literal(term.value)
        return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))
    raise TypeError(f"unsupported RDF term: {term!r}")


def from_rdflib(term: Any) -> ox.NamedNode | ox.BlankNode | ox.Literal | None:
    """The pyoxigraph term for an rdflib term (``None`` stays ``None``: an unbound value);
    a plain ``Literal`` is an ``xsd:string`` one.

    Raises:
        TypeError: not an IRI, blank node or literal.
    """
    import rdflib

    if term is None:
        return None
    if isinstance(term, rdflib.URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, rdflib.BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, rdflib.Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype or _XSD_STRING)))
    raise TypeError(f"unsupported RDF term: {term!r}")


def each_once(convert: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """``convert``, remembering its answer for each term it is given: a graph names the
    same few thousand terms millions of times, and each conversion makes a new object."""
    cache: dict[Any, Any] = {}

    def term(t: Any) -> Any:
        node = cache.get(t)
        if node is None:
            node = cache[t] = convert(t)
        return node
    return term


ENGINES = ("oxigraph", "rdflib")


def open_graph(folder: str | Path = "graphs", engine: str = "oxigraph") -> KnowledgeGraph:
    """Open a graph folder written by ``kg build``.

    ``engine`` is ``oxigraph`` (the on-disk store, opened read-only) or ``rdflib``
    (``graph.nq`` loaded into rdflib's in-memory store and queried by its engine).

    Raises:
        StoreError: the folder holds no built graph, or the engine is unknown.
    """
    folder = Path(folder)
    report = None  # read when first asked for: at 100,000 events it is megabytes of JSON
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
        try:
            dataset.parse(str(folder / GRAPH_FILE), format="nquads")
        except rdflib.exceptions.ParserError as exc:  # (it names no line)
            raise _damaged(folder / GRAPH_FILE, " ".join(str(exc).split()), None) from None
        except UnicodeDecodeError as exc:
            raise _damaged(folder / GRAPH_FILE, f"byte {exc.object[exc.start]:#04x} is not UTF-8", None) from None
        return RdflibGraph(dataset, report, folder)
    if (folder / STORE_DIR).is_dir():
        try:
            return KnowledgeGraph(ox.Store.read_only(str(folder / STORE_DIR)), report, folder)
        except (OSError, RuntimeError):
            # written by another Oxigraph version (OSError), or damaged (RocksDB's
            # "Corruption: …" is a RuntimeError): the N-Quads file says the same;
            # the next build makes a new store
            pass
    if (folder / GRAPH_FILE).is_file():
        store = ox.Store()
        try:
            store.bulk_load(path=str(folder / GRAPH_FILE), format=ox.RdfFormat.N_QUADS)
        except SyntaxError as exc:  # ("Parser error at line 100 between columns 1 and 3: …")
            raise _damaged(folder / GRAPH_FILE, str(exc.msg).split(": ", 1)[-1], exc.lineno) from None
        return KnowledgeGraph(store, report, folder)
    raise StoreError(f"no built graph in {folder}", path=folder,
                     hint="run `kg build SITE --out DIR` first, or pass --graph DIR")


def _damaged(path: Path, why: str, line: int | None) -> StoreError:
    """The error for a ``graph.nq`` that is not N-Quads (a merge's conflict marks, say),
    read because the folder's store could not be."""
    return StoreError(f"not N-Quads, so the graph cannot be read: {why}", path=path, line=line,
                      hint="build the graph again (kg build SITE --out DIR), which writes both it and store/")


@contextmanager
def folder_lock(folder: str | Path) -> Iterator[Path]:
    """Hold the graph folder ``folder`` (made if missing) for one build, so that two
    builds never write into it at once: the second would delete the first's new store
    as a killed build's leftover, or put its own in place under the first's files.

    The lock is ``flock`` on ``folder/cache/build.lock`` (which names the holding process): the
    kernel lets go of it when the build ends, however it ends, so no stale lock is ever
    left. Readers (``kg query``, ``kg serve``) take no lock: every file a build writes
    is put in place by a rename. (Where ``fcntl`` is missing, on Windows, there is no lock.)

    Raises:
        StoreError: another process holds the folder, or it cannot be made or written.
    """
    folder = Path(folder)
    lock = folder / LOCK_FILE
    _check_graph_folder(folder)
    made = [p for p in (lock, lock.parent, folder, *folder.parents) if not p.exists()]  # a failed build's to undo
    try:
        lock.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o644)
    except OSError as exc:
        raise file_error(folder, exc) from exc
    try:
        if fcntl is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
                who = f" (process {holder})" if holder.isdigit() else ""
                raise StoreError(f"another kg build{who} is writing to {folder}.",
                                 hint="wait for it to end and run this one again, "
                                      "or build into another folder with --out") from None
            os.ftruncate(fd, 0)
            os.pwrite(fd, str(os.getpid()).encode("ascii"), 0)
        yield folder
    except BaseException:
        # a build that stopped (a broken _config.yml) leaves no folder it made for nothing:
        # the lock file and the folders made for it go if nothing else was put in them
        for path in made:
            with suppress(OSError):
                path.unlink() if path == lock else path.rmdir()
        raise
    finally:
        os.close(fd)


def _check_graph_folder(folder: Path) -> None:
    """Refuse to build into a folder that is not kg's (see :func:`_built_by_kg`) but
    holds what a build replaces or clears away (``store/``, ``graph.nq``, ``report.json``,
    ``cache/``, a temporary file's name): those are someone else's, and would be lost.
    Other files (a README, the views) are no obstacle, nor is a missing or empty folder."""
    try:
        if _built_by_kg(folder):
            return
        names = sorted(p.name for p in folder.iterdir())
    except (FileNotFoundError, NotADirectoryError):
        return  # (made below, or the error said there)
    except OSError as exc:
        raise file_error(folder, exc, "read") from exc
    ours = {GRAPH_FILE, STORE_DIR, REPORT_FILE, Path(LOCK_FILE).parts[0]}
    taken = [n for n in names if n in ours or (n.startswith(".") and (n.endswith(".tmp") or n.startswith(".store")))]
    if taken:
        raise StoreError(f"not a folder kg built, but it holds {', '.join(taken)}, which a build "
                         "would replace", path=folder,
                         hint="build into a new or empty folder with --out (kg's own is graphs/), or move those away")


def _built_by_kg(folder: Path) -> bool:
    """Whether a build wrote ``folder``: its lock or caches are there (a first build
    stopped part way leaves some), its report, or a ``graph.nq`` of kg's named graphs
    (a graph kept in git, checked out without the rest)."""
    cache = folder / Path(LOCK_FILE).parent
    ours = {Path(f).name for f in (LOCK_FILE, HASHES_FILE, SPANS_FILE)}
    if cache.is_dir() and any(p.name in ours or p.suffix == ".pickle" for p in cache.iterdir()):
        return True
    if _is_report(folder / REPORT_FILE):
        return True
    try:
        with open(folder / GRAPH_FILE, "rb") as fh:
            head = fh.read(4096)
    except OSError:
        return False
    return b"/id/source/" in head or b"/id/graph/" in head


def _is_report(path: Path) -> bool:
    """Whether ``path`` is a build's report (its ``cache/`` may have been removed, to build afresh)."""
    try:
        with open(path, "rb") as fh:
            report = json.load(fh)
    except (OSError, ValueError):
        return False
    return isinstance(report, dict) and {"base_url", "files", "diagnostics"} <= report.keys()


def file_error(path: str | Path | None, exc: OSError, doing: str | None = "write") -> StoreError:
    """``exc``, met as kg was ``doing`` (``write``, ``write to``, ``read``, or ``None``:
    unsaid) ``path`` (``None``: unknown), as an error a user can act on."""
    where = str(path if path is not None else exc.filename or "")
    if exc.filename is not None and str(exc.filename) != where:  # (a folder on the way)
        where = f"{where} ({exc.filename})" if doing else str(exc.filename)
    code = exc.errno
    if code is None:  # Oxigraph's say it in words, among many ("IO error: … While appending to file: …")
        code = next((c for c in _HINTS if os.strerror(c) in str(exc)), None)
    reason = (exc.strerror or (os.strerror(code) if code is not None else str(exc))).rstrip(".")
    if not where:
        return StoreError(f"{reason}.", hint=_HINTS.get(code))
    if reason[1:2].islower():
        reason = reason[:1].lower() + reason[1:]
    what = f"cannot {doing} {where}" if doing else where
    return StoreError(f"{what}: {reason}.", hint=_HINTS.get(code))


_HINTS = {errno.ENOSPC: "the disk is full: make room and run again",
          errno.EDQUOT: "the disk quota is used up: make room and run again",
          errno.EACCES: "kg is not allowed there: change the permissions or choose another path",
          errno.EPERM: "kg is not allowed there: change the permissions or choose another path",
          errno.EROFS: "the disk is read-only: choose another folder",
          errno.ENOTDIR: "a file stands where a folder is needed: choose another path",
          errno.EEXIST: "a file stands where a folder is needed: choose another path"}


def read_report(path: Path) -> dict[str, Any]:
    """The build report at ``path``; ``{}`` when there is none.

    Raises:
        StoreError: it cannot be read, is not JSON (written by hand or by another
            tool: kg puts it in place whole) or is JSON but not an object, as every report is.
    """
    hint = "run `kg build SITE --out DIR` again to write it"
    try:
        report = json.loads(path.read_bytes())
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise file_error(path, exc, "read") from exc
    except UnicodeDecodeError as exc:
        raise StoreError(f"the build report is not UTF-8 text ({exc.reason})", path=path, hint=hint) from exc
    except json.JSONDecodeError as exc:
        what = exc.msg[:1].lower() + exc.msg[1:].removesuffix(" at")
        raise StoreError(f"the build report is not valid JSON: {what} at column {exc.colno}", path=path,
                         line=exc.lineno, hint=hint) from exc
    if not isinstance(report, dict):
        kinds = {list: "an array", str: "a string", bool: "true or false", type(None): "null"}
        kind = kinds.get(type(report), "a number")
        raise StoreError(f"the build report is {kind}, not a JSON object", path=path, hint=hint)
    return report


@contextmanager
def atomic_file(path: Path, aside: bool = False) -> Iterator[BinaryIO]:
    """Yield a new file beside ``path``, open for writing; put it in place of ``path``
    when the block succeeds, else delete it.

    The file is written through the descriptor that made it, never opened again with
    truncation, and with ``aside`` the last file is renamed out of the way (then
    deleted) rather than replaced by a rename over it: on ext4 (``auto_da_alloc``, the
    default) either of those writes the whole new file out there and then, which for a
    10,000-event site's ``graph.nq`` cost 0.1-0.15 s of each build. (``aside`` is for
    files of the graph folder only, whose next build deletes what a build killed
    between the two renames leaves: ``path`` is missing for that moment.) Nothing is
    synced to disk: a build stopped at any point leaves the last file or the new one,
    whole, but after a power cut a file written just before may be empty, which the
    next build takes for a changed file (its stamp differs) and makes again."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            readable(Path(tmp))
            yield fh
        put_in_place(Path(tmp), path, aside)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def put_in_place(tmp: Path, path: Path, aside: bool = False) -> None:
    """Rename the file ``tmp`` to ``path``; with ``aside``, the last ``path`` renamed out
    of the way first (see :func:`atomic_file`)."""
    if aside and path.is_file() and not path.is_symlink():
        old = str(tmp).removesuffix(".tmp") + ".last.tmp"
        os.rename(path, old)
        try:
            os.rename(tmp, path)
        except BaseException:
            os.rename(old, path)
            raise
        with suppress(OSError):  # (else the next build deletes it)
            os.unlink(old)
    else:
        os.replace(tmp, path)


def readable(path: Path) -> None:
    """Give a temporary file (``mkstemp`` makes them 0600) the mode a new file gets:
    outputs are for web servers and people too."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(path, 0o666 & ~umask)


def write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically; a path that is no regular file (``/dev/null``,
    a pipe) is written to as it is, never replaced."""
    with output_file(path) as fh:
        fh.write(data)


def output_file(path: Path) -> AbstractContextManager[BinaryIO]:
    """A file to write ``path``'s new bytes to, as :func:`write_bytes` writes them: put
    in place whole when the block ends well (:func:`atomic_file`), not at all otherwise;
    a path that is no regular file (``/dev/null``, a pipe) is written to as it is."""
    if path.exists() and not path.is_file():
        return open(path, "wb")
    return atomic_file(path)


def write_json(path: Path, data: Any, indent: int | None = 2) -> None:
    """Write ``data`` as JSON to ``path`` atomically: laid out by :func:`json_text` with
    ``indent``, or on one line (``indent=None``: for kg's own caches)."""
    text = json.dumps(data, ensure_ascii=False, default=str) if indent is None else json_text(data, indent)
    write_bytes(path, (text + "\n").encode("utf-8"))


def json_text(data: Any, indent: int = 2, depth: int = 2) -> str:
    """``data`` as JSON for people to read: objects and arrays down to ``depth`` levels
    one member a line, each ``indent`` spaces in; anything deeper on the line of the
    member that holds it (a diagnostic, a merge: one a line). Python writes this several
    times faster than ``json.dumps(indent=...)``, whose indenting encoder is not its C one."""
    def dumps(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, default=str)

    def key(k: Any) -> str:  # as json.dumps writes a key
        if isinstance(k, str):
            return dumps(k)
        if k is None or isinstance(k, (int, float, bool)):
            return dumps(json.dumps(k))
        return json.dumps({k: 0})  # (raises the TypeError json.dumps would)

    def laid(value: Any, level: int) -> str:
        if level >= depth or not isinstance(value, (dict, list, tuple)) or not value:
            return dumps(value)
        pad, inner = " " * (indent * level), " " * (indent * (level + 1))
        if isinstance(value, dict):
            items = [f"{inner}{key(k)}: {laid(v, level + 1)}" for k, v in value.items()]
            return "{\n" + ",\n".join(items) + "\n" + pad + "}"
        return "[\n" + ",\n".join(f"{inner}{laid(v, level + 1)}" for v in value) + "\n" + pad + "]"

    return laid(data, 0)


class _Freeing:
    """A file that is about to be replaced, held open so that replacing it does not free
    its blocks: that happens when :meth:`start` closes it in a thread, beside other work
    (a 10,000-event site's graph.nq takes the file system 0.15 s to free), until
    :meth:`join`."""

    def __init__(self, path: Path) -> None:
        try:
            self._fd: int | None = os.open(path, os.O_RDONLY)
        except OSError:  # none yet
            self._fd = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            self._thread = threading.Thread(target=self._close, args=(fd,), daemon=True)
            self._thread.start()

    def join(self) -> None:
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        if self._fd is not None:  # never started: replaced or not, let it go now
            self._close(self._fd)
            self._fd = None

    @staticmethod
    def _close(fd: int) -> None:
        os.close(fd)  # (the file system frees the blocks of a replaced file here)


def _copy(src: int, dst: int, offset: int, length: int) -> None:
    """Append ``length`` bytes of ``src`` from ``offset`` to ``dst`` (in the kernel where it can)."""
    while length > 0:
        try:
            done = os.copy_file_range(src, dst, length, offset)
        except (AttributeError, OSError):
            done = 0
        if done <= 0:  # not supported here: through memory (a write may take less than all)
            done = os.write(dst, os.pread(src, min(length, 1 << 30), offset))
            if done <= 0:
                raise OSError(f"cannot copy {length} bytes at offset {offset}: the spool ends early")
        offset, length = offset + done, length - done


def _stat_of(fh: Any) -> tuple[int, int, int, int]:
    """An open file's size, modification and change times, and inode."""
    return _stamp(os.fstat(fh.fileno()))


def _stamp(st: os.stat_result) -> tuple[int, int, int, int]:
    return st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino


def _remove_leftovers(folder: Path, spare: Iterable[Path] = ()) -> None:
    """Delete temporary files and folders a killed build left behind (in the folder and
    in its ``cache/``), but those in ``spare`` (this build's own)."""
    spared = {Path(p).name for p in spare}
    for path in [*folder.glob(".*"), *(folder / "cache").glob(".*")]:
        if path.name in spared:
            continue
        if path.name.startswith((".store.", ".store-old.")) and path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        elif path.name.endswith(".tmp") and path.is_file():
            path.unlink(missing_ok=True)


HASHES_FILE = "cache/graphs.json"
SPANS_FILE = "cache/graph-spans.json"  # graph.nq's stamp, and graph -> [offset, length, lines] in it
REBUILD_SHARE = 0.25  # incremental: past this share of changed bytes, a fresh store loads faster
COMPACT_SHARE = 0.2   # incremental: compact once the graphs replaced since the last compaction pass this share
BATCH_BYTES = 16 << 20  # N-Quads handed to the store's loader at a time


@dataclass(frozen=True, slots=True)
class Kept:
    """A graph that the last ``graph.nq`` holds just as this build would write it: its
    bytes stay there (see :meth:`GraphWriter.previous_nquads`)."""

    length: int  # bytes
    lines: int   # quads


def nquads(quads: Iterable[ox.Quad]) -> bytes:
    """One graph's quads as N-Quads, each line once, lines sorted: the same quads give
    the same bytes, which is what an incremental build compares. (The writer counts a
    graph's quads as its lines: kg writes each typed value in one canonical form, so no
    two lines are one quad, as ``"01"`` and ``"1"`` as integers would be in Oxigraph.)"""
    data = ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b""
    lines = sorted(set(data.splitlines()))
    return b"\n".join(lines) + b"\n" if lines else b""


_NQ_ESCAPES = str.maketrans({
    **{c: f"\\u{c:04X}" for c in (*range(0x20), 0x7F, 0xFFFE, 0xFFFF)},
    0x08: "\\b", 0x09: "\\t", 0x0A: "\\n", 0x0C: "\\f", 0x0D: "\\r", 0x22: '\\"', 0x5C: "\\\\",
})


def nquads_literal(value: str, datatype: str | None = None) -> str:
    """A literal as N-Quads text, escaped exactly as Oxigraph writes it (so lines made as
    text and lines :func:`nquads` makes from quads compare equal); ``datatype`` is an
    IRI, none for a plain (xsd:string) literal."""
    text = '"' + value.translate(_NQ_ESCAPES) + '"'
    return text if datatype is None else f"{text}^^<{datatype}>"


def nquads_lines(lines: Iterable[str]) -> bytes:
    """N-Quads lines (each ``<s> <p> <o> <g> .``, no newline) as :func:`nquads` writes a
    graph: each line once, sorted (code-point order is UTF-8 byte order)."""
    unique = sorted(set(lines))
    return ("\n".join(unique) + "\n").encode("utf-8") if unique else b""


class GraphWriter:
    """Fills a store with named graphs as the build makes them, and writes the graph folder.

    Each graph handed to :meth:`add` is serialised at once (see :func:`nquads`) and its
    bytes go to a spool file and, in batches, to a background thread that loads them into
    the store (Oxigraph's loader releases the interpreter lock, so loading runs beside
    the build's Python work). Neither the quads nor their text are kept in memory.

    With ``folder=None`` the store is in memory and nothing is written. Otherwise a new
    on-disk store is built beside the old one; when the folder already holds a store
    from an earlier build (and ``incremental``), the new one starts as a copy of it (a
    RocksDB checkpoint, made of hard links) and only the graphs whose bytes changed are
    replaced, unless so much changed that loading everything afresh is faster.
    A graph whose bytes are the last ``graph.nq``'s (checked) is not spooled: it stays
    where it is, and :meth:`finish` copies each run of such graphs lying together in
    one go (unless so much changed that the store is loaded afresh from the spool);
    should that file be written over meanwhile, the build stops. :meth:`sync` makes the
    store complete for queries; :meth:`finish` compacts a store loaded afresh, or one
    whose graphs replaced since it was last compacted add up to ``COMPACT_SHARE`` of
    the graph (beside the copy of ``graph.nq``), and writes
    ``graph.nq`` (graphs in name order, each one's lines sorted), the report and the
    hashes, and swaps the new store into place; until then the folder's previous
    outputs are untouched. :meth:`abort` drops it all. What a killed build left in the
    folder is deleted first, but the files named in ``spare`` (this build's own).
    """

    def __init__(self, folder: str | Path | None, incremental: bool = True, spare: Iterable[Path] = ()) -> None:
        self.folder = Path(folder) if folder is not None else None
        self.previous: dict[str, str] = {}   # graph -> hash, of the store the new one copies
        self.hashes: dict[str, str] = {}     # graph -> hash, of this build
        self.changed: list[str] = []         # graphs whose bytes differ from the previous build's
        self._removed: list[str] = []        # graphs of the previous build already taken out of the store
        self._spans: dict[str, tuple[int, int]] = {}  # graph -> (offset, length) in the spool
        self._kept: dict[str, tuple[int, int]] = {}   # incremental: graph -> (offset, length) in the last graph.nq
        self._verified: set[str] = set()     # graphs whose last bytes previous_nquads() checked
        self._lines: dict[str, int] = {}     # graph -> its quads (lines), for the next build
        self.quads = 0                       # in the graphs added: one per line, each line once
        self._spool = None
        self._spool_path: Path | None = None
        self._size = 0                       # bytes in the spool
        self._bytes = 0                      # bytes of all graphs added (spooled or kept)
        self._batch: list[bytes] = []
        self._batch_bytes = 0
        self._pending: list[tuple[str, bytes]] = []   # incremental: changed graphs, applied at sync()
        self._pending_bytes = 0
        self._reload = False                 # incremental: too much changed; loaded afresh
        self._reload_due = False             # ... and to be loaded afresh at the next sync()
        self._loose = 0                      # incremental: bytes of graphs replaced or removed since the
                                             # store was last compacted (the last builds' and this one's)
        self._trash: Path | None = None      # finish(): where the old store waits to be deleted
        self._old_nq = None                  # incremental: the last build's graph.nq, for previous_nquads()
        self._old_spans: dict[str, list[int]] = {}    # graph -> [offset, length, lines] in the last graph.nq
        self._old_stat: tuple[int, int, int, int] | None = None  # the last graph.nq's stamp when opened
        self._trusted = False                # the last graph.nq is as the last build left it (see previous_nquads)
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None
        if self.folder is None:
            self._new = None
            self._store: ox.Store | None = ox.Store()
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        _remove_leftovers(self.folder, spare)
        self._new = Path(tempfile.mkdtemp(prefix=".store.", dir=self.folder))
        old = self.folder / STORE_DIR
        if incremental and old.is_dir() and (self.folder / HASHES_FILE).is_file():
            try:
                self.previous = json.loads((self.folder / HASHES_FILE).read_text(encoding="utf-8"))
                self._new.rmdir()
                ox.Store.read_only(str(old)).backup(str(self._new))
            except (OSError, ValueError, RuntimeError):  # (RuntimeError: a damaged store)
                self.previous = {}
                self._empty_store()
        self._store = ox.Store(str(self._new))
        fd, tmp = tempfile.mkstemp(prefix=".spool.", suffix=".tmp", dir=self.folder)
        self._spool = os.fdopen(fd, "w+b")
        self._spool_path = Path(tmp)
        if self.previous:  # last, so that nothing above can fail with the file open
            try:
                saved = json.loads((self.folder / SPANS_FILE).read_text(encoding="utf-8"))
                self._old_nq = open(self.folder / GRAPH_FILE, "rb")
                self._old_stat = _stat_of(self._old_nq)
                if isinstance(saved, dict) and isinstance(saved.get("graphs"), dict):
                    self._old_spans = saved["graphs"]
                    self._trusted = saved.get("stamp") == list(self._old_stat)
                    loose = saved.get("loose", 0)
                    self._loose = loose if type(loose) is int and loose >= 0 else 0
            except (OSError, ValueError):
                self._old_spans = {}

    @property
    def store(self) -> ox.Store:
        """The store being filled (complete for queries after :meth:`sync`)."""
        assert self._store is not None, "the writer is finished"
        return self._store

    def add(self, name: str, quads: Iterable[ox.Quad]) -> None:
        """Queue one named graph (its IRI and quads) for the store and ``graph.nq``."""
        self.add_nquads(name, nquads(quads))

    def previous_nquads(self, name: str, digest: str) -> bytes | Kept | None:
        """Incremental: graph ``name`` as the last build wrote it to ``graph.nq``, if the
        SHA-1 of its bytes is ``digest`` (and the copied store holds it); else ``None``.
        To hand to :meth:`add_nquads` as they are.

        When the last ``graph.nq`` has the size, times and inode it had when the last
        build wrote it, nothing is read: the answer is a :class:`Kept` (the bytes stay
        in that file); else the bytes, read from it and checked against ``digest``.
        (An edit that keeps the file's size and inode and is made within the same tick
        of the clock as the last build's write would go unseen; nothing but another
        writer racing the build does that.)"""
        if self.previous.get(name) != digest:
            return None
        got = _kept(self._old_spans.get(name)) if self._trusted else self._last_bytes(name)
        if got is not None:
            self._verified.add(name)  # add_nquads() may leave these bytes where they are
        return got

    def add_nquads(self, name: str, data: bytes | Kept, digest: str | None = None) -> None:
        """Queue one named graph given as the bytes :func:`nquads` makes of its quads
        (see :func:`nquads_lines`), or as what :meth:`previous_nquads` gave for it;
        every quad must be in the graph ``name``. ``digest``: the bytes' SHA-1 in hex,
        when the caller has it already (required with a :class:`Kept`)."""
        if name in self.hashes:
            raise ValueError(f"graph {name} was added twice")
        if isinstance(data, Kept):
            if digest is None or self.previous.get(name) != digest or name not in self._verified:
                raise ValueError(f"graph {name} is not the last build's")
            lines = data.lines
            if self._reload or self._reload_due:  # loaded afresh from the spool: it goes there
                old = self._old_bytes(name)  # read now, so checked now: the file may have been
                if old is None or hashlib.sha1(old).hexdigest() != digest:  # written over since
                    raise self._written_over()
                data = old
        else:
            lines = data.count(b"\n")
        digest = digest or hashlib.sha1(data).hexdigest()
        self.hashes[name] = digest
        self._lines[name] = lines
        self.quads += lines
        self._bytes += data.length if isinstance(data, Kept) else len(data)
        if isinstance(data, Kept) or self.previous.get(name) == digest \
                and not (self._reload or self._reload_due) and self._holds(name, data):
            # the last graph.nq holds these very bytes, and the copied store has them:
            # finish() copies them from there (with their neighbours, in one go)
            span = self._old_spans[name]
            self._kept[name] = (span[0], span[1])
            return
        if self._spool is not None:
            self._spool_write(name, data)
        if self.previous.get(name) != digest:
            self.changed.append(name)
        elif not self._reload:
            return  # the copied store holds it already
        if self._reload_due:
            return  # sync() loads the whole spool
        if self.previous and not self._reload:
            self._pending.append((name, data))
            self._pending_bytes += len(data)
            self._loose += len(data)
            if self._pending_bytes > max(REBUILD_SHARE * self._bytes, BATCH_BYTES):
                self._reload_due = True  # too much to hold: sync() will load afresh
                self._pending, self._pending_bytes = [], 0
            return
        self._batch.append(data)
        self._batch_bytes += len(data)
        if self._batch_bytes >= BATCH_BYTES:
            self._load_batch()

    def _start_reload(self) -> None:
        """Incremental: so much changed that a fresh store beats replacing graphs. (Only
        from sync(): nobody else may hold the store that is dropped here.)"""
        self._reload, self._reload_due = True, False
        self._pending, self._pending_bytes = [], 0
        self._join()
        self._store = None
        self._empty_store()
        self._store = ox.Store(str(self._new))
        assert self._spool is not None and (self._old_nq is not None or not self._kept)
        for name, (offset, length) in self._kept.items():  # all of it is loaded from the spool
            self._spool_write(name, os.pread(self._old_nq.fileno(), length, offset))
        if self._kept:
            self._check_old()  # after the reads: covers all since the file was opened
        self._kept = {}
        self._spool.flush()
        self._store.bulk_load(path=str(self._spool_path), format=ox.RdfFormat.N_QUADS)

    def _holds(self, name: str, data: bytes) -> bool:
        """Whether the last graph.nq has ``data`` as graph ``name``'s bytes (the caller
        has checked that their SHA-1 is the one the last build wrote for it)."""
        if name in self._verified:  # previous_nquads() checked them
            return True
        if self._trusted:  # as the last build left it, which wrote these bytes' SHA-1 (so the
            # caller's digest must be the SHA-1 of ``data``, as add_nquads() makes sure when
            # it works it out; a caller that passes one must pass the true one)
            return _kept(self._old_spans.get(name)) is not None
        return self._old_bytes(name) == data

    def _last_bytes(self, name: str) -> bytes | None:
        """Graph ``name``'s bytes in the last graph.nq, if their SHA-1 is the one the last
        build wrote for it."""
        data = self._old_bytes(name)
        return data if data is not None and hashlib.sha1(data).hexdigest() == self.previous.get(name) else None

    def _old_bytes(self, name: str) -> bytes | None:
        """Graph ``name``'s bytes in the last graph.nq, if it has them."""
        span = self._old_spans.get(name)
        if self._old_nq is None or span is None:
            return None
        try:
            return os.pread(self._old_nq.fileno(), span[1], span[0])
        except (OSError, TypeError, IndexError):
            return None

    def same_lines(self, keep: Callable[[bytes], bool], skip: Callable[[str], bool]) -> bool:
        """Incremental: whether every graph added so far (but those ``skip`` names) has
        the N-Quads lines for which ``keep`` is true that the last build's graph of that
        name had (none, for a graph new or gone), and none of the last build's graphs
        (but those skipped) that were not added had any: what this build changed is not
        in the lines kept. ``False`` when the last graph.nq cannot tell."""
        if not self.previous or self._spool is None:
            return False
        self._spool.flush()
        gone = [n for n in self.previous if n not in self.hashes]
        for name in [n for n in self.changed if not skip(n)] + [n for n in gone if not skip(n)]:
            old = (self._old_bytes(name) if self._trusted else self._last_bytes(name)) \
                if name in self.previous else b""
            if old is None:
                return False
            span = self._spans.get(name) if name in self.hashes else (0, 0)
            if span is None:
                return False
            new = os.pread(self._spool.fileno(), span[1], span[0]) if span[1] else b""
            if sorted(filter(keep, old.splitlines())) != sorted(filter(keep, new.splitlines())):
                return False
        return True

    def _spool_write(self, name: str, data: bytes) -> None:
        assert self._spool is not None
        self._spans[name] = (self._size, len(data))
        self._spool.write(data)
        self._size += len(data)

    def _empty_store(self) -> None:
        """Make the new store's folder empty (the store must be closed)."""
        assert self._new is not None
        shutil.rmtree(self._new, ignore_errors=True)
        self._new.mkdir()

    def _load_batch(self) -> None:
        data = b"".join(self._batch)
        self._batch, self._batch_bytes = [], 0
        self._join()
        if data:
            self._thread = threading.Thread(target=self._load, args=(data,), daemon=True)
            self._thread.start()

    def sync(self, complete: Callable[[str], bool] = lambda name: True) -> ox.Store:
        """Wait until the store holds every graph added so far, and none of the previous
        build's graphs for which ``complete(name)`` is true that this build has not added
        (they belong to deleted files). Returns the store."""
        if self.previous and not self._reload:
            if self._reload_due or self._pending_bytes > REBUILD_SHARE * max(self._bytes, 1):
                self._start_reload()
            else:
                assert self._store is not None
                gone = [n for n in self.previous if n not in self.hashes and complete(n) and n not in self._removed]
                for name in [n for n, _ in self._pending if n in self.previous] + gone:
                    self._store.remove_graph(ox.NamedNode(name))
                self._removed += gone
                self._loose += sum(kept.length for kept in map(_kept, map(self._old_spans.get, gone)) if kept)
                self._batch = [d for _, d in self._pending]
                self._pending, self._pending_bytes = [], 0
        self._load_batch()
        self._join()
        return self.store

    def _load(self, data: bytes) -> None:
        try:
            assert self._store is not None
            self._store.bulk_load(data, format=ox.RdfFormat.N_QUADS)
        except BaseException as exc:  # noqa: BLE001 - re-raised in the build's thread
            self._error = exc

    def _compact(self) -> None:
        try:
            assert self._store is not None
            _optimize(self._store)
        except BaseException as exc:  # noqa: BLE001 - re-raised in the build's thread
            self._error = exc

    def _join(self) -> None:
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        if self._error is not None:
            error, self._error = self._error, None
            if isinstance(error, OSError):
                raise file_error(self.folder, error, "write to") from error
            raise StoreError(f"cannot write the store in {self.folder}: {error}") from error

    def finish(self, report: dict[str, Any]) -> ox.Store:
        """Complete the store; for a folder, put the store, ``graph.nq``, the hashes and the
        report in place. Returns the store (for a folder: the new one, opened read-only).

        The caller must hold no other reference to :attr:`store`: for a folder, its
        directory is renamed into place here.

        Order, so that a build stopped at any point leaves a folder that a later build
        handles: ``graph.nq`` is written under a temporary name first; the hashes file
        goes before the old store is moved aside (a store without it is never updated
        incrementally), and comes back only once the new store is in place.
        """
        freeing: _Freeing | None = None
        try:
            if self.folder is None:
                return self.sync()
            self.sync().flush()
            if not self.previous or self._reload or self._loose > COMPACT_SHARE * self._bytes:
                # loaded afresh, batch by batch: each batch's sorted files overlap all the
                # others', so a lookup visits many of them; compacted (in the store's own
                # threads, beside the copy below) queries run two to three times faster.
                # Graphs replaced leave their old quads' deletions to be skipped over by
                # every lookup until compacted: once they add up to a share of the store
                self._loose = 0
                self._thread = threading.Thread(target=self._compact, daemon=True)
                self._thread.start()
            assert self._spool is not None and self._new is not None
            self._spool.flush()
            spans: dict[str, list[int]] = {}
            path = self.folder / GRAPH_FILE
            freeing = _Freeing(path)  # the last graph.nq's blocks: freed beside what follows
            with atomic_file(path, aside=True) as out:
                for src, offset, length in self._runs(spans):
                    _copy(src, out.fileno(), offset, length)
                if self._kept:
                    self._check_old()  # after the copies: covers all since the file was opened
                self._join()
                self._store = None  # closes the store: its directory moves below
                self._close_spool()
                (self.folder / HASHES_FILE).unlink(missing_ok=True)
                old = self.folder / STORE_DIR
                if old.exists():
                    self._trash = Path(tempfile.mkdtemp(prefix=".store-old.", dir=self.folder))
                    os.replace(old, self._trash / STORE_DIR)
                os.replace(self._new, old)
                self._new = None
            freeing.start()
            # graph.nq's stamp once in place: while it stays, the next build reads none of it
            # to know what it holds (see previous_nquads)
            stamp = list(_stamp(os.stat(path)))
            write_json(self.folder / SPANS_FILE, {"stamp": stamp, "graphs": spans, "loose": self._loose},
                       indent=None)
            write_json(self.folder / HASHES_FILE, dict(sorted(self.hashes.items())), indent=None)
            write_json(self.folder / REPORT_FILE, report)
        except BaseException:
            try:
                self.abort()
            finally:
                if freeing is not None:
                    freeing.join()
            raise
        if self._trash is not None:
            shutil.rmtree(self._trash, ignore_errors=True)
            self._trash = None
        store = ox.Store.read_only(str(old))
        freeing.join()  # (the old file's blocks were freed while the files above were written)
        return store

    def _runs(self, spans: dict[str, list[int]]) -> Iterator[tuple[int, int, int]]:
        """The copies that make ``graph.nq``, graphs in name order: (file descriptor,
        offset, length), each run of graphs that lie one after the other in the same file
        (the spool, or the last graph.nq for graphs kept) as one copy. Fills ``spans``
        with each graph's [offset, length] in the new file."""
        assert self._spool is not None
        spool, old = self._spool.fileno(), self._old_nq.fileno() if self._kept else -1
        at, run = 0, None  # run: [fd, offset, length]
        for name in sorted(self._spans.keys() | self._kept.keys()):
            fd, (offset, length) = (old, self._kept[name]) if name in self._kept else (spool, self._spans[name])
            spans[name] = [at, length, self._lines[name]]
            at += length
            if run is not None and run[0] == fd and run[1] + run[2] == offset:
                run[2] += length
                continue
            if run is not None:
                yield run[0], run[1], run[2]
            run = [fd, offset, length]
        if run is not None:
            yield run[0], run[1], run[2]

    def _check_old(self) -> None:
        """Refuse to go on when the last graph.nq, from which kept graphs are copied,
        was written over since this build opened it."""
        assert self._old_nq is not None
        if _stat_of(self._old_nq) != self._old_stat:
            raise self._written_over()

    def _written_over(self) -> StoreError:
        return StoreError(f"{self.folder / GRAPH_FILE} was changed while kg was building",
                          path=self.folder / GRAPH_FILE, hint="build again")

    def _close_spool(self) -> None:
        if self._old_nq is not None:
            self._old_nq.close()
            self._old_nq = None
        if self._spool is not None:
            self._spool.close()
            self._spool = None
        if self._spool_path is not None:
            self._spool_path.unlink(missing_ok=True)

    def abort(self) -> None:
        """Drop what was written; the folder's previous outputs stay as they were. (A
        load or a compaction still running is waited for first: its store is deleted.)"""
        try:
            self._join()
        except StoreError:
            pass
        self._store = None
        self._close_spool()
        if self._new is not None:
            shutil.rmtree(self._new, ignore_errors=True)
        if self._trash is not None and self.folder is not None:  # the old store was moved aside
            if not (self.folder / STORE_DIR).exists():
                os.replace(self._trash / STORE_DIR, self.folder / STORE_DIR)
            shutil.rmtree(self._trash, ignore_errors=True)
            self._trash = None


def _optimize(store: ox.Store) -> None:
    """Compact an on-disk store (its sorted files merged, deletions dropped) and flush it."""
    store.optimize()
    store.flush()


def _kept(span: Any) -> Kept | None:
    """A graph's entry in the last build's spans (offset, length, lines), as a :class:`Kept`."""
    try:
        offset, length, lines = span
    except (TypeError, ValueError):
        return None
    ok = all(type(x) is int and x >= 0 for x in (offset, length, lines))
    return Kept(length, lines) if ok else None


def save_graph(graph: KnowledgeGraph, folder: str | Path) -> Path:
    """Write ``graph`` to ``folder``: N-Quads, on-disk store and report, each replaced whole,
    holding the folder's lock as a build does.

    Raises:
        StoreError: the graph has quads outside any named graph, or ``folder`` is one a
            build may not write (another process is writing it, it holds files of the
            same names that no build wrote: see :func:`folder_lock`, or it is the folder
            of the site the graph was built from, Jekyll's output folder, or one that
            Jekyll would publish: see :func:`kg.build.check_out_folder`).
    """
    site = graph.report.get("site")
    if site and Path(site).is_dir():   # not into the site it was built from, as a build would not
        from .build import check_out_folder   # (kg.build imports this module)
        try:
            check_out_folder(site, folder, graph.report.get("base_url"))
        except SiteError:
            pass   # its _config.yml cannot be read now: whether Jekyll publishes the folder is not known
    graphs: dict[str, list[ox.Quad]] = {}
    for q in graph.quads():
        graphs.setdefault(q.graph_name.value if isinstance(q.graph_name, ox.NamedNode) else "", []).append(q)
    if "" in graphs:
        raise StoreError("the graph has quads outside any named graph; kg saves named graphs only",
                         hint="put them in a named graph (one per source)")
    with folder_lock(folder):
        writer = GraphWriter(folder, incremental=False)
        try:
            for name, quads in graphs.items():
                writer.add(name, quads)
        except BaseException:
            writer.abort()
            raise
        writer.finish(graph.report)
    graph.path = Path(folder)
    return graph.path
