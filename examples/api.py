"""kg from Python: build the example site's graph, ask it questions, and write what the site renders.

Run from the repository:  python examples/api.py [OUT_DIR]
"""
import sys
import tempfile
from pathlib import Path

import kg

here = Path(__file__).resolve().parent
out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp()) / "graph"

graph = kg.build_site(here / "site", out)                   # the whole site, with its report
print(f"{graph.report['files']} files, {len(graph)} quads, {graph.report['warnings']} warnings")

# Named queries, with parameters bound as RDF terms
for row in kg.run_query("person-timeline", graph, person_name="Priya Raman").records():
    print(row["date"], row["role"], row["title"])

# The same graph through rdflib's API (backed by the same Oxigraph store)
events = graph.dataset.query("SELECT (COUNT(*) AS ?n) WHERE { ?e a <https://schema.org/Event> }")
print("events:", int(next(iter(events))[0]))

# Related events with their reasons
first = sorted(kg.related_events(graph).items())[0]
print(first[0], "->", first[1][0].url, first[1][0].reasons[:2])

# Problems for the site's editors, by file
for path, problems in kg.lint(graph).files.items():
    print(path, [p.message for p in problems][:1])
