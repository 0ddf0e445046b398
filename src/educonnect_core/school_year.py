"""Which school year an export made on a given day is for.

In July and August schools prepare the rentrée (admissions, classes of the
coming year): an export made then may be for the year ending or for the one
starting in September. Both readers (SIECLE, ONDE) take their rule from here.
"""

from __future__ import annotations

import datetime as dt
from typing import Final

__all__ = ["COMING_YEAR_FROM", "plausible_school_years", "school_year_of"]

#: From this month on, an export is taken for the school year starting that
#: September (the rentrée is being prepared).
COMING_YEAR_FROM: Final = 7

#: The month a school year starts in.
_SEPTEMBER: Final = 9


def school_year_of(day: dt.date) -> int:
    """The first year of the school year an export of ``day`` is for: the one
    starting that September from 1 July (:data:`COMING_YEAR_FROM`), else the
    current one."""
    return day.year if day.month >= COMING_YEAR_FROM else day.year - 1


def plausible_school_years(day: dt.date) -> frozenset[int]:
    """The school years an export made on ``day`` may be for: the current one
    and, in July and August, the coming one as well."""
    current = day.year if day.month >= _SEPTEMBER else day.year - 1
    return frozenset({current, school_year_of(day)})
