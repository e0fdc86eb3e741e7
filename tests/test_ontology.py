"""ontology/kg.ttl and ontology/shapes.ttl: they parse, and they cover what the build writes."""
from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest
import rdflib
import yaml
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SH, SKOS, XSD

from kg.build import build_site
from kg.store import KnowledgeGraph

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SITES = {"fixture": HERE / "fixtures" / "site", "examples": REPO / "examples" / "site"}
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "connectedbydata.org"

KG = rdflib.Namespace("https://w3id.org/kg/ns#")
SCHEMA = rdflib.Namespace("https://schema.org/")
ORG = rdflib.Namespace("http://www.w3.org/ns/org#")
ONTOLOGY_IRI = rdflib.URIRef("https://w3id.org/kg/ns")
CLASS_TYPES = {OWL.Class, RDFS.Class}
PROPERTY_TYPES = {RDF.Property, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty}


def packaged(name: str) -> Path:
    return Path(str(resources.files("kg.ontology") / name))


@pytest.fixture(scope="module")
def onto() -> rdflib.Graph:
    return rdflib.Graph().parse(packaged("kg.ttl"), format="turtle")


@pytest.fixture(scope="module")
def shapes() -> rdflib.Graph:
    return rdflib.Graph().parse(packaged("shapes.ttl"), format="turtle")


def declared_classes(g: rdflib.Graph) -> set[rdflib.URIRef]:
    return {s for t in CLASS_TYPES for s in g.subjects(RDF.type, t) if isinstance(s, rdflib.URIRef)}


def declared_properties(g: rdflib.Graph) -> set[rdflib.URIRef]:
    return {s for t in PROPERTY_TYPES for s in g.subjects(RDF.type, t) if isinstance(s, rdflib.URIRef)}


def used_terms(graph: KnowledgeGraph) -> tuple[set[str], set[str]]:
    """(predicates, classes) of a built graph, over all its named graphs."""
    predicates = {r["p"].value for r in graph.store.query(
        "SELECT DISTINCT ?p WHERE { GRAPH ?g { ?s ?p ?o } }")}
    classes = {r["c"].value for r in graph.store.query(
        "SELECT DISTINCT ?c WHERE { GRAPH ?g { ?s a ?c } }")}
    return predicates, classes


def build_with_related(site: Path) -> KnowledgeGraph:
    """The site's graph, with the related-events graphs (which the build writes too)."""
    return build_site(site)


@pytest.fixture(scope="module", params=sorted(SITES))
def built(request: pytest.FixtureRequest) -> KnowledgeGraph:
    return build_with_related(SITES[request.param])


# -- parsing and metadata ------------------------------------------------------------------

def test_files_parse_from_the_package(onto: rdflib.Graph, shapes: rdflib.Graph) -> None:
    assert len(onto) > 100
    assert len(shapes) > 100
    assert (packaged("kg.ttl").parent / "shapes.ttl").is_file()


def test_ontology_header(onto: rdflib.Graph) -> None:
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in onto
    assert onto.value(ONTOLOGY_IRI, OWL.versionInfo) is not None
    assert onto.value(ONTOLOGY_IRI, OWL.versionIRI) is not None
    comment = str(onto.value(ONTOLOGY_IRI, RDFS.comment))
    assert "provisional" in comment.lower()
    assert str(onto.value(ONTOLOGY_IRI, rdflib.URIRef("http://purl.org/vocab/vann/preferredNamespaceUri"))) == str(KG)


def test_every_kg_term_has_label_comment_and_is_defined_here(onto: rdflib.Graph) -> None:
    terms = {s for s in onto.subjects() if isinstance(s, rdflib.URIRef) and s.startswith(str(KG))}
    assert len(terms) > 30
    missing = []
    for t in sorted(terms):
        types = set(onto.objects(t, RDF.type))
        if not types & (CLASS_TYPES | PROPERTY_TYPES):
            missing.append(f"{t}: no class/property type")
        for p in (RDFS.label, RDFS.comment):
            if not str(onto.value(t, p) or "").strip():
                missing.append(f"{t}: no {p}")
        if onto.value(t, RDFS.isDefinedBy) != ONTOLOGY_IRI:
            missing.append(f"{t}: rdfs:isDefinedBy is not {ONTOLOGY_IRI}")
    assert not missing, "\n".join(missing)


def test_every_declared_external_term_has_label_and_comment(onto: rdflib.Graph) -> None:
    external = (declared_classes(onto) | declared_properties(onto)) - {
        t for t in declared_classes(onto) | declared_properties(onto) if t.startswith(str(KG))}
    assert SCHEMA.Event in external and RDFS.label in external
    bad = [t for t in external if onto.value(t, RDFS.label) is None or onto.value(t, RDFS.comment) is None]
    assert not bad


def test_every_referenced_kg_term_is_declared(onto: rdflib.Graph, shapes: rdflib.Graph) -> None:
    """No typo in the kg namespace: each kg: IRI either file mentions is declared."""
    declared = declared_classes(onto) | declared_properties(onto)
    mentioned = {t for g in (onto, shapes) for triple in g for t in triple
                 if isinstance(t, rdflib.URIRef) and t.startswith(str(KG))}
    assert mentioned - declared == set()


# -- alignment ---------------------------------------------------------------------------------

@pytest.mark.parametrize("triple", [
    (KG.sourceFile, RDFS.subPropertyOf, PROV.wasDerivedFrom),
    (KG.SourceFile, RDFS.subClassOf, PROV.Entity),
    (KG.linksTo, RDFS.subPropertyOf, DCTERMS.references),
    (KG.parentProject, RDFS.subPropertyOf, DCTERMS.isPartOf),
    (KG.Funder, RDFS.subClassOf, SCHEMA.Organization),
    (KG.Funder, RDFS.subClassOf, ORG.Organization),
    (KG.Participation, RDFS.subClassOf, SCHEMA.PerformanceRole),
    (SCHEMA.Person, OWL.equivalentClass, FOAF.Person),
    (SCHEMA.Organization, OWL.equivalentClass, FOAF.Organization),
    (SCHEMA.Organization, RDFS.subClassOf, ORG.Organization),
    (SCHEMA.affiliation, RDFS.subPropertyOf, ORG.memberOf),
    (SCHEMA.subEvent, OWL.inverseOf, SCHEMA.superEvent),
    (KG.nextInSeries, OWL.inverseOf, KG.previousInSeries),
    (SCHEMA.BlogPosting, RDFS.subClassOf, SCHEMA.CreativeWork),
    (SCHEMA.EventSeries, RDFS.subClassOf, SCHEMA.Event),
])
def test_alignments(onto: rdflib.Graph, triple: tuple) -> None:
    assert triple in onto


def test_domains_and_ranges_are_declared_or_datatypes(onto: rdflib.Graph) -> None:
    classes = declared_classes(onto)
    for p in (RDFS.domain, RDFS.range):
        for s, o in onto.subject_objects(p):
            assert o in classes or str(o).startswith(str(XSD)), f"{s} {p} {o}"


# -- coverage of what the build writes ------------------------------------------------------

def test_built_graph_uses_only_declared_terms(built: KnowledgeGraph, onto: rdflib.Graph) -> None:
    predicates, classes = used_terms(built)
    assert KG.recommends in {rdflib.URIRef(p) for p in predicates}  # the related graph is there
    assert predicates and classes
    assert predicates - {str(p) for p in declared_properties(onto)} == set()
    assert classes - {str(c) for c in declared_classes(onto)} == set()


def test_corpus_uses_only_declared_terms(onto: rdflib.Graph) -> None:
    if not (CORPUS / "_config.yml").is_file():
        pytest.skip(f"corpus not found at {CORPUS}")
    predicates, classes = used_terms(build_with_related(CORPUS))
    assert predicates - {str(p) for p in declared_properties(onto)} == set()
    assert classes - {str(c) for c in declared_classes(onto)} == set()


def test_default_mapping_uses_only_declared_terms(onto: rdflib.Graph) -> None:
    mapping = yaml.safe_load(packaged("mapping.yml").read_text(encoding="utf-8"))
    prefixes = mapping["prefixes"]

    def expand(curie: str) -> str:
        prefix, local = curie.split(":", 1)
        return prefixes[prefix] + local

    classes = {expand(c) for kind in mapping["kinds"].values() for c in kind["class"]}
    props = {expand(rule["property"]) for kind in mapping["kinds"].values()
             for rule in (kind.get("keys") or {}).values() if rule.get("property")}
    assert classes - {str(c) for c in declared_classes(onto)} == set()
    assert props - {str(p) for p in declared_properties(onto)} == set()


# -- shapes ---------------------------------------------------------------------------------------

def test_shapes_use_only_declared_terms(onto: rdflib.Graph, shapes: rdflib.Graph) -> None:
    """Every class and property a shape names is in kg.ttl: a typo would silently check nothing."""
    classes = declared_classes(onto)
    props = declared_properties(onto)
    for p in (SH.targetClass, SH["class"]):
        for c in shapes.objects(None, p):
            assert c in classes, f"shape names undeclared class {c}"
    for p in (SH.targetSubjectsOf, SH.targetObjectsOf, SH.inversePath):
        for prop in shapes.objects(None, p):
            assert prop in props, f"shape names undeclared property {prop}"
    for path in shapes.objects(None, SH.path):
        if isinstance(path, rdflib.URIRef):
            assert path in props, f"shape names undeclared property {path}"


def test_every_shape_has_a_message_and_severity_is_known(shapes: rdflib.Graph) -> None:
    for prop_shape in shapes.objects(None, SH.property):
        assert shapes.value(prop_shape, SH.message) is not None, f"property shape without message: {prop_shape}"
    for severity in shapes.objects(None, SH.severity):
        assert severity in (SH.Violation, SH.Warning, SH.Info)


def test_main_classes_have_shapes(shapes: rdflib.Graph) -> None:
    targets = set(shapes.objects(None, SH.targetClass))
    for c in (SCHEMA.Event, KG.Participation, SCHEMA.Person, SCHEMA.Organization, SCHEMA.EventSeries,
              SCHEMA.Project, KG.SourceFile, SKOS.Concept, KG.Unresolved, KG.Recommendation):
        assert c in targets, c


def test_participation_roles(shapes: rdflib.Graph) -> None:
    roles = set()
    for node in shapes.subjects(SH.path, SCHEMA.roleName):
        lst = shapes.value(node, SH["in"])
        roles |= {str(x) for x in rdflib.collection.Collection(shapes, lst)}
    assert roles == {"speaker", "chair", "panellist", "facilitator", "witness"}
