"""N-Quads made as text (kg.store.nquads_literal / nquads_lines, kg.related.related_nquads)
are byte for byte what Oxigraph writes for the same quads, so a graph's hash does not
depend on how it was made."""
from __future__ import annotations

import pyoxigraph as ox
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kg
from kg.related import Suggestion, related_graphs, related_nquads
from kg.store import GraphWriter, nquads, nquads_literal, nquads_lines
from kg.vocab import xsd

S, P, G = ox.NamedNode("https://s.example/a"), ox.NamedNode("https://s.example/p"), ox.NamedNode("https://s.example/g")


def oxigraph_literal(literal: ox.Literal) -> str:
    line = ox.serialize([ox.Quad(S, P, literal, G)], format=ox.RdfFormat.N_QUADS).decode("utf-8")
    return line[len(f"<{S.value}> <{P.value}> "): -len(f" <{G.value}> .\n")]


def test_every_character_is_escaped_as_oxigraph_does() -> None:
    chars = [chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000]
    for i in range(0, len(chars), 4096):
        chunk = "".join(chars[i:i + 4096])
        assert nquads_literal(chunk) == oxigraph_literal(ox.Literal(chunk)), f"from U+{ord(chars[i]):04X}"


@given(st.text(), st.sampled_from([None, xsd.integer.value, xsd.decimal.value, "https://s.example/type"]))
def test_literals_match(value: str, datatype: str | None) -> None:
    literal = ox.Literal(value) if datatype is None else ox.Literal(value, datatype=ox.NamedNode(datatype))
    assert nquads_literal(value, datatype) == oxigraph_literal(literal)


@given(st.lists(st.text(), max_size=8))
def test_lines_sort_as_bytes_do(values: list[str]) -> None:
    quads = [ox.Quad(S, P, ox.Literal(v), G) for v in values]
    assert nquads_lines(f"<{S.value}> <{P.value}> {nquads_literal(v)} <{G.value}> ." for v in values) == nquads(quads)


def test_related_text_equals_the_quads_serialised(tmp_path) -> None:
    graph = kg.KnowledgeGraph(ox.Store(), {"base_url": "https://s.example"})
    related = {
        "https://s.example/events/one": [
            Suggestion("https://s.example/events/two", "Two", "2024-01-01", 1.23456,
                       ['shares speaker "Zoë" \\ co', "tab\there\nline\u0001\u007f\ufffe 🐝"]),
            Suggestion("https://s.example/events/three", None, None, 0.5, ["same day", "same day"]),
        ],
        "https://s.example/events/two": [],
        "https://s.example/events/über": [Suggestion("https://s.example/events/one", "One", None, 2.0, [])],
    }
    texts = dict(related_nquads(graph, related))
    graphs = dict(related_graphs(graph, related))
    assert texts.keys() == graphs.keys() == {"https://s.example/id/graph/related/events/one",
                                             "https://s.example/id/graph/related/events/über"}
    assert len(graphs["https://s.example/id/graph/related/events/one"]) == 5 + 2 + 5 + 1
    for name, data in texts.items():
        assert data == nquads(graphs[name])
        assert {q.graph_name.value for q in graphs[name]} == {name}


def test_a_graph_added_twice_is_refused() -> None:
    writer = GraphWriter(None)
    writer.add("https://s.example/g", [ox.Quad(S, P, ox.Literal("x"), G)])
    with pytest.raises(ValueError, match="added twice"):
        writer.add_nquads("https://s.example/g", b"")
