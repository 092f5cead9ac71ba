"""The worker sandbox: a process that enters it can reach no network, and the kernel enforces it.

`enter()` moves the calling process into a new user namespace and a new network namespace
(`unshare(CLONE_NEWUSER | CLONE_NEWNET)`). The new network namespace has only a loopback device, and it is
down: every `connect` to any address, loopback included, fails with "Network is unreachable", and no name
resolves. The user namespace is what lets a process without privileges make the network namespace; it maps
the caller's own user and group to themselves, so files read the same. Every process forked afterwards
inherits both. Linux only; elsewhere (or where user namespaces are turned off) `enter` reports why not.
"""

from __future__ import annotations

import ctypes
import os
import sys
from pathlib import Path

__all__ = ["enter"]

CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000


def _write(path: str, text: str) -> None:
    Path(path).write_text(text, encoding="ascii")


def enter() -> str | None:
    """Leave the network for good: None on success, else one line saying why no sandbox could be made."""
    if not sys.platform.startswith("linux"):
        return f"network namespaces need Linux (this is {sys.platform})"
    uid, gid = os.getuid(), os.getgid()
    try:
        if hasattr(os, "unshare"):  # Python 3.12 and later
            os.unshare(CLONE_NEWUSER | CLONE_NEWNET)
        else:
            libc = ctypes.CDLL(None, use_errno=True)
            if libc.unshare(CLONE_NEWUSER | CLONE_NEWNET) != 0:
                raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()))
    except OSError as exc:
        return f"unshare(CLONE_NEWUSER | CLONE_NEWNET) failed: {exc.strerror or exc}"
    except AttributeError as exc:  # pragma: no cover - a libc without unshare
        return f"unshare is not available: {exc}"
    try:  # keep our own user and group inside, so that files are read as before
        _write("/proc/self/setgroups", "deny")
        _write("/proc/self/uid_map", f"{uid} {uid} 1")
        _write("/proc/self/gid_map", f"{gid} {gid} 1")
    except OSError:
        pass  # unmapped, we read files as the overflow user: still no network
    return None
