"""`describe`: everything about one thing, found by IRI, prefixed name or label."""

from __future__ import annotations

import argparse

from shfz_graph.cli import options
from shfz_graph.cli.options import EXIT_OK, add_reasoning_option, reasoning_wanted
from shfz_graph.cli.output import out, out_bytes
from shfz_graph.errors import ParameterError

__all__ = ["configure_describe", "run_describe"]

DESCRIBE_FORMATS = ("table", "turtle", "json-ld", "nt")


def configure_describe(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "thing", help="an IRI, a prefixed name (zone:huangpu) or a label (English or Chinese)"
    )
    parser.add_argument("--format", default="table", choices=DESCRIBE_FORMATS, help="default: table")
    add_reasoning_option(parser)


def run_describe(args: argparse.Namespace) -> int:
    from shfz_graph.query.lookup import describe_table, resolve
    from shfz_graph.rdf.export import serialize_dataset

    with options.load_graph(args, reason=reasoning_wanted(args)) as kg:
        iri = resolve(kg.dataset, args.thing)
        description = kg.describe(iri)
        if not len(description):
            raise ParameterError(f"nothing is known about <{iri}>")
        if args.format == "table":
            out(describe_table(kg.dataset, iri, description))
            return EXIT_OK
        context = None
        if args.format == "json-ld":
            from shfz_graph.rdf.jsonld import load_context

            context = load_context()
        namespaces = kg.dataset.namespaces()
        out_bytes(serialize_dataset(description, args.format, context=context, namespaces=namespaces))
    return EXIT_OK
