"""HTTP to remote stores: credentials, one request, failures as one-line `RemoteError`s, and retries.

A `User-Agent` naming the project and its version; a time limit per connection and per read; retries with
exponential backoff on 429/502/503/504 that honour `Retry-After`; optional basic or bearer authentication
from `$SHFZ_GRAPH_AUTH` (`basic:USER:PASSWORD` or `bearer:TOKEN`), never from the command line.
"""

from __future__ import annotations

import ast
import base64
import email.utils
import http.client
import os
import re
import socket
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from shfz_graph import __version__
from shfz_graph.errors import AttemptFailed, ParameterError, RemoteError, RemoteTimeout

__all__ = [
    "AUTH_ENV",
    "MAX_RETRY_AFTER",
    "USER_AGENT",
    "Auth",
    "as_failure",
    "auth_from_env",
    "check_url",
    "detail",
    "parse_auth",
    "request",
    "resolve_auth",
    "with_retries",
]

AUTH_ENV = "SHFZ_GRAPH_AUTH"
USER_AGENT = f"shfz-graph/{__version__} (+https://w3id.org/shfz/) SPARQLWrapper"
#: The longest `Retry-After` we wait for; a server asking for more is reported instead.
MAX_RETRY_AFTER = 60.0
_BACKOFF_BASE = 0.5
_BACKOFF_CAP = 8.0
_RETRY_STATUSES = frozenset({429, 502, 503, 504})
_DETAIL_CHARS = 200

T = TypeVar("T")
_sleep = time.sleep  # between retries (tests replace it to see the waits)


# -- authentication -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Auth:
    """HTTP credentials: `basic` (user and password) or `bearer` (a token). The secret is never shown."""

    scheme: str
    secret: str = field(repr=False)
    user: str = ""

    def header(self) -> str:
        """The value of the `Authorization` header."""
        if self.scheme == "basic":
            token = base64.b64encode(f"{self.user}:{self.secret}".encode()).decode("ascii")
            return f"Basic {token}"
        return f"Bearer {self.secret}"


def parse_auth(spec: str, *, source: str = AUTH_ENV) -> Auth:
    """Credentials from `basic:USER:PASSWORD` or `bearer:TOKEN`; errors name `source`, never the secret."""
    scheme, sep, rest = spec.strip().partition(":")
    scheme = scheme.lower()
    if scheme == "basic" and sep:
        user, colon, password = rest.partition(":")
        if user and colon and password:
            return Auth("basic", password, user)
    elif scheme == "bearer" and sep and rest:
        return Auth("bearer", rest)
    raise ParameterError(f"{source} must be 'basic:USER:PASSWORD' or 'bearer:TOKEN' (its value is not shown)")


def auth_from_env(environ: Mapping[str, str] | None = None) -> Auth | None:
    """Credentials from `$SHFZ_GRAPH_AUTH`, or None when it is unset or empty."""
    value = (os.environ if environ is None else environ).get(AUTH_ENV, "")
    return parse_auth(value) if value.strip() else None


def resolve_auth(auth: Auth | str | None) -> Auth | None:
    if isinstance(auth, Auth):
        return auth
    if isinstance(auth, str):
        return parse_auth(auth, source="auth")
    return auth_from_env()


# -- requests and failures ------------------------------------------------------------------------------


def check_url(url: str, what: str) -> str:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ParameterError(f"{what} must be an http:// or https:// URL, not {url!r}")
    return url


def _retry_after(headers: Any) -> float | None:
    """Seconds to wait from a `Retry-After` header (seconds or an HTTP date), or None."""
    value = headers.get("Retry-After") if headers is not None else None
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def detail(body: bytes | str | None) -> str:
    """The first meaningful line of an error body, shortened."""
    if not body:
        return ""
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    text = re.sub(r"<[^>]+>", " ", text) if "<html" in text[:500].lower() else text
    line = " ".join(text.split())
    return line[:_DETAIL_CHARS] + ("..." if len(line) > _DETAIL_CHARS else "")


def _http_failure(
    code: int, reason: str, body: bytes | None, headers: Any, what: str, url: str
) -> AttemptFailed:
    shown = detail(body)
    message = f"{what}: {url} answered HTTP {code}" + (f" {reason}" if reason else "")
    if shown:
        message += f": {shown}"
    retry = code in _RETRY_STATUSES
    return AttemptFailed(
        RemoteError(message), retry=retry, retry_after=_retry_after(headers) if retry else None
    )


def _sparqlwrapper_failure(exc: Exception, what: str, url: str) -> AttemptFailed | None:
    """SPARQLWrapper turns some HTTP errors into its own exceptions (the body only in their message)."""
    from SPARQLWrapper import SPARQLExceptions as swe

    codes: dict[type[Exception], tuple[int, str]] = {
        swe.QueryBadFormed: (400, "Bad Request"),
        swe.Unauthorized: (401, "Unauthorized"),
        swe.EndPointNotFound: (404, "Not Found"),
        swe.URITooLong: (414, "URI Too Long"),
        swe.EndPointInternalError: (500, "Internal Server Error"),
    }
    for cls, (code, reason) in codes.items():
        if isinstance(exc, cls):
            body: bytes | None = None
            _, sep, raw = str(exc).partition("Response:\n")
            if sep:
                try:
                    value = ast.literal_eval(raw.strip())
                    body = value if isinstance(value, bytes) else None
                except (ValueError, SyntaxError):
                    body = None
            return _http_failure(code, reason, body, None, what, url)
    return None


def as_failure(exc: BaseException, what: str, url: str, timeout: float) -> AttemptFailed:
    """The one-line error for an exception raised while talking to `url`."""
    if isinstance(exc, urllib.error.HTTPError):
        try:
            body = exc.read()
        except (OSError, http.client.HTTPException):
            body = None
        return _http_failure(exc.code, str(exc.reason or ""), body, exc.headers, what, url)
    if isinstance(exc, Exception):
        failure = _sparqlwrapper_failure(exc, what, url)
        if failure is not None:
            return failure
    reason: object = exc.reason if isinstance(exc, urllib.error.URLError) else exc
    if isinstance(reason, (TimeoutError, socket.timeout)) or "timed out" in str(reason):
        return AttemptFailed(RemoteTimeout(f"{what}: {url} did not answer within {timeout:g} s"))
    if isinstance(reason, ConnectionRefusedError):
        return AttemptFailed(RemoteError(f"{what}: cannot connect to {url}: connection refused"))
    if isinstance(reason, socket.gaierror):
        return AttemptFailed(RemoteError(f"{what}: cannot find the host of {url}"))
    if isinstance(reason, ssl.SSLError):
        return AttemptFailed(RemoteError(f"{what}: TLS failure with {url}: {reason.reason or reason}"))
    if isinstance(reason, (ConnectionError, http.client.HTTPException)):
        text = str(reason) or type(reason).__name__
        return AttemptFailed(RemoteError(f"{what}: the connection to {url} failed: {text}"))
    if isinstance(reason, OSError):
        return AttemptFailed(RemoteError(f"{what}: cannot reach {url}: {reason.strerror or reason}"))
    return AttemptFailed(RemoteError(f"{what}: {url} failed: {type(exc).__name__}: {detail(str(exc))}"))


def with_retries(attempt: Callable[[], T], *, what: str, url: str, timeout: float, retries: int) -> T:
    """Run `attempt`, retrying retryable failures with backoff (or as long as `Retry-After` says)."""
    for n in range(retries + 1):
        try:
            return attempt()
        except AttemptFailed as failure:
            if not failure.retry or n == retries:
                if failure.retry and retries:
                    raise RemoteError(f"{failure.error} (gave up after {retries + 1} attempts)") from None
                raise failure.error from None
            wait = failure.retry_after
            if wait is None:
                wait = min(_BACKOFF_BASE * 2**n, _BACKOFF_CAP)
            elif wait > MAX_RETRY_AFTER:
                raise RemoteError(f"{failure.error} (it asks to retry after {wait:g} s)") from None
            _sleep(wait)
        except (RemoteError, ParameterError):
            raise
        except Exception as exc:
            raise as_failure(exc, what, url, timeout).error from None
    raise AssertionError("unreachable")  # pragma: no cover


def request(
    method: str,
    url: str,
    *,
    data: bytes | None,
    headers: Mapping[str, str],
    auth: Auth | None,
    what: str,
    timeout: float,
    shown: str | None = None,
) -> tuple[int, bytes]:
    """One HTTP request with urllib (status, body); every failure is a `AttemptFailed` naming `shown` (or
    `url`) as the address."""
    request = urllib.request.Request(url, data=data, method=method)  # noqa: S310 (checked http(s) URL)
    request.add_header("User-Agent", USER_AGENT)
    for name, value in headers.items():
        request.add_header(name, value)
    if auth is not None:
        request.add_header("Authorization", auth.header())
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status, response.read()
    except Exception as exc:
        raise as_failure(exc, what, shown or url, timeout) from None
