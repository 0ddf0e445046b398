"""Text for a terminal: control characters made visible, so that data cannot drive it.

A name read from an export may hold an escape sequence (``ESC [ 2 J`` clears the
screen, ``ESC ] 52`` writes the clipboard, ``ESC ] 8`` forges a link) or a bidi
override that shows ``gpj.exe`` as ``exe.jpg``. Every human output of the commands
that print data goes through :func:`visible`: C0 controls but tab and line feed,
DEL, C1 controls and the bidi controls become ``\\x1b``-style escapes. JSON output is
left alone (JSON escapes control characters itself; a bidi control stays as data).
"""

from __future__ import annotations

import contextlib
import io
import re
import sys
from collections.abc import Iterator
from typing import Final, TextIO

__all__ = ["UNSAFE", "guarded_stdout", "visible"]

#: C0 but tab and line feed, DEL, C1; ALM, LRM, RLM, the bidi embeddings, overrides
#: and isolates (U+202A–U+202E, U+2066–U+2069).
UNSAFE: Final = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """``text`` with every :data:`UNSAFE` character written as an escape (``\\x1b``,
    ``\\u202e``); tab and line feed are kept, they lay the output out."""
    return UNSAFE.sub(_escape, text)


class _Visible(io.TextIOBase):
    """A text stream writing :func:`visible` text to another."""

    def __init__(self, target: TextIO) -> None:
        super().__init__()
        self._target = target

    def write(self, text: str) -> int:
        self._target.write(visible(text))
        return len(text)

    def flush(self) -> None:
        self._target.flush()


@contextlib.contextmanager
def guarded_stdout() -> Iterator[None]:
    """Within the block, what is printed to ``sys.stdout`` goes through :func:`visible`."""
    stream = _Visible(sys.stdout)
    with contextlib.redirect_stdout(stream):
        yield
