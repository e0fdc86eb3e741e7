"""kg: a knowledge graph of a Jekyll site.

The Python API behind the ``kg`` command::

    import kg
    graph = kg.build_site("examples/site", out="graphs")   # -> KnowledgeGraph
    graph.dataset                                          # the same graph as an rdflib Dataset
    rows = kg.run_query("speakers", graph)                 # or a graph folder: "graphs"
    print(kg.format_result(rows, "csv"))
"""
from .build import build_site
from .errors import (Diagnostic, FrontMatterError, KgError, MappingError, QueryError, SiteError,
                     StoreError)
from .query import Query, Result, format_result, load as load_query, run_query
from .site import Site, load_site
from .store import KnowledgeGraph, open_graph, save_graph

__all__ = [
    "build_site", "run_query", "load_query", "format_result", "open_graph", "save_graph",
    "load_site", "KnowledgeGraph", "Site", "Query", "Result", "Diagnostic",
    "KgError", "SiteError", "FrontMatterError", "MappingError", "QueryError", "StoreError",
]
