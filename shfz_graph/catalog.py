"""Named queries: `queries/*.rq` with grlc-style `#+` headers and BASIL parameters, bound as RDF terms.

Header (the leading `#+` lines, a small strict subset of YAML, read without a YAML library)::

    #+ summary: Zones that focus on a given sector
    #+ description: Longer text.
    #+ tags:
    #+   - zones
    #+ defaults:
    #+   - sector_iri: https://w3id.org/shfz/id/sector/artificial-intelligence
    #+ enumerate:
    #+   - sector_iri:
    #+     - https://w3id.org/shfz/id/sector/artificial-intelligence
    #+ method: GET
    #+ network: true        (ours: the query is federated and needs network access)

Parameters follow the grlc/BASIL convention exactly as grlc 1.3 reads it, so that grlc can serve the
folder unchanged: a variable `?_name` is a string parameter, `?_name_iri` an IRI, `?_name_integer` an
xsd:integer, `?_name_xsd_TYPE` a literal of that XSD datatype (`?_minarea_xsd_decimal`), `?_name_en` a
literal in language `en` (two letters). `?__name...` (two underscores) is optional. A name has no `_` in
it (grlc would read the rest as a type): `?_min_area_decimal` is refused, with the spelling to use
instead. Defaults and enumerations are keyed by the name (`- minarea: 20`). Callers give the name
(`minarea`) or the variable (`_minarea_xsd_decimal`); the names of the previous release (`min_area`,
`min_area_decimal`) still work for one release, with a `DeprecatedParameterName` warning.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import re
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from rdflib import XSD, BNode, Literal, URIRef
from rdflib.term import Node

from shfz_graph import _sparqltext
from shfz_graph.errors import DeprecatedParameterName, InputError, ParameterError, UnknownQueryError

ParamValue = str | Node | bool | int | float | Decimal | None

#: XSD datatypes a parameter may name (lower-case suffix -> canonical local name).
XSD_TYPES = {
    t.lower(): t
    for t in (
        *("string", "boolean", "decimal", "integer", "double", "float"),
        *("date", "dateTime", "dateTimeStamp", "time", "duration", "dayTimeDuration", "yearMonthDuration"),
        *("gYear", "gYearMonth", "gMonth", "gMonthDay", "gDay"),
        *("long", "int", "short", "byte", "nonNegativeInteger", "positiveInteger", "nonPositiveInteger"),
        *("negativeInteger", "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte"),
        *("anyURI", "hexBinary", "base64Binary", "normalizedString", "token", "language"),
    )
}

_TZ = r"(?:Z|[+-](?:0\d|1[0-4]):[0-5]\d)?"
_LEXICAL = {
    "integer": r"[+-]?[0-9]+",
    "decimal": r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)",
    "double": r"[+-]?(?:(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|INF)|NaN",
    "boolean": r"true|false|1|0",
    "date": r"-?[0-9]{4,}-[0-9]{2}-[0-9]{2}" + _TZ,
    "dateTime": r"-?[0-9]{4,}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?" + _TZ,
    "dateTimeStamp": r"-?[0-9]{4,}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?"
    r"(?:Z|[+-][0-9]{2}:[0-9]{2})",
    "time": r"[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?" + _TZ,
    "gYear": r"-?[0-9]{4,}" + _TZ,
    "gYearMonth": r"-?[0-9]{4,}-(?:0[1-9]|1[0-2])" + _TZ,
    "gMonth": r"--(?:0[1-9]|1[0-2])" + _TZ,
    "gMonthDay": r"--(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])" + _TZ,
    "gDay": r"---(?:0[1-9]|[12][0-9]|3[01])" + _TZ,
    "duration": r"-?P(?=[0-9T])(?:[0-9]+Y)?(?:[0-9]+M)?(?:[0-9]+D)?(?:T(?=[0-9])(?:[0-9]+H)?(?:[0-9]+M)?"
    r"(?:[0-9]+(?:\.[0-9]+)?S)?)?",
    "dayTimeDuration": r"-?P(?=[0-9T])(?:[0-9]+D)?(?:T(?=[0-9])(?:[0-9]+H)?(?:[0-9]+M)?"
    r"(?:[0-9]+(?:\.[0-9]+)?S)?)?",
    "yearMonthDuration": r"-?P(?=[0-9])(?:[0-9]+Y)?(?:[0-9]+M)?",
    "hexBinary": r"(?:[0-9A-Fa-f]{2})*",
    "base64Binary": r"[A-Za-z0-9+/]*={0,2}",
    "language": r"[a-zA-Z]{1,8}(?:-[a-zA-Z0-9]{1,8})*",
}
_LEXICAL["float"] = _LEXICAL["double"]

# integer types and their bounds (inclusive; None = unbounded)
_INTEGER_RANGES: dict[str, tuple[int | None, int | None]] = {
    "integer": (None, None),
    "long": (-(2**63), 2**63 - 1),
    "int": (-(2**31), 2**31 - 1),
    "short": (-(2**15), 2**15 - 1),
    "byte": (-128, 127),
    "nonNegativeInteger": (0, None),
    "positiveInteger": (1, None),
    "nonPositiveInteger": (None, 0),
    "negativeInteger": (None, -1),
    "unsignedLong": (0, 2**64 - 1),
    "unsignedInt": (0, 2**32 - 1),
    "unsignedShort": (0, 2**16 - 1),
    "unsignedByte": (0, 255),
}

IRI_SCHEMES = ("http", "https", "urn")
_IRI_BAD = set('<>"{}|^`\\')


def iri_problem(value: str) -> str | None:
    """Why `value` is not an acceptable absolute IRI (http, https or urn), or None if it is."""
    if not value:
        return "it is empty"
    for c in value:
        if c in _IRI_BAD or ord(c) <= 0x20 or 0x7F <= ord(c) <= 0x9F or c.isspace():
            return f"it contains {c!r}"
    m = re.match(r"([A-Za-z][A-Za-z0-9+.\-]*):", value)
    if not m:
        return "it is not absolute (it needs a scheme such as https:)"
    scheme = m.group(1).lower()
    if scheme not in IRI_SCHEMES:
        return f"its scheme {scheme!r} is not one of: {', '.join(IRI_SCHEMES)}"
    if scheme in ("http", "https") and not re.match(r"[A-Za-z]+://[^/?#]+", value):
        return "it has no host"
    if scheme == "urn" and not re.fullmatch(r"urn:[A-Za-z0-9][A-Za-z0-9\-]{0,31}:.+", value, re.IGNORECASE):
        return "it is not of the form urn:NID:NSS"
    return None


def _value_problem(local: str, lexical: str) -> str | None:
    """Why `lexical` is not a valid xsd:`local` value, or None."""
    base = "integer" if local in _INTEGER_RANGES else local
    pattern = _LEXICAL.get(base)
    if pattern is not None and not re.fullmatch(pattern, lexical):
        return f"{lexical!r} is not a valid xsd:{local}"
    if local in _INTEGER_RANGES:
        low, high = _INTEGER_RANGES[local]
        n = int(lexical)
        if (low is not None and n < low) or (high is not None and n > high):
            return f"{lexical!r} is out of range for xsd:{local}"
    if local in ("date", "dateTime", "dateTimeStamp"):
        m = re.match(r"-?([0-9]{4,})-([0-9]{2})-([0-9]{2})", lexical)
        assert m is not None
        year, month, day = (int(g) for g in m.groups())
        try:
            dt.date(2000 + year % 400, month, day)  # same place in the 400-year Gregorian cycle
        except ValueError:
            return f"{lexical!r} is not a valid xsd:{local} (no such day)"
    if local in ("dateTime", "dateTimeStamp", "time"):
        m = re.search(r"([0-9]{2}):([0-9]{2}):([0-9]{2})", lexical)
        assert m is not None
        h, mi, s = (int(g) for g in m.groups())
        if not (h < 24 and mi < 60 and s < 60) and not (h == 24 and mi == 0 and s == 0):
            return f"{lexical!r} is not a valid xsd:{local} (no such time)"
    if local == "anyURI" and any(c.isspace() for c in lexical):
        return f"{lexical!r} is not a valid xsd:anyURI"
    return None


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
            problem = iri_problem(str(value))
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
        problem = _value_problem(self.kind, lexical)
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


@dataclass(frozen=True)
class NamedQuery:
    """A query file: its name (file stem), text, header fields and parameters."""

    name: str
    path: Path
    text: str
    summary: str = ""
    description: str = ""
    tags: tuple[str, ...] = ()
    parameters: tuple[Parameter, ...] = ()
    network: bool = False
    method: str = "GET"
    _aliases: dict[str, Parameter] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        aliases: dict[str, Parameter] = {}
        for p in self.parameters:
            for alias in p.aliases:
                aliases.setdefault(alias, p)
        object.__setattr__(self, "_aliases", aliases)

    def parameter(self, name: str) -> Parameter:
        """The parameter called `name` (or `name_type`, or its variable); ParameterError if none.

        A name of the previous release (`min_area` for `minarea`) still finds its parameter, with a
        `DeprecatedParameterName` warning."""
        found = self._aliases.get(name)
        if found is not None:
            return found
        renamed = self.renamed(name)
        if renamed is not None:
            warnings.warn(DeprecatedParameterName(name, renamed.name), stacklevel=2)
            return renamed
        known = ", ".join(p.name for p in self.parameters) or "none"
        raise ParameterError(f"query {self.name!r} has no parameter {name!r} (its parameters: {known})")

    def renamed(self, name: str) -> Parameter | None:
        """The parameter that `name` called before parameter names lost their `_` (`min_area`,
        `min_area_decimal`, `_min_area_decimal` -> `minarea`), or None."""
        core = name.removeprefix("?").lstrip("_")
        if "_" not in core:
            return None
        for p in self.parameters:
            old = core
            for suffix in dict.fromkeys((p.var.lstrip("_")[len(p.name) :], "_" + p.kind)):
                if suffix and old.endswith(suffix):
                    old = old[: -len(suffix)]
                    break
            if old.replace("_", "") == p.name:
                return p
        return None

    def bind(self, params: Mapping[str, ParamValue] | None = None) -> dict[str, Node]:
        """Variable name -> RDF term for the given values, defaults filled in, everything checked."""
        given: dict[str, tuple[str, ParamValue]] = {}
        for key, value in (params or {}).items():
            p = self.parameter(key)
            if p.name in given:
                raise ParameterError(
                    f"parameter {p.name!r} is given twice (as {given[p.name][0]!r} and {key!r})"
                )
            if value is not None:
                given[p.name] = (key, value)
        out: dict[str, Node] = {}
        for p in self.parameters:
            if p.name in given:
                out[p.var] = p.to_term(given[p.name][1])
            elif p.default is not None:
                out[p.var] = p.to_term(p.default)
            elif p.required:
                raise ParameterError(f"query {self.name!r} needs parameter {p.name!r} ({p.describe()})")
        return out


# -- the header -------------------------------------------------------------------------------------


@dataclass
class _Line:
    number: int
    indent: int
    text: str  # without indentation and trailing spaces
    raw: str  # after '#+ ', with indentation


@dataclass
class _Node:
    line: int
    value: str | list[_Node]
    key: str | None = None


_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_\-]*)\s*:(?:\s+(.*)|)$")

KNOWN_KEYS = ("summary", "description", "tags", "defaults", "enumerate", "method", "network")
#: grlc decorators accepted for compatibility and ignored here.
GRLC_KEYS = ("endpoint", "pagination", "endpoint_in_url", "transform")


class _Header:
    """Reads the `#+` lines of one file into nested `_Node`s."""

    def __init__(self, path: Path, lines: list[_Line]) -> None:
        self.path = path
        self.lines = lines
        self.i = 0

    def error(self, message: str, line: int) -> InputError:
        return InputError(f"query header: {message}", path=self.path, line=line)

    def peek(self) -> _Line | None:
        return self.lines[self.i] if self.i < len(self.lines) else None

    def mapping(self) -> dict[str, _Node]:
        out: dict[str, _Node] = {}
        indent = self.lines[0].indent if self.lines else 0
        while (line := self.peek()) is not None:
            if line.indent != indent:
                raise self.error("unexpected indentation", line.number)
            m = _KEY.match(line.text)
            if not m:
                raise self.error(f"expected 'key: value', found {line.text!r}", line.number)
            key, rest = m.group(1), m.group(2) or ""
            if key in out:
                raise self.error(f"{key!r} is given twice", line.number)
            self.i += 1
            out[key] = self.value(rest, line)
        return out

    def value(self, rest: str, owner: _Line) -> _Node:
        """The value after `key:`: a scalar (maybe continued on deeper lines), a block scalar or a list."""
        nxt = self.peek()
        deeper = nxt is not None and nxt.indent > owner.indent
        if rest in ("|", ">"):
            texts = []
            while (line := self.peek()) is not None and line.indent > owner.indent:
                texts.append(line)
                self.i += 1
            if not texts:
                return _Node(owner.number, "")
            margin = min(t.indent for t in texts)
            if rest == "|":
                return _Node(owner.number, "\n".join(t.raw[margin:].rstrip() for t in texts))
            return _Node(owner.number, " ".join(t.text for t in texts))
        if nxt is not None and deeper and rest == "" and nxt.text.startswith("-"):
            return _Node(owner.number, self.sequence(nxt.indent))
        node = self.scalar(rest, owner.number)
        if deeper and isinstance(node.value, str):
            parts = [node.value] if node.value else []
            while (line := self.peek()) is not None and line.indent > owner.indent:
                if line.text.startswith("- ") or line.text == "-":
                    raise self.error("a list item needs its key on a line of its own", line.number)
                parts.append(str(self.scalar(line.text, line.number).value))
                self.i += 1
            node = _Node(owner.number, " ".join(parts))
        return node

    def sequence(self, indent: int) -> list[_Node]:
        items: list[_Node] = []
        while (line := self.peek()) is not None and line.indent >= indent:
            if line.indent > indent:
                raise self.error("unexpected indentation", line.number)
            if not (line.text == "-" or line.text.startswith("- ")):
                raise self.error(f"expected a list item '- ...', found {line.text!r}", line.number)
            content = line.text[1:].strip()
            self.i += 1
            m = _KEY.match(content)
            if m:
                key, rest = m.group(1), m.group(2) or ""
                nxt = self.peek()
                if rest == "" and nxt is not None and nxt.indent > indent:
                    if not nxt.text.startswith("-"):
                        raise self.error("expected a list of values", nxt.number)
                    items.append(_Node(line.number, self.sequence(nxt.indent), key))
                else:
                    items.append(_Node(line.number, self.scalar(rest, line.number).value, key))
            else:
                items.append(self.scalar(content, line.number))
            nxt = self.peek()
            if nxt is not None and nxt.indent > indent:
                raise self.error("unexpected indentation", nxt.number)
        return items

    def scalar(self, text: str, line: int) -> _Node:
        """A plain, quoted or flow-list (`[a, b]`) scalar, without a trailing ` # comment`."""
        text = _strip_comment(text).strip()
        if text.startswith("[") and text.endswith("]"):
            inner = text[1:-1].strip()
            parts = _split_flow(inner) if inner else []
            return _Node(line, [_Node(line, self._unquote(p.strip(), line)) for p in parts])
        if text.startswith(("{", "&", "*", "!", "%", "@", "`")):
            raise self.error(f"unsupported YAML syntax in {text!r} (quote the value)", line)
        return _Node(line, self._unquote(text, line))

    def _unquote(self, text: str, line: int) -> str:
        if len(text) >= 2 and text[0] == text[-1] == '"':
            try:
                value = json.loads(text)
            except ValueError:
                raise self.error(f"bad double-quoted string {text}", line) from None
            return str(value)
        if len(text) >= 2 and text[0] == text[-1] == "'":
            return text[1:-1].replace("''", "'")
        if text[:1] in ("'", '"'):
            raise self.error(f"unterminated quoted string {text}", line)
        return text


def _strip_comment(text: str) -> str:
    """Drop a YAML comment: `#` at the start or after a space, outside quotes."""
    quote = ""
    for i, c in enumerate(text):
        if quote:
            if c == quote:
                quote = ""
        elif c in "'\"" and (i == 0 or text[i - 1] in " [,"):
            quote = c
        elif c == "#" and (i == 0 or text[i - 1] in " \t"):
            return text[:i]
    return text


def _split_flow(inner: str) -> list[str]:
    parts, quote, start = [], "", 0
    for i, c in enumerate(inner):
        if quote:
            if c == quote:
                quote = ""
        elif c in "'\"":
            quote = c
        elif c == ",":
            parts.append(inner[start:i])
            start = i + 1
    parts.append(inner[start:])
    return parts


def _split_header(path: Path, text: str) -> list[_Line]:
    """The leading `#+` lines; a `#+` line further down is an error (it would be silently ignored)."""
    lines: list[_Line] = []
    in_header = True
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.startswith("#+"):
            in_header = False
            continue
        if not in_header:
            raise InputError("a '#+' header line must come before the query itself", path=path, line=number)
        body = raw[2:]
        body = body[1:] if body.startswith(" ") else body
        if not body.strip():
            continue
        stripped = body.lstrip(" ")
        if stripped.startswith("\t"):
            raise InputError("query header: indent with spaces, not tabs", path=path, line=number)
        lines.append(_Line(number, len(body) - len(stripped), stripped.rstrip(), body.rstrip()))
    return lines


# -- reading one file ---------------------------------------------------------------------------------


def _parse_var(path: Path, var: str, offset: int, text: str) -> Parameter:
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


def _parameters(path: Path, text: str) -> list[Parameter]:
    found: dict[str, Parameter] = {}
    for var, offset in _sparqltext.variables(text):
        if not var.startswith("_") or var in {p.var for p in found.values()}:
            continue
        p = _parse_var(path, var, offset, text)
        if p.name in found:
            line, _ = _sparqltext.line_col(text, offset)
            raise InputError(
                f"parameter {p.name!r} appears as ?{found[p.name].var} and as ?{var}", path=path, line=line
            )
        found[p.name] = p
    return list(found.values())


def _as_text(header: _Header, node: _Node, key: str) -> str:
    if not isinstance(node.value, str):
        raise header.error(f"{key!r} must be a single value", node.line)
    return node.value


def _as_list(header: _Header, node: _Node, key: str) -> list[_Node]:
    if isinstance(node.value, str):
        if not node.value:
            return []
        raise header.error(f"{key!r} must be a list ('- item' lines)", node.line)
    return node.value


def load_query(path: Path | str) -> NamedQuery:
    """Read one `.rq` file into a NamedQuery; InputError (file and line) if its header is malformed."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8").removeprefix("\ufeff")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read query file: {exc}", path=path) from None
    header = _Header(path, _split_header(path, text))
    fields = header.mapping()
    params = {p.name: p for p in _parameters(path, text)}
    by_alias = {alias: p for p in params.values() for alias in p.aliases}

    def param_for(node: _Node, what: str) -> Parameter:
        p = by_alias.get(node.key or "")
        if p is None:
            known = ", ".join(params) or "none"
            raise header.error(f"{what} for unknown parameter {node.key!r} (parameters: {known})", node.line)
        if node.key != p.name:  # grlc finds a default or enumeration by the parameter's name only
            raise header.error(
                f"{what} for {node.key!r}: key it by the parameter's name, {p.name!r}", node.line
            )
        return p

    summary = description = ""
    method = "GET"
    network = False
    tags: list[str] = []
    defaults: dict[str, tuple[str, int]] = {}
    enums: dict[str, tuple[tuple[str, ...], int]] = {}
    for key, node in fields.items():
        if key == "summary":
            summary = _as_text(header, node, key)
        elif key == "description":
            description = _as_text(header, node, key)
        elif key == "tags":
            items = [node] if isinstance(node.value, str) and node.value else _as_list(header, node, key)
            for item in items:
                if item.key is not None:
                    raise header.error("tags are '- tag' lines", item.line)
                tags.append(_as_text(header, item, "tag"))
        elif key == "method":
            method = _as_text(header, node, key).upper()
            if method not in ("GET", "POST"):
                raise header.error(f"method must be GET or POST, not {method!r}", node.line)
        elif key == "network":
            flag = _as_text(header, node, key).lower()
            if flag not in ("true", "false"):
                raise header.error(f"network must be true or false, not {flag!r}", node.line)
            network = flag == "true"
        elif key == "defaults":
            for item in _as_list(header, node, key):
                if item.key is None or not isinstance(item.value, str):
                    raise header.error("defaults are '- name: value' lines", item.line)
                p = param_for(item, "default")
                if p.name in defaults:
                    raise header.error(f"two defaults for parameter {p.name!r}", item.line)
                defaults[p.name] = (item.value, item.line)
        elif key == "enumerate":
            for item in _as_list(header, node, key):
                if item.key is None or isinstance(item.value, str):
                    raise header.error("enumerate takes '- name:' lines, then '- value' lines", item.line)
                p = param_for(item, "enumerate")
                enums[p.name] = (tuple(_as_text(header, v, "value") for v in item.value), item.line)
        elif key not in GRLC_KEYS:
            raise header.error(f"unknown key {key!r} (known: {', '.join(KNOWN_KEYS)})", node.line)

    final: list[Parameter] = []
    for p in params.values():
        enum, enum_line = enums.get(p.name, ((), 0))
        default, default_line = defaults.get(p.name, (None, 0))
        p = Parameter(p.name, p.var, p.kind, p.required, default, enum, p.datatype, p.lang)
        for value, line in [(v, enum_line) for v in enum] + [(default, default_line)]:
            if value is None:
                continue
            try:
                p.to_term(value)
            except ParameterError as exc:
                raise header.error(str(exc), line) from None
        final.append(p)
    return NamedQuery(
        name=path.stem,
        path=path,
        text=text,
        summary=summary,
        description=description,
        tags=tuple(tags),
        parameters=tuple(final),
        network=network,
        method=method,
    )


# -- the catalogue ------------------------------------------------------------------------------------


def _queries_dir(queries_dir: Path | str | None) -> Path:
    if queries_dir is not None:
        return Path(queries_dir)
    from shfz_graph import resources  # imported when needed: it locates the checkout or the wheel

    return Path(resources.queries_dir())


def _files(directory: Path) -> list[Path]:
    if not directory.is_dir():
        raise InputError("query folder not found", path=directory)
    return sorted(directory.glob("*.rq"), key=lambda p: p.stem)


def catalog(queries_dir: Path | str | None = None) -> list[NamedQuery]:
    """Every named query of the folder (the project's `queries/` by default), sorted by name."""
    return [load_query(p) for p in _files(_queries_dir(queries_dir))]


def get(name: str, queries_dir: Path | str | None = None) -> NamedQuery:
    """The named query `name`; UnknownQueryError (with up to 3 near names) if there is none."""
    files = {p.stem: p for p in _files(_queries_dir(queries_dir))}
    stem = name.removesuffix(".rq")
    if stem not in files:
        raise UnknownQueryError(name, difflib.get_close_matches(stem, list(files), n=3))
    return load_query(files[stem])
