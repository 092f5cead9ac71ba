"""Where the commands write: stdout (text or bytes), stderr (prefixed with the program name), or a file
written atomically."""

from __future__ import annotations

import sys
from pathlib import Path

from shfz_graph.cli.options import PROG

__all__ = ["err", "out", "out_bytes", "write_output"]


def out(text: str) -> None:
    """Write text to stdout, ending it with a newline."""
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def out_bytes(data: bytes) -> None:
    """Write bytes (an RDF serialisation, UTF-8) to stdout as they are."""
    sys.stdout.flush()
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:
        sys.stdout.write(data.decode("utf-8"))
    else:
        buffer.write(data)
        buffer.flush()


def err(text: str) -> None:
    """Write one line to stderr, prefixed with the program name."""
    sys.stderr.write(f"{PROG}: {text}\n")


def write_output(data: bytes, output: Path | None) -> None:
    """Write `data` to the file `output` atomically, or to stdout when there is none."""
    if output is None:
        out_bytes(data)
    else:
        from shfz_graph.rdf.export import write_atomic

        write_atomic(output, data)
