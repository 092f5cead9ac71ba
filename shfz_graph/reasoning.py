"""OWL 2 RL closure of the ontology and data: only the new, useful triples, cached by source hash.

Two reasoners compute the same entailments: owlrl (pure Python, always installed) and `reasonable`
(Rust, the `fast` extra, 10-30x faster). Both see a copy of the input, never the caller's graphs.
What a reasoner adds that nobody wants to read is removed (see `is_noise`). An inconsistent input
(a member of owl:Nothing, of two disjoint classes, ...) raises `InconsistencyError` listing the problems.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import itertools
import logging
import os
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path

from rdflib import OWL, RDF, RDFS, XSD, BNode, Graph, Literal, Namespace, URIRef
from rdflib.term import Node

from shfz_graph.errors import InconsistencyError, MissingExtraError, ParameterError

__all__ = [
    "REASONERS",
    "InconsistencyError",
    "cache_file",
    "closure",
    "consistency_problems",
    "default_cache_dir",
    "is_noise",
    "resolve_reasoner",
]

logger = logging.getLogger(__name__)

Triple = tuple[Node, Node, Node]

REASONERS = ("auto", "owlrl", "reasonable")
# Bump when the noise filter or the cache layout changes, so old cache files are not reused.
_CACHE_FORMAT = 1
# owlrl records inconsistencies as `[] a ERRNS:ErrorMessage ; ERRNS:error "..."` in the closed graph.
_ERRNS = Namespace("http://www.daml.org/2002/03/agents/agent-ont#")

_TOP = frozenset({OWL.Thing, RDFS.Resource})
_TOP_NOISE_PREDICATES = frozenset({RDF.type, RDFS.subClassOf, RDFS.domain, RDFS.range})
_REFLEXIVE_NOISE_PREDICATES = frozenset(
    {OWL.sameAs, RDFS.subClassOf, RDFS.subPropertyOf, OWL.equivalentClass, OWL.equivalentProperty}
)
# Terms of these vocabularies are the reasoner's own: triples about them (`xsd:string a rdfs:Datatype`,
# `rdfs:label a owl:AnnotationProperty`, `owl:Thing a owl:Class`) are axioms, not knowledge about our data.
_BUILTIN_NAMESPACES = (str(RDF), str(RDFS), str(OWL), str(XSD))


def default_cache_dir() -> Path:
    """`$SHFZ_GRAPH_CACHE`, else `$XDG_CACHE_HOME/shfz-graph`, else `~/.cache/shfz-graph`."""
    explicit = os.environ.get("SHFZ_GRAPH_CACHE")
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg else Path.home() / ".cache"
    return base / "shfz-graph"


def resolve_reasoner(reasoner: str = "auto") -> str:
    """The concrete reasoner for a choice: "auto" is `reasonable` when installed, else owlrl."""
    if reasoner not in REASONERS:
        raise ParameterError(f"unknown reasoner {reasoner!r}; choose one of {', '.join(REASONERS)}")
    installed = importlib.util.find_spec("reasonable") is not None
    if reasoner == "auto":
        return "reasonable" if installed else "owlrl"
    if reasoner == "reasonable" and not installed:
        raise MissingExtraError("fast", "reasonable")
    return reasoner


def _package_version(name: str) -> str:
    """The installed version of a distribution, read from its metadata without importing it."""
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def cache_file(source_hash: str, reasoner: str, cache_dir: Path | str | None = None) -> Path:
    """The cache file of a closure: one per source hash, concrete reasoner and versions of both packages."""
    from shfz_graph import __version__

    name = resolve_reasoner(reasoner)
    directory = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    stem = f"closure-v{_CACHE_FORMAT}-{source_hash}-{name}-{_package_version(name)}-shfz-{__version__}"
    return directory / f"{stem}.nt"


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
    file (see `cache_file`), so a second load of the same sources does not reason again.
    Raises `InconsistencyError` when the input is inconsistent (nothing is cached then).
    """
    name = resolve_reasoner(reasoner)
    path = cache_file(source_hash, name, cache_dir) if source_hash is not None else None
    if path is not None:
        cached = _read_cache(path)
        if cached is not None:
            return cached
    base = _union(graphs)
    # dt-not-type first: owlrl crashes on some ill-typed literals ("abc"^^xsd:decimal) instead of reporting.
    ill_typed = {o for _, _, o in base if isinstance(o, Literal) and o.ill_typed}
    problems = sorted(f"ill-typed literal {_n3(o)}" for o in ill_typed)
    if not problems:
        new, problems = _run_owlrl(base) if name == "owlrl" else _run_reasonable(base)
    if problems:
        raise InconsistencyError(problems, reasoner=name)
    result = Graph()
    for triple in new:
        if not is_noise(triple):
            result.add(triple)
    if path is not None:
        _write_cache(path, result)
    return result


def _union(graphs: Iterable[Graph] | Graph) -> set[Triple]:
    """The triples of all input graphs as a set (a copy: the reasoners never see the caller's graphs)."""
    if isinstance(graphs, Graph):
        graphs = [graphs]
    triples: set[Triple] = set()
    for graph in graphs:
        triples.update(graph.triples((None, None, None)))
    return triples


def _run_owlrl(base: set[Triple]) -> tuple[set[Triple], list[str]]:
    """owlrl's OWL 2 RL closure of a copy of `base`: the new triples and owlrl's inconsistency messages.

    owlrl 7.6 applies prp-key to all but the last key property, so with one key every two instances of the
    class become owl:sameAs. Its input has no owl:hasKey axioms; prp-key runs here, and its conclusions go
    back to owlrl until nothing is new.
    """
    import owlrl

    keys = {triple for triple in base if triple[1] == OWL.hasKey}
    extra: set[Triple] = set()
    while True:
        work = Graph()
        for triple in (base - keys) | extra:
            work.add(triple)
        owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(
            work
        )
        closed = set(work) | keys
        more = _key_rule(_Index(closed)) - closed if keys else set()
        if not more:
            break
        extra |= more
    problems = sorted(
        {
            str(message)
            for error in work.subjects(RDF.type, _ERRNS.ErrorMessage)
            for message in work.objects(error, _ERRNS.error)
        }
    )
    return closed - base, problems


def _run_reasonable(base: set[Triple]) -> tuple[set[Triple], list[str]]:
    """`reasonable`'s OWL 2 RL closure of `base`, with its gaps filled and checked by `consistency_problems`.

    reasonable 0.4.4 makes any two subjects of an owl:InverseFunctionalProperty owl:sameAs (whatever their
    values), lacks prp-spo2 (property chains), prp-key, cls-maxc2, cls-maxqc3/4 and most scm-* schema rules,
    types plain literals as xsd:string, and detects no inconsistency. So its input has no inverse-functional
    declarations, the missing instance rules run here and their conclusions go back to it until nothing is
    new, then the schema rules run here: the result equals owlrl's (tests/test_reasoning.py checks it).
    """
    try:
        import reasonable
    except ImportError as exc:  # installed but broken: find_spec found it, import failed
        raise MissingExtraError("fast", "reasonable") from exc
    start = {_plain(triple) for triple in base}
    declarations = {t for t in start if t[1] == RDF.type and t[2] == OWL.InverseFunctionalProperty}
    work = start - declarations
    while True:
        engine = reasonable.PyReasoner()
        engine.from_graph(list(work))
        closed = {_plain(triple) for triple in engine.reason()} | work | declarations
        extra = _instance_rules(_Index(closed)) - closed
        if not extra:
            break
        work = (closed - declarations) | extra
    closed |= _schema_rules(closed)
    return closed - start, consistency_problems(closed)


def _plain(triple: Triple) -> Triple:
    """The triple with an xsd:string literal written as the simple literal it equals (RDF 1.1)."""
    s, p, o = triple
    if isinstance(o, Literal) and o.datatype == XSD.string:
        return s, p, Literal(str(o))
    return triple


def _instance_rules(index: _Index) -> set[Triple]:
    """Conclusions of prp-ifp, prp-spo2, prp-key, cls-maxc2 and cls-maxqc3/4 over a closed graph."""
    return _ifp_rule(index) | _chain_rule(index) | _key_rule(index) | _max_one_rule(index)


def _same(groups: Iterable[Iterable[Node]]) -> set[Triple]:
    """owl:sameAs between every two distinct members of each group."""
    out: set[Triple] = set()
    for group in groups:
        members = set(group)
        out.update((x, OWL.sameAs, y) for x in members for y in members if x != y)
    return out


def _ifp_rule(index: _Index) -> set[Triple]:
    """prp-ifp: two subjects with the same value of an inverse-functional property are the same."""
    groups: list[set[Node]] = []
    for p in index.members[OWL.InverseFunctionalProperty]:
        subjects: dict[Node, set[Node]] = defaultdict(set)
        for x, y in index.pairs[p]:
            subjects[y].add(x)
        groups.extend(subjects.values())
    return _same(groups)


def _chain_rule(index: _Index) -> set[Triple]:
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


def _key_rule(index: _Index) -> set[Triple]:
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


def _max_one_rule(index: _Index) -> set[Triple]:
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


def _schema_rules(closed: set[Triple]) -> set[Triple]:
    """The fixpoint of scm-sco, scm-spo, scm-eqc1/2, scm-eqp1/2, scm-dom1/2, scm-rng1/2, scm-int, scm-uni."""
    index = _Index(closed)
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


def _read_cache(path: Path) -> Graph | None:
    """A cached closure, or None when there is none or it cannot be read (it is then recomputed)."""
    if not path.is_file():
        return None
    graph = Graph()
    try:
        graph.parse(path, format="nt")
    except Exception as exc:  # a damaged cache file is a miss, never a failure
        logger.warning("ignoring unreadable closure cache %s: %s", path, exc)
        return None
    return graph


def _write_cache(path: Path, graph: Graph) -> None:
    """Write a closure as sorted N-Triples, atomically (temp file + rename); a failure only costs speed."""
    lines = sorted(line for line in graph.serialize(format="nt", encoding="utf-8").splitlines() if line)
    data = b"".join(line + b"\n" for line in lines)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            tmp.replace(path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
    except OSError as exc:
        logger.warning("cannot write closure cache %s: %s", path, exc)


# --- consistency: the OWL 2 RL rules whose conclusion is `false` (tables 4-9 of the OWL 2 RL profile) ---


def consistency_problems(triples: Iterable[Triple]) -> list[str]:
    """The contradictions in a closed graph under the OWL 2 RL `false` rules, as sorted messages.

    Checked: cls-nothing2, cax-dw, cax-adc, cls-com, eq-diff1/2/3, prp-irp, prp-asyp, prp-pdw, prp-adp,
    prp-npa1/2, cls-maxc1, cls-maxqc1/2 and dt-not-type (ill-typed literals).
    """
    index = _Index(triples)
    problems: set[str] = set()
    problems.update(_class_problems(index))
    problems.update(_individual_problems(index))
    problems.update(_property_problems(index))
    problems.update(_cardinality_problems(index))
    return sorted(problems)


def _n3(node: Node) -> str:
    """A term as written in N-Triples (IRIs in angle brackets), for messages; ill-typed literals included."""
    if isinstance(node, Literal) and node.datatype is not None:
        return f"{Literal(str(node)).n3()}^^<{node.datatype}>"  # Literal.n3() warns about ill-typed numbers
    return node.n3()


class _Index:
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


def _pairs_of(items: list[Node]) -> Iterator[tuple[Node, Node]]:
    """Each unordered pair of distinct items once."""
    for i, first in enumerate(items):
        for second in items[i + 1 :]:
            if first != second:
                yield first, second


def _class_problems(index: _Index) -> Iterator[str]:
    """cls-nothing2, cax-dw, cax-adc, cls-com: an individual in owl:Nothing or in two exclusive classes."""
    for x in index.members[OWL.Nothing]:
        yield f"{_n3(x)} is a member of owl:Nothing"
    exclusive = [(c1, c2, "disjoint") for c1, c2 in index.pairs[OWL.disjointWith]]
    for items in index.list_members(OWL.AllDisjointClasses, OWL.members):
        exclusive.extend((c1, c2, "disjoint") for c1, c2 in _pairs_of(items))
    exclusive += [(c1, c2, "complementary") for c1, c2 in index.pairs[OWL.complementOf]]
    for c1, c2, kind in exclusive:
        first, second = sorted((c1, c2), key=str)
        for x in index.members[c1] & index.members[c2]:
            yield f"{_n3(x)} is a member of {kind} classes {_n3(first)} and {_n3(second)}"


def _individual_problems(index: _Index) -> Iterator[str]:
    """eq-diff1/2/3: individuals both the same and different; dt-not-type: ill-typed literals."""
    same = index.pairs[OWL.sameAs]
    different = set(index.pairs[OWL.differentFrom])
    for items in index.list_members(OWL.AllDifferent, OWL.members, OWL.distinctMembers):
        different.update(_pairs_of(items))
    for x, y in different:
        if x == y:
            yield f"{_n3(x)} is owl:differentFrom itself"
        elif (x, y) in same or (y, x) in same:
            first, second = sorted((x, y), key=str)
            yield f"{_n3(first)} and {_n3(second)} are both owl:sameAs and owl:differentFrom"
    for literal in index.literals:
        if literal.ill_typed:
            yield f"ill-typed literal {_n3(literal)}"


def _property_problems(index: _Index) -> Iterator[str]:
    """prp-irp, prp-asyp, prp-pdw, prp-adp, prp-npa1/2: property assertions that may not hold."""
    for p in index.members[OWL.IrreflexiveProperty]:
        for x, y in index.pairs[p]:
            if x == y:
                yield f"{_n3(x)} {_n3(p)} itself, but the property is irreflexive"
    for p in index.members[OWL.AsymmetricProperty]:
        pairs = index.pairs[p]
        for x, y in pairs:
            if x != y and (y, x) in pairs:
                first, second = sorted((x, y), key=str)
                yield f"{_n3(first)} and {_n3(second)} are linked both ways by asymmetric {_n3(p)}"
    disjoint = list(index.pairs[OWL.propertyDisjointWith])
    for items in index.list_members(OWL.AllDisjointProperties, OWL.members):
        disjoint.extend(_pairs_of(items))
    for p1, p2 in disjoint:
        first, second = sorted((p1, p2), key=str)
        for x, y in index.pairs[p1] & index.pairs[p2]:
            yield f"{_n3(x)} is linked to {_n3(y)} by disjoint properties {_n3(first)} and {_n3(second)}"
    for assertion in index.members[OWL.NegativePropertyAssertion]:
        for source in index.values(assertion, OWL.sourceIndividual):
            for p in index.values(assertion, OWL.assertionProperty):
                targets = index.values(assertion, OWL.targetIndividual)
                targets += index.values(assertion, OWL.targetValue)
                for target in targets:
                    if (source, target) in index.pairs[p]:
                        yield f"{_n3(source)} {_n3(p)} {_n3(target)} is asserted and negated"


def _is_zero(node: Node) -> bool:
    """Whether a cardinality literal is 0."""
    return isinstance(node, Literal) and str(node).strip().lstrip("+0") == "" and not node.ill_typed


def _cardinality_problems(index: _Index) -> Iterator[str]:
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
                        yield f"{_n3(x)} has a value for {_n3(p)}, which is restricted to none"
