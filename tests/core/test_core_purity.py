"""``educonnect_core`` is a pure domain: it imports no adapter and does no I/O.

The modules are scanned with :mod:`ast` (nothing is executed): forbidden imports,
calls to ``open``, and reads of the wall clock or of global randomness. The shipped
testing kit (``educonnect_core/testing``) may use ``random`` and files (its contract
suites write fixtures for adapters); it may not import an adapter either.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import educonnect_core

CORE = Path(educonnect_core.__file__).resolve().parent
MODULES = sorted(CORE.rglob("*.py"))

#: Top-level modules the core must never import.
FORBIDDEN_IMPORTS = frozenset(
    {
        "educonnect_adapters",
        "sqlite3",
        "socket",
        "smtplib",
        "ssl",
        "urllib",
        "http",
        "httpx",
        "requests",
        "psycopg",
        "psycopg2",
        "subprocess",
        "asyncio",
        "aiosmtpd",
        "shutil",
        "tempfile",
        "fpdf",
        "pypdf",
        "lxml",
        "os",
        "sys",
        "secrets",
        "time",
    }
)
#: Allowed in the testing kit only.
TESTING_ONLY_IMPORTS = frozenset({"random", "tempfile", "os", "shutil"})

#: Calls the core must not make: attribute chains (suffixes) and bare names.
FORBIDDEN_CALL_SUFFIXES = (
    "datetime.now",
    "datetime.utcnow",
    "datetime.today",
    "date.today",
    "time.time",
    "time.monotonic",
    "time.perf_counter",
    "random.random",
    "Path.cwd",
    "read_text",
    "read_bytes",
    "write_text",
    "write_bytes",
    "os.environ.get",
    "os.getenv",
)
FORBIDDEN_NAMES = frozenset({"open", "input", "print", "exec", "eval", "__import__"})


def _in_testing(path: Path) -> bool:
    return "testing" in path.relative_to(CORE).parts


def _dotted(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    if isinstance(node, ast.Call):
        return _dotted(node.func)
    return "?"


def violations(path: Path) -> list[str]:
    label = str(path.relative_to(CORE.parent))
    return scan(path.read_text(encoding="utf-8"), label, testing=_in_testing(path))


def scan(source: str, label: str, *, testing: bool = False) -> list[str]:
    """The rules broken by ``source`` (a core module's text)."""
    tree = ast.parse(source, filename=label)
    allowed = TESTING_ONLY_IMPORTS if testing else frozenset()
    found: list[str] = []
    for node in ast.walk(tree):
        where = f"{label}:{getattr(node, 'lineno', '?')}"
        modules: list[str] = []
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules = [node.module]
        for module in modules:
            top = module.split(".")[0]
            if top == "random" and not testing:
                found.append(f"{where}: imports random (use the RandomSource port)")
            elif top in FORBIDDEN_IMPORTS and top not in allowed:
                found.append(f"{where}: imports {module}")
        if isinstance(node, ast.Call) and not testing:
            name = _dotted(node.func)
            if isinstance(node.func, ast.Name) and node.func.id in FORBIDDEN_NAMES:
                found.append(f"{where}: calls {node.func.id}()")
            elif any(name == s or name.endswith("." + s) for s in FORBIDDEN_CALL_SUFFIXES):
                found.append(f"{where}: calls {name}()")
    return found


def test_the_scan_sees_the_core() -> None:
    names = {p.name for p in MODULES}
    assert {"values.py", "states.py", "eligibility.py", "diagnosis.py"} <= names


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(CORE)))
def test_core_module_is_pure(path: Path) -> None:
    assert violations(path) == []


SAMPLE = """
import sqlite3
from educonnect_adapters.cli import main
import random
import datetime as dt
x = dt.datetime.now()
y = open("f")
z = dt.date.today()
w = clock.now()
"""


def test_the_scan_catches_what_it_should() -> None:
    found = scan(SAMPLE, "sample.py")
    assert len(found) == 6, found
    assert not any("clock.now" in f for f in found)


def test_the_testing_kit_may_use_random_but_not_adapters() -> None:
    found = scan(SAMPLE, "testing/sample.py", testing=True)
    assert len(found) == 2, found  # sqlite3 and the adapter
