"""`serve`: the SPARQL endpoint, the IRIs and the pages over HTTP, through `shfz_graph.server.run`.

Nothing of the server is imported until the command runs: building the parser must not pay for FastAPI.
"""

from __future__ import annotations

import argparse
from typing import Any

from shfz_graph import defaults
from shfz_graph.cli import options
from shfz_graph.cli.options import (
    EXIT_OK,
    add_limit_options,
    add_reasoning_option,
    memory_size,
    non_negative_int,
    port,
    positive_int,
    reasoning_wanted,
)

__all__ = ["configure_serve", "run_serve"]


def configure_serve(parser: argparse.ArgumentParser) -> None:
    """Add the arguments of `serve`."""
    parser.add_argument(
        "--host", default=defaults.HOST, help=f"interface to listen on (default: {defaults.HOST})"
    )
    parser.add_argument(
        "--port", type=port, default=defaults.PORT, help=f"TCP port (default: {defaults.PORT})"
    )
    parser.add_argument(
        "--base-url",
        default=None,
        help="IRI prefix served at this server's root (default: https://w3id.org/shfz/)",
    )
    parser.add_argument(
        "--max-body",
        type=positive_int,
        default=defaults.MAX_BODY,
        help=f"largest request body in bytes (default: {defaults.MAX_BODY >> 20} MiB)",
    )
    parser.add_argument(
        "--workers",
        type=positive_int,
        default=None,
        help="query worker processes (default: one per core), plus one spare for quick queries",
    )
    parser.add_argument(
        "--answer-cache",
        type=memory_size,
        default=defaults.ANSWER_CACHE,
        metavar="SIZE",
        help=f"answers kept to serve again, e.g. 256M (default: {defaults.ANSWER_CACHE >> 20}M; 0: none)",
    )
    parser.add_argument(
        "--cache-max-age",
        type=non_negative_int,
        default=defaults.CACHE_MAX_AGE,
        metavar="SECONDS",
        help="seconds clients may reuse an answer without asking again (default: 0, revalidate each time)",
    )
    parser.add_argument(
        "--no-sandbox",
        action="store_true",
        help="serve beyond loopback even where query workers cannot be kept off the network "
        "(no user or network namespaces on this system)",
    )
    add_limit_options(parser)
    add_reasoning_option(parser)


def run_serve(args: argparse.Namespace) -> int:
    """Load the graph and serve it until interrupted (Ctrl+C)."""
    from shfz_graph import server

    server.require()  # fail fast, before loading, when the `server` extra is missing
    with options.load_graph(args, reason=reasoning_wanted(args)) as kg:
        server.run(
            kg,
            host=args.host,
            port=args.port,
            base_url=args.base_url,
            timeout=args.timeout if args.timeout is not None else defaults.TIMEOUT,
            max_rows=args.max_rows if args.max_rows is not None else defaults.MAX_ROWS,
            max_body=args.max_body,
            workers=args.workers,
            no_sandbox=args.no_sandbox,
            answer_cache=args.answer_cache,
            cache_max_age=args.cache_max_age,
            **limit_options(args),
        )
    return EXIT_OK


def limit_options(args: argparse.Namespace) -> dict[str, Any]:
    """`max_memory` and `max_bytes` for `create_app`, where given (0 memory: no limit)."""
    limits: dict[str, Any] = {}
    if args.max_memory is not None:
        limits["max_memory"] = args.max_memory or None
    if args.max_bytes is not None:
        limits["max_bytes"] = args.max_bytes
    return limits
