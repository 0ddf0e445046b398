"""Plugin registration of the ``jsonl`` sign-in feed (entry point ``jsonl``)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from educonnect_core.hookspecs import hookimpl
from educonnect_core.ports import SignInFeed

from .feed import KIND, JsonLinesFeed, looks_like_jsonl

__all__ = ["educonnect_open_sign_in_feed", "educonnect_sign_in_feed_kinds"]


@hookimpl
def educonnect_sign_in_feed_kinds() -> Sequence[str]:
    return (KIND,)


@hookimpl
def educonnect_open_sign_in_feed(path: Path) -> SignInFeed | None:
    return JsonLinesFeed(path) if looks_like_jsonl(path) else None
