"""Notification channels: what a channel is handed, what it reports, and the rules.

The administration service produces :class:`Notification` objects (the only place
where a clear provisional password lives). A :class:`Channel` (paper letters,
email, SMS, or a third party's) delivers a batch of them and reports, per
notification, delivered or failed with a reason. :func:`deliver_batch` is the one
way the library hands a batch to a channel:

* the core decides what the channel may carry (:func:`refusal_reason`): an email
  channel only for a notification with a valid email, an SMS channel only for a
  mobile and never for a password; a refused notification is not handed over;
* one failure never stops a batch, and a channel that raises fails its batch
  without stopping the caller;
* every attempt becomes a :class:`~educonnect_core.deliveries.DeliveryRecord`,
  returned, and appended to the store's
  :class:`~educonnect_core.storage.DeliveryLog` when one is given (the caller
  commits its unit of work);
* :func:`retry_failed` delivers again only what the channel failed.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Final, Protocol, Self, runtime_checkable

import attrs

from .accounts import NOTIFICATION_VALIDITY_MONTHS, add_months
from .deliveries import DeliveryRecord
from .errors import InvalidValue
from .people import Profile
from .school_profile import SchoolProfile
from .values import EmailAddress, MobilePhone, PersonName, Uai

if TYPE_CHECKING:
    from .credentials import IssuedCredential
    from .ports import Clock
    from .storage import DeliveryLog

__all__ = [
    "EDUCONNECT_URL",
    "NO_DIVISION",
    "TEMPLATE_PLACEHOLDERS",
    "BatchResult",
    "Channel",
    "DeliveryReport",
    "Medium",
    "Notification",
    "NotificationKind",
    "NotifiedChild",
    "deliver_batch",
    "french_date",
    "refusal_reason",
    "retry_failed",
    "template_values",
]

#: Where users go to activate their account or sign in.
EDUCONNECT_URL = "https://educonnect.education.gouv.fr"

#: Batch key of a notification with no class (a responsable without known children).
NO_DIVISION = "sans classe"


class NotificationKind(enum.Enum):
    """What a notification tells its recipient."""

    #: identifier and a provisional password (first notification or resend).
    CREDENTIALS = "credentials"
    #: identifier and a new provisional password after a reset by the school.
    PASSWORD_RESET = "password_reset"
    #: the identifier only ("rappel d'identifiant"); carries no password.
    IDENTIFIER_RECALL = "identifier_recall"

    @property
    def carries_password(self) -> bool:
        return self is not NotificationKind.IDENTIFIER_RECALL


class Medium(enum.Enum):
    """How a channel reaches people; the core's rules depend only on this.

    ``PAPER``: a document the school hands over (needs no address). ``EMAIL``:
    needs a valid email. ``SMS``: needs a mobile; carries identifier recalls
    only, never a password.
    """

    PAPER = "paper"
    EMAIL = "email"
    SMS = "sms"


@attrs.frozen
class NotifiedChild:
    """A child a responsable's notification concerns: name and class."""

    name: PersonName
    division: str | None = None

    def __str__(self) -> str:
        name = f"{self.name.first} {self.name.last}".strip()
        return f"{name} ({self.division})" if self.division else name


def _children(value: Iterable[NotifiedChild]) -> tuple[NotifiedChild, ...]:
    return tuple(value)


def _check_identifier(instance: Notification, attribute: attrs.Attribute[str], value: str) -> None:
    if not value or any(c.isspace() for c in value):
        raise InvalidValue(
            "Notification.identifier", value, "expected a non-empty identifier without spaces"
        )


def _check_password(
    instance: Notification, attribute: attrs.Attribute[str | None], value: str | None
) -> None:
    if instance.kind.carries_password:
        if not value:
            raise InvalidValue(
                "Notification.password",
                "<absent>",
                f"a {instance.kind.value} notification needs the provisional password",
            )
        if instance.valid_until is None:
            raise InvalidValue(
                "Notification.valid_until", None, "a notification with a password needs it"
            )
    elif value is not None:
        # the value itself is never echoed
        raise InvalidValue(
            "Notification.password", "<hidden>", "an identifier recall carries no password"
        )


def _lines(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


@attrs.frozen
class Notification:
    """One account's notification, as handed to a channel.

    ``password`` is the clear provisional password: it is excluded from
    ``repr`` and must never be logged or stored. ``valid_until`` is the last
    day the letter is valid (3 months after ``document_date``; see
    :meth:`credentials`). ``division`` is the élève's class; ``children`` are,
    for a responsable, the children concerned (only those on this account).
    ``email`` and ``mobile`` are the addresses the channels may use, already
    valid (``None`` when the source has none or an invalid one).
    """

    account_id: str
    profile: Profile
    uai: Uai
    identifier: str = attrs.field(validator=_check_identifier)
    kind: NotificationKind
    document_date: dt.date
    recipient: PersonName
    valid_until: dt.date | None = None
    password: str | None = attrs.field(default=None, repr=False, validator=_check_password)
    civilite: str | None = None
    division: str | None = None
    children: tuple[NotifiedChild, ...] = attrs.field(default=(), converter=_children)
    email: EmailAddress | None = None
    mobile: MobilePhone | None = None
    school_name: str | None = None
    #: the school's postal address, one line each (letters' header), if known
    school_address: tuple[str, ...] = attrs.field(default=(), converter=_lines)
    #: whom families contact for help (a phone, an address, an office's hours)
    help_contact: str | None = None

    @classmethod
    def credentials(
        cls,
        *,
        account_id: str,
        profile: Profile,
        uai: Uai,
        identifier: str,
        password: str,
        document_date: dt.date,
        recipient: PersonName,
        reset: bool = False,
        civilite: str | None = None,
        division: str | None = None,
        children: Iterable[NotifiedChild] = (),
        email: EmailAddress | None = None,
        mobile: MobilePhone | None = None,
        school_name: str | None = None,
    ) -> Self:
        """Identifier and provisional password, valid 3 months from ``document_date``."""
        return cls(
            account_id=account_id,
            profile=profile,
            uai=uai,
            identifier=identifier,
            kind=NotificationKind.PASSWORD_RESET if reset else NotificationKind.CREDENTIALS,
            document_date=document_date,
            valid_until=add_months(document_date, NOTIFICATION_VALIDITY_MONTHS),
            password=password,
            recipient=recipient,
            civilite=civilite,
            division=division,
            children=tuple(children),
            email=email,
            mobile=mobile,
            school_name=school_name,
        )

    @classmethod
    def recall(
        cls,
        *,
        account_id: str,
        profile: Profile,
        uai: Uai,
        identifier: str,
        document_date: dt.date,
        recipient: PersonName,
        civilite: str | None = None,
        division: str | None = None,
        children: Iterable[NotifiedChild] = (),
        email: EmailAddress | None = None,
        mobile: MobilePhone | None = None,
        school_name: str | None = None,
    ) -> Self:
        """An identifier recall: no password, no validity period."""
        return cls(
            account_id=account_id,
            profile=profile,
            uai=uai,
            identifier=identifier,
            kind=NotificationKind.IDENTIFIER_RECALL,
            document_date=document_date,
            recipient=recipient,
            civilite=civilite,
            division=division,
            children=tuple(children),
            email=email,
            mobile=mobile,
            school_name=school_name,
        )

    @classmethod
    def from_issued(
        cls,
        issued: IssuedCredential,
        *,
        on: dt.date,
        civilite: str | None = None,
        children: Iterable[NotifiedChild] | None = None,
        school_name: str | None = None,
        school: SchoolProfile | None = None,
    ) -> Self:
        """The notification for what the administration service issued.

        ``on`` dates an identifier recall (which has no document date);
        ``children`` with their classes replace the bare names of
        ``issued.children`` when given; ``school`` (its name wins over
        ``school_name``) gives the name, address and help contact the letters print.
        """
        recall = not issued.kind.carries_password
        return cls(
            account_id=issued.account_id,
            profile=issued.profile,
            uai=Uai.parse(str(issued.uai)),
            identifier=issued.identifier,
            kind=issued.kind,
            document_date=issued.document_date or on,
            valid_until=None if recall else issued.valid_until,
            password=None if recall else issued.password,
            recipient=issued.recipient,
            civilite=civilite or issued.civilite,
            division=issued.division,
            children=tuple(children)
            if children is not None
            else tuple(NotifiedChild(name) for name in issued.children),
            email=issued.email,
            mobile=issued.mobile,
            school_name=(school.name if school and school.name else None) or school_name,
            school_address=school.address if school else (),
            help_contact=school.contact if school else None,
        )

    @property
    def batch_division(self) -> str:
        """The class whose pile this letter goes in: the élève's class, or for a
        responsable the first of their children's classes (alphabetically)."""
        if self.division:
            return self.division
        divisions = sorted(c.division for c in self.children if c.division)
        return divisions[0] if divisions else NO_DIVISION

    @property
    def salutation(self) -> str:
        """``Madame Zoé MARTIN`` or ``Zoé MARTIN`` when no civilité is known."""
        parts = [self.civilite_long, self.recipient.first, self.recipient.last]
        return " ".join(p for p in parts if p)

    @property
    def civilite_long(self) -> str | None:
        """``M.``/``MME`` as written in SIECLE, spelled out (``Monsieur``, ``Madame``)."""
        if not self.civilite:
            return None
        key = self.civilite.strip().rstrip(".").upper()
        return {"M": "Monsieur", "MR": "Monsieur", "MME": "Madame", "MLLE": "Madame"}.get(
            key, self.civilite
        )


@attrs.frozen
class DeliveryReport:
    """A channel's answer for one notification: delivered, or failed with a reason.

    ``reference`` says where the result is (a PDF file and page, a message id,
    a gateway id), when the channel has one.
    """

    account_id: str
    delivered: bool
    reason: str | None = attrs.field(default=None)
    reference: str | None = None

    @reason.validator
    def _check_reason(self, attribute: attrs.Attribute[str | None], value: str | None) -> None:
        if not self.delivered and not value:
            raise InvalidValue("DeliveryReport.reason", value, "a failure needs a reason")

    @classmethod
    def ok(cls, account_id: str, reference: str | None = None) -> Self:
        return cls(account_id=account_id, delivered=True, reference=reference)

    @classmethod
    def failed(cls, account_id: str, reason: str) -> Self:
        return cls(account_id=account_id, delivered=False, reason=reason)


@runtime_checkable
class Channel(Protocol):
    """A notification channel (a plugin opens it from its name and settings).

    Contract of :meth:`deliver` (checked by
    :class:`educonnect_core.testing.channel_contract.ChannelContract`):

    * returns exactly one :class:`DeliveryReport` per notification, in order,
      with the notification's ``account_id``;
    * one notification's failure never stops the others: it is reported with a
      reason, not raised; an exception means nothing in the batch could be tried;
    * never writes the clear password anywhere but to its recipient (no logs,
      no reasons, no references);
    * may be called again with the failed notifications only (a retry).
    """

    @property
    def name(self) -> str:
        """The name the channel was opened by (``paper``, ``email``, ``sms``)."""
        ...

    @property
    def medium(self) -> Medium:
        """How it reaches people: decides what the core lets it carry."""
        ...

    def deliver(self, batch: Sequence[Notification]) -> list[DeliveryReport]: ...


def refusal_reason(notification: Notification, medium: Medium) -> str | None:
    """Why ``medium`` may not carry ``notification`` (in French), or ``None``."""
    if medium is Medium.EMAIL and notification.email is None:
        return "pas d'adresse électronique valide : envoi par courriel impossible"
    if medium is Medium.SMS:
        if notification.mobile is None:
            return "pas de numéro de téléphone portable valide : envoi par SMS impossible"
        if notification.kind.carries_password:
            return "un mot de passe provisoire n'est jamais envoyé par SMS"
    return None


@attrs.frozen
class BatchResult:
    """What :func:`deliver_batch` did: one report and one record per notification.

    ``refused`` are the account ids the core kept from the channel (with the
    reason in their report); ``pending`` the notifications the channel failed,
    kept in memory for :func:`retry_failed` (they hold clear passwords: never
    persist a ``BatchResult``).
    """

    channel: str
    batch_id: str
    reports: tuple[DeliveryReport, ...]
    records: tuple[DeliveryRecord, ...]
    refused: frozenset[str] = frozenset()
    pending: tuple[Notification, ...] = attrs.field(default=(), repr=False)

    @property
    def delivered(self) -> tuple[DeliveryReport, ...]:
        return tuple(r for r in self.reports if r.delivered)

    @property
    def failed(self) -> tuple[DeliveryReport, ...]:
        """Reports of what the channel tried and failed (retryable)."""
        return tuple(
            r for r in self.reports if not r.delivered and r.account_id not in self.refused
        )

    @property
    def complete(self) -> bool:
        """Nothing left to retry."""
        return not self.pending


def _check_batch(batch: Sequence[Notification]) -> None:
    seen: set[str] = set()
    for position, notification in enumerate(batch, 1):
        if notification.account_id in seen:
            raise InvalidValue(
                "batch",
                notification.account_id,
                f"notification {position} repeats an account already in the batch",
                code="DUPLICATE_ACCOUNT",
            )
        seen.add(notification.account_id)


def _channel_reports(channel: Channel, batch: Sequence[Notification]) -> list[DeliveryReport]:
    """Ask the channel; anything it does not report properly becomes a failure."""
    if not batch:
        return []
    try:
        answered = channel.deliver(batch)
    except Exception as exc:  # a channel error must not stop the caller's batch
        reason = f"erreur du canal {channel.name} : {type(exc).__name__}: {exc}"
        return [_redacted(DeliveryReport.failed(n.account_id, reason), batch) for n in batch]
    by_account = {r.account_id: r for r in answered}
    return [
        _redacted(by_account[n.account_id], batch)
        if n.account_id in by_account
        else DeliveryReport.failed(n.account_id, f"le canal {channel.name} n'a rien rapporté")
        for n in batch
    ]


def _redacted(report: DeliveryReport, batch: Sequence[Notification]) -> DeliveryReport:
    """The report without any clear password of the batch (reasons and references
    are stored; a channel breaking its contract must not leak one)."""
    reason, reference = report.reason, report.reference
    for notification in batch:
        secret = notification.password
        if secret and ((reason and secret in reason) or (reference and secret in reference)):
            reason = reason.replace(secret, "********") if reason else reason
            reference = reference.replace(secret, "********") if reference else reference
    if (reason, reference) == (report.reason, report.reference):
        return report
    return attrs.evolve(report, reason=reason, reference=reference)


def deliver_batch(
    channel: Channel,
    batch: Sequence[Notification],
    *,
    clock: Clock,
    log: DeliveryLog | None = None,
    batch_id: str | None = None,
) -> BatchResult:
    """Deliver ``batch`` through ``channel``; report and record every notification.

    Notifications the channel's medium may not carry are refused without being
    handed over (reported and recorded as failures with the reason). Raises
    :class:`~educonnect_core.errors.InvalidValue` only when the batch itself is
    malformed (the same account twice), before anything is delivered.
    """
    _check_batch(batch)
    started = clock.now()
    batch_id = batch_id or f"{channel.name}-{started:%Y%m%dT%H%M%S%f}"
    refusals = {n.account_id: refusal_reason(n, channel.medium) for n in batch}
    admitted = [n for n in batch if refusals[n.account_id] is None]
    answered = {r.account_id: r for r in _channel_reports(channel, admitted)}
    at = clock.now()
    reports: list[DeliveryReport] = []
    records: list[DeliveryRecord] = []
    for notification in batch:
        refusal = refusals[notification.account_id]
        report = (
            DeliveryReport.failed(notification.account_id, refusal)
            if refusal is not None
            else answered[notification.account_id]
        )
        reports.append(report)
        records.append(
            DeliveryRecord(
                account_id=notification.account_id,
                channel=channel.name,
                at=at,
                delivered=report.delivered,
                reason=report.reason,
                document_date=notification.document_date,
                batch_id=batch_id,
            )
        )
    if log is not None:
        log.append_many(records)
    return BatchResult(
        channel=channel.name,
        batch_id=batch_id,
        reports=tuple(reports),
        records=tuple(records),
        refused=frozenset(a for a, reason in refusals.items() if reason is not None),
        pending=tuple(n for n in admitted if not answered[n.account_id].delivered),
    )


def retry_failed(
    channel: Channel,
    previous: BatchResult,
    *,
    clock: Clock,
    log: DeliveryLog | None = None,
    batch_id: str | None = None,
) -> BatchResult:
    """Deliver again, through ``channel``, only what ``previous`` failed to deliver.

    Refused notifications are not retried (the same rule would refuse them
    again: the data must be fixed first). The result covers the retried
    notifications only.
    """
    return deliver_batch(channel, previous.pending, clock=clock, log=log, batch_id=batch_id)


_MONTHS_FR = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def french_date(day: dt.date) -> str:
    """``12 janvier 2026`` (``1er`` for the first of the month)."""
    number = "1er" if day.day == 1 else str(day.day)
    return f"{number} {_MONTHS_FR[day.month - 1]} {day.year}"


#: The placeholders :func:`template_values` fills: what a channel template may use.
TEMPLATE_PLACEHOLDERS: Final = frozenset(
    {
        "identifiant",
        "mot_de_passe",
        "salutation",
        "civilite",
        "prenom",
        "nom",
        "profil",
        "classe",
        "etablissement",
        "uai",
        "date_document",
        "valable_jusqu_au",
        "url",
        "enfants",
        "enfants_bloc",
        "adresse_etablissement",
        "contact",
        "contact_bloc",
    }
)


def template_values(notification: Notification, *, url: str = EDUCONNECT_URL) -> dict[str, str]:
    """The placeholders every channel template may use, as plain text.

    ``identifiant``, ``mot_de_passe`` (empty for a recall), ``salutation``,
    ``civilite``, ``prenom``, ``nom``, ``profil`` (``élève``/``responsable``),
    ``classe``, ``etablissement`` (school name, or ``l'établissement <UAI>``), ``uai``,
    ``date_document``, ``valable_jusqu_au`` (French dates), ``url``,
    ``enfants`` (one line per child, ``- Zoé MARTIN (3A)``) and
    ``enfants_bloc`` (a paragraph introducing them, empty for an élève),
    ``adresse_etablissement`` (the school's address lines), ``contact`` (whom to
    ask for help) and ``contact_bloc`` (``Pour toute aide : …``); empty when the
    school profile has none.
    """
    n = notification
    children = "\n".join(f"- {child}" for child in n.children)
    if children:
        title = "Enfant concerné" if len(n.children) == 1 else "Enfants concernés"
        block = f"{title} par ce compte :\n{children}\n"
    else:
        block = ""
    return {
        "identifiant": n.identifier,
        "mot_de_passe": n.password or "",
        "salutation": n.salutation,
        "civilite": n.civilite_long or "",
        "prenom": n.recipient.first,
        "nom": n.recipient.last,
        "profil": "élève" if n.profile is Profile.ELEVE else "responsable",
        "classe": n.division or "",
        "etablissement": n.school_name or f"l'établissement {n.uai}",
        "uai": str(n.uai),
        "date_document": french_date(n.document_date),
        "valable_jusqu_au": french_date(n.valid_until) if n.valid_until else "",
        "url": url,
        "enfants": children,
        "enfants_bloc": block,
        "adresse_etablissement": "\n".join(n.school_address),
        "contact": n.help_contact or "",
        "contact_bloc": f"Pour toute aide : {n.help_contact}" if n.help_contact else "",
    }
