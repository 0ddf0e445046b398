"""The common envelope of BEE files: root element (kind, version) and PARAMETRES."""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Callable
from typing import Final
from zoneinfo import ZoneInfo

import attrs
from lxml import etree

from educonnect_core.errors import InvalidValue, SourceError
from educonnect_core.timebounds import bounded
from educonnect_core.values import Uai, clean_text

from .xmlstream import fields_of

__all__ = ["KNOWN_VERSIONS", "Envelope", "FileKind", "parse_date", "read_parametres"]

PARIS: Final = ZoneInfo("Europe/Paris")
_DATE = re.compile(r"(\d{2})/(\d{2})/(\d{4})")
_STAMP = re.compile(r"(\d{2})/(\d{2})/(\d{4}) (\d{2}):(\d{2}):(\d{2})")


class FileKind(enum.Enum):
    """The kind of a BEE file, told by its root element."""

    ELEVES = "BEE_ELEVES"
    RESPONSABLES = "BEE_RESPONSABLES"
    STRUCTURES = "BEE_STRUCTURES"
    NOMENCLATURES = "BEE_NOMENCLATURES"


#: Versions seen in the field (format reference); others are read, with a finding.
KNOWN_VERSIONS: Final = {
    FileKind.ELEVES: frozenset({"2.1", "3.0"}),
    FileKind.RESPONSABLES: frozenset({"2.1"}),
    FileKind.STRUCTURES: frozenset({"2.0"}),
    FileKind.NOMENCLATURES: frozenset(),
}


@attrs.frozen
class Envelope:
    """What ``PARAMETRES`` says of a file."""

    uai: Uai
    school_year: int
    export_date: dt.date | None
    exported_at: dt.datetime | None


def parse_date(raw: str | None) -> dt.date | None:
    """A ``jj/mm/aaaa`` date; ``None`` when empty; :class:`ValueError` when malformed."""
    text = clean_text(raw)
    if not text:
        return None
    m = _DATE.fullmatch(text)
    if not m:
        raise ValueError(f"expected jj/mm/aaaa, got {text!r}")
    return bounded("date", dt.date(int(m[3]), int(m[2]), int(m[1])))


def read_parametres(element: etree._Element, file: str) -> Envelope:
    """Read ``PARAMETRES``; refuse a missing or bad UAJ or ANNEE_SCOLAIRE."""
    fields = fields_of(element)
    line = element.sourceline

    def refuse(field: str, message: str) -> SourceError:
        return SourceError(message, file=file, line=line, element=f"PARAMETRES/{field}")

    raw_uai = clean_text(fields.get("UAJ"))
    if not raw_uai:
        raise refuse("UAJ", "the school's UAJ is missing")
    try:
        uai = Uai.parse(raw_uai)
    except InvalidValue as exc:
        raise refuse("UAJ", f"invalid UAJ: {exc.reason} (got {raw_uai!r})") from None
    raw_year = clean_text(fields.get("ANNEE_SCOLAIRE"))
    if not raw_year:
        raise refuse("ANNEE_SCOLAIRE", "the school year (ANNEE_SCOLAIRE) is missing")
    if not re.fullmatch(r"\d{4}", raw_year):
        raise refuse("ANNEE_SCOLAIRE", f"expected a year such as 2025, got {raw_year!r}")
    try:
        export_date = parse_date(fields.get("DATE_EXPORT"))
    except ValueError as exc:
        raise refuse("DATE_EXPORT", str(exc)) from None
    exported_at = _stamp(fields.get("HORODATAGE"), refuse)
    if export_date is None and exported_at is not None:
        export_date = exported_at.date()
    if exported_at is None and export_date is not None:
        exported_at = dt.datetime.combine(export_date, dt.time(), tzinfo=PARIS)
    return Envelope(uai, int(raw_year), export_date, exported_at)


def _stamp(raw: str | None, refuse: Callable[[str, str], SourceError]) -> dt.datetime | None:
    text = clean_text(raw)
    if not text:
        return None
    m = _STAMP.fullmatch(text)
    try:
        if not m:
            raise ValueError(f"expected jj/mm/aaaa hh:mm:ss, got {text!r}")
        stamp = dt.datetime(
            int(m[3]), int(m[2]), int(m[1]), int(m[4]), int(m[5]), int(m[6]), tzinfo=PARIS
        )
        return bounded("HORODATAGE", stamp)
    except ValueError as exc:
        raise refuse("HORODATAGE", str(exc)) from None
