"""The command table, the parser and `main`: how a subcommand is found, run, and its errors reported.

Each subcommand is a :class:`Command` in the :data:`COMMANDS` table: a name, a help line, a function that
adds its arguments, and a function that runs it. To add one, write the two functions in a module of this
package and append a row to the table; global options go in `options.add_global_options`.
Exit codes: 0 success, 1 data does not conform to the shapes, 2 error, 130 interrupted, 141 broken pipe.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from shfz_graph.cli import describe, export, maps, query, remote, serve
from shfz_graph.cli.options import (
    EXIT_BROKEN_PIPE,
    EXIT_ERROR,
    EXIT_INTERRUPTED,
    EXIT_INVALID,
    PROG,
    add_global_options,
)
from shfz_graph.cli.output import err
from shfz_graph.errors import DeprecatedParameterName, ShfzError, ValidationFailed

__all__ = ["COMMANDS", "LIMIT_FLAGS", "Command", "build_parser", "main"]


@dataclass(frozen=True)
class Command:
    """One subcommand: ``configure`` adds its arguments, ``run`` does the work and returns the exit code."""

    name: str
    help: str
    configure: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]


COMMANDS: tuple[Command, ...] = (
    Command(
        "queries", "list the named queries and their parameters", query.configure_queries, query.run_queries
    ),
    Command("query", "run a named query", query.configure_query, query.run_query),
    Command(
        "sparql", "run a SPARQL query (text, file, or - for stdin)", query.configure_sparql, query.run_sparql
    ),
    Command(
        "describe",
        "show everything about one thing (IRI or label)",
        describe.configure_describe,
        describe.run_describe,
    ),
    Command("export", "write the graph as RDF", export.configure_export, export.run_export),
    Command(
        "validate", "check the data against the SHACL shapes", export.configure_validate, export.run_validate
    ),
    Command(
        "info", "version, source hash, and counts per graph and class", export.configure_info, export.run_info
    ),
    Command("push", "load the named graphs into a SPARQL 1.1 store", remote.configure_push, remote.run_push),
    Command("link", "propose links to Wikidata items, for review", remote.configure_link, remote.run_link),
    Command(
        "serve",
        "serve the SPARQL endpoint, IRIs and pages over HTTP",
        serve.configure_serve,
        serve.run_serve,
    ),
    Command(
        "map",
        "draw Shanghai's districts and zones, or China's pilot FTZs (--scope china), as SVG ([map] extra)",
        maps.configure_map,
        maps.run_map,
    ),
)

#: The option that raises each limit a query can hit (`QueryTimeout.limit`, `QueryLimitExceeded.limit`).
LIMIT_FLAGS = {"time": "--timeout", "memory": "--max-memory", "answer-bytes": "--max-bytes"}


def build_parser(commands: Sequence[Command] = COMMANDS) -> argparse.ArgumentParser:
    """The argument parser: global options, then one subparser per row of ``commands``."""
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="The Shanghai Pilot Free Trade Zone knowledge graph: query, describe, export, validate.",
    )
    add_global_options(parser)
    sub = parser.add_subparsers(dest="command_name", metavar="COMMAND", required=True)
    for command in commands:
        sub_parser = sub.add_parser(command.name, help=command.help, description=command.help)
        command.configure(sub_parser)
        sub_parser.set_defaults(run=command.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (the console script exits with it)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version, usage errors (argparse prints them)
        return exc.code if isinstance(exc.code, int) else EXIT_ERROR
    try:
        return run_command(args)
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        silence_stdout()
        return EXIT_BROKEN_PIPE
    except ValidationFailed as exc:
        return report_error(args, exc, EXIT_INVALID)
    except (ShfzError, OSError) as exc:
        return report_error(args, exc, EXIT_ERROR)
    except Exception as exc:
        if args.debug:
            traceback.print_exc()
        else:
            err(f"internal error: {type(exc).__name__}: {one_line(str(exc))} (run with --debug for details)")
        return EXIT_ERROR


def run_command(args: argparse.Namespace) -> int:
    """Run the chosen subcommand; a renamed query parameter it used is reported as one warning line."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", DeprecatedParameterName)
        code: int = args.run(args)
    sys.stdout.flush()
    for warning in caught:
        if isinstance(warning.message, DeprecatedParameterName):
            err(f"warning: {warning.message}")
        else:
            warnings.showwarning(warning.message, warning.category, warning.filename, warning.lineno)
    return code


def report_error(args: argparse.Namespace, exc: BaseException, code: int) -> int:
    """Print ``shfz-graph: error: ...`` (and the traceback with ``--debug``); return ``code``."""
    if args.debug:
        traceback.print_exc()
    message = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
    if isinstance(exc, OSError) and exc.filename:
        message = f"{exc.filename}: {message}"
    flag = LIMIT_FLAGS.get(getattr(exc, "limit", None) or "")
    if flag and isinstance(exc, ShfzError):
        message += f" (raise it with {flag})"
    err(f"error: {one_line(message)}")
    return code


def one_line(text: str) -> str:
    """Collapse a message onto one line."""
    return " ".join(text.split())


def silence_stdout() -> None:
    """After a broken pipe, point stdout at /dev/null so that the interpreter's final flush stays quiet."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass  # stdout is not a real file (e.g. captured in tests): nothing will flush into a pipe
