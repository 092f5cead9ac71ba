"""The reasoners: the choice between owlrl and `reasonable`, and each one's run over a copy of the input,
with the rules it lacks filled in (see `rules`) so that both give the same closure."""

from __future__ import annotations

import importlib.metadata
import importlib.util

from rdflib import OWL, RDF, XSD, Graph, Literal, Namespace

from shfz_graph.errors import MissingExtraError, ParameterError
from shfz_graph.reasoning.consistency import consistency_problems
from shfz_graph.reasoning.index import Index, Triple
from shfz_graph.reasoning.rules import instance_rules, key_rule, schema_rules

__all__ = ["REASONERS", "package_version", "resolve_reasoner", "run_owlrl", "run_reasonable"]

REASONERS = ("auto", "owlrl", "reasonable")
# owlrl records inconsistencies as `[] a ERRNS:ErrorMessage ; ERRNS:error "..."` in the closed graph.
_ERRNS = Namespace("http://www.daml.org/2002/03/agents/agent-ont#")


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


def package_version(name: str) -> str:
    """The installed version of a distribution, read from its metadata without importing it."""
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def run_owlrl(base: set[Triple]) -> tuple[set[Triple], list[str]]:
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
        more = key_rule(Index(closed)) - closed if keys else set()
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


def run_reasonable(base: set[Triple]) -> tuple[set[Triple], list[str]]:
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
        extra = instance_rules(Index(closed)) - closed
        if not extra:
            break
        work = (closed - declarations) | extra
    closed |= schema_rules(closed)
    return closed - start, consistency_problems(closed)


def _plain(triple: Triple) -> Triple:
    """The triple with an xsd:string literal written as the simple literal it equals (RDF 1.1)."""
    s, p, o = triple
    if isinstance(o, Literal) and o.datatype == XSD.string:
        return s, p, Literal(str(o))
    return triple
