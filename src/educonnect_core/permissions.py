"""Who may do what: roles, DELEG-CE delegations and the access context.

Rules (domain reference §5 and our decisions, see ``docs/administration.md``):

* any access needs an OTP authentication or the administrative network;
* responsable accounts are managed from the administrative network only;
* the chef d'établissement and the adjoints manage both profiles of their
  school; the directeur d'école (1st degree) manages responsable accounts of
  their école;
* a delegate holds a DELEG-CE :class:`Delegation` granted by the chef
  d'établissement: one school, some profiles, some actions, until an expiry,
  unless revoked;
* the identity provider only reports activations and password changes.

:func:`authorize` raises :class:`~educonnect_core.errors.PermissionDenied`
naming the missing right. It looks only at the actor, the access context, the
action and the school and profile of the target (both readable from an account
id), never at the account itself, so a refusal says nothing about whether the
account exists.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from typing import Final, Self

import attrs

from .actions import IDENTITY_PROVIDER_ACTIONS, STAFF_ACTIONS, Action
from .errors import InvalidValue, PermissionDenied
from .people import Profile
from .values import Uai, as_optional_uai, as_uai

__all__ = [
    "MAX_DELEGATION",
    "AccessContext",
    "Actor",
    "Delegation",
    "Right",
    "Role",
    "authorize",
    "authorize_read",
    "authorize_request",
    "role_rights",
]

#: Longest delegation a head may grant (our decision: one school year at most).
MAX_DELEGATION: Final = dt.timedelta(days=366)


class Role(enum.Enum):
    CHEF_ETABLISSEMENT = "chef_etablissement"
    DIRECTEUR_ECOLE = "directeur_ecole"
    ADJOINT = "adjoint"
    DELEGATE = "delegue"
    IDENTITY_PROVIDER = "identity_provider"

    @property
    def label_fr(self) -> str:
        return _ROLE_LABELS_FR[self]


_ROLE_LABELS_FR: Final = {
    Role.CHEF_ETABLISSEMENT: "chef d'établissement",
    Role.DIRECTEUR_ECOLE: "directeur d'école",
    Role.ADJOINT: "adjoint",
    Role.DELEGATE: "personnel délégué (DELEG-CE)",
    Role.IDENTITY_PROVIDER: "fournisseur d'identité",
}


class Right:
    """Names of rights, as :attr:`PermissionDenied.missing_right` gives them."""

    ACCESS: Final = "access:otp_or_administrative_network"
    ADMINISTRATIVE_NETWORK: Final = "access:administrative_network"
    DELEGATION_IN_FORCE: Final = "delegation:in_force"
    GRANT_DELEGATION: Final = "delegation:grant"

    @staticmethod
    def school(uai: Uai | str) -> str:
        return f"school:{uai}"

    @staticmethod
    def profile(profile: Profile) -> str:
        return f"profile:{profile.value}"

    @staticmethod
    def action(action: Action) -> str:
        return f"action:{action.value}"


@attrs.frozen
class AccessContext:
    """How the actor reached the service: OTP key, administrative network, both."""

    otp: bool = False
    administrative_network: bool = False

    @classmethod
    def with_otp(cls) -> Self:
        return cls(otp=True)

    @classmethod
    def on_administrative_network(cls) -> Self:
        return cls(administrative_network=True)

    @property
    def label(self) -> str:
        """For the audit: ``otp``, ``administrative_network``, both joined by ``+``,
        or ``none``."""
        parts = [
            name
            for name, on in (
                ("otp", self.otp),
                ("administrative_network", self.administrative_network),
            )
            if on
        ]
        return "+".join(parts) or "none"


def _frozen_profiles(value: Iterable[Profile]) -> frozenset[Profile]:
    return frozenset(value)


def _frozen_actions(value: Iterable[Action]) -> frozenset[Action]:
    return frozenset(value)


def _delegation_uai(value: Uai | str) -> Uai:
    return as_uai(value, "Delegation.uai")


def _actor_uai(value: Uai | str | None) -> Uai | None:
    return as_optional_uai(value, "Actor.uai")


@attrs.frozen
class Delegation:
    """A DELEG-CE delegation from a chef d'établissement to a staff member.

    Build one with :meth:`grant`; :meth:`revoke` ends it early.
    """

    delegation_id: str
    uai: Uai = attrs.field(converter=_delegation_uai)
    delegate_id: str
    granted_by: str
    granted_at: dt.datetime
    expires_at: dt.datetime
    profiles: frozenset[Profile] = attrs.field(converter=_frozen_profiles)
    actions: frozenset[Action] = attrs.field(converter=_frozen_actions)
    revoked_at: dt.datetime | None = None
    revoked_by: str | None = None

    @actions.validator
    def _check_actions(
        self, attribute: attrs.Attribute[frozenset[Action]], value: frozenset[Action]
    ) -> None:
        extra = value - STAFF_ACTIONS
        if extra:
            names = sorted(a.value for a in extra)
            raise InvalidValue("Delegation.actions", names, "expected staff actions only")

    @classmethod
    def grant(
        cls,
        head: Actor,
        *,
        delegation_id: str,
        delegate_id: str,
        profiles: Iterable[Profile],
        actions: Iterable[Action],
        at: dt.datetime,
        expires_at: dt.datetime,
    ) -> Self:
        """A delegation granted by ``head``, who must be a chef d'établissement.

        The expiry is required, after ``at`` and at most :data:`MAX_DELEGATION`
        later; profiles and actions must not be empty.
        """
        if head.role is not Role.CHEF_ETABLISSEMENT or head.uai is None:
            raise _denied(
                Right.GRANT_DELEGATION, "only a chef d'établissement grants a DELEG-CE delegation"
            )
        if not at < expires_at <= at + MAX_DELEGATION:
            raise InvalidValue(
                "Delegation.expires_at",
                expires_at.isoformat(),
                f"expected after {at.isoformat()} and within {MAX_DELEGATION.days} days",
            )
        delegation = cls(
            delegation_id=delegation_id,
            uai=head.uai,
            delegate_id=delegate_id,
            granted_by=head.actor_id,
            granted_at=at,
            expires_at=expires_at,
            profiles=profiles,
            actions=actions,
        )
        if not delegation.profiles:
            raise InvalidValue("Delegation.profiles", [], "expected at least one profile")
        if not delegation.actions:
            raise InvalidValue("Delegation.actions", [], "expected at least one action")
        return delegation

    def revoke(self, by: Actor, at: dt.datetime) -> Delegation:
        """The delegation revoked at ``at`` by the chef d'établissement of its school."""
        if by.role is not Role.CHEF_ETABLISSEMENT or by.uai != self.uai:
            raise _denied(
                Right.GRANT_DELEGATION,
                f"only the chef d'établissement of {self.uai} revokes this delegation",
            )
        if self.revoked_at is not None:
            return self
        return attrs.evolve(self, revoked_at=at, revoked_by=by.actor_id)

    def in_force_at(self, at: dt.datetime) -> bool:
        revoked = self.revoked_at is not None and self.revoked_at <= at
        return self.granted_at <= at < self.expires_at and not revoked


@attrs.frozen
class Actor:
    """The person (or system) acting: an id, a role, a school.

    Use the named constructors; a delegate carries their :class:`Delegation`.
    """

    actor_id: str
    role: Role
    uai: Uai | None = attrs.field(converter=_actor_uai)
    delegation: Delegation | None = None

    def __attrs_post_init__(self) -> None:
        if not self.actor_id:
            raise InvalidValue("Actor.actor_id", self.actor_id, "expected a non-empty id")
        if self.role is Role.DELEGATE:
            if self.delegation is None or self.delegation.delegate_id != self.actor_id:
                raise InvalidValue(
                    "Actor.delegation", self.delegation, f"expected a delegation to {self.actor_id}"
                )
        elif self.delegation is not None:
            raise InvalidValue("Actor.delegation", self.delegation, "only a delegate holds one")
        if self.role is not Role.IDENTITY_PROVIDER and self.uai is None:
            raise InvalidValue("Actor.uai", None, f"expected the school of the {self.role.value}")

    @classmethod
    def chef_etablissement(cls, actor_id: str, uai: Uai | str) -> Self:
        return cls(actor_id, Role.CHEF_ETABLISSEMENT, uai)

    @classmethod
    def directeur_ecole(cls, actor_id: str, uai: Uai | str) -> Self:
        return cls(actor_id, Role.DIRECTEUR_ECOLE, uai)

    @classmethod
    def adjoint(cls, actor_id: str, uai: Uai | str) -> Self:
        return cls(actor_id, Role.ADJOINT, uai)

    @classmethod
    def delegate(cls, delegation: Delegation) -> Self:
        return cls(delegation.delegate_id, Role.DELEGATE, delegation.uai, delegation)

    @classmethod
    def identity_provider(cls, actor_id: str = "educonnect-idp") -> Self:
        return cls(actor_id, Role.IDENTITY_PROVIDER, None)


def _denied(right: str, why: str) -> PermissionDenied:
    return PermissionDenied(right, f"permission denied: missing right {right!r} ({why})")


_BOTH: Final = frozenset(Profile)
_RESP: Final = frozenset({Profile.RESPONSABLE})


def role_rights(actor: Actor) -> tuple[frozenset[Profile], frozenset[Action]]:
    """The profiles and actions the actor's role (or delegation) covers."""
    role = actor.role
    if role in (Role.CHEF_ETABLISSEMENT, Role.ADJOINT):
        return _BOTH, STAFF_ACTIONS
    if role is Role.DIRECTEUR_ECOLE:
        return _RESP, STAFF_ACTIONS
    if role is Role.DELEGATE:
        assert actor.delegation is not None
        return actor.delegation.profiles, actor.delegation.actions
    return _BOTH, IDENTITY_PROVIDER_ACTIONS


def authorize_request(actor: Actor, access: AccessContext, action: Action, at: dt.datetime) -> None:
    """The checks that do not depend on the target: access context, delegation
    in force, action covered by the role."""
    _access_and_delegation(actor, access, at)
    _, actions = role_rights(actor)
    if action not in actions:
        raise PermissionDenied(Right.action(action))


def _access_and_delegation(actor: Actor, access: AccessContext, at: dt.datetime) -> None:
    if not (access.otp or access.administrative_network):
        raise _denied(
            Right.ACCESS, "access needs an OTP authentication or the administrative network"
        )
    if actor.delegation is not None and not actor.delegation.in_force_at(at):
        delegation = actor.delegation
        if delegation.revoked_at is not None and delegation.revoked_at <= at:
            why = f"delegation {delegation.delegation_id} was revoked"
        elif at < delegation.granted_at:
            why = f"delegation {delegation.delegation_id} is not yet in force"
        else:
            why = f"delegation {delegation.delegation_id} expired"
        raise _denied(Right.DELEGATION_IN_FORCE, why)


def authorize(
    actor: Actor,
    access: AccessContext,
    action: Action,
    *,
    uai: Uai | str,
    profile: Profile,
    at: dt.datetime,
) -> None:
    """Raise :class:`PermissionDenied` unless ``actor`` may do ``action`` on an
    account of ``profile`` at school ``uai``, from ``access``, at ``at``."""
    authorize_request(actor, access, action, at)
    _target(actor, access, as_uai(uai), profile)


def authorize_read(
    actor: Actor, access: AccessContext, *, uai: Uai | str, profile: Profile, at: dt.datetime
) -> None:
    """Raise :class:`PermissionDenied` unless ``actor`` may read an account of
    ``profile`` at school ``uai`` (the rules of :func:`authorize`, whatever the action)."""
    _access_and_delegation(actor, access, at)
    _target(actor, access, as_uai(uai), profile)


def _target(actor: Actor, access: AccessContext, uai: Uai, profile: Profile) -> None:
    if actor.role is not Role.IDENTITY_PROVIDER and actor.uai != uai:
        raise PermissionDenied(Right.school(uai))
    profiles, _ = role_rights(actor)
    if profile not in profiles:
        raise PermissionDenied(Right.profile(profile))
    if profile is Profile.RESPONSABLE and not access.administrative_network:
        raise _denied(
            Right.ADMINISTRATIVE_NETWORK,
            "responsable accounts are managed from the administrative network only",
        )
