"""`push` and `link`: load the named graphs into a SPARQL 1.1 store; propose links to Wikidata items.

No import of `shfz_graph.links.remote` at module level: building the parser must stay cheap (it costs 0.4 s).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from shfz_graph.cli import options
from shfz_graph.cli.options import EXIT_OK, positive_float, unit_interval
from shfz_graph.cli.output import err, out
from shfz_graph.errors import ParameterError

__all__ = ["configure_link", "configure_push", "run_link", "run_push"]


def configure_push(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--endpoint", required=True, metavar="URL", help="the store's SPARQL query endpoint")
    parser.add_argument(
        "--graph-store",
        metavar="URL",
        help="its Graph Store Protocol address (PUT ?graph=IRI replaces a graph)",
    )
    parser.add_argument(
        "--update-endpoint",
        metavar="URL",
        help="its SPARQL Update endpoint, used when there is no --graph-store (default: --endpoint)",
    )
    parser.add_argument("--inferred", action="store_true", help="push the OWL 2 RL inferences too")
    parser.add_argument("--timeout", type=positive_float, default=None, help="seconds per request")


def run_push(args: argparse.Namespace) -> int:
    from shfz_graph.links import remote
    from shfz_graph.query.results import columns

    update = None if args.graph_store else (args.update_endpoint or args.endpoint)
    timeout = {"timeout": args.timeout} if args.timeout is not None else {}
    with options.load_graph(args, reason=args.inferred) as kg:
        report = remote.push(
            kg,
            query_endpoint=args.endpoint,
            graph_store=args.graph_store,
            update_endpoint=update,
            inferred=args.inferred,
            progress_stream=sys.stderr,
            **timeout,
        )
    rows = [(iri, str(n)) for iri, n in report.counts.items()]
    out(columns(rows, header=("graph", "triples")))
    how = "Graph Store Protocol" if report.method == "graph-store" else "SPARQL Update"
    err(f"pushed {len(rows)} graphs by the {how}; the counts at {args.endpoint} match")
    return EXIT_OK


def configure_link(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--endpoint",
        default=None,
        metavar="URL",
        help="a Wikidata endpoint (default: Wikidata's public query service)",
    )
    parser.add_argument(
        "--out", type=Path, help="the links file to add to (default: data/links.ttl of the checkout)"
    )
    parser.add_argument(
        "--review", type=Path, metavar="FILE", help="write the links below the threshold here (SSSOM TSV)"
    )
    parser.add_argument(
        "--threshold", type=unit_interval, default=0.8, help="lowest score kept in the data (default: 0.8)"
    )
    parser.add_argument("--timeout", type=positive_float, default=None, help="seconds per request")


def run_link(args: argparse.Namespace) -> int:
    from shfz_graph.links import linking
    from shfz_graph.links.remote import WIKIDATA_SPARQL
    from shfz_graph.query.results import columns

    target = args.out or checkout_links_file()
    timeout = {"timeout": args.timeout} if args.timeout is not None else {}
    with options.load_graph(args, reason=False) as kg:
        candidates = linking.propose_links(kg, args.endpoint or WIKIDATA_SPARQL, **timeout)
    report = linking.write_links(candidates, target, review=args.review, threshold=args.threshold)
    rows = [
        (status, f"{c.score:g}", str(c.subject), f"wd:{c.qid}", c.item_label)
        for status, found in (("added", report.added), ("kept", report.present), ("review", report.review))
        for c in found
    ]
    if rows:
        out(columns(rows, header=("status", "score", "thing", "item", "label")))
    counts = linking.summary(report)
    review = f" (in {args.review})" if args.review else " (give --review FILE to keep them)"
    err(
        f"{counts['added']} links added to {target}, {counts['present']} already there, "
        f"{counts['curated']} skipped for hand-curated links, {counts['review']} for review{review}"
    )
    return EXIT_OK


def checkout_links_file() -> Path:
    """`data/links.ttl` of the checkout the package runs from (an installed wheel's copy is not one)."""
    from shfz_graph import resources

    target = next((p for p in resources.data_paths() if p.name == "links.ttl"), None)
    if target is None or "_bundled" in target.parts:
        raise ParameterError("give --out FILE: there is no data/links.ttl of a checkout to add to")
    return target
