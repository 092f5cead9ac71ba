"""The floor of our HTTP stack: uvicorn (httptools, uvloop) answering the light queries from a table.

    SHFZ_BENCH_COUNTS=counts.json python -m uvicorn benchmarks.floor:app --http httptools --loop uvloop

No store, no worker, no framework: the query's number and nonce are read from the URL and the count
is looked up in the table the benchmark wrote (the reference store's counts), so the answers pass the
same checks as a real server's; each answer is made once and then sent from memory. What this answers
per second on a core is the most any answer from our serving process (cached or not) can reach on the
same stack: `benchmarks cold` measures it in the warm mode beside ours and Oxigraph.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote_plus

_NUMBERS = re.compile(r"VALUES \(\?q \?n\) \{ \((\d+) (\d+)\) \}")
_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"


def _counts() -> list[int]:
    path = os.environ.get("SHFZ_BENCH_COUNTS")
    return json.loads(Path(path).read_text(encoding="utf-8")) if path else []


COUNTS = _counts()


def answer(query_string: bytes) -> tuple[int, bytes]:
    """The status and SPARQL JSON body for one light query's URL parameters."""
    text = unquote_plus(query_string.decode("latin-1").partition("query=")[2])
    match = _NUMBERS.search(text)
    if match is None or int(match.group(1)) >= len(COUNTS):
        return 400, b"not a light query of this run"
    q, n = match.groups()
    terms = {
        name: {"type": "literal", "value": value, "datatype": _INTEGER}
        for name, value in (("q", q), ("n", n), ("c", str(COUNTS[int(q)])))
    }
    body = {"head": {"vars": ["q", "n", "c"]}, "results": {"bindings": [terms]}}
    return 200, json.dumps(body, separators=(",", ":")).encode()


_MADE: dict[bytes, tuple[int, list[tuple[bytes, bytes]], bytes]] = {}  # query string -> the answer


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """ASGI: every GET is a light query, answered once and then from memory (no work but the stack's)."""
    if scope["type"] != "http":
        return
    query_string = scope.get("query_string", b"")
    made = _MADE.get(query_string)
    if made is None:
        status, body = answer(query_string)
        headers = [
            (b"content-type", b"application/sparql-results+json"),
            (b"content-length", str(len(body)).encode()),
        ]
        made = _MADE[query_string] = (status, headers, body)
        if len(_MADE) > 1024:
            _MADE.clear()
    status, headers, body = made
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
