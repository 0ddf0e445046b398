"""The documentation follows the code: state diagram, blocker table, hook contracts.

Run this file as a script to print the state diagram generated from the table:
``python tests/core/test_core_docs.py``.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import educonnect_core
from educonnect_core import hookspecs
from educonnect_core.blockers import CATALOGUE, BlockerCode
from educonnect_core.states import TRANSITIONS, AccountState, Event

DOCS = Path(__file__).resolve().parents[2] / "docs"


def mermaid_diagram() -> str:
    """The Mermaid state diagram of :data:`educonnect_core.states.TRANSITIONS`."""
    lines = ["stateDiagram-v2", f"    [*] --> {AccountState.NOT_ACTIVATED.value}"]
    for t in TRANSITIONS:
        label = t.event.value
        if t.guard_doc:
            label += f" [{t.guard.__name__.strip('_').replace('_', ' ')}]"
        lines.append(f"    {t.source.value} --> {t.target.value}: {label}")
    return "\n".join(lines)


def _fenced_blocks(text: str, language: str) -> list[str]:
    return [m.strip() for m in re.findall(rf"```{language}\n(.*?)```", text, flags=re.S)]


def test_state_diagram_in_the_doc_is_generated_from_the_table() -> None:
    text = (DOCS / "states.md").read_text(encoding="utf-8")
    blocks = _fenced_blocks(text, "mermaid")
    assert blocks, "docs/states.md has no mermaid block"
    assert blocks[0] == mermaid_diagram(), (
        "docs/states.md is stale: paste the output of python tests/core/test_core_docs.py"
    )


def test_states_doc_names_every_state_event_and_guard() -> None:
    text = (DOCS / "states.md").read_text(encoding="utf-8")
    for state in AccountState:
        assert f"`{state.value}`" in text, state
        assert state.label_fr in text, state
    for event in Event:
        assert f"`{event.value}`" in text, event
    for t in TRANSITIONS:
        if t.guard_doc:
            assert t.guard_doc in text, t.guard_doc


def test_eligibility_doc_lists_every_blocker_code() -> None:
    text = (DOCS / "eligibility.md").read_text(encoding="utf-8")
    rows = {
        line.split("|")[1].strip().strip("`")
        for line in text.splitlines()
        if line.startswith("| `")
    }
    assert rows >= {code.value for code in BlockerCode}
    for code, info in CATALOGUE.items():
        assert info.source.split(" (")[0].split(",")[0] in text, code
        assert info.remedy_fr in text, f"docs/eligibility.md: stale French remedy of {code}"
        assert info.remedy_en in text, f"docs/eligibility.md: stale English remedy of {code}"


def _core_namespace() -> dict[str, object]:
    names: dict[str, object] = {}
    for info in pkgutil.walk_packages(educonnect_core.__path__, "educonnect_core."):
        if ".testing" in info.name:
            continue
        module = importlib.import_module(info.name)
        names.update({k: v for k, v in vars(module).items() if not k.startswith("_")})
    return names


def test_glossary_code_names_exist() -> None:
    """Every ``Class`` or ``Class.member`` the glossary names is a real core name."""
    text = (DOCS / "glossary.md").read_text(encoding="utf-8")
    namespace = _core_namespace()
    checked = 0
    for ref in re.findall(r"`([A-Z][A-Za-z]*(?:\.[A-Za-z_]+)*)`", text):
        head, *rest = ref.split(".")
        if ref.isupper() and head not in namespace:
            continue  # a SIECLE element name (`PERSONNE`, `CODE_MEF`…), not code
        assert head in namespace, f"docs/glossary.md names {ref!r}: no {head} in educonnect_core"
        target = namespace[head]
        for attr in rest:
            assert hasattr(target, attr), f"docs/glossary.md names {ref!r}: no {attr}"
            target = getattr(target, attr)
        checked += 1
    assert checked > 30


def _hookspecs() -> list[ast.FunctionDef]:
    tree = ast.parse(inspect.getsource(hookspecs))
    return [
        node
        for node in tree.body
        if isinstance(node, ast.FunctionDef)
        and any("hookspec" in ast.unparse(d) for d in node.decorator_list)
    ]


def test_there_are_hookspecs_and_all_are_prefixed() -> None:
    specs = _hookspecs()
    assert specs
    for node in specs:
        assert node.name.startswith("educonnect_"), node.name


def test_every_hookspec_has_a_contract_section() -> None:
    for node in _hookspecs():
        doc = ast.get_docstring(node)
        assert doc, f"{node.name} has no docstring"
        assert re.search(r"^\s*Contract\b", doc, flags=re.M), f"{node.name}: no 'Contract' section"


def test_every_hookspec_is_documented_in_hooks_md() -> None:
    text = (DOCS / "hooks.md").read_text(encoding="utf-8")
    for node in _hookspecs():
        assert f"## `{node.name}`" in text, f"docs/hooks.md lacks a section for {node.name}"
        assert f"def {node.name}(" in text, f"docs/hooks.md lacks the signature of {node.name}"


def test_index_links_the_core_pages() -> None:
    text = (DOCS / "index.md").read_text(encoding="utf-8")
    for page in ("glossary.md", "states.md", "eligibility.md", "decisions.md", "hooks.md"):
        assert f"({page})" in text, page
        assert (DOCS / page).is_file(), page


if __name__ == "__main__":
    print("```mermaid")
    print(mermaid_diagram())
    print("```")
