"""Where a school's data come from, and so where a data remedy is carried out.

The catalogue's remedies and the help-desk steps are written for SIECLE (the
2nd degree). A school whose data come from elsewhere reads them with that
system's name: ONDE and its directeur d'école in the 1st degree, or the system a
third-party source declares (:attr:`~educonnect_core.people.School.origin`).
One rewrite, here, serves eligibility, the diagnosis and the report.
"""

from __future__ import annotations

import re
from typing import Final

import attrs

from .errors import InvalidValue

__all__ = ["ONDE", "SIECLE", "DataOrigin"]

_IN_FR: Final = re.compile(r"\b(dans|Dans) SIECLE\b")
_OF_FR: Final = re.compile(r"\b(de|De) SIECLE\b")
_IN_EN: Final = re.compile(r"\bin SIECLE\b")
_NAME: Final = re.compile(r"\bSIECLE\b")


def _non_empty(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise InvalidValue(f"DataOrigin.{attribute.name}", repr(value), "expected a non-empty text")


@attrs.frozen
class DataOrigin:
    """A system schools' data come from: its ``name`` as users know it, and where a
    fix is made, in French and English (``ONDE (directeur d'école)``)."""

    name: str = attrs.field(validator=_non_empty)
    fixed_in_fr: str = attrs.field(validator=_non_empty)
    fixed_in_en: str = attrs.field(validator=_non_empty)

    @classmethod
    def named(cls, name: str) -> DataOrigin:
        """An origin whose fixes are made in the system itself."""
        return cls(name, name, name)

    def localize(self, fr: str, en: str) -> tuple[str, str]:
        """A text pair written for SIECLE, said of this origin."""
        if self == SIECLE:
            return fr, en
        fr = _IN_FR.sub(lambda m: f"{m[1]} {self.fixed_in_fr}", fr)
        fr = _OF_FR.sub(lambda m: f"{_of(m[1], self.name)}", fr)
        en = _IN_EN.sub(f"in {self.fixed_in_en}", en)
        return _NAME.sub(self.name, fr), _NAME.sub(self.name, en)


def _of(de: str, name: str) -> str:
    """``de`` before ``name``, elided before a vowel (« d'ONDE »)."""
    if name[:1].upper() in "AEIOUYÉ":
        return f"{de[0]}'{name}"
    return f"{de} {name}"


SIECLE: Final = DataOrigin.named("SIECLE")
ONDE: Final = DataOrigin("ONDE", "ONDE (directeur d'école)", "ONDE (directeur d'école)")
