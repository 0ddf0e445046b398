"""What a caller asks of a source adapter."""

from __future__ import annotations

import datetime as dt
from typing import Final

import attrs

__all__ = ["DEFAULT_MAX_BYTES", "ReadOptions"]

#: Default bound on one input file (uncompressed), against hostile uploads.
DEFAULT_MAX_BYTES: Final = 2 * 1024**3


@attrs.frozen
class ReadOptions:
    """``expected_uai``: refuse another school's file; ``max_bytes``: size bound;
    ``as_of``: the day that decides who has left (default: the export date)."""

    expected_uai: str | None = None
    max_bytes: int = DEFAULT_MAX_BYTES
    as_of: dt.date | None = None
