"""A graph as N-Triples statements for SPARQL Update requests: each term checked, and batches that keep
triples linked by blank nodes together (a blank node label is scoped to one request)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from rdflib import BNode, Graph
from rdflib.term import Node

from shfz_graph.query.binding import sparql_term

__all__ = ["batches", "nt_line", "ntriples"]


def nt_line(s: Node, p: Node, o: Node) -> str:
    return " ".join(t.n3() if isinstance(t, BNode) else sparql_term(t) for t in (s, p, o)) + " ."


def ntriples(graph: Graph) -> str:
    """The graph as N-Triples, one checked statement per line."""
    return "".join(nt_line(s, p, o) + "\n" for s, p, o in graph)


def batches(graph: Graph, size: int) -> Iterator[list[tuple[str, bool]]]:
    """N-Triples lines (each with whether it holds a blank node) in batches of about `size`; triples linked
    by blank nodes stay in one batch.

    (Blank node labels are scoped to one update request: splitting a blank node over two would make two.)
    """
    parent: dict[Node, Node] = {}

    def find(node: Node) -> Node:
        while parent.get(node, node) != node:
            node = parent[node]
        return node

    triples = list(graph)
    for s, _, o in triples:
        if isinstance(s, BNode) and isinstance(o, BNode):
            a, b = find(s), find(o)
            if a != b:
                parent[a] = b
    groups: dict[Node | None, list[tuple[str, bool]]] = {}
    for s, p, o in triples:
        anchor = s if isinstance(s, BNode) else o if isinstance(o, BNode) else None
        key = find(anchor) if anchor is not None else None
        groups.setdefault(key, []).append((nt_line(s, p, o), anchor is not None))
    plain = groups.pop(None, [])
    units: Iterable[list[tuple[str, bool]]] = [[line] for line in plain] + list(groups.values())
    batch: list[tuple[str, bool]] = []
    for unit in units:
        if batch and len(batch) + len(unit) > size:
            yield batch
            batch = []
        batch.extend(unit)
    if batch:
        yield batch
