"""The default limits and settings, named once: the library, the server and the command line read them here.

Light on purpose (the query worker and the command line's parser import it): plain constants, one
function and `Limits`, the one value that carries a query's limits from the shells to the workers (it
imports only `errors`, to say what is out of range). See docs/architecture.md for which module enforces
each limit.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from shfz_graph.errors import LimitError, check_max_rows, check_timeout

__all__ = [
    "ANSWER_CACHE",
    "CACHE_MAX_AGE",
    "HOST",
    "MAX_BODY",
    "MAX_BYTES",
    "MAX_MEMORY",
    "MAX_ROWS",
    "PORT",
    "REMOTE_RETRIES",
    "REMOTE_TIMEOUT",
    "TIMEOUT",
    "Limits",
    "workers",
]

#: Seconds a query may run (local queries, the server, the command line).
TIMEOUT = 10.0
#: Rows (or triples) a query answer keeps; the rest is cut and the answer marked truncated.
MAX_ROWS = 10_000
#: Address space of one query worker process, in bytes.
MAX_MEMORY = 1 << 30
#: Largest serialized answer of one query, in bytes.
MAX_BYTES = 64 << 20
#: Largest HTTP request body the server reads, in bytes: far more than any query needs.
MAX_BODY = 1 << 20
#: Bytes of complete answers the server keeps to answer again without evaluating (0: none).
ANSWER_CACHE = 64 << 20
#: Seconds clients and shared caches may reuse an answer without asking again (0: revalidate each time).
CACHE_MAX_AGE = 0
#: Where the server listens: loopback only, unless told otherwise.
HOST = "127.0.0.1"
PORT = 8000
#: Seconds per connection and per read when talking to a remote endpoint or store.
REMOTE_TIMEOUT = 30.0
#: Retries of a remote request that failed with a passing error (429, 502, 503, 504).
REMOTE_RETRIES = 3


def workers() -> int:
    """Query worker processes: one per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


@dataclass(frozen=True)
class Limits:
    """The limits of a query, one value from the command line or the server to the pool and its workers:
    seconds (None: none), rows kept, answer bytes, and the worker's address space in bytes (None: none).
    Out-of-range values are refused here, once, with a `LimitError`."""

    timeout: float | None = TIMEOUT
    max_rows: int = MAX_ROWS
    max_bytes: int = MAX_BYTES
    max_memory: int | None = MAX_MEMORY

    def __post_init__(self) -> None:
        check_timeout(self.timeout)
        check_max_rows(self.max_rows)
        if self.max_bytes < 1:
            raise LimitError(f"max_bytes must be positive (got {self.max_bytes})")
        if self.max_memory is not None and self.max_memory <= 0:
            raise LimitError(f"max_memory must be positive, or None for no limit (got {self.max_memory})")
