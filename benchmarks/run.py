"""Benchmark kg on synthetic sites of growing size: build, memory, parse floor, queries.

usage: python benchmarks/run.py [--sizes 1000,10000,100000] [--workdir DIR] [--quick]
                                [--json FILE] [--profile] [--regenerate]

For each size N it generates (or reuses) a site of N events with
``benchmarks/generate_site.py`` and prints:

* build: ``kg.build_site(site, out)`` in a fresh process: wall and CPU seconds,
  events/s, quads, errors and warnings, and the process's peak memory
  (the larger of ``ru_maxrss`` of the build process and the sampled sum of the
  proportional set sizes of it and its worker processes, so that pages forked workers
  share with it count once);
* parse floor: reading the same files and loading their YAML front matter with
  ``yaml.CSafeLoader`` and nothing else (best of 3), and the ratio build / floor;
* store floor: loading the build's own ``graph.nq`` into a fresh on-disk Oxigraph store
  with ``Store.bulk_load`` and nothing else (in a fresh process), and the ratio build /
  store floor: what the engine alone costs for a graph of this size;
* every named query (``kg.query.names()``) through the API on the opened graph
  (``kg.open_graph``), median of 5; per-entity ones with the parameters the generator
  recorded (a busy person, a series meeting, a busy project, ...); a query whose
  parameters are all optional also runs without them, as "(all)";
* ``kg query`` of one per-entity query as a whole process (wall time with start-up);
* the same SPARQL text (``kg.query.bind``) run directly on pyoxigraph over the same
  store (``Store.query`` with the union of the named graphs as default graph, every
  value of every row read), each run in turn with kg's so that both meet the same caches
  and load (after one run untimed, so that kg's first run does not pay alone for reading
  the query's data from disk), and the ratio kg / pyoxigraph: what kg's API adds to the
  engine (whole-graph queries: within 1.5x);
* the same SPARQL text on rdflib's in-memory store
  (``graph.nq`` loaded into ``rdflib.Dataset(default_union=True)``), 60 s per query,
  sizes up to 10,000 only, and the ratio rdflib / kg (whole-graph queries on 10k: at
  least 100x; a query rdflib does not finish in its time counts as its time limit, so
  its ratio is a lower bound);
* ``kg.related.related_events`` for all events, when kg has that module;
* an incremental rebuild after changing one event file, when ``kg.build_site``
  has an incremental mode (else "n/a").

Targets are printed beside the figures, PASS/FAIL at the size they are set for.
``--quick`` runs each whole-graph query once (three times, when its untimed first run
took under 2 s; per-entity queries still five times: their target is a median; the
direct pyoxigraph runs likewise), ``kg query`` once, and skips rdflib.
``--profile`` also runs the largest size's build under cProfile (with ``jobs=1``, so the
work of the worker processes is in the profile) and prints the top functions by cumulative
and by own time (the .prof file stays in the work folder); ``--profile-only`` does only that.

The machine may be shared: the load average is printed, and CPU seconds beside wall
seconds, so that a noisy figure can be recognised.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import queue
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate_site  # noqa: E402

MB = 1024 * 1024

#: Query parameter -> the manifest entry that gives it a value.
PARAM_VALUES = {
    "event": "series_meeting",
    "series_name": "series_name",
    "project_query": "project_query",
    "topic_query": "topic_query",
    "organisation_query": "organisation_query",
    "person_name": "busy_person",
    "organisation_name": "organisation_query",
    "project_name": "project_query",
    "topic_name": "topic_query",
    "kind": None,
}
#: A second value to run a per-entity query with ("typical" beside "busy").
PARAM_ALTERNATES = {"person_name": "typical_person"}
#: The per-entity query run as a whole ``kg query`` process.
PROCESS_QUERY = ("person-timeline", "person_name")

#: Runs of each per-entity query, even with --quick (the target is a median of 5).
PER_ENTITY_RUNS = 5

#: With --quick, a whole-graph query whose first run took under this many seconds runs
#: QUICK_RUNS times (the median is its figure): one run of a short query says more about
#: what else the machine was doing than about the query.
QUICK_AGAIN_SECONDS = 2.0
QUICK_RUNS = 3

#: rdflib queries that passed the time limit at a smaller size (not run again): label -> size.
RDFLIB_SLOW: dict[str, int] = {}

TARGETS = {
    "build_seconds": (100_000, 60.0, "100k build < 60 s"),
    "peak_mb": (100_000, 2048.0, "100k build peak memory < 2 GB"),
    "floor_ratio": (10_000, 4.0, "build / parse floor < 4 on 10k"),
    "per_entity_ms": (100_000, 50.0, "per-entity queries < 50 ms median on 100k"),
    "process_seconds": (None, 1.0, "`kg query` process < 1 s"),
    "related_seconds": (100_000, 60.0, "`kg related` on 100k < 60 s"),
    "incremental_seconds": (10_000, 2.0, "incremental rebuild < 2 s on 10k"),
    "ox_ratio": (None, 1.5, "whole-graph queries within 1.5x of pyoxigraph run directly"),
    "rdflib_ratio": (10_000, 100.0, "whole-graph queries >= 100x faster than rdflib on 10k"),
}
#: Targets met by a figure at least their limit (the others: by one under it).
AT_LEAST = frozenset({"rdflib_ratio"})


# --- workers: run in a fresh process (python run.py --worker KIND ...) -----------------

def _rusage_self() -> tuple[float, int]:
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime, ru.ru_maxrss


def worker_build(site: str, out: str, profile: str | None) -> None:
    import faulthandler
    import signal
    faulthandler.register(signal.SIGUSR1, all_threads=True)  # where it was, when stopped
    t0 = time.perf_counter()
    import kg
    import_s = time.perf_counter() - t0
    cpu0, _ = _rusage_self()
    import inspect
    kwargs: dict[str, Any] = {}
    if profile and "jobs" in inspect.signature(kg.build_site).parameters:
        kwargs["jobs"] = 1  # cProfile sees only this process: keep all the work in it
    if profile:
        import cProfile
        prof = cProfile.Profile()
        started = time.perf_counter()
        prof.enable()
        graph = kg.build_site(site, out, **kwargs)
        prof.disable()
        seconds = time.perf_counter() - started
        prof.dump_stats(profile)
    else:
        started = time.perf_counter()
        graph = kg.build_site(site, out)
        seconds = time.perf_counter() - started
    cpu1, maxrss_kb = _rusage_self()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    rep = graph.report
    _emit({"event": "done", "seconds": seconds, "cpu_seconds": cpu1 - cpu0, "import_seconds": import_s,
           "maxrss_mb": maxrss_kb / 1024, "children_maxrss_mb": children.ru_maxrss / 1024,
           "children_cpu_seconds": children.ru_utime + children.ru_stime, "quads": rep.get("quads", len(graph)),
           "files": rep.get("files"), "files_by_kind": rep.get("files_by_kind"),
           "nodes_by_class": rep.get("nodes_by_class"), "errors": rep.get("errors"),
           "warnings": rep.get("warnings"), "series": len(rep.get("series") or []),
           "report_seconds": rep.get("seconds"), "stages": rep.get("stages"), "kwargs": kwargs})


def worker_graph(engine: str, graph_dir: str, tasks_json: str, repeat: int, timeout: float) -> None:
    """Run tasks (queries, related) one after another, printing a JSON line per step."""
    import kg
    import kg.query as kq
    tasks = json.loads(tasks_json)
    graph = kg.open_graph(graph_dir)
    base_url = graph.report.get("base_url")
    ds = None
    if engine == "rdflib":
        import rdflib
        started = time.perf_counter()
        ds = rdflib.Dataset(default_union=True)
        ds.parse(str(Path(graph_dir) / "graph.nq"), format="nquads")
        _emit({"event": "loaded", "seconds": time.perf_counter() - started, "quads": len(ds),
               "maxrss_mb": _rusage_self()[1] / 1024})
    for task in tasks:
        _emit({"event": "start", "label": task["label"]})
        times: list[float] = []
        rows = None
        extra: dict[str, Any] = {}
        try:
            if task["kind"] == "related":
                from kg.related import related_events
                started = time.perf_counter()
                related = related_events(graph)
                times.append(time.perf_counter() - started)
                rows = sum(len(v) for v in related.values())
                extra = {"events": len(related), "with_suggestions": sum(1 for v in related.values() if v)}
            elif engine == "kg":
                # per-entity queries are cheap and their target is a median of 5: always 5 runs;
                # each run through kg's API, then the same SPARQL text directly on pyoxigraph
                # over the same store (every value of every row read), turn about, so that
                # both see the same caches and the same load on the machine; after one run
                # untimed, so that neither pays alone for reading the query's data first
                text = kq.bind(kq.load(task["name"]), task["params"], base_url)
                extra = {"ox_times": []}
                started = time.perf_counter()
                list(graph.store.query(text, use_default_graph_as_union=True))
                warm = time.perf_counter() - started
                # a query that takes under QUICK_AGAIN_SECONDS is run a few times even with
                # --quick: one run of it measures the machine's moment more than the query
                runs = max(repeat, PER_ENTITY_RUNS) if task.get("per_entity") else \
                    max(repeat, QUICK_RUNS if warm < QUICK_AGAIN_SECONDS else 1)
                for _ in range(runs):
                    started = time.perf_counter()
                    res = kg.run_query(task["name"], graph, **task["params"])
                    times.append(time.perf_counter() - started)
                    rows = len(res.rows)
                    started = time.perf_counter()
                    answer = graph.store.query(text, use_default_graph_as_union=True)
                    width = len(answer.variables)
                    extra["ox_rows"] = len([[solution[i] for i in range(width)] for solution in answer])
                    extra["ox_times"].append(time.perf_counter() - started)
            else:
                text = kq.bind(kq.load(task["name"]), task["params"], base_url)
                while len(times) < repeat:
                    started = time.perf_counter()
                    rows = len(list(ds.query(text)))
                    times.append(time.perf_counter() - started)
                    if sum(times) + times[-1] > timeout:
                        break
        except Exception as exc:  # report and go on with the next task
            _emit({"event": "done", "label": task["label"], "error": f"{type(exc).__name__}: {exc}"})
            continue
        _emit({"event": "done", "label": task["label"], "times": times, "rows": rows, **extra})


def worker_incremental(site: str, out: str, rel: str, how: str) -> None:
    import kg
    path = Path(site) / rel
    original = path.read_bytes()
    try:
        path.write_bytes(original + b"\nA paragraph added to test an incremental rebuild.\n")
        started = time.perf_counter()
        if how == "kwarg":
            graph = kg.build_site(site, out, incremental=True)
        else:
            import kg.build as kb
            graph = getattr(kb, how)(site, out)
        seconds = time.perf_counter() - started
    finally:
        path.write_bytes(original)
    rep = getattr(graph, "report", {}) or {}
    _emit({"event": "done", "seconds": seconds, "quads": len(graph), "api": how,
           "stages": rep.get("stages"), "incremental": rep.get("incremental")})


def _emit(obj: dict[str, Any]) -> None:
    print(json.dumps(obj), flush=True)


def worker_main(argv: list[str]) -> int:
    kind = argv[0]
    if kind == "build":
        worker_build(argv[1], argv[2], argv[3] if len(argv) > 3 else None)
    elif kind == "graph":
        worker_graph(argv[1], argv[2], argv[3], int(argv[4]), float(argv[5]))
    elif kind == "incremental":
        worker_incremental(argv[1], argv[2], argv[3], argv[4])
    else:
        raise SystemExit(f"unknown worker {kind!r}")
    return 0


# --- running workers ------------------------------------------------------------------

def _proc_kb(pid: int, name: str, field: str) -> int:
    """A kB figure from ``/proc/PID/NAME`` (0 when the process or the field is gone)."""
    try:
        with open(f"/proc/{pid}/{name}") as f:
            return next((int(line.split()[1]) for line in f if line.startswith(field)), 0)
    except (OSError, ValueError, IndexError):
        return 0


class Worker:
    """A worker process whose JSON lines are read with timeouts; it watches memory too."""

    def __init__(self, args: list[str], max_rss_mb: float | None = None) -> None:
        self.proc = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "--worker", *args],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.lines: queue.Queue = queue.Queue()
        self.stderr: list[str] = []
        self.peak_rss_mb = 0.0
        self.max_rss_mb = max_rss_mb
        self.killed_for_memory = False
        self.stopped_in = ""
        threading.Thread(target=self._read, args=(self.proc.stdout, self.lines), daemon=True).start()
        threading.Thread(target=self._drain, daemon=True).start()

    @staticmethod
    def _read(stream, q: queue.Queue) -> None:
        for line in stream:
            q.put(line)
        q.put(None)

    def _drain(self) -> None:
        for line in self.proc.stderr:
            self.stderr.append(line)
            del self.stderr[:-400]

    def _rss_mb(self) -> float:
        """Memory of the worker and all its descendants (e.g. a process pool): the sum of
        their proportional set sizes (PSS: a page that forked processes share counts
        once, split between them), or of their resident sizes where the system has no
        PSS (then shared pages count once per process)."""
        total, todo, seen = 0, [self.proc.pid], set()
        while todo:
            pid = todo.pop()
            if pid in seen:
                continue
            seen.add(pid)
            try:
                total += _proc_kb(pid, "smaps_rollup", "Pss:") or _proc_kb(pid, "status", "VmRSS:")
                for task in os.listdir(f"/proc/{pid}/task"):
                    with open(f"/proc/{pid}/task/{task}/children") as f:
                        todo.extend(int(c) for c in f.read().split())
            except (OSError, ValueError):
                continue
        return total / 1024

    def where(self) -> str:
        """Ask the worker (if it registered faulthandler on SIGUSR1) where it is: kg frames, innermost last."""
        import signal
        if self.proc.poll() is not None:
            return ""
        mark = len(self.stderr)
        self.proc.send_signal(signal.SIGUSR1)
        time.sleep(1.5)
        lines = [ln.strip() for ln in self.stderr[mark:] if "/kg/" in ln]
        main = [ln for ln in lines]
        frames = [ln.split("/kg/")[-1] for ln in main]
        return " <- ".join(frames[:6])

    def next(self, timeout: float) -> dict[str, Any] | None:
        """The next JSON line; ``None`` when the process ended; raises TimeoutError."""
        deadline = time.monotonic() + timeout
        while True:
            rss = self._rss_mb()
            self.peak_rss_mb = max(self.peak_rss_mb, rss)
            if self.max_rss_mb and rss > self.max_rss_mb:
                self.killed_for_memory = True
                self.stopped_in = self.where()
                self.kill()
                raise MemoryError(f"worker passed {self.max_rss_mb:.0f} MB")
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError
            try:
                line = self.lines.get(timeout=min(0.25, remaining))
            except queue.Empty:
                continue
            if line is None:
                self.proc.wait()
                return None
            try:
                return json.loads(line)
            except ValueError:
                continue  # a stray print

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()  # our own child, by its handle
        self.proc.wait()

    def error(self) -> str:
        tail = "".join(self.stderr).strip().splitlines()
        return tail[-1] if tail else f"exit status {self.proc.returncode}"


def run_build(site: Path, out: Path, timeout: float, max_rss_mb: float, profile: Path | None = None) -> dict:
    if out.exists():
        shutil.rmtree(out)
    args = ["build", str(site), str(out)] + ([str(profile)] if profile else [])
    w = Worker(args, max_rss_mb)
    started = time.perf_counter()
    try:
        msg = w.next(timeout)
    except TimeoutError:
        where = w.where()
        w.kill()
        return {"error": f"stopped after {timeout:.0f} s", "sampled_peak_mb": w.peak_rss_mb,
                "elapsed": time.perf_counter() - started, "stopped": "time", "where": where}
    except MemoryError as exc:
        elapsed = time.perf_counter() - started
        return {"error": f"stopped after {elapsed:.0f} s: {exc}", "sampled_peak_mb": w.peak_rss_mb,
                "elapsed": elapsed, "stopped": "memory", "where": w.stopped_in}
    w.kill()
    if msg is None:
        return {"error": w.error()}
    msg["process_seconds"] = time.perf_counter() - started
    msg["sampled_peak_mb"] = w.peak_rss_mb
    msg.pop("event", None)
    return msg


def run_graph_tasks(engine: str, graph_dir: Path, tasks: list[dict], repeat: int, timeout: float,
                    load_timeout: float, max_rss_mb: float) -> dict:
    """Run tasks in a worker; a task past ``timeout`` is recorded as such and the worker restarted."""
    results: dict[str, dict] = {}
    load: dict[str, Any] = {}
    pending = list(tasks)
    while pending:
        w = Worker(["graph", engine, str(graph_dir), json.dumps(pending), str(repeat), str(timeout)], max_rss_mb)
        current = None
        try:
            while True:
                msg = w.next(timeout if current else load_timeout)
                if msg is None:
                    break
                if msg["event"] == "loaded":
                    load = msg
                elif msg["event"] == "start":
                    current = msg["label"]
                elif msg["event"] == "done":
                    results[msg["label"]] = msg
                    pending = [t for t in pending if t["label"] != msg["label"]]
                    current = None
        except TimeoutError:
            w.kill()
            if current is None:  # the graph did not even load
                for t in pending:
                    results[t["label"]] = {"error": f"load > {load_timeout:.0f}s"}
                return {"load": load, "results": results}
            results[current] = {"timeout": timeout}
            pending = [t for t in pending if t["label"] != current]
            continue
        except MemoryError as exc:
            for t in pending:
                results[t["label"]] = {"error": str(exc)}
            return {"load": load, "results": results}
        w.kill()
        if pending:  # the worker died
            err = w.error()
            for t in pending:
                results.setdefault(t["label"], {"error": err})
            pending = []
    return {"load": load, "results": results}


# --- the benchmark --------------------------------------------------------------------

def parse_floor(site: Path, rounds: int = 3) -> dict:
    """Read every collection file and load its front matter with CSafeLoader: best of ``rounds``."""
    import yaml
    best = None
    files = 0
    for _ in range(rounds):
        started = time.perf_counter()
        config = yaml.load((site / "_config.yml").read_text(encoding="utf-8"), Loader=yaml.CSafeLoader) or {}
        labels = sorted(set(config.get("collections") or {}) | {"posts"})
        files = 0
        for label in labels:
            d = site / f"_{label}"
            if not d.is_dir():
                continue
            for path in sorted(d.rglob("*")):
                if path.suffix.lower() not in (".md", ".markdown") or not path.is_file():
                    continue
                text = path.read_text(encoding="utf-8")
                files += 1
                if text.startswith("---"):
                    end = text.find("\n---", 3)
                    if end > 0:
                        yaml.load(text[3:end], Loader=yaml.CSafeLoader)
        seconds = time.perf_counter() - started
        best = seconds if best is None else min(best, seconds)
    return {"seconds": best, "files": files}


_STORE_FLOOR = """
import resource, sys, time, pyoxigraph as ox
store = ox.Store(sys.argv[2])
started, cpu = time.perf_counter(), time.process_time()
store.bulk_load(path=sys.argv[1], format=ox.RdfFormat.N_QUADS)
store.flush()
print(time.perf_counter() - started, time.process_time() - cpu,
      resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def store_floor(out: Path, timeout: float) -> dict:
    """Bulk-load ``out/graph.nq`` into a fresh on-disk Oxigraph store in a fresh process:
    wall and CPU seconds (its loader runs on several threads) and peak memory."""
    nq = out / "graph.nq"
    if not nq.is_file():
        return {"error": "no graph.nq"}
    folder = Path(tempfile.mkdtemp(prefix="store-floor.", dir=out.parent))
    try:
        proc = subprocess.run([sys.executable, "-c", _STORE_FLOOR, str(nq), str(folder)],
                              capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"over {timeout:.0f} s"}
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if proc.returncode != 0:
        return {"error": (proc.stderr.strip().splitlines() or [f"exit {proc.returncode}"])[-1]}
    wall, cpu, rss = proc.stdout.split()
    return {"seconds": float(wall), "cpu_seconds": float(cpu), "maxrss_mb": int(rss) / 1024,
            "mb": nq.stat().st_size / MB}


def query_tasks(manifest: dict) -> list[dict]:
    import kg.query as kq
    params = manifest["params"]
    tasks = []
    for name in kq.names():
        try:
            q = kq.load(name)
        except Exception as exc:  # a broken query file: report it, go on
            tasks.append({"kind": "query", "name": name, "params": {}, "label": name, "per_entity": False,
                          "key": name, "skip": f"cannot load: {exc}"})
            continue
        values: dict[str, str] = {}
        missing = []
        for p in q.params:
            key = PARAM_VALUES.get(p.name)
            if key and key in params:
                values[p.name] = params[key]
            elif not p.optional:
                missing.append(p.name)
        if missing:
            tasks.append({"kind": "query", "name": name, "params": {}, "label": name, "per_entity": True,
                          "key": name, "skip": f"no value for required parameter(s) {', '.join(missing)}"})
            continue
        if values:
            variants = [values]
            for k, alt in PARAM_ALTERNATES.items():
                if k in values and alt in params:
                    variants.append({**values, k: params[alt]})
            for j, v in enumerate(variants):
                shown = ", ".join(f"{k}={_short(x)}" for k, x in v.items())
                tasks.append({"kind": "query", "name": name, "params": v, "label": f"{name} ({shown})",
                              "per_entity": True, "key": f"{name}[{','.join(v)}]#{j}"})
        if not values or all(p.optional for p in q.params):
            tasks.append({"kind": "query", "name": name, "params": {},
                          "label": name + (" (all)" if q.params else ""), "per_entity": False, "key": name})
    return tasks


def _short(v: str, n: int = 28) -> str:
    return v if len(v) <= n else v[: n - 1] + "…"


def kg_command() -> list[str]:
    exe = Path(sys.executable).parent / "kg"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "kg"]


def run_process_query(graph_dir: Path, manifest: dict, runs: int) -> dict:
    name, param = PROCESS_QUERY
    value = manifest["params"][PARAM_VALUES[param]]
    cmd = kg_command() + ["query", name, "--graph", str(graph_dir), "--param", f"{param}={value}",
                          "--format", "csv", "-o", os.devnull]
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
        times.append(time.perf_counter() - started)
        if proc.returncode != 0:
            return {"error": (proc.stderr.strip().splitlines() or [f"exit {proc.returncode}"])[-1],
                    "command": " ".join(cmd)}
    return {"seconds": statistics.median(times), "times": times, "command": f"kg query {name} --param {param}=…"}


def incremental_api() -> str | None:
    """How to ask kg for an incremental rebuild, if it can do one."""
    import inspect

    import kg
    import kg.build as kb
    if "incremental" in inspect.signature(kg.build_site).parameters:
        return "kwarg"
    for name in ("update_site", "rebuild_site", "incremental_build", "build_incremental"):
        if callable(getattr(kb, name, None)):
            return name
    return None


def has_related() -> bool:
    import importlib.util
    try:
        spec = importlib.util.find_spec("kg.related")
    except ImportError:
        return False
    if spec is None:
        return False
    import kg.related
    return callable(getattr(kg.related, "related_events", None))


def ensure_site(workdir: Path, n: int, seed: int, regenerate: bool) -> tuple[Path, dict, float | None]:
    site = workdir / f"site-{n}"
    mf = site / generate_site.MANIFEST
    if not regenerate and mf.is_file():
        try:
            m = json.loads(mf.read_text())
            if (m.get("generator_version") == generate_site.GENERATOR_VERSION and m.get("seed") == seed
                    and m["counts"]["events"] == n):
                return site, m, None
        except (ValueError, KeyError):
            pass
    started = time.perf_counter()
    m = generate_site.generate_site(site, n, seed)
    return site, m, time.perf_counter() - started


def bench_size(n: int, args: argparse.Namespace) -> dict:
    workdir = Path(args.workdir)
    r: dict[str, Any] = {"events": n, "loadavg_start": os.getloadavg()}
    site, manifest, gen_s = ensure_site(workdir, n, args.seed, args.regenerate)
    out = workdir / f"graph-{n}"
    r["site"] = str(site)
    r["generated_seconds"] = gen_s
    r["manifest"] = manifest
    r["site_mb"] = sum(p.stat().st_size for p in site.rglob("*.md")) / MB
    print(f"\n== {n:,} events  (site {site}, {r['site_mb']:.1f} MB of markdown; "
          + (f"generated in {gen_s:.1f} s" if gen_s is not None else "reused") + ")", flush=True)

    # build
    build = run_build(site, out, args.build_timeout, args.max_rss_mb)
    r["build"] = build
    if "error" in build:
        _line("build", f"FAILED: {build['error']}", "")
        if build.get("sampled_peak_mb"):
            _line("peak memory (sampled, all processes' PSS)", f"{build['sampled_peak_mb']:,.0f} MB", "")
        if build.get("where"):
            _line("stopped in (innermost first)", build["where"], "")
        r["loadavg_end"] = os.getloadavg()
        return r
    eps = n / build["seconds"] if build["seconds"] else float("inf")
    _line("build", f"{build['seconds']:.2f} s  ({eps:,.0f} events/s; cpu {build['cpu_seconds']:.2f} s"
          f" + {build.get('children_cpu_seconds', 0):.2f} s in workers; "
          f"+{build['import_seconds']:.2f} s import)", _status("build_seconds", n, build["seconds"], "s"))
    _line("  graph", f"{build['quads']:,} quads, {build['files']:,} files, {build['series']} series, "
          f"{build['errors']} errors, {build['warnings']} warnings", "")
    if build.get("stages"):
        _line("  stages (from the report)", ", ".join(f"{k} {v:.2f} s" for k, v in build["stages"].items()), "")
    peak = max(build["maxrss_mb"], build.get("sampled_peak_mb") or 0)
    build["peak_mb"] = peak
    _line("peak memory (build)", f"{peak:,.0f} MB  (main process ru_maxrss {build['maxrss_mb']:,.0f} MB; "
          f"largest child {build.get('children_maxrss_mb', 0):,.0f} MB; all processes' PSS, sampled, "
          f"{build.get('sampled_peak_mb', 0):,.0f} MB)", _status("peak_mb", n, peak, "MB"))

    # parse floor
    floor = parse_floor(site, 1 if args.quick else 3)
    r["floor"] = floor
    ratio = build["seconds"] / floor["seconds"] if floor["seconds"] else float("inf")
    r["floor_ratio"] = ratio
    _line("parse floor (read + CSafeLoader)", f"{floor['seconds']:.2f} s  ({floor['files']:,} files); "
          f"build/floor = {ratio:.1f}", _status("floor_ratio", n, ratio, "x"))
    sf = store_floor(out, args.build_timeout)
    r["store_floor"] = sf
    if "error" in sf:
        _line("store floor (graph.nq bulk-loaded)", f"FAILED: {sf['error']}", "")
    else:
        _line("store floor (graph.nq bulk-loaded)",
              f"{sf['seconds']:.2f} s  (cpu {sf['cpu_seconds']:.2f} s, {sf['mb']:,.0f} MB of N-Quads, "
              f"peak {sf['maxrss_mb']:,.0f} MB); = {sf['seconds'] / floor['seconds']:.1f} parse floors; "
              f"build/store floor = {build['seconds'] / sf['seconds']:.1f}", "")

    # queries
    tasks = query_tasks(manifest)
    runnable = [t for t in tasks if "skip" not in t]
    repeat = 1 if args.quick else 5
    kgq = run_graph_tasks("kg", out, runnable, repeat, args.query_timeout, args.query_timeout, args.max_rss_mb)
    rdf: dict[str, Any] | None = None
    if args.quick:
        rdf_note = "skipped (--quick)"
    elif n > args.rdflib_max:
        rdf_note = f"skipped (> {args.rdflib_max:,} events)"
    else:
        print(f"  (rdflib: loading graph.nq into rdflib.Dataset ...)", flush=True)
        slow = [t for t in runnable if t["key"] in RDFLIB_SLOW]
        rdf = run_graph_tasks("rdflib", out, [t for t in runnable if t not in slow], 5, args.rdflib_timeout,
                              args.rdflib_load_timeout, args.max_rss_mb * 4)
        for t in slow:
            rdf["results"][t["label"]] = {"timeout": args.rdflib_timeout,
                                          "skipped": f"took over {args.rdflib_timeout:.0f} s at {RDFLIB_SLOW[t['key']]:,} events"}
        for t in runnable:
            if "timeout" in rdf["results"].get(t["label"], {}) and t["key"] not in RDFLIB_SLOW:
                RDFLIB_SLOW[t["key"]] = n
        rdf_note = None
    r["queries"] = []
    if rdf and rdf.get("load"):
        ld = rdf["load"]
        _line("rdflib load of graph.nq", f"{ld['seconds']:.1f} s, {ld['quads']:,} quads, "
              f"peak {ld['maxrss_mb']:,.0f} MB", "")
    print(f"  {'query':<58} {'rows':>7} {'kg ms':>9} {'ox ms':>9} {'kg/ox':>6} {'rdflib ms':>11} "
          f"{'rdflib/kg':>9}  target", flush=True)
    for t in tasks:
        q = {"label": t["label"], "name": t["name"], "params": t["params"], "per_entity": t["per_entity"]}
        if "skip" in t:
            q["skip"] = t["skip"]
            print(f"  {t['label']:<58} skipped: {t['skip']}")
            r["queries"].append(q)
            continue
        k = kgq["results"].get(t["label"], {"error": "no result"})
        q["kg"] = k
        kg_ms = _median_ms(k)
        o = {"times": k["ox_times"], "rows": k.get("ox_rows")} if k.get("ox_times") else k
        ox_ms = _median_ms(o)
        rd = rdf["results"].get(t["label"], {"error": "no result"}) if rdf else None
        q["rdflib"] = rd
        rd_ms = _median_ms(rd) if rd else None
        kg_cell = f"{kg_ms:9.1f}" if kg_ms is not None else f"{_fail_cell(k, args.query_timeout):>9}"
        ox_cell = f"{ox_ms:9.1f}" if ox_ms is not None else f"{_fail_cell(o, args.query_timeout):>9}"
        q["ox_ratio"] = kg_ms / ox_ms if kg_ms is not None and ox_ms else None
        oxr_cell = f"{q['ox_ratio']:5.2f}x" if q["ox_ratio"] is not None else f"{'-':>6}"
        q["rdflib_ratio"] = _rdflib_ratio(rd, kg_ms, args.rdflib_timeout)
        if rd is None:
            rd_cell, ratio_cell = f"{'-':>11}", f"{'-':>9}"
        else:
            rd_cell = f"{rd_ms:11.1f}" if rd_ms is not None else f"{_fail_cell(rd, args.rdflib_timeout):>11}"
            ratio = q["rdflib_ratio"]
            ratio_cell = f"{'-':>9}" if ratio is None else (
                f"{ratio:8.0f}x" if rd_ms is not None else f"{'>' + format(ratio, '.0f'):>8}x")
        rows = k.get("rows")
        if rd and rd.get("rows") is not None and rows is not None and rd["rows"] != rows:
            q["rows_differ"] = True
        if o.get("rows") is not None and rows is not None and o["rows"] != rows:
            q["ox_rows_differ"] = True
        if t["per_entity"]:
            status = _status("per_entity_ms", n, kg_ms, "ms") if kg_ms is not None else ""
        else:
            status = "; ".join(x for x in (_status("ox_ratio", n, q["ox_ratio"], "x"),
                                           _status("rdflib_ratio", n, q["rdflib_ratio"], "x") if rd else "") if x)
        note = "".join(f"  ({engine} rows differ: {res['rows']})" for engine, res, differ in (
            ("rdflib", rd, q.get("rows_differ")), ("pyoxigraph", o, q.get("ox_rows_differ"))) if differ)
        print(f"  {_short(t['label'], 58):<58} {rows if rows is not None else '-':>7} {kg_cell} {ox_cell} "
              f"{oxr_cell} {rd_cell} {ratio_cell}  {status}{note}", flush=True)
        r["queries"].append(q)
    if rdf_note:
        print(f"  (rdflib: {rdf_note})")
    for q in r["queries"]:
        for engine in ("kg", "rdflib"):
            res = q.get(engine) or {}
            if res.get("error"):
                print(f"  ({engine} error on {q['label']}: {_short(res['error'], 120)})")
            elif res.get("skipped"):
                print(f"  ({engine} not run on {q['label']}: {res['skipped']})")

    # kg query as a process
    proc = run_process_query(out, manifest, 1 if args.quick else 3)
    r["process_query"] = proc
    if "error" in proc:
        _line("kg query process", f"FAILED: {proc['error']}", "")
    else:
        _line(f"kg query process ({PROCESS_QUERY[0]})", f"{proc['seconds']:.2f} s wall incl. start-up",
              _status("process_seconds", n, proc["seconds"], "s"))

    # related
    if has_related():
        rel = run_graph_tasks("kg", out, [{"kind": "related", "label": "related"}], 1,
                              args.build_timeout, args.build_timeout, args.max_rss_mb)["results"]["related"]
        r["related"] = rel
        if rel.get("times"):
            s = rel["times"][0]
            _line("kg related (all events)", f"{s:.2f} s  ({rel.get('with_suggestions', 0):,} of "
                  f"{rel.get('events', 0):,} events with suggestions, {rel.get('rows', 0):,} suggestions)",
                  _status("related_seconds", n, s, "s"))
        else:
            _line("kg related (all events)", f"FAILED: {_fail_cell(rel, args.build_timeout)}", "")
    else:
        r["related"] = {"na": "no kg.related.related_events yet"}
        _line("kg related (all events)", "n/a: no kg.related yet", "")

    # incremental
    how = incremental_api()
    if how is None:
        r["incremental"] = {"na": "no incremental build yet"}
        _line("incremental rebuild (one file changed)", "n/a: no incremental build yet", "")
    else:
        w = Worker(["incremental", str(site), str(out), manifest["params"]["event_file"], how], args.max_rss_mb)
        try:
            msg = w.next(args.build_timeout)
        except (TimeoutError, MemoryError) as exc:
            msg = {"error": f"stopped: {exc or 'timeout'}"}
        w.kill()
        if msg is None:
            msg = {"error": w.error()}
        r["incremental"] = msg
        if "seconds" in msg:
            _line(f"incremental rebuild ({how})", f"{msg['seconds']:.2f} s",
                  _status("incremental_seconds", n, msg["seconds"], "s"))
            if msg.get("stages"):
                _line("  stages (from the report)", ", ".join(f"{k} {v:.2f} s" for k, v in msg["stages"].items()), "")
            if isinstance(msg.get("incremental"), dict):
                _line("  reuse", ", ".join(f"{k} {v:,}" if isinstance(v, int) else f"{k} {v}"
                                           for k, v in msg["incremental"].items()), "")
        else:
            _line("incremental rebuild", f"FAILED: {msg.get('error')}", "")
    r["loadavg_end"] = os.getloadavg()
    print(f"  (load average at start {r['loadavg_start'][0]:.1f}, at end {r['loadavg_end'][0]:.1f}; "
          f"{os.cpu_count()} CPUs)", flush=True)
    return r


def _median_ms(res: dict | None) -> float | None:
    if not res or not res.get("times"):
        return None
    return statistics.median(res["times"]) * 1000


def _fail_cell(res: dict, timeout: float) -> str:
    if "timeout" in res:
        return f">{timeout:.0f}s"
    if "error" in res:
        return "error"
    return "-"


def _line(what: str, figure: str, status: str) -> None:
    print(f"  {what:<36} {figure}" + (f"   {status}" if status else ""), flush=True)


def _meets(key: str, value: float) -> bool:
    """Whether a figure meets its target."""
    return value >= TARGETS[key][1] if key in AT_LEAST else value < TARGETS[key][1]


def _status(key: str, n: int, value: float | None, unit: str) -> str:
    size, limit, text = TARGETS[key]
    if value is None:
        return ""
    bound = f"{'>=' if key in AT_LEAST else '<'} {limit:g} {unit}"
    if size is None or size == n:
        return ("PASS" if _meets(key, value) else "FAIL") + f" ({bound})"
    return f"(target at {size:,}: {bound})"


def _rdflib_ratio(rd: dict | None, kg_ms: float | None, timeout: float) -> float | None:
    """rdflib's time over kg's; for a query rdflib did not finish in ``timeout`` seconds,
    the timeout over kg's time (a lower bound)."""
    if not rd or not kg_ms:
        return None
    rd_ms = _median_ms(rd)
    if rd_ms is None:
        return timeout * 1000 / kg_ms if "timeout" in rd else None
    return rd_ms / kg_ms


def summary(results: list[dict]) -> list[dict]:
    """Each target: the figure at its size, PASS/FAIL, or 'not measured'."""
    by_n = {r["events"]: r for r in results}
    rows = []

    def add(key: str, value: float | None, detail: str = "") -> None:
        size, limit, text = TARGETS[key]
        if value is None:
            rows.append({"target": text, "status": "not measured", "detail": detail})
        else:
            rows.append({"target": text, "value": value, "status": "PASS" if _meets(key, value) else "FAIL",
                         "detail": detail})

    def at(n: int) -> dict | None:
        r = by_n.get(n)
        return r if r and "error" not in r.get("build", {"error": 1}) else None

    r100, r10 = at(100_000), at(10_000)
    failed = by_n.get(100_000, {}).get("build", {}) if r100 is None else {}
    if r100:
        add("build_seconds", r100["build"]["seconds"])
        add("peak_mb", r100["build"]["peak_mb"])
    elif "stopped" in failed:  # stopped part-way: a lower bound of each figure
        limit_s, limit_mb = TARGETS["build_seconds"][1], TARGETS["peak_mb"][1]
        el, pk = failed["elapsed"], failed["sampled_peak_mb"]
        rows.append({"target": TARGETS["build_seconds"][2], "value": el,
                     "status": "FAIL" if el >= limit_s else "not measured",
                     "detail": f"build stopped ({failed['stopped']}) after {el:.0f} s, unfinished"})
        rows.append({"target": TARGETS["peak_mb"][2], "value": pk,
                     "status": "FAIL" if pk >= limit_mb else "not measured",
                     "detail": f"at least {pk:,.0f} MB when stopped"})
    else:
        add("build_seconds", None, ("build failed: " + failed["error"]) if failed else "needs 100000")
        add("peak_mb", None, "needs 100000")
    add("floor_ratio", r10["floor_ratio"] if r10 else None, "" if r10 else "needs 10000")
    if r100:
        per = [(q["label"], _median_ms(q.get("kg"))) for q in r100["queries"] if q["per_entity"] and "kg" in q]
        worst = max(per, key=lambda x: float("inf") if x[1] is None else x[1]) if per else None
        add("per_entity_ms", None if worst is None or worst[1] is None else worst[1],
            f"slowest: {worst[0]}" if worst else "")
    else:
        add("per_entity_ms", None, "needs 100000")
    largest = max((r for r in results if "process_query" in r and "seconds" in r["process_query"]),
                  key=lambda r: r["events"], default=None)
    add("process_seconds", largest["process_query"]["seconds"] if largest else None,
        f"at {largest['events']:,} events" if largest else "")
    rel = r100.get("related", {}) if r100 else {}
    add("related_seconds", rel["times"][0] if rel.get("times") else None,
        rel.get("na", "") if r100 else "needs 100000")
    whole = [(r, q) for r in results for q in r.get("queries", ()) if not q["per_entity"]]
    widest = max((r["events"] for r, q in whole if q.get("ox_ratio") is not None), default=None)
    ratios = [(q["label"], q["ox_ratio"]) for r, q in whole if r["events"] == widest and q.get("ox_ratio") is not None]
    worst = max(ratios, key=lambda x: x[1]) if ratios else None
    add("ox_ratio", worst[1] if worst else None, f"at {widest:,} events, largest: {worst[0]}" if worst else "")
    ratios = [(q["label"], q["rdflib_ratio"]) for r, q in whole if r["events"] == 10_000]
    least = min(ratios, key=lambda x: float("inf") if x[1] is None else x[1]) if ratios else None
    add("rdflib_ratio", None if least is None or least[1] is None else least[1],
        f"smallest: {least[0]}" if least else "needs 10000 without --quick")
    inc = r10.get("incremental", {}) if r10 else {}
    add("incremental_seconds", inc.get("seconds"), inc.get("na", inc.get("error", "")) if r10 else "needs 10000")
    return rows


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--worker"]:
        return worker_main(argv[1:])
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog="example: python benchmarks/run.py --sizes 1000,10000 --json bench.json")
    ap.add_argument("--sizes", default="1000,10000,100000", help="comma-separated event counts")
    ap.add_argument("--workdir", default=str(Path(tempfile.gettempdir()) / "kg-bench"),
                    help="where sites and graphs go (sites are reused between runs)")
    ap.add_argument("--quick", action="store_true", help="one run per whole-graph query (three of a short one), no rdflib")
    ap.add_argument("--json", metavar="FILE", help="write all figures to FILE as JSON")
    ap.add_argument("--profile", action="store_true",
                    help="also profile the largest size's build with cProfile and print the top functions")
    ap.add_argument("--profile-only", action="store_true",
                    help="only profile the largest size's build (no benchmark)")
    ap.add_argument("--profile-top", type=int, default=15)
    ap.add_argument("--regenerate", action="store_true", help="regenerate sites even when present")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--build-timeout", type=float, default=600, help="seconds before a build is stopped")
    ap.add_argument("--query-timeout", type=float, default=120, help="seconds per kg query (5 runs)")
    ap.add_argument("--rdflib-timeout", type=float, default=60, help="seconds per rdflib query")
    ap.add_argument("--rdflib-load-timeout", type=float, default=900)
    ap.add_argument("--rdflib-max", type=int, default=10_000, help="largest size to run rdflib on")
    ap.add_argument("--max-rss-mb", type=float, default=8192,
                    help="stop a build or query process whose memory passes this")
    args = ap.parse_args(argv)
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    Path(args.workdir).mkdir(parents=True, exist_ok=True)

    import kg  # noqa: F401  (fail early when kg is not installed)
    versions = {"python": platform.python_version()}
    for mod in ("pyoxigraph", "rdflib", "yaml"):
        try:
            versions[mod] = __import__(mod).__version__
        except Exception:
            pass
    versions["kg"] = _git_state()
    print(f"kg benchmark: sizes {', '.join(f'{s:,}' for s in sizes)}; workdir {args.workdir}; "
          f"{os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.1f}; "
          + ", ".join(f"{k} {v}" for k, v in versions.items()), flush=True)
    results = []
    if not args.profile_only:
        for n in sizes:
            results.append(bench_size(n, args))
    prof_out = None
    if (args.profile or args.profile_only) and sizes:
        n = max(sizes)
        site, _, _ = ensure_site(Path(args.workdir), n, args.seed, args.regenerate and args.profile_only)
        prof_file = Path(args.workdir) / f"build-{n}.prof"
        print(f"\n== profile of the {n:,}-event build (cProfile; {prof_file})", flush=True)
        b = run_build(site, Path(args.workdir) / f"graph-{n}-profiled", args.build_timeout * 3,
                      args.max_rss_mb, prof_file)
        if "error" in b:
            print(f"  profiled build failed: {b['error']}")
        else:
            if b.get("kwargs"):
                print(f"  (profiled as build_site(..., {', '.join(f'{k}={v!r}' for k, v in b['kwargs'].items())}))")
            if b.get("stages"):
                print("  stages: " + ", ".join(f"{k} {v:.2f} s" for k, v in b["stages"].items()))
            prof_out = print_profile(prof_file, args.profile_top, b["seconds"])
            shutil.rmtree(Path(args.workdir) / f"graph-{n}-profiled", ignore_errors=True)
    if args.profile_only:
        return 0
    rows = summary(results)
    print("\n== targets")
    for row in rows:
        v = row.get("value")
        fig = "" if v is None else f"{v:,.2f}"
        print(f"  {row['status']:<13} {row['target']:<44} {fig:>10}  {row['detail']}")
    if args.json:
        Path(args.json).write_text(json.dumps({"versions": versions, "cpus": os.cpu_count(),
                                               "sizes": results, "targets": rows, "profile": prof_out},
                                              indent=2, default=str) + "\n")
        print(f"\nfigures written to {args.json}")
    return 0


def _git_state() -> str:
    """The kg source the figures are for: commit, and how many files differ from it."""
    import kg
    root = Path(kg.__file__).resolve().parents[1]
    try:
        head = subprocess.run(["git", "-C", str(root), "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--", "kg", "queries", "ontology"],
                               capture_output=True, text=True, timeout=10).stdout.splitlines()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return f"{head or 'unknown'}" + (f"+{len(dirty)} changed files" if dirty else "")


def print_profile(prof_file: Path, top: int, seconds: float) -> dict:
    import io
    import pstats
    out: dict[str, Any] = {"seconds_under_profiler": seconds}
    for key in ("cumulative", "tottime"):
        buf = io.StringIO()
        st = pstats.Stats(str(prof_file), stream=buf)
        st.strip_dirs().sort_stats(key).print_stats(top)
        text = buf.getvalue()
        body = text[text.find("   ncalls"):] if "   ncalls" in text else text
        print(f"\n  top {top} by {key} time (build took {seconds:.1f} s under the profiler):")
        print("\n".join("  " + line for line in body.rstrip().splitlines()))
        out[key] = body
    return out


if __name__ == "__main__":
    sys.exit(main())
