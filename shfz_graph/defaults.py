"""The default limits and settings, named once: the library, the server and the command line read them here.

Light on purpose (the query worker and the command line's parser import it): plain constants and one
function, no imports from the package. See docs/architecture.md for which module enforces each limit.
"""

from __future__ import annotations

import os

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
