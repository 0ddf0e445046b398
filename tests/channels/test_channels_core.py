"""The channel port: notifications, the core's rules, deliver_batch and retry."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

import attrs
import pytest

from educonnect_core.channels import (
    NO_DIVISION,
    TEMPLATE_PLACEHOLDERS,
    Channel,
    DeliveryReport,
    Medium,
    Notification,
    NotificationKind,
    NotifiedChild,
    deliver_batch,
    french_date,
    refusal_reason,
    retry_failed,
    template_values,
)
from educonnect_core.credentials import IssuedCredential
from educonnect_core.deliveries import DeliveryRecord
from educonnect_core.errors import InvalidValue
from educonnect_core.people import Profile
from educonnect_core.testing.channel_contract import sample_batch
from educonnect_core.testing.fakes import FixedClock
from educonnect_core.values import MobilePhone, PersonName, Uai

UAI = Uai.parse("0990007V")
DAY = dt.date(2026, 1, 12)


def eleve(n: int = 1, **changes: Any) -> Notification:
    notification = Notification.credentials(
        account_id=f"E-{UAI}-{n}",
        profile=Profile.ELEVE,
        uai=UAI,
        identifier=f"z.bertin{n}",
        password=f"Secret{n}xyz",
        document_date=DAY,
        recipient=PersonName("BERTIN", "Zoé"),
        division="3A",
    )
    return attrs.evolve(notification, **changes)


class ScriptedChannel:
    """A fake channel failing the account ids it is told to."""

    name = "fake"

    def __init__(self, medium: Medium = Medium.PAPER, fail: Iterable[str] = ()) -> None:
        self.medium = medium
        self.fail = set(fail)
        self.batches: list[list[str]] = []

    def deliver(self, batch: Sequence[Notification]) -> list[DeliveryReport]:
        self.batches.append([n.account_id for n in batch])
        return [
            DeliveryReport.failed(n.account_id, "refusé par le serveur")
            if n.account_id in self.fail
            else DeliveryReport.ok(n.account_id)
            for n in batch
        ]


class MemoryLog:
    def __init__(self) -> None:
        self.records: list[DeliveryRecord] = []

    def append(self, record: DeliveryRecord) -> None:
        self.records.append(record)

    def append_many(self, records: Iterable[DeliveryRecord]) -> int:
        before = len(self.records)
        self.records.extend(records)
        return len(self.records) - before

    def by_account(self, account_id: str) -> list[DeliveryRecord]:
        return [r for r in self.records if r.account_id == account_id]

    def latest(self, account_id: str) -> DeliveryRecord | None:
        found = self.by_account(account_id)
        return found[-1] if found else None

    def latest_per_account(self, account_ids: Iterable[str]) -> dict[str, DeliveryRecord]:
        return {a: r for a in account_ids if (r := self.latest(a)) is not None}


def test_password_is_not_in_repr() -> None:
    notification = eleve()
    assert "Secret1xyz" not in repr(notification)
    assert notification.valid_until == dt.date(2026, 4, 12)


def test_credentials_need_a_password_and_recall_has_none() -> None:
    with pytest.raises(InvalidValue, match="needs the provisional password"):
        eleve(password=None)
    with pytest.raises(InvalidValue, match="carries no password") as caught:
        eleve(kind=NotificationKind.IDENTIFIER_RECALL, valid_until=None)
    assert "Secret1xyz" not in str(caught.value)


def test_identifier_must_not_be_blank() -> None:
    with pytest.raises(InvalidValue, match=r"Notification\.identifier"):
        eleve(identifier=" ")


def test_batch_division_of_a_responsable_is_the_first_child_class() -> None:
    kids = (
        NotifiedChild(PersonName("BERTIN", "Zoé"), "6B"),
        NotifiedChild(PersonName("BERTIN", "Hugo"), "3A"),
    )
    responsable = eleve(profile=Profile.RESPONSABLE, division=None, children=kids)
    assert responsable.batch_division == "3A"
    assert eleve(division=None).batch_division == NO_DIVISION


def test_rules_email_needs_email_sms_needs_mobile_and_no_password() -> None:
    mobile = MobilePhone.parse("06 12 34 56 78")
    assert refusal_reason(eleve(), Medium.PAPER) is None
    assert "adresse électronique" in (refusal_reason(eleve(), Medium.EMAIL) or "")
    assert "portable" in (refusal_reason(eleve(), Medium.SMS) or "")
    assert "jamais envoyé par SMS" in (refusal_reason(eleve(mobile=mobile), Medium.SMS) or "")
    recall = sample_batch(Medium.SMS)[0]
    assert refusal_reason(recall, Medium.SMS) is None


def test_deliver_batch_reports_and_records_everything() -> None:
    clock = FixedClock(dt.datetime(2026, 1, 12, 15, 0, tzinfo=dt.UTC))
    batch = [eleve(1), eleve(2), eleve(3)]
    channel = ScriptedChannel(fail={batch[1].account_id})
    log = MemoryLog()
    result = deliver_batch(channel, batch, clock=clock, log=log, batch_id="b1")
    assert [r.delivered for r in result.reports] == [True, False, True]
    assert result.records == tuple(log.records)
    assert {(r.channel, r.batch_id, r.document_date) for r in log.records} == {("fake", "b1", DAY)}
    assert log.records[1].reason == "refusé par le serveur"
    assert [n.account_id for n in result.pending] == [batch[1].account_id]
    assert not result.complete


def test_refused_notifications_are_not_handed_to_the_channel() -> None:
    clock = FixedClock(dt.datetime(2026, 1, 12, 15, 0, tzinfo=dt.UTC))
    batch = sample_batch(Medium.EMAIL)
    no_email = attrs.evolve(batch[0], email=None)
    channel = ScriptedChannel(Medium.EMAIL)
    result = deliver_batch(channel, [no_email, *batch[1:]], clock=clock)
    assert channel.batches == [[n.account_id for n in batch[1:]]]
    assert result.refused == {no_email.account_id}
    assert not result.records[0].delivered
    assert "courriel" in (result.records[0].reason or "")
    assert result.complete  # a refusal is not retried: the data must be fixed


def test_retry_delivers_only_what_failed() -> None:
    clock = FixedClock(dt.datetime(2026, 1, 12, 15, 0, tzinfo=dt.UTC))
    batch = [eleve(1), eleve(2), eleve(3)]
    channel = ScriptedChannel(fail={batch[0].account_id, batch[2].account_id})
    first = deliver_batch(channel, batch, clock=clock)
    channel.fail.clear()
    clock.advance(dt.timedelta(minutes=5))
    again = retry_failed(channel, first, clock=clock)
    assert channel.batches[-1] == [batch[0].account_id, batch[2].account_id]
    assert all(r.delivered for r in again.reports)
    assert again.records[0].at == clock.now()
    assert again.complete


def test_a_channel_that_raises_fails_its_batch_only() -> None:
    class Broken(ScriptedChannel):
        def deliver(self, batch: Sequence[Notification]) -> list[DeliveryReport]:
            raise ConnectionError("gateway down")

    clock = FixedClock(dt.datetime(2026, 1, 12, 15, 0, tzinfo=dt.UTC))
    result = deliver_batch(Broken(), [eleve(1), eleve(2)], clock=clock)
    assert [r.delivered for r in result.reports] == [False, False]
    assert "gateway down" in (result.reports[0].reason or "")
    assert len(result.pending) == 2


def test_a_missing_report_is_a_failure() -> None:
    class Forgetful(ScriptedChannel):
        def deliver(self, batch: Sequence[Notification]) -> list[DeliveryReport]:
            return [DeliveryReport.ok(batch[0].account_id)]

    clock = FixedClock(dt.datetime(2026, 1, 12, 15, 0, tzinfo=dt.UTC))
    result = deliver_batch(Forgetful(), [eleve(1), eleve(2)], clock=clock)
    assert [r.delivered for r in result.reports] == [True, False]
    assert "rien rapporté" in (result.reports[1].reason or "")


def test_the_same_account_twice_is_refused_before_delivery() -> None:
    clock = FixedClock(dt.datetime(2026, 1, 12, 15, 0, tzinfo=dt.UTC))
    channel = ScriptedChannel()
    with pytest.raises(InvalidValue, match="repeats an account"):
        deliver_batch(channel, [eleve(1), eleve(1)], clock=clock)
    assert channel.batches == []


def test_a_failure_needs_a_reason() -> None:
    with pytest.raises(InvalidValue, match="needs a reason"):
        DeliveryReport(account_id="x", delivered=False)


def test_scripted_channel_is_a_channel() -> None:
    assert isinstance(ScriptedChannel(), Channel)


def test_french_dates_and_template_values() -> None:
    assert french_date(dt.date(2026, 3, 1)) == "1er mars 2026"
    assert french_date(dt.date(2026, 8, 15)) == "15 août 2026"
    kids = (NotifiedChild(PersonName("BERTIN", "Zoé"), "3A"),)
    responsable = eleve(profile=Profile.RESPONSABLE, civilite="MME", children=kids)
    values = template_values(responsable)
    assert values["salutation"] == "Madame Zoé BERTIN"
    assert values["valable_jusqu_au"] == "12 avril 2026"
    assert values["enfants"] == "- Zoé BERTIN (3A)"
    assert values["enfants_bloc"].startswith("Enfant concerné")
    assert values["mot_de_passe"] == "Secret1xyz"
    assert set(values) == TEMPLATE_PLACEHOLDERS


def test_from_issued_credential() -> None:
    issued = IssuedCredential.recall(
        account_id=f"R-{UAI}-7",
        uai=str(UAI),
        profile=Profile.RESPONSABLE,
        identifier="l.bertin10",
        recipient=PersonName("BERTIN", "Léa"),
        children=(PersonName("BERTIN", "Zoé"),),
    )
    notification = Notification.from_issued(issued, on=DAY, civilite="MME")
    assert notification.civilite == "MME"
    assert notification.kind is NotificationKind.IDENTIFIER_RECALL
    assert notification.document_date == DAY
    assert notification.children == (NotifiedChild(PersonName("BERTIN", "Zoé")),)


def test_history_goes_to_the_store_deliveries_log() -> None:
    from educonnect_core.plugins import Plugins

    clock = FixedClock(dt.datetime(2026, 1, 12, 15, 0, tzinfo=dt.UTC))
    store = Plugins.installed().open_store("memory://channels")
    batch = [eleve(1), eleve(2)]
    try:
        with store.unit_of_work() as uow:
            deliver_batch(
                ScriptedChannel(fail={batch[1].account_id}), batch, clock=clock, log=uow.deliveries
            )
            uow.commit()
        with store.unit_of_work() as uow:
            history = uow.deliveries.by_account(batch[1].account_id)
    finally:
        store.close()
    assert [(r.channel, r.delivered, r.reason) for r in history] == [
        ("fake", False, "refusé par le serveur")
    ]


def test_a_password_in_a_channel_error_is_redacted() -> None:
    class Leaky(ScriptedChannel):
        def deliver(self, batch: Sequence[Notification]) -> list[DeliveryReport]:
            raise RuntimeError(f"payload rejected: {batch[1].password}")

    clock = FixedClock(dt.datetime(2026, 1, 12, 15, 0, tzinfo=dt.UTC))
    result = deliver_batch(Leaky(), [eleve(1), eleve(2)], clock=clock)
    assert all("Secret2xyz" not in (r.reason or "") for r in result.records)
    assert "payload rejected: ********" in (result.records[0].reason or "")
