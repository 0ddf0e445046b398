"""Text that lost its letters on the way: mojibake, replacement characters, a
``?`` where a letter was, control characters. Such names print on the letters
handed to families; the export reports them (finding ``SUSPICIOUS_NAME``)."""

from __future__ import annotations

import re
from typing import Final

__all__ = ["garbled"]

#: UTF-8 read as Latin-1 / Windows-1252: Ã© (é), Ã¨ (è), Ã§ (ç), Ã‰ (É), â€™ (’),
#: Â followed by a symbol or a no-break space
_MOJIBAKE: Final = re.compile(
    "Ã[\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u02c6\u02dc\u2013-\u2122]"
    "|â€"
    "|Â[\u00a0-\u00bf]"
)
_LOST: Final = re.compile(r"\ufffd|(?<=\w)\?|\?(?=\w)")
_CONTROL: Final = re.compile("[\x00-\x1f\x7f-\x9f]")


def garbled(text: str) -> str | None:
    """Why ``text`` looks damaged, or ``None``."""
    if _MOJIBAKE.search(text):
        return "looks like UTF-8 read in another encoding (mojibake)"
    if _LOST.search(text):
        return "a letter seems lost (a replacement character or '?')"
    if _CONTROL.search(text):
        return "holds control characters"
    return None
