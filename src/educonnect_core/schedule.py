"""The next-morning rule: when a fix typed into SIECLE reaches EduConnect."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import attrs

from .errors import InvalidValue

__all__ = ["RefreshSchedule"]


def _check_hour(instance: RefreshSchedule, attribute: attrs.Attribute[int], value: int) -> None:
    if not 0 <= value <= 23:
        raise ValueError(f"RefreshSchedule.{attribute.name}: expected 0..23, got {value!r}")


def _check_minute(instance: RefreshSchedule, attribute: attrs.Attribute[int], value: int) -> None:
    if not 0 <= value <= 59:
        raise ValueError(f"RefreshSchedule.{attribute.name}: expected 0..59, got {value!r}")


def _check_timezone(instance: RefreshSchedule, attribute: attrs.Attribute[str], value: str) -> None:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise InvalidValue(
            "RefreshSchedule.timezone", value, "expected a time zone such as Europe/Paris"
        ) from None


@attrs.frozen
class RefreshSchedule:
    """The nightly refresh of the EduConnect référentiel from SIECLE.

    A correction made on day D (local time of ``timezone``) is in effect from
    D+1 at ``hour``:``minute`` (our decision: default 06:00 Europe/Paris).
    """

    hour: int = attrs.field(default=6, validator=_check_hour)
    minute: int = attrs.field(default=0, validator=_check_minute)
    timezone: str = attrs.field(default="Europe/Paris", validator=_check_timezone)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def effective_from(self, fixed_at: dt.datetime) -> dt.datetime:
        """When a source fix made at ``fixed_at`` (aware) takes effect."""
        if fixed_at.tzinfo is None:
            raise ValueError(
                f"RefreshSchedule.effective_from: expected an aware datetime, got {fixed_at!r}"
            )
        local = fixed_at.astimezone(self.tz)
        next_day = local.date() + dt.timedelta(days=1)
        return dt.datetime.combine(next_day, dt.time(self.hour, self.minute), tzinfo=self.tz)
