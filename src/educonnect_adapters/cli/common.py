"""Helpers shared by the commands: the clock, people behind accounts, output."""

from __future__ import annotations

import datetime as dt
import enum
import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final, TextIO

import attrs

from educonnect_adapters.system import SystemClock
from educonnect_core.eligibility import EvaluationContext
from educonnect_core.people import School
from educonnect_core.schedule import RefreshSchedule
from educonnect_core.states import AccountState
from educonnect_core.values import BirthDate, EmailAddress, Ine, MobilePhone, PersonName, Uai
from educonnect_core.views import Person, person_of

from .layout import output_width, table_lines
from .settings import Settings

__all__ = [
    "Person",
    "evaluation_context",
    "label",
    "now",
    "person_of",
    "print_json",
    "print_table",
    "state_label",
    "to_jsonable",
    "tr",
]


def now() -> dt.datetime:
    """The wall clock (aware, UTC)."""
    return SystemClock().now()


def tr(settings: Settings, fr: str, en: str) -> str:
    """``fr`` or ``en`` per ``--lang``."""
    return en if settings.lang == "en" else fr


def label(settings: Settings, value: enum.Enum) -> str:
    """An enum member's French label (``label_fr``) or, in English, its value."""
    if settings.lang == "en":
        english = getattr(value, "label_en", None)
        return str(english) if english else str(value.value).replace("_", " ")
    return str(getattr(value, "label_fr", value.value))


_STATE_SHORT: Final = {
    AccountState.NOT_ACTIVATED: ("non activé", "not activated"),
    AccountState.NOTIFIED: ("notifié", "notified"),
    AccountState.ACTIVATED: ("activé", "activated"),
    AccountState.PASSWORD_RESET: ("mdp réinitialisé", "password reset"),
    AccountState.DEACTIVATED: ("désactivé", "deactivated"),
}


def state_label(settings: Settings, state: AccountState) -> str:
    """A short state name for tables and charts."""
    fr, en = _STATE_SHORT[state]
    return tr(settings, fr, en)


def evaluation_context(school: School, settings: Settings) -> EvaluationContext:
    return EvaluationContext.for_school(school, now(), RefreshSchedule(timezone=settings.timezone))


# -- output --------------------------------------------------------------------------------


_SCALARS = (BirthDate, EmailAddress, Ine, MobilePhone, PersonName, Uai)


def to_jsonable(value: Any) -> Any:
    """Plain JSON data from attrs objects, enums, dates and mappings."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, _SCALARS):
        return str(value)
    if attrs.has(type(value)):
        return {
            a.name: to_jsonable(getattr(value, a.name))
            for a in attrs.fields(type(value))
            if a.repr is not False
        }
    if isinstance(value, Mapping):
        return {_key(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [to_jsonable(v) for v in value]
        return sorted(items, key=str) if isinstance(value, set | frozenset) else items
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _key(key: object) -> str:
    if isinstance(key, tuple):
        return "/".join(_key(k) for k in key)
    if isinstance(key, enum.Enum):
        return str(key.value)
    return str(key)


def print_json(data: Any, out: TextIO | None = None) -> None:
    print(json.dumps(to_jsonable(data), ensure_ascii=False, indent=2), file=out or sys.stdout)


def print_table(
    headers: Sequence[str], rows: Iterable[Sequence[object]], out: TextIO | None = None
) -> None:
    """A plain aligned text table, fitted to the terminal (or ``COLUMNS``); one line
    per row in a pipe (stable in tests and for ``grep``)."""
    text_rows = [[_cell(c) for c in row] for row in rows]
    stream = out or sys.stdout
    for line in table_lines(list(headers), text_rows, output_width(stream)):
        print(line, file=stream)


def _cell(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.0%}"
    if isinstance(value, enum.Enum):
        return str(value.value)
    return str(value)
