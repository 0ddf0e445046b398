"""What a synchronisation changed (or, in a dry run, would change), in plain words.

A :class:`Changeset` lists the source records created and updated (field by
field, old → new), the links added, changed and removed, the accounts created,
deactivated and reactivated, and for every account touched the routes the
change opens or closes. :meth:`Changeset.summaries` groups those route effects
into sentences for a school office, e.g. « mobile ajouté : auto-inscription par
SMS ouverte demain matin pour 12 responsables ».
"""

from __future__ import annotations

import datetime as dt
import enum
from collections import Counter
from collections.abc import Iterable
from typing import Final

import attrs

from .findings import Finding
from .people import Profile
from .routes import Route
from .shown_times import on_time, shown_time
from .states import AccountState
from .values import Uai

__all__ = [
    "AccountChange",
    "AccountChangeKind",
    "Changeset",
    "FieldChange",
    "LinkChange",
    "RecordChange",
    "RouteSummary",
    "when_fr",
]


@attrs.frozen
class FieldChange:
    """One field of a source record: ``old`` → ``new`` as text (``None``: empty)."""

    field: str
    old: str | None
    new: str | None

    @property
    def verb_fr(self) -> str:
        """« ajouté », « modifié » or « supprimé », agreed with the field's gender."""
        _, feminine = _FIELD_LABELS.get(self.field, (self.field, False))
        if self.old is None:
            word = "ajouté"
        elif self.new is None:
            word = "supprimé"
        else:
            word = "modifié"
        return word + ("e" if feminine else "")

    @property
    def cause_fr(self) -> str:
        """« mobile ajouté », « date de naissance modifiée »…"""
        label, _ = _FIELD_LABELS.get(self.field, (self.field, False))
        return f"{label} {self.verb_fr}"

    @property
    def child_cause_fr(self) -> str:
        """The cause as a responsable sees it: « date de naissance d'un enfant modifiée »."""
        label, _ = _FIELD_LABELS.get(self.field, (self.field, False))
        return f"{label} d'un enfant {self.verb_fr}"

    def __str__(self) -> str:
        return f"{self.field}: {self.old or '∅'} → {self.new or '∅'}"


#: field → (French label, feminine)
_FIELD_LABELS: Final = {
    "last_name": ("nom", False),
    "first_name": ("prénom", False),
    "birth_date": ("date de naissance", True),
    "ine": ("INE", False),
    "division": ("classe", True),
    "mef": ("MEF", False),
    "status": ("statut", False),
    "left_on": ("date de sortie", True),
    "email": ("courriel", False),
    "mobile": ("mobile", False),
    "civilite": ("civilité", True),
}


@attrs.frozen
class RecordChange:
    """A student or responsable created or updated in the source data."""

    profile: Profile
    siecle_id: str
    created: bool
    fields: tuple[FieldChange, ...] = ()


@attrs.frozen
class LinkChange:
    """A student ↔ person link added (``old`` is ``None``), removed (``new`` is
    ``None``) or changed; levels are :class:`ResponsibilityLevel` names."""

    eleve_id: str
    personne_id: str
    old: str | None
    new: str | None


class AccountChangeKind(enum.Enum):
    CREATED = "created"
    DEACTIVATED = "deactivated"
    REACTIVATED = "reactivated"
    #: source data changed; the account's state and credentials are untouched
    DATA_CHANGED = "data_changed"
    #: the source says the account is wanted but the school deactivated it: kept so
    KEPT_DEACTIVATED = "kept_deactivated"


@attrs.frozen
class AccountChange:
    """One account touched by the synchronisation, and the routes it opens/closes.

    ``causes`` are short French phrases (« mobile ajouté », « enfant retiré »…)
    naming why the routes changed.
    """

    account_id: str
    profile: Profile
    siecle_id: str
    kind: AccountChangeKind
    before: AccountState | None
    after: AccountState | None
    reason: str | None = None
    causes: tuple[str, ...] = ()
    opened: frozenset[Route] = frozenset()
    closed: frozenset[Route] = frozenset()


@attrs.frozen
class RouteSummary:
    """How many accounts of a profile get a route opened (or closed) for a cause."""

    cause: str
    route: Route
    opened: bool
    profile: Profile
    count: int
    text_fr: str


#: route → (opened, closed) agreed with the route's French label
_ROUTE_WORDS: Final = {
    Route.FRANCECONNECT: ("ouvert", "fermé"),
    Route.SMS_SELF_REGISTRATION: ("ouverte", "fermée"),
    Route.PROVISIONAL_PAPER: ("ouverts", "fermés"),
    Route.PROVISIONAL_EMAIL: ("ouverts", "fermés"),
    Route.ATEN_TRANSITION: ("ouverte", "fermée"),
}
_PROFILE_FR: Final = {
    Profile.ELEVE: ("élève", "élèves"),
    Profile.RESPONSABLE: ("responsable", "responsables"),
}


def when_fr(effective_from: dt.datetime, applied_at: dt.datetime) -> str:
    """« demain matin », « dès maintenant » or « le 03/09/2025 à 06:00 », in the
    time zone of ``effective_from``."""
    if effective_from <= applied_at:
        return "dès maintenant"
    local_applied = applied_at.astimezone(effective_from.tzinfo).date()
    if effective_from.date() == local_applied + dt.timedelta(days=1) and effective_from.hour < 12:
        return "demain matin"
    return on_time(effective_from)


#: The kinds of :meth:`Changeset.counts` a school follows from one export to the next,
#: with their labels (French, English): ``stats`` and the report show them in this order.
TREND_COUNTS: Final = (
    ("created", "comptes créés", "accounts created"),
    ("deactivated", "désactivés", "deactivated"),
    ("reactivated", "réactivés", "reactivated"),
    ("records_updated", "fiches modifiées", "records updated"),
    ("links_changed", "liens modifiés", "links changed"),
)


@attrs.frozen
class Changeset:
    """Everything a synchronisation did (``applied``) or would do (``dry_run``).

    ``noop`` is true when the export was already applied: nothing to write.
    ``not_opened`` counts people read who get no account (students who have left,
    responsables who are no legal representative of a current student).
    """

    uai: Uai
    exported_at: dt.datetime
    applied_at: dt.datetime
    effective_from: dt.datetime
    dry_run: bool
    forced: bool = False
    records: tuple[RecordChange, ...] = ()
    links: tuple[LinkChange, ...] = ()
    accounts: tuple[AccountChange, ...] = ()
    not_opened: tuple[tuple[Profile, str], ...] = ()
    findings: tuple[Finding, ...] = ()
    school_changed: bool = False

    @property
    def applied(self) -> bool:
        return not self.dry_run

    @property
    def noop(self) -> bool:
        written = [a for a in self.accounts if a.kind is not AccountChangeKind.KEPT_DEACTIVATED]
        return not (self.records or self.links or written or self.school_changed)

    def _accounts(self, kind: AccountChangeKind) -> tuple[AccountChange, ...]:
        return tuple(a for a in self.accounts if a.kind is kind)

    @property
    def created(self) -> tuple[AccountChange, ...]:
        return self._accounts(AccountChangeKind.CREATED)

    @property
    def deactivated(self) -> tuple[AccountChange, ...]:
        return self._accounts(AccountChangeKind.DEACTIVATED)

    @property
    def reactivated(self) -> tuple[AccountChange, ...]:
        return self._accounts(AccountChangeKind.REACTIVATED)

    @property
    def kept_deactivated(self) -> tuple[AccountChange, ...]:
        return self._accounts(AccountChangeKind.KEPT_DEACTIVATED)

    @property
    def updated(self) -> tuple[RecordChange, ...]:
        """Source records updated (not created), with their field changes."""
        return tuple(r for r in self.records if not r.created)

    def counts(self) -> dict[str, int]:
        """Counts by kind of change (for logs and the applied-export record)."""
        counts: Counter[str] = Counter(a.kind.value for a in self.accounts)
        counts["records_created"] = sum(r.created for r in self.records)
        counts["records_updated"] = len(self.updated)
        counts["links_changed"] = len(self.links)
        return {k: v for k, v in sorted(counts.items()) if v}

    def summaries(self) -> tuple[RouteSummary, ...]:
        """Route effects grouped by cause, route, direction and profile, largest first."""
        groups: Counter[tuple[str, Route, bool, Profile]] = Counter()
        for change in self.accounts:
            cause = ", ".join(change.causes) or _KIND_CAUSE[change.kind]
            for route in change.opened:
                groups[cause, route, True, change.profile] += 1
            for route in change.closed:
                groups[cause, route, False, change.profile] += 1
        when = when_fr(self.effective_from, self.applied_at)
        found = [
            RouteSummary(
                cause, route, opened, profile, n, _sentence(cause, route, opened, profile, n, when)
            )
            for (cause, route, opened, profile), n in groups.items()
        ]
        found.sort(key=lambda s: (-s.count, s.cause, s.route.value, not s.opened, s.profile.value))
        return tuple(found)

    def lines_fr(self) -> list[str]:
        """A short report: counts, then the route summaries."""
        head = "Simulation" if self.dry_run else "Synchronisation appliquée"
        lines = [
            f"{head} — {self.uai}, export du "
            f"{shown_time(self.exported_at, timezone=self.effective_from.tzinfo)}, "
            f"effectif {when_fr(self.effective_from, self.applied_at)}"
        ]
        if self.noop:
            lines.append("Aucun changement (export déjà appliqué).")
            return lines
        lines.append(
            f"Comptes créés : {len(self.created)}, désactivés : {len(self.deactivated)}, "
            f"réactivés : {len(self.reactivated)}, fiches mises à jour : {len(self.updated)}, "
            f"liens modifiés : {len(self.links)}"
        )
        if self.kept_deactivated:
            lines.append(
                f"{len(self.kept_deactivated)} compte(s) désactivé(s) par l'établissement "
                "laissé(s) désactivé(s) bien que présents dans SIECLE"
            )
        lines.extend(s.text_fr for s in self.summaries())
        return lines


_KIND_CAUSE: Final = {
    AccountChangeKind.CREATED: "nouveau compte",
    AccountChangeKind.DEACTIVATED: "compte désactivé",
    AccountChangeKind.REACTIVATED: "compte réactivé",
    AccountChangeKind.DATA_CHANGED: "données modifiées",
    AccountChangeKind.KEPT_DEACTIVATED: "compte laissé désactivé",
}


def _sentence(
    cause: str, route: Route, opened: bool, profile: Profile, count: int, when: str
) -> str:
    word = _ROUTE_WORDS[route][0 if opened else 1]
    who = _PROFILE_FR[profile][0 if count == 1 else 1]
    return f"{cause} : {route.label_fr} {word} {when} pour {count} {who}"


def causes_of(fields: Iterable[FieldChange]) -> tuple[str, ...]:
    """The distinct causes of field changes, in field order."""
    return tuple(dict.fromkeys(f.cause_fr for f in fields))
