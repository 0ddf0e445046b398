"""Progress on a terminal: every task of an import shown from its start, with its
total and the time left when known; a finished task leaves one still line."""

from __future__ import annotations

import io
from pathlib import Path

from educonnect_adapters.cli.progress import TerminalProgress
from educonnect_core.plugins import Plugins
from educonnect_core.sources import ReadOptions
from educonnect_core.sync import SyncOptions, synchronise


class Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple[str, str, int | None]] = []

    def begin(self, task: str, total: int | None = None) -> None:
        self.calls.append(("begin", task, total))

    def advance(self, task: str, count: int) -> None:
        self.calls.append(("advance", task, count))

    def end(self, task: str) -> None:
        self.calls.append(("end", task, None))


def test_the_synchronisation_reports_every_task_in_order(export: list[Path]) -> None:
    plugins = Plugins.installed()
    recorder = Recorder()
    with (
        plugins.open_store("memory://") as store,
        plugins.open_source(export, ReadOptions()) as reader,
    ):
        at = reader.school.exported_at
        assert at is not None
        synchronise(store, reader, at, SyncOptions(progress=recorder))
    begun = [task for kind, task, _ in recorder.calls if kind == "begin"]
    ended = [task for kind, task, _ in recorder.calls if kind == "end"]
    assert begun == ended == ["eleves", "responsables", "links", "plan", "write"]
    write_total = next(t for k, task, t in recorder.calls if k == "begin" and task == "write")
    written = sum(n or 0 for k, task, n in recorder.calls if k == "advance" and task == "write")
    assert write_total == written > 0


def test_a_terminal_sees_totals_the_time_left_and_still_finished_lines() -> None:
    now = [0.0]
    out = io.StringIO()
    progress = TerminalProgress(out, "fr", clock=lambda: now[0])
    progress.begin("write", 1000)
    now[0] = 2.0
    progress.advance("write", 250)
    assert "250 / 1\u202f000 (25%), reste environ 6.0 s — 2.0 s" in out.getvalue()
    now[0] = 8.0
    progress.advance("write", 750)
    progress.end("write")
    last = out.getvalue().rsplit("\r", 1)[1]
    assert last.startswith("✓ écritures dans la base : 1\u202f000 (8.0 s)")
    assert last.endswith("\n")
    progress.begin("eleves")  # no total: a count and the time spent
    assert out.getvalue().rsplit("\r", 1)[1].startswith("… élèves lus : 0 — 0.0 s")


def test_a_task_without_counts_ends_with_its_time_only() -> None:
    out = io.StringIO()
    progress = TerminalProgress(out, "en", labels={"open": ("ouverture", "opening")})
    progress.begin("open")
    progress.end("open")
    assert out.getvalue().rsplit("\r", 1)[1].startswith("✓ opening (")
    progress.begin("plan", 40)
    progress.end("plan")
    assert "✓ accounts compared with the store : 40 (" in out.getvalue()
