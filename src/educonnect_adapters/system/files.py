"""Files holding personal data: readable by their owner only, written whole or not at all."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

__all__ = ["PRIVATE_MODE", "write_private"]

#: owner read and write, nobody else (whatever the umask)
PRIVATE_MODE = 0o600


def write_private(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` with mode 0600, whole or not at all.

    The bytes go to a hidden temporary file beside ``target``, created 0600 (and
    set 0600 again before any byte is written, so neither a permissive umask nor
    a stale temporary file leaves them readable), then renamed over ``target``: a
    crash leaves the old file or the new one, never half of it. A symbolic link
    in the temporary file's place is refused, not followed. The folder must exist.
    """
    partial = target.with_name(f".{target.name}.tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(partial, flags, PRIVATE_MODE)
    try:
        with os.fdopen(fd, "wb") as handle:
            if hasattr(os, "fchmod"):
                os.fchmod(handle.fileno(), PRIVATE_MODE)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, target)
    except BaseException:
        with contextlib.suppress(OSError):
            partial.unlink()
        raise
