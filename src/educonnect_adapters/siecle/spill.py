"""A temporary file of records written once, read back any number of times.

Each file is read once, completely, when the export is opened (so that nothing
is yielded from a file that turns out malformed); the records it holds wait
here, on disk, instead of in memory. Batches of ``marshal`` data, length-prefixed.

The records hold names, emails and mobiles: the file is created mode 0600 and
has no name from its first instant (``tempfile.TemporaryFile``: ``O_TMPFILE``,
or unlinked at once), so it cannot outlive the process, even one killed.
"""

from __future__ import annotations

import marshal
import os
import struct
import tempfile
import weakref
from collections.abc import Iterator
from typing import IO, Any, Final

__all__ = ["Spill"]

BATCH: Final = 1000
_LENGTH: Final = struct.Struct("<I")


class Spill:
    """Append records (tuples of str, int, None, dict), then iterate them in order.

    Several iterations may run at once: each keeps its own offset.
    """

    def __init__(self) -> None:
        self._file: IO[bytes] = tempfile.TemporaryFile(prefix="educonnect-siecle-")  # noqa: SIM115
        self._batch: list[Any] = []
        self._cleanup = weakref.finalize(self, self._file.close)
        self.count = 0

    def add(self, record: Any) -> None:
        self._batch.append(record)
        self.count += 1
        if len(self._batch) >= BATCH:
            self._flush()

    def _flush(self) -> None:
        if self._batch:
            data = marshal.dumps(self._batch)
            self._file.seek(0, os.SEEK_END)
            self._file.write(_LENGTH.pack(len(data)))
            self._file.write(data)
            self._batch = []

    def __iter__(self) -> Iterator[Any]:
        self._flush()
        offset = 0
        file = self._file
        while True:
            file.seek(offset)
            header = file.read(_LENGTH.size)
            if not header:
                return
            (size,) = _LENGTH.unpack(header)
            batch = marshal.loads(file.read(size))
            offset += _LENGTH.size + size
            yield from batch

    def fileno(self) -> int:
        """The descriptor of the (nameless) file, for checks."""
        return self._file.fileno()

    def close(self) -> None:
        self._cleanup()
