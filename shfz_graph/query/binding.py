"""Query parameters written into a query as a VALUES block, for engines that cannot take rdflib's
`initBindings`: remote endpoints (parameters travel in the text) and Oxigraph (its own substitution only
accepts projected variables).

Each term is checked and serialised by rdflib (`term.n3()`): IRIs with characters IRIREF forbids, blank
nodes and bad language tags are refused, literals are escaped, so a raw user string never reaches the
query text. The VALUES block opens the query's outermost WHERE group, which gives the same answers as
pre-binding for every variable of the main pattern, its FILTERs, its OPTIONALs and its template.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from rdflib import Literal, URIRef
from rdflib.term import Node

from shfz_graph import _sparqltext
from shfz_graph.errors import ParameterError
from shfz_graph.iris import check_iri

_VARNAME = re.compile(r"[A-Za-z0-9_\u00B7\u00C0-\uFFFF]+")
_LANGTAG = re.compile(r"[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*")
_FORM = re.compile(r"\b(SELECT|CONSTRUCT|DESCRIBE|ASK)\b", re.IGNORECASE)
_WHERE = re.compile(r"\bWHERE\b", re.IGNORECASE)


def sparql_term(term: Node) -> str:
    """A term written for a query text (via `term.n3()`), after checking that it cannot break out of it.

    IRIs with characters that IRIREF forbids (`<`, `>`, `"`, space, ...) and blank nodes (not allowed in
    VALUES) are refused with a ParameterError; literals are escaped by rdflib.
    """
    if isinstance(term, URIRef):
        check_iri(str(term), "IRI")
        return term.n3()
    if isinstance(term, Literal):
        if term.language is not None and not _LANGTAG.fullmatch(term.language):
            raise ParameterError(f"language tag {term.language!r} is not valid")
        if term.datatype is not None:
            check_iri(str(term.datatype), "datatype")
        return term.n3()
    raise ParameterError(f"{term!r} cannot be sent as a query parameter (only IRIs and literals can)")


def _where_brace(text: str) -> int:
    """Offset of the `{` that opens the outermost WHERE group of a query; ParameterError if there is none."""
    code = "".join(c if kind == "code" else " " for kind, c in _masked(text))
    form = _FORM.search(code)
    if form is None:
        raise ParameterError("cannot bind parameters: no SELECT, CONSTRUCT, DESCRIBE or ASK found")
    start = form.end()
    if form.group(1).upper() == "CONSTRUCT":
        rest = code[start:].lstrip()
        if rest.startswith("{"):  # the template: skip it
            start = _matching_brace(code, code.index("{", start)) + 1
        elif _WHERE.match(rest):
            raise ParameterError("cannot bind parameters of a 'CONSTRUCT WHERE { ... }' short form")
    depth = 0
    for i in range(start, len(code)):
        c = code[i]
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "{" and depth == 0:
            return i
    raise ParameterError("cannot bind parameters: the query has no WHERE group")


def _masked(text: str) -> Iterator[tuple[str, str]]:
    """(token kind, character) for every character of `text`."""
    for token in _sparqltext.tokens(text):
        for c in token.text:
            yield token.kind, c


def _matching_brace(code: str, open_at: int) -> int:
    depth = 0
    for i in range(open_at, len(code)):
        if code[i] == "{":
            depth += 1
        elif code[i] == "}":
            depth -= 1
            if depth == 0:
                return i
    raise ParameterError("cannot bind parameters: unbalanced braces in the query")


def bind_values(text: str, bindings: Mapping[str, Node] | None) -> str:
    """The query with `VALUES (?a ?b) { (t1 t2) }` opening its WHERE group: remote pre-binding.

    Inserted on the line of the brace, so line numbers in an endpoint's error messages stay right.
    """
    if not bindings:
        return text
    names = []
    for name in bindings:
        bare = name.lstrip("?$")
        if not _VARNAME.fullmatch(bare):
            raise ParameterError(f"{name!r} is not a SPARQL variable name")
        names.append(bare)
    terms = " ".join(sparql_term(term) for term in bindings.values())
    values = f" VALUES ({' '.join('?' + n for n in names)}) {{ ({terms}) }} "
    at = _where_brace(text) + 1
    return text[:at] + values + text[at:]


def bind_constants(text: str, bindings: Mapping[str, Node] | None) -> str:
    """The query with each bound variable written as its checked term, wherever it occurs in code.

    For Oxigraph, which substitutes only projected variables and does not push a VALUES block into the
    branches of a UNION: a constant in place of the variable gives its optimizer the same plan as a
    query written by hand. Only terms serialised by `sparql_term` reach the text. The caller must parse
    the result again: a variable in a position that takes no constant (`BIND(... AS ?x)`, a VALUES head,
    a projection) makes it invalid, and the caller then falls back to `bind_values`.
    """
    if not bindings:
        return text
    written: dict[str, str] = {}
    for name, term in bindings.items():
        bare = name.lstrip("?$")
        if not _VARNAME.fullmatch(bare):
            raise ParameterError(f"{name!r} is not a SPARQL variable name")
        written[bare] = sparql_term(term)
    out = []
    for token in _sparqltext.tokens(text):
        if token.kind == "var" and token.text[1:] in written:
            out.append(" " + written[token.text[1:]] + " ")
        else:
            out.append(token.text)
    return "".join(out)
