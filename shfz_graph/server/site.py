"""What every page needs to know about the graph: labels, links, kinds of things, search by label.

Nothing here holds a copy of the graph: labels and types are looked up in the store when a page asks,
and the most recent are remembered (bounded), so the serving process stays small however large the data.
Listings that grow with the data (browse, search in a large graph) are asked of the query workers with
SPARQL `COUNT` and `LIMIT` (`ask`), and say how many they leave out.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Protocol

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD
from rdflib.term import Node

from shfz_graph.graph import KnowledgeGraph
from shfz_graph.iris import iri_problem
from shfz_graph.query.results import Result, shorten
from shfz_graph.vocab import BASE, GRAPH_INFERRED, SHFZ, sparql_prologue

__all__ = ["MEMBERS_SHOWN", "SEARCH_SCANNED", "Ask", "BrowseGroup", "Hit", "Site", "TermView"]


class Ask(Protocol):
    """Runs a SELECT (its text, variables bound to terms) in the query workers and returns its answer."""

    def __call__(self, text: str, bindings: Mapping[str, Node] | None = None, /) -> Result: ...


#: At most this many members of a class in the home page's browse list (ours has at most 30).
MEMBERS_SHOWN = 100
#: In a graph too large to keep its labels, search and completion read at most this many label texts.
SEARCH_SCANNED = 40_000

_LABEL_PROPS = (SKOS.prefLabel, RDFS.label, DCTERMS.title)
_ALT_PROPS = (SKOS.altLabel,)
_WORD = re.compile(r"[\w]+", re.UNICODE)
_REMEMBERED_LABELS = 65536  # things whose labels are kept between pages (a page shows a few hundred)
_REMEMBERED_CANDIDATES = 20000  # search texts kept if the graph has no more (ours has a few hundred)


@dataclass(frozen=True)
class TermView:
    """An RDF term as a page shows it: text, link, language or datatype, and whether it is only inferred."""

    kind: str  # iri | literal | bnode
    text: str
    href: str | None = None
    lang: str | None = None
    datatype: str | None = None
    local: bool = False
    inferred: bool = False
    iri: str | None = None


@dataclass(frozen=True)
class Hit:
    """A search result: a thing, its label and the label that matched."""

    iri: str
    label: str
    matched: str
    href: str
    kind: str


@dataclass(frozen=True)
class BrowseGroup:
    """A class in the browse list: its members shown (all, or `MEMBERS_SHOWN` of them), how many it has,
    and a query that lists every one."""

    cls: TermView
    members: list[TermView]
    total: int
    query: str

    @property
    def capped(self) -> bool:
        """Whether fewer members are shown than the class has."""
        return len(self.members) < self.total


@dataclass
class _Labels:
    en: str | None = None
    zh: str | None = None
    other: str | None = None


def _add_label(entry: _Labels, literal: Literal) -> None:
    """Keep `literal` as the thing's English, Chinese or other label unless it already has one."""
    text = str(literal)
    lang = (literal.language or "").lower()
    if lang == "en" or lang.startswith("en-"):
        entry.en = entry.en or text
    elif lang.startswith("zh"):
        entry.zh = entry.zh or text
    else:
        entry.other = entry.other or text


class Site:
    """Read-only facts about the loaded graph that pages share, looked up in the store when asked."""

    def __init__(self, kg: KnowledgeGraph, *, base: str = BASE, ask: Ask | None = None) -> None:
        self.kg = kg
        self.ask: Ask = ask or (lambda text, bindings=None: kg.query(text, **(bindings or {})))
        self.dataset = kg.dataset
        self.base = base
        self.asserted = [kg.graph(name) for name in kg.names if kg.graph(name).identifier != GRAPH_INFERRED]
        self.graph_names = {str(kg.graph(name).identifier): name for name in kg.names}
        self._entry = functools.lru_cache(maxsize=_REMEMBERED_LABELS)(self._read_labels)
        self._kept_candidates: list[tuple[Node, str]] | None = None
        self._too_many_candidates = False

    def _read_labels(self, node: Node) -> _Labels:
        """A thing's first English, Chinese and other label, in the order of `_LABEL_PROPS`."""
        entry = _Labels()
        for prop in _LABEL_PROPS:
            for literal in self.dataset.objects(node, prop):
                if isinstance(literal, Literal):
                    _add_label(entry, literal)
        return entry

    # -- labels and links ---------------------------------------------------------------------------

    def label(self, node: Node) -> str:
        """The English label of a thing, else any label, else a short form of its IRI."""
        entry = self._entry(node)
        text = entry.en or entry.other or entry.zh
        if text:
            return text
        if isinstance(node, URIRef):
            return self.short(str(node))
        return str(node)

    def label_zh(self, node: Node) -> str | None:
        """The Chinese label of a thing, if the data has one."""
        return self._entry(node).zh

    def short(self, iri: str) -> str:
        """A compact form of an IRI: `zone:huangpu`-like prefixed name or the local path."""
        short = shorten(iri)
        if not short.startswith("<"):
            return short
        if iri.startswith(self.base):
            return iri[len(self.base) :] or iri
        return iri

    def is_local(self, iri: str) -> bool:
        """Whether this server serves the IRI (it is under the base)."""
        return iri.startswith(self.base)

    def href(self, iri: str) -> str:
        """Where a link to the IRI points: the path on this server for our IRIs, else the IRI itself."""
        if self.is_local(iri):
            return "/" + iri[len(self.base) :]
        return iri

    def iri_for_path(self, path: str) -> str:
        """The IRI a request path stands for (`id/zone/huangpu` -> `https://w3id.org/shfz/id/zone/huangpu`)."""
        return self.base + path.lstrip("/")

    def knows(self, iri: str) -> bool:
        """Whether the IRI occurs in the graph (as subject, object, predicate or graph name)."""
        if iri_problem(iri) is not None:  # spaces, quotes, angle brackets...: never one of ours
            return False
        node = URIRef(iri)
        if iri in self.graph_names:
            return True
        if (node, None, None) in self.dataset or (None, None, node) in self.dataset:
            return True
        return (None, node, None) in self.dataset

    def is_inferred(self, triple: tuple[Node, Node, Node]) -> bool:
        """True when a triple is in the graph only because the reasoner derived it."""
        return not any(triple in graph for graph in self.asserted)

    def types(self, node: Node) -> list[Node]:
        """The rdf:types of a thing (asserted and inferred)."""
        return list(self.dataset.objects(node, RDF.type))

    def kind(self, iri: str) -> str:
        """A coarse kind for colours: the path segment after `id/` (zone, district, ...) or `ontology`."""
        if not self.is_local(iri):
            return "external"
        rest = iri[len(self.base) :]
        if rest.startswith("id/"):
            return rest.split("/")[1] if rest.count("/") >= 2 else "thing"
        return rest.split("/")[0].split("#")[0] or "home"

    def term(self, node: Node, *, inferred: bool = False) -> TermView:
        """How a term reads and links on a page."""
        if isinstance(node, URIRef):
            iri = str(node)
            return TermView(
                "iri",
                self.label(node),
                href=self.href(iri),
                local=self.is_local(iri),
                inferred=inferred,
                iri=iri,
            )
        if isinstance(node, Literal):
            datatype = None
            if node.datatype is not None and node.datatype != XSD.string:
                datatype = self.short(str(node.datatype))
            return TermView("literal", str(node), lang=node.language, datatype=datatype, inferred=inferred)
        if isinstance(node, BNode):
            return TermView("bnode", "(anonymous)", inferred=inferred)
        return TermView("literal", str(node), inferred=inferred)

    def predicate_term(self, predicate: URIRef) -> TermView:
        """A property as a link: our terms to the ontology page, others to their own IRI."""
        iri = str(predicate)
        text = self._entry(predicate).en or self.short(iri)
        return TermView("iri", text, href=self.href(iri), local=self.is_local(iri), iri=iri)

    # -- things ------------------------------------------------------------------------------------

    def instances(self, cls: URIRef, *, asserted_only: bool = True) -> list[URIRef]:
        """IRIs typed `cls` (in the asserted graphs by default), sorted by label."""
        graphs: Iterable[Graph] = self.asserted if asserted_only else [self.dataset]
        found = {s for g in graphs for s in g.subjects(RDF.type, cls) if isinstance(s, URIRef)}
        return sorted(found, key=lambda n: self.label(n).lower())

    def _asserted_members(self, cls: str) -> str:
        """A pattern: `?member`, an IRI, typed `cls` (a variable or an IRI) in an asserted graph. (Whether
        it is ours is checked here, not in the store: comparing strings there costs a lookup each.)"""
        return f"GRAPH ?g {{ ?member a {cls} }} FILTER(?g != <{GRAPH_INFERRED}>) FILTER(isIRI(?member))"

    def members_query(self, cls: URIRef) -> str:
        """SPARQL listing every member of `cls` (asserted) with its English label (the query page's)."""
        return (
            sparql_prologue("rdfs", "skos")
            + "SELECT DISTINCT ?member ?label WHERE {\n  "
            + self._asserted_members(f"<{cls}>")
            + "\n  OPTIONAL { ?member rdfs:label|skos:prefLabel ?label "
            + 'FILTER(langMatches(lang(?label), "en")) }'
            + "\n}\nORDER BY ?member\n"
        )

    def browse_groups(self, *, limit: int | None = None) -> list[BrowseGroup]:
        """Our classes that have instances in the data (asserted types only), each with its members by label:
        all of them when there are at most `limit` (default `MEMBERS_SHOWN`), else `limit` of them (counted
        and chosen by the query workers, so that the list costs the same however many things there are)."""
        limit = MEMBERS_SHOWN if limit is None else limit
        # counted per graph without a filter (a filter in the store costs ten times the count), then
        # summed here over the asserted graphs
        counted = self.ask(
            "SELECT ?g ?class (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?m a ?class } } GROUP BY ?g ?class"
        ).rows
        totals: dict[URIRef, int] = defaultdict(int)
        for row in counted:
            c, n = row["class"], row["n"]
            if row["g"] == GRAPH_INFERRED or not isinstance(c, URIRef) or not isinstance(n, Literal):
                continue
            if str(c).startswith(str(SHFZ)) and iri_problem(str(c)) is None:
                totals[c] += int(n.toPython())
        members: dict[URIRef, list[URIRef]] = defaultdict(list)
        small = [c for c, n in totals.items() if n <= limit]
        if small:
            values = " ".join(f"<{c}>" for c in small)
            pattern = self._asserted_members("?class")
            text = f"SELECT DISTINCT ?class ?member WHERE {{ VALUES ?class {{ {values} }} {pattern} }}"
            for row in self.ask(text, None).rows:
                if isinstance(c := row["class"], URIRef) and isinstance(m := row["member"], URIRef):
                    members[c].append(m)

        def some(cls: URIRef) -> list[URIRef]:
            text = f"SELECT DISTINCT ?member WHERE {{ {self._asserted_members(f'<{cls}>')} }} LIMIT {limit}"
            return [m for row in self.ask(text, None).rows if isinstance(m := row["member"], URIRef)]

        large = [c for c, n in totals.items() if n > limit]
        with ThreadPoolExecutor(max_workers=3) as pool:  # the workers answer these side by side
            members.update(zip(large, pool.map(some, large), strict=True))
        groups = []
        for cls in sorted(totals, key=lambda c: self.label(c).lower()):
            shown = sorted(
                (m for m in members[cls] if self.is_local(str(m))), key=lambda n: self.label(n).lower()
            )
            if shown:
                view = [self.term(m) for m in shown]
                groups.append(
                    BrowseGroup(self.predicate_term(cls), view, totals[cls], self.members_query(cls))
                )
        return groups

    # -- search ------------------------------------------------------------------------------------

    def _candidates(self) -> Iterator[tuple[Node, str]]:
        """Our things and each of their labels (once per thing and text): kept after the first search
        when there are few enough, else read from the store each time, at most `SEARCH_SCANNED` of them
        (memory and time stay bounded)."""
        if self._is_large():
            yield from self._scan()
        else:
            yield from self._kept_candidates or []

    def _is_large(self) -> bool:
        """Whether the graph has more label texts than search keeps (the first call reads at most one
        more than that to know, and keeps them if they are few)."""
        if self._kept_candidates is None and not self._too_many_candidates:
            kept = []
            for candidate in self._read_candidates():
                kept.append(candidate)
                if len(kept) > _REMEMBERED_CANDIDATES:
                    self._too_many_candidates = True
                    return True
            self._kept_candidates = kept
        return self._too_many_candidates

    def _read_candidates(self) -> Iterator[tuple[Node, str]]:
        seen: set[tuple[Node, str]] = set()
        for prop in (*_LABEL_PROPS, *_ALT_PROPS):
            for node, literal in self.dataset.subject_objects(prop):
                if isinstance(node, URIRef) and isinstance(literal, Literal) and self.is_local(str(node)):
                    key = (node, str(literal))
                    if key not in seen:
                        seen.add(key)
                        yield key

    def complete(self, text: str, *, namespace: str | None = None, limit: int = 12) -> list[URIRef]:
        """Things whose label (English or Chinese) starts with `text`, then those where a word of it does,
        then those whose local name starts so; within `namespace` only when given (then an empty `text`
        matches all of it). Shortest label first."""
        wanted = text.casefold().strip()
        if not wanted and namespace is None:
            return []
        best: dict[URIRef, tuple[int, int]] = {}
        for node, label in self._candidates():
            iri = str(node)
            if not isinstance(node, URIRef) or (namespace is not None and not iri.startswith(namespace)):
                continue
            folded = label.casefold()
            local = (iri[len(namespace) :] if namespace else re.split(r"[/#]", iri)[-1]).casefold()
            if namespace is not None and local.startswith(wanted):
                rank = 0
            elif folded.startswith(wanted):
                rank = 1
            elif any(w.startswith(wanted) for w in _WORD.findall(folded)) or (
                not wanted.isascii() and wanted in folded
            ):
                rank = 2
            elif local.startswith(wanted):
                rank = 3
            else:
                continue
            score = (rank, len(label))
            if score < best.get(node, (9, 0)):
                best[node] = score
        ranked = sorted(best, key=lambda n: (*best[n], str(n)))
        return ranked[:limit]

    def search(self, query: str, *, limit: int = 20) -> list[Hit]:
        """Things whose label (English, Chinese or alternative) or IRI contains the words, best first.

        Falls back to close spellings (difflib) when nothing contains the text, so a typo still helps.
        """
        words = [w.lower() for w in _WORD.findall(query)]
        if not words:
            return []
        scored: dict[Node, tuple[float, str]] = {}
        for node, text in self._candidates():
            haystack = (text + " " + str(node).rsplit("/", 1)[-1].replace("-", " ")).lower()
            if all(w in haystack for w in words):
                score = (
                    3.0
                    if text.lower() == query.lower()
                    else 2.0
                    if text.lower().startswith(words[0])
                    else 1.0
                )
                if score > scored.get(node, (0.0, ""))[0]:
                    scored[node] = (score, text)
        if not scored and not self._is_large():  # close spellings: only where every label is kept
            texts: dict[str, list[Node]] = defaultdict(list)
            for node, text in self._candidates():
                texts[text.lower()].append(node)
                slug = str(node).rsplit("/", 1)[-1].replace("-", " ").lower()
                texts[slug].append(node)
            for word in [query.lower(), *words]:
                for close in difflib.get_close_matches(word, list(texts), n=limit, cutoff=0.6):
                    for node in texts[close]:
                        scored.setdefault(node, (0.5, close))
                # also match single words of multi-word labels ("huangpuu" -> "Huangpu District")
                for text_key, nodes in texts.items():
                    if difflib.get_close_matches(word, text_key.split(), n=1, cutoff=0.75):
                        for node in nodes:
                            scored.setdefault(node, (0.4, text_key))
        return self._ranked(scored, limit)

    def _ranked(self, scored: dict[Node, tuple[float, str]], limit: int) -> list[Hit]:
        ranked = sorted(scored.items(), key=lambda item: (-item[1][0], self.label(item[0]).lower()))
        return [
            Hit(str(node), self.label(node), matched, self.href(str(node)), self.kind(str(node)))
            for node, (_, matched) in ranked[:limit]
        ]

    def _scan(self) -> Iterator[tuple[Node, str]]:
        """In a graph too large to keep its labels: our things and their label texts, in the order the
        store holds them (our own data first), at most `SEARCH_SCANNED` (repeats not removed)."""
        scanned = 0
        for prop in (*_LABEL_PROPS, *_ALT_PROPS):
            for node, literal in self.dataset.subject_objects(prop):
                if isinstance(node, URIRef) and isinstance(literal, Literal) and self.is_local(str(node)):
                    if scanned >= SEARCH_SCANNED:
                        return
                    scanned += 1
                    yield node, str(literal)

    def search_noted(self, query: str, *, limit: int = 20) -> tuple[list[Hit], str | None]:
        """`search`, and what a page should say when the graph was too large to search whole."""
        hits = self.search(query, limit=limit)
        if not self._too_many_candidates:
            return hits, None
        return hits, (
            f"This graph has more labels than a search reads: it read the first {SEARCH_SCANNED:,} "
            "(our own data first) and tried no close spellings. The query page searches everything."
        )

    def search_query(self, query: str) -> str:
        """SPARQL that finds what `search` finds, over every label (for the query page; its words are
        letters and digits only, so they stand in string literals as they are)."""
        words = [w.lower() for w in _WORD.findall(query)] or [""]
        tests = " && ".join(f'CONTAINS(LCASE(STR(?label)), "{w}")' for w in words)
        return (
            sparql_prologue("rdfs", "skos", "dcterms")
            + "SELECT DISTINCT ?thing ?label WHERE {\n"
            + "  ?thing skos:prefLabel|rdfs:label|dcterms:title|skos:altLabel ?label .\n"
            + f"  FILTER({tests})\n}}\nLIMIT 1000\n"
        )
