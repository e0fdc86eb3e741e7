"""Site files -> records: one per page, with its kind, IRI, label, dates and body facts.

A record is everything the graph needs from one file, computed from that file alone
(plus the site's settings), so that an incremental build can redo just one record.
"""
from __future__ import annotations

import concurrent.futures
import dataclasses
import datetime as dt
import hashlib
import io
import multiprocessing
import os
import pickle
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path, PurePath, PurePosixPath
from typing import Any, Callable, Iterator

from . import markdown
from .errors import Diagnostic, as_written, closest
from .lazy import LazyLists
from .forks import can_fork, die_with, fork_context, forking
from .frontmatter import SourceFile, Stamp, date_value, read_file, sha1_since
from .mapping import KeyRule, Kind, Mapping
from .resolve import homepage_domain, homepage_path, is_link, normalise, organisation_iri
from .site import Site, dated_name, slugify
from .speakers import ROLE_OF_WORD, ROLES, SpeakerMention, extract_speakers
from .words import STOPWORDS_DIGEST, Terms, body_terms

ORDINAL_WORDS = {w: i for i, w in enumerate(
    "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth "
    "thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth".split(), 1)}
_ORDINAL = re.compile(
    r"\bthe\s+(?P<n>" + "|".join(ORDINAL_WORDS) + r"|\d{1,3}(?:st|nd|rd|th))\s+"
    # (not through a part of one: "the second day of the event" is no second meeting)
    r"(?:(?!(?:day|days|half|part|week|round|stage|time)\b)\w+\s+){0,3}?(?:meeting|session|event|edition|workshop|gathering|instalment|installment)\b",
    re.I)
#: Before "the first meeting": another meeting is meant ("we heard from the first Discovery
#: workshop", "since the second session"), not this one ("This write-up is from the second workshop" is)
_OTHER_MEETING_BEFORE = re.compile(r"(?<!\bis )(?<!\bwas )\b(?:from|since|after|before|following|like|than)\s+$",
                                   re.I)
#: After "the second": a rank, not an ordinal ("the second most significant event", "the third
#: largest"), written in lower case ("the second West Midlands meeting" is one)
_RANK_AFTER = re.compile(r"\s+(?:most|least|largest|biggest|greatest|highest|lowest|best|worst|oldest|newest"
                         r"|longest|smallest|fastest|busiest)\b")
SPEAKER_KEYS = ("name", "role", "title", "organisation", "organization", "url", "organisation_url")
GENERIC_KIND = "page"
SPEAKER_TEXT_LIMIT = 200_000  # characters of a body searched for speakers
NOT_PAGES = {"binary-file", "read-error"}  # diagnostics that make a file no page at all


@dataclass
class Record(LazyLists):
    """One site file, read and understood (its speakers made again, when unpickled,
    only once read: see :class:`kg.lazy.LazyLists`)."""

    LAZY = {"speakers": SpeakerMention}

    kind: str
    source: SourceFile
    iri: str
    url_path: str | None
    label: str | None
    dates: list[dt.date] = field(default_factory=list)
    doc: markdown.Document | None = None
    speakers: list[SpeakerMention] = field(default_factory=list)
    ordinal: int | None = None
    ordinal_line: int | None = None
    #: what the text calls this event, in capitals after "this", "our" or "today's" ("This
    #: Connected Conversation brought together…": "connected conversation"), for kg.series
    calls_itself: tuple[str, ...] = ()
    terms: Terms | None = None  # the body's words, for related events (kg.words.body_terms)
    label_from_file: bool = False  # a page's title and date come from its file name when
    dates_from_file: bool = False  # its front matter has none, as in Jekyll

    @property
    def is_page(self) -> bool:
        """Whether Jekyll makes a document of the file (it has front matter and is text)."""
        return self.source.has_front_matter and not any(
            d.code in NOT_PAGES for d in self.source.diagnostics)

    @property
    def relpath(self) -> str:
        """The file's path relative to the site root."""
        return self.source.relpath

    @property
    def stem(self) -> str:
        """The file name without its extension (as ``PurePath.stem``, without making one)."""
        name = self.source.relpath.rpartition("/")[2]
        i = name.rfind(".")
        return name[:i] if 0 < i < len(name) - 1 else name

    @property
    def diagnostics(self) -> list[Diagnostic]:
        """Problems found in this file."""
        return self.source.diagnostics


PARALLEL_FROM = 400  # files: below this, one process reads them faster than several
CHUNK = 200          # files a worker reads and understands at a time


class RecordCache:
    """Records of a previous build, by file, with the hash of the bytes they came from.

    Kept in the graph folder (``cache/records.pickle``) so that a rebuild reads and
    parses again only the files whose content changed. A cache made under other
    settings (kg version, mapping, ``_config.yml``, staff names) is not used.

    Records are pickled a few together (see :func:`_chunked`): a pickle's fixed costs
    (each class it names looked up again) made unpickling them one by one take twice as
    long. A group whose files all kept their records keeps its bytes; the others are
    pickled again.
    """

    FILE = "cache/records.pickle"
    FORMAT = "kg records 2"

    def __init__(self, fingerprint: str, entries: dict[str, tuple[str, int, int]] | None = None,
                 chunks: list[bytes] | None = None, stamps: dict[str, tuple[Stamp, str]] | None = None) -> None:
        self.fingerprint = fingerprint
        self.entries = entries or {}   # relpath -> (what the record is valid for, its chunk, its place there)
        self.chunks = chunks or []     # pickled lists of records
        self.fresh: dict[str, tuple[str, int, int]] = {}  # this build's, as entries (once chunked)
        self.fresh_chunks: list[bytes] = []
        self.stamps = stamps or {}     # relpath -> (its file's stamp, the SHA-1 of its bytes then)
        self.fresh_stamps: dict[str, tuple[Stamp, str]] = {}
        self.reused = 0
        self._unpickled: dict[int, list[Record]] = {}
        self._damaged: set[int] = set()  # groups that did not unpickle

    @classmethod
    def load(cls, folder: Path, fingerprint: str) -> "RecordCache":
        """The cache in ``folder`` if it was made under the same settings, else an empty one."""
        try:
            with open(folder / cls.FILE, "rb") as fh:
                made, stored_fingerprint, entries, chunks, stamps = pickle.load(fh)
        except (OSError, pickle.PickleError, EOFError, ValueError, TypeError, AttributeError):
            return cls(fingerprint)
        if made != cls.FORMAT or stored_fingerprint != fingerprint:
            return cls(fingerprint)
        return cls(fingerprint, entries, chunks, stamps)

    def record(self, rel: str, path: Path) -> Record:
        """The last build's record of file ``rel`` (which :attr:`entries` has), at ``path``.

        Raises:
            Exception: its group of the cache does not unpickle (a damaged cache: the
                file is read again, and :meth:`keep` pickles that group again).
        """
        _key, chunk, place = self.entries[rel]
        if chunk in self._damaged:
            raise ValueError(f"group {chunk} of the record cache is damaged")
        if chunk not in self._unpickled:
            try:
                self._unpickled[chunk] = pickle.loads(self.chunks[chunk])
            except Exception:
                self._damaged.add(chunk)  # (pickled again from the files read: see keep)
                raise
        record = self._unpickled[chunk][place]
        record.source.path = path  # (pickled as text: see _pickled)
        return record

    def keep(self, records: dict[str, tuple[str, Record]]) -> None:
        """This build's records (relpath -> (key, record), before any is changed by what
        follows), grouped as :func:`_chunked` says: a group the last build had with the
        same files and keys keeps its bytes."""
        last: dict[tuple[tuple[str, str], ...], int] = {}
        members: dict[int, list[tuple[str, str]]] = defaultdict(list)
        for rel, (key, chunk, _place) in self.entries.items():
            members[chunk].append((rel, key))
        for chunk, group in members.items():
            last[tuple(sorted(group))] = chunk
        self.fresh, self.fresh_chunks = {}, []
        for group in _chunked(sorted(records)):
            keyed = tuple((rel, records[rel][0]) for rel in group)
            old = last.get(keyed)
            if old is not None and old not in self._damaged \
                    and [self.entries[rel][2] for rel in group] == list(range(len(group))):
                data = self.chunks[old]
            else:
                data = _pickled([records[rel][1] for rel in group])
            for place, rel in enumerate(group):
                self.fresh[rel] = (records[rel][0], len(self.fresh_chunks), place)
            self.fresh_chunks.append(data)
        self._unpickled = {}

    def save(self, folder: Path) -> None:
        """Write the records of this build for the next one (atomically, streamed: the
        whole pickle is never one more copy in memory)."""
        from .store import atomic_file
        with atomic_file(folder / self.FILE, aside=True) as fh:
            pickle.dump((self.FORMAT, self.fingerprint, self.fresh, self.fresh_chunks, self.fresh_stamps), fh,
                        protocol=pickle.HIGHEST_PROTOCOL)

    def keys(self) -> dict[str, str]:
        """File → what its record of this build is valid for (see :func:`_cache_key`)."""
        return {rel: entry[0] for rel, entry in self.fresh.items()}

    def release(self) -> None:
        """Let go of the pickled records, the last build's and this one's (once saved)."""
        self.entries, self.fresh, self.stamps, self.fresh_stamps = {}, {}, {}, {}
        self.chunks, self.fresh_chunks, self._unpickled = [], [], {}


class _CachePickler(pickle.Pickler):
    """Pickles paths as their text: making a ``Path`` again parses it, and the cache
    gives each record the ``Path`` its file was found at (see :meth:`RecordCache.record`);
    and a record's small objects as tuples (see :mod:`kg.lazy`)."""

    def reducer_override(self, obj: Any) -> Any:
        if isinstance(obj, PurePath):
            return str, (str(obj),)
        if isinstance(obj, LazyLists):  # its lists as tuples (see kg.lazy)
            return obj.lazy_reduce()
        return NotImplemented


def _pickled(records: list[Record]) -> bytes:
    """``records`` pickled for the cache (see :class:`_CachePickler`)."""
    out = io.BytesIO()
    _CachePickler(out, protocol=pickle.HIGHEST_PROTOCOL).dump(records)
    return out.getvalue()


CHUNK_SPREAD = 16  # files in a group of records pickled together, on average


def _chunked(rels: list[str]) -> Iterator[list[str]]:
    """``rels`` (sorted) in groups of about :data:`CHUNK_SPREAD`, each ending where a
    path's hash says (not by count: a file added or deleted changes its own group, not
    every group after it)."""
    group: list[str] = []
    for rel in rels:
        group.append(rel)
        if hashlib.blake2b(rel.encode("utf-8", "surrogatepass"), digest_size=2).digest()[0] < 256 // CHUNK_SPREAD:
            yield group
            group = []
    if group:
        yield group


def code_stamps(*modules: str) -> list[str]:
    """When kg's own ``modules`` (file names in the package) last changed: a cache made
    by other code is not used, even within one kg version."""
    here = Path(__file__).parent
    return [str((here / m).stat().st_mtime_ns) for m in modules]


def kg_version() -> str:
    """kg's installed version (``dev`` when run from a source tree without installing)."""
    from importlib.metadata import PackageNotFoundError, version
    try:
        return version("kg")
    except PackageNotFoundError:
        return "dev"


def settings_fingerprint(site: Site, mapping: Mapping, extra: str = "") -> str:
    """What records depend on besides their own file: kg's version and the code that
    makes records (and the classes they hold), the words never counted, the mapping,
    the site's settings."""
    parts = [kg_version(), *code_stamps("records.py", "words.py", "frontmatter.py", "markdown.py", "speakers.py",
                                        "site.py", "rubytime.py", "lazy.py", "resolve.py"),
             STOPWORDS_DIGEST, repr(mapping), repr(site.config),
             site.base_url, site.baseurl, extra]
    return hashlib.sha1("\x00".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def read_records(site: Site, mapping: Mapping, jobs: int | None = None,
                 cache: RecordCache | None = None,
                 progress: Callable[[int, int], None] | None = None) -> list[Record]:
    """Read every markdown file of every collection into a record, body facts included.

    Collections the mapping does not name are read too, as generic pages, so that
    nothing in the site is dropped without a word. People pages are read first (their
    names resolve staff first names in event texts); the rest is shared among ``jobs``
    worker processes (default: one per core) when the site is large. With a ``cache``,
    files whose bytes are unchanged since the last build are not parsed again.
    """
    files = [(coll.label, path) for coll, path in site.files()]
    person = mapping.kinds.get("person")
    first = [f for f in files if person is not None and f[0] == person.collection]
    rest = [f for f in files if not (person is not None and f[0] == person.collection)]
    records: list[Record] = []
    kept: dict[str, tuple[str, Record]] = {}  # relpath -> (key, record) for the cache
    if cache is not None:
        first = _from_cache(site, cache, first, records, "", kept)
    records.extend(_read_chunk(site, mapping, [], first))
    staff = sorted(r.label for r in records if r.kind == "person" and r.label)
    staff_key = "\x00".join(staff)  # event records depend on the staff names too
    if cache is not None:
        rest = _from_cache(site, cache, rest, records, staff_key, kept)
    jobs = jobs if jobs is not None else (os.cpu_count() or 1)
    if jobs > 1 and len(rest) >= PARALLEL_FROM:
        chunks = [rest[i:i + CHUNK] for i in range(0, len(rest), CHUNK)]
        context = fork_context() if can_fork() else multiprocessing.get_context()
        with forking(), concurrent.futures.ProcessPoolExecutor(
                max_workers=jobs, mp_context=context, initializer=die_with, initargs=(os.getpid(),)) as pool:
            for part in pool.map(_read_chunk, [site] * len(chunks), [mapping] * len(chunks),
                                 [staff] * len(chunks), chunks):
                records.extend(part)
                if progress:
                    progress(len(records), len(files))
    else:
        records.extend(_read_chunk(site, mapping, staff, rest))
    if cache is not None:
        people = {site.relpath(path) for _label, path in files if person is not None and _label == person.collection}
        for r in records:
            if r.relpath not in kept:
                key = "" if r.relpath in people else staff_key
                if any(d.code == "future-date" for d in r.diagnostics):
                    key += "\x00future"  # (right until its date passes: never taken from the cache, read again)
                kept[r.relpath] = (_cache_key(r.source.sha1, key), r)
                if r.source.stamp is not None:
                    cache.fresh_stamps[r.relpath] = (r.source.stamp, r.source.sha1)
        cache.keep(kept)  # (pickled before anything below changes them)
    order = {site.relpath(path): i for i, (_label, path) in enumerate(files)}
    records.sort(key=lambda r: order[r.relpath])
    _separate_conflicts(site, mapping, records)
    return records


def _cache_key(file_sha1: str, extra: str) -> str:
    """What a cached record is valid for: its file's bytes, and what else it depends on."""
    return hashlib.sha1(f"{file_sha1}\x00{extra}".encode("utf-8", "surrogatepass")).hexdigest()


def _from_cache(site: Site, cache: RecordCache, files: list[tuple[str, Path]], records: list[Record],
                extra: str, kept: dict[str, tuple[str, Record]]) -> list[tuple[str, Path]]:
    """Take the records of unchanged files from the cache (also into ``kept``: relpath
    -> (key, record)); return the files left to read."""
    left = []
    for label, path in files:
        rel = site.relpath(path)
        entry = cache.entries.get(rel)
        if entry is None:  # nothing to compare with: read (once) below
            left.append((label, path))
            continue
        try:
            sha1, stamp = sha1_since(path, cache.stamps.get(rel))
        except OSError:
            sha1 = stamp = None  # read again below, where the error is reported
        if stamp is not None:
            cache.fresh_stamps[rel] = (stamp, sha1)
        record = None
        if sha1 is not None and entry[0] == _cache_key(sha1, extra):
            try:
                record = cache.record(rel, path)
            except Exception:  # noqa: BLE001 - a damaged cache is no cache: read the file again
                record = None
        if record is not None:
            record.source.stamp = stamp  # as the file is now
            records.append(record)
            kept[rel] = (entry[0], record)
            cache.reused += 1
        else:
            left.append((label, path))
    return left


def _read_chunk(site: Site, mapping: Mapping, staff: list[str], files: list[tuple[str, Path]]) -> list[Record]:
    """Read, parse and understand some files (runs in a worker process for large sites)."""
    out = []
    site_name = site.config.get("title")
    for label, path in files:
        coll = site.collections[label]
        kind = mapping.kind_of_collection(label)
        src = read_file(path, site.relpath(path), post=label == "posts")
        url_path = site.page_url(coll, path, src.data, src) if src.has_front_matter else None
        record = make_record(site, kind, src, url_path, label)
        body_facts(record, kind, staff, site_name)
        if record.doc is not None:  # the blocks have served; links are what the graph needs
            record.doc = markdown.Document([], record.doc.links)
        if record.terms is not None or record.kind != "event":
            src.body = ""  # nothing reads it again (related events want an event's text only
            # when its words were not counted): neither held nor cached
        out.append(record)
    return out


def _separate_conflicts(site: Site, mapping: Mapping, records: list[Record]) -> None:
    """One node per file.

    Files Jekyll would write to one address (pages of ``output: true`` collections with
    one URL): the first keeps it and each other is told so and gets its own IRI. Files
    that would share an IRI for another reason are each a node of their own too, without
    a word, since Jekyll writes no page over another: funders keyed by homepage
    (``/id/organisation/ukri.org``) whose homepages are on one site (UKRI at
    ``https://www.ukri.org/``, EPSRC at ``https://www.ukri.org/councils/epsrc/``: the one
    at the site's root keeps its IRI, the others are keyed by their folder too,
    ``/id/organisation/ukri.org/councils/epsrc``: see :func:`kg.resolve.organisation_iri`),
    or files of a collection without output whose names make one slug."""
    first: dict[str, Record] = {}
    for r in records:
        if r.url_path is None:
            continue
        address = site.iri(r.url_path)
        other = first.setdefault(address, r)
        if other is r:
            continue
        r.source.diagnostics.append(Diagnostic(
            "url-conflict", "warning", f"this file has the same page address as {other.relpath} "
            f"({address}); Jekyll writes only one of them", r.relpath, 1,
            hint="rename one of the files, or give it its own `permalink:`"))
        if r.iri == address:  # (not when its IRI is a homepage's, a funder's)
            r.iri = site.minted(r.kind, r.relpath)
        r.url_path = None
    by_iri: dict[str, list[Record]] = defaultdict(list)
    for r in records:
        by_iri[r.iri].append(r)
    taken = set(by_iri)
    for iri, group in by_iri.items():
        if len(group) < 2:
            continue
        places = [_homepage_place(mapping, r) for r in group]
        folders = [None if place is None else "/".join(place[1]) for place in places]
        # the page at the root of the shared homepage first (then in file order): it keeps the IRI
        order = sorted(range(len(group)), key=lambda i: (folders[i] is None, folders[i] or ""))
        for rank, i in enumerate(order):
            r, folder, place = group[i], folders[i], places[i]
            if rank == 0 and not folder:
                continue
            own = organisation_iri(site, *place) if place and folder else site.minted(r.kind, r.relpath)
            if own in taken:
                own = site.minted(r.kind, r.relpath)
            r.iri = own
            taken.add(own)


def _homepage(kind: Kind | None, data: dict[str, Any]) -> Any:
    """The value of a kind's ``identity`` key in a file's front matter (a funder's homepage), if it has one."""
    return data.get(kind.identity) if kind and kind.identity else None


def _homepage_place(mapping: Mapping, record: Record) -> tuple[str, tuple[str, ...]] | None:
    """The key of a record's homepage and its folders below it (``("ukri.org",
    ("councils", "epsrc"))`` for ``https://www.ukri.org/councils/epsrc/``; no folders at
    the root), or ``None`` when it is not keyed by its homepage."""
    url = _homepage(mapping.kinds.get(record.kind), record.source.data)
    key = homepage_domain(url)
    return None if key is None else (key, homepage_path(url))


def make_record(site: Site, kind: Kind | None, src: SourceFile, url_path: str | None,
                collection: str) -> Record:
    """Build the record of one read file (body parsed, dates and speakers extracted)."""
    name = kind.name if kind else GENERIC_KIND
    label_key = kind.label if kind else "title"
    label_field = next((f for f in reversed(src.fields) if f.key == label_key), None)
    label = None
    if label_field is not None and label_field.value not in (None, "", [], {}):
        # a title of `true` or `2024` is the text written, not Python's True or 2024
        raw = label_field.value if isinstance(label_field.value, str) else label_field.text
        label = str(raw if raw is not None else label_field.value).strip() or None
    identity = homepage_domain(_homepage(kind, src.data))
    if identity:  # e.g. a funder: the organisation its homepage names
        iri = organisation_iri(site, identity)
    elif url_path is not None:
        iri = site.iri(url_path)
    else:
        iri = site.minted(name, _pageless_key(site, collection, src.relpath))
    record = Record(kind=name, source=src, iri=iri, url_path=url_path, label=label)
    if kind:
        record.dates = _dates(src, kind)
    # (front matter Jekyll cannot load stops its reading before it looks at the file
    # name; kg reads a post's name all the same, for the URL it has)
    readable = src.has_front_matter and not any(d.severity == "error" for d in src.diagnostics)
    if readable or (collection == "posts" and src.has_front_matter):
        _file_name_defaults(record, collection == "posts")
    if kind and kind.date_keys and readable and collection != "posts":
        _check_dates(record, kind)
    if src.body:
        record.doc = markdown.parse(src.body, src.body_line)
    return record


def _pageless_key(site: Site, collection: str, relpath: str) -> str:
    """The key of a file of a collection without pages (:meth:`Site.minted`): the
    collection and the file's path in its folder, each part a slug, without the
    extension (``events/2024/meetup`` for ``_events/2024/meetup.md``), so that files of
    one name in two folders are two things."""
    coll = site.collections.get(collection)
    path = PurePosixPath(relpath)
    inner = path.parts[-1:]
    if coll is not None:
        folder = site.relpath(coll.directory)
        if relpath.startswith(folder + "/"):
            inner = PurePosixPath(relpath[len(folder) + 1:]).parts
    return "/".join([collection, *(slugify(p) for p in inner[:-1]), slugify(PurePosixPath(inner[-1]).stem)])


def _file_name_defaults(record: Record, post: bool) -> None:
    """A page's date from its file name when its front matter has no ``date:``, as Jekyll
    4 reads it for every document of every collection (``Document#populate_title``; see
    :func:`kg.site.dated_name`: ``2024-1-5-hello-world.md`` is of 5 January 2024); and
    a ``post``'s title ("Hello World") when it has none. (Jekyll titles other pages so
    too; kg leaves them untitled, for ``kg validate`` to tell the editor.)"""
    named = dated_name(PurePath(record.relpath).name)
    if named is None:
        return
    if not record.dates and named.date is not None and (post or not record.source.values("date")):
        record.dates = [named.date]
        record.dates_from_file = True
    if post and record.label is None and named.slug:
        # Jekyll::Utils.titleize_slug: the slug's words (Ruby's split, which drops empty
        # ones at the end), each capitalised as Ruby does (`WORLD` is `World`)
        record.label = " ".join(w.capitalize() for w in named.slug.rstrip("-").split("-")).strip() or None
        record.label_from_file = record.label is not None


def _check_dates(record: Record, kind: Kind) -> None:
    """Warn when an event has no date, or one its file name contradicts."""
    src = record.source
    if not record.dates:
        if not any(src.values(k) for k in kind.date_keys):
            src.diagnostics.append(Diagnostic(
                "missing-date", "warning", f"no {' or '.join(f'`{k}`' for k in kind.date_keys)} in front matter",
                src.relpath, 1, kind.date_keys[0], hint=f"add `{kind.date_keys[0]}: YYYY-MM-DD`"))
        return
    name = dated_name(PurePath(src.relpath).name)
    named = name.date if name is not None else None
    if named is None:
        return
    if named not in record.dates:
        key = next((k for k in kind.date_keys if src.values(k)), kind.date_keys[0])
        line = next((f.line for f in src.fields if f.key == key), None)
        src.diagnostics.append(Diagnostic(
            "date-mismatch", "warning",
            f"`{key}` says {', '.join(d.isoformat() for d in record.dates)} but the file name says "
            f"{named.isoformat()}", src.relpath, line, key, record.dates[0].isoformat(),
            hint="correct whichever is wrong; the page URL comes from the file name"))


def _dates(src: SourceFile, kind: Kind) -> list[dt.date]:
    dates: list[dt.date] = []
    for key in kind.date_keys:
        rule = kind.keys.get(key)
        for value in src.values(key):
            parts = rule.split.split(value) if rule and rule.split and isinstance(value, str) else [value]
            for part in parts:
                d = date_value(part)
                if d is not None:
                    dates.append(d.date() if isinstance(d, dt.datetime) else d)
    return sorted(set(dates))


def body_facts(record: Record, kind: Kind | None, staff: list[str], site_name: str | None = None) -> None:
    """Fill the record's speakers (front matter first, then the body), stated ordinal and
    the counts of its words (see :mod:`kg.words`), as the kind's ``body`` asks.

    ``staff`` are the full names of the site's people pages; ``site_name`` is the
    site's own name (``title`` in ``_config.yml``), the organisation "we" stands for.
    """
    if kind is None or not record.is_page:
        return
    src = record.source
    if kind.body.get("terms"):
        record.terms = Terms(body_terms(src.body))
    naming = [rule for rule in kind.keys.values() if rule.speakers]
    for rule in naming:
        for f in src.fields:
            if f.key == rule.key:
                record.speakers.extend(_front_matter_speakers(f.value, src.item_lines(f), src,
                                                              dict(rule.speaker_keys)))
    giving = [rule for rule in kind.keys.values() if rule.speaker_field]
    if giving:
        _give_speaker_fields(record, giving, [rule.key for rule in naming])
    # front matter is authoritative when it names speakers: the body is not read for them
    if not record.speakers and record.doc is not None and kind.body.get("speakers"):
        authors = [str(a) for a in src.values("author") if a]
        doc = record.doc
        if len(src.body) > SPEAKER_TEXT_LIMIT:  # a page lists its speakers near the top
            blocks, size = [], 0
            for block in doc.blocks:
                size += len(block.text)
                if size > SPEAKER_TEXT_LIMIT:
                    break
                blocks.append(block)
            doc = markdown.Document(blocks, doc.links)
            src.diagnostics.append(Diagnostic(
                "large-body", "info", f"body is {len(src.body) // 1024} KB; speakers are looked for in its "
                f"first {SPEAKER_TEXT_LIMIT // 1024} KB", src.relpath, src.body_line))
        record.speakers = extract_speakers(
            doc, category=str(src.data.get("category") or "") or None,
            title=record.label or "", staff=staff, author=", ".join(authors) or None,
            site_name=site_name)
    if record.doc is not None and kind.body.get("ordinal"):
        for block in record.doc.blocks:
            n = stated_ordinal(block.text)
            if n is not None:
                record.ordinal, record.ordinal_line = n, block.line
                break
        record.calls_itself = calls_itself(record.doc)


#: "this Connected Conversation", "our Data Drinks", "today's Tech Talk": a capitalised run
#: after them, up to six words (a word of it may be "of", "and", "the", "&": "this Community of Practice")
_CALLS_ITSELF = re.compile(r"(?<![\w-])(?:[Tt]his|(?P<our>[Oo]ur)|[Tt]oday[’']s)\s+"
                           r"([A-ZÀ-ÖØ-Þ][\w’'&.-]*(?:\s+(?:(?:of|and|the|&|for|on)\s+)?[A-ZÀ-ÖØ-Þ][\w’'&.-]*){0,5})"
                           r"(?:\s+(\w+))?")
#: After the name, words that make it the whole series, not this meeting ("our Data Drinks series")
_SERIES_WORDS = frozenset("series programme program season seasons network events meetings sessions".split())
#: At most this many names an event's text calls it (kept with its record)
CALLS_ITSELF_MOST = 8


def calls_itself(doc: markdown.Document) -> tuple[str, ...]:
    """The names ``doc`` calls its event by, lower case and in order, each once: the
    capitalised runs after "this", "today's" and "our … with" ("This Connected Conversation
    brought together…" gives "connected conversation", as :func:`kg.resolve.normalise` folds it;
    not "our Data Drinks series", the series as a whole, nor "our Data Drinks next
    Friday", another meeting); at most :data:`CALLS_ITSELF_MOST`."""
    out: dict[str, None] = {}
    for block in doc.blocks:
        for m in _CALLS_ITSELF.finditer(block.text):
            words = normalise(m.group(2)).split()
            after = (m.group(3) or "").lower()
            if not words or after in _SERIES_WORDS or words[-1] in _SERIES_WORDS or m.group("our") and after != "with":
                continue   # "our X" is this meeting only as "our X with Global Voices" ("our X next Friday": another)
            out.setdefault(" ".join(words), None)
            if len(out) >= CALLS_ITSELF_MOST:
                return tuple(out)
    return tuple(out)


def stated_ordinal(text: str) -> int | None:
    """The place of this meeting in its series that ``text`` states ("we held the third
    meeting of …": 3), else ``None``: not where the phrase means another meeting ("we
    heard from the first workshop") or ranks ("the second most significant event")."""
    for m in _ORDINAL.finditer(text):
        if _OTHER_MEETING_BEFORE.search(text, max(0, m.start() - 20), m.start()) \
                or _RANK_AFTER.match(text, m.end("n")):
            continue
        word = m["n"].lower()
        n = ORDINAL_WORDS.get(word) or int(re.sub(r"\D", "", word))
        if n > 0:   # ("the 0th meeting": no place in a series)
            return n
    return None


#: A speaker's name not yet known ("TBA", "To be confirmed", "N/A")
_PLACEHOLDER = re.compile(r"(?i)(?:speaker\s+)?tb[acd]|to be (?:announced|confirmed|decided|determined)|n/?a|unknown"
                          r"|none|\?+|speaker")


def _give_speaker_fields(record: Record, rules: list[KeyRule], naming: list[str]) -> None:
    """Give the record's speakers (named in front matter) the fields that keys beside
    them hold (``affiliation: Acme`` beside ``presenter: Ann Able``, mapped as
    ``affiliation: {speakers: organisation}``): one value for all, or a list of one for
    each, in order; a field a speaker's own entry gives wins. A value that fits no
    speaker is a ``bad-speaker`` warning (and stays the file's own value in the graph).
    ``naming``: the keys that name speakers. Of a key written twice, the last is read,
    as Jekyll reads it (the others stay the file's own)."""
    src = record.source
    for rule in rules:
        f = next((f for f in reversed(src.fields) if f.key == rule.key), None)
        if f is None or f.value in (None, "", []):
            continue
        field_ = rule.speaker_field
        assert field_ is not None
        values = f.value if isinstance(f.value, list) else [f.value]
        misfit = _speaker_field_misfit(f.key, field_, f.value, len(record.speakers), naming, src)
        if misfit is not None:
            src.diagnostics.append(Diagnostic("bad-speaker", "warning", misfit[0] + "; kept as the file's own value",
                                              src.relpath, f.line, f.key, str(f.value), hint=misfit[1]))
            continue
        for i, m in enumerate(record.speakers):
            v = str(values[0] if len(values) == 1 else values[i]).strip()
            own = getattr(m, field_)
            if v and (own is None or (field_ == "role" and own == "speaker")):
                record.speakers[i] = dataclasses.replace(m, **{field_: v})
        for v in dict.fromkeys(str(v).strip() for v in values) if field_ == "role" else ():
            if v and v not in ROLES:
                src.diagnostics.append(_role_warning(v, src, f.line, f.key, f"`{f.key}: {v}`"))


def _speaker_field_misfit(key: str, field_: str, written: Any, speakers: int, naming: list[str],
                          src: SourceFile) -> tuple[str, str] | None:
    """Why the value ``written`` of a key that gives a field of the ``speakers`` (how
    many the front matter names) fits none of them, and what to do; ``None`` when it fits."""
    values = written if isinstance(written, list) else [written]
    names_key = next((k for k in naming if src.values(k)), naming[-1] if naming else "speakers")
    if not speakers:
        named = " nor ".join(f"`{k}:`" for k in naming)
        return (f"`{key}:` gives the {field_} of this event's speakers, but "
                f"{'neither ' if len(naming) > 1 else ''}{named} names one",
                f"name the speaker in `{names_key}:`, or remove `{key}:`")
    if any(isinstance(v, (list, dict)) or v is None for v in values):
        return (f"`{key}:` must be text, or a list of text (one for each speaker), not {as_written(written)}",
                f"write the {field_} of each speaker as text")
    if len(values) not in (1, speakers):
        return (f"`{key}:` has {len(values)} values for {speakers} speakers, so kg cannot tell whose each is; "
                "given to none", f"give one value for all the speakers, or one for each, in the order of `{names_key}:`")
    if field_ in ("url", "organisation_url") and not all(is_link(str(v).strip()) for v in values):
        return f"`{key}:` is not a web address: {as_written(written)}", "write the full address, starting https://"
    if field_ == "url" and len(values) < speakers:
        return (f"`{key}:` gives one person's own page for {speakers} speakers, which would make them one person",
                f"give one address for each speaker, in the order of `{names_key}:`")
    return None


def _role_warning(role: str, src: SourceFile, line: int | None, key: str, written: str) -> Diagnostic:
    """A ``bad-speaker`` warning for a speaker's role that is none of :data:`ROLES` (kept
    as written: ``kg validate`` reports it too), with the role it may mean; ``written``:
    the role as the message shows it (``speaker 'Ann Able': `role: moderator```)."""
    meant = ROLE_OF_WORD.get(role.lower()) or closest(role, ROLES)
    return Diagnostic("bad-speaker", "warning", f"{written} is not one of {', '.join(ROLES)}; kept as written",
                      src.relpath, line, key, role,
                      hint=f"write `role: {meant}`" if meant else f"write one of {', '.join(ROLES)}")


def _front_matter_speakers(value: Any, lines: list[int], src: SourceFile,
                           keys: dict[str, str] | None = None) -> list[SpeakerMention]:
    """The speakers a front-matter list names; ``lines``: the line of each item;
    ``keys``: speaker field -> the key of an entry that holds it on this site (see
    :attr:`kg.mapping.KeyRule.speaker_keys`), read when the entry has no key of the field's name."""
    out = []
    renamed = {entry_key: field_ for field_, entry_key in (keys or {}).items()}
    for item, line in zip(value if isinstance(value, list) else [value], lines):
        if isinstance(item, str):
            item = {"name": item}
        elif isinstance(item, dict) and renamed:
            # the site's own key wins: a field's default key beside it is the entry's unknown key
            mine = {renamed[k]: v for k, v in item.items() if k in renamed}
            beside = {f"{k} (beside `{(keys or {})[k]}`)": v for k, v in item.items() if k in mine and k not in renamed}
            item = {**{k: v for k, v in item.items() if k not in renamed and k not in mine}, **beside, **mine}
        if isinstance(item, dict) and isinstance(item.get("name"), (list, dict)):
            src.diagnostics.append(Diagnostic(
                "bad-speaker", "warning", f"speaker `name:` must be one name, not a {_shape(item['name'])}: "
                f"{as_written(item['name'])}; not kept", src.relpath, line, "speakers", value=str(item["name"]),
                hint="one item for each speaker: `- name: Ann Able`, then `- name: Bob Bell`"))
            continue
        if not isinstance(item, dict) or not str(item.get("name") or "").strip():
            src.diagnostics.append(Diagnostic(
                "bad-speaker", "warning", f"speaker entry without a name: {as_written(item)}", src.relpath, line,
                "speakers", hint="write each speaker as `- name: Full Name` with optional role, "
                "title, organisation, url"))
            continue
        if _PLACEHOLDER.fullmatch(str(item["name"]).strip()):  # `name: TBA`
            src.diagnostics.append(Diagnostic(
                "bad-speaker", "warning", f"speaker `name:` {str(item['name']).strip()!r} holds a place for a "
                "name; not kept as a person", src.relpath, line, "speakers", value=str(item["name"]),
                hint="write the speaker's name once it is known, or remove the entry"))
            continue
        if isinstance(item["name"], bool) or not any(c.isalpha() for c in str(item["name"])):
            # `name: 42`, `name: "-"`, `name: true` (YAML's boolean: it was the person "True")
            src.diagnostics.append(Diagnostic(
                "bad-speaker", "warning", f"speaker `name:` {as_written(item['name'])} is no one's name; "
                "not kept as a person", src.relpath, line, "speakers", value=str(item["name"]),
                hint="write the speaker's name, or remove the entry"))
            continue
        unknown = set(item) - set(SPEAKER_KEYS)
        if unknown:
            src.diagnostics.append(Diagnostic(
                "unknown-speaker-key", "warning",
                f"speaker {item['name']!r} has unknown key(s), not kept in the graph: "
                + ", ".join(f"{k}: {as_written(item[k])}" for k in sorted(unknown, key=str)),
                src.relpath, line, "speakers", value=", ".join(sorted(map(str, unknown))),
                hint=f"known keys: {', '.join([*SPEAKER_KEYS, *renamed])}"))
        org_key = "organisation" if "organisation" in item else "organization"

        def text(key: str) -> str | None:
            """The speaker's ``key`` as text (``None``: not given, or reported as not text)."""
            v = item.get(key)
            if isinstance(v, (list, dict)):
                src.diagnostics.append(Diagnostic(
                    "bad-speaker", "warning", f"speaker {item['name']!r}: `{key}:` must be text, not a "
                    f"{_shape(v)}: {as_written(v)}; not kept", src.relpath, line, "speakers", value=str(v),
                    hint=f"write one {key} as text"))
                return None
            return str(v).strip() if v not in (None, "") else None

        def address(key: str) -> str | None:
            """The speaker's ``key`` as a web address or a path on the site (``None``: reported if not)."""
            v = text(key)
            if v is None or is_link(v):
                return v
            src.diagnostics.append(Diagnostic(
                "bad-url", "warning", f"speaker {item['name']!r}: `{key}: {v}` is not a web address; "
                "not kept as a link", src.relpath, line, "speakers", value=v,
                hint="write the full address, starting https://"))
            return None
        role = text("role")
        if role is not None and role not in ROLES:
            src.diagnostics.append(_role_warning(role, src, line, "speakers", f"speaker {item['name']!r}: `role: {role}`"))
        out.append(SpeakerMention(
            name=str(item["name"]).strip(), role=role or "speaker",
            title=text("title"), organisation=text(org_key),
            organisation_url=address("organisation_url"), url=address("url"), line=line))
    return out


def _shape(value: Any) -> str:
    """What a YAML value that is not text is, for a message: a list or a mapping."""
    return "list" if isinstance(value, list) else "mapping"
