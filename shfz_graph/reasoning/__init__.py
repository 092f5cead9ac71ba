"""OWL 2 RL closure of the ontology and data: only the new, useful triples, cached by source hash.

Two reasoners compute the same entailments: owlrl (pure Python, always installed) and `reasonable`
(Rust, the `fast` extra, 10-30x faster). Both see a copy of the input, never the caller's graphs.
What a reasoner adds that nobody wants to read is removed (see `is_noise`). An inconsistent input
(a member of owl:Nothing, of two disjoint classes, ...) raises `InconsistencyError` listing the problems.

The package: `engines` chooses and runs a reasoner, `rules` adds the OWL 2 RL rules a reasoner lacks,
`consistency` finds contradictions, and `cache` owns the closure cache files. This module joins them.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from rdflib import OWL, RDF, RDFS, XSD, BNode, Graph, Literal, URIRef

from shfz_graph.errors import InconsistencyError
from shfz_graph.reasoning import cache, engines
from shfz_graph.reasoning.cache import cache_file, default_cache_dir
from shfz_graph.reasoning.consistency import consistency_problems
from shfz_graph.reasoning.engines import REASONERS, resolve_reasoner
from shfz_graph.reasoning.index import Triple, n3

__all__ = [
    "REASONERS",
    "InconsistencyError",
    "cache",
    "cache_file",
    "closure",
    "consistency_problems",
    "default_cache_dir",
    "is_noise",
    "resolve_reasoner",
]

_TOP = frozenset({OWL.Thing, RDFS.Resource})
_TOP_NOISE_PREDICATES = frozenset({RDF.type, RDFS.subClassOf, RDFS.domain, RDFS.range})
_REFLEXIVE_NOISE_PREDICATES = frozenset(
    {OWL.sameAs, RDFS.subClassOf, RDFS.subPropertyOf, OWL.equivalentClass, OWL.equivalentProperty}
)
# Terms of these vocabularies are the reasoner's own: triples about them (`xsd:string a rdfs:Datatype`,
# `rdfs:label a owl:AnnotationProperty`, `owl:Thing a owl:Class`) are axioms, not knowledge about our data.
_BUILTIN_NAMESPACES = (str(RDF), str(RDFS), str(OWL), str(XSD))


def is_noise(triple: Triple) -> bool:
    """Whether an inferred triple is reasoner noise rather than knowledge about the data.

    Noise: any triple with a blank node (restriction classes, owlrl's error messages, anonymous
    individuals: they cannot be told apart or cached faithfully) or a literal subject; reflexive
    owl:sameAs / subClassOf / subPropertyOf / equivalentClass / equivalentProperty; types, superclasses,
    domains and ranges of owl:Thing or rdfs:Resource; owl:NamedIndividual types; anything said about
    owl:Nothing or about a term of the RDF, RDFS, OWL and XSD vocabularies (datatype and annotation axioms).
    """
    s, p, o = triple
    if isinstance(s, BNode | Literal) or isinstance(o, BNode):
        return True
    if s == o and p in _REFLEXIVE_NOISE_PREDICATES:
        return True
    if o in _TOP and p in _TOP_NOISE_PREDICATES:
        return True
    if p == RDF.type and o == OWL.NamedIndividual:
        return True
    return isinstance(s, URIRef) and (s == OWL.Nothing or str(s).startswith(_BUILTIN_NAMESPACES))


def closure(
    graphs: Iterable[Graph] | Graph,
    *,
    reasoner: str = "auto",
    source_hash: str | None = None,
    cache_dir: Path | str | None = None,
) -> Graph:
    """The OWL 2 RL closure of the union of `graphs`, holding only new triples that are not noise.

    With a `source_hash` (sha256 of the source files), the result is read from and written to a cache
    file (see `cache`), so a second load of the same sources does not reason again.
    Raises `InconsistencyError` when the input is inconsistent (nothing is cached then).
    """
    name = resolve_reasoner(reasoner)
    path = cache.cache_file(source_hash, name, cache_dir) if source_hash is not None else None
    if path is not None:
        cached = cache.read(path)
        if cached is not None:
            return cached
    base = _union(graphs)
    # dt-not-type first: owlrl crashes on some ill-typed literals ("abc"^^xsd:decimal) instead of reporting.
    ill_typed = {o for _, _, o in base if isinstance(o, Literal) and o.ill_typed}
    problems = sorted(f"ill-typed literal {n3(o)}" for o in ill_typed)
    if not problems:
        new, problems = engines.run_owlrl(base) if name == "owlrl" else engines.run_reasonable(base)
    if problems:
        raise InconsistencyError(problems, reasoner=name)
    result = Graph()
    for triple in new:
        if not is_noise(triple):
            result.add(triple)
    if path is not None:
        cache.write(path, result)
    return result


def _union(graphs: Iterable[Graph] | Graph) -> set[Triple]:
    """The triples of all input graphs as a set (a copy: the reasoners never see the caller's graphs)."""
    if isinstance(graphs, Graph):
        graphs = [graphs]
    triples: set[Triple] = set()
    for graph in graphs:
        triples.update(graph.triples((None, None, None)))
    return triples
