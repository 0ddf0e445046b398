"""Activation routes ("parcours d'activation") and who may use which."""

from __future__ import annotations

import enum

from .people import Profile

__all__ = ["Route"]


class Route(enum.Enum):
    """The ways an account can be activated (domain reference §2)."""

    FRANCECONNECT = "franceconnect"
    SMS_SELF_REGISTRATION = "sms_self_registration"
    PROVISIONAL_PAPER = "provisional_paper"
    PROVISIONAL_EMAIL = "provisional_email"
    ATEN_TRANSITION = "aten_transition"

    @property
    def profiles(self) -> frozenset[Profile]:
        """The profiles that may activate by this route."""
        if self in (Route.FRANCECONNECT, Route.SMS_SELF_REGISTRATION):
            return frozenset({Profile.RESPONSABLE})
        return frozenset({Profile.ELEVE, Profile.RESPONSABLE})

    @property
    def provisional(self) -> bool:
        """Activation with provisional credentials handed out by the school."""
        return self in (Route.PROVISIONAL_PAPER, Route.PROVISIONAL_EMAIL)

    @property
    def deprecated(self) -> bool:
        """The legacy ATEN transition is kept for old accounts only."""
        return self is Route.ATEN_TRANSITION

    @property
    def label_fr(self) -> str:
        return _LABELS_FR[self]

    @property
    def label_en(self) -> str:
        return _LABELS_EN[self]

    @classmethod
    def for_profile(cls, profile: Profile) -> tuple[Route, ...]:
        return tuple(r for r in cls if profile in r.profiles)


_LABELS_FR = {
    Route.FRANCECONNECT: "FranceConnect",
    Route.SMS_SELF_REGISTRATION: "auto-inscription par SMS",
    Route.PROVISIONAL_PAPER: "identifiants provisoires sur papier",
    Route.PROVISIONAL_EMAIL: "identifiants provisoires par courriel",
    Route.ATEN_TRANSITION: "transition ATEN (ancien compte)",
}
_LABELS_EN = {
    Route.FRANCECONNECT: "FranceConnect",
    Route.SMS_SELF_REGISTRATION: "SMS self-registration",
    Route.PROVISIONAL_PAPER: "provisional credentials on paper",
    Route.PROVISIONAL_EMAIL: "provisional credentials by email",
    Route.ATEN_TRANSITION: "ATEN transition (legacy account)",
}
