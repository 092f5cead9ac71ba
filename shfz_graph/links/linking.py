"""Propose links from our things to Wikidata items, and record them with their provenance.

`propose_links(kg, endpoint)` looks our districts, sites, bonded areas, the municipality and our
government bodies up by their English and Chinese labels at a Wikidata-shaped SPARQL endpoint, and keeps
an item only if it lies in Shanghai (a `wdt:P131` chain to Q8686, or an organisation's seat or
jurisdiction there) and has a type that fits our class (`wdt:P31/wdt:P279*` to a class of
:data:`DEFAULT_TARGETS`). Each kept candidate gets a score from how its labels matched:

    our label      their label     weight
    preferred      rdfs:label      0.9
    preferred      skos:altLabel   0.8
    alternative    rdfs:label      0.8
    alternative    skos:altLabel   0.7

the best weight, plus 0.1 when labels in both English and Chinese agree (at most 1.0), divided by the
number of items that pass for the same thing of ours (an ambiguous match goes to review).

`write_links(candidates, out, review=..., threshold=...)` records each candidate at or above the
threshold in `out` (normally `data/links.ttl`) the way the hand-checked links are recorded: a reified
`rdf:Statement` (`link:<slug>`) with `shfz:linkStatus "proposed"`, sources (`dcterms:source` and
`prov:wasDerivedFrom` `source:wikidata`), its score (`sssom:confidence`), method
(`sssom:mapping_justification semapv:LexicalMatching`), date (`dcterms:created`) and
`prov:wasGeneratedBy` an activity that `prov:used` the endpoint and the query (an entity whose
`prov:value` is the SPARQL text). As the shapes require, a proposed link is not asserted as a
`skos:exactMatch` triple until a person verifies it (sets the status to "verified" and adds the triple).
Candidates below the threshold go to the review file (SSSOM TSV), not to the data. The proposed links
live in one generated block at the end of the file; everything outside it (the verified links, comments)
is kept byte for byte, a link already in the block keeps its record (and date), a thing with a
hand-curated link to Wikidata is never proposed again, and a second run with the same answers changes
nothing. Files are replaced atomically.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from rdflib import RDF, RDFS, SKOS, XSD, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV
from rdflib.term import Node

from shfz_graph import __version__
from shfz_graph.errors import InputError, ParameterError
from shfz_graph.links.candidates import (
    DEFAULT_TARGETS,
    WD,
    WD_SHANGHAI,
    Candidate,
    LinkTarget,
    candidate_query,
    linked_subjects,
    propose_links,
)
from shfz_graph.vocab import ID, PREFIXES, SCHEMA, SHFZ, prefixes

__all__ = [
    "DEFAULT_TARGETS",
    "DEFAULT_THRESHOLD",
    "WD",
    "WD_SHANGHAI",
    "Candidate",
    "LinkTarget",
    "WriteReport",
    "candidate_query",
    "propose_links",
    "write_links",
]

SSSOM = Namespace(PREFIXES["sssom"])
SEMAPV = Namespace(PREFIXES["semapv"])
LINK = Namespace(PREFIXES["link"])
LINK_ACTIVITY = Namespace(PREFIXES["linkactivity"])
LINK_QUERY = Namespace(PREFIXES["linkquery"])
SOURCE_WIKIDATA = URIRef(PREFIXES["source"] + "wikidata")
_WIKIDATA_DESCRIPTION = (
    "The open knowledge graph whose items, with their labels, places (P131) and types (P31/P279), "
    "proposed links rest on."
)

DEFAULT_THRESHOLD = 0.8

# -- writing --------------------------------------------------------------------------------------------

BEGIN = "# >>> shfz-graph link: proposed links (generated; review them, then mark them verified) >>>"
END = "# <<< shfz-graph link <<<"

_PREFIXES = prefixes(
    *("rdf", "rdfs", "xsd", "skos", "dcterms", "prov", "shfz", "link", "linkactivity", "linkquery"),
    *("wd", "sssom", "semapv", "source", "schema"),
)
_STATEMENT_ORDER = [
    RDF.type,
    RDF.subject,
    RDF.predicate,
    RDF.object,
    SKOS.note,
    SHFZ.linkStatus,
    SSSOM.confidence,
    SSSOM.mapping_justification,
    PROV.wasGeneratedBy,
    PROV.wasDerivedFrom,
    DCTERMS.source,
    DCTERMS.created,
]


@dataclass(frozen=True)
class WriteReport:
    """What `write_links` did: links added to the data, already there, skipped, sent to review."""

    added: tuple[Candidate, ...]
    present: tuple[Candidate, ...]
    curated: tuple[Candidate, ...]
    review: tuple[Candidate, ...]
    changed: bool


def _slug(subject: URIRef) -> str:
    text = str(subject)
    if text.startswith(str(ID)):
        return re.sub(r"[^a-z0-9]+", "-", text[len(str(ID)) :].lower()).strip("-")
    return "x-" + hashlib.sha256(text.encode()).hexdigest()[:12]


def _digest(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:16]


def _statement(candidate: Candidate) -> URIRef:
    """The IRI of the reified statement that records a candidate link."""
    return LINK[f"{_slug(candidate.subject)}-wikidata-{candidate.qid.lower()}"]


def _record(graph: Graph, candidate: Candidate, today: dt.date) -> None:
    """Add the reified, provenance-carrying statement of a proposed link to `graph`.

    The link itself is not asserted: the shapes allow a `skos:exactMatch` triple only for a verified link.
    """
    statement = _statement(candidate)
    query_entity = LINK_QUERY[_digest(candidate.query)]
    activity = LINK_ACTIVITY[_digest(candidate.endpoint, candidate.query)]
    evidence = "; ".join(candidate.matches)
    note = (
        f"Proposed by shfz-graph link: {evidence}; in Shanghai and of a fitting type at "
        f"{candidate.endpoint}. Check it; to accept it, set the status to verified and assert the link."
    )
    for triple in (
        (statement, RDF.type, RDF.Statement),
        (statement, RDF.type, PROV.Entity),
        (statement, RDF.subject, candidate.subject),
        (statement, RDF.predicate, SKOS.exactMatch),
        (statement, RDF.object, candidate.item),
        (statement, SKOS.note, Literal(note, lang="en")),
        (statement, SHFZ.linkStatus, Literal("proposed")),
        (statement, SSSOM.confidence, Literal(repr(candidate.score), datatype=XSD.double)),
        (statement, SSSOM.mapping_justification, SEMAPV.LexicalMatching),
        (statement, PROV.wasGeneratedBy, activity),
        (statement, PROV.wasDerivedFrom, SOURCE_WIKIDATA),
        (statement, DCTERMS.source, SOURCE_WIKIDATA),
        (statement, DCTERMS.created, Literal(today.isoformat(), datatype=XSD.date)),
        (activity, RDF.type, PROV.Activity),
        (activity, RDFS.label, Literal("shfz-graph link: label look-up in Wikidata", lang="en")),
        (activity, PROV.used, URIRef(candidate.endpoint)),
        (activity, PROV.used, query_entity),
        (query_entity, RDF.type, PROV.Entity),
        (query_entity, DCTERMS.format, Literal("application/sparql-query")),
        (query_entity, PROV.value, Literal(candidate.query)),
        (SOURCE_WIKIDATA, RDF.type, SHFZ.SourceDocument),
        (SOURCE_WIKIDATA, RDFS.label, Literal("Wikidata", lang="en")),
        (SOURCE_WIKIDATA, SKOS.prefLabel, Literal("Wikidata", lang="en")),
        (SOURCE_WIKIDATA, DCTERMS.type, Literal("knowledge graph")),
        (SOURCE_WIKIDATA, SCHEMA.url, URIRef("https://www.wikidata.org/")),
        (SOURCE_WIKIDATA, DCTERMS.description, Literal(_WIKIDATA_DESCRIPTION, lang="en")),
    ):
        graph.add(triple)


def _split(text: str, path: Path) -> tuple[str, str, str]:
    """(before, block, after) of a links file; the block is between the BEGIN and END lines."""
    lines = text.splitlines(keepends=True)
    begins = [i for i, line in enumerate(lines) if line.rstrip("\r\n") == BEGIN]
    ends = [i for i, line in enumerate(lines) if line.rstrip("\r\n") == END]
    if not begins and not ends:
        return text, "", ""
    if len(begins) != 1 or len(ends) != 1 or ends[0] < begins[0]:
        line = (begins or ends)[0] + 1
        raise InputError(
            "the generated block of proposed links is damaged (BEGIN/END lines)", path=path, line=line
        )
    b, e = begins[0], ends[0]
    return "".join(lines[:b]), "".join(lines[b + 1 : e]), "".join(lines[e + 1 :])


def _parse_turtle(text: str, path: Path) -> Graph:
    graph = Graph()
    try:
        graph.parse(data=text, format="turtle")
    except Exception as exc:  # rdflib's Turtle parser raises BadSyntax and others
        raise InputError(f"Turtle syntax error: {' '.join(str(exc).split())[:300]}", path=path) from None
    return graph


def _hand_curated(before: Graph, block: Graph) -> set[Node]:
    """Things with a Wikidata link outside the generated block, or a verified one anywhere."""
    found = linked_subjects([before, block])
    for predicate in (SKOS.exactMatch, SKOS.closeMatch):
        found.update(s for s, o in before.subject_objects(predicate) if str(o).startswith(str(WD)))
    for statement, subject in before.subject_objects(RDF.subject):
        if str(before.value(statement, RDF.object)).startswith(str(WD)):
            found.add(subject)
    return found


def _review_tsv(candidates: Sequence[Candidate]) -> str:
    """Candidates below the threshold as SSSOM TSV (sorted; no date, so reruns give the same bytes)."""
    header = [
        "# curie_map:",
        f"#   wd: {WD}",
        f"#   skos: {SKOS}",
        f"#   semapv: {SEMAPV}",
        f"#   shfzid: {ID}",
        "# mapping_set_id: https://w3id.org/shfz/id/link-review",
        "# license: https://creativecommons.org/licenses/by/4.0/",
        f"# mapping_tool: shfz-graph {__version__}",
    ]
    columns = [
        "subject_id",
        "subject_label",
        "predicate_id",
        "object_id",
        "object_label",
        "mapping_justification",
        "confidence",
        "comment",
    ]
    rows = []
    for c in sorted(candidates, key=lambda c: (str(c.subject), -c.score, str(c.item))):
        subject = str(c.subject)
        subject_id = "shfzid:" + subject[len(str(ID)) :] if subject.startswith(str(ID)) else subject
        fields = [
            subject_id,
            c.subject_label,
            "skos:exactMatch",
            f"wd:{c.qid}",
            c.item_label,
            "semapv:LexicalMatching",
            repr(c.score),
            "; ".join(c.matches),
        ]
        rows.append("\t".join(" ".join(f.split()) for f in fields))
    return "\n".join([*header, "\t".join(columns), *rows]) + "\n"


def _sort_candidates(
    candidates: Iterable[Candidate],
    block: Graph,
    curated_subjects: set[Node],
    threshold: float,
    today: dt.date,
) -> tuple[list[Candidate], list[Candidate], list[Candidate], list[Candidate]]:
    """Added (now recorded in `block`), already present, hand-curated, and to review (under `threshold`)."""
    added: list[Candidate] = []
    present: list[Candidate] = []
    curated: list[Candidate] = []
    to_review: list[Candidate] = []
    for candidate in candidates:
        if candidate.subject in curated_subjects:
            curated.append(candidate)
        elif candidate.score < threshold:
            to_review.append(candidate)
        elif (_statement(candidate), RDF.type, RDF.Statement) in block:
            present.append(candidate)
        else:
            _record(block, candidate, today)
            added.append(candidate)
    return added, present, curated, to_review


def _write_keeping_statements(path: Path, original: str, text: str) -> None:
    """Write `text` over `path` atomically, unless a statement of the original (blank nodes aside) is lost."""
    from shfz_graph.files import write_atomic

    kept = set(_parse_turtle(text, path))
    lost = [
        t for t in _parse_turtle(original, path) if t not in kept and not any(isinstance(x, BNode) for x in t)
    ]
    if lost:
        raise InputError(f"refusing to write: {len(lost)} statements would be lost", path=path)
    write_atomic(path, text.encode("utf-8"))


def write_links(
    candidates: Iterable[Candidate],
    out: Path | str,
    *,
    review: Path | str | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    today: dt.date | None = None,
) -> WriteReport:
    """Record candidates scoring at least `threshold` in `out`, the others in the `review` file.

    See the module docstring for the format. `out` may not exist yet. Nothing is written when nothing
    changes; a file that is written is replaced atomically.
    """
    from shfz_graph.files import write_atomic
    from shfz_graph.rdf.export import readable_turtle

    if not 0.0 <= threshold <= 1.0:
        raise ParameterError(f"threshold must be between 0 and 1, not {threshold}")
    path = Path(out)
    today = today or dt.date.today()
    try:
        original = path.read_text(encoding="utf-8") if path.exists() else ""
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read: {exc}", path=path) from None
    before, block_text, after = _split(original, path)
    before_graph = _parse_turtle(before + after, path)
    block = _parse_turtle(block_text, path)
    curated_subjects = _hand_curated(before_graph, block)

    added, present, curated, to_review = _sort_candidates(
        candidates, block, curated_subjects, threshold, today
    )
    text = original
    if len(block):
        rendered = f"{BEGIN}\n{readable_turtle(block, _PREFIXES, _STATEMENT_ORDER)}{END}\n"
        if BEGIN in original:
            text = before + rendered + after
        else:
            gap = "" if not before or before.endswith("\n\n") else "\n" if before.endswith("\n") else "\n\n"
            text = before + gap + rendered
    changed = text != original
    if changed:
        _write_keeping_statements(path, original, text)
    if review is not None:
        review_path = Path(review)
        data = _review_tsv(to_review).encode("utf-8")
        if not review_path.exists() or review_path.read_bytes() != data:
            write_atomic(review_path, data)
    return WriteReport(tuple(added), tuple(present), tuple(curated), tuple(to_review), changed)


def summary(report: WriteReport) -> Mapping[str, int]:
    """Counts of a `WriteReport`, for messages."""
    return {
        "added": len(report.added),
        "present": len(report.present),
        "curated": len(report.curated),
        "review": len(report.review),
    }
