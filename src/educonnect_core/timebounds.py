"""The range of dates and times the library accepts.

Every date the program parses (an export's time, a ``--at`` option, a setting,
a sign-in's time) is checked against one range, so no later computation (the
next-morning rule adds a day, time zones shift by hours) can overflow Python's
``datetime``. Birth dates keep their own rule (:class:`~.values.BirthDate`).
"""

from __future__ import annotations

import datetime as dt
from typing import Final, TypeVar

from .errors import InvalidValue

__all__ = ["EARLIEST", "FUTURE_TOLERANCE", "LATEST", "bounded"]

#: The first and last day a date may fall on.
EARLIEST: Final = dt.date(1900, 1, 1)
LATEST: Final = dt.date(2199, 12, 31)
#: How far ahead of now an export may be dated (clocks drift, time zones are
#: mistaken); beyond it the export is refused (see ``sync.ExportInTheFuture``).
FUTURE_TOLERANCE: Final = dt.timedelta(hours=1)

_D = TypeVar("_D", dt.date, dt.datetime)


def bounded(field: str, value: _D) -> _D:
    """``value`` if it lies between :data:`EARLIEST` and :data:`LATEST`; else
    :class:`~.errors.InvalidValue` naming ``field`` (code ``DATE_OUT_OF_RANGE``)."""
    day = value.date() if isinstance(value, dt.datetime) else value
    if not EARLIEST <= day <= LATEST:
        raise InvalidValue(
            field,
            value.isoformat(),
            f"expected a date from {EARLIEST.year} to {LATEST.year}",
            code="DATE_OUT_OF_RANGE",
        )
    return value
