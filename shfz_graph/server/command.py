"""The `shfz-graph serve` subcommand: its arguments and what it runs (registered in `shfz_graph.cli`)."""

from __future__ import annotations

import argparse
from typing import Any

__all__ = ["configure_serve", "run_serve"]


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 0 < value < 65536:
        raise argparse.ArgumentTypeError(f"a port is between 1 and 65535: {text!r}")
    return value


def configure_serve(parser: argparse.ArgumentParser) -> None:
    """Add the arguments of `serve`."""
    from shfz_graph.cli import add_limit_options, add_reasoning_option, positive_float, positive_int

    parser.add_argument("--host", default="127.0.0.1", help="interface to listen on (default: 127.0.0.1)")
    parser.add_argument("--port", type=_port, default=8000, help="TCP port (default: 8000)")
    parser.add_argument(
        "--base-url",
        default=None,
        help="IRI prefix served at this server's root (default: https://w3id.org/shfz/)",
    )
    parser.add_argument(
        "--timeout", type=positive_float, default=10.0, help="seconds a query may run (default: 10)"
    )
    parser.add_argument(
        "--max-rows", type=positive_int, default=10_000, help="rows a query may return (default: 10000)"
    )
    parser.add_argument(
        "--max-body",
        type=positive_int,
        default=1 << 20,
        help="largest request body in bytes (default: 1 MiB)",
    )
    parser.add_argument(
        "--workers",
        type=positive_int,
        default=None,
        help="query worker processes (default: one per core), plus one spare for quick queries",
    )
    add_limit_options(parser)
    add_reasoning_option(parser)


def run_serve(args: argparse.Namespace) -> int:
    """Load the graph and serve it until interrupted (Ctrl+C)."""
    from shfz_graph.cli import EXIT_OK, load_graph, reasoning_wanted
    from shfz_graph.server import _app_module, serve

    _app_module()  # fail fast, before loading, when the `server` extra is missing
    with load_graph(args, reason=reasoning_wanted(args)) as kg:
        serve(
            kg,
            host=args.host,
            port=args.port,
            base_url=args.base_url,
            timeout=args.timeout,
            max_rows=args.max_rows,
            max_body=args.max_body,
            workers=args.workers,
            **limit_options(args),
        )
    return EXIT_OK


def limit_options(args: argparse.Namespace) -> dict[str, Any]:
    """`max_memory` and `max_bytes` for `create_app`, where given (0 memory: no limit)."""
    options: dict[str, Any] = {}
    if args.max_memory is not None:
        options["max_memory"] = args.max_memory or None
    if args.max_bytes is not None:
        options["max_bytes"] = args.max_bytes
    return options
