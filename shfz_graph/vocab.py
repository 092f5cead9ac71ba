"""IRIs of the project: namespaces, named graphs, and the one prefix map (a public contract, see
docs/architecture.md)."""

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

#: Every prefix the project writes or reads, prefix -> namespace IRI: the one prefix map. Modules take
#: the prefixes they need from it by name (`prefixes`), in the order they write them.
PREFIXES: dict[str, str] = {
    "shfz": str(SHFZ),
    "id": str(ID),
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "qudt": "http://qudt.org/schema/qudt/",
    "unit": "http://qudt.org/vocab/unit/",
    "geo": "http://www.opengis.net/ont/geosparql#",
    "schema": "https://schema.org/",
    "org": "http://www.w3.org/ns/org#",
    "vann": "http://purl.org/vocab/vann/",
    "wd": "http://www.wikidata.org/entity/",
    "wdt": "http://www.wikidata.org/prop/direct/",
    "link": str(ID) + "link/",
    "linkactivity": str(ID) + "link-activity/",
    "linkquery": str(ID) + "link-query/",
    "source": str(ID) + "source/",
    "sssom": "https://w3id.org/sssom/",
    "semapv": "https://w3id.org/semapv/vocab/",
    "void": "http://rdfs.org/ns/void#",
    "sd": "http://www.w3.org/ns/sparql-service-description#",
    "formats": "http://www.w3.org/ns/formats/",
}

QUDT = Namespace(PREFIXES["qudt"])
UNIT = Namespace(PREFIXES["unit"])
GEO = Namespace(PREFIXES["geo"])
SCHEMA = Namespace(PREFIXES["schema"])
ORG = Namespace(PREFIXES["org"])
VANN = Namespace(PREFIXES["vann"])

#: The prefixes that shorten IRIs in tables and in query answers (well-known vocabularies and ours).
WELL_KNOWN = (
    *("shfz", "id", "rdf", "rdfs", "owl", "xsd", "skos", "dcterms", "prov"),
    *("qudt", "unit", "geo", "schema", "org", "vann", "wd"),
)


def prefixes(*names: str) -> dict[str, str]:
    """The prefixes called `names`, in that order (KeyError for one the map does not have)."""
    return {name: PREFIXES[name] for name in names}


def sparql_prologue(*names: str) -> str:
    """`PREFIX name: <namespace>` lines for a query text, one per name, in that order."""
    return "".join(f"PREFIX {name}: <{PREFIXES[name]}>\n" for name in names)
