"""The guard of queries rdflib parses: no updates ever; SERVICE, FROM and FROM NAMED only when allowed.

It judges only texts that rdflib itself goes on to evaluate (`engine`, the in-process path) or sends to
another endpoint (`links.remote`, `links.services`): a guard built on one parser cannot protect an engine
that parses with another. The worker path has Oxigraph's parser as its judge and the sandbox as its wall
(`workers.screen`, `workers.sandbox`). Parses are cached per text and thread.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from pyparsing import ParseBaseException, ParseResults
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.plugins.sparql.sparql import Query
from rdflib.term import Node

from shfz_graph import _sparqltext
from shfz_graph.errors import (
    LoadDenied,
    NetworkAccessDenied,
    QuerySyntaxError,
    UpdateDenied,
)

_UPDATE_NAMES = {
    "Load": "LOAD",
    "Clear": "CLEAR",
    "Drop": "DROP",
    "Create": "CREATE",
    "Add": "ADD",
    "Move": "MOVE",
    "Copy": "COPY",
    "InsertData": "INSERT DATA",
    "DeleteData": "DELETE DATA",
    "DeleteWhere": "DELETE WHERE",
    "Modify": "DELETE/INSERT",
}


@dataclass(frozen=True)
class CheckedQuery:
    """A query that passed `check`: its text, its rdflib algebra and its form."""

    text: str
    query: Query
    kind: str  # SELECT | ASK | CONSTRUCT | DESCRIBE
    select_star: bool

    @property
    def uses_network(self) -> bool:
        """Whether the query has SERVICE, FROM or FROM NAMED (only possible with allow_network=True)."""
        return bool(network_features(self.query.algebra))


# -- checking -----------------------------------------------------------------------------------------


def _syntax_error(exc: ParseBaseException) -> QuerySyntaxError:
    found = getattr(exc, "found", "")
    message = f"{exc.msg}, found {found}" if found else str(exc.msg)
    return QuerySyntaxError(message, line=exc.lineno, column=exc.col)


def _update_operations(text: str) -> list[str] | ParseBaseException:
    """Names of the update operations in `text`, or the parser's complaint if it is not an update."""
    try:
        parsed = parseUpdate(text)
    except ParseBaseException as exc:
        return exc
    except ValueError:
        return []
    # not parsed.get("request", []): CompValue.get's second argument is something else
    requests = parsed["request"] if "request" in parsed else []  # noqa: SIM401
    return [getattr(r, "name", "?") for r in requests]


def _walk(node: Any) -> Iterator[CompValue]:
    """Every CompValue in an algebra or parse tree, depth first, whatever the node types."""
    stack = [node]
    seen: set[int] = set()
    while stack:
        item = stack.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, CompValue):
            yield item
            stack.extend(dict.values(item))
        elif isinstance(item, (list, tuple, ParseResults)):
            stack.extend(item)
        elif isinstance(item, dict):
            stack.extend(item.values())


def _n3(term: Any) -> str:
    return term.n3() if isinstance(term, Node) else str(term)


def network_features(algebra: Any) -> list[str]:
    """What in a translated query would reach out: `SERVICE <iri>`, `FROM <iri>`, `FROM NAMED <iri>`."""
    found = []
    for node in _walk(algebra):
        if node.name == "ServiceGraphPattern":
            found.append(f"SERVICE {_n3(dict.get(node, 'term'))}")
        elif node.name == "DatasetClause":
            if dict.get(node, "default") is not None:
                found.append(f"FROM {_n3(dict.get(node, 'default'))}")
            if dict.get(node, "named") is not None:
                found.append(f"FROM NAMED {_n3(dict.get(node, 'named'))}")
    return sorted(set(found))


def check(
    text: str, *, allow_network: bool = False, prefixes: Mapping[str, Any] | None = None
) -> CheckedQuery:
    """Parse a query and refuse what must not run: updates always, SERVICE/FROM unless allowed.

    `prefixes` are extra namespace bindings (as rdflib's `initNs`) that the query may use undeclared.
    Parsing costs 30-80 ms while most of our queries run in under 1 ms, so parses are cached by text.
    """
    prefix_key = tuple(sorted((str(k), str(v)) for k, v in (prefixes or {}).items()))
    checked = _parse(text, prefix_key, threading.get_ident())
    if not allow_network:
        features = network_features(checked.query.algebra)
        if features:
            raise NetworkAccessDenied(
                f"query would access the network ({'; '.join(features)}); network access is not allowed"
            )
    return checked


@functools.lru_cache(maxsize=2048)
def _parse(text: str, prefixes: tuple[tuple[str, str], ...], thread: int) -> CheckedQuery:
    """Parse and translate one query (errors are raised, not cached), once per thread.

    Per thread, because rdflib's evaluator is not re-entrant over one algebra: `Expr.eval` stores the
    solution it is evaluating on the expression node itself (`self.ctx`) and reads it back, so two threads
    evaluating one cached algebra read each other's solutions, and FILTERs silently drop rows.
    """
    try:
        parsed = parseQuery(text)
    except ParseBaseException as exc:
        ops = _update_operations(text)
        if isinstance(ops, list) and ops:
            names = ", ".join(dict.fromkeys(_UPDATE_NAMES.get(op, op) for op in ops))
            error = LoadDenied if "Load" in ops else UpdateDenied
            raise error(f"SPARQL updates are not allowed here ({names})") from None
        if isinstance(ops, ParseBaseException) and ops.loc > exc.loc:
            exc = ops  # an update that got further than a query would: report where it failed
        raise _syntax_error(exc) from None
    except ValueError as exc:  # e.g. a \U escape beyond Unicode, refused before parsing
        raise QuerySyntaxError(str(exc)) from None

    form = parsed[1]
    kind = str(form.name).removesuffix("Query").upper()
    star = kind == "SELECT" and "projection" not in form
    try:
        query = translateQuery(parsed, initNs=dict(prefixes))
    except Exception as exc:  # rdflib raises bare Exceptions for semantic errors
        message = str(exc)
        line = column = None
        if message.startswith("Unknown namespace prefix"):
            prefix = message.split(":", 1)[1].strip()
            message = f"unknown prefix {prefix + ':'!r} (declare it with PREFIX)"
            offset = _sparqltext.find_prefix_use(text, prefix)
            if offset is not None:
                line, column = _sparqltext.line_col(text, offset)
        raise QuerySyntaxError(message, line=line, column=column) from None
    return CheckedQuery(text=text, query=query, kind=kind, select_star=star)
