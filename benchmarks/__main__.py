"""The command line: `python -m benchmarks COMMAND [OPTIONS]` (see benchmarks/README.md).

Each command is a module with `add_arguments(parser)` and `run(args, ...)`; its docstring is its help.
"""

from __future__ import annotations

import argparse
import sys
from types import ModuleType

from benchmarks import cold, generate, isolated, pages, server, soak, suite

COMMANDS: dict[str, tuple[ModuleType, str]] = {
    "suite": (suite, "every measurement against its baseline; writes RESULTS.md"),
    "isolated": (isolated, "the query workers against Oxigraph; writes its section of RESULTS.md"),
    "cold": (cold, "light queries with new texts and repeated texts, wrk, against Oxigraph"),
    "soak": (soak, "minutes of light load, hostile clients and killed workers against one `serve`"),
    "pages": (pages, "every page and listing over a large graph: time and memory; writes its section"),
    "server": (server, "a loopback load test of `shfz-graph serve` on a named query"),
    "generate": (generate, "write a synthetic graph (as `python benchmarks/generate.py`)"),
}


def parser() -> tuple[argparse.ArgumentParser, dict[str, argparse.ArgumentParser]]:
    """The parser of `python -m benchmarks`, and that of each command."""
    main_parser = argparse.ArgumentParser(
        prog="python -m benchmarks", description="Benchmarks of shfz-graph against its baselines."
    )
    commands = main_parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    subs = {}
    for name, (module, summary) in COMMANDS.items():
        sub = commands.add_parser(
            name,
            help=summary,
            description=module.__doc__,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        module.add_arguments(sub)
        subs[name] = sub
    return main_parser, subs


def main(argv: list[str] | None = None) -> int:
    """Run one command; a server that fails to start or answer is an error message and exit status 1."""
    argv = sys.argv[1:] if argv is None else argv
    main_parser, subs = parser()
    args = main_parser.parse_args(argv)
    if args.command == "generate":
        return generate.run(args, subs["generate"])
    module = COMMANDS[args.command][0]
    try:
        return int(module.run(args, " ".join(["python -m benchmarks", *argv])))
    except (RuntimeError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
