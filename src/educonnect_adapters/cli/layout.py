"""Output laid out for the width it is read in: tables and prose that fit.

The width is ``COLUMNS`` when set (``COLUMNS=80 educonnect stats``), else the
terminal's; output to a pipe or a file is not limited (one line per row, for
``grep`` and ``cut``). A table too wide gives its widest columns less room and
wraps their cells over several lines, never cutting a word of a remedy; prose
(the help-desk answer) wraps with its indentation kept.
"""

from __future__ import annotations

import os
import shutil
import textwrap
from collections.abc import Sequence
from typing import Final, TextIO

__all__ = ["fit_widths", "output_width", "table_lines", "wrap_prose"]

#: A column is never given less room than this (or its longest word, if shorter).
MIN_COLUMN: Final = 8
_GAP: Final = 2


def output_width(stream: TextIO) -> int | None:
    """The width to fit, or ``None`` when output goes to a pipe or a file."""
    raw = os.environ.get("COLUMNS", "").strip()
    if raw.isdigit() and int(raw) > 0:
        return int(raw)
    isatty = getattr(stream, "isatty", None)
    if isatty is not None and isatty():
        return shutil.get_terminal_size().columns
    return None


def fit_widths(
    natural: Sequence[int], width: int | None, words: Sequence[int] | None = None
) -> list[int]:
    """Column widths within ``width``: the widest columns shrink first, down to their
    longest word (``words``), then, if still too wide, to :data:`MIN_COLUMN` (a table
    that cannot fit keeps those minimums)."""
    widths = list(natural)
    if width is None:
        return widths
    room = width - _GAP * (len(widths) - 1)
    for floors in (words or [MIN_COLUMN] * len(widths), [MIN_COLUMN] * len(widths)):
        while sum(widths) > room:
            shrinkable = [i for i, w in enumerate(widths) if w > max(floors[i], MIN_COLUMN)]
            if not shrinkable:
                break
            widest = max(shrinkable, key=lambda i: widths[i])
            widths[widest] -= 1
    return widths


def table_lines(
    headers: Sequence[str], rows: Sequence[Sequence[str]], width: int | None
) -> list[str]:
    """An aligned text table, fitted to ``width`` (cells wrap, never cut)."""
    natural = [len(h) for h in headers]
    words = [_longest_word(h) for h in headers]
    for row in rows:
        natural = [max(w, len(c)) for w, c in zip(natural, row, strict=True)]
        words = [max(w, _longest_word(c)) for w, c in zip(words, row, strict=True)]
    widths = fit_widths(natural, width, words)
    lines = _row_lines(headers, widths)
    lines.append("  ".join("-" * w for w in widths))
    for row in rows:
        lines.extend(_row_lines(row, widths))
    return lines


def _longest_word(text: str) -> int:
    return max((len(word) for word in text.split()), default=0)


def _row_lines(cells: Sequence[str], widths: Sequence[int]) -> list[str]:
    wrapped = [
        textwrap.wrap(c, w, break_on_hyphens=False) or [""] if len(c) > w else [c]
        for c, w in zip(cells, widths, strict=True)
    ]
    height = max(len(parts) for parts in wrapped)
    return [
        "  ".join(
            (parts[i] if i < len(parts) else "").ljust(w)
            for parts, w in zip(wrapped, widths, strict=True)
        ).rstrip()
        for i in range(height)
    ]


def wrap_prose(text: str, width: int | None) -> str:
    """Each line of ``text`` wrapped to ``width``, its continuation lines indented
    under its text (after a list number such as ``  2. ``)."""
    if width is None:
        return text
    out: list[str] = []
    for line in text.splitlines():
        body = line.lstrip()
        indent = line[: len(line) - len(body)]
        marker = (
            body.split(" ", 1)[0]
            if body[:1].isdigit() and body.split(" ", 1)[0].endswith(".")
            else ""
        )
        hanging = indent + " " * (len(marker) + 1 if marker else 0)
        out.extend(
            textwrap.wrap(
                line, width, initial_indent="", subsequent_indent=hanging, break_on_hyphens=False
            )
            or [""]
        )
    return "\n".join(out)
