"""Find a thing by what people call it: an IRI, a prefixed name, or a label in English or Chinese."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS
from rdflib.term import Node

from shfz_graph.errors import LabelError
from shfz_graph.query.results import columns, shorten

__all__ = [
    "LABEL_PREDICATES",
    "LabelError",
    "Match",
    "describe_table",
    "find",
    "label_of",
    "resolve",
    "term_text",
]

#: Predicates whose values name a thing, in order of preference.
LABEL_PREDICATES = (SKOS.prefLabel, RDFS.label, SKOS.altLabel)

_PREFIXED = re.compile(r"([A-Za-z][\w.-]*)?:([^\s<>:]*)")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Match:
    """A thing whose label matched, and the English (else any) label to show for it."""

    iri: URIRef
    label: str


def normalize(text: str) -> str:
    """Compare labels without regard to case, full-width forms or runs of spaces."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text)).strip().casefold()


def label_of(graph: Graph, node: URIRef, lang: str = "en") -> str | None:
    """The preferred label of ``node`` in ``lang``, else in any language, else ``None``."""
    fallback: str | None = None
    for predicate in LABEL_PREDICATES[:2]:
        for value in graph.objects(node, predicate):
            if isinstance(value, Literal):
                if value.language == lang:
                    return str(value)
                fallback = fallback or str(value)
    return fallback


def find(graph: Graph, text: str) -> list[Match]:
    """Every IRI with a label equal to ``text`` (any language, case-insensitive), sorted by IRI."""
    wanted = normalize(text)
    found = {
        s
        for p in LABEL_PREDICATES
        for s, o in graph.subject_objects(p)
        if isinstance(s, URIRef) and isinstance(o, Literal) and normalize(str(o)) == wanted
    }
    return [Match(iri, label_of(graph, iri) or str(iri)) for iri in sorted(found)]


def resolve(graph: Graph, text: str) -> URIRef:
    """The IRI meant by ``text``: ``<iri>``, a full IRI, a prefixed name bound in ``graph``, or a label.

    Raises :class:`LabelError` (with suggestions) when no label or several things match.
    """
    text = text.strip()
    if text.startswith("<") and text.endswith(">"):
        return URIRef(text[1:-1])
    if "://" in text or text.startswith("urn:"):
        return URIRef(text)
    prefixed = _PREFIXED.fullmatch(text)
    if prefixed:
        namespaces = dict(graph.namespaces())
        namespace = namespaces.get(prefixed.group(1) or "")
        if namespace is not None:
            return URIRef(str(namespace) + prefixed.group(2))
    matches = find(graph, text)
    if len(matches) == 1:
        return matches[0].iri
    if matches:
        shown = [f"{_short(graph, m.iri)} ({m.label})" for m in matches]
        raise LabelError(
            f"{text!r} names {len(matches)} things: {'; '.join(shown)}; give an IRI instead",
            [str(m.iri) for m in matches],
        )
    suggestions = _nearest(_labels(graph), text)
    hint = f" (did you mean: {', '.join(repr(s) for s in suggestions)}?)" if suggestions else ""
    raise LabelError(f"nothing is labelled {text!r}{hint}", suggestions)


def _labels(graph: Graph) -> list[str]:
    """All distinct label texts, sorted."""
    return sorted(
        {str(o) for p in LABEL_PREDICATES for o in graph.objects(None, p) if isinstance(o, Literal)}
    )


def _nearest(labels: Iterable[str], text: str, n: int = 5) -> list[str]:
    """Labels that contain ``text`` or look like it, closest first."""
    wanted = normalize(text)
    by_norm: dict[str, str] = {}
    for label in labels:
        by_norm.setdefault(normalize(label), label)
    close = difflib.get_close_matches(wanted, list(by_norm), n=n, cutoff=0.6)
    containing = sorted((k for k in by_norm if wanted and wanted in k), key=lambda k: (len(k), k))
    ordered = list(dict.fromkeys([*close, *containing]))[:n]
    return [by_norm[k] for k in ordered]


def _short(graph: Graph, iri: URIRef) -> str:
    """A prefixed name for ``iri`` when a bound prefix fits, else ``<iri>``."""
    try:
        return graph.namespace_manager.normalizeUri(iri)
    except Exception:  # rdflib raises various errors for IRIs it cannot split
        return f"<{iri}>"


def describe_table(dataset: Graph, iri: Node, description: Graph) -> str:
    """A description as a property/value table: types and labels first, then A-Z, then (marked ``←``)
    the statements of other things that point here; `dataset` gives the labels of the values."""
    first: list[Node] = [RDF.type, *LABEL_PREDICATES]

    def rank(p: Node) -> tuple[int, str]:
        return (first.index(p), "") if p in first else (len(first), shorten(str(p)))

    rows: list[tuple[tuple[int, str], str, str]] = []
    for p, o in description.predicate_objects(iri):
        rows.append((rank(p), shorten(str(p)), term_text(description, dataset, o)))
    for s, p in description.subject_predicates(iri):
        if s != iri:
            inverse = f"← {shorten(str(p))}"
            rows.append(((len(first) + 1, inverse), inverse, term_text(description, dataset, s)))
    rows.sort()
    label = label_of(dataset, URIRef(str(iri)))
    head = f"{iri}" + (f"  ({label})" if label else "")
    return head + "\n\n" + columns([(p, v) for _, p, v in rows], header=("property", "value"))


def term_text(description: Graph, dataset: Graph, term: Node, depth: int = 0) -> str:
    """A value as people read it: a short IRI with its English label, a literal with its language, a
    blank node of `description` as its statements in brackets (three levels deep at most)."""
    if isinstance(term, URIRef):
        label = label_of(dataset, term)
        return shorten(str(term)) + (f" ({label})" if label else "")
    if isinstance(term, Literal):
        text = " ".join(str(term).split())
        return f"{text} @{term.language}" if term.language else text
    if isinstance(term, BNode) and depth < 3:
        parts = [
            f"{shorten(str(p))} {term_text(description, dataset, o, depth + 1)}"
            for p, o in sorted(description.predicate_objects(term))
        ]
        return "[" + "; ".join(parts) + "]"
    return "[…]"
