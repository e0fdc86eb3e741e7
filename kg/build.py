"""Build a site's knowledge graph: site -> records -> graph -> store, with a report."""
from __future__ import annotations

import hashlib
import pickle
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from pathlib import Path
from typing import Any, Callable

from rapidfuzz import fuzz

from . import vocab
from .errors import Diagnostic
from .collector import gc_paused, give_back_memory
from .entities import load_curation
from .graph import GraphBuilder, GraphInputs
from .mapping import Mapping, load_mapping
from .query import internal
from .records import Record, RecordCache, read_records, settings_fingerprint
from .ahead import ScoredAhead, graphs_digests, start_ahead
from .related import (event_nquads, graph_name, inputs_digest, load_tables, rekey_tables, related_events,
                      related_prefix, save_tables, save_terms, table_line)
from .resolve import normalise
from .series import Series, find_series
from .site import Site, load_site
from .store import REPORT_FILE, GraphWriter, KnowledgeGraph, file_error, folder_lock, write_json


STAGES = ("read", "graph", "store", "related", "report", "save")


def build_site(site: str | Path, out: str | Path | None = None, *, mapping: str | Path | None = None,
               base_url: str | None = None, curation: str | Path | None = None,
               jobs: int | None = None, incremental: bool = True,
               progress: Callable[[str, int, int], None] | None = None) -> KnowledgeGraph:
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

    Returns:
        The graph, with its build report in ``.report``: with ``out``, the store written
        there, opened read-only; without, a store in memory. Problems in the site's files
        are diagnostics in the report, never exceptions.

    Raises:
        SiteError: the site folder or its ``_config.yml`` cannot be read.
        MappingError: the mapping file is invalid.
        StoreError: ``out`` cannot be written, or another build is writing to it
            (see :func:`kg.store.folder_lock`).
    """
    with gc_paused(), (folder_lock(out) if out is not None else nullcontext()):
        # (gc paused: millions of objects, no cycles: see kg/collector.py)
        try:
            return _build(site, out, mapping, base_url, curation, jobs, incremental, progress)
        except OSError as exc:  # the site's files are read into diagnostics: this is writing
            if out is None:
                raise
            raise file_error(out, exc, "write to") from exc


def _build(site: str | Path, out: str | Path | None, mapping: str | Path | None, base_url: str | None,
           curation: str | Path | None, jobs: int | None, incremental: bool,
           progress: Callable[[str, int, int], None] | None) -> KnowledgeGraph:
    started = time.perf_counter()
    stages: dict[str, float] = {}

    def lap(name: str) -> None:
        now = time.perf_counter()
        stages[name] = round(now - sum(stages.values()) - started, 3)
        if progress:
            progress(name, len(stages), len(STAGES) - (out is None))

    the_site = load_site(site, base_url)
    the_mapping = load_mapping(mapping, the_site.root)
    the_curation = load_curation(the_site.root, curation)
    cache = inputs = None
    prefix = related_prefix(the_site.base_url + the_site.baseurl)
    ahead = writer = opened = None
    try:
        if out is not None and incremental:
            fingerprint = settings_fingerprint(the_site, the_mapping, the_curation.fingerprint())
            # related events scored on the other core while this one reads the files
            # and makes the graph, as if the tables they read of the graph had not
            # changed (taken only if so, and if the words it finds are those read
            # here): forked first, while this process holds little, and before the
            # store is opened, whose threads a forked child must not share
            ahead = start_ahead(Path(out), the_site, fingerprint, prefix)
            cache = RecordCache.load(Path(out), fingerprint)
        records = read_records(the_site, the_mapping, jobs, cache,
                               (lambda done, total: progress("reading", done, total)) if progress else None)
        if cache is not None:
            keys = cache.keys()
            # saved now, not with the graph: valid whatever happens next (each record is
            # keyed by its file's bytes), and the pickles need not be held through the build
            cache.save(Path(out))
            cache.release()
            give_back_memory()
        pages = [r for r in records if r.kind == "event" and r.is_page]
        terms = {r.iri: r.terms for r in pages if r.terms is not None}
        texts = {r.iri: r.source.body for r in pages if r.terms is None}
        del pages
        if cache is not None:
            inputs = GraphInputs.load(Path(out), fingerprint, keys)
            inputs.fresh_related = inputs_digest(the_site.root, terms, texts)
        # the words counted, kept for `kg related` on this folder and the next rebuild
        # (keyed by bytes, like the records): as the child wrote them if it found these
        # (it finds counted words only, never pages' texts)
        comparable = ahead is not None and inputs is not None and not texts
        took_words = comparable and ahead.take_words(Path(out), inputs.fresh_related)
        if ahead is not None and not (comparable and inputs.derived and inputs.fresh_related != inputs.related
                                      and ahead.may_match(inputs.fresh_related)):
            # other words than these, or nothing to work out again or to take it from
            ahead.close()
            ahead = None
        if out is not None and not took_words:
            _save_terms(Path(out), records)
        lap("read")
        # the last store copied (in the store's own code, which lets go of Python's
        # lock) while the pages are indexed and the series found
        opening = ThreadPoolExecutor(max_workers=1)
        opened = opening.submit(GraphWriter, out, incremental, ahead.files() if ahead is not None else ())
        opening.shutdown(wait=False)
        builder = GraphBuilder(the_site, the_mapping, records, the_curation, inputs)
        series = _series(the_site, records, the_mapping, builder)
        writer = opened.result()
        # one graph at a time: never all quads at once
        for name, data, digest in builder.build(series, writer.previous_nquads if inputs is not None else None):
            writer.add_nquads(name, data, digest)
        # all the report needs of the records and the builder, so that neither is held
        # through related events (at 100,000 events they are gigabytes)
        diagnostics = the_site.diagnostics + mapping_diagnostics(the_mapping, the_site) \
            + [d for r in records for d in r.diagnostics] + builder.diagnostics
        diagnostics += _series_diagnostics(series, records)
        diagnostics += vocabulary_diagnostics(records, the_mapping)
        files_by_kind = Counter(r.kind for r in records)
        entities = {"merges": builder.entities.merges, "near_misses": builder.entities.near_misses}
        file_graphs_reused = builder.reused
        del builder, records
        give_back_memory()  # before related events
        if inputs is not None:
            inputs.release_entries()  # the last build's file graphs: all asked about
        lap("graph")
        report = {"base_url": the_site.base_url + the_site.baseurl, "site": str(the_site.root.resolve())}
        # the store may be replaced while syncing: take it from there
        related_graph = KnowledgeGraph(writer.sync(complete=lambda name: not name.startswith(prefix)), report)
        lap("store")
        related_scored = _related_stage(writer, inputs, out, the_site.root, prefix, related_graph,
                                        terms, texts, ahead)
        ahead = None
        del terms, texts, related_graph
        give_back_memory()
        graph = KnowledgeGraph(writer.sync(), report)
        lap("related")
        graph.report = make_report(the_site, the_mapping, files_by_kind, graph, diagnostics, series,
                                   time.perf_counter() - started, writer.quads)
        graph.report.update(entities)
        lap("report")
        if out is not None:
            files = sum(files_by_kind.values())
            graph.report["incremental"] = {"files_reused": cache.reused if cache else 0,
                                           "files_read": files - (cache.reused if cache else 0),
                                           "file_graphs_reused": file_graphs_reused,
                                           "related_graphs_reused": inputs.derived_reused if inputs else 0,
                                           "related_events_scored": related_scored,
                                           "graphs_written": len(writer.changed),
                                           "graphs_removed": len(set(writer.previous) - set(writer.hashes))}
        report = graph.report
        del graph  # finish() moves the store's directory: nothing may hold the store then
        graph = KnowledgeGraph(writer.finish(report), report)
        if out is not None:
            if inputs is not None:
                inputs.fresh_graphs = graphs_digests(writer.hashes)[1]  # what they go with
                inputs.save()
            graph.path = Path(out)
            lap("save")
    except BaseException:
        if ahead is not None:
            ahead.close()
        if writer is None and opened is not None and opened.exception() is None:  # failed while it was copied
            writer = opened.result()
        if writer is not None:
            writer.abort()
        if inputs is not None:
            inputs.discard()
        raise
    graph.report["seconds"] = round(time.perf_counter() - started, 3)
    graph.report["stages"] = stages
    if out is not None:  # the report file gets the final figures too
        write_json(Path(out) / REPORT_FILE, graph.report)
    return graph


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
    digests: dict[str, str] = {}  # event -> the digest of what its suggestions are made from

    def kept(event: str, digest: str) -> bool:  # the last build's suggestions still hold
        digests[event] = digest
        name = graph_name(prefix, event)
        got = inputs.reuse(name, digest, writer.previous_nquads)
        if isinstance(got, tuple):  # its graph, as the last build wrote it
            writer.add_nquads(name, *got)
        return got is not None  # (True: it had no suggestions then either)

    scored: list[str] = []

    def made(event: str, data: bytes) -> None:  # an event scored (all, on a first build)
        scored.append(event)
        name = graph_name(prefix, event)
        sha = hashlib.sha1(data).hexdigest() if data else ""
        if inputs is not None:
            inputs.remember(name, digests[event], sha)
        if data:
            writer.add_nquads(name, data, sha)

    def write(event: str, suggestions: list) -> None:
        made(event, event_nquads(graph_name(prefix, event), event, suggestions) if suggestions else b"")

    # the tables related events read are the last build's when no graph's quads of the
    # predicates they are read from changed: they are not read again, and when the
    # words and weights are the last build's too, no event is worked out again
    is_related = lambda name: name.startswith(prefix)  # noqa: E731
    not_related = lambda name: not is_related(name)  # noqa: E731
    same = inputs is not None and writer.same_lines(table_line, is_related)
    key, _ = graphs_digests(writer.hashes, not_related)
    last, last_all = graphs_digests(writer.previous, not_related) if inputs is not None else (None, None)

    def work_out() -> None:
        # (the inputs kept must be those of the build that wrote the last graph.nq, which
        # the lines were compared with: not so after a clean build into the folder, or a
        # build stopped before it saved them)
        if same and inputs.related is not None and inputs.fresh_related == inputs.related \
                and inputs.graphs == last_all \
                and inputs.keep_all(not_related, writer.previous_nquads, writer.add_nquads):
            return  # the same tables and words as the last build's: its suggestions all stand
        got = ahead.result(last, inputs.fresh_related) if ahead is not None and same else None
        if got is not None and inputs.keep([(graph_name(prefix, e), d) for e, d in got[0].items() if e not in got[1]],
                                           writer.previous_nquads, writer.add_nquads):
            digests.update(got[0])  # (the others: kept as the last build made them)
            for event, data in ahead.graphs():
                made(event, data)
            return
        tables = load_tables(out, [key] + ([last] if same else [])) if inputs is not None else None
        # each event's suggestions go to the writer as they come, and the words are let go
        # once weighed: at 100,000 events either is hundreds of megabytes; scored in this
        # process (see `jobs` of build_site)
        related_events(graph, texts=texts, terms=terms, site=root, jobs=1,
                       keep=kept if inputs is not None else None, each=write, let_go=True, tables=tables,
                       on_tables=(lambda t: _save_tables(Path(out), key, t)) if out is not None else None)

    try:
        work_out()
    finally:
        if ahead is not None:
            ahead.close()
    if same and key != last and out is not None:  # the tables kept stand for this build's graphs too
        _rekey_tables(Path(out), last, key)
    return len(scored)


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


def _series(site: Site, records: list[Record], mapping: Mapping, builder: GraphBuilder) -> list[Series]:
    """The site's event series (see :func:`kg.series.find_series`); in a rebuild, the
    last build's when they were found from the same records and pages (see
    :meth:`kg.graph.GraphBuilder.settled`)."""
    found: list[Series] = []

    def take(data: bytes) -> None:
        last = pickle.loads(data)
        if not (isinstance(last, list) and all(isinstance(s, Series) for s in last)):
            raise TypeError("not a list of series")
        found.extend(last)

    def work_out() -> None:
        found.extend(find_series(site, [r for r in records if r.kind == "event"], builder.index,
                                 _event_projects(records, mapping, builder)))
    builder.settled("series", take, work_out, lambda: pickle.dumps(found, protocol=pickle.HIGHEST_PROTOCOL))
    return found


def _event_projects(records: list[Record], mapping: Mapping, builder: GraphBuilder) -> dict[str, set[str]]:
    """Event IRI -> IRIs of the projects its front matter names."""
    out: dict[str, set[str]] = {}
    kind = mapping.kinds.get("event")
    if kind is None:
        return out
    rules = [rule for rule in kind.keys.values() if rule.type == "ref" and rule.ref == "project"]
    for r in records:
        if r.kind != "event":
            continue
        found = set()
        for rule in rules:
            for value in r.source.values(rule.key):
                if value not in (None, ""):
                    res = builder.index.resolve("project", str(value), suggest=False)
                    found.add(res.iri or "unresolved:" + str(value).strip().lower())
        out[r.iri] = found
    return out


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
            "no-event-kind", "warning", f"the mapping has no kind named `event` (it has {', '.join(mapping.kinds)}), "
            "so kg finds no series and no related events: it looks for them among `event` pages",
            str(mapping.source), hint="name the kind of the site's events `event:` and give it the site's "
            "collection, e.g. `collection: talks`"))
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
                better = [w for w in counts if counts[w] > counts[value] and (
                    normalise(w) == normalise(value) or fuzz.ratio(normalise(w), normalise(value)) >= 85)]
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
