"""kg: a knowledge graph of a Jekyll site.

The Python API behind the ``kg`` command::

    import kg
    graph = kg.build_site("examples/site", out="graphs")   # -> KnowledgeGraph
    graph.dataset                                          # the same graph as an rdflib Dataset
    rows = kg.run_query("speakers", graph)                 # or a graph folder: "graphs"
    print(kg.format_result(rows, "csv"))
    kg.related_events(graph)                               # event -> suggestions with reasons
    kg.export_site(graph, "examples/site")                 # _data and _includes for the site
    kg.write_views(graph, "graphs/views")                  # interactive network pages
    kg.lint(graph)                                         # problems by file, for editors

Heavier parts (building, views, validation, related events) are imported when first
used, so that ``kg query`` starts quickly.
"""
from importlib import import_module
from typing import Any

from .errors import (Diagnostic, FrontMatterError, KgError, MappingError, QueryError, SiteError,
                     StoreError)
from .query import Query, Result, format_result, load as load_query, run_query
from .store import KnowledgeGraph, open_graph, save_graph

_LAZY = {
    "build_site": "kg.build", "load_site": "kg.site", "Site": "kg.site",
    "related_events": "kg.related", "export_site": "kg.jekyll", "write_views": "kg.viz",
    "lint": "kg.validate", "validate_graph": "kg.validate", "push": "kg.remote",
}

__all__ = [
    "build_site", "run_query", "load_query", "format_result", "open_graph", "save_graph",
    "load_site", "KnowledgeGraph", "Site", "Query", "Result", "Diagnostic",
    "KgError", "SiteError", "FrontMatterError", "MappingError", "QueryError", "StoreError",
    *_LAZY,
]


#: Modules whose API the README shows as ``kg.serve.Server``, ``kg.remote.RemoteStore``:
#: reached as attributes of ``kg`` after a plain ``import kg``.
_SUBMODULES = frozenset({"serve", "remote", "related", "jekyll", "viz", "validate", "network", "site", "build"})


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    if name in _SUBMODULES:
        return import_module(f"kg.{name}")
    raise AttributeError(f"module 'kg' has no attribute {name!r}")
