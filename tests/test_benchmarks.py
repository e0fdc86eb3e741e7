"""The benchmark tools: the site generator is deterministic and kg builds what it makes,
and ``benchmarks/run.py --quick`` runs end to end on a tiny site."""
from __future__ import annotations

import hashlib
import json
import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

import kg

REPO = Path(__file__).resolve().parents[1]
BENCH = REPO / "benchmarks"


def _generator():
    spec = importlib.util.spec_from_file_location("generate_site", BENCH / "generate_site.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("generate_site", module)
    spec.loader.exec_module(module)
    return module


def _digest(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory):
    gen = _generator()
    a = tmp_path_factory.mktemp("gen") / "a"
    manifest = gen.generate_site(a, 50)
    return gen, a, manifest


def test_generator_is_deterministic(generated, tmp_path: Path) -> None:
    gen, a, manifest = generated
    b = tmp_path / "b"
    assert gen.generate_site(b, 50) == manifest
    first, second = _digest(a), _digest(b)
    assert first == second
    assert len([p for p in first if p.startswith("_events/")]) == 50
    other = tmp_path / "c"
    gen.generate_site(other, 50, seed=7)
    assert _digest(other) != first  # the seed matters


def test_generated_site_has_the_real_shapes(generated) -> None:
    _, site, manifest = generated
    events = sorted((site / "_events").glob("*.md"))
    text = "\n".join(p.read_text(encoding="utf-8") for p in events)
    assert "<!--more-->" in text
    assert "meeting of" in text                      # series meetings state their ordinal
    assert "project:\n  - " in text or "project: \n    - " in text or "project: " in text
    assert "topics:\n  - " in text
    assert "](/events/" in text and f"](https://{manifest['host']}/" in text
    assert "* **" in text                            # speaker lists
    assert (site / "_config.yml").is_file() and (site / "CNAME").read_text().strip() == manifest["host"]
    assert (site / "_people" / "guest.md").is_file()
    assert manifest["counts"]["people_pages"] == len(list((site / "_people").glob("*.md")))


def test_kg_builds_the_generated_site(generated, tmp_path: Path) -> None:
    _, site, manifest = generated
    graph = kg.build_site(site, tmp_path / "graph")
    rep = graph.report
    assert rep["errors"] == 0, [d for d in rep["diagnostics"] if d["severity"] == "error"][:3]
    assert rep["files_by_kind"]["event"] == 50
    assert rep["files_by_kind"]["person"] == manifest["counts"]["people_pages"]
    assert rep["files_by_kind"]["project"] == manifest["counts"]["projects"]
    assert rep["nodes_by_class"]["schema:Event"] == 50
    assert rep["nodes_by_class"]["schema:Person"] >= manifest["counts"]["people_pages"] - 1
    assert rep["series"], "the generated series were not found"
    # the busy person is on stage somewhere
    rows = kg.run_query("person-timeline", graph, person_name=manifest["params"]["busy_person"]).rows
    assert rows


def test_run_quick_prints_the_headline_figures(tmp_path: Path) -> None:
    out = tmp_path / "figures.json"
    proc = subprocess.run(
        [sys.executable, str(BENCH / "run.py"), "--sizes", "50", "--quick",
         "--workdir", str(tmp_path / "work"), "--json", str(out)],
        capture_output=True, text=True, timeout=120, cwd=REPO)
    assert proc.returncode == 0, proc.stderr[-2000:]
    text = proc.stdout
    for headline in ("== 50 events", "build ", "events/s", "peak memory", "parse floor", "build/floor",
                     "store floor", "build/store floor", "person-timeline", "kg query process", "kg/ox",
                     "whole-graph queries within 1.5x of pyoxigraph run directly", "== targets"):
        assert headline in text, f"{headline!r} missing from:\n{text}"
    assert "FAILED" not in text and "rows differ" not in text, text
    assert out.is_file()
    figures = json.loads(out.read_text())
    floor = figures["sizes"][0]["store_floor"]
    assert floor["seconds"] > 0 and floor["mb"] > 0, floor
    queries = [q for q in figures["sizes"][0]["queries"] if "skip" not in q]
    for q in queries:  # each query also ran directly on pyoxigraph, as often, with the same rows
        assert len(q["kg"]["ox_times"]) == len(q["kg"]["times"]) and q["kg"]["ox_rows"] == q["kg"]["rows"], q
    whole = [q for q in queries if not q["per_entity"]]
    assert whole and all(q["ox_ratio"] > 0 for q in whole)
    # on 50 events every whole-graph query is short: run three times, even with --quick
    assert {len(q["kg"]["times"]) for q in whole} == {3}
    (target,) = [t for t in figures["targets"] if t["target"].startswith("whole-graph queries within")]
    assert target["value"] == max(q["ox_ratio"] for q in whole) and target["status"] in ("PASS", "FAIL")


def _runner():
    spec = importlib.util.spec_from_file_location("bench_run", BENCH / "run.py")
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(BENCH))
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(BENCH))
    return module


def test_rdflib_target_counts_a_query_rdflib_did_not_finish_as_its_time_limit() -> None:
    run = _runner()
    assert run._rdflib_ratio({"times": [2.0]}, 10.0, 60) == 200.0
    assert run._rdflib_ratio({"timeout": 60}, 10.0, 60) == 6000.0   # at least
    assert run._rdflib_ratio({"error": "boom"}, 10.0, 60) is None
    assert run._rdflib_ratio(None, 10.0, 60) is None
    assert run._meets("rdflib_ratio", 100.0) and not run._meets("rdflib_ratio", 99.0)
    assert run._meets("ox_ratio", 1.2) and not run._meets("ox_ratio", 1.5)
    query = lambda label, per_entity, ox, rd: {"label": label, "per_entity": per_entity, "ox_ratio": ox,
                                               "rdflib_ratio": rd}
    sized = {"events": 10_000, "build": {"seconds": 1.0}, "floor_ratio": 3.0, "queries": [
        query("speakers", False, 1.1, 250.0), query("people", False, 1.4, 90.0),
        query("person-timeline (x)", True, 9.0, 1.0)]}
    rows = {r["target"]: r for r in run.summary([sized])}
    ox = rows["whole-graph queries within 1.5x of pyoxigraph run directly"]
    assert (ox["value"], ox["status"]) == (1.4, "PASS") and "people" in ox["detail"]
    rd = rows["whole-graph queries >= 100x faster than rdflib on 10k"]
    assert (rd["value"], rd["status"]) == (90.0, "FAIL") and "people" in rd["detail"]
