"""A tiny progress bar: drawn on a terminal, silent everywhere else (pipes, files, CI logs, tests).

Use it as a wrapper (`for row in progress(rows, "load"): ...`) or as a context manager over a total
(`with progress(n, "reason") as bar: bar.update(k)`). It never changes what the program prints on
stdout: it writes to `stream` (stderr by default) and only when `stream.isatty()` is true.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable, Iterator
from types import TracebackType
from typing import Generic, TextIO, TypeVar, overload

__all__ = ["Progress", "progress"]

T = TypeVar("T")

_WIDTH = 24  # cells of the bar itself
_MIN_INTERVAL = 0.1  # seconds between two redraws


def _is_terminal(stream: TextIO) -> bool:
    """Whether `stream` is an open terminal (a closed or odd stream counts as not)."""
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty()) if callable(isatty) else False
    except (ValueError, OSError):
        return False


def _count(n: float) -> str:
    """A count in a few characters: 950, 12.3k, 4.56M."""
    for limit, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(n) >= limit:
            return f"{n / limit:.3g}{suffix}"
    return f"{n:g}"


def _duration(seconds: float) -> str:
    """Elapsed time as 4.2s or 3m05s."""
    if seconds < 60:
        return f"{seconds:.1f}s"
    minutes, rest = divmod(int(seconds), 60)
    return f"{minutes}m{rest:02d}s"


class Progress(Generic[T]):
    """Progress over a known total (a bar with a percentage) or an unknown one (a running count)."""

    def __init__(
        self,
        items: Iterable[T] | None,
        total: float | None,
        label: str,
        *,
        stream: TextIO,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.label = label
        self.total = total if total is None or total > 0 else None
        self.done: float = 0
        self.stream = stream
        self.enabled = _is_terminal(stream)
        self._items = items
        self._clock = clock
        self._start = clock()
        self._last_draw = float("-inf")
        self._last_len = 0
        self._closed = False

    def update(self, n: float = 1) -> None:
        """Count `n` more units done, and redraw if it has been a moment since the last drawing."""
        self.done += n
        if self.enabled and not self._closed:
            now = self._clock()
            if now - self._last_draw >= _MIN_INTERVAL:
                self._draw(now)

    def line(self, now: float | None = None) -> str:
        """The text of the bar as it would be drawn now (without the carriage return)."""
        elapsed = (self._clock() if now is None else now) - self._start
        if self.total is None:
            return f"{self.label} {_count(self.done)} {_duration(elapsed)}"
        fraction = min(max(self.done / self.total, 0.0), 1.0)
        filled = int(fraction * _WIDTH)
        bar = "#" * filled + "-" * (_WIDTH - filled)
        return (
            f"{self.label} [{bar}] {fraction * 100:3.0f}% "
            f"{_count(self.done)}/{_count(self.total)} {_duration(elapsed)}"
        )

    def _draw(self, now: float) -> None:
        text = self.line(now)
        pad = " " * max(self._last_len - len(text), 0)  # wipe the tail of a longer previous line
        try:
            self.stream.write("\r" + text + pad)
            self.stream.flush()
        except (ValueError, OSError):  # the terminal went away (closed, broken pipe): stop drawing
            self.enabled = False
            return
        self._last_len = len(text)
        self._last_draw = now

    def close(self) -> None:
        """Draw the final state and end the line (nothing at all when not on a terminal); idempotent."""
        if self._closed:
            return
        self._closed = True
        if self.enabled:
            self._draw(self._clock())
        if self.enabled:
            try:
                self.stream.write("\n")
                self.stream.flush()
            except (ValueError, OSError):
                self.enabled = False

    def __iter__(self) -> Iterator[T]:
        if self._items is None:
            raise TypeError("this progress counts a total; call update() instead of iterating")
        try:
            for item in self._items:
                yield item
                self.update()
        finally:
            self.close()

    def __enter__(self) -> Progress[T]:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


@overload
def progress(
    what: int | float, label: str, *, stream: TextIO | None = None, total: None = None
) -> Progress[None]: ...


@overload
def progress(
    what: Iterable[T], label: str, *, stream: TextIO | None = None, total: float | None = None
) -> Progress[T]: ...


def progress(
    what: Iterable[T] | int | float,
    label: str,
    *,
    stream: TextIO | None = None,
    total: float | None = None,
) -> Progress[T] | Progress[None]:
    """A progress reporter over an iterable (its `len()` is the total when it has one) or a total count.

    `total=` overrides the length of an iterable (useful for generators). Draws on `stream` (default
    `sys.stderr`, looked up at call time) only when it is a terminal.
    """
    out = sys.stderr if stream is None else stream
    if isinstance(what, int | float):
        return Progress(None, what, label, stream=out)
    if total is None:
        try:
            total = len(what)  # type: ignore[arg-type]
        except TypeError:
            total = None
    return Progress(what, total, label, stream=out)
