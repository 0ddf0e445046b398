"""Delivery history: which channel carried which notification, when, and how it went."""

from __future__ import annotations

import datetime as dt

import attrs

__all__ = ["DeliveryRecord"]


@attrs.frozen
class DeliveryRecord:
    """One attempt to deliver one notification of one account."""

    account_id: str
    channel: str
    at: dt.datetime
    delivered: bool
    reason: str | None = None
    document_date: dt.date | None = None
    batch_id: str | None = None
