"""SHACL validation with pySHACL, returned as a plain, sorted report; the input graphs are never changed."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from rdflib import RDF, BNode, Graph, Literal, Namespace, URIRef
from rdflib.term import Node

from shfz_graph.errors import InputError, ParameterError

__all__ = ["INFERENCE", "ValidationReport", "ValidationResult", "validate"]

SH = Namespace("http://www.w3.org/ns/shacl#")
INFERENCE = ("none", "rdfs", "owlrl", "both")
_SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}
_LOCAL_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_UNARY_PATHS = ((SH.zeroOrMorePath, "*"), (SH.oneOrMorePath, "+"), (SH.zeroOrOnePath, "?"))


@dataclass(frozen=True)
class ValidationResult:
    """One SHACL result: which node broke which shape, along which path, and why.

    `path` is the predicate IRI, or for a complex path a blank node of the report graph (see
    `path_text`); `severity` is "Violation", "Warning" or "Info"; `constraint` is the constraint
    component (e.g. sh:MinCountConstraintComponent). `path_text` and `shape_text` are readable renderings
    (prefixed names, SPARQL property-path syntax; a blank property shape as `Parent[path]`).
    """

    focus_node: Node
    path: Node | None
    message: str
    severity: str
    source_shape: Node
    value: Node | None
    constraint: URIRef | None = None
    path_text: str = field(default="", compare=False)
    shape_text: str = field(default="", compare=False)
    focus_text: str = field(default="", compare=False)

    def line(self) -> str:
        """The result on one line: severity, focus node, path, shape, message (and the offending value)."""
        focus = self.focus_text or self.focus_node.n3()
        path = self.path_text or (self.path.n3() if self.path is not None else "-")
        shape = self.shape_text or self.source_shape.n3()
        value = f" [value: {self.value.n3()}]" if self.value is not None else ""
        return f"{self.severity}: {focus} {path} (shape {shape}): {self.message}{value}"


@dataclass(frozen=True)
class ValidationReport:
    """The outcome of a validation: `conforms`, and the results sorted by severity, node, path, shape."""

    conforms: bool
    results: list[ValidationResult]
    graph: Graph = field(repr=False, compare=False, default_factory=Graph)

    def text(self) -> str:
        """A readable report: a summary line, then one line per result."""
        if not self.results:
            return "Conforms: no SHACL results."
        tally = Counter(result.severity for result in self.results)
        parts = [
            f"{count} {severity.lower()}{'s' if count != 1 else ''}"
            for severity, count in sorted(tally.items(), key=lambda item: _severity_rank(item[0]))
        ]
        noun = "result" if len(self.results) == 1 else "results"
        head = "Conforms" if self.conforms else "Does not conform"
        lines = [f"{head}: {len(self.results)} {noun} ({', '.join(parts)})"]
        lines.extend(result.line() for result in self.results)
        return "\n".join(lines)

    def to_graph(self) -> Graph:
        """The W3C SHACL validation report graph (a copy, free to change)."""
        copy = Graph()
        for prefix, namespace in self.graph.namespaces():
            copy.bind(prefix, namespace, override=True, replace=True)
        copy += self.graph
        return copy


def validate(
    data_graph: Graph,
    shapes_graph: Graph,
    ont_graph: Graph | None = None,
    *,
    inference: str = "none",
    advanced: bool = False,
) -> ValidationReport:
    """Validate `data_graph` against `shapes_graph`; the ontology, if given, is mixed into a copy of the data.

    `inference`: "none", "rdfs", "owlrl" or "both" (pySHACL expands a copy of the data first).
    `advanced`: enable SHACL Advanced Features (SPARQL targets, rules; applied to the copy only).
    """
    if inference not in INFERENCE:
        raise ParameterError(f"unknown inference {inference!r}; choose one of {', '.join(INFERENCE)}")
    import pyshacl

    shapes = Graph()  # pySHACL adds RDFS/OWL axioms (owl:Class rdfs:subClassOf rdfs:Class ...) to its shapes
    for prefix, namespace in shapes_graph.namespaces():
        shapes.bind(prefix, namespace, override=True, replace=True)
    shapes += shapes_graph
    try:
        conforms, report_graph, _ = pyshacl.validate(
            data_graph,
            shacl_graph=shapes,
            ont_graph=ont_graph,
            inference=inference,
            advanced=advanced,
            inplace=False,
            abort_on_first=False,
            allow_warnings=False,
            allow_infos=False,
        )
    except Exception as exc:  # pySHACL's ShapeLoadError, ConstraintLoadError, ReportableRuntimeError
        message = getattr(exc, "message", None)
        raise InputError(
            f"invalid SHACL shapes: {message if isinstance(message, str) else _first_line(exc)}"
        ) from exc
    if not isinstance(report_graph, Graph):  # pySHACL returns a ValidationFailure instead of raising
        message = getattr(report_graph, "message", None) or str(report_graph)
        raise InputError(f"invalid SHACL shapes: {message}")
    renderer = _Renderer([data_graph, shapes_graph, report_graph], shapes_graph, report_graph)
    results = [
        _result(report_graph, node, renderer) for node in report_graph.subjects(RDF.type, SH.ValidationResult)
    ]
    results.sort(key=_sort_key)
    return ValidationReport(conforms=bool(conforms), results=results, graph=report_graph)


def _first_line(exc: Exception) -> str:
    """The first non-empty line of an exception's message."""
    for line in str(exc).splitlines():
        if line.strip():
            return line.strip()
    return type(exc).__name__


def _severity_rank(severity: str) -> int:
    """Violations first, then warnings, infos, and any custom severity."""
    return _SEVERITY_ORDER.get(severity, len(_SEVERITY_ORDER))


def _sort_key(result: ValidationResult) -> tuple[int, str, str, str, str, str]:
    """Order by severity, then by the rendered node, path, shape, message and value (never by bnode ids)."""
    value = result.value.n3() if result.value is not None and not isinstance(result.value, BNode) else ""
    return (
        _severity_rank(result.severity),
        result.focus_text,
        result.path_text,
        result.shape_text,
        result.message,
        value,
    )


def _result(report: Graph, node: Node, renderer: _Renderer) -> ValidationResult:
    """A ValidationResult from one sh:ValidationResult node of the report graph."""
    focus = report.value(node, SH.focusNode)
    path = report.value(node, SH.resultPath)
    shape = report.value(node, SH.sourceShape)
    severity = report.value(node, SH.resultSeverity)
    constraint = report.value(node, SH.sourceConstraintComponent)
    assert focus is not None and shape is not None  # required by the SHACL report vocabulary
    return ValidationResult(
        focus_node=focus,
        path=path,
        message=_message(report.objects(node, SH.resultMessage)),
        severity=renderer.local_name(severity) if isinstance(severity, URIRef) else "Violation",
        source_shape=shape,
        value=report.value(node, SH.value),
        constraint=constraint if isinstance(constraint, URIRef) else None,
        path_text=renderer.path(path, report) if path is not None else "-",
        shape_text=renderer.shape(shape),
        focus_text=renderer.term(focus),
    )


def _message(messages: Iterable[Node]) -> str:
    """The result message: English (or untagged) messages if any, else all; several joined by "; "."""
    literals = sorted(
        {m for m in messages if isinstance(m, Literal)}, key=lambda m: (m.language or "", str(m))
    )
    preferred = [m for m in literals if (m.language or "en").lower().startswith("en")]
    return "; ".join(str(m) for m in (preferred or literals))


class _Renderer:
    """Writes terms as prefixed names (from the graphs' prefixes, never adding any) and paths as SPARQL."""

    def __init__(self, graphs: Iterable[Graph], shapes: Graph, report: Graph) -> None:
        prefixes: dict[str, str] = {}
        for graph in graphs:
            for prefix, namespace in graph.namespaces():
                prefixes.setdefault(str(namespace), prefix)
        # longest namespace first, so `https://w3id.org/shfz/id/zone/` wins over `https://w3id.org/shfz/`
        self._prefixes = sorted(prefixes.items(), key=lambda item: -len(item[0]))
        self._shapes = shapes
        self._report = report

    def term(self, node: Node) -> str:
        """A prefixed name when a bound namespace and a simple local name allow it, else N-Triples syntax."""
        if isinstance(node, URIRef):
            text = str(node)
            for namespace, prefix in self._prefixes:
                if text.startswith(namespace) and _LOCAL_NAME.fullmatch(text[len(namespace) :]):
                    return f"{prefix}:{text[len(namespace) :]}"
        if isinstance(node, BNode):
            return "[]"
        return node.n3()

    def local_name(self, node: URIRef) -> str:
        """The part of an IRI after its last '#' or '/' (sh:Violation -> "Violation")."""
        return re.split(r"[#/]", str(node))[-1]

    def path(self, node: Node, graph: Graph) -> str:
        """A SHACL property path in SPARQL syntax: `a/b`, `^a`, `(a|b)`, `a*`, `a+`, `a?`."""
        if not isinstance(node, BNode):
            return self.term(node)
        items = list(graph.items(node)) if graph.value(node, RDF.first) is not None else None
        if items is not None:
            return "/".join(self._sub_path(item, graph) for item in items)
        inverse = graph.value(node, SH.inversePath)
        if inverse is not None:
            return "^" + self._sub_path(inverse, graph)
        alternatives = graph.value(node, SH.alternativePath)
        if alternatives is not None:
            return "(" + "|".join(self._sub_path(item, graph) for item in graph.items(alternatives)) + ")"
        for predicate, suffix in _UNARY_PATHS:
            inner = graph.value(node, predicate)
            if inner is not None:
                return self._sub_path(inner, graph) + suffix
        return "[]"

    def _sub_path(self, node: Node, graph: Graph) -> str:
        """A path inside another, parenthesised when it is a sequence (alternatives bring their own)."""
        text = self.path(node, graph)
        return f"({text})" if graph.value(node, RDF.first) is not None else text

    def shape(self, node: Node) -> str:
        """A shape's name; a blank property shape as `Parent[path]` from the shapes graph."""
        if not isinstance(node, BNode):
            return self.term(node)
        path = self._shapes.value(node, SH.path)
        path_text = self.path(path, self._shapes) if path is not None else ""
        if not path_text:
            report_path = self._report.value(node, SH.path)
            path_text = self.path(report_path, self._report) if report_path is not None else ""
        parents = sorted(self.term(parent) for parent in self._shapes.subjects(SH.property, node))
        parent = parents[0] if parents else ""
        if path_text:
            return f"{parent}[{path_text}]"
        return parent or "[]"
