"""The command line: `python -m benchmarks COMMAND [OPTIONS]` (see benchmarks/README.md)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from benchmarks import generate, isolated, server, suite

COMMANDS: dict[str, tuple[str, Callable[[argparse.ArgumentParser], None]]] = {
    "suite": ("every measurement against its baseline; writes RESULTS.md", suite.add_arguments),
    "isolated": (
        "the query workers against Oxigraph; writes its section of RESULTS.md",
        isolated.add_arguments,
    ),
    "server": ("a loopback load test of `shfz-graph serve` on a named query", server.add_arguments),
    "generate": ("write a synthetic graph (as `python benchmarks/generate.py`)", generate.add_arguments),
}


def parser() -> tuple[argparse.ArgumentParser, dict[str, argparse.ArgumentParser]]:
    """The parser of `python -m benchmarks`, and that of each command."""
    main_parser = argparse.ArgumentParser(
        prog="python -m benchmarks", description="Benchmarks of shfz-graph against its baselines."
    )
    commands = main_parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    subs = {}
    for name, (summary, add_arguments) in COMMANDS.items():
        module = sys.modules[f"benchmarks.{name}"]
        sub = commands.add_parser(
            name,
            help=summary,
            description=module.__doc__,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        add_arguments(sub)
        subs[name] = sub
    return main_parser, subs


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    main_parser, subs = parser()
    args = main_parser.parse_args(argv)
    if args.command == "generate":
        return generate.run(args, subs["generate"])
    command = " ".join(["python -m benchmarks", *argv])
    runner = {"suite": suite.run, "isolated": isolated.run, "server": server.run}[args.command]
    try:
        return runner(args, command)
    except RuntimeError as exc:  # a server that did not start or answer
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
