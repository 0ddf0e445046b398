"""Output fits the terminal: ``COLUMNS=80`` gives no line over 80 characters, nothing
cut (cells and prose wrap); in a pipe, one line per row as before."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from educonnect_adapters.cli.layout import MIN_COLUMN, table_lines, wrap_prose

from .cli_run import Run
from .school_files import INES, JEAN

WORD = st.text(alphabet="abcdéèàçXYZ", min_size=1, max_size=MIN_COLUMN)
CELL = st.lists(WORD, max_size=6).map(" ".join)


@given(
    st.integers(1, 5).flatmap(
        lambda n: st.tuples(
            st.lists(WORD, min_size=n, max_size=n),
            st.lists(st.lists(CELL, min_size=n, max_size=n), max_size=5),
        )
    ),
    st.integers(60, 120),
)
def test_a_table_fits_and_loses_no_word(
    table: tuple[list[str], list[list[str]]], width: int
) -> None:
    headers, rows = table
    lines = table_lines(headers, rows, width)
    assert all(len(line) <= width for line in lines)
    words = [w for cell in (*headers, *(c for row in rows for c in row)) for w in cell.split()]
    shown = [w for w in " ".join(lines).split() if set(w) != {"-"}]  # but the rule
    assert sorted(shown) == sorted(words)


def test_prose_keeps_its_list_indent() -> None:
    text = "  2. " + "mot " * 40
    lines = wrap_prose(text, 40).splitlines()
    assert all(len(line) <= 40 for line in lines)
    assert lines[0].startswith("  2. mot")
    assert all(line.startswith("     mot") for line in lines[1:])


@pytest.mark.usefixtures("imported")
@pytest.mark.parametrize(
    "command",
    [("stats",), ("accounts",), ("accounts", "--blocked"), ("diagnose", INES), ("account", JEAN)],
)
def test_every_line_fits_80_columns(
    cli: Run, monkeypatch: pytest.MonkeyPatch, command: tuple[str, ...], workdir: Path
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    result = cli(*command)
    assert result.code == 0, result.err
    too_long = [line for line in result.out.splitlines() if len(line) > 80]
    assert not too_long, too_long


@pytest.mark.usefixtures("imported")
def test_a_pipe_keeps_one_line_per_row(cli: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COLUMNS", raising=False)
    out = cli("stats").out
    assert any(len(line) > 80 for line in out.splitlines())  # the remedies, whole
