"""The OWL 2 RL rules a reasoner may lack, run in Python over a closed triple set: prp-ifp, prp-spo2,
prp-key and cls-maxc2/cls-maxqc3/4 on instances, and the scm-* schema rules (see `engines`)."""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable

from rdflib import OWL, RDFS, Literal
from rdflib.term import Node

from shfz_graph.reasoning.index import Index, Triple

__all__ = ["instance_rules", "key_rule", "schema_rules"]


def instance_rules(index: Index) -> set[Triple]:
    """Conclusions of prp-ifp, prp-spo2, prp-key, cls-maxc2 and cls-maxqc3/4 over a closed graph."""
    return _ifp_rule(index) | _chain_rule(index) | key_rule(index) | _max_one_rule(index)


def _same(groups: Iterable[Iterable[Node]]) -> set[Triple]:
    """owl:sameAs between every two distinct members of each group."""
    out: set[Triple] = set()
    for group in groups:
        members = set(group)
        out.update((x, OWL.sameAs, y) for x in members for y in members if x != y)
    return out


def _ifp_rule(index: Index) -> set[Triple]:
    """prp-ifp: two subjects with the same value of an inverse-functional property are the same."""
    groups: list[set[Node]] = []
    for p in index.members[OWL.InverseFunctionalProperty]:
        subjects: dict[Node, set[Node]] = defaultdict(set)
        for x, y in index.pairs[p]:
            subjects[y].add(x)
        groups.extend(subjects.values())
    return _same(groups)


def _chain_rule(index: Index) -> set[Triple]:
    """prp-spo2: the ends of a property chain are linked by the property it defines."""
    out: set[Triple] = set()
    for p, head in index.pairs[OWL.propertyChainAxiom]:
        chain = index.items(head)
        if chain:
            links = set(index.pairs[chain[0]])
            for step in chain[1:]:
                following = index.objects(step)
                links = {(x, z) for x, y in links for z in following.get(y, ())}
            out.update((x, p, z) for x, z in links)
    return out


def key_rule(index: Index) -> set[Triple]:
    """prp-key: two instances of a class sharing a value for each of its key properties are the same."""
    groups: dict[tuple[Node, tuple[Node, ...]], set[Node]] = defaultdict(set)
    for c, head in index.pairs[OWL.hasKey]:
        keys = index.items(head)
        if not keys:
            continue
        for x in index.members[c]:
            for values in itertools.product(
                *(sorted(index.objects(key).get(x, ()), key=str) for key in keys)
            ):
                groups[(c, values)].add(x)
    return _same(groups.values())


def _max_one_rule(index: Index) -> set[Triple]:
    """cls-maxc2, cls-maxqc3/4: the values of a property restricted to at most one are the same."""
    groups: list[set[Node]] = []
    for predicate in (OWL.maxCardinality, OWL.maxQualifiedCardinality):
        for restriction, limit in index.pairs[predicate]:
            if not (isinstance(limit, Literal) and str(limit).strip().lstrip("+0") == "1"):
                continue
            classes = index.values(restriction, OWL.onClass)
            for p in index.values(restriction, OWL.onProperty):
                objects = index.objects(p)
                for u in index.members[restriction]:
                    values = objects.get(u, set())
                    if predicate == OWL.maxQualifiedCardinality:
                        values = {
                            y for y in values if any(c == OWL.Thing or y in index.members[c] for c in classes)
                        }
                    groups.append(values)
    return _same(groups)


def schema_rules(closed: set[Triple]) -> set[Triple]:
    """The fixpoint of scm-sco, scm-spo, scm-eqc1/2, scm-eqp1/2, scm-dom1/2, scm-rng1/2, scm-int, scm-uni."""
    index = Index(closed)
    sub_class = set(index.pairs[RDFS.subClassOf])
    sub_property = set(index.pairs[RDFS.subPropertyOf])
    for c1, c2 in index.pairs[OWL.equivalentClass]:  # scm-eqc1
        sub_class |= {(c1, c2), (c2, c1)}
    for p1, p2 in index.pairs[OWL.equivalentProperty]:  # scm-eqp1
        sub_property |= {(p1, p2), (p2, p1)}
    for c, head in index.pairs[OWL.intersectionOf]:  # scm-int
        sub_class |= {(c, member) for member in index.items(head)}
    for c, head in index.pairs[OWL.unionOf]:  # scm-uni
        sub_class |= {(member, c) for member in index.items(head)}
    sub_class = _transitive(sub_class)  # scm-sco
    sub_property = _transitive(sub_property)  # scm-spo
    out: set[Triple] = {(x, RDFS.subClassOf, y) for x, y in sub_class}
    out |= {(x, RDFS.subPropertyOf, y) for x, y in sub_property}
    out |= {(x, OWL.equivalentClass, y) for x, y in sub_class if (y, x) in sub_class}  # scm-eqc2
    out |= {(x, OWL.equivalentProperty, y) for x, y in sub_property if (y, x) in sub_property}  # scm-eqp2
    supers = _successors(sub_class)
    subs = _successors({(y, x) for x, y in sub_property})
    for predicate in (RDFS.domain, RDFS.range):  # scm-dom1/2, scm-rng1/2
        for p, c in index.pairs[predicate]:
            for q in {p} | subs.get(p, set()):
                out.update((q, predicate, d) for d in {c} | supers.get(c, set()))
    return out


def _transitive(pairs: set[tuple[Node, Node]]) -> set[tuple[Node, Node]]:
    """The transitive closure of a relation."""
    successors = _successors(pairs)
    return {(x, y) for x, ys in successors.items() for y in ys}


def _successors(pairs: set[tuple[Node, Node]]) -> dict[Node, set[Node]]:
    """For each node, every node reachable from it through `pairs` (at least one step)."""
    direct: dict[Node, set[Node]] = defaultdict(set)
    for x, y in pairs:
        direct[x].add(y)
    reach: dict[Node, set[Node]] = {}
    for start in list(direct):
        seen: set[Node] = set()
        todo = list(direct[start])
        while todo:
            node = todo.pop()
            if node not in seen:
                seen.add(node)
                todo.extend(direct.get(node, ()))
        reach[start] = seen
    return reach
