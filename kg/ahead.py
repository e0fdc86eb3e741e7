"""Related events scored ahead of a rebuild's graph, on the other core.

A rebuild whose events' words changed must score some events' related events again,
which takes as long as making the graph does. Scoring needs of the graph only the
tables related events read from it, and those are kept from the last build
(``cache/related-tables.pickle``); of the files, only their words, which the last
build kept too (``cache/terms.pickle``) and which are counted again for the files that
changed. So a child forked as the rebuild starts (before the store is opened: its
threads must not be shared with a forked child) scores every event on the last
build's tables and the words as they are now, while the build's own process reads the
files and makes the graph. The build takes what it scored only when it found the same
words and no graph changed in what those tables say; else (or when nothing related
events read changed at all) it stops the child and goes on as before. The result is
the same either way; tests compare it with clean builds.
"""
from __future__ import annotations

import hashlib
import json
import os
import pickle
import tempfile
from pathlib import Path
from typing import Any, Callable, Iterator

from .collector import available_memory
from .forks import Ahead
from .frontmatter import Stamp, in_posts, read_file, sha1_since
from .graph import GraphInputs
from .related import (TERMS_FILE, event_nquads, graph_name, inputs_digest, kept_tables, kept_words, load_tables,
                      related_from_tables, write_terms)
from .site import Site
from .store import HASHES_FILE, put_in_place, readable
from .words import Terms, body_terms

AHEAD_EVENTS = 2000  # a rebuild of fewer event pages scores nothing ahead: forking costs more than it spares
AHEAD_BYTES = 32 << 10  # memory a child scoring ahead needs per event page: 1.6 times what the child that
                        # shared the build's words held (0.2 GB at 10,000 pages, 1.5 GB at 100,000); the child
                        # that reads the words itself grew by 0.12 GB at 10,000


def room_ahead(events: int) -> bool:
    """Whether a rebuild of ``events`` event pages scores related events ahead: enough
    of them that forking pays, a second core to score on, and memory for the child
    beside this process; never where the memory available is not known."""
    if events < AHEAD_EVENTS or _cores() < 2:
        return False
    free = available_memory()
    return free is not None and free >= AHEAD_BYTES * events


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def graphs_digests(hashes: dict[str, str],
                   which: Callable[[str], bool] = lambda name: True) -> tuple[str, str]:
    """Two digests of ``hashes`` (graph name -> SHA-1): of those ``which`` names (for the
    graphs related events' tables are read from: the key the tables are kept under),
    and of all of them (a build's graphs)."""
    some, every = hashlib.sha1(), hashlib.sha1()
    for name in sorted(hashes):
        line = f"{name}\x00{hashes[name]}\n".encode("utf-8", "surrogatepass")
        every.update(line)
        if which(name):
            some.update(line)
    return some.hexdigest(), every.hexdigest()


class ScoredAhead:
    """A child scoring every event's related events on the tables the last build kept
    in ``folder``, with the words of the pages as they are now, while the build reads
    the files and makes the graph (see the module's description). What it scores goes
    to a file that has no name, one event at a time, and is read back the same way:
    neither process holds all of it. The words it found go to a temporary file in
    ``cache/`` (see :meth:`take_words`), deleted when the child is let go, or by the
    next build when this one is killed.

    Args:
        folder: the graph folder.
        site: the site (its files, and its ``_kg/related.yml``).
        fingerprint: the settings the build reads the files under (see
            :func:`kg.records.settings_fingerprint`): the last build's inputs are
            read only if made under them.
        prefix: the IRI the related graphs' names start with.
    """

    def __init__(self, folder: Path, site: Site, fingerprint: str, prefix: str) -> None:
        self._spool = tempfile.TemporaryFile(dir=folder / "cache")
        self._terms: Path | None = None  # where the child writes the words it found (see take_words)
        try:
            fd, terms = tempfile.mkstemp(prefix=f".{Path(TERMS_FILE).name}.", suffix=".tmp", dir=folder / "cache")
            self._terms = Path(terms)
            os.close(fd)
            readable(self._terms)
            self._child = Ahead(_score, folder, site, fingerprint, prefix, self._spool.fileno(), self._terms)
        except BaseException:
            self._let_go()
            raise
        self._scored = 0

    def _found(self) -> bytes:
        """The digest of the words the child found, once it has noted it (else b"")."""
        found = os.pread(self._spool.fileno(), _DIGEST_BYTES, 0)
        return found if len(found) == _DIGEST_BYTES else b""

    def may_match(self, related: str | None) -> bool:
        """False once the child has found words whose digest is not ``related`` (it
        notes theirs at the start of its file before it scores): what it scores could
        not be taken."""
        found = self._found()
        return not found or related is None or found == related.encode("ascii")

    def take_words(self, folder: Path, related: str | None) -> bool:
        """Put the words the child found in place as the words this build counted (see
        :func:`kg.related.save_terms`), if it has written them and found the words whose
        digest is ``related`` (see :func:`kg.related.inputs_digest`): true if so (false
        too when the file cannot be put there: the build writes its own)."""
        if related is None or self._terms is None or self._found() != related.encode("ascii"):
            return False
        try:
            put_in_place(self._terms, Path(folder) / TERMS_FILE, aside=True)
        except OSError:
            return False
        self._terms = None
        return True

    def files(self) -> list[Path]:
        """The named files this child writes (kept from the sweep of what killed builds
        left behind: see :class:`kg.store.GraphWriter`)."""
        return [self._terms] if self._terms is not None else []

    def result(self, last: str | None, related: str | None) -> tuple[dict[str, str], set[str]] | None:
        """Once the child is done: each event's digest of its inputs, and the events it
        scored (their graphs: :meth:`graphs`), if it scored on tables kept under
        ``last`` (the digest of the last build's graphs they are read from) and with
        the words this build read (``related``: their digest, see
        :func:`kg.related.inputs_digest`); else ``None``, as when it failed."""
        got = self._child.result()
        if got is None or got[0] != last or got[1] != related:
            return None
        _key, _related, digests, scored = got
        self._scored = len(scored)
        return digests, set(scored)

    def graphs(self) -> Iterator[tuple[str, bytes]]:
        """(event, the N-Quads of its related events, or b"" for none) for every event
        scored, in order, read back one at a time."""
        self._spool.seek(_DIGEST_BYTES)
        for _ in range(self._scored):
            yield pickle.load(self._spool)

    def close(self) -> None:
        """Stop the child if it still works; let its files go."""
        try:
            self._child.cancel()
        finally:
            self._let_go()

    def _let_go(self) -> None:
        self._spool.close()
        if self._terms is not None:
            self._terms.unlink(missing_ok=True)
            self._terms = None


_DIGEST_BYTES = 40  # the child's file starts with the digest of the words it found (inputs_digest's hexadecimal)


def start_ahead(folder: Path, site: Site, fingerprint: str, prefix: str) -> ScoredAhead | None:
    """A child scoring ahead for a rebuild into ``folder`` (see :class:`ScoredAhead`),
    if the last build kept tables of enough event pages for it to pay and there is room
    for it (see :func:`room_ahead`); else ``None``."""
    key, events = kept_tables(folder)
    if key is None or not room_ahead(events):
        return None
    try:
        return ScoredAhead(folder, site, fingerprint, prefix)
    except OSError:
        return None  # (no file or pipe for it): scored in the build's process


def words_now(folder: Path, site: Site) -> dict[str, tuple[str, Terms, Stamp | None, str]]:
    """Each event page's words as its file says now, from those the last build into
    ``folder`` counted (see :func:`kg.related.kept_words`): relative path -> (SHA-1 of
    its bytes, terms, its stamp, its page's IRI), a file whose bytes changed read again
    as the build reads it. Pages the last build did not count are not here (the build
    then finds other words than these, and takes nothing)."""
    found: dict[str, tuple[str, Terms, Stamp | None, str]] = {}
    root = str(site.root)
    for rel, (sha1, counted, stamp, iri) in kept_words(folder).items():
        path = os.path.join(root, rel)
        try:
            now, stamp = sha1_since(path, (stamp, sha1) if stamp is not None else None)
            if now != sha1:
                counted = Terms(body_terms(read_file(Path(path), rel, post=in_posts(rel)).body))
        except OSError:
            continue  # gone
        if iri:
            found[rel] = (now, counted, stamp, iri)
    return found


def _score(folder: Path, site: Site, fingerprint: str, prefix: str,
           spool: int, words: Path) -> tuple[str, str, dict[str, str], list[str]] | None:
    """In the child: score on the tables kept in ``folder``, if they were kept under the
    last build's graphs, with the words of :func:`words_now` (written to ``words`` as
    :func:`kg.related.save_terms` keeps them, for :meth:`ScoredAhead.take_words`); write
    each event scored (whose digest is not the one its graph was made from last time)
    to ``spool`` as a pickle of (event, N-Quads); return the tables' key, the digest of
    the words (see :func:`kg.related.inputs_digest`), every event's digest and the
    events scored, in order."""
    got = GraphInputs.last_related(folder, fingerprint)
    if got is None:
        return None
    derived, last_related = got
    found = words_now(folder, site)
    if not found:
        return None  # no words kept (or none readable): nothing the build could take
    terms = {iri: counted for _sha1, counted, _stamp, iri in found.values()}
    related = inputs_digest(site.root, terms, {})
    with os.fdopen(os.open(words, os.O_WRONLY), "wb") as fh:  # (not truncated: see kg.store.atomic_file)
        write_terms(fh, {rel: (sha1, counted) for rel, (sha1, counted, _stamp, _iri) in found.items()},
                    {rel: stamp for rel, (_sha1, _counted, stamp, _iri) in found.items()},
                    {rel: iri for rel, (_sha1, _counted, _stamp, iri) in found.items()})
    del found
    if len(related) == _DIGEST_BYTES:  # once the words are written: for may_match and take_words
        os.pwrite(spool, related.encode("ascii"), 0)
    if related == last_related:
        return None  # the words and weights are the last build's: there is nothing to score
    try:
        last = json.loads((folder / HASHES_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    key = graphs_digests(last, lambda name: not name.startswith(prefix))[0]
    tables = load_tables(folder, [key])
    if tables is None:
        return None  # none kept, or kept for other graphs: nothing the build could take
    digests: dict[str, str] = {}
    scored: list[str] = []
    with open(spool, "wb", closefd=False) as out:
        out.seek(_DIGEST_BYTES)

        def keep(event: str, digest: str) -> bool:
            digests[event] = digest
            old = derived.get(graph_name(prefix, event))
            return old is not None and old[0] == digest

        def each(event: str, suggestions: list) -> None:
            data = event_nquads(graph_name(prefix, event), event, suggestions) if suggestions else b""
            pickle.dump((event, data), out, protocol=pickle.HIGHEST_PROTOCOL)
            scored.append(event)

        related_from_tables(tables, texts={}, terms=terms, site=site.root, jobs=1, keep=keep, each=each)
    return key, related, digests, scored
