"""The ``shfz-graph`` command: a thin shell over the package that prints results and sets exit codes.

`main` runs it (the console script and ``python -m shfz_graph``); the command table and the parser are in
`shfz_graph.cli.commands`, the shared options, argument types and exit codes in `shfz_graph.cli.options`, and
one module per group of commands beside them. Nothing outside this package imports it.
"""

from __future__ import annotations

from shfz_graph.cli.commands import COMMANDS, Command, build_parser, main

__all__ = ["COMMANDS", "Command", "build_parser", "main"]
