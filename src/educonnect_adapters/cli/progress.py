"""Progress on a terminal: what the command is doing, how far, how long is left.

The command line's :class:`~educonnect_core.progress.Progress`: on standard
error, the running task on one line (its label, count, total and share when
known, time spent and, with a total, the time left), rewritten at most ten times a
second; each task that ends leaves one line with its count and time, so finished
tasks never keep moving. Off a terminal (a pipe, ``--json``, ``--no-progress``),
nothing is written.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Final, TextIO

import attrs

from educonnect_core.progress import TASKS

__all__ = ["TerminalProgress"]

_EVERY: Final = 0.1  # seconds between two drawings of the running line


@attrs.define
class _Task:
    label: str
    total: int | None
    started: float
    done: int = 0


class TerminalProgress:
    """Draws tasks on ``stream``; ``labels`` name tasks unknown to the library's."""

    def __init__(
        self,
        stream: TextIO,
        lang: str = "fr",
        *,
        labels: Mapping[str, tuple[str, str]] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._stream = stream
        self._en = lang == "en"
        self._labels = {**TASKS, **(labels or {})}
        self._clock = clock
        self._tasks: dict[str, _Task] = {}
        self._drawn = 0.0
        self._width = 0

    def begin(self, task: str, total: int | None = None) -> None:
        fr, en = self._labels.get(task, (task, task))
        self._tasks[task] = _Task(en if self._en else fr, total, self._clock())
        self._draw(self._tasks[task], force=True)

    def advance(self, task: str, count: int) -> None:
        current = self._tasks.get(task)
        if current is not None:
            current.done += count
            self._draw(current)

    def end(self, task: str) -> None:
        current = self._tasks.pop(task, None)
        if current is None:
            return
        spent = self._clock() - current.started
        done = current.done or current.total  # a task told only its total did it all
        count = f" : {_count(done, self._en)}" if done else ""
        self._line(f"✓ {current.label}{count} ({_seconds(spent)})")
        self._stream.write("\n")
        self._width = 0
        self._stream.flush()

    def _draw(self, task: _Task, *, force: bool = False) -> None:
        now = self._clock()
        if not force and now - self._drawn < _EVERY:
            return
        self._drawn = now
        spent = now - task.started
        text = f"… {task.label} : {_count(task.done, self._en)}"
        if task.total:
            share = min(task.done / task.total, 1.0)
            text += f" / {_count(task.total, self._en)} ({share:.0%})"
            if 0 < task.done < task.total:
                left = spent / task.done * (task.total - task.done)
                text += (", about " if self._en else ", reste environ ") + _seconds(left)
        text += f" — {_seconds(spent)}"
        self._line(text)
        self._stream.flush()

    def _line(self, text: str) -> None:
        """Rewrite the current line with ``text`` (spaces clear a longer one)."""
        self._stream.write("\r" + text.ljust(self._width))
        self._width = len(text)


def _count(n: int, en: bool) -> str:
    text = f"{n:,}"
    return text if en else text.replace(",", "\u202f")  # French: a narrow no-break space


def _seconds(value: float) -> str:
    if value < 60:
        return f"{value:.1f} s"
    minutes, seconds = divmod(int(value), 60)
    return f"{minutes} min {seconds:02d} s"
