"""`export`, `validate` and `info`: the whole graph as RDF, checked against the shapes, counted."""

from __future__ import annotations

import argparse
from pathlib import Path

from shfz_graph import __version__
from shfz_graph.cli import options
from shfz_graph.cli.options import EXIT_OK, add_reasoning_option, reasoning_wanted
from shfz_graph.cli.output import out, write_output
from shfz_graph.errors import ValidationFailed

__all__ = [
    "configure_export",
    "configure_info",
    "configure_validate",
    "run_export",
    "run_info",
    "run_validate",
]

EXPORT_FORMATS = ("turtle", "json-ld", "nt", "nquads", "trig", "xml")
EXPORT_ALIASES = ("ttl", "jsonld", "ntriples", "n-triples", "nq", "n-quads", "rdfxml")


def configure_export(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format",
        default="turtle",
        type=str.lower,
        choices=(*EXPORT_FORMATS, *EXPORT_ALIASES),
        help="RDF format (default: turtle)",
    )
    parser.add_argument("--inferred", action="store_true", help="include the inferred graph")
    parser.add_argument("-o", "--output", type=Path, help="write to this file (atomically) instead of stdout")


def run_export(args: argparse.Namespace) -> int:
    with options.load_graph(args, reason=args.inferred) as kg:
        data = kg.export(args.format, inferred=args.inferred)
    write_output(data, args.output)
    return EXIT_OK


def configure_validate(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--inferred",
        action="store_true",
        help="validate the OWL 2 RL inferences too, not just what the files say",
    )
    parser.add_argument("--shapes", type=Path, help="SHACL shapes file (default: the package's shapes.ttl)")


def run_validate(args: argparse.Namespace) -> int:
    with options.load_graph(args, reason=args.inferred) as kg:
        report = kg.validate(shapes=args.shapes, inferred=args.inferred)
    if not report.conforms:
        out(report.text())
        n = len(report.results)
        raise ValidationFailed(f"the data does not conform to the shapes ({n} result{'' if n == 1 else 's'})")
    out(report.text() if report.results else "conforms")
    return EXIT_OK


def configure_info(parser: argparse.ArgumentParser) -> None:
    add_reasoning_option(parser)


def run_info(args: argparse.Namespace) -> int:
    from shfz_graph.query.results import columns, shorten

    with options.load_graph(args, reason=reasoning_wanted(args)) as kg:
        counts = kg.counts()
        classes = kg.class_counts()
        facts = [
            ("version", __version__),
            ("source hash", kg.source_hash),
            ("store", str(getattr(kg, "store", args.store))),
            ("reasoner", str(getattr(kg, "reasoner", None) or "none")),
        ]
    graph_rows = [(name, str(n)) for name, n in counts.items()]
    class_rows = [(shorten(str(cls)), str(n)) for cls, n in classes.items()]
    tables = (
        columns(facts),
        columns(graph_rows, header=("graph", "triples")),
        columns(class_rows, header=("class", "instances")),
    )
    out("\n".join(tables))
    return EXIT_OK
