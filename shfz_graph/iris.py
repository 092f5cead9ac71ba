"""The one IRI check: is a string an IRI that we may bind into a query, write between `<` and `>`, or look up?

The rule is RFC 3987's IRI (absolute, with a scheme; a fragment allowed) restricted to what N-Triples and
SPARQL allow inside `<...>` (IRIREF): no space or control character, none of `<>"{}|^`\\`, `%` only as
the start of a `%XX` escape, at most one `#`. Two schemes carry their own rule: `http(s)` needs a host
(RFC 9110) and `urn` the form `urn:NID:NSS` (RFC 8141). A caller may also limit the schemes it accepts.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from shfz_graph.errors import ParameterError

__all__ = ["FORBIDDEN", "check_iri", "iri_problem"]

#: Characters IRIREF forbids besides controls and spaces (they would end or break `<...>`).
FORBIDDEN = frozenset('<>"{}|^`\\')
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
_HOST = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*://[^/?#]+")
_URN = re.compile(r"urn:[A-Za-z0-9][A-Za-z0-9\-]{0,31}:.+", re.IGNORECASE | re.DOTALL)
_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")


def _bad_character(value: str) -> str | None:
    """The first character that may not appear in an IRI, or None."""
    for c in value:
        if c in FORBIDDEN or c.isspace() or unicodedata.category(c) in ("Cc", "Cs"):
            return c
    return None


def iri_problem(value: str, *, schemes: Sequence[str] | None = None) -> str | None:
    """Why `value` is not an acceptable absolute IRI (of one of `schemes`, if given), or None if it is."""
    if not value:
        return "it is empty"
    bad = _bad_character(value)
    if bad is not None:
        return f"it contains {bad!r}"
    m = _SCHEME.match(value)
    if not m:
        return "it is not absolute (it needs a scheme such as https:)"
    scheme = m.group(1).lower()
    if schemes is not None and scheme not in schemes:
        return f"its scheme {scheme!r} is not one of: {', '.join(schemes)}"
    if scheme in ("http", "https") and not _HOST.match(value):
        return "it has no host"
    if scheme == "urn" and not _URN.fullmatch(value):
        return "it is not of the form urn:NID:NSS"
    if _BAD_PERCENT.search(value):
        return "it has a '%' that does not start a %XX escape"
    if value.count("#") > 1:
        return "it has more than one '#'"
    return None


def check_iri(value: str, what: str, *, schemes: Sequence[str] | None = None) -> str:
    """`value` if it is an acceptable IRI (see `iri_problem`), else a ParameterError naming `what` it is."""
    problem = iri_problem(value, schemes=schemes)
    if problem is not None:
        raise ParameterError(f"{what} {value!r} is not a valid IRI: {problem}")
    return value
