"""Build a site's knowledge graph: site -> records -> graph -> store, with a report."""
from __future__ import annotations

import hashlib
import os
import pickle
import re
import time
from collections import Counter
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import replace
from pathlib import Path
from typing import Any, Callable, NamedTuple

from rapidfuzz import fuzz

from . import vocab
from .errors import Diagnostic, StoreError, counted
from .collector import gc_paused, give_back_memory
from .entities import Curation, load_curation
from .graph import GraphBuilder, GraphInputs
from .mapping import KeyRule, Mapping, load_mapping
from .query import internal
from .records import Record, RecordCache, read_records, settings_fingerprint
from .ahead import ScoredAhead, graphs_digests, start_ahead
from .related import (event_nquads, graph_name, inputs_digest, load_tables, rekey_tables, related_events,
                      related_prefix, save_tables, save_terms, table_line)
from .resolve import normalise
from .series import Series, SeriesFound, Unjoined, find_series, series_names
from .site import Site, load_site
from .store import REPORT_FILE, GraphWriter, KnowledgeGraph, file_error, folder_lock, write_json


STAGES = ("read", "graph", "store", "related", "report", "save")


def build_site(site: str | Path, out: str | Path | None = None, *, mapping: str | Path | None = None,
               base_url: str | None = None, curation: str | Path | None = None,
               jobs: int | None = None, incremental: bool = True,
               progress: Callable[[str, int, int], None] | None = None, validate: bool = False) -> KnowledgeGraph:
    """Build the knowledge graph of the Jekyll site at ``site``.

    Args:
        site: the site folder (the one holding ``_config.yml``).
        out: a folder to write the graph to (``graph.nq``, ``store/``, ``report.json``);
            nothing is written when ``None``.
        mapping: a mapping file; default: the site's ``_kg/mapping.yml``, else kg's own.
        base_url: the site's scheme and host, when ``_config.yml`` and ``CNAME`` lack it.
        curation: a curation file of corrections (aliases, same-as links, not-a-person);
            default: the site's ``_kg/curation.yml`` if it has one.
        jobs: worker processes that read files (default: one per core; 1: none).
            Related events are scored in the build's own process: a worker forked
            from it writes to, and so copies, the pages of the build's memory it reads
            (at 100,000 events 0.8 GB more at the peak, 2.65 against 1.81 GB), and
            spares little time there, since the build's own process writes every
            event's graph as its suggestions come (the stage took 84-93 s with a worker
            and 76-87 s without). ``kg related`` on its own shares scoring out. A
            rebuild of :data:`kg.ahead.AHEAD_EVENTS` event pages or more, on two cores
            or more and with the memory for it, forks one child as it starts that
            scores them on the last build's tables and the words as the files say now,
            while this process reads the files and makes the graph; what it scored is
            taken only when related events must be worked out again (an event's words,
            or the weights, changed), the child found the words this process read, and
            no graph changed in what those tables say (see :mod:`kg.ahead`).
        incremental: reuse what the last build into ``out`` read from files that have
            not changed, and rewrite only the named graphs that changed (the result is
            the same as a clean build's).
        progress: called as ``progress(stage, done, total)`` while the build goes on
            (files read, then each stage as it ends), for a progress display.
        validate: also check the graph against kg's SHACL shapes (see
            :func:`kg.validate.validate_graph`), before another build may write to
            ``out``; the outcome is the report's ``shacl`` (in ``report.json`` too).

    Returns:
        The graph, with its build report in ``.report``: with ``out``, the store written
        there, opened read-only; without, a store in memory. Problems in the site's files
        are diagnostics in the report, never exceptions.

    Raises:
        SiteError: the site folder or its ``_config.yml`` cannot be read.
        MappingError: the mapping file is invalid.
        StoreError: ``out`` cannot be written, another build is writing to it (see
            :func:`kg.store.folder_lock`), it is a folder no build wrote that holds what
            a build would replace (``store/``, ``graph.nq``...), or it is the site's own
            folder, Jekyll's output folder, or a folder Jekyll would publish (see
            :func:`check_out_folder`).
    """
    if out is not None:
        check_out_folder(site, out, base_url)
    with gc_paused(), (folder_lock(out) if out is not None else nullcontext()):
        # (gc paused: millions of objects, no cycles: see kg/collector.py)
        try:
            graph = _build(site, out, mapping, base_url, curation, jobs, incremental, progress)
            if validate:
                from .validate import mapping_of, unsaid, validate_graph
                mapping_used = mapping_of(graph)   # (read once: the check and what it leaves unsaid)
                checked = validate_graph(graph, mapping=mapping_used)
                graph.report["shacl"] = {**checked.to_dict(),
                                         "unsaid": len(unsaid(checked.results, graph.report, mapping_used)[0])}
                if out is not None:
                    write_json(Path(out) / REPORT_FILE, graph.report)
            return graph
        except OSError as exc:  # the site's files are read into diagnostics: this is writing
            if out is None:
                raise
            raise file_error(out, exc, "write to") from exc


def check_out_folder(site: str | Path, out: str | Path, base_url: str | None = None) -> None:
    """Refuse to write a graph into the site's own folder, into Jekyll's output folder
    (``_site``, or ``destination:``), or into a folder Jekyll would publish: inside the
    site and read as its own files, or in the folder of a collection with ``output:
    true`` (see :meth:`kg.site.Site.publishes`).

    Jekyll's output folder is refused whether or not ``keep_files:`` keeps the graph
    there: the next Jekyll build deletes it, or (kept) Jekyll serves all of it with the
    site, ``store/`` and ``cache/`` too, which a built graph folder is not made for.

    Raises:
        SiteError: the site's ``_config.yml`` cannot be read.
        StoreError: ``out`` is such a folder.
    """
    if _same_folder(site, out):
        raise StoreError("the graph folder is the site's own folder: Jekyll would publish the graph's files "
                         "as pages of the site", path=out, hint="build into another folder with --out")
    the_site = load_site(site, base_url)
    if the_site.in_destination(out):
        destination, root = the_site.destination, the_site.root.resolve()
        shown = os.path.relpath(destination, root) if root in destination.parents else str(destination)
        fate = ("`keep_files:` keeps it there, so Jekyll would serve all of it with the site (store/ and cache/ "
                "too)" if the_site.keeps(out) else "the next Jekyll build deletes what Jekyll did not write there")
        raise StoreError(f"the graph folder is in Jekyll's output folder ({shown}): {fate}", path=out,
                         hint="build into a folder outside the site, or one whose name starts with `_` (--out "
                              "_graphs); to serve graph.nq with the site, copy it into the site's folder")
    inside = the_site.publishes(out)
    if not inside:
        return
    coll = the_site.collection_holding(out)
    if coll is not None and coll.output:
        below = Path(out).resolve().relative_to(coll.directory.resolve()).parts  # (collection_holding: it is)
        raise StoreError(f"the graph folder is in the folder of the collection `{coll.label}`, which has `output: "
                         "true`: Jekyll copies the files in it into the site it makes (the graph's graph.nq and "
                         "store/ too)", path=out,
                         hint="build into a folder outside the site, or one whose name starts with `_` (--out "
                              "_graphs)" + (f", or add `{coll.directory.name}/{below[0]}` to `exclude:` in "
                                            "_config.yml" if below else ""))
    top = inside.split("/")[0]
    raise StoreError(f"the graph folder is inside the site, and Jekyll would publish it (its graph.nq "
                     f"and store/ copied into the site it makes, as {inside}/…)", path=out,
                     hint=f"build into a folder outside the site, or one whose name starts with `_` "
                          f"(--out _graphs), or add `{top}` to `exclude:` in _config.yml")


def _same_folder(a: str | Path, b: str | Path) -> bool:
    try:
        return Path(a).resolve() == Path(b).resolve()
    except (OSError, RuntimeError):
        return False


def _build(site: str | Path, out: str | Path | None, mapping: str | Path | None, base_url: str | None,
           curation: str | Path | None, jobs: int | None, incremental: bool,
           progress: Callable[[str, int, int], None] | None) -> KnowledgeGraph:
    """The stages of :func:`build_site` (see :data:`STAGES`), in order; what a failed build began is undone."""
    laps = _Laps(progress, len(STAGES) - (out is None))
    the_site = load_site(site, base_url)
    the_mapping = load_mapping(mapping, the_site.root)
    the_curation = load_curation(the_site.root, curation)
    state = _BuildState(out, incremental, related_prefix(the_site.base_url + the_site.baseurl))
    try:
        records, terms, texts = _read_stage(state, the_site, the_mapping, the_curation, jobs, progress)
        laps.lap("read")
        summary = _graph_stage(state, the_site, the_mapping, the_curation, records)
        # the graph builder went as _graph_stage returned: the records go too, so that
        # neither is held through related events (at 100,000 events they are gigabytes)
        del records
        state.let_go_of_file_graphs()
        laps.lap("graph")
        report = {"base_url": the_site.base_url + the_site.baseurl, "site": str(the_site.root.resolve())}
        related_graph = _store_stage(state, report)
        laps.lap("store")
        related_scored = _related_stage(state.writer, state.inputs, out, the_site.root, state.prefix,
                                        related_graph, terms, texts, state.ahead)
        state.ahead = None  # (closed by _related_stage)
        del terms, texts, related_graph
        give_back_memory()
        graph = KnowledgeGraph(state.writer.sync(), report)
        laps.lap("related")
        graph.report = _report_stage(graph, the_site, the_mapping, summary, laps.seconds(), state.writer.quads)
        laps.lap("report")
        report = graph.report
        del graph  # finish() moves the store's directory: nothing may hold the store then
        graph = _save_stage(state, report, summary, related_scored)
        if out is not None:
            laps.lap("save")
    except BaseException:
        state.abandon()
        raise
    _add_timings(graph.report, laps, out)
    return graph


class _Laps:
    """The seconds each stage of a build took, told to ``progress`` as each ends."""

    def __init__(self, progress: Callable[[str, int, int], None] | None, total: int) -> None:
        self.started = time.perf_counter()
        self.stages: dict[str, float] = {}
        self.progress = progress
        self.total = total  # how many stages this build runs

    def lap(self, name: str) -> None:
        """Stage ``name`` has ended: note its seconds, and tell ``progress``."""
        now = time.perf_counter()
        self.stages[name] = round(now - sum(self.stages.values()) - self.started, 3)
        if self.progress:
            self.progress(name, len(self.stages), self.total)

    def seconds(self) -> float:
        """The seconds since the build started."""
        return time.perf_counter() - self.started


class _BuildState:
    """What a build holds from its first stage to its last, and lets go of if it fails."""
    # (never the records, the graph builder or the words of the pages: those are let go
    # of as soon as they have served)

    def __init__(self, out: str | Path | None, incremental: bool, prefix: str) -> None:
        self.out = out
        self.incremental = incremental
        self.prefix = prefix  # the IRI the related graphs' names start with
        self.cache: RecordCache | None = None
        self.inputs: GraphInputs | None = None
        self.ahead: ScoredAhead | None = None
        self.opened: Future[GraphWriter] | None = None  # the writer, while it copies the last store
        self.writer: GraphWriter | None = None

    def let_go_of_file_graphs(self) -> None:
        """Once the records and the graph builder are let go: memory back, the last build's file graphs dropped."""
        give_back_memory()  # before related events
        if self.inputs is not None:
            self.inputs.release_entries()  # the last build's file graphs: all asked about

    def abandon(self) -> None:
        """Undo what a failed build began: stop the child, drop the new store and inputs."""
        if self.ahead is not None:
            self.ahead.close()
        if self.writer is None and self.opened is not None and self.opened.exception() is None:
            self.writer = self.opened.result()  # failed while it was copied
        if self.writer is not None:
            self.writer.abort()
        if self.inputs is not None:
            self.inputs.discard()


class _Summary(NamedTuple):
    """All the report needs of the records and the graph builder, which are not held through related events."""
    diagnostics: list[Diagnostic]
    files_by_kind: Counter
    entities: dict[str, Any]
    file_graphs_reused: int
    series: list[Series]
    unjoined: list[Unjoined]  # events that share a title but no evidence of a series


def _read_stage(state: _BuildState, site: Site, mapping: Mapping, curation: Curation, jobs: int | None,
                progress: Callable[[str, int, int], None] | None
                ) -> tuple[list[Record], dict[str, Any], dict[str, str]]:
    """The site's records and the words of its event pages; in a rebuild, the record cache saved and inputs loaded."""
    fingerprint = _start_rebuild(state, site, mapping, curation)
    records = read_records(site, mapping, jobs, state.cache,
                           (lambda done, total: progress("reading", done, total)) if progress else None)
    keys = _save_record_cache(state)
    terms, texts = _event_words(records)
    if state.cache is not None:
        _load_inputs(state, fingerprint, keys, site.root, terms, texts)
    # the words counted, kept for `kg related` on this folder and the next rebuild
    # (keyed by bytes, like the records): as the child wrote them if it found these
    # (it finds counted words only, never pages' texts)
    comparable = state.ahead is not None and state.inputs is not None and not texts
    took_words = comparable and state.ahead.take_words(Path(state.out), state.inputs.fresh_related)
    _stop_ahead_unless_needed(state, comparable)
    if state.out is not None and not took_words:
        _save_terms(Path(state.out), records)
    return records, terms, texts


def _start_rebuild(state: _BuildState, site: Site, mapping: Mapping, curation: Curation) -> str | None:
    """In a rebuild: the child scoring ahead started, the record cache loaded; the settings' fingerprint, if so."""
    if state.out is None or not state.incremental:
        return None
    fingerprint = settings_fingerprint(site, mapping, curation.fingerprint())
    # related events scored on the other core while this one reads the files
    # and makes the graph, as if the tables they read of the graph had not
    # changed (taken only if so, and if the words it finds are those read
    # here): forked first, while this process holds little, and before the
    # store is opened, whose threads a forked child must not share
    state.ahead = start_ahead(Path(state.out), site, fingerprint, state.prefix)
    state.cache = RecordCache.load(Path(state.out), fingerprint)
    return fingerprint


def _save_record_cache(state: _BuildState) -> dict[str, str] | None:
    """In a rebuild, the record cache saved and its pickles let go of; the key of each file's record."""
    if state.cache is None:
        return None
    keys = state.cache.keys()
    # saved now, not with the graph: valid whatever happens next (each record is
    # keyed by its file's bytes), and the pickles need not be held through the build
    state.cache.save(Path(state.out))
    state.cache.release()
    give_back_memory()
    return keys


def _event_words(records: list[Record]) -> tuple[dict[str, Any], dict[str, str]]:
    """The words of each event page: counted (``terms``), else its text (``texts``)."""
    pages = [r for r in records if r.kind == "event" and r.is_page]
    return ({r.iri: r.terms for r in pages if r.terms is not None},
            {r.iri: r.source.body for r in pages if r.terms is None})


def _load_inputs(state: _BuildState, fingerprint: str | None, keys: dict[str, str] | None, root: Path,
                 terms: dict[str, Any], texts: dict[str, str]) -> None:
    """The last build's inputs of its graphs, with the digest of the words read now."""
    state.inputs = GraphInputs.load(Path(state.out), fingerprint, keys)
    state.inputs.fresh_related = inputs_digest(root, terms, texts)


def _stop_ahead_unless_needed(state: _BuildState, comparable: bool) -> None:
    """Stop the child scoring ahead unless what it scores may be taken (these words, and work to do)."""
    ahead, inputs = state.ahead, state.inputs
    if ahead is not None and not (comparable and inputs.derived and inputs.fresh_related != inputs.related
                                  and ahead.may_match(inputs.fresh_related)):
        # other words than these, or nothing to work out again or to take it from
        ahead.close()
        state.ahead = None


def _graph_stage(state: _BuildState, site: Site, mapping: Mapping, curation: Curation,
                 records: list[Record]) -> _Summary:
    """Every file's graph into the writer, one at a time; all the report needs of them."""
    _start_opening_writer(state)
    builder = GraphBuilder(site, mapping, records, curation, state.inputs)
    series, unjoined = _series(site, records, mapping, builder)
    writer = state.writer = state.opened.result()
    # one graph at a time: never all quads at once
    for name, data, digest in builder.build(series, writer.previous_nquads if state.inputs is not None else None):
        writer.add_nquads(name, data, digest)
    diagnostics = _diagnostics(site, mapping, records, builder, series, unjoined)
    return _Summary(diagnostics, Counter(r.kind for r in records),
                    {"merges": builder.entities.merges, "near_misses": builder.entities.near_misses},
                    builder.reused, series, unjoined)


def _start_opening_writer(state: _BuildState) -> None:
    """Open the writer in a thread of its own, which copies the last store meanwhile."""
    # the last store copied (in the store's own code, which lets go of Python's lock)
    # while the pages are indexed and the series found
    opening = ThreadPoolExecutor(max_workers=1)
    state.opened = opening.submit(GraphWriter, state.out, state.incremental,
                                  state.ahead.files() if state.ahead is not None else ())
    opening.shutdown(wait=False)


def _diagnostics(site: Site, mapping: Mapping, records: list[Record], builder: GraphBuilder,
                 series: list[Series], unjoined: list[Unjoined]) -> list[Diagnostic]:
    """Every diagnostic of the build: the site's, the mapping's, the files', the graph's, the series'."""
    diagnostics = site.diagnostics + mapping_diagnostics(mapping, site) \
        + [d for r in records for d in r.diagnostics] + builder.diagnostics
    diagnostics += _series_diagnostics(series, records)
    diagnostics += unjoined_diagnostics(unjoined, records, mapping)
    diagnostics += no_event_pages(site, mapping, records)
    diagnostics += vocabulary_diagnostics(records, mapping)
    diagnostics = _no_pages_to_name(diagnostics, records, mapping)
    diagnostics = _speaker_keys_once(diagnostics)
    diagnostics += no_events(mapping, records)
    if not records and not any(d.severity == "error" for d in diagnostics):  # (else that error says why)
        diagnostics.append(Diagnostic(
            "no-files", "warning", f"kg found no page to read in {site.root}: no collection's folder (such as "
            "_events/) holds a markdown file", hint="pass the folder that holds the site's _config.yml and its "
            "collection folders"))
    return diagnostics


#: How many files' references to a kind the site has no page of are each said at their line
_FEW_FILES = 5


def no_events(mapping: Mapping, records: list[Record]) -> list[Diagnostic]:
    """A ``no-events`` warning when the mapping's ``event`` kind found no page though other
    files were read (a site's talks in ``_posts`` under the shipped mapping): no series and
    no related events."""
    event = mapping.kinds.get("event")
    if event is None or not records or any(r.kind == "event" for r in records):
        return []
    read = ", ".join(f"{n} {kind}" for kind, n in sorted(Counter(r.kind for r in records).items()))
    return [Diagnostic(
        "no-events", "warning", f"kg found no page of kind `event` (it reads collection `{event.collection}`, "
        f"{read} read): no series and no related events", str(mapping.source), event.line,
        hint="if the site keeps its events in another collection (`posts`, `talks`), give that collection's "
             "name as `collection:` of kind `event` in the mapping")]


def _in_many_files(diagnostics: list[Diagnostic], group_of: Callable[[Diagnostic], Any]
                   ) -> dict[Any, list[Diagnostic]]:
    """The groups ``group_of`` puts diagnostics in (``None``: in none) that are in more
    than :data:`_FEW_FILES` files, each with its diagnostics in order: those said once
    for all (a few are each said at their file and line)."""
    groups: dict[Any, list[Diagnostic]] = {}
    for d in diagnostics:
        group = group_of(d)
        if group is not None:
            groups.setdefault(group, []).append(d)
    return {group: ds for group, ds in groups.items() if len({d.path for d in ds}) > _FEW_FILES}


def _speaker_keys_once(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """``diagnostics``, with the ``unknown-speaker-key`` warnings for the same key(s) in
    more than :data:`_FEW_FILES` files (every speaker's `avatar:` on a site) said once as
    a warning, at the first, with how many files write them; the others stay in the
    report as infos (``kg validate --infos``), each at its line."""
    once: dict[int, Diagnostic] = {}
    for keys, ds in _in_many_files(diagnostics, lambda d: d.value or None if d.code == "unknown-speaker-key"
                                   else None).items():
        first = ds[0]
        once[id(first)] = replace(first, message=f"speakers in {len({d.path for d in ds})} files have `{keys}`, which "
                                  f"kg does not map; each is in the report as an info (kg validate --infos lists "
                                  f"them). Here: {first.message}")
        once.update((id(d), replace(d, severity="info")) for d in ds[1:])
    return [once.get(id(d), d) for d in diagnostics] if once else diagnostics


def _no_pages_to_name(diagnostics: list[Diagnostic], records: list[Record], mapping: Mapping) -> list[Diagnostic]:
    """``diagnostics``, with the ``unresolved-reference`` warnings of references to a kind
    of which the site has no page at all (every post's `author:` on a site without person
    pages), when more than :data:`_FEW_FILES` files hold them, made one
    ``no-pages-to-name`` warning per key and kind: the references are all still in the
    graph as unresolved (``kg query unresolved`` lists them)."""
    have = {r.kind for r in records}
    kind_of = {r.relpath: r.kind for r in records}

    def to_no_page(d: Diagnostic) -> tuple[str, str] | None:
        kind = mapping.kinds.get(kind_of.get(d.path or "", "")) if d.code == "unresolved-reference" else None
        rule = kind.keys.get(d.key or "") if kind else None
        return (d.key or "", rule.ref) if rule is not None and rule.ref and rule.ref not in have else None
    many = _in_many_files(diagnostics, to_no_page)
    said_once = {id(d) for ds in many.values() for d in ds}
    kept = [d for d in diagnostics if id(d) not in said_once]
    for (key, ref), said in sorted(many.items()):
        files = len({d.path for d in said})
        collection = mapping.kinds[ref].collection if ref in mapping.kinds else None
        kind = mapping.kinds[kind_of[said[0].path or ""]]
        rule, on_stage = kind.keys[key], kind.body.get("speakers")
        kept.append(Diagnostic(
            "no-pages-to-name", "warning", f"`{key}` names a {ref} in {files} file{'s' * (files != 1)} "
            f"({said[0].path}: {said[0].value!r}, …), but the site has no {ref} page at all"
            + (f" (the mapping's kind `{ref}` reads collection `{collection}`)" if collection else "")
            + ": each is kept as an unresolved reference (`kg query unresolved` lists them)",
            str(mapping.source), rule.line, key, hint=f"if the site keeps its {ref} pages in another collection, "
            f"give its name as `collection:` of kind `{ref}` in the mapping; if `{key}` is plain text here (a user "
            f"name), map it as text: `{key}: {{property: schema:{key}}}`"
            + (f"; if it names who is on stage at each event (a talk's speaker), map it as speakers: "
               f"`{key}: {{speakers: true}}`" if on_stage else "")))
    return kept


def _store_stage(state: _BuildState, report: dict[str, Any]) -> KnowledgeGraph:
    """The store, synced with every graph but related events', for them to be worked out from."""
    prefix = state.prefix  # (the lambda holds the prefix, not the state, which holds the writer)
    # the store may be replaced while syncing: take it from there
    return KnowledgeGraph(state.writer.sync(complete=lambda name: not name.startswith(prefix)), report)


def _report_stage(graph: KnowledgeGraph, site: Site, mapping: Mapping, summary: _Summary, seconds: float,
                  quads: int) -> dict[str, Any]:
    """The build report (see :func:`make_report`), with the entities merged and nearly merged."""
    report = make_report(site, mapping, summary.files_by_kind, graph, summary.diagnostics, summary.series,
                         seconds, quads)
    report.update(summary.entities)
    return report


def _save_stage(state: _BuildState, report: dict[str, Any], summary: _Summary,
                related_scored: int) -> KnowledgeGraph:
    """The store finished, with the figures of what was reused, and the inputs kept for the next rebuild."""
    if state.out is not None:
        report["incremental"] = _incremental_figures(state, summary, related_scored)
    graph = KnowledgeGraph(state.writer.finish(report), report)
    if state.out is not None:
        if state.inputs is not None:
            state.inputs.fresh_graphs = graphs_digests(state.writer.hashes)[1]  # what they go with
            state.inputs.save()
        graph.path = Path(state.out)
    return graph


def _incremental_figures(state: _BuildState, summary: _Summary, related_scored: int) -> dict[str, int]:
    """What the build read, reused, scored and wrote (the report's ``incremental``)."""
    cache, inputs, writer = state.cache, state.inputs, state.writer
    files = sum(summary.files_by_kind.values())
    return {"files_reused": cache.reused if cache else 0,
            "files_read": files - (cache.reused if cache else 0),
            "file_graphs_reused": summary.file_graphs_reused,
            "related_graphs_reused": inputs.derived_reused if inputs else 0,
            "related_events_scored": related_scored,
            "graphs_written": len(writer.changed),
            "graphs_removed": len(set(writer.previous) - set(writer.hashes))}


def _add_timings(report: dict[str, Any], laps: _Laps, out: str | Path | None) -> None:
    """The build's seconds, all and by stage, into ``report``, and with ``out`` its file."""
    report["seconds"] = round(laps.seconds(), 3)
    report["stages"] = laps.stages
    if out is not None:  # the report file gets the final figures too
        write_json(Path(out) / REPORT_FILE, report)


def _related_stage(writer: GraphWriter, inputs: GraphInputs | None, out: str | Path | None, root: Path,
                   prefix: str, graph: KnowledgeGraph, terms: dict[str, Any], texts: dict[str, str],
                   ahead: ScoredAhead | None) -> int:
    """Every event page's related events into ``writer``, one graph an event, from
    ``graph`` (the store, with every other graph of this build) and the words of the
    pages (``terms`` counted, else ``texts``; both emptied once weighed). With ``inputs``
    (a rebuild), an event whose suggestions are made from what the last build's were
    keeps the last build's graph, and the tables read from the graph are the last
    build's when no graph changed in what they read; ``ahead`` is a child that scored
    events on those tables (see :mod:`kg.ahead`), taken when they stand and
    cancelled when not. Returns how many events were scored (all, on a first build)."""
    events = _RelatedGraphs(writer, inputs, prefix)
    tables = _compare_tables(writer, inputs, prefix)
    try:
        if not _all_suggestions_stand(events, tables) and not _took_scored_ahead(events, tables, ahead):
            _score_related(events, tables, graph, terms, texts, root, out)
    finally:
        if ahead is not None:
            ahead.close()
    if tables.same and tables.key != tables.last and out is not None:
        # the tables kept stand for this build's graphs too
        _rekey_tables(Path(out), tables.last, tables.key)
    return len(events.scored)


class _RelatedGraphs:
    """Each event's graph of related events into the writer, as it is kept or made."""

    def __init__(self, writer: GraphWriter, inputs: GraphInputs | None, prefix: str) -> None:
        self.writer = writer
        self.inputs = inputs
        self.prefix = prefix
        self.digests: dict[str, str] = {}  # event -> the digest of what its suggestions are made from
        self.scored: list[str] = []

    def kept(self, event: str, digest: str) -> bool:
        """Whether the last build's suggestions still hold (its graph then kept)."""
        self.digests[event] = digest
        name = graph_name(self.prefix, event)
        got = self.inputs.reuse(name, digest, self.writer.previous_nquads)
        if isinstance(got, tuple):  # its graph, as the last build wrote it
            self.writer.add_nquads(name, *got)
        return got is not None  # (True: it had no suggestions then either)

    def made(self, event: str, data: bytes) -> None:
        """An event scored (all, on a first build): its graph, ``data``, into the writer."""
        self.scored.append(event)
        name = graph_name(self.prefix, event)
        sha = hashlib.sha1(data).hexdigest() if data else ""
        if self.inputs is not None:
            self.inputs.remember(name, self.digests[event], sha)
        if data:
            self.writer.add_nquads(name, data, sha)

    def write(self, event: str, suggestions: list) -> None:
        """An event scored here: the graph of its ``suggestions`` into the writer."""
        self.made(event, event_nquads(graph_name(self.prefix, event), event, suggestions) if suggestions else b"")


class _Tables(NamedTuple):
    """Whether the tables related events read stand, and the keys they are kept under."""
    same: bool  # no graph changed in what they are read from: the last build's stand
    key: str  # of this build's graphs they are read from
    last: str | None  # of the last build's (a rebuild)
    last_all: str | None  # of all the last build's graphs (a rebuild)


def _compare_tables(writer: GraphWriter, inputs: GraphInputs | None, prefix: str) -> _Tables:
    """Whether the tables related events read stand, compared with the last build's graphs."""
    # the tables related events read are the last build's when no graph's quads of the
    # predicates they are read from changed: they are not read again, and when the
    # words and weights are the last build's too, no event is worked out again
    is_related = lambda name: name.startswith(prefix)  # noqa: E731
    not_related = lambda name: not is_related(name)  # noqa: E731
    same = inputs is not None and writer.same_lines(table_line, is_related)
    key, _ = graphs_digests(writer.hashes, not_related)
    last, last_all = graphs_digests(writer.previous, not_related) if inputs is not None else (None, None)
    return _Tables(same, key, last, last_all)


def _all_suggestions_stand(events: _RelatedGraphs, tables: _Tables) -> bool:
    """Whether the tables and words are the last build's, so that all its suggestions stand (then kept)."""
    inputs, writer, prefix = events.inputs, events.writer, events.prefix
    # (the inputs kept must be those of the build that wrote the last graph.nq, which
    # the lines were compared with: not so after a clean build into the folder, or a
    # build stopped before it saved them)
    return tables.same and inputs.related is not None and inputs.fresh_related == inputs.related \
        and inputs.graphs == tables.last_all \
        and inputs.keep_all(lambda name: not name.startswith(prefix), writer.previous_nquads, writer.add_nquads)


def _took_scored_ahead(events: _RelatedGraphs, tables: _Tables, ahead: ScoredAhead | None) -> bool:
    """Whether what the child scored ahead stands, and was taken."""
    inputs, writer, prefix = events.inputs, events.writer, events.prefix
    got = ahead.result(tables.last, inputs.fresh_related) if ahead is not None and tables.same else None
    if got is not None and inputs.keep([(graph_name(prefix, e), d) for e, d in got[0].items() if e not in got[1]],
                                       writer.previous_nquads, writer.add_nquads):
        events.digests.update(got[0])  # (the others: kept as the last build made them)
        for event, data in ahead.graphs():
            events.made(event, data)
        return True
    return False


def _score_related(events: _RelatedGraphs, tables: _Tables, graph: KnowledgeGraph, terms: dict[str, Any],
                   texts: dict[str, str], root: Path, out: str | Path | None) -> None:
    """Score related events here, each event's suggestions into the writer as they come."""
    inputs, key = events.inputs, tables.key
    stored = load_tables(out, [key] + ([tables.last] if tables.same else [])) if inputs is not None else None
    # each event's suggestions go to the writer as they come, and the words are let go
    # once weighed: at 100,000 events either is hundreds of megabytes; scored in this
    # process (see `jobs` of build_site); events without pages are the report's to say (no_event_pages)
    related_events(graph, texts=texts, terms=terms, site=root, jobs=1, warn=None,
                   keep=events.kept if inputs is not None else None, each=events.write, let_go=True, tables=stored,
                   on_tables=(lambda t: _save_tables(Path(out), key, t)) if out is not None else None)


def _rekey_tables(out: Path, old: str | None, new: str) -> None:
    """Keep the tables kept under ``old`` under ``new``; no build fails for want of them."""
    if old is not None:
        try:
            rekey_tables(out, old, new)
        except OSError:
            pass


def _save_tables(out: Path, key: str, tables: Any) -> None:
    """Keep related events' tables for the next build; no build fails for want of them."""
    try:
        save_tables(out, key, tables)
    except (OSError, ValueError, pickle.PicklingError):
        pass


def _save_terms(out: Path, records: list[Record]) -> None:
    """Keep the words counted of each event page, for `kg related` on this folder (see
    :func:`kg.related.save_terms`); no build fails for want of them."""
    counted = [r for r in records if r.kind == "event" and r.is_page and r.terms is not None]
    try:
        save_terms(out, {r.relpath: (r.source.sha1, r.terms) for r in counted},
                   {r.relpath: r.source.stamp for r in counted}, {r.relpath: r.iri for r in counted})
    except (OSError, ValueError, OverflowError):
        pass  # only a saving for later: `kg related` counts the words again


def _series(site: Site, records: list[Record], mapping: Mapping, builder: GraphBuilder) -> SeriesFound:
    """The site's event series and the events left unjoined (see
    :func:`kg.series.find_series`); in a rebuild, the last build's when they were found
    from the same records and pages (see :meth:`kg.graph.GraphBuilder.settled`)."""
    found: list[SeriesFound] = []

    def take(data: bytes) -> None:
        last = pickle.loads(data)
        if not (isinstance(last, SeriesFound) and all(isinstance(s, Series) for s in last.series)
                and all(isinstance(u, Unjoined) for u in last.unjoined)):
            raise TypeError("not the series found")
        found.append(last)

    def work_out() -> None:
        found.append(find_series(site, [r for r in records if r.kind == "event" and r.is_page], builder.index,
                                 _event_projects(records, mapping, builder), _event_links(records, mapping),
                                 _event_series(records, mapping)))
    builder.settled("series", take, work_out, lambda: pickle.dumps(found[0], protocol=pickle.HIGHEST_PROTOCOL))
    return found[0]


def _event_keys(mapping: Mapping, which: Callable[[KeyRule], bool]) -> list[str]:
    """The front-matter keys of the mapping's ``event`` kind whose rule is ``which`` (none without that kind)."""
    kind = mapping.kinds.get("event")
    return [rule.key for rule in kind.keys.values() if which(rule)] if kind is not None else []


def _names_project(rule: KeyRule) -> bool:
    return rule.type == "ref" and rule.ref == "project"


def _is_link(rule: KeyRule) -> bool:
    return rule.type == "iri"


def _event_projects(records: list[Record], mapping: Mapping, builder: GraphBuilder) -> dict[str, set[str]]:
    """Event IRI -> IRIs of the projects its front matter names."""
    out: dict[str, set[str]] = {}
    keys = _event_keys(mapping, _names_project)
    for r in records:
        if r.kind != "event":
            continue
        found = set()
        for key in keys:
            for value in r.source.values(key):
                if value not in (None, ""):
                    res = builder.index.resolve("project", str(value), suggest=False)
                    found.add(res.iri or "unresolved:" + str(value).strip().lower())
        out[r.iri] = found
    return out


def _event_links(records: list[Record], mapping: Mapping) -> dict[str, list[tuple[str, str]]]:
    """Event IRI -> the links of its front matter, as (key, address), under the keys
    the mapping reads as ``type: iri``."""
    out: dict[str, list[tuple[str, str]]] = {}
    keys = _event_keys(mapping, _is_link)
    for r in records:
        if r.kind == "event" and keys:
            found = [(key, value.strip()) for key in keys for value in r.source.values(key)
                     if isinstance(value, str) and value.strip()]
            if found:
                out[r.iri] = found
    return out


def _event_series(records: list[Record], mapping: Mapping) -> dict[str, list[tuple[str, str]]]:
    """Event IRI -> the series its front matter names, as (key, name), under the keys the
    mapping reads as ``series: true`` (of a key written twice, the last, as Jekyll reads
    it; see :func:`kg.series.series_names`)."""
    out: dict[str, list[tuple[str, str]]] = {}
    keys = _event_keys(mapping, lambda rule: rule.series)
    for r in records:
        if r.kind == "event" and keys:
            last = {f.key: f for f in r.source.fields if f.key in keys}
            found = [(key, name) for key in keys if key in last for name in series_names(last[key].value)]
            if found:
                out[r.iri] = found
    return out


def _kinds_it_has(mapping: Mapping) -> str:
    return f"it has {', '.join(mapping.kinds)}" if mapping.kinds else "it has none"


def mapping_diagnostics(mapping: Mapping, site: Site) -> list[Diagnostic]:
    """What a valid mapping still keeps kg from doing on this site: series and related
    events are found among the pages of the kind named ``event`` (a site's own name for
    it finds none); a kind reads a collection only if ``_config.yml`` declares it, as
    Jekyll does (a folder ``_talks/`` it does not declare is read by neither). A kind
    whose collection the site lacks altogether, folder and all, is only noted (info): a
    shared mapping may name more than a site has, but a misspelt name reads nothing too."""
    out = []
    if "event" not in mapping.kinds:
        out.append(Diagnostic(
            "no-event-kind", "warning", f"the mapping has no kind named `event` ({_kinds_it_has(mapping)}), "
            "so kg finds no series and no related events: it looks for them among `event` pages",
            str(mapping.source), min((k.line for k in mapping.kinds.values() if k.line), default=None),
            hint="name the kind of the site's events `event:` and give it the site's collection, e.g. "
            "`collection: talks`"))
    declared = site.config.get("collections")
    if declared is not None and not isinstance(declared, (dict, list)):
        return out  # `collections:` itself is broken, an error at its line: no kind's collection is declared
    for kind in mapping.kinds.values():
        if kind.collection in site.collections:
            continue
        folder = site.collections_root / f"_{kind.collection}"
        if folder.is_dir():
            out.append(Diagnostic(
                "undeclared-collection", "warning", f"kind `{kind.name}` reads collection `{kind.collection}`, "
                f"but _config.yml does not declare it: Jekyll makes no pages of {site.relpath(folder)}/ and kg "
                "reads none of its files", str(mapping.source), kind.line or 1, hint=f"add `{kind.collection}:` "
                "under `collections:` in _config.yml (with `output: true` if its pages are published)"))
        else:  # an info, not a warning: the shipped mapping names `resources`, which many sites do without
            out.append(Diagnostic(
                "absent-collection", "info", f"kind `{kind.name}` reads collection `{kind.collection}`, which "
                f"this site does not have (not in _config.yml's `collections:`, no {site.relpath(folder)}/ "
                f"folder): kg finds no page of kind `{kind.name}`", str(mapping.source), kind.line or 1,
                hint="nothing to do if the site has none; if it keeps them in another collection, give that "
                     "collection's name as `collection:` (as under `collections:` in _config.yml)"))
    return out


def no_event_pages(site: Site, mapping: Mapping, records: list[Record]) -> list[Diagnostic]:
    """A ``no-event-pages`` warning when the events' collection has no output (``output:
    false`` in _config.yml, or not said, which is Jekyll's default): Jekyll makes no page
    of any event, so no event has related events, which are pages to link to (the
    events are in the graph all the same, under ``/id/event/…``)."""
    kind = mapping.kinds.get("event")
    coll = site.collections.get(kind.collection) if kind is not None else None
    if coll is None or coll.output:
        return []
    events = sum(1 for r in records if r.kind == "event" and r.is_page)
    if not events:
        return []
    said = site.config_line("collections", coll.label, "output")
    line = said or site.config_line("collections", coll.label) or site.config_line("collections")
    return [Diagnostic(
        "no-event-pages", "warning", f"collection `{coll.label}` has "
        + ("`output: false`" if said else "no `output: true`") + f": Jekyll makes no page of its "
        f"{counted(events, 'event')}, so kg finds no related events (each suggestion is a page to link to) "
        "and `kg related --site` writes none", "_config.yml", line,
        ".".join(["collections", coll.label] + ["output"] * bool(said)), "false" if said else None,
        hint=f"if the events should have pages, set `output: true` under `{coll.label}:` in `collections:`"
             + (" (written as a list, collections have no output)" if not said and isinstance(
                 site.config.get("collections"), list) else "")
             + "; if not, nothing to do")]


_DIGITS = re.compile(r"\d+")


def vocabulary_diagnostics(records: list[Record], mapping: Mapping) -> list[Diagnostic]:
    """Rare spellings of a key's common values ("Attending" beside "attending")."""
    out = []
    for kind in mapping.kinds.values():
        for rule in (r for r in kind.keys.values() if r.vocabulary):
            uses: dict[str, list[tuple[Record, int]]] = {}
            for r in records:
                if r.kind == kind.name:
                    for key, value, line, _text in r.source.raw("fields"):  # (no Field made)
                        if key == rule.key and isinstance(value, str) and value.strip():
                            uses.setdefault(value.strip(), []).append((r, line))
            counts = {v: len(u) for v, u in uses.items()}
            for value, where in uses.items():
                # (values whose numbers differ are other values: `parisjs47` is no misspelt `parisjs7`)
                better = [w for w in counts if counts[w] > counts[value] and _DIGITS.findall(w) == _DIGITS.findall(value)
                          and (normalise(w) == normalise(value) or fuzz.ratio(normalise(w), normalise(value)) >= 85)]
                if not better:
                    continue
                best = max(better, key=lambda w: counts[w])
                for r, line in where:
                    out.append(Diagnostic(
                        "inconsistent-value", "warning",
                        f"`{rule.key}: {value}` is written `{best}` in {counts[best]} other files",
                        r.relpath, line, rule.key, value, hint=f"write `{rule.key}: {best}`"))
    return out


def _series_diagnostics(series: list, records: list[Record]) -> list[Diagnostic]:
    by_iri = {r.iri: r for r in records}
    out = []
    for s in series:
        for pos, iri in enumerate(s.events, 1):
            r = by_iri[iri]
            if r.ordinal is not None and r.ordinal != pos:
                out.append(Diagnostic(
                    "series-ordinal", "info",
                    f"text says meeting {r.ordinal} of series {s.name!r}; it is number {pos} among the "
                    "meetings in the site", r.relpath, r.ordinal_line,
                    hint="an earlier meeting may have no file of its own"))
    return out


#: How many of the events sharing a title an ``unjoined-series`` diagnostic names
_NAMED = 4


def unjoined_diagnostics(unjoined: list[Unjoined], records: list[Record], mapping: Mapping) -> list[Diagnostic]:
    """One ``unjoined-series`` info for each title (or title stem) that two events or more
    share without anything joining them into a series (see :func:`kg.series.find_series`):
    which events, and what would join them, at the title of the first."""
    by_iri = {r.iri: r for r in records}
    kind = mapping.kinds.get("event")
    if kind is None:
        return []
    project_keys, link_keys = _event_keys(mapping, _names_project), _event_keys(mapping, _is_link)
    series_keys = _event_keys(mapping, lambda rule: rule.series)
    out = []
    for u in unjoined:
        members = [by_iri[iri] for iri in u.events]
        first = members[0]
        line = next((f.line for f in first.source.fields if f.key == kind.label), None)
        named = ", ".join(r.relpath for r in members[:_NAMED]) + (f" and {len(members) - _NAMED} more"
                                                                   if len(members) > _NAMED else "")
        titled = (f"titled {u.name!r}" if u.key == "title" else f"with titles starting {u.name!r}" if u.key == "stem"
                  else f"titled {u.name!r} but for a number")
        if u.sharing > len(members):
            what = (f"{len(members)} of the {u.sharing} events {titled} are in no series: nothing joins them to "
                    f"the others ({named})")
        else:
            what = f"{len(members)} events {titled} are in no series: nothing joins them ({named})"
        used = [k for k in link_keys if any(r.source.values(k) for r in members)]
        same = ([f"the same `{series_keys[0]}:`"] if series_keys else []) \
            + ([f"the same `{project_keys[0]}:`"] if project_keys else []) \
            + ([f"the same `{(used or link_keys)[0]}:` address (the series' own website or group page)"]
               if link_keys else [])
        ways = (f"give them {' or '.join(same)}, or " if same else "") + "link each meeting's page to the one before"
        out.append(Diagnostic(
            "unjoined-series", "info", what, first.relpath, line, kind.label, u.name,
            hint=f"if they are meetings of one series, {ways}; if not, nothing to do"))
    return out


def make_report(site: Site, mapping: Mapping, files_by_kind: Counter, graph: KnowledgeGraph,
                diagnostics: list[Diagnostic], series: list, seconds: float, quads: int) -> dict[str, Any]:
    """The build report: what was read (``files_by_kind``: how many files of each kind),
    what the graph holds, what went wrong where. ``quads``: how many the graph holds, as
    the writer counted them (counting the store takes seconds on a large site)."""
    classes: Counter = Counter()
    res = graph.query(internal("report-classes"))
    for row in res:
        classes[_curie(row["c"].value)] = int(row["n"].value)
    severities = Counter(d.severity for d in diagnostics)
    return {
        "site": str(site.root.resolve()),
        "base_url": site.base_url + site.baseurl,
        "mapping": mapping.source,
        "files": sum(files_by_kind.values()),
        "files_by_kind": dict(sorted(files_by_kind.items())),
        "nodes_by_class": dict(sorted(classes.items())),
        "quads": quads,
        "series": [{"iri": s.iri, "name": s.name, "events": s.events, "evidence": s.evidence}
                   for s in series],
        "errors": severities.get("error", 0),
        "warnings": severities.get("warning", 0),
        "diagnostics": [d.to_dict() for d in sorted(
            diagnostics, key=lambda d: (d.path or "", d.line or 0, d.code))],
        "seconds": round(seconds, 3),
    }


def _curie(iri: str) -> str:
    for prefix, ns in vocab.PREFIXES.items():
        if iri.startswith(ns):
            return f"{prefix}:{iri[len(ns):]}"
    return iri
