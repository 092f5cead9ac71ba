"""One spelling for literals that RDF treats as the same value, so that every store and path prints alike.

Oxigraph (our query engine) stores literals by value: simple literals are `xsd:string`, language tags are
lower case (RDF 1.1's value space of tags), and numbers and booleans take their canonical form (`14.0` as a
decimal is `14`, `1`^^xsd:boolean is `true`). rdflib keeps what a file said, and other stores (Virtuoso)
have their own habits. Query answers from rdflib's engine and from remote endpoints go through
`answer_term`, so `query NAME` prints the same text on every store. Files (exports) go through
`canonical`, which keeps every term as the source wrote it.
"""

from __future__ import annotations

import math
from decimal import Decimal, InvalidOperation

from rdflib import XSD, Literal
from rdflib.term import Node

_INTEGER_TYPES = frozenset(
    XSD[t]
    for t in (
        *("integer", "int", "long", "short", "byte"),
        *("nonNegativeInteger", "nonPositiveInteger", "negativeInteger", "positiveInteger"),
        *("unsignedInt", "unsignedLong", "unsignedShort", "unsignedByte"),
    )
)
_FLOAT_TYPES = frozenset((XSD.double, XSD.float))


def language_tag(tag: str) -> str:
    """A BCP 47 tag in its conventional case (RFC 5646 2.1.1): `zh-hans-cn` -> `zh-Hans-CN` (for files)."""
    parts = tag.split("-")
    out = [parts[0].lower()]
    for part in parts[1:]:
        if out[-1] in {"x", "u", "t"} or len(part) == 1:  # extensions and private use stay lower case
            out.append(part.lower())
        elif len(part) == 4 and part.isalpha():
            out.append(part.title())
        elif len(part) == 2 and part.isalpha():
            out.append(part.upper())
        else:
            out.append(part.lower())
    return "-".join(out)


def _decimal_text(value: Decimal) -> str:
    """Shortest plain notation, no exponent, no trailing zeros: `14.50` -> `14.5`, `14.0` -> `14`."""
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "0") else text


def _float_text(value: float) -> str:
    """Oxigraph's spelling of a double or float: shortest round-trip digits without exponent, INF, NaN."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "INF" if value > 0 else "-INF"
    return format(Decimal(repr(value)).normalize(), "f")


def canonical_lexical(lexical: str, datatype: str) -> str:
    """The canonical lexical form of a number or boolean of `datatype` (an XSD IRI); other input unchanged.

    An ill-typed form (`"abc"^^xsd:decimal`) is returned as it is, as Oxigraph does.
    """
    text = lexical.strip()
    try:
        if datatype == str(XSD.decimal):
            if "e" in text.lower() or text.lower() in ("nan", "inf", "-inf", "+inf", "infinity"):
                return lexical
            return _decimal_text(Decimal(text))
        if datatype in _INTEGER_STRINGS:
            if not text.lstrip("+-").isdigit():
                return lexical
            return str(int(text))
        if datatype in _FLOAT_STRINGS:
            # XSD's spellings, and rdflib's (it re-spells `INF` as `inf` when it normalizes a literal)
            special = {"INF": math.inf, "+INF": math.inf, "-INF": -math.inf, "NaN": math.nan}
            special |= {"inf": math.inf, "-inf": -math.inf, "nan": math.nan}
            if text in special:
                return _float_text(special[text])
            if text.lower().lstrip("+-") in ("inf", "nan", "infinity"):
                return lexical
            number = float(text)
            if datatype == str(XSD.float):
                number = _as_single(number)
            return _float_text(number)
        if datatype == str(XSD.boolean):
            return {"true": "true", "1": "true", "false": "false", "0": "false"}.get(text, lexical)
    except (InvalidOperation, ValueError):
        return lexical
    return lexical


def _as_single(number: float) -> float:
    """The nearest 32-bit float, printed with the fewest digits that still read back as it."""
    import struct

    single = struct.unpack("f", struct.pack("f", number))[0]
    for digits in range(1, 10):
        shorter = float(f"{single:.{digits}g}")
        if struct.unpack("f", struct.pack("f", shorter))[0] == single:
            return shorter
    return single


_INTEGER_STRINGS = frozenset(str(t) for t in _INTEGER_TYPES)
_FLOAT_STRINGS = frozenset(str(t) for t in _FLOAT_TYPES)


def canonical(term: Node) -> Node:
    """A term as written to files (exports, validation input): `"x"^^xsd:string` as the simple literal
    `"x"`, language tags in their conventional case, every other lexical form as the source wrote it (a
    file must keep its terms: `"14.0"^^xsd:decimal` and `"14"^^xsd:decimal` are different RDF terms)."""
    if not isinstance(term, Literal):
        return term
    if term.datatype == XSD.string:
        return Literal(str(term))
    if term.language is not None:
        tag = language_tag(term.language)
        if tag != term.language:
            return Literal(str(term), lang=tag)
    return term


def answer_term(term: Node) -> Node:
    """A term as query answers print it on every store and path (Oxigraph's spelling): simple literals
    plain, language tags in lower case (RDF 1.1's value space of tags), numbers and booleans in their
    canonical form; other terms unchanged (the same object)."""
    if not isinstance(term, Literal):
        return term
    if term.datatype == XSD.string:
        return Literal(str(term))
    if term.language is not None:
        tag = term.language.lower()
        return term if tag == term.language else Literal(str(term), lang=tag)
    if term.datatype is not None:
        datatype = str(term.datatype)
        lexical = str(term)
        text = canonical_lexical(lexical, datatype)
        if text != lexical:
            return Literal(text, datatype=term.datatype, normalize=False)
    return term
