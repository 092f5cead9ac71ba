"""HTTP caching in front of everything the server answers: validators, an answer cache, compression.

The graph cannot change while the server runs, so an answer is fixed by the store's build and the
request's meaning: its method, path and query string (the query text, bound parameters, format), the
body of a SPARQL POST, and the headers that choose among answers (`Accept`, `Origin`, `Host`). From those
comes a strong `ETag`, so a client's `If-None-Match` is answered `304` before anything is evaluated.
Complete successful answers (200) are kept in an `AnswerCache`, bounded in bytes and least recently used
first out, with their compressed forms once made; errors, time-outs and queries whose answer may change
from one run to the next (`NOW()`, `RAND()`, `UUID()`, `STRUUID()`, `BNODE()`) never are. Answers over
about a kilobyte are compressed as `Accept-Encoding` allows (brotli when the `brotli` wheel is there,
then gzip); each encoding is its own representation with its own tag (`"<tag>-gzip"`).

It wraps the whole app, the short way for SPARQL GETs included, so both paths cache alike.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import re
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shfz_graph import _sparqltext

__all__ = [
    "AnswerCache",
    "Entry",
    "HttpCache",
    "cache_control",
    "choose_encoding",
    "encodings_available",
    "make_etag",
    "matches",
    "may_change",
]

#: Smallest body worth compressing, in bytes.
COMPRESS_MIN = 1024
#: Largest request body (a SPARQL POST) read to key the cache; longer ones go through uncached.
KEY_BODY_MAX = 64 * 1024
_COMPRESSIBLE = re.compile(
    rb"^(text/|application/(?:[\w.+-]*json|[\w.+-]*xml|n-triples|n-quads|trig|turtle|javascript|"
    rb"sparql-results\+[\w]+|sparql-query)|image/svg\+xml)",
    re.IGNORECASE,
)
_VOLATILE = re.compile(r"\b(?:NOW|RAND|UUID|STRUUID|BNODE)\s*\(", re.IGNORECASE)
_KEY_HEADERS = (b"accept", b"origin", b"host")
_SPARQL_PATHS = ("/sparql",)


def encodings_available() -> tuple[str, ...]:
    """The content codings this server can write, best first (brotli only if its wheel is installed)."""
    try:
        import brotli  # noqa: F401
    except ImportError:
        return ("gzip",)
    return ("br", "gzip")


def choose_encoding(accept_encoding: str | None, available: Iterable[str]) -> str | None:
    """The coding to answer with for this `Accept-Encoding` (None: identity), by the client's weights,
    ties broken by our order; `q=0` refuses a coding, `*` stands for any not named."""
    if not accept_encoding:
        return None
    weights: dict[str, float] = {}
    for part in accept_encoding.split(","):
        name, _, params = part.strip().partition(";")
        name = name.strip().lower()
        if not name:
            continue
        q = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        weights[name] = q
    best: tuple[float, int, str] | None = None
    for rank, coding in enumerate(available):
        q = weights.get(coding, weights.get("*", 0.0))
        if q > 0 and (best is None or (q, -rank) > (best[0], -best[1])):
            best = (q, rank, coding)
    return best[2] if best else None


def compress(body: bytes, coding: str) -> bytes:
    """`body` in `coding` ("gzip" or "br"), at a level that favours speed (answers are made often)."""
    if coding == "br":
        import brotli

        return bytes(brotli.compress(body, quality=5))
    return gzip.compress(body, compresslevel=5, mtime=0)


def make_etag(build: str, key: bytes) -> str:
    """The strong entity tag of an answer: its store build and its request's meaning, hashed."""
    return '"' + hashlib.blake2b(build.encode() + b"\0" + key, digest_size=12).hexdigest() + '"'


def _opaque(tag: str) -> str:
    """A tag as compared: without `W/` and without the coding we append to a compressed form."""
    tag = tag.strip()
    tag = tag.removeprefix("W/")
    for suffix in ('-gzip"', '-br"'):
        if tag.endswith(suffix):
            return tag[: -len(suffix)] + '"'
    return tag


def matches(if_none_match: str | None, etag: str) -> bool:
    """Whether `If-None-Match` names `etag` (weak comparison, as RFC 9110 asks for this header)."""
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    wanted = _opaque(etag)
    return any(_opaque(tag) == wanted for tag in if_none_match.split(","))


def query_params(query_string: bytes) -> tuple[tuple[str, str], ...]:
    """A URL's parameters as the framework reads them; remembered for query strings up to 8 KB (clients
    repeat their queries, and the cache and the short way both read them)."""
    if len(query_string) > _REMEMBERED_QUERY_STRING:
        return tuple(parse_qsl(query_string.decode("latin-1"), keep_blank_values=True))
    return _remembered_params(query_string)


_REMEMBERED_QUERY_STRING = 8192


@functools.lru_cache(maxsize=256)
def _remembered_params(query_string: bytes) -> tuple[tuple[str, str], ...]:
    return tuple(parse_qsl(query_string.decode("latin-1"), keep_blank_values=True))


@functools.lru_cache(maxsize=256)
def _texts_may_change(query_string: bytes) -> bool:
    return any(may_change(value) for name, value in query_params(query_string) if name == "query")


def may_change(text: str) -> bool:
    """Whether a query's answer may differ from one run to the next (it calls NOW, RAND, UUID, ...)."""
    if _VOLATILE.search(text) is None:  # the common case, without cutting the text into tokens
        return False
    code = " ".join(t.text for t in _sparqltext.tokens(text) if t.kind == "code")
    return _VOLATILE.search(code) is not None


def cache_control(max_age: int) -> bytes:
    """`Cache-Control` for answers: revalidate every time (0), or keep for `max_age` seconds."""
    return b"no-cache" if max_age <= 0 else f"public, max-age={max_age}".encode()


@dataclass
class Entry:
    """One cached answer: its status line's headers (without length or coding) and body, and the
    compressed forms made so far."""

    headers: list[tuple[bytes, bytes]]
    body: bytes
    coded: dict[str, bytes] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return len(self.body) + sum(len(b) for b in self.coded.values()) + 64 * len(self.headers) + 64


class AnswerCache:
    """Complete answers by key, at most `max_bytes` in all, the least recently used evicted first.

    Used from the event loop only (every ASGI call runs there), so it needs no lock: no await happens
    between a lookup and its use.
    """

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.size = 0
        self.hits = 0
        self.misses = 0
        self._entries: OrderedDict[bytes, Entry] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: bytes) -> Entry | None:
        entry = self._entries.get(key)
        if entry is None:
            self.misses += 1
            return None
        self.hits += 1
        self._entries.move_to_end(key)
        return entry

    def put(self, key: bytes, entry: Entry) -> None:
        """Keep `entry` (an answer larger than half the budget is not kept)."""
        if entry.size > self.max_bytes // 2:
            return
        old = self._entries.pop(key, None)
        if old is not None:
            self.size -= old.size
        self._entries[key] = entry
        self.size += entry.size
        while self.size > self.max_bytes and self._entries:
            _, evicted = self._entries.popitem(last=False)
            self.size -= evicted.size

    def grew(self, entry: Entry, added: int) -> None:
        """Account for a compressed form added to `entry` (evicting others if the budget is passed)."""
        self.size += added
        while self.size > self.max_bytes and len(self._entries) > 1:
            oldest = next(iter(self._entries))
            if self._entries[oldest] is entry:
                self._entries.move_to_end(oldest)
                continue
            self.size -= self._entries.pop(oldest).size


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return bytes(value)
    return None


class HttpCache:
    """ASGI middleware: conditional requests, the answer cache and compression for `app`.

    `build` names the store's build (source hash, reasoner, version, limits): every tag changes with it.
    `cache` is None to keep no answers (tags, 304s and compression go on). `max_age` sets
    `Cache-Control` (0: clients revalidate every time).
    """

    def __init__(self, app: ASGIApp, *, build: str, cache: AnswerCache | None, max_age: int = 0) -> None:
        self.app = app
        self.build = build
        self.cache = cache
        self.cache_control = cache_control(max_age)
        self.codings = encodings_available()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        method = scope.get("method")
        if scope["type"] != "http" or method not in ("GET", "HEAD", "POST"):
            await self.app(scope, receive, send)
            return
        body = b""
        if method == "POST":
            if scope["path"] not in _SPARQL_PATHS:
                await self.app(scope, receive, send)
                return
            whole, messages = await _read_body(receive, KEY_BODY_MAX)
            receive = _replay(messages, receive)
            if whole is None:  # too long to key, or the client left: as it came
                await self.app(scope, receive, send)
                return
            body = whole
        key = self._key(scope, body)
        if key is None:
            await self._plain(scope, receive, send)
            return
        etag = make_etag(self.build, key)
        coding = choose_encoding(_text(_header(scope, b"accept-encoding")), self.codings)
        if method != "POST" and matches(_text(_header(scope, b"if-none-match")), etag):
            await self._not_modified(send, etag, coding)
            return
        entry = self.cache.get(key) if self.cache is not None else None
        if entry is None:
            as_get = {**scope, "method": "GET"} if method == "HEAD" else scope  # HEAD's length is GET's
            entry = await self._fetch(as_get, receive, send)
            if entry is None:
                return  # not a complete 200: already sent as it came
            if self.cache is not None:
                self.cache.put(key, entry)
        await self._send(send, entry, etag, coding, head=method == "HEAD")

    def _key(self, scope: Scope, body: bytes) -> bytes | None:
        """The request's meaning as bytes, or None if its answer may change between runs."""
        query_string = scope.get("query_string", b"")
        if scope["path"] in _SPARQL_PATHS:
            if len(query_string) <= _REMEMBERED_QUERY_STRING:
                volatile = _texts_may_change(query_string)
            else:
                volatile = any(n == "query" and may_change(v) for n, v in query_params(query_string))
            if volatile or (body and may_change(body.decode("utf-8", "replace"))):
                return None
        parts = [
            b"GET" if scope["method"] == "HEAD" else scope["method"].encode(),
            scope.get("scheme", "http").encode(),
            scope.get("root_path", "").encode(),
            scope["path"].encode("utf-8", "surrogateescape"),
            query_string,
            *(_header(scope, name) or b"" for name in (*_KEY_HEADERS, b"content-type")),
            body,
        ]
        return b"\0".join(parts)

    async def _plain(self, scope: Scope, receive: Receive, send: Send) -> None:
        """An answer that is not cached, compressed as it goes if it is whole in one message."""
        coding = choose_encoding(_text(_header(scope, b"accept-encoding")), self.codings)
        as_get = {**scope, "method": "GET"} if scope["method"] == "HEAD" else scope
        entry = await self._fetch(as_get, receive, send)
        if entry is not None:
            await self._send(send, entry, None, coding, head=scope["method"] == "HEAD")

    async def _fetch(self, scope: Scope, receive: Receive, send: Send) -> Entry | None:
        """Run the app; a complete 200 comes back as an Entry, anything else is sent on as it comes."""
        start: Message | None = None
        chunks: list[bytes] = []
        passing = False

        async def capture(message: Message) -> None:
            nonlocal start, passing
            if passing:
                await send(message)
            elif message["type"] == "http.response.start":
                start = message
                if message["status"] != 200 or any(
                    k == b"content-encoding" or (k == b"cache-control" and b"no-store" in v)
                    for k, v in message.get("headers", ())
                ):
                    passing = True
                    await send(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self.app(scope, receive, capture)
        if passing or start is None:
            return None
        headers = [
            (k, v)
            for k, v in start.get("headers", ())
            if k not in (b"content-length", b"etag", b"cache-control", b"vary")
        ]
        vary = [v for k, v in start.get("headers", ()) if k == b"vary"]
        names = {n.strip().lower() for value in vary for n in value.split(b",") if n.strip()}
        names |= {b"accept", b"accept-encoding"}
        headers.append((b"vary", b", ".join(sorted(n.title() for n in names))))
        return Entry(headers, b"".join(chunks))

    async def _send(
        self, send: Send, entry: Entry, etag: str | None, coding: str | None, *, head: bool
    ) -> None:
        """Send a complete answer, compressed if asked and worth it, with its validators."""
        body = entry.body
        headers = list(entry.headers)
        content_type = next((v for k, v in headers if k == b"content-type"), b"")
        if coding and len(body) >= COMPRESS_MIN and _COMPRESSIBLE.match(content_type):
            coded = entry.coded.get(coding)
            if coded is None:
                coded = compress(body, coding)
                entry.coded[coding] = coded
                if self.cache is not None:
                    self.cache.grew(entry, len(coded))
            body = coded
            headers.append((b"content-encoding", coding.encode()))
            if etag is not None:
                etag = etag[:-1] + "-" + coding + '"'
        if etag is not None:
            headers.append((b"etag", etag.encode()))
            headers.append((b"cache-control", self.cache_control))
        headers.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b"" if head else body})

    async def _not_modified(self, send: Send, etag: str, coding: str | None) -> None:
        tag = etag if coding is None else etag[:-1] + "-" + coding + '"'
        headers = [
            (b"etag", tag.encode()),
            (b"cache-control", self.cache_control),
            (b"vary", b"Accept, Accept-Encoding"),
        ]
        await send({"type": "http.response.start", "status": 304, "headers": headers})
        await send({"type": "http.response.body", "body": b""})


def _text(value: bytes | None) -> str | None:
    return value.decode("latin-1") if value is not None else None


async def _read_body(receive: Receive, limit: int) -> tuple[bytes | None, list[Message]]:
    """The whole request body (None past `limit` bytes, or if the client left) and the messages read,
    which the app must still be given (`_replay`)."""
    messages: list[Message] = []
    size = 0
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            return None, messages
        size += len(message.get("body", b""))
        if size > limit:
            return None, messages
        if not message.get("more_body", False):
            return b"".join(m.get("body", b"") for m in messages), messages


def _replay(messages: list[Message], receive: Receive) -> Receive:
    """A `receive` that gives `messages` first, then whatever the client sends next."""
    pending = list(messages)

    async def replayed() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()

    return replayed
