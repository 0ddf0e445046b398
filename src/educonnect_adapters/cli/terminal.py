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

from .layout import output_width, wrap_prose

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
    """A text stream writing :func:`visible` text to another, each line wrapped to
    ``width`` when one is given (:func:`~.layout.wrap_prose`)."""

    def __init__(self, target: TextIO, width: int | None = None) -> None:
        super().__init__()
        self._target = target
        self._width = width
        self._pending = ""

    def write(self, text: str) -> int:
        if self._width is None:
            self._target.write(visible(text))
            return len(text)
        *lines, self._pending = (self._pending + text).split("\n")
        for line in lines:
            self._target.write(wrap_prose(visible(line), self._width) + "\n")
        return len(text)

    def flush(self) -> None:
        self._target.flush()

    def finish(self) -> None:
        """Write what is left of an unfinished line."""
        if self._pending:
            self._target.write(wrap_prose(visible(self._pending), self._width))
            self._pending = ""
        self._target.flush()

    def isatty(self) -> bool:
        return self._target.isatty()


@contextlib.contextmanager
def guarded_stdout() -> Iterator[None]:
    """Within the block, what is printed to ``sys.stdout`` goes through :func:`visible`,
    its lines wrapped to the terminal's width (or ``COLUMNS``)."""
    stream = _Visible(sys.stdout, output_width(sys.stdout))
    try:
        with contextlib.redirect_stdout(stream):
            yield
    finally:
        stream.finish()
