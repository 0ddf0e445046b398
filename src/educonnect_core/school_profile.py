"""How a school presents itself to families: its name, postal address and the
contact for help, printed on letters and e-mails and heading the report.

SIECLE exports carry no school name: the profile comes from the integrator (the
CLI reads it from the ``[school]`` table of its settings). Without one, the
school is named by its UAI.
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from .errors import InvalidValue
from .values import Uai, clean_text

__all__ = ["SchoolProfile"]


def _lines(value: Iterable[str]) -> tuple[str, ...]:
    if isinstance(value, str):
        raise InvalidValue("SchoolProfile.address", value, "expected a list of lines")
    return tuple(line for line in (clean_text(v) for v in value) if line)


def _optional(value: str | None) -> str | None:
    return clean_text(value) or None if value is not None else None


@attrs.frozen
class SchoolProfile:
    """``name`` (``Collège Jean Moulin``), ``address`` lines, ``contact`` for help."""

    name: str | None = attrs.field(default=None, converter=_optional)
    address: tuple[str, ...] = attrs.field(default=(), converter=_lines)
    contact: str | None = attrs.field(default=None, converter=_optional)

    def title(self, uai: Uai) -> str:
        """``Collège Jean Moulin (0990007V)``, or ``Établissement 0990007V``."""
        return f"{self.name} ({uai})" if self.name else f"Établissement {uai}"
