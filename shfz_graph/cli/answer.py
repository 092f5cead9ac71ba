"""Printing a query's answer in `--format`, or writing it to `--output`, with a warning when it was cut."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from shfz_graph.cli.options import EXIT_OK, query_limits
from shfz_graph.cli.output import err, out, out_bytes, write_output
from shfz_graph.errors import ParameterError

if TYPE_CHECKING:
    from rdflib.term import Node

    from shfz_graph.graph import KnowledgeGraph
    from shfz_graph.query.results import Result
    from shfz_graph.workers.wire import Answer

__all__ = ["GRAPH_RESULT_FORMATS", "RESULT_FORMATS", "print_answer", "print_result"]

RESULT_FORMATS = ("table", "csv", "tsv", "json", "xml", "md", "xlsx")  # xlsx: the [pandas] extra
GRAPH_RESULT_FORMATS = ("turtle", "nt", "json-ld")  # for CONSTRUCT / DESCRIBE results only
NATIVE_RESULT_FORMATS = ("json", "xml", "csv", "tsv")  # shfz_graph.workers.wire.RESULT_FORMATS, not imported:
NATIVE_GRAPH_FORMATS = ("turtle", "nt")  # building the parser stays cheap; a test keeps them in step
_ASK_NATIVE = {("ASK", "json"), ("ASK", "xml")}


def print_answer(
    kg: KnowledgeGraph,
    args: argparse.Namespace,
    text: str,
    bindings: dict[str, Node] | None,
    about: dict[str, Any],
) -> int:
    """Run a query in a worker and print its answer (or write it to ``--output``): as Oxigraph wrote it
    for the W3C formats, Turtle and N-Triples; through a `Result` for tables, Markdown, JSON-LD and xlsx."""
    from shfz_graph.workers import execute

    fmt = args.format
    native = fmt in NATIVE_RESULT_FORMATS
    answer = kg.answer(
        text,
        bindings=bindings,
        select_format=fmt if native else "json",
        ask_format=fmt if fmt in ("json", "xml") else ("json" if not native else None),
        graph_format=fmt if fmt in NATIVE_GRAPH_FORMATS else "nt",
        **query_limits(args),
        **({"max_bytes": args.max_bytes} if args.max_bytes is not None else {}),
    )
    problem = kg.sandbox_problem()
    if problem is not None:
        err(f"warning: query workers run without a network sandbox ({problem})")
    if answer.format is None:
        raise ParameterError(f"an ASK result has no {fmt} form; use json, xml, table or md")
    if answer.kind not in ("CONSTRUCT", "DESCRIBE") and fmt in GRAPH_RESULT_FORMATS:
        raise ParameterError(
            f"a {answer.kind} result is not a graph: use --format table, csv, tsv, json, xml or md"
        )
    if answer.format == fmt:
        return print_native(answer, args)
    return print_result(execute.to_result(answer), args, about)


def print_native(answer: Answer, args: argparse.Namespace) -> int:
    """Print (or write to ``--output``) the bytes a worker wrote, as they are."""
    data = answer.body if answer.body.endswith(b"\n") else answer.body + b"\n"
    write_output(data, args.output)
    if answer.truncated:
        unit = "triples" if answer.kind in ("CONSTRUCT", "DESCRIBE") else "rows"
        err(f"warning: the result was cut at {answer.rows} {unit} (raise it with --max-rows)")
    return EXIT_OK


def print_result(result: Result, args: argparse.Namespace, about: dict[str, Any]) -> int:
    """Print a query result in ``--format`` (or write it to ``--output``); warn on stderr when it was cut
    at the row limit. ``about`` (query text, name, parameters, source hash) fills an xlsx file's second sheet.
    """
    fmt = args.format
    if fmt == "xlsx" or args.output is not None:
        write_result(result, args, about)
    elif fmt in GRAPH_RESULT_FORMATS:
        out(result.to_rdf(fmt))
    elif fmt in NATIVE_RESULT_FORMATS and (result.kind == "SELECT" or (result.kind, fmt) in _ASK_NATIVE):
        from shfz_graph.workers import execute  # a remote answer, written as a local one is

        data = execute.oxigraph_bytes(result, fmt)
        out_bytes(data if data.endswith(b"\n") else data + b"\n")
    else:
        out(result.serialize(fmt))
    if result.truncated:
        err(f"warning: the result was cut at {len(result)} rows (raise it with --max-rows)")
    return EXIT_OK


def write_result(result: Result, args: argparse.Namespace, about: dict[str, Any]) -> None:
    """Write the result to ``--output`` atomically, or an xlsx file to stdout unless that is a terminal."""
    if args.format == "xlsx":
        from shfz_graph.analysis.spreadsheet import About, to_xlsx

        data = to_xlsx(result, About(**about, endpoint=args.endpoint))
    else:
        text = (
            result.to_rdf(args.format)
            if args.format in GRAPH_RESULT_FORMATS
            else result.serialize(args.format)
        )
        data = (text if text.endswith("\n") else text + "\n").encode("utf-8")
    if args.output is None and sys.stdout.isatty():
        raise ParameterError("an xlsx file is binary: give -o FILE, or redirect standard output to a file")
    write_output(data, args.output)
