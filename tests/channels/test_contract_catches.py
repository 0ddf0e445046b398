"""The channel contract catches a planted bug: a channel that reports as delivered
what it could not send once its connection was lost mid-batch."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from educonnect_core.channels import DeliveryReport, Medium, Notification
from educonnect_core.testing.channel_contract import ChannelContract, sample_batch


class Wired:
    """A channel on a wire that can be cut: after the cut nothing goes through."""

    name = "wired"
    medium = Medium.EMAIL

    def __init__(self) -> None:
        self.sent: list[str] = []
        self.cut_after: int | None = None

    def _up(self) -> bool:
        return self.cut_after is None or len(self.sent) < self.cut_after

    def deliver(self, batch: Sequence[Notification]) -> list[DeliveryReport]:
        reports = []
        for notification in batch:
            if self._up():
                self.sent.append(f"{notification.identifier} {notification.password}")
                reports.append(DeliveryReport.ok(notification.account_id))
            else:
                reports.append(self._lost(notification))
        return reports

    def _lost(self, notification: Notification) -> DeliveryReport:
        return DeliveryReport.failed(notification.account_id, "connexion perdue")

    def cut(self, after: int) -> None:
        self.cut_after = len(self.sent) + after


class Optimistic(Wired):
    """The planted bug: a lost connection is not noticed, every send "succeeded"."""

    def _lost(self, notification: Notification) -> DeliveryReport:
        return DeliveryReport.ok(notification.account_id)


def _check(channel: Wired) -> None:
    ChannelContract().test_a_connection_lost_mid_batch_is_reported_as_failures(
        channel, sample_batch(channel.medium), channel.cut, lambda: channel.sent
    )


def test_a_channel_reporting_success_for_a_lost_connection_fails_the_contract() -> None:
    with pytest.raises(AssertionError, match="reported delivered after the loss"):
        _check(Optimistic())


def test_a_channel_reporting_the_loss_passes() -> None:
    _check(Wired())
