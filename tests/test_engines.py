"""Every named query gives the same rows on Oxigraph (the default) and on rdflib's own engine."""
import sys
from pathlib import Path

import pytest

import kg
from kg.query import load, names, run_query

from_site = {
    "tiny": {"person-timeline": {"person_name": "Ada Example"}, "co-speakers": {"person_name": "Ada Example"},
             "organisation-timeline": {"organisation_name": "Example Org"},
             "related": {"event": "/events/2024-02-14-tiny-meetup"}},
    "example": {"person-timeline": {"person_name": "Priya Raman"}, "co-speakers": {"person_name": "Ines Carvalho"},
                "organisation-timeline": {"organisation_name": "SICT"},
                "related": {"event": "/events/2024-03-13-neighbourhood-data-circle"}},
}


def canonical(result) -> list[tuple]:
    """Rows as plain values. GROUP_CONCAT's order is unspecified in SPARQL, so its parts are
    sorted; decimals are compared as numbers ("0.5870" and "0.587" are one value)."""
    out = []
    for row, terms in zip(result.records(), result.rows):
        values = []
        for (c, v), t in zip(row.items(), terms):
            if v and c in ("reasons", "projects", "topics"):
                v = ";".join(sorted(str(v).split("; ")))
            elif t is not None and getattr(t, "datatype", None) is not None and t.datatype.value.endswith("#decimal"):
                v = round(float(v), 4)
            values.append(v)
        out.append(tuple(values))
    return out


def synthetic_site(root: Path) -> dict:
    """An 80-event site from the benchmark's generator (references repeated across files)."""
    import importlib.util

    path = Path(__file__).resolve().parents[1] / "benchmarks" / "generate_site.py"
    spec = importlib.util.spec_from_file_location("generate_site", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module.generate_site(root, 80)


@pytest.fixture(scope="module", params=["tiny", "example", "synthetic"])
def both(request, tiny_graph, tmp_path_factory):
    if request.param == "tiny":
        folder = Path(tiny_graph.path)
    else:
        folder = tmp_path_factory.mktemp(request.param)
        site = Path(__file__).resolve().parents[1] / "examples" / "site"
        if request.param == "synthetic":
            site = tmp_path_factory.mktemp("synthetic-site")
            p = synthetic_site(site)["params"]
            from_site["synthetic"] = {"person-timeline": {"person_name": p["busy_person"]},
                                      "co-speakers": {"person_name": p["typical_person"]},
                                      "organisation-timeline": {"organisation_name": p["organisation_query"]},
                                      "related": {"event": p["series_meeting"]}}
        kg.build_site(site, folder)
    return request.param, kg.open_graph(folder), kg.open_graph(folder, engine="rdflib")


@pytest.mark.parametrize("name", names())
def test_same_rows_on_both_engines(both, name: str) -> None:
    site, ox_graph, rdflib_graph = both
    params = dict(from_site[site].get(name, {}))
    required = [p.name for p in load(name).params if not p.optional and p.name not in params]
    if required:
        pytest.fail(f"test gives no value for {required} of {name}")
    on_ox = run_query(name, ox_graph, **params)
    on_rdflib = run_query(name, rdflib_graph, **params)
    assert on_ox.columns == on_rdflib.columns
    assert canonical(on_ox) == canonical(on_rdflib)
    assert on_ox.rows or name in ("unresolved",) or site != "example"


def test_rdflib_engine_never_reads_files_named_in_from(tmp_path: Path, tiny_graph) -> None:
    secret = tmp_path / "secret.nt"
    secret.write_text('<http://x/s> <http://x/p> "secret" .\n')
    rq = tmp_path / "from.rq"
    rq.write_text(f"# description: x\nSELECT ?o FROM <{secret.as_uri()}> WHERE {{ ?s <http://x/p> ?o }}\n")
    assert run_query(str(rq), kg.open_graph(tiny_graph.path, engine="rdflib")).rows == []
