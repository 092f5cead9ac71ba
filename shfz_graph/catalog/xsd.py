"""The XSD rules a query parameter's value is checked against: lexical forms, integer ranges, IRIs."""

from __future__ import annotations

import datetime as dt
import re

from shfz_graph.iris import iri_problem

__all__ = ["IRI_SCHEMES", "XSD_TYPES", "iri_problem", "value_problem"]

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

#: The schemes a query parameter's IRI may have (checked by `shfz_graph.iris.iri_problem`).
IRI_SCHEMES = ("http", "https", "urn")


def value_problem(local: str, lexical: str) -> str | None:
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
