"""A triple set indexed for the rules and consistency checks: pairs per predicate, members per class,
RDF lists; and `n3`, how their messages spell a term."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator

from rdflib import RDF, Literal
from rdflib.term import Node

__all__ = ["Index", "Triple", "n3"]

Triple = tuple[Node, Node, Node]


def n3(node: Node) -> str:
    """A term as written in N-Triples (IRIs in angle brackets), for messages; ill-typed literals included."""
    if isinstance(node, Literal) and node.datatype is not None:
        return f"{Literal(str(node)).n3()}^^<{node.datatype}>"  # Literal.n3() warns about ill-typed numbers
    return node.n3()


class Index:
    """Pairs per predicate, members per class and RDF lists of a triple set, for the consistency rules."""

    def __init__(self, triples: Iterable[Triple]) -> None:
        self.pairs: dict[Node, set[tuple[Node, Node]]] = defaultdict(set)
        self.literals: set[Literal] = set()
        for s, p, o in triples:
            self.pairs[p].add((s, o))
            if isinstance(o, Literal):
                self.literals.add(o)
        self.members: dict[Node, set[Node]] = defaultdict(set)
        for s, o in self.pairs[RDF.type]:
            self.members[o].add(s)
        self.first = dict(self.pairs[RDF.first])
        self.rest = dict(self.pairs[RDF.rest])
        self._objects: dict[Node, dict[Node, set[Node]]] = {}

    def objects(self, predicate: Node) -> dict[Node, set[Node]]:
        """For `predicate`, the objects of each subject (computed once per predicate)."""
        if predicate not in self._objects:
            objects: dict[Node, set[Node]] = defaultdict(set)
            for s, o in self.pairs[predicate]:
                objects[s].add(o)
            self._objects[predicate] = objects
        return self._objects[predicate]

    def values(self, subject: Node, predicate: Node) -> list[Node]:
        """Objects of `subject predicate ?o`, sorted."""
        return sorted(self.objects(predicate).get(subject, ()), key=str)

    def items(self, head: Node) -> list[Node]:
        """The members of the RDF list starting at `head` (stops at a cycle or a broken list)."""
        items: list[Node] = []
        seen: set[Node] = set()
        node = head
        while node != RDF.nil and node not in seen and node in self.first:
            seen.add(node)
            items.append(self.first[node])
            node = self.rest.get(node, RDF.nil)
        return items

    def list_members(self, kind: Node, *predicates: Node) -> Iterator[list[Node]]:
        """The member lists of every `[] a kind ; predicate (...)` (owl:AllDisjointClasses and the like)."""
        for axiom in self.members[kind]:
            for predicate in predicates:
                for head in self.values(axiom, predicate):
                    yield self.items(head)
