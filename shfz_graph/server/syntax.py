"""A SPARQL syntax error in plain words, at the place the editor marks: the engine's message gives a line
and column ("line 4, column 3: Expected SelectQuery, found 'FILTER'"); the brackets, strings and names
around it often say more plainly what is wrong ("a `)` is missing before `}`")."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from shfz_graph import _sparqltext

__all__ = ["ErrorSpot", "explain"]

_POSITION = re.compile(r"line (\d+), column (\d+)")
_FOUND = re.compile(r"found '([^']*)'")
_PREFIX = re.compile(r"unknown prefix '([^']*):'")
_CLOSING = {")": "(", "}": "{", "]": "["}
_OPENING = {v: k for k, v in _CLOSING.items()}
_KEYWORDS = [
    "SELECT",
    "CONSTRUCT",
    "DESCRIBE",
    "ASK",
    "WHERE",
    "PREFIX",
    "BASE",
    "DISTINCT",
    "REDUCED",
    "FILTER",
    "OPTIONAL",
    "UNION",
    "MINUS",
    "GRAPH",
    "BIND",
    "VALUES",
    "ORDER",
    "GROUP",
    "HAVING",
    "LIMIT",
    "OFFSET",
]


@dataclass(frozen=True)
class ErrorSpot:
    """Where the editor marks an error (1-based line and column) and what it says there."""

    line: int
    column: int
    message: str


def _bracket_problem(text: str) -> ErrorSpot | None:
    """The first bracket that closes the wrong one, or one left open at the end."""
    stack: list[tuple[str, int]] = []
    for token in _sparqltext.tokens(text):
        if token.kind != "code":
            continue
        for i, char in enumerate(token.text):
            offset = token.start + i
            if char in _OPENING:
                stack.append((char, offset))
            elif char in _CLOSING:
                if stack and stack[-1][0] == _CLOSING[char]:
                    stack.pop()
                    continue
                line, col = _sparqltext.line_col(text, offset)
                if stack:
                    opened = stack[-1]
                    oline, ocol = _sparqltext.line_col(text, opened[1])
                    return ErrorSpot(
                        line,
                        col,
                        f"a `{_OPENING[opened[0]]}` is missing before `{char}` "
                        f"(to close the `{opened[0]}` of line {oline}, column {ocol})",
                    )
                return ErrorSpot(
                    line, col, f"this `{char}` closes nothing: remove it or add its `{_CLOSING[char]}`"
                )
    if stack:
        char, offset = stack[-1]
        line, col = _sparqltext.line_col(text, offset)
        return ErrorSpot(
            line, col, f"this `{char}` is never closed: a `{_OPENING[char]}` is missing at the end"
        )
    return None


def _open_string(text: str) -> ErrorSpot | None:
    """A quote that starts a string the line never closes."""
    for token in _sparqltext.tokens(text):
        if token.kind == "code" and token.text in ('"', "'"):
            line, col = _sparqltext.line_col(text, token.start)
            return ErrorSpot(
                line, col, f"this string is never closed: a `{token.text}` is missing on its line"
            )
    return None


def explain(text: str, message: str) -> ErrorSpot | None:
    """The place and plain words for the engine's syntax error `message` about query `text` (None when the
    message gives no position)."""
    found = _POSITION.search(message)
    if found is None:
        return None
    line, column = int(found.group(1)), int(found.group(2))
    prefix = _PREFIX.search(message)
    if prefix:
        name = prefix.group(1)
        return ErrorSpot(
            line, column, f"the prefix `{name}:` is not declared: add `PREFIX {name}: <…>` at the top"
        )
    spot = _open_string(text) or _bracket_problem(text)
    if spot is not None:
        return spot
    word = _FOUND.search(message)
    if word:
        token = word.group(1)
        close = difflib.get_close_matches(token.upper(), _KEYWORDS, n=1, cutoff=0.75)
        if close and token.upper() != close[0]:
            return ErrorSpot(line, column, f"`{token}` is not a SPARQL keyword: did you mean `{close[0]}`?")
        return ErrorSpot(
            line, column, f"the query cannot go on with `{token}` here: something is missing before it"
        )
    return ErrorSpot(line, column, "the query cannot be read from here on")
