"""The ports say everything adapters are given and offer (issue 17): ``as_of`` on
the source options, ``files`` and ``close`` on readers, readers and stores as
context managers, so that nothing in the project reaches a port with ``getattr``."""

from __future__ import annotations

import ast
from pathlib import Path

from educonnect_core.ports import ClosedOnExit, ExportReader
from educonnect_core.testing.storage_contract import SyntheticExport

SRC = Path(__file__).resolve().parents[2] / "src"
#: names under which the project holds a port's object
PORT_NAMES = {"options", "reader", "store", "channel", "feed", "_options", "_reader", "_store"}


def test_a_reader_closes_on_exit_and_says_its_files() -> None:
    closed: list[bool] = []

    class Recording(SyntheticExport):
        def close(self) -> None:
            closed.append(True)

    reader = Recording(3)
    assert isinstance(reader, ExportReader)
    with reader as entered:
        assert entered is reader
        assert list(reader.files) == []
    assert closed == [True]


def test_closed_on_exit_closes_on_an_error_too() -> None:
    closed: list[bool] = []

    class Holder(ClosedOnExit):
        def close(self) -> None:
            closed.append(True)

    try:
        with Holder():
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    assert closed == [True]


def _getattr_on_ports(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "getattr"):
            continue
        target = node.args[0] if node.args else None
        name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", None)
        if name in PORT_NAMES:
            found.append(f"{path.relative_to(SRC)}:{node.lineno}")
    return found


def test_no_getattr_on_a_port_in_the_project() -> None:
    found = [hit for path in sorted(SRC.rglob("*.py")) for hit in _getattr_on_ports(path)]
    assert found == [], "say it in the port's Protocol instead"
