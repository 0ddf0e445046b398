"""Findings: data problems a source reports without failing (kept records)."""

from __future__ import annotations

import enum

import attrs

__all__ = ["Finding", "Severity"]


class Severity(enum.Enum):
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"  # the record (or link) was skipped; the file was still read


@attrs.frozen
class Finding:
    """One problem in the source data, reported, never silent.

    ``code`` is stable (``LINK_TO_UNKNOWN_STUDENT``, ``INVALID_MOBILE``, …);
    ``file`` and ``line`` say where, ``siecle_id`` whom.
    """

    code: str
    severity: Severity
    message: str
    file: str | None = None
    line: int | None = None
    siecle_id: str | None = None
    field: str | None = None
