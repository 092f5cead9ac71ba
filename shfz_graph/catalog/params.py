"""A named query's parameters: their kinds, the grlc/BASIL variable names that declare them, and the
conversion of a caller's value to the RDF term bound to the variable (see the package docstring)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from rdflib import XSD, BNode, Literal, URIRef
from rdflib.term import Node

from shfz_graph import _sparqltext
from shfz_graph.catalog.xsd import IRI_SCHEMES, XSD_TYPES, iri_problem, value_problem
from shfz_graph.errors import InputError, ParameterError

__all__ = ["ParamValue", "Parameter", "parameters_in", "parse_var"]

ParamValue = str | Node | bool | int | float | Decimal | None


@dataclass(frozen=True)
class Parameter:
    """One BASIL parameter of a named query.

    `kind` is "iri", "string" (a plain literal), "lang" (a literal in language `lang`) or an XSD datatype
    name ("integer", "decimal", "date", ...; `datatype` is then its IRI). `default` and `enum` are
    given as written in the header.
    """

    name: str
    var: str
    kind: str
    required: bool
    default: str | None = None
    enum: tuple[str, ...] = ()
    datatype: URIRef | None = None
    lang: str | None = None

    @property
    def aliases(self) -> tuple[str, ...]:
        """Names a caller may use: `sector`, `sector_iri`, `_sector_iri`, `?_sector_iri`."""
        return tuple(dict.fromkeys((self.name, self.var.lstrip("_"), self.var, "?" + self.var)))

    def describe(self) -> str:
        """What kind of value this parameter takes, for messages and help."""
        if self.kind == "iri":
            return "an IRI"
        if self.kind == "string":
            return "a string"
        if self.kind == "lang":
            return f"a string in language @{self.lang}"
        return f"an xsd:{self.kind} value"

    def to_term(self, value: ParamValue) -> Node:
        """The RDF term for a value of this parameter; ParameterError if it does not fit."""
        term = self._convert(value)
        if self.enum:
            allowed = [self._convert(v) for v in self.enum]
            if term not in allowed:
                raise ParameterError(
                    f"parameter {self.name!r}: {_shown(value)} is not one of: {', '.join(self.enum)}"
                )
        return term

    def _fail(self, problem: str) -> ParameterError:
        return ParameterError(f"parameter {self.name!r} takes {self.describe()}: {problem}")

    def _convert(self, value: ParamValue) -> Node:
        if isinstance(value, BNode) or value is None:
            raise self._fail(f"{_shown(value)} is not allowed")
        if self.kind == "iri":
            if isinstance(value, Literal) or not isinstance(value, str):
                raise self._fail(f"{_shown(value)} is not an IRI")
            problem = iri_problem(str(value), schemes=IRI_SCHEMES)
            if problem:
                raise self._fail(f"{str(value)!r} is not a valid IRI: {problem}")
            return URIRef(str(value))
        if isinstance(value, URIRef):
            raise self._fail(f"got the IRI <{value}>")
        lexical = self._lexical(value)
        if self.kind == "string":
            return Literal(lexical)
        if self.kind == "lang":
            return Literal(lexical, lang=self.lang)
        problem = value_problem(self.kind, lexical)
        if problem:
            raise self._fail(problem)
        if lexical.lstrip("+-") in ("INF", "NaN"):  # rdflib would rewrite these as "inf"/"nan"
            return Literal(lexical.lstrip("+"), datatype=self.datatype, normalize=False)
        return Literal(lexical, datatype=self.datatype)

    def _lexical(self, value: ParamValue) -> str:
        """The lexical form of a literal value, refusing literals of another kind."""
        if isinstance(value, Literal):
            if self.kind == "lang":
                if value.language is not None and value.language.lower() != (self.lang or "").lower():
                    raise self._fail(f"{_shown(value)} is in language @{value.language}")
            elif value.language is not None:
                raise self._fail(f"{_shown(value)} has a language tag")
            if (
                value.datatype is not None
                and value.datatype != XSD.string
                and value.datatype != self.datatype
            ):
                raise self._fail(f"{_shown(value)} is of type <{value.datatype}>")
            return str(value)
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, (int, float, Decimal)):
            return repr(value) if isinstance(value, float) else str(value)
        return str(value)


def _shown(value: object) -> str:
    if isinstance(value, Node):
        return value.n3()
    return repr(value)


def parse_var(path: Path, var: str, offset: int, text: str) -> Parameter:
    """The parameter a `?_...` variable declares; InputError (file, line) if it breaks the convention."""
    required = not var.startswith("__")
    core = var[1:] if required else var[2:]
    line, _ = _sparqltext.line_col(text, offset)
    if not core or core.startswith("_") or core.endswith("_"):
        raise InputError(f"?{var} is not a usable parameter name", path=path, line=line)
    under = "_" if required else "__"
    name, *rest = core.split("_")
    kind, datatype, lang = "string", None, None
    problem = None
    if not re.fullmatch(r"[A-Za-z0-9]+", name):
        problem = "a parameter name is letters and digits only"
    elif len(rest) == 1 and rest[0] == "iri":
        kind = "iri"
    elif len(rest) == 1 and rest[0] == "integer":
        kind, datatype = "integer", XSD.integer
    elif len(rest) == 1 and re.fullmatch(r"[a-z]{2}", rest[0]):
        kind, lang = "lang", rest[0]
    elif len(rest) == 2 and rest[0] == "xsd" and rest[1].lower() in XSD_TYPES:
        kind = XSD_TYPES[rest[1].lower()]
        datatype = None if kind == "string" else XSD[kind]  # xsd:string is the plain literal (RDF 1.1)
    elif len(rest) == 1 and rest[0].lower() in XSD_TYPES:
        problem = f"grlc reads '{rest[0]}' as a language tag; write ?{under}{name}_xsd_{rest[0]}"
    elif len(rest) == 1:
        problem = (
            f"grlc reads '{rest[0]}' as a language tag; "
            f"use a two-letter tag or one word (?{under}{name}{rest[0]})"
        )
    elif rest:
        joined = "".join([name, *rest[:-1]])
        problem = (
            f"a parameter name has no '_' (grlc would read it as ?{under}{name} of another type); "
            f"write it as one word, e.g. ?{under}{joined}_{rest[-1]}"
        )
        if len(rest) > 1 and rest[-1].lower() in XSD_TYPES:
            problem = (
                f"a parameter name has no '_' (grlc would read it as ?{under}{name} of type "
                f"{rest[-2]}:{rest[-1]}); write ?{under}{joined}_xsd_{rest[-1]}"
            )
    if problem:
        raise InputError(
            f"?{var} does not follow the grlc/BASIL parameter convention: {problem}", path=path, line=line
        )
    return Parameter(name=name, var=var, kind=kind, required=required, datatype=datatype, lang=lang)


def parameters_in(path: Path, text: str) -> list[Parameter]:
    """The parameters a query text declares, in order of first use; one name may not take two kinds."""
    found: dict[str, Parameter] = {}
    for var, offset in _sparqltext.variables(text):
        if not var.startswith("_") or var in {p.var for p in found.values()}:
            continue
        p = parse_var(path, var, offset, text)
        if p.name in found:
            line, _ = _sparqltext.line_col(text, offset)
            raise InputError(
                f"parameter {p.name!r} appears as ?{found[p.name].var} and as ?{var}", path=path, line=line
            )
        found[p.name] = p
    return list(found.values())
