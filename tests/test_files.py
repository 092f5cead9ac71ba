"""The one atomic write: the new bytes or the old file, never half of one, and no temp file left behind."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from shfz_graph.files import write_atomic


def test_write_atomic_creates_and_replaces(tmp_path: Path) -> None:
    target = tmp_path / "out.ttl"
    write_atomic(target, b"one\n")
    assert target.read_bytes() == b"one\n"
    target.chmod(0o640)
    write_atomic(str(target), b"two\n")
    assert target.read_bytes() == b"two\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.ttl"]


def test_a_new_file_gets_the_usual_permissions(tmp_path: Path) -> None:
    umask = os.umask(0o027)
    try:
        write_atomic(tmp_path / "new.nt", b"")
    finally:
        os.umask(umask)
    assert stat.S_IMODE((tmp_path / "new.nt").stat().st_mode) == 0o640


def test_a_failing_rename_leaves_the_old_file_intact_and_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out.ttl"
    target.write_bytes(b"precious\n")

    def boom(self: Path, other: Path) -> None:
        raise OSError("disk on fire")

    monkeypatch.setattr(Path, "replace", boom)
    with pytest.raises(OSError, match="disk on fire"):
        write_atomic(target, b"new\n")
    assert target.read_bytes() == b"precious\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.ttl"]


def test_a_failing_write_leaves_the_old_file_intact_and_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out.ttl"
    target.write_bytes(b"precious\n")

    def full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(OSError, match="No space left"):
        write_atomic(target, b"new\n" * 1000)
    assert target.read_bytes() == b"precious\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.ttl"]


def test_an_interrupt_is_cleaned_up_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "out.ttl"

    def interrupted(self: Path, mode: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(Path, "chmod", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, b"new\n")
    assert list(tmp_path.iterdir()) == []


def test_a_missing_folder_is_an_os_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        write_atomic(tmp_path / "nowhere" / "out.ttl", b"x")
    assert list(tmp_path.iterdir()) == []
