"""IRIs of the project: namespaces and named graphs (a public contract, see DESIGN.md)."""

from rdflib import Namespace, URIRef

BASE = "https://w3id.org/shfz/"
SHFZ = Namespace(BASE + "ontology#")
ONTOLOGY_IRI = URIRef(BASE + "ontology")
ID = Namespace(BASE + "id/")
GRAPH = Namespace(BASE + "graph/")

GRAPH_ONTOLOGY = GRAPH["ontology"]
GRAPH_ZONES = GRAPH["zones"]
GRAPH_LINKS = GRAPH["links"]
GRAPH_INFERRED = GRAPH["inferred"]

QUDT = Namespace("http://qudt.org/schema/qudt/")
UNIT = Namespace("http://qudt.org/vocab/unit/")
GEO = Namespace("http://www.opengis.net/ont/geosparql#")
SCHEMA = Namespace("https://schema.org/")
ORG = Namespace("http://www.w3.org/ns/org#")
VANN = Namespace("http://purl.org/vocab/vann/")
