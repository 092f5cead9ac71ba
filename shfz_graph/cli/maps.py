"""`map`: Shanghai's districts with the zones, or China's provinces with the pilot free trade zones
(`--scope china`), as SVG (the `map` extra)."""

from __future__ import annotations

import argparse
from pathlib import Path

from shfz_graph.cli import options
from shfz_graph.cli.options import EXIT_OK, positive_int
from shfz_graph.cli.output import err, out, write_output

__all__ = ["configure_map", "run_map"]

TITLE = "Shanghai's districts and the linked innovation zones"


def configure_map(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-o", "--output", type=Path, help="write the SVG to this file (atomically), not stdout"
    )
    parser.add_argument("--batch", help="only the zones of this batch (its IRI, or its last segment: first)")
    parser.add_argument("--no-labels", action="store_true", help="leave out the district names")
    parser.add_argument("--width", type=positive_int, default=900, help="width in pixels (default: 900)")
    parser.add_argument(
        "--scope",
        choices=("shanghai", "china"),
        default="shanghai",
        help="shanghai: the districts and linked innovation zones (default); china: the provinces with a "
        "pilot free trade zone, shaded by the year of its first recorded decision",
    )


def run_map(args: argparse.Namespace) -> int:
    """Draw the map of Shanghai's districts and zones (the `map` extra: exit 2 naming it when missing)."""
    from shfz_graph.geo import mapping

    mapping.require()
    if args.scope == "china":
        return _run_china(args)
    with options.graph_for_queries(args) as kg:
        data = mapping.load(kg)
    title = TITLE
    if args.batch:
        data = data.only(args.batch)
        label = data.batches[0].label
        title = f"Shanghai's districts and the zones of the {label[:1].lower()}{label[1:]}"
    svg = mapping.draw(data, labels=not args.no_labels, width=args.width, href=_map_link, title=title)
    if args.output is None:
        out(svg)
    else:
        write_output((svg + "\n").encode("utf-8"), args.output)
        err(f"wrote the map to {args.output}")
    return EXIT_OK


def _run_china(args: argparse.Namespace) -> int:
    """The national map: provinces shaded by the year of their pilot free trade zone's first decision."""
    from shfz_graph.geo import chinamap

    with options.graph_for_queries(args) as kg:
        data = chinamap.load(kg)
    svg = chinamap.draw(data, width=args.width, href=_map_link)
    if args.output is None:
        out(svg)
    else:
        write_output((svg + "\n").encode("utf-8"), args.output)
        err(f"wrote the map to {args.output}")
    return EXIT_OK


def _map_link(iri: str) -> str:
    """In a file of its own, the map links each district to its IRI."""
    return iri
