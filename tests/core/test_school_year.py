import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from educonnect_core.school_year import plausible_school_years, school_year_of


@pytest.mark.parametrize(
    ("day", "year"),
    [
        (dt.date(2026, 6, 30), 2025),
        (dt.date(2026, 7, 1), 2026),
        (dt.date(2026, 8, 31), 2026),
        (dt.date(2026, 9, 1), 2026),
        (dt.date(2026, 12, 31), 2026),
        (dt.date(2027, 1, 1), 2026),
    ],
)
def test_school_year_of_takes_the_coming_year_from_july(day: dt.date, year: int) -> None:
    assert school_year_of(day) == year


@pytest.mark.parametrize(
    ("day", "years"),
    [
        (dt.date(2026, 6, 30), {2025}),
        (dt.date(2026, 7, 1), {2025, 2026}),
        (dt.date(2026, 8, 31), {2025, 2026}),
        (dt.date(2026, 9, 1), {2026}),
        (dt.date(2027, 2, 1), {2026}),
    ],
)
def test_summer_exports_may_be_for_either_year(day: dt.date, years: set[int]) -> None:
    assert plausible_school_years(day) == years


@given(st.dates())
def test_the_year_taken_is_always_plausible(day: dt.date) -> None:
    years = plausible_school_years(day)
    assert school_year_of(day) in years
    assert len(years) == (2 if day.month in (7, 8) else 1)
