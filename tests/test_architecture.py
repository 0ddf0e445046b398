"""An adapter imports the core and, where it is a SQL store, the shared ``sql``
package: never another adapter (the rule of docs/explanation/data-flow.md)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ADAPTERS = Path(__file__).resolve().parent.parent / "src" / "educonnect_adapters"
#: shared packages that register no plugin, and who may import them
SHARED = {"sql": {"sqlite", "postgres"}, "system": None}


def _imports(path: Path, package: str) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:  # relative: stays in the package unless it climbs out
                if node.level > 1 and node.module:
                    found.add(node.module.split(".")[0])
                continue
            names = [node.module or ""]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        for name in names:
            parts = name.split(".")
            if parts[0] == "educonnect_adapters" and len(parts) > 1 and parts[1] != package:
                found.add(parts[1])
    return found


PACKAGES = sorted(p.name for p in ADAPTERS.iterdir() if (p / "__init__.py").exists())


@pytest.mark.parametrize("package", PACKAGES)
def test_an_adapter_imports_no_other_adapter(package: str) -> None:
    offending = {}
    for path in sorted((ADAPTERS / package).rglob("*.py")):
        for other in _imports(path, package):
            allowed = SHARED.get(other, set())
            if other in SHARED and (allowed is None or package in allowed):
                continue
            offending[str(path.relative_to(ADAPTERS))] = other
    assert offending == {}
