"""Plugin registration of the ``paper`` channel (entry point ``paper``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from educonnect_core.channels import Channel
from educonnect_core.errors import PluginError
from educonnect_core.hookspecs import hookimpl

__all__ = ["educonnect_channel_names", "educonnect_open_channel"]

NAME = "paper"


@hookimpl
def educonnect_channel_names() -> Sequence[str]:
    return (NAME,)


@hookimpl
def educonnect_open_channel(name: str, settings: Mapping[str, str]) -> Channel | None:
    if name != NAME:
        return None
    try:
        import fpdf  # noqa: F401
    except ImportError:
        raise PluginError(
            "the paper channel needs the PDF library fpdf2: pip install 'educonnect[pdf]'"
        ) from None
    from .channel import PaperChannel
    from .settings import PaperSettings

    return PaperChannel(PaperSettings.from_mapping(settings))
