import datetime as dt
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from educonnect_core.shown_times import on_time, shown_time

WINTER = dt.datetime(2026, 1, 12, 6, 42, tzinfo=dt.UTC)
SUMMER = dt.datetime(2026, 7, 1, 6, 42, tzinfo=dt.UTC)


def test_local_time_with_its_offset_per_language() -> None:
    assert shown_time(WINTER, "fr", "Europe/Paris") == "12/01/2026 07:42 UTC+01:00"
    assert shown_time(SUMMER, "en", "Europe/Paris") == "2026-07-01 08:42 UTC+02:00"
    assert shown_time(WINTER) == "12/01/2026 06:42 UTC+00:00"  # its own zone
    assert on_time(WINTER, "fr", "Europe/Paris") == "le 12/01/2026 à 07:42 UTC+01:00"
    assert on_time(WINTER, "en", "Indian/Reunion") == "on 2026-01-12 at 10:42 UTC+04:00"


def test_a_naive_time_is_taken_as_utc() -> None:
    assert shown_time(WINTER.replace(tzinfo=None), "fr", "Europe/Paris") == shown_time(
        WINTER, "fr", "Europe/Paris"
    )


@given(
    st.datetimes(min_value=dt.datetime(1980, 1, 1), timezones=st.just(dt.UTC)),
    st.sampled_from(["fr", "en"]),
)
def test_the_shown_time_carries_the_offset_it_was_read_in(at: dt.datetime, lang: str) -> None:
    text = shown_time(at, lang, "Europe/Paris")
    offset = at.astimezone(ZoneInfo("Europe/Paris")).utcoffset()
    assert offset is not None
    hours = int(offset.total_seconds()) // 3600
    assert text.endswith(f"UTC+{hours:02d}:00")
