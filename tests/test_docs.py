"""The documentation is tested: its examples run, and its code tables are complete.

* Every fenced ``python`` block of ``docs/**/*.md`` runs, in order, one namespace
  per page, in a fresh working folder holding the example export
  (``examples/college-demo/*.zip``). A block with a ``title="name.ext"`` (of any
  language) is written to that file instead of being run; a titled
  ``test_*.py`` file is then run with pytest in a subprocess (the contract
  suites of the how-to guides). In the pages we own, each line of a ``sh``
  block that starts with ``educonnect`` runs too, in the same folder, through
  :func:`educonnect_adapters.cli.main.main`, and must exit 0.
* A page whose examples use a few names they do not define (``store``,
  ``reader``, ``clock``, an SMTP server) gets them from :data:`PRELUDES`
  (and :data:`CLEANUPS` stops what a prelude started). Pages whose examples
  are fragments of a larger program are listed in :data:`FRAGMENTS` with the
  reason: their blocks must still compile, and the test says they were not run.
* Every example passes ``mypy --strict`` (the project's configuration): per page,
  one module made of its prelude and its untitled ``python`` blocks in order, and
  its titled ``.py`` files, all checked in one run; errors name ``docs/PAGE:LINE``.
  The missing import of a library neither installed nor typed is forgiven
  (:data:`UNTYPED_LIBRARIES`), and a page of declarations has the codes they
  raise disabled (:data:`MYPY_DISABLED`), each with the reason.
* Every blocker code, every finding code the SIECLE and ONDE adapters can
  report, and every public module of ``educonnect_core`` appear in the docs.

(Hooks: ``tests/core/test_core_docs.py`` already fails when a hook is missing
from ``docs/hooks.md``.)
"""

from __future__ import annotations

import ast
import contextlib
import importlib.util
import os
import pkgutil
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Final

import attrs
import pytest

import educonnect_adapters.onde
import educonnect_core
from educonnect_adapters.cli.main import main as cli_main
from educonnect_adapters.siecle.codes import FINDINGS as SIECLE_FINDINGS
from educonnect_core.blockers import CATALOGUE, BlockerCode

ROOT: Final = Path(__file__).resolve().parents[1]
DOCS: Final = ROOT / "docs"
EXAMPLE: Final = ROOT / "examples" / "college-demo"

#: Pages written as runnable walk-throughs: their ``educonnect`` command lines run too.
OWN_PAGES: Final = frozenset(
    {
        "tutorial.md",
        "howto/embed.md",
        "howto/source-adapter.md",
        "howto/channel-adapter.md",
        "howto/storage-adapter.md",
        "howto/property-tests.md",
        "howto/feed-sign-ins.md",
    }
)

#: Pages whose ``python`` blocks are fragments of a larger program (they use
#: names such as ``store`` or a test server that the page does not define):
#: compiled, not run.
FRAGMENTS: Final[dict[str, str]] = {}

#: An invented student 1001 of school 0990007V (the id the reference pages use),
#: a fixed clock, seeded randomness and an audit event.
_STUDENT_1001: Final = """
import datetime as dt
from zoneinfo import ZoneInfo
from educonnect_core.audit import AuditEvent, Outcome
from educonnect_core.people import Eleve, School
from educonnect_core.plugins import Plugins
from educonnect_core.states import Event
from educonnect_core.storage import Store
from educonnect_core.sync import Export, synchronise
from educonnect_core.testing.fakes import FixedClock, SeededRandom
from educonnect_core.values import Uai
uai = Uai.parse("0990007V")
clock = FixedClock(dt.datetime(2026, 1, 12, 15, 0, tzinfo=ZoneInfo("Europe/Paris")))
now, random = clock.now(), SeededRandom(1)
event = AuditEvent(now, "ce-0001", "chef_etablissement", "administrative_network",
                   "deactivate", Outcome.ALLOWED, "E-0990007V-1001", "0990007V")

def _with_student_1001(url: str) -> Store:
    eleve = Eleve.from_raw(eleve_id="1001", last_name="BERTIN", first_name="Zoé",
                           birth_date="14/05/2012", division="4A")
    seeded = Plugins.installed().open_store(url)
    synchronise(seeded, Export.of(School(uai, 2025, now), [eleve], [], []), now)
    return seeded
"""

#: Names a page's examples use without defining them, given here so that the
#: examples run as they are (the demo export or an invented student, a store,
#: a fixed clock).
PRELUDES: Final[dict[str, str]] = {
    "administration.md": _STUDENT_1001 + 'store = _with_student_1001("memory://")\n',
    "channels.md": """
import datetime as dt
import socket
from zoneinfo import ZoneInfo
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Sink
from educonnect_core.channels import Medium
from educonnect_core.plugins import Plugins
from educonnect_core.testing.channel_contract import sample_batch
from educonnect_core.testing.fakes import FixedClock
with socket.socket() as _probe:
    _probe.bind(("127.0.0.1", 0))
    _port = _probe.getsockname()[1]
_smtp = Controller(Sink(), hostname="127.0.0.1", port=_port)
_smtp.start()
settings = {"host": "127.0.0.1", "port": str(_port), "security": "none",
            "sender": "college@example.org"}
notifications = sample_batch(Medium.EMAIL)
store = Plugins.installed().open_store("memory://")
clock = FixedClock(dt.datetime(2026, 1, 12, 15, 0, tzinfo=ZoneInfo("Europe/Paris")))
""",
    "onde.md": "from educonnect_adapters.onde import LegalPolicy, OndeSource\n"
    "from educonnect_core.plugins import Plugins\n",
    "storage.md": _STUDENT_1001
    + '_with_student_1001("sqlite:///school.db").close()\n'
    + """
class MyStore:
    \"\"\"Stands for the reader's own store (here the memory store).\"\"\"

    @staticmethod
    def open(url: str) -> Store:
        return Plugins.installed().open_store("memory://")
""",
    "sync.md": """
import datetime as dt
from pathlib import Path
from types import ModuleType
from zoneinfo import ZoneInfo
from educonnect_core.plugins import Plugins
from educonnect_core.testing.fakes import FixedClock
plugins = Plugins.installed()
reader = plugins.open_source(sorted(Path(".").glob("ExportXML_*.zip")))
store = plugins.open_store("memory://")
clock = FixedClock(dt.datetime(2026, 1, 12, 15, 0, tzinfo=ZoneInfo("Europe/Paris")))
""",
}

#: Run after a page's examples, even when one failed (servers started by a prelude).
CLEANUPS: Final[dict[str, str]] = {"channels.md": "_smtp.stop()\n"}

_FENCE: Final = re.compile(
    r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<info>[^\n`]*)\n"
    r"(?P<body>.*?)^(?P=indent)(?P=fence)[ \t]*$",
    re.S | re.M,
)
_TITLE: Final = re.compile(r"""title=["']([^"']+)["']""")
_CODE: Final = re.compile(r"\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b|\b[A-Z]{4,}\b")


@attrs.frozen
class Block:
    """One fenced block of a page."""

    page: str
    line: int
    language: str
    title: str | None
    text: str


def blocks_of(page: Path) -> list[Block]:
    text = page.read_text(encoding="utf-8")
    name = page.relative_to(DOCS).as_posix()
    found = []
    for match in _FENCE.finditer(text):
        info = match["info"].strip()
        language = info.split()[0].lstrip("{.").rstrip("}") if info else ""
        title = _TITLE.search(info)
        indent = len(match["indent"])
        body = "\n".join(line[indent:] for line in match["body"].splitlines())
        found.append(
            Block(
                name,
                text.count("\n", 0, match.start()) + 1,
                language,
                title[1] if title else None,
                body + "\n",
            )
        )
    return found


def _pages() -> list[Path]:
    return sorted(DOCS.rglob("*.md"))


def _pages_with_code() -> list[str]:
    return [
        p.relative_to(DOCS).as_posix()
        for p in _pages()
        if any(b.language in ("python", "py") for b in blocks_of(p))
        or p.relative_to(DOCS).as_posix() in OWN_PAGES
    ]


@contextlib.contextmanager
def _working_folder(folder: Path) -> Iterator[None]:
    """Run in ``folder`` with the example export; forget modules imported from it."""
    for archive in EXAMPLE.glob("*.zip"):
        shutil.copy(archive, folder / archive.name)
    before, cwd = set(sys.modules), Path.cwd()
    sys.path.insert(0, str(folder))
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(cwd)
        sys.path.remove(str(folder))
        for name in set(sys.modules) - before:
            module = sys.modules[name]
            if str(folder) in str(getattr(module, "__file__", "") or ""):
                del sys.modules[name]


def _run_python(block: Block, namespace: dict[str, object]) -> None:
    code = compile(block.text, f"docs/{block.page}:{block.line}", "exec")
    exec(code, namespace)


def _run_commands(block: Block) -> None:
    for line in block.text.splitlines():
        if not line.startswith("educonnect "):
            continue
        argv = shlex.split(line, comments=True)[1:]
        code = cli_main(argv)
        assert code == 0, f"docs/{block.page}:{block.line}: `{line}` exited {code}"


def _run_test_files(files: list[Path], folder: Path, page: str) -> None:
    """Run the page's test modules with pytest, as the reader would."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(folder), env.get("PYTHONPATH", "")])
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-W",
            "error",
            "--rootdir",
            str(folder),
            *[f.name for f in files],
        ],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, f"docs/{page}: pytest {[f.name for f in files]} failed\n" + (
        done.stdout[-4000:] + done.stderr[-2000:]
    )
    assert " passed" in done.stdout, f"docs/{page}: pytest ran no test\n{done.stdout[-2000:]}"


@pytest.mark.parametrize("page", _pages_with_code())
def test_examples_run(page: str, tmp_path: Path) -> None:
    blocks = blocks_of(DOCS / page)
    if page in FRAGMENTS:
        for block in blocks:
            if block.language in ("python", "py"):
                ast.parse(block.text, f"docs/{page}:{block.line}")
        pytest.skip(f"docs/{page}: compiled, not run ({FRAGMENTS[page]})")
    namespace: dict[str, object] = {"__name__": f"docs_{page.replace('/', '_')[:-3]}"}
    test_files: list[Path] = []
    with _working_folder(tmp_path):
        if page in PRELUDES:
            exec(compile(PRELUDES[page], f"prelude of docs/{page}", "exec"), namespace)
        try:
            for block in blocks:
                _run_block(block, namespace, tmp_path, test_files)
        finally:
            if page in CLEANUPS:
                exec(compile(CLEANUPS[page], f"cleanup of docs/{page}", "exec"), namespace)
        if test_files:
            _run_test_files(test_files, tmp_path, page)


def _run_block(
    block: Block, namespace: dict[str, object], folder: Path, test_files: list[Path]
) -> None:
    if block.title is not None:
        target = folder / block.title
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(block.text, encoding="utf-8")
        if target.name.startswith("test_") and target.suffix == ".py":
            test_files.append(target)
    elif block.language in ("python", "py"):
        _run_python(block, namespace)
    elif block.language in ("sh", "console", "bash") and block.page in OWN_PAGES:
        _run_commands(block)


#: Libraries an example imports that are neither installed for the tests nor typed:
#: the missing import is forgiven (its names are ``Any``), the rest is checked.
UNTYPED_LIBRARIES: Final[dict[str, str]] = {
    "saml2": "pysaml2 (howto/feed-sign-ins.md) is not a test dependency and ships no types",
}

#: Pages whose blocks are declarations rather than a program: the error codes that
#: declarations raise, disabled for that page's module only, and why.
MYPY_DISABLED: Final[dict[str, tuple[str, str]]] = {
    "hooks.md": (
        "empty-body, no-redef",
        "its blocks are the hooks' signatures (a `...` body); the first example implements one",
    ),
}

_MYPY_LINE: Final = re.compile(r"^(?P<path>[^:\n]+\.py):(?P<line>\d+):(?P<rest>.*)$")


@attrs.frozen
class _Origin:
    """Where a line of a checked file comes from: its page and the page's line."""

    page: str
    start: int  # first line of the file's part, 1-based
    doc_line: int | None  # the page's line of that first line; None: the prelude

    def where(self, line: int) -> str:
        if self.doc_line is None:
            return f"prelude of docs/{self.page} (tests/test_docs.py), line {line - self.start + 1}"
        return f"docs/{self.page}:{self.doc_line + line - self.start}"


def _typed_files(folder: Path) -> dict[str, list[_Origin]]:
    """Write each page's examples as modules in ``folder``; where their lines come from."""
    origins: dict[str, list[_Origin]] = {}
    for page in _pages_with_code():
        if page in FRAGMENTS:
            continue
        parts: list[tuple[str, int | None]] = []
        if page in MYPY_DISABLED:
            parts.append((f'# mypy: disable-error-code="{MYPY_DISABLED[page][0]}"\n', None))
        if page in PRELUDES:
            parts.append((PRELUDES[page].lstrip("\n"), None))
        for block in blocks_of(DOCS / page):
            if block.title is not None and block.title.endswith(".py"):
                assert block.title not in origins, f"docs/{page}: {block.title} is written twice"
                target = folder / block.title
                for package in target.relative_to(folder).parents[:-1]:  # a package's module
                    (folder / package).mkdir(exist_ok=True)
                    (folder / package / "__init__.py").touch()
                target.write_text(block.text, encoding="utf-8")
                origins[block.title] = [_Origin(page, 1, block.line + 1)]
            elif block.title is None and block.language in ("python", "py"):
                parts.append((block.text, block.line + 1))
        if not parts:
            continue
        lines: list[str] = []
        module = f"docs_{page[:-3].replace('/', '_').replace('-', '_')}.py"
        origins[module] = []
        for text, doc_line in parts:
            origins[module].append(_Origin(page, len(lines) + 1, doc_line))
            lines.extend(text.splitlines())
        (folder / module).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return origins


def _docs_place(origins: dict[str, list[_Origin]], folder: Path, path: str, line: int) -> str:
    name = Path(path).resolve()
    parts = (
        origins.get(name.relative_to(folder.resolve()).as_posix())
        if name.is_relative_to(folder.resolve())
        else None
    )
    if parts is None:
        return f"{path}:{line}"
    return [p for p in parts if p.start <= line][-1].where(line)


def _forgiven(rest: str) -> bool:
    """A missing import of one of :data:`UNTYPED_LIBRARIES` (and its notes)."""
    if "[import-not-found]" in rest or "[import-untyped]" in rest:
        return any(f'"{name}' in rest for name in UNTYPED_LIBRARIES)
    return "note: See https://mypy.readthedocs.io" in rest or "note: Hint:" in rest


def test_examples_pass_mypy_strict() -> None:
    """One mypy run over every page's examples, with the project's configuration.

    The examples are written to the same folder at every run (mypy reports an
    unchanged file's errors with the path it had then), with a cache of their own
    (their top-level module names, ``conftest`` or ``test_*``, would clash with
    the project's in its cache): on the shared 2-core development machine, 0.3 s
    warm and 5 s cold when it is idle (2 s and 17 s under load).
    """
    mypy_api = pytest.importorskip("mypy.api")
    folder = ROOT / ".mypy_cache" / "docs-examples"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    origins = _typed_files(folder)
    report, errors, _status = mypy_api.run(
        [
            "--config-file",
            str(ROOT / "pyproject.toml"),
            "--cache-dir",
            str(ROOT / ".mypy_cache" / "docs-examples-cache"),
            "--no-pretty",
            "--hide-error-context",
            "--no-error-summary",
            *sorted(str(folder / name) for name in origins),
        ]
    )
    assert not errors, errors
    found: list[tuple[str, int, str]] = []
    for text in report.splitlines():
        match = _MYPY_LINE.match(text)
        assert match is not None or ": error:" not in text, text
        if match is None or _forgiven(match["rest"]):
            continue
        place = _docs_place(origins, folder, match["path"], int(match["line"]))
        page, _, line = place.rpartition(":")
        found.append((page, int(line) if line.isdigit() else 0, place + ":" + match["rest"]))
    found.sort(key=lambda f: f[:2])
    assert not found, "the docs' examples fail mypy --strict:\n" + "\n".join(f[2] for f in found)


def _all_docs_text() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in _pages())


def _codes_page() -> str:
    return (DOCS / "reference" / "codes.md").read_text(encoding="utf-8")


def _table_codes(text: str) -> set[str]:
    """Codes in the first cell of the rows of the page's tables."""
    return {
        line.split("|")[1].strip().strip("`")
        for line in text.splitlines()
        if line.startswith("| `")
    }


def onde_finding_codes() -> set[str]:
    """Codes the ONDE adapter may report: string constants passed as a finding's code.

    Read from the source (the adapter keeps no catalogue): the first argument of
    ``Finding(...)``/``_finding(...)`` calls, the ``code`` of a ``Resolution``,
    and the code of a ``(code, Severity.X, ...)`` tuple; plus the codes of the
    value objects' :class:`~educonnect_core.values.Invalid` (a bad mobile).
    """
    package = Path(educonnect_adapters.onde.__file__).parent
    codes: set[str] = set()
    for source in package.glob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            candidates: list[ast.expr] = []
            if isinstance(node, ast.Call):
                name = ast.unparse(node.func).rsplit(".", 1)[-1]
                if name in ("Finding", "_finding") and node.args:
                    candidates.append(node.args[0])
                if name == "Resolution":
                    candidates.extend(node.args[1:2])
                    candidates.extend(k.value for k in node.keywords if k.arg == "code")
            if isinstance(node, ast.Tuple) and any(
                "Severity." in ast.unparse(e) for e in node.elts
            ):
                candidates.extend(node.elts[:1])
            codes.update(
                c.value
                for c in candidates
                if isinstance(c, ast.Constant) and isinstance(c.value, str)
            )
    return codes | mobile_invalid_codes()


def mobile_invalid_codes() -> set[str]:
    """Codes an unreadable mobile phone carries (reported by the sources as findings)."""
    source = (Path(educonnect_core.__file__).parent / "values.py").read_text(encoding="utf-8")
    return set(re.findall(r'"MobilePhone",[^)]*?code="([A-Z_]+)"', source, flags=re.S))


def test_onde_code_extraction_finds_the_known_codes() -> None:
    codes = onde_finding_codes()
    assert {"DUPLICATE_INE", "AMBIGUOUS_LINK", "RESPONSABLE_MERGED", "NOT_A_MOBILE"} <= codes
    assert all(_CODE.fullmatch(c) for c in codes), codes


def test_codes_page_lists_every_blocker_code_with_its_remedy() -> None:
    text = _codes_page()
    rows = _table_codes(text)
    missing = {c.value for c in BlockerCode} - rows
    assert not missing, f"docs/reference/codes.md lacks blocker codes {sorted(missing)}"
    for code, info in CATALOGUE.items():
        assert info.remedy_en in text, f"docs/reference/codes.md: remedy of {code.value} differs"


def test_codes_page_lists_every_siecle_finding_code() -> None:
    missing = set(SIECLE_FINDINGS) - _table_codes(_codes_page())
    assert not missing, f"docs/reference/codes.md lacks SIECLE finding codes {sorted(missing)}"


def test_codes_page_lists_every_onde_finding_code() -> None:
    missing = onde_finding_codes() - _table_codes(_codes_page())
    assert not missing, f"docs/reference/codes.md lacks ONDE finding codes {sorted(missing)}"


def _hooks() -> ModuleType:
    spec = importlib.util.spec_from_file_location("mkdocs_hooks", ROOT / "tools/mkdocs_hooks.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_public_core_module_is_in_the_api_reference() -> None:
    """On a topic page, or else on the catch-all page the site's hook fills in."""
    hooks = _hooks()
    modules = {
        m.name
        for m in pkgutil.walk_packages(educonnect_core.__path__, "educonnect_core.")
        if not m.ispkg and not m.name.rsplit(".", 1)[-1].startswith("_")
    } - {"educonnect_core.testing.pytest_plugin"}
    # where the package is installed from, so that this passes against a wheel too
    src = Path(educonnect_core.__file__).resolve().parents[1]
    assert set(hooks.public_modules(src)) == modules
    elsewhere = set(hooks.core_modules_elsewhere(src, DOCS))
    assert modules - elsewhere <= hooks.documented_modules(DOCS)
    more = (DOCS / hooks.MORE_PAGE).read_text(encoding="utf-8")
    assert hooks.PLACEHOLDER in more
    assert not re.search(r"^::: ", more, flags=re.M), "the hook fills api-more.md; list nothing"


def test_the_hook_drops_sphinx_roles() -> None:
    html = ":class:<code>~educonnect_core.ports.Clock</code> and :func:<code>a.b</code>"
    assert _hooks().on_page_content(html) == "<code>Clock</code> and <code>a.b</code>"


def test_every_page_is_in_the_navigation() -> None:
    """Nav entries name existing pages. (A page missing from the nav fails the strict
    build, ``nox -s docs``; it is only reported here, so that a page added late
    does not fail the test suite.)"""
    nav = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    listed = set(re.findall(r":\s*([\w./-]+\.md)\s*$", nav, flags=re.M))
    listed |= set(re.findall(r"^\s*-\s*([\w./-]+\.md)\s*$", nav, flags=re.M))
    pages = {p.relative_to(DOCS).as_posix() for p in _pages()}
    absent = listed - pages
    assert not absent, f"mkdocs.yml nav names missing pages {sorted(absent)}"
    if missing := pages - listed:
        print(f"pages not in the mkdocs.yml nav (add them): {sorted(missing)}")
