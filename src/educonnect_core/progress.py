"""How far a long job is: a port the synchronisation reports to, and a null object.

A caller that shows progress (the command line on a terminal) gives a
:class:`Progress`; the library names its tasks (:data:`TASKS`) and says when each
begins (with its total when known), advances and ends. Nothing is shown by
default (:data:`NO_PROGRESS`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Final, Protocol, TypeVar

__all__ = ["NO_PROGRESS", "TASKS", "NoProgress", "Progress", "tracked"]

T = TypeVar("T")

#: The tasks of a synchronisation, in order, with their labels (French, English).
TASKS: Final = {
    "eleves": ("élèves lus", "students read"),
    "responsables": ("responsables lus", "responsables read"),
    "links": ("rattachements lus", "links read"),
    "plan": ("comptes comparés à la base", "accounts compared with the store"),
    "write": ("écritures dans la base", "written to the store"),
}
#: How many items pass between two reports of a stream (reports cost little, not nothing).
STEP: Final = 500


class Progress(Protocol):
    """Told of each task: ``begin`` (``total`` when known), ``advance``, ``end``."""

    def begin(self, task: str, total: int | None = None) -> None: ...

    def advance(self, task: str, count: int) -> None: ...

    def end(self, task: str) -> None: ...


class NoProgress:
    """Shows nothing."""

    def begin(self, task: str, total: int | None = None) -> None:
        pass

    def advance(self, task: str, count: int) -> None:
        pass

    def end(self, task: str) -> None:
        pass


NO_PROGRESS: Final = NoProgress()


def tracked(
    progress: Progress, task: str, items: Iterable[T], total: int | None = None
) -> Iterator[T]:
    """``items``, reported to ``progress`` as ``task`` every :data:`STEP` items."""
    progress.begin(task, total)
    step = 0
    for item in items:
        step += 1
        if step == STEP:
            progress.advance(task, step)
            step = 0
        yield item
    progress.advance(task, step)
    progress.end(task)
