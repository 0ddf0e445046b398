"""Files holding personal data: readable by their owner only, written whole or not at all."""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

__all__ = ["PRIVATE_MODE", "write_private"]

#: owner read and write, nobody else (whatever the umask)
PRIVATE_MODE = 0o600


def write_private(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target``, mode 0600: into a hidden file of the same
    folder first, then renamed over ``target``, so a crash leaves either the old
    file or the new one, never half of it. The folder must exist."""
    partial = target.with_name(f".{target.name}.{secrets.token_hex(4)}.partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_MODE)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(partial, PRIVATE_MODE)
        os.replace(partial, target)
    except BaseException:
        with contextlib.suppress(OSError):
            partial.unlink()
        raise
