"""One spelling for literals that RDF 1.1 treats as the same term, so that every store gives the same output.

Oxigraph types every simple literal as `xsd:string` and lower-cases language tags (`zh-hans`); rdflib keeps
what the file said (`"x"`, `zh-Hans`). Both are the same RDF 1.1 terms, but rdflib-based tools and byte
comparisons tell them apart, so results, exports and validation input go through `canonical`.
"""

from __future__ import annotations

from rdflib import XSD, Literal
from rdflib.term import Node


def language_tag(tag: str) -> str:
    """A BCP 47 tag in its conventional case (RFC 5646 2.1.1): `zh-hans-cn` -> `zh-Hans-CN`."""
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


def canonical(term: Node) -> Node:
    """`"x"^^xsd:string` as the simple literal `"x"`, language tags in their conventional case; other terms
    unchanged."""
    if not isinstance(term, Literal):
        return term
    if term.datatype == XSD.string:
        return Literal(str(term))
    if term.language is not None:
        tag = language_tag(term.language)
        if tag != term.language:
            return Literal(str(term), lang=tag)
    return term
