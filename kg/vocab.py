"""The RDF vocabularies kg writes, as pyoxigraph terms (the build's fast path)."""
from __future__ import annotations

from pyoxigraph import NamedNode

KG = "https://w3id.org/kg/ns#"
SCHEMA = "https://schema.org/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
PROV = "http://www.w3.org/ns/prov#"
DCTERMS = "http://purl.org/dc/terms/"
FOAF = "http://xmlns.com/foaf/0.1/"
ORG = "http://www.w3.org/ns/org#"

PREFIXES = {"kg": KG, "schema": SCHEMA, "rdf": RDF, "rdfs": RDFS, "xsd": XSD, "skos": SKOS,
            "prov": PROV, "dcterms": DCTERMS, "foaf": FOAF, "org": ORG}


class _Namespace:
    def __init__(self, base: str) -> None:
        self._base = base

    def __getattr__(self, name: str) -> NamedNode:
        node = NamedNode(self._base + name)
        setattr(self, name, node)
        return node

    def __getitem__(self, name: str) -> NamedNode:
        return getattr(self, name)


kg = _Namespace(KG)
schema = _Namespace(SCHEMA)
rdf = _Namespace(RDF)
rdfs = _Namespace(RDFS)
xsd = _Namespace(XSD)
prov = _Namespace(PROV)
skos = _Namespace(SKOS)
