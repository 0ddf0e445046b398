"""The legal-status policy: ONDE does not say who is a legal representative."""

from __future__ import annotations

import enum

from educonnect_core.people import ResponsibilityLevel

__all__ = ["LegalPolicy"]


class LegalPolicy(enum.Enum):
    """What level a link read from ONDE gets, since the file does not say.

    ``ALL_LEGAL`` (the default): every responsable listed for a child is taken
    as a legal representative, as every known ONDE consumer does and as the
    directeur d'école attests by keeping the list. ``UNKNOWN``: links keep
    :attr:`~educonnect_core.people.ResponsibilityLevel.UNKNOWN` and the
    application decides. Either way the reader reports an INFO finding
    ``LEGAL_STATUS_BY_POLICY``.
    """

    ALL_LEGAL = "all-legal"
    UNKNOWN = "unknown"

    @property
    def level(self) -> ResponsibilityLevel:
        if self is LegalPolicy.ALL_LEGAL:
            return ResponsibilityLevel.LEGAL
        return ResponsibilityLevel.UNKNOWN

    @property
    def explanation(self) -> str:
        if self is LegalPolicy.ALL_LEGAL:
            return "every listed responsable is treated as a legal representative"
        return "links are left with an unknown legal status for the application to decide"
