"""Plugin registration of the ``sms`` channel (entry point ``sms``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from educonnect_core.channels import Channel
from educonnect_core.hookspecs import hookimpl

from .channel import SmsChannel
from .settings import SmsSettings

__all__ = ["educonnect_channel_names", "educonnect_open_channel"]

NAME = "sms"


@hookimpl
def educonnect_channel_names() -> Sequence[str]:
    return (NAME,)


@hookimpl
def educonnect_open_channel(name: str, settings: Mapping[str, str]) -> Channel | None:
    if name != NAME:
        return None
    return SmsChannel(SmsSettings.from_mapping(settings))
