"""Times as users read them: local, with their UTC offset, one format per language.

Every time printed by the command line, the report, the help-desk diagnosis or a
changeset goes through here, so that none is shown without its offset and all
read alike (« 12/01/2026 07:42 UTC+01:00 », "2026-01-12 07:42 UTC+01:00").
Dates alone (a birth date, a validity end) carry no zone and are not concerned.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

__all__ = ["offset_of", "on_time", "shown_time"]


def _local(at: dt.datetime, timezone: str | dt.tzinfo | None) -> dt.datetime:
    if at.tzinfo is None:
        at = at.replace(tzinfo=dt.UTC)  # stored times are aware; a naive one is UTC
    if timezone is None:
        return at
    return at.astimezone(ZoneInfo(timezone) if isinstance(timezone, str) else timezone)


def offset_of(at: dt.datetime) -> str:
    """``UTC+01:00`` for an aware ``at``."""
    raw = at.strftime("%z") or "+0000"
    return f"UTC{raw[:3]}:{raw[3:5]}"


def shown_time(at: dt.datetime, lang: str = "fr", timezone: str | dt.tzinfo | None = None) -> str:
    """``at`` in ``timezone`` (its own zone when ``None``), with its offset."""
    local = _local(at, timezone)
    day = f"{local:%Y-%m-%d}" if lang == "en" else f"{local:%d/%m/%Y}"
    return f"{day} {local:%H:%M} {offset_of(local)}"


def on_time(at: dt.datetime, lang: str = "fr", timezone: str | dt.tzinfo | None = None) -> str:
    """The same, as a phrase: « le 12/01/2026 à 06:00 UTC+01:00 », "on 2026-01-12 at …"."""
    local = _local(at, timezone)
    if lang == "en":
        return f"on {local:%Y-%m-%d} at {local:%H:%M} {offset_of(local)}"
    return f"le {local:%d/%m/%Y} à {local:%H:%M} {offset_of(local)}"
