"""Writing files safely: the one atomic write (a temp file in the same folder, then a rename)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

__all__ = ["write_atomic"]


def write_atomic(path: Path | str, data: bytes) -> None:
    """Write ``data`` to ``path`` all at once: a temp file in the same folder, synced, then ``os.replace``.

    On any error the temp file is removed and a file already at ``path`` is left untouched. A new
    file gets the usual permissions (0666 minus umask); a replaced one keeps its mode.
    """
    path = Path(path)
    try:
        mode = path.stat().st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        tmp.chmod(mode)
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
