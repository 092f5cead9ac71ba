"""Link candidates: our things looked up by label at a Wikidata-shaped SPARQL endpoint, kept when they
lie in Shanghai and have a fitting type, and scored from how their labels matched (see `linking`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rdflib import RDF, RDFS, SKOS, Graph, Literal, Namespace, URIRef
from rdflib.term import Node

from shfz_graph import defaults
from shfz_graph.errors import ParameterError, RemoteError
from shfz_graph.links import remote
from shfz_graph.vocab import PREFIXES, SHFZ, sparql_prologue

if TYPE_CHECKING:
    from shfz_graph.graph import KnowledgeGraph

__all__ = [
    "DEFAULT_BATCH",
    "DEFAULT_TARGETS",
    "WD",
    "WD_SHANGHAI",
    "Candidate",
    "LinkTarget",
    "candidate_query",
    "linked_subjects",
    "propose_links",
]

WD = Namespace(PREFIXES["wd"])
WDT = Namespace(PREFIXES["wdt"])

#: Shanghai in Wikidata (a verified link, see data/links.ttl): candidates must lie in it.
WD_SHANGHAI = WD["Q8686"]
DEFAULT_BATCH = 40  # labels per query

_PLACE = "wdt:P131+"
_ORGANISATION = "(wdt:P131|wdt:P159|wdt:P1001)/wdt:P131*"


@dataclass(frozen=True)
class LinkTarget:
    """Which things of ours to link (`cls`), which Wikidata classes fit them (`types`, QIDs, matched
    through `wdt:P31/wdt:P279*`), and the property path from a candidate to Shanghai (`within`)."""

    cls: URIRef
    types: tuple[str, ...]
    within: str = _PLACE


#: The small, explicit type table. QIDs: Q1065118 district of China, Q1208802 direct-administered
#: municipality, Q515 city, Q2221906 geographic location, Q618123 geographical feature, Q811979
#: architectural structure, Q56061 administrative territorial entity, Q327333 government agency,
#: Q43229 organization. Sites and bonded areas get broad classes (their Wikidata classes vary); the
#: label, the place and the type must all agree.
DEFAULT_TARGETS: tuple[LinkTarget, ...] = (
    LinkTarget(SHFZ.Municipality, ("Q1208802", "Q515"), "wdt:P131*"),
    LinkTarget(SHFZ.District, ("Q1065118",)),
    LinkTarget(SHFZ.Site, ("Q2221906", "Q618123", "Q811979")),
    LinkTarget(SHFZ.ComprehensiveBondedArea, ("Q2221906", "Q56061")),
    LinkTarget(SHFZ.GovernmentBody, ("Q327333", "Q43229"), _ORGANISATION),
)

_WEIGHTS = {("pref", "label"): 0.9, ("pref", "alt"): 0.8, ("alt", "label"): 0.8, ("alt", "alt"): 0.7}
_BOTH_LANGUAGES_BONUS = 0.1
_OUR_LABELS = {RDFS.label: "pref", SKOS.prefLabel: "pref", SKOS.altLabel: "alt"}


@dataclass(frozen=True)
class Candidate:
    """A proposed link: our `subject` is the Wikidata `item`, with a score and the evidence for it."""

    subject: URIRef
    subject_label: str
    target: URIRef  # our class
    item: URIRef
    item_label: str
    score: float
    matches: tuple[str, ...]  # e.g. '"Huangpu District"@en = rdfs:label'
    endpoint: str
    query: str

    @property
    def qid(self) -> str:
        """The item's Wikidata id (`Q...`)."""
        return str(self.item).removeprefix(str(WD))


def _lang_group(lang: str | None) -> str | None:
    """ "en" or "zh" (Simplified or unspecified Chinese) for labels we match on, else None."""
    tag = (lang or "").lower()
    if tag == "en":
        return "en"
    if tag in ("zh", "zh-hans", "zh-cn"):
        return "zh"
    return None


def _variants(label: Literal) -> list[Literal]:
    """The labels to look for: English as is, Chinese as `@zh-hans` and `@zh`."""
    group = _lang_group(label.language)
    if group == "en":
        return [Literal(str(label), lang="en")]
    if group == "zh":
        return [Literal(str(label), lang="zh-hans"), Literal(str(label), lang="zh")]
    return []


def linked_subjects(graphs: Iterable[Graph]) -> set[Node]:
    """Things that already have a hand-verified link to a Wikidata item."""
    found: set[Node] = set()
    for graph in graphs:
        for statement in graph.subjects(SHFZ.linkStatus, Literal("verified")):
            target = graph.value(statement, RDF.object)
            subject = graph.value(statement, RDF.subject)
            if subject is not None and str(target).startswith(str(WD)):
                found.add(subject)
    return found


def candidate_query(target: LinkTarget, labels: Sequence[Literal], *, within: URIRef = WD_SHANGHAI) -> str:
    """The SPARQL that looks up items by exact label and says whether each lies `within` and has a
    fitting type (both as booleans, so that a rejection can be explained)."""
    values = " ".join(remote.sparql_term(label) for label in labels)
    types = " ".join(f"wd:{qid}" for qid in target.types)
    return (
        sparql_prologue("wd", "wdt", "rdfs", "skos")
        + "SELECT DISTINCT ?label ?item ?via ?inPlace ?typed WHERE {\n"
        f"  VALUES ?label {{ {values} }}\n"
        '  { ?item rdfs:label ?label . BIND("label" AS ?via) }\n'
        "  UNION\n"
        '  { ?item skos:altLabel ?label . BIND("alt" AS ?via) }\n'
        f"  BIND(EXISTS {{ ?item {target.within} {remote.sparql_term(within)} }} AS ?inPlace)\n"
        f"  BIND(EXISTS {{ VALUES ?type {{ {types} }} ?item wdt:P31/wdt:P279* ?type }} AS ?typed)\n"
        "}\n"
    )


def propose_links(
    kg: KnowledgeGraph,
    endpoint: str = remote.WIKIDATA_SPARQL,
    *,
    targets: Sequence[LinkTarget] = DEFAULT_TARGETS,
    within: URIRef = WD_SHANGHAI,
    timeout: float = defaults.REMOTE_TIMEOUT,
    retries: int = defaults.REMOTE_RETRIES,
    auth: remote.Auth | str | None = None,
    batch_size: int = DEFAULT_BATCH,
) -> list[Candidate]:
    """Candidate Wikidata items for our things, scored, sorted by subject then score (best first).

    Things with a hand-verified Wikidata link are skipped. Only candidates in `within` and of a fitting
    type are returned; decide with `write_links` which go to the data and which to review.
    """
    if batch_size <= 0:
        raise ParameterError("batch_size must be positive")
    skip = linked_subjects([kg.dataset])
    candidates: list[Candidate] = []
    for target in targets:
        ours, english = _our_labels(kg, target, skip)
        labels = sorted((Literal(text, lang=lang) for text, lang in ours), key=lambda lit: lit.n3())
        evidence: dict[tuple[URIRef, URIRef], set[_Match]] = defaultdict(set)
        queries: dict[tuple[URIRef, URIRef], str] = {}
        for start in range(0, len(labels), batch_size):
            text = candidate_query(target, labels[start : start + batch_size], within=within)
            result = remote.query(
                endpoint, text, timeout=timeout, retries=retries, auth=auth, max_rows=100_000
            )
            for row in result.rows:
                for subject, item, match in _matches(row, ours, endpoint):
                    evidence[(subject, item)].add(match)
                    queries.setdefault((subject, item), text)
        candidates.extend(_scored(target, evidence, queries, english, endpoint))
    candidates.sort(key=lambda c: (str(c.subject), -c.score, str(c.item)))
    return candidates


#: One piece of evidence: our label kind, their label property, the label text and its language.
_Match = tuple[str, str, str, str]
#: Our labels to look up (text, language) -> the things of ours that carry them, with the label kind.
_Labels = dict[tuple[str, str], list[tuple[URIRef, str]]]


def _our_labels(kg: KnowledgeGraph, target: LinkTarget, skip: set[Node]) -> tuple[_Labels, dict[URIRef, str]]:
    """The labels of our things of `target`'s class (those in `skip` left out), and each one's English
    preferred label (for display)."""
    dataset = kg.dataset
    ours: _Labels = defaultdict(list)
    english: dict[URIRef, str] = {}
    for subject in sorted({s for s in dataset.subjects(RDF.type, target.cls) if isinstance(s, URIRef)}):
        if subject in skip:
            continue
        for predicate, kind in _OUR_LABELS.items():
            for label in dataset.objects(subject, predicate):
                if not isinstance(label, Literal):
                    continue
                if label.language == "en" and kind == "pref":
                    english.setdefault(subject, str(label))
                for variant in _variants(label):
                    key = (str(variant), (variant.language or "").lower())
                    if (subject, kind) not in ours[key]:
                        ours[key].append((subject, kind))
    return ours, english


def _matches(
    row: Mapping[str, Node | None], ours: _Labels, endpoint: str
) -> Iterator[tuple[URIRef, URIRef, _Match]]:
    """What one answer row says: (our thing, their item, evidence) for each thing of ours with the label,
    if the item is in place and of a fitting type."""
    matched, item, via = row.get("label"), row.get("item"), row.get("via")
    if not (isinstance(matched, Literal) and isinstance(item, URIRef)):
        raise RemoteError(f"link: {endpoint} answered a row without ?label or ?item")
    if not (_true(row.get("inPlace")) and _true(row.get("typed"))):
        return
    key = (str(matched), (matched.language or "").lower())
    for subject, kind in ours.get(key, []):
        yield subject, item, (kind, str(via), str(matched), key[1])


def _scored(
    target: LinkTarget,
    evidence: Mapping[tuple[URIRef, URIRef], set[_Match]],
    queries: Mapping[tuple[URIRef, URIRef], str],
    english: Mapping[URIRef, str],
    endpoint: str,
) -> list[Candidate]:
    """One candidate per (our thing, their item), scored; rivals for the same thing share the score."""
    per_subject: dict[URIRef, list[URIRef]] = defaultdict(list)
    for subject, item in evidence:
        per_subject[subject].append(item)
    return [
        Candidate(
            subject=subject,
            subject_label=english.get(subject, str(subject)),
            target=target.cls,
            item=item,
            item_label=_best_label(found),
            score=_score(found, len(per_subject[subject])),
            matches=tuple(sorted(_describe(m) for m in found)),
            endpoint=endpoint,
            query=queries[(subject, item)],
        )
        for (subject, item), found in sorted(evidence.items())
    ]


def _true(term: Node | None) -> bool:
    return isinstance(term, Literal) and str(term).lower() in ("true", "1")


def _score(found: set[tuple[str, str, str, str]], rivals: int) -> float:
    best = max(_WEIGHTS.get((ours, theirs), 0.0) for ours, theirs, _, _ in found)
    groups = {_lang_group(lang) for _, _, _, lang in found}
    if len(groups) > 1:
        best += _BOTH_LANGUAGES_BONUS
    return round(min(best, 1.0) / max(rivals, 1), 2)


def _best_label(found: set[tuple[str, str, str, str]]) -> str:
    """The matched label to show: an English `rdfs:label` first."""
    ranked = sorted(found, key=lambda m: (m[1] != "label", _lang_group(m[3]) != "en", m[2]))
    return ranked[0][2]


def _describe(match: tuple[str, str, str, str]) -> str:
    ours, theirs, text, lang = match
    property_name = "rdfs:label" if theirs == "label" else "skos:altLabel"
    which = "preferred" if ours == "pref" else "alternative"
    return f"{Literal(text, lang=lang).n3()} = {property_name} (our {which} label)"
