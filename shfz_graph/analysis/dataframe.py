"""Query results as typed pandas DataFrames (the `pandas` extra): one column per variable, typed from RDF.

Each column takes one dtype from the datatypes of its values:

- xsd:integer and its subtypes: `Int64` (nullable integers);
- xsd:decimal, alone or with integers: `Float64`, or `decimal.Decimal` objects with `decimals="decimal"`;
- xsd:double and xsd:float, alone or with other numbers: `Float64`;
- xsd:boolean: `boolean` (nullable booleans);
- xsd:date and xsd:dateTime: `datetime64[us]`, or `datetime64[us, UTC]` when every value has a time zone;
- anything else (IRIs, strings, language-tagged strings, mixed types, no value at all): `string`, with
  full IRIs, `_:id` for blank nodes and literals in the project's one spelling (`literals.canonical`).

Decimals become floats by default: that is what charts and arithmetic in pandas expect, and the figures here
(areas such as "about 14 km²") are far inside a float's precision. `decimals="decimal"` keeps them exact.
A value that does not fit its column's type (an ill-formed `"abc"^^xsd:integer`, a time zone in only some
date-times, an integer beyond 64 bits) turns the whole column into strings, so no value is lost unseen.
Unbound values are missing (`pd.NA`, `NaT`), never the empty string. A column whose values mix languages
(`@en` and `@zh-Hans`, or tagged and untagged) gets a companion column `<var>_lang` right after it, with
each tag spelled as `shfz_graph.literals.language_tag` spells it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from typing import Literal as Choice

from rdflib import XSD, BNode, Literal
from rdflib.term import Node

from shfz_graph.errors import MissingExtraError, ParameterError
from shfz_graph.literals import canonical, language_tag

if TYPE_CHECKING:
    import pandas as pd

    from shfz_graph.query.results import Result

__all__ = ["DECIMALS", "to_dataframe"]

#: The two ways to read xsd:decimal values; the first is the default.
DECIMALS = ("float", "decimal")

_INTEGER_TYPES = frozenset(
    XSD[t]
    for t in (
        *("integer", "int", "long", "short", "byte"),
        *("nonNegativeInteger", "nonPositiveInteger", "negativeInteger", "positiveInteger"),
        *("unsignedInt", "unsignedLong", "unsignedShort", "unsignedByte"),
    )
)
_FLOAT_TYPES = frozenset((XSD.double, XSD.float))
_DATETIME_TYPES = frozenset((XSD.dateTime, XSD.dateTimeStamp))
_INT64 = (-(2**63), 2**63 - 1)
_TZ = r"(?P<tz>Z|[+-](?:0\d|1[0-4]):[0-5]\d)?"
_DATE = re.compile(r"(?P<date>\d{4}-\d{2}-\d{2})" + _TZ, re.ASCII)
_DATETIME = re.compile(
    r"(?P<date>\d{4}-\d{2}-\d{2})T(?P<time>\d{2}:\d{2}:\d{2})(?:\.(?P<frac>\d+))?" + _TZ, re.ASCII
)
_INTEGER = re.compile(r"[+-]?[0-9]+")
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
# XSD's doubles, and rdflib's spelling of the special values (it normalises "NaN" to "nan", "-INF" to "-inf")
_DOUBLE = re.compile(r"[+-]?(?:(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|INF|inf)|NaN|nan")
_BOOLEANS = {"true": True, "1": True, "false": False, "0": False}


class _IllTyped(ValueError):
    """A lexical form that does not fit its datatype (or its column's type)."""


def _pandas() -> Any:
    try:
        import pandas
    except ImportError as exc:
        raise MissingExtraError("pandas", "pandas") from exc
    return pandas


def _kind(term: Node) -> str:
    """The type family of one bound value."""
    if not isinstance(term, Literal) or term.language is not None:
        return "text"
    datatype = term.datatype
    if datatype in _INTEGER_TYPES:
        return "integer"
    if datatype == XSD.decimal:
        return "decimal"
    if datatype in _FLOAT_TYPES:
        return "double"
    if datatype == XSD.boolean:
        return "boolean"
    if datatype == XSD.date:
        return "date"
    if datatype in _DATETIME_TYPES:
        return "datetime"
    return "text"


def _column_kind(kinds: set[str], decimals: str) -> str:
    """The column type for the set of value kinds in it (an empty column is text)."""
    if not kinds or "text" in kinds:
        return "text"
    if len(kinds) == 1 and kinds <= {"integer", "boolean"}:
        return kinds.pop()
    if kinds <= {"integer", "decimal", "double"}:
        return "decimal" if decimals == "decimal" and "double" not in kinds else "float"
    if kinds <= {"date", "datetime"}:
        return "datetime"
    return "text"


def _text(term: Node) -> str:
    """A value in a text column: an IRI in full, `_:id` for a blank node, a literal in the project's one
    spelling (`shfz_graph.literals.canonical`), so that every store gives the same text."""
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(canonical(term))


def _tz(text: str | None) -> dt.tzinfo | None:
    if text is None:
        return None
    if text == "Z":
        return dt.UTC
    sign = -1 if text[0] == "-" else 1
    hours, minutes = int(text[1:3]), int(text[4:6])
    return dt.timezone(sign * dt.timedelta(hours=hours, minutes=minutes))


def _datetime(lexical: str) -> dt.datetime:
    """An xsd:date (midnight) or xsd:dateTime as a datetime, aware when it has a time zone."""
    try:
        if m := _DATE.fullmatch(lexical):
            day = dt.date.fromisoformat(m["date"])
            return dt.datetime(day.year, day.month, day.day, tzinfo=_tz(m["tz"]))
        if m := _DATETIME.fullmatch(lexical):
            frac = (m["frac"] or "")[:6].ljust(6, "0")
            naive = dt.datetime.fromisoformat(f"{m['date']}T{m['time']}.{frac}")
            return naive.replace(tzinfo=_tz(m["tz"]))
    except ValueError:
        pass
    raise _IllTyped(lexical)


def _value(term: Node, kind: str) -> Any:
    """The Python value of one literal in a column of `kind`; `_IllTyped` if it does not fit."""
    if not isinstance(term, Literal):
        raise _IllTyped(str(term))
    lexical = str(term).strip()
    if kind == "integer":
        if not _INTEGER.fullmatch(lexical):
            raise _IllTyped(lexical)
        number = int(lexical)
        if not _INT64[0] <= number <= _INT64[1]:
            raise _IllTyped(lexical)
        return number
    if kind == "boolean":
        if lexical not in _BOOLEANS:
            raise _IllTyped(lexical)
        return _BOOLEANS[lexical]
    if kind in ("float", "decimal"):
        if term.datatype in _FLOAT_TYPES:
            if not _DOUBLE.fullmatch(lexical):
                raise _IllTyped(lexical)
            return float(lexical)  # INF, -INF and NaN are xsd:double values too
        if not _DECIMAL.fullmatch(lexical):  # xsd:integer's forms are xsd:decimal forms too
            raise _IllTyped(lexical)
        exact = Decimal(lexical)
        return exact if kind == "decimal" else float(exact)
    if kind == "datetime":
        return _datetime(lexical)
    raise AssertionError(kind)


def _typed_column(pd: Any, values: Sequence[Node | None], kind: str) -> Any:
    """A pandas array of `kind` for `values`; raises `_IllTyped` when one does not fit."""
    if kind == "text":
        return pd.array([None if t is None else _text(t) for t in values], dtype=pd.StringDtype())
    parsed = [None if t is None else _value(t, kind) for t in values]
    if kind == "integer":
        return pd.array(parsed, dtype="Int64")
    if kind == "boolean":
        return pd.array(parsed, dtype="boolean")
    if kind == "float":  # built with its mask, so that an xsd:double NaN stays a value, not a missing one
        import numpy as np

        mask = np.array([v is None for v in parsed], dtype=bool)
        data = np.array([0.0 if v is None else v for v in parsed], dtype="float64")
        return pd.arrays.FloatingArray(data, mask)
    if kind == "decimal":
        return pd.array(parsed, dtype=object)
    # datetime: all naive or all aware (shown in UTC); a mix has no one type
    zones = {v.tzinfo is not None for v in parsed if v is not None}
    if zones == {True}:
        utc = [None if v is None else v.astimezone(dt.UTC).replace(tzinfo=None) for v in parsed]
        return pd.array(utc, dtype="datetime64[us]").tz_localize("UTC")
    if zones == {True, False}:
        raise _IllTyped("some date-times have a time zone and some do not")
    return pd.array(parsed, dtype="datetime64[us]")


def _languages(values: Sequence[Node | None]) -> list[str | None] | None:
    """The language of each value, if the bound values mix languages (or tagged and untagged text)."""
    tags = [
        language_tag(t.language) if isinstance(t, Literal) and t.language is not None else None
        for t in values
    ]
    seen = {tag for tag, t in zip(tags, values, strict=True) if t is not None}
    if len(seen) > 1 and seen != {None}:
        return tags
    return None


def _lang_name(var: str, taken: set[str]) -> str:
    name = f"{var}_lang"
    while name in taken:
        name += "_"
    return name


def _check_decimals(decimals: str) -> None:
    if decimals not in DECIMALS:
        raise ParameterError(f"decimals must be one of: {', '.join(DECIMALS)} (not {decimals!r})")


def to_dataframe(result: Result, *, decimals: Choice["float", "decimal"] = "float") -> pd.DataFrame:
    """The result as a DataFrame typed from the RDF datatypes (see the module's table).

    An ASK result is one row with a `boolean` column. `decimals="decimal"` keeps xsd:decimal values exact
    (`decimal.Decimal` objects) instead of `Float64`.

    :raises MissingExtraError: pandas is not installed (the `pandas` extra).
    :raises ParameterError: `decimals` is not "float" or "decimal".
    """
    _check_decimals(decimals)
    pd = _pandas()
    if result.kind == "ASK":
        return pd.DataFrame({"boolean": pd.array([result.boolean], dtype="boolean")})
    columns: dict[str, Any] = {}
    taken = set(result.vars)
    for var in result.vars:
        values = [row.get(var) for row in result.rows]
        kind = _column_kind({_kind(t) for t in values if t is not None}, decimals)
        try:
            columns[var] = _typed_column(pd, values, kind)
        except _IllTyped:
            columns[var] = _typed_column(pd, values, "text")
        tags = _languages(values)
        if tags is not None:
            name = _lang_name(var, taken)
            taken.add(name)
            columns[name] = pd.array(tags, dtype=pd.StringDtype())
    return pd.DataFrame(columns, index=pd.RangeIndex(len(result.rows)))
