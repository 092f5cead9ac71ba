"""`SERVICE` rewriting: point a query's `SERVICE` clauses at other endpoints (a local stand-in for
Wikidata in tests, a mirror in production), leaving the rest of its text exactly as it was."""

from __future__ import annotations

import re
from collections.abc import Mapping

from rdflib import URIRef

from shfz_graph import _sparqltext
from shfz_graph.errors import ParameterError
from shfz_graph.iris import check_iri

__all__ = ["rewrite_services"]

_SERVICE_BEFORE = re.compile(r"\bSERVICE(?:\s+SILENT)?\s*$", re.IGNORECASE)
_SERVICE_PNAME = re.compile(
    r"\bSERVICE(?:\s+SILENT)?\s+(?P<pname>(?P<prefix>[A-Za-z][\w.\-]*)?:(?P<local>[\w\-.%]*[\w\-%])?)",
    re.IGNORECASE,
)
_PREFIX_BEFORE = re.compile(r"\bPREFIX\s+(?P<prefix>[A-Za-z][\w.\-]*)?:\s*$", re.IGNORECASE)


def _prefixes(text: str) -> dict[str, str]:
    """The PREFIX declarations of a query text: prefix -> namespace IRI."""
    found: dict[str, str] = {}
    before = ""
    for token in _sparqltext.tokens(text):
        if token.kind == "iri":
            m = _PREFIX_BEFORE.search(before)
            if m:
                found[m.group("prefix") or ""] = token.text[1:-1]
            before = ""
        elif token.kind == "code":
            before += token.text
        elif token.kind != "comment":
            before = ""
    return found


def rewrite_services(
    text: str, service_map: Mapping[str, str], *, prefixes: Mapping[str, str] | None = None
) -> str:
    """The query with each `SERVICE <a>` (or `SERVICE prefix:name` naming a) whose IRI is a key of
    `service_map` pointing at the mapped IRI instead; other text is left exactly as it was.

    The result is parsed (`prefixes`: namespaces the query may use undeclared, as for a local query), and
    every mapped service must be gone from its algebra (ParameterError if one is written in a way this
    cannot rewrite).
    """
    if not service_map:
        return text
    mapping = {check_iri(k, "service"): check_iri(v, "service") for k, v in service_map.items()}
    from shfz_graph.query import guard

    declared = {**{k: str(v) for k, v in (prefixes or {}).items()}, **_prefixes(text)}
    pieces: list[str] = []
    before = ""  # code since the last string/IRI, to see whether an IRI follows SERVICE
    for token in _sparqltext.tokens(text):
        piece = token.text
        if token.kind == "iri":
            target = mapping.get(piece[1:-1])
            if target is not None and _SERVICE_BEFORE.search(before):
                piece = f"<{target}>"
            before = ""
        elif token.kind == "code":
            piece = _rewrite_pnames(piece, declared, mapping)
            before += token.text
        elif token.kind != "comment":
            before = ""
        pieces.append(piece)
    rewritten = "".join(pieces)
    checked = guard.check(rewritten, allow_network=True, prefixes=prefixes)
    remaining = guard.network_features(checked.query.algebra)
    left = [k for k in mapping if f"SERVICE {URIRef(k).n3()}" in remaining]
    if left:
        raise ParameterError(f"cannot rewrite SERVICE <{left[0]}> in this query (write it as an IRI)")
    return rewritten


def _rewrite_pnames(code: str, prefixes: Mapping[str, str], mapping: Mapping[str, str]) -> str:
    def replace(m: re.Match[str]) -> str:
        namespace = prefixes.get(m.group("prefix") or "")
        if namespace is None:
            return m.group(0)
        target = mapping.get(namespace + (m.group("local") or ""))
        if target is None:
            return m.group(0)
        return m.group(0)[: m.start("pname") - m.start()] + f"<{target}>"

    return _SERVICE_PNAME.sub(replace, code)
