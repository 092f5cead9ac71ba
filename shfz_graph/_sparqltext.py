"""A small SPARQL lexer: finds variables and prefixed names outside strings, IRIs and comments."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from typing import NamedTuple

_TOKEN = re.compile(
    r"""
      (?P<comment>\#[^\n\r]*)
    | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
        |'''(?:[^'\\]|\\.|'(?!''))*'''
        |"(?:[^"\\\n\r]|\\.)*"
        |'(?:[^'\\\n\r]|\\.)*')
    | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    | (?P<var>[?$]\w+)
    | (?P<code>[^#"'<?$]+|.)
    """,
    re.VERBOSE | re.DOTALL,
)


class Token(NamedTuple):
    """One lexical piece of a query: kind is comment|string|iri|var|code."""

    kind: str
    start: int
    text: str


def tokens(text: str) -> Sequence[Token]:
    """The query text cut into comments, strings, IRIs, variables and other code (remembered for the
    most recent texts under 64 KB: the screen, the planner and the binder each read the same new text)."""
    if len(text) <= _REMEMBERED_TEXT:
        return _remembered_tokens(text)
    return _cut(text)


def _cut(text: str) -> tuple[Token, ...]:
    return tuple(Token(m.lastgroup or "code", m.start(), m.group()) for m in _TOKEN.finditer(text))


_REMEMBERED_TEXT = 64 * 1024
_remembered_tokens = functools.lru_cache(maxsize=128)(_cut)


def code_only(text: str) -> str:
    """The text with strings, IRIs, variables and comments blanked out (offsets kept)."""
    return "".join(t.text if t.kind == "code" else " " * len(t.text) for t in tokens(text))


def variables(text: str) -> list[tuple[str, int]]:
    """Every variable occurrence (name without `?`/`$`, offset), in order of appearance."""
    return [(t.text[1:], t.start) for t in tokens(text) if t.kind == "var"]


def find_prefix_use(text: str, prefix: str) -> int | None:
    """Offset of the first prefixed name using `prefix:` in code (not in strings, IRIs or comments)."""
    pattern = re.compile(r"(?<![\w.\-:])" + re.escape(prefix) + r":")
    for t in tokens(text):
        if t.kind == "code" and (m := pattern.search(t.text)):
            return t.start + m.start()
    return None


def line_col(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of an offset."""
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, col
