"""`queries`, `query` and `sparql`: list the named queries, run one, run any SPARQL query.

How an answer is printed is `shfz_graph.cli.answer`'s job.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from shfz_graph.cli import answer, options
from shfz_graph.cli.options import (
    EXIT_OK,
    add_limit_options,
    add_reasoning_option,
    query_limits,
)
from shfz_graph.cli.output import out
from shfz_graph.errors import ParameterError

if TYPE_CHECKING:
    from rdflib.term import Node

    from shfz_graph.query.results import Result

__all__ = [
    "configure_queries",
    "configure_query",
    "configure_sparql",
    "parse_params",
    "read_query",
    "run_queries",
    "run_query",
    "run_sparql",
]

#: Option names a query parameter may not take.
_RUNNER_OPTIONS = {"allow_network", "timeout", "max_rows"}


def configure_queries(parser: argparse.ArgumentParser) -> None:
    """No options: the catalogue is the package's ``queries/`` folder."""


def run_queries(args: argparse.Namespace) -> int:
    from shfz_graph.catalog import catalog

    for named in catalog():
        network = "  [network]" if named.network else ""
        out(f"{named.name}  {named.summary}{network}")
        for param in named.parameters:
            if param.default is not None:
                note = f"default: {param.default}"
            else:
                note = "required" if param.required else "optional"
            choices = f"; one of: {', '.join(map(str, param.enum))}" if param.enum else ""
            out(f"    -p {param.name}=<{param.kind}>  ({note}{choices})")
    return EXIT_OK


def add_query_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format",
        default="table",
        choices=(*answer.RESULT_FORMATS, *answer.GRAPH_RESULT_FORMATS),
        help="result format (turtle, nt, json-ld: CONSTRUCT/DESCRIBE only; default: table)",
    )
    parser.add_argument(
        "-o",
        "--output",
        type=Path,
        metavar="FILE",
        help="write to this file (atomically) instead of stdout (xlsx: needed on a terminal)",
    )
    add_reasoning_option(parser)
    add_limit_options(parser)
    parser.add_argument(
        "--allow-network", action="store_true", help="allow SERVICE and FROM (federated queries)"
    )
    parser.add_argument(
        "--endpoint",
        metavar="URL",
        help="run at this SPARQL 1.1 endpoint instead of the local graph (credentials: $SHFZ_GRAPH_AUTH)",
    )


def configure_query(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name", help="a named query (see `shfz-graph queries`)")
    parser.add_argument(
        "-p",
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a query parameter (repeatable)",
    )
    add_query_options(parser)


def run_query(args: argparse.Namespace) -> int:
    from shfz_graph.catalog import get

    named = get(args.name)  # unknown names fail here, with suggestions, before anything is loaded
    params = parse_params(args.param)
    query_limits(args)
    clash = sorted(set(params) & _RUNNER_OPTIONS)
    if clash:
        raise ParameterError(
            f"a query parameter cannot be called {clash[0]!r} (it is an option of the runner)"
        )
    bindings = named.bind(params)
    about = {"query": named.text, "name": named.name, "parameters": bindings}
    if args.endpoint:
        return answer.print_result(remote_query(args, named.text, bindings), args, about)
    with options.graph_for_queries(args) as kg:
        about |= {"source_hash": kg.source_hash}
        return answer.print_answer(kg, args, named.text, bindings, about)


def configure_sparql(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("query", help="SPARQL query text, a file holding it, or - to read standard input")
    add_query_options(parser)


def run_sparql(args: argparse.Namespace) -> int:
    text = read_query(args.query)
    if args.endpoint:
        return answer.print_result(remote_query(args, text, None), args, {"query": text})
    with options.graph_for_queries(args) as kg:
        return answer.print_answer(kg, args, text, None, {"query": text, "source_hash": kg.source_hash})


def remote_query(args: argparse.Namespace, text: str, bindings: dict[str, Node] | None) -> Result:
    """Run a query at ``--endpoint`` (parameters as a VALUES block), with the same limits as locally."""
    from shfz_graph.links import remote

    return remote.query(args.endpoint, text, bindings=bindings, **query_limits(args))


def read_query(arg: str) -> str:
    """The query text: from standard input (``-``), from a file if ``arg`` names one, else ``arg`` itself."""
    if arg == "-":
        return sys.stdin.read()
    path = Path(arg)
    try:
        is_file = "\n" not in arg and path.is_file()
    except (OSError, ValueError):  # a name too long for the file system, a NUL byte: it is query text
        is_file = False
    if is_file:
        try:
            return path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ParameterError(f"{path}: cannot read the query: {exc}") from exc
    return arg


def parse_params(pairs: Sequence[str]) -> dict[str, Any]:
    """``["k=v", ...]`` as a dict; a pair without ``=`` or a repeated name is an error."""
    params: dict[str, Any] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        name = name.strip()
        if not sep or not name:
            raise ParameterError(f"parameter {pair!r} is not NAME=VALUE")
        if name in params:
            raise ParameterError(f"parameter {name!r} is given twice")
        params[name] = value
    return params
