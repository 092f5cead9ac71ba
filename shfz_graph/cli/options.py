"""What the commands share: exit codes, argument types, the global, reasoning and limit options, and the
helpers that load the graph as those options say.

Building the parser must stay cheap (`shfz-graph --version` pays for it): nothing here imports rdflib or
the server at module level.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from shfz_graph import __version__, defaults

if TYPE_CHECKING:
    from shfz_graph.graph import KnowledgeGraph

__all__ = [
    "EXIT_BROKEN_PIPE",
    "EXIT_ERROR",
    "EXIT_INTERRUPTED",
    "EXIT_INVALID",
    "EXIT_OK",
    "PROG",
    "add_global_options",
    "add_limit_options",
    "add_reasoning_option",
    "graph_for_queries",
    "load_graph",
    "memory_size",
    "port",
    "positive_float",
    "positive_int",
    "query_limits",
    "reasoning_wanted",
    "unit_interval",
]

PROG = "shfz-graph"
EXIT_OK, EXIT_INVALID, EXIT_ERROR, EXIT_INTERRUPTED, EXIT_BROKEN_PIPE = 0, 1, 2, 130, 141

# The global options' choices and defaults.
STORES = ("memory", "oxigraph")
REASONERS = ("auto", "owlrl", "reasonable")

# -- argument types -----------------------------------------------------------------------------------


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be positive: {text!r}")
    return value


def non_negative_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must not be negative: {text!r}")
    return value


def positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be positive: {text!r}")
    return value


def unit_interval(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1: {text!r}")
    return value


def port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 0 < value < 65536:
        raise argparse.ArgumentTypeError(f"a port is between 1 and 65535: {text!r}")
    return value


def memory_size(text: str) -> int:
    """A size in bytes from `512M`, `2G`, `100K` or a plain number of mebibytes (`1024`)."""
    units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    spec = text.strip().upper().removesuffix("B").removesuffix("I")
    unit = units.get(spec[-1:]) if spec else None
    number = spec[:-1] if unit is not None else spec
    try:
        value = float(number)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (write e.g. 512M or 2G)") from None
    if value < 0 or value != value:
        raise argparse.ArgumentTypeError(f"a size cannot be negative: {text!r}")
    return int(value * (unit if unit is not None else 1 << 20))


# -- options shared by several commands -----------------------------------------------------------------


def add_global_options(parser: argparse.ArgumentParser) -> None:
    """Options every subcommand understands (given before the subcommand)."""
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    parser.add_argument("--debug", action="store_true", help="show the traceback of an error")
    parser.add_argument("--store", choices=STORES, default="memory", help="default: memory")
    parser.add_argument("--store-path", type=Path, help="keep an Oxigraph store in this folder")
    parser.add_argument("--reasoner", choices=REASONERS, default="auto", help="default: auto")
    parser.add_argument(
        "--data", action="append", type=Path, metavar="FILE", help="an extra RDF source (repeatable)"
    )


def add_reasoning_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--no-reasoning", action="store_true", help="use the asserted graphs only (no OWL 2 RL inferences)"
    )


def add_limit_options(parser: argparse.ArgumentParser) -> None:
    """The limits of a query, defined once for every command that runs one: `--timeout`, `--max-rows`,
    `--max-memory` (its worker's address space) and `--max-bytes` (its answer)."""
    parser.add_argument(
        "--timeout",
        type=positive_float,
        default=None,
        help=f"seconds a query may run (default: {defaults.TIMEOUT:g}; "
        f"{defaults.REMOTE_TIMEOUT:g} per request to a remote endpoint)",
    )
    parser.add_argument(
        "--max-rows",
        type=positive_int,
        default=None,
        help=f"keep at most this many rows of an answer (default: {defaults.MAX_ROWS})",
    )
    parser.add_argument(
        "--max-memory",
        type=memory_size,
        default=None,
        metavar="SIZE",
        help=f"memory of a query's worker, e.g. 512M or 2G (default: {defaults.MAX_MEMORY >> 20}M; 0: none)",
    )
    parser.add_argument(
        "--max-bytes",
        type=memory_size,
        default=None,
        metavar="SIZE",
        help=f"largest answer, e.g. 10M (default: {defaults.MAX_BYTES >> 20}M)",
    )


def reasoning_wanted(args: argparse.Namespace) -> bool:
    """Whether to add the OWL 2 RL inferences (off with ``--no-reasoning``)."""
    return not getattr(args, "no_reasoning", False)


def query_limits(args: argparse.Namespace) -> dict[str, Any]:
    """The keyword arguments for ``KnowledgeGraph.query`` given on the command line."""
    limits: dict[str, Any] = {"allow_network": args.allow_network}
    if args.timeout is not None:
        limits["timeout"] = args.timeout
    if args.max_rows is not None:
        limits["max_rows"] = args.max_rows
    return limits


# -- loading --------------------------------------------------------------------------------------------


def load_graph(args: argparse.Namespace, *, reason: bool) -> KnowledgeGraph:
    """Load the knowledge graph as the global options say."""
    from shfz_graph.graph import load

    return load(
        reason=reason,
        store=args.store,
        store_path=args.store_path,
        reasoner=args.reasoner,
        extra_sources=args.data or (),
        progress_stream=sys.stderr,
        max_memory=getattr(args, "max_memory", None),
    )


def graph_for_queries(args: argparse.Namespace) -> KnowledgeGraph:
    """The graph to run `query` and `sparql` on: without parsing anything when its query store is built
    (the default in-memory store only; `--store oxigraph` loads as the options say)."""
    from shfz_graph.graph import open_for_queries

    if args.store == "memory" and args.store_path is None:
        kg = open_for_queries(
            reason=reasoning_wanted(args),
            reasoner=args.reasoner,
            extra_sources=args.data or (),
            max_memory=getattr(args, "max_memory", None),
        )
        if kg is not None:
            return kg
    return load_graph(args, reason=reasoning_wanted(args))
