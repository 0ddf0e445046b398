"""Sign-in feeds as JSON Lines: one claim set per line, as a service logs them.

See :mod:`educonnect_adapters.jsonl.feed` for the line formats.
"""

from .feed import JsonLinesFeed

__all__ = ["JsonLinesFeed"]
