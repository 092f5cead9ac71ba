"""Tests for the progress reporter: a bar on a terminal, nothing at all elsewhere."""

from __future__ import annotations

import io

import pytest

from shfz_graph.progress import Progress, progress


class FakeTerminal(io.StringIO):
    """A text stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


class FakeClock:
    """A clock that advances only when told to."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_silent_when_not_a_terminal() -> None:
    stream = io.StringIO()
    items = list(progress(range(5), "gen", stream=stream))
    with progress(10, "load", stream=stream) as bar:
        bar.update(4)
        bar.update(6)
    assert items == [0, 1, 2, 3, 4]
    assert bar.done == 10
    assert stream.getvalue() == ""


def test_silent_when_the_stream_is_closed() -> None:
    stream = io.StringIO()
    stream.close()  # isatty() on a closed stream raises ValueError
    bar = progress(3, "load", stream=stream)
    bar.update(3)
    bar.close()
    assert bar.enabled is False


def test_stops_drawing_when_the_terminal_goes_away() -> None:
    stream = FakeTerminal()
    bar = progress(3, "load", stream=stream)
    stream.close()
    bar.update(1)
    bar.close()
    assert bar.enabled is False


def test_draws_a_bar_on_a_terminal() -> None:
    stream = FakeTerminal()
    clock = FakeClock()
    bar: Progress[None] = Progress(None, 4, "load", stream=stream, clock=clock)
    bar.update(1)  # first update always draws
    clock.now += 0.01
    bar.update(1)  # too soon: not drawn
    clock.now += 0.5
    bar.update(1)
    clock.now += 1.0
    bar.close()
    bar.close()  # idempotent
    assert stream.getvalue() == (
        "\rload [######------------------]  25% 1/4 0.0s"
        "\rload [##################------]  75% 3/4 0.5s"
        "\rload [##################------]  75% 3/4 1.5s"
        "\n"
    )


def test_wraps_an_iterable_and_uses_its_length() -> None:
    stream = FakeTerminal()
    seen = list(progress(["a", "b", "c"], "gen", stream=stream))
    assert seen == ["a", "b", "c"]
    out = stream.getvalue()
    assert out.endswith("\rgen [########################] 100% 3/3 0.0s\n")
    assert out.count("\n") == 1


def test_unknown_total_shows_a_count() -> None:
    stream = FakeTerminal()
    items = (i for i in range(2500))
    assert sum(progress(items, "parse", stream=stream)) == sum(range(2500))
    assert stream.getvalue().endswith("\rparse 2.5k 0.0s\n")


def test_total_overrides_for_generators() -> None:
    stream = FakeTerminal()
    list(progress((i for i in range(2)), "gen", stream=stream, total=2))
    assert stream.getvalue().endswith("\rgen [########################] 100% 2/2 0.0s\n")


def test_shorter_line_wipes_the_longer_one() -> None:
    stream = FakeTerminal()
    clock = FakeClock()
    bar: Progress[None] = Progress(None, None, "x", stream=stream, clock=clock)
    bar.update(1_500_000)
    clock.now += 1
    bar.done = 5
    bar.close()
    assert stream.getvalue() == "\rx 1.5M 0.0s\rx 5 1.0s   \n"


def test_closes_the_line_when_the_loop_breaks() -> None:
    stream = FakeTerminal()
    wrapped = progress(range(100), "gen", stream=stream)
    for i in wrapped:
        if i == 1:
            break
    del i
    import gc

    gc.collect()
    assert stream.getvalue().endswith("\n")


def test_long_durations_show_minutes() -> None:
    clock = FakeClock()
    bar: Progress[None] = Progress(None, 10, "r", stream=io.StringIO(), clock=clock)
    clock.now += 125
    assert bar.line() == "r [------------------------]   0% 0/10 2m05s"


def test_counting_progress_cannot_be_iterated() -> None:
    with pytest.raises(TypeError, match="update"):
        list(progress(3, "x", stream=io.StringIO()))


def test_default_stream_is_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    with progress(2, "x") as bar:
        bar.update(2)
    captured = capsys.readouterr()
    assert captured.err == ""
    assert captured.out == ""


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_load_draws_its_progress_on_a_terminal_only() -> None:
    from shfz_graph.graph import load

    terminal = _Terminal()
    load(reason=True, progress_stream=terminal)
    drawn = terminal.getvalue()
    assert "parse" in drawn and "reason" in drawn
    piped = io.StringIO()
    load(reason=True, progress_stream=piped)
    assert piped.getvalue() == ""
