"""Consistency: the OWL 2 RL rules whose conclusion is `false` (tables 4-9 of the OWL 2 RL profile),
checked over a closed triple set; each contradiction becomes one message."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from rdflib import OWL, Literal
from rdflib.term import Node

from shfz_graph.reasoning.index import Index, Triple, n3

__all__ = ["consistency_problems"]


def consistency_problems(triples: Iterable[Triple]) -> list[str]:
    """The contradictions in a closed graph under the OWL 2 RL `false` rules, as sorted messages.

    Checked: cls-nothing2, cax-dw, cax-adc, cls-com, eq-diff1/2/3, prp-irp, prp-asyp, prp-pdw, prp-adp,
    prp-npa1/2, cls-maxc1, cls-maxqc1/2 and dt-not-type (ill-typed literals).
    """
    index = Index(triples)
    problems: set[str] = set()
    problems.update(_class_problems(index))
    problems.update(_individual_problems(index))
    problems.update(_property_problems(index))
    problems.update(_cardinality_problems(index))
    return sorted(problems)


def _pairs_of(items: list[Node]) -> Iterator[tuple[Node, Node]]:
    """Each unordered pair of distinct items once."""
    for i, first in enumerate(items):
        for second in items[i + 1 :]:
            if first != second:
                yield first, second


def _class_problems(index: Index) -> Iterator[str]:
    """cls-nothing2, cax-dw, cax-adc, cls-com: an individual in owl:Nothing or in two exclusive classes."""
    for x in index.members[OWL.Nothing]:
        yield f"{n3(x)} is a member of owl:Nothing"
    exclusive = [(c1, c2, "disjoint") for c1, c2 in index.pairs[OWL.disjointWith]]
    for items in index.list_members(OWL.AllDisjointClasses, OWL.members):
        exclusive.extend((c1, c2, "disjoint") for c1, c2 in _pairs_of(items))
    exclusive += [(c1, c2, "complementary") for c1, c2 in index.pairs[OWL.complementOf]]
    for c1, c2, kind in exclusive:
        first, second = sorted((c1, c2), key=str)
        for x in index.members[c1] & index.members[c2]:
            yield f"{n3(x)} is a member of {kind} classes {n3(first)} and {n3(second)}"


def _individual_problems(index: Index) -> Iterator[str]:
    """eq-diff1/2/3: individuals both the same and different; dt-not-type: ill-typed literals."""
    same = index.pairs[OWL.sameAs]
    different = set(index.pairs[OWL.differentFrom])
    for items in index.list_members(OWL.AllDifferent, OWL.members, OWL.distinctMembers):
        different.update(_pairs_of(items))
    for x, y in different:
        if x == y:
            yield f"{n3(x)} is owl:differentFrom itself"
        elif (x, y) in same or (y, x) in same:
            first, second = sorted((x, y), key=str)
            yield f"{n3(first)} and {n3(second)} are both owl:sameAs and owl:differentFrom"
    for literal in index.literals:
        if literal.ill_typed:
            yield f"ill-typed literal {n3(literal)}"


def _property_problems(index: Index) -> Iterator[str]:
    """prp-irp, prp-asyp, prp-pdw, prp-adp, prp-npa1/2: property assertions that may not hold."""
    for p in index.members[OWL.IrreflexiveProperty]:
        for x, y in index.pairs[p]:
            if x == y:
                yield f"{n3(x)} {n3(p)} itself, but the property is irreflexive"
    for p in index.members[OWL.AsymmetricProperty]:
        pairs = index.pairs[p]
        for x, y in pairs:
            if x != y and (y, x) in pairs:
                first, second = sorted((x, y), key=str)
                yield f"{n3(first)} and {n3(second)} are linked both ways by asymmetric {n3(p)}"
    disjoint = list(index.pairs[OWL.propertyDisjointWith])
    for items in index.list_members(OWL.AllDisjointProperties, OWL.members):
        disjoint.extend(_pairs_of(items))
    for p1, p2 in disjoint:
        first, second = sorted((p1, p2), key=str)
        for x, y in index.pairs[p1] & index.pairs[p2]:
            yield f"{n3(x)} is linked to {n3(y)} by disjoint properties {n3(first)} and {n3(second)}"
    for assertion in index.members[OWL.NegativePropertyAssertion]:
        for source in index.values(assertion, OWL.sourceIndividual):
            for p in index.values(assertion, OWL.assertionProperty):
                targets = index.values(assertion, OWL.targetIndividual)
                targets += index.values(assertion, OWL.targetValue)
                for target in targets:
                    if (source, target) in index.pairs[p]:
                        yield f"{n3(source)} {n3(p)} {n3(target)} is asserted and negated"


def _is_zero(node: Node) -> bool:
    """Whether a cardinality literal is 0."""
    return isinstance(node, Literal) and str(node).strip().lstrip("+0") == "" and not node.ill_typed


def _cardinality_problems(index: Index) -> Iterator[str]:
    """cls-maxc1, cls-maxqc1/2: a value for a property restricted to at most 0 values."""
    for predicate in (OWL.maxCardinality, OWL.maxQualifiedCardinality):
        for restriction, limit in index.pairs[predicate]:
            if not _is_zero(limit):
                continue
            classes = index.values(restriction, OWL.onClass)
            for p in index.values(restriction, OWL.onProperty):
                for x in index.members[restriction]:
                    for s, y in index.pairs[p]:
                        if s != x:
                            continue
                        if predicate == OWL.maxQualifiedCardinality and not any(
                            c == OWL.Thing or y in index.members[c] for c in classes
                        ):
                            continue
                        yield f"{n3(x)} has a value for {n3(p)}, which is restricted to none"
