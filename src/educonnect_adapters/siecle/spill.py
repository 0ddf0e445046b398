"""A temporary file of records written once, read back any number of times.

Each file is read once, completely, when the export is opened (so that nothing
is yielded from a file that turns out malformed); the records it holds wait
here, on disk, instead of in memory. Batches of ``marshal`` data, length-prefixed.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import struct
import tempfile
import weakref
from collections.abc import Iterator
from typing import Any, Final

__all__ = ["Spill"]

BATCH: Final = 1000
_LENGTH: Final = struct.Struct("<I")


class Spill:
    """Append records (tuples of str, int, None, dict), then iterate them in order."""

    def __init__(self) -> None:
        fd, self._path = tempfile.mkstemp(prefix="educonnect-siecle-", suffix=".spill")
        self._out = os.fdopen(fd, "wb")
        self._batch: list[Any] = []
        self._cleanup = weakref.finalize(self, _remove, self._out, self._path)
        self.count = 0

    def add(self, record: Any) -> None:
        self._batch.append(record)
        self.count += 1
        if len(self._batch) >= BATCH:
            self._flush()

    def _flush(self) -> None:
        if self._batch:
            data = marshal.dumps(self._batch)
            self._out.write(_LENGTH.pack(len(data)))
            self._out.write(data)
            self._batch = []

    def __iter__(self) -> Iterator[Any]:
        self._flush()
        self._out.flush()
        with open(self._path, "rb") as source:
            while header := source.read(_LENGTH.size):
                (size,) = _LENGTH.unpack(header)
                yield from marshal.loads(source.read(size))

    def close(self) -> None:
        self._cleanup()


def _remove(out: Any, path: str) -> None:
    out.close()
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)
