"""Contract tests for notification channels, for channel authors.

Subclass :class:`ChannelContract` in a test module and provide a ``channel``
fixture that returns your open channel; pytest then runs every contract test
against it::

    from educonnect_core.testing.channel_contract import ChannelContract

    class TestMyChannel(ChannelContract):
        @pytest.fixture
        def channel(self, tmp_path):
            return MyChannel(...)

Optional fixtures refine the checks (each defaults to ``None`` and the tests
that need it are skipped): ``undeliverable`` — a notification your channel
will fail (a recipient your test server refuses…); ``received`` — a callable
returning the texts your test recipient side received so far;
``server_loggers`` — names of your test server's loggers, left out of the
check that no password is logged; ``connection_loss`` — a callable ``cut(n)``
after which the channel's connection is lost once ``n`` notifications of the
next batch went through (your test server closes every connection, the gateway
stops answering…), to check that what could not go is reported as a failure,
never as delivered. ``batch`` — the notifications delivered by the tests
(default: :func:`sample_batch` for the channel's medium).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from zoneinfo import ZoneInfo

import pytest

from educonnect_core.channels import (
    Channel,
    DeliveryReport,
    Medium,
    Notification,
    NotifiedChild,
    deliver_batch,
    retry_failed,
)
from educonnect_core.people import Profile
from educonnect_core.values import EmailAddress, MobilePhone, PersonName, Uai

from .fakes import FixedClock

__all__ = ["ChannelContract", "ConnectionLoss", "SpyChannel", "sample_batch"]

Received = Callable[[], Sequence[str]]
#: ``cut(n)``: the connection is lost once ``n`` notifications of the next batch went through
ConnectionLoss = Callable[[int], None]

_UAI = Uai.parse("0990007V")
_DAY = dt.date(2026, 1, 12)


def sample_batch(medium: Medium) -> list[Notification]:
    """Three invented people a channel of ``medium`` may carry (the core's rules)."""
    people = [
        ("E", Profile.ELEVE, "BERTIN", "Zoé", "z.bertin12", "Kp7mQ3xZ9a", "3A", None, ()),
        ("E", Profile.ELEVE, "NGUYEN", "Théo", "t.nguyen40", "Hr4nW8cY2b", "3A", None, ()),
        (
            "R",
            Profile.RESPONSABLE,
            "BERTIN",
            "Léa",
            "l.bertin33",
            "Vd9sT2kM5c",
            None,
            "MME",
            (NotifiedChild(PersonName("BERTIN", "Zoé"), "3A"),),
        ),
    ]
    batch: list[Notification] = []
    for n, (prefix, profile, last, first, ident, password, div, civ, kids) in enumerate(people):
        common = {
            "account_id": f"{prefix}-{_UAI}-10{n}",
            "profile": profile,
            "uai": _UAI,
            "identifier": ident,
            "document_date": _DAY,
            "recipient": PersonName(last, first),
            "civilite": civ,
            "division": div,
            "children": kids,
            "email": EmailAddress.parse(f"{ident}@example.org"),
            "mobile": MobilePhone.parse(f"06 12 34 56 7{n}"),
            "school_name": "Collège des Tilleuls",
        }
        if medium is Medium.SMS:
            batch.append(Notification.recall(**common))  # type: ignore[arg-type]
        else:
            batch.append(Notification.credentials(password=password, **common))  # type: ignore[arg-type]
    return batch


class SpyChannel:
    """Forwards to a channel and remembers each batch it was handed."""

    def __init__(self, inner: Channel) -> None:
        self.inner = inner
        self.batches: list[list[Notification]] = []

    @property
    def name(self) -> str:
        return self.inner.name

    @property
    def medium(self) -> Medium:
        return self.inner.medium

    def deliver(self, batch: Sequence[Notification]) -> list[DeliveryReport]:
        self.batches.append(list(batch))
        return self.inner.deliver(batch)


def _clock() -> FixedClock:
    return FixedClock(dt.datetime(2026, 1, 12, 15, 0, tzinfo=ZoneInfo("Europe/Paris")))


class ChannelContract:
    """What every channel must do; subclass and provide the ``channel`` fixture."""

    @pytest.fixture
    def channel(self) -> Channel:
        pytest.fail("ChannelContract: provide a `channel` fixture returning an open channel")

    @pytest.fixture
    def batch(self, channel: Channel) -> list[Notification]:
        return sample_batch(channel.medium)

    @pytest.fixture
    def undeliverable(self) -> Notification | None:
        return None

    @pytest.fixture
    def received(self) -> Received | None:
        return None

    @pytest.fixture
    def connection_loss(self) -> ConnectionLoss | None:
        return None

    @pytest.fixture
    def server_loggers(self) -> Sequence[str]:
        """Loggers of your test server, which may log what it receives."""
        return ()

    def test_is_a_channel(self, channel: Channel) -> None:
        assert isinstance(channel, Channel)
        assert isinstance(channel.name, str)
        assert channel.name
        assert isinstance(channel.medium, Medium)

    def test_empty_batch_gives_no_report(self, channel: Channel) -> None:
        assert channel.deliver([]) == []

    def test_one_report_per_notification_in_order(
        self, channel: Channel, batch: list[Notification]
    ) -> None:
        reports = channel.deliver(batch)
        assert [r.account_id for r in reports] == [n.account_id for n in batch]
        assert all(isinstance(r, DeliveryReport) for r in reports)

    def test_delivers_a_valid_batch(self, channel: Channel, batch: list[Notification]) -> None:
        reports = channel.deliver(batch)
        assert [r.reason for r in reports if not r.delivered] == []

    def test_recipients_get_identifier_and_password(
        self, channel: Channel, batch: list[Notification], received: Received | None
    ) -> None:
        if received is None:
            pytest.skip("no `received` fixture: the channel's output is not inspected")
        channel.deliver(batch)
        texts = list(received())
        for notification in batch:
            assert any(notification.identifier in t for t in texts), notification.account_id
            if notification.password is not None:
                assert any(
                    notification.identifier in t and notification.password in t for t in texts
                ), f"{notification.account_id}: password not with its identifier"

    def test_password_never_in_reports_or_logs(
        self,
        channel: Channel,
        batch: list[Notification],
        undeliverable: Notification | None,
        server_loggers: Sequence[str],
        caplog: pytest.LogCaptureFixture,
    ) -> None:
        caplog.set_level(logging.DEBUG)
        everything = [*batch, *([undeliverable] if undeliverable else [])]
        reports = channel.deliver(everything)
        ours = [
            r.getMessage()
            for r in caplog.records
            if not any(r.name == s or r.name.startswith(f"{s}.") for s in server_loggers)
        ]
        for notification in everything:
            if notification.password is None:
                continue
            assert notification.password not in repr(notification)
            assert not any(notification.password in m for m in ours)
            for report in reports:
                assert notification.password not in (report.reason or "")
                assert notification.password not in (report.reference or "")

    def test_one_failure_does_not_stop_the_batch(
        self, channel: Channel, batch: list[Notification], undeliverable: Notification | None
    ) -> None:
        if undeliverable is None:
            pytest.skip("no `undeliverable` fixture: failures are not exercised")
        mixed = [batch[0], undeliverable, *batch[1:]]
        reports = channel.deliver(mixed)
        assert [r.account_id for r in reports] == [n.account_id for n in mixed]
        failed = reports[1]
        assert not failed.delivered
        assert failed.reason
        assert all(r.delivered for r in reports if r is not failed), reports

    def test_a_connection_lost_mid_batch_is_reported_as_failures(
        self,
        channel: Channel,
        batch: list[Notification],
        connection_loss: ConnectionLoss | None,
        received: Received | None,
    ) -> None:
        if connection_loss is None:
            pytest.skip("no `connection_loss` fixture: a lost connection is not exercised")
        connection_loss(1)
        result = deliver_batch(channel, batch, clock=_clock())
        reports = list(result.reports)
        assert [r.account_id for r in reports] == [n.account_id for n in batch]
        assert reports[0].delivered, f"sent before the connection was lost: {reports[0]}"
        after = reports[1:]
        assert not any(r.delivered for r in after), f"reported delivered after the loss: {after}"
        assert all(r.reason for r in after), "say why each one failed"
        assert [n.account_id for n in result.pending] == [r.account_id for r in after]
        assert not result.complete
        if received is not None:
            texts = list(received())
            for notification, report in zip(batch, reports, strict=True):
                got = any(notification.identifier in t for t in texts)
                assert got == report.delivered, f"{notification.account_id}: {report}"

    def test_deliver_batch_records_every_attempt(
        self, channel: Channel, batch: list[Notification]
    ) -> None:
        result = deliver_batch(channel, batch, clock=_clock())
        assert [r.account_id for r in result.records] == [n.account_id for n in batch]
        assert {r.channel for r in result.records} == {channel.name}
        assert [r.document_date for r in result.records] == [n.document_date for n in batch]
        assert result.complete

    def test_retry_delivers_only_what_failed(
        self, channel: Channel, batch: list[Notification], undeliverable: Notification | None
    ) -> None:
        if undeliverable is None:
            pytest.skip("no `undeliverable` fixture: failures are not exercised")
        spy = SpyChannel(channel)
        first = deliver_batch(spy, [*batch, undeliverable], clock=_clock())
        assert [n.account_id for n in first.pending] == [undeliverable.account_id]
        again = retry_failed(spy, first, clock=_clock())
        assert [n.account_id for n in spy.batches[-1]] == [undeliverable.account_id]
        assert [r.account_id for r in again.records] == [undeliverable.account_id]
