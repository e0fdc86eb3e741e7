"""Every named query gives the same rows on Oxigraph (the default) and on rdflib's own engine."""
import sys
from pathlib import Path

import pyoxigraph as ox
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
            if v and c in ("reasons", "projects", "topics", "category"):
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


# -- more than named queries: validation, size, terms ---------------------------------------

def test_validation_sees_the_same_graph_on_both_engines(both) -> None:
    """On rdflib's engine validate_graph once read an empty Oxigraph store and said the
    graph conformed, with no results (the example has two warnings)."""
    from kg.validate import validate_graph

    site, ox_graph, rdflib_graph = both
    on_ox, on_rdflib = validate_graph(ox_graph), validate_graph(rdflib_graph)
    assert on_ox.to_dict()["results"] == on_rdflib.to_dict()["results"]
    assert on_ox.conforms == on_rdflib.conforms
    if site == "example":
        assert len(on_rdflib.results) == 2 and all(r.source and r.source.startswith("_events/")
                                                   for r in on_rdflib.results)


def test_a_graph_on_rdflib_has_no_oxigraph_store_to_read_by_mistake(both) -> None:
    _site, ox_graph, rdflib_graph = both
    with pytest.raises(kg.StoreError, match="no Oxigraph store"):
        rdflib_graph.store
    # what reads every quad reads the same ones on both (Oxigraph writes decimals canonically)
    def comparable(q: ox.Quad) -> tuple:
        o = q.object
        if isinstance(o, ox.Literal) and o.datatype.value.endswith("#decimal"):
            o = ("decimal", float(o.value))  # (the same number, written canonically or not)
        elif isinstance(o, ox.Literal):
            o = (o.value, o.language, o.datatype.value)  # a literal's language and datatype count too
        return q.subject, q.predicate, o, q.graph_name

    assert {comparable(q) for q in rdflib_graph.quads()} == {comparable(q) for q in ox_graph.quads()}


def test_size_counts_quads_on_both_engines(both) -> None:
    """`kg stats` counts quads: rdflib's Dataset counted distinct triples (the example has a
    triple in two files' graphs), so the two engines gave different sizes."""
    site, ox_graph, rdflib_graph = both
    assert len(rdflib_graph) == len(ox_graph) == sum(1 for _ in ox_graph.quads())


def test_save_graph_from_rdflib_engine(tiny_graph, tmp_path: Path) -> None:
    graph = kg.open_graph(tiny_graph.path, engine="rdflib")
    kg.save_graph(graph, tmp_path / "copy")
    assert len(kg.open_graph(tmp_path / "copy")) == len(tiny_graph)


def test_terms_convert_with_one_plain_literal_rule() -> None:
    """A text literal is xsd:string in Oxigraph and a plain Literal in rdflib (which tells
    "x" from "x"^^xsd:string: a term made the other way matches nothing rdflib parsed)."""
    import pyoxigraph as ox
    import rdflib
    from rdflib.namespace import XSD

    from kg.store import from_rdflib, to_rdflib

    pairs = [
        (ox.Literal("x"), rdflib.Literal("x")),
        (ox.Literal("x", language="en"), rdflib.Literal("x", lang="en")),
        (ox.Literal("3", datatype=ox.NamedNode(str(XSD.integer))), rdflib.Literal("3", datatype=XSD.integer)),
        (ox.NamedNode("https://a.example/x"), rdflib.URIRef("https://a.example/x")),
        (ox.BlankNode("b1"), rdflib.BNode("b1")),
    ]
    for o, r in pairs:
        made = to_rdflib(o)
        assert made == r and type(made) is type(r) and getattr(made, "datatype", None) == getattr(r, "datatype", None)
        assert from_rdflib(r) == o
    assert from_rdflib(rdflib.Literal("x", datatype=XSD.string)) == ox.Literal("x")
    assert from_rdflib(None) is None
    with pytest.raises(TypeError):
        to_rdflib(ox.Triple(ox.NamedNode("a:b"), ox.NamedNode("a:c"), ox.NamedNode("a:d")))


def test_converted_text_matches_text_in_rdflib_store(tiny_graph) -> None:
    import pyoxigraph as ox

    from kg.store import to_rdflib
    from kg.validate import union_graph

    title = to_rdflib(ox.Literal("A talk on privacy"))
    graph = kg.open_graph(tiny_graph.path, engine="rdflib")
    assert graph.dataset.query("ASK { ?s ?p ?o }", initBindings={"o": title}).askAnswer
    assert (None, None, title) in union_graph(tiny_graph)  # as validation copies it
