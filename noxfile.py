"""Developer sessions: ``nox -s tests lint typing docs bench sdist``."""

from __future__ import annotations

import shutil
from pathlib import Path

import nox

nox.options.sessions = ["tests", "lint", "typing"]
nox.options.reuse_existing_virtualenvs = True


#: the Pythons the package supports (its classifiers); each runs the whole suite,
#: where an unclosed resource (a ResourceWarning) fails the test that leaked it
PYTHONS = ["3.11", "3.12", "3.13"]


@nox.session(python=PYTHONS)
def tests(session: nox.Session) -> None:
    session.install("-e", ".[test]")
    session.run("python", "-m", "pytest", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    session.install("ruff==0.17.6")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session
def typing(session: nox.Session) -> None:
    session.install("-e", ".[dev]", "mypy==2.4.1")
    session.run("mypy")


@nox.session
def docs(session: nox.Session) -> None:
    """Build the site with warnings as errors, then run every example of the docs."""
    session.install("-e", ".[docs]")
    session.run("mkdocs", "build", "--strict", "--site-dir", f"{session.create_tmp()}/site")
    session.run("python", "-m", "pytest", "tests/test_docs.py", *session.posargs)


@nox.session
def bench(session: nox.Session) -> None:
    session.install("-e", ".[test]")
    session.run("python", "-m", "bench", *session.posargs)


@nox.session
def sdist(session: nox.Session) -> None:
    """Build sdist and wheel, check them, then run the sdist's tests against the wheel."""
    tmp = Path(session.create_tmp())
    for old in tmp.glob("*"):
        shutil.rmtree(old) if old.is_dir() else old.unlink()
    session.install("build", "twine")
    session.run("python", "-m", "build", "--outdir", str(tmp), external=False)
    session.run("twine", "check", "--strict", *map(str, tmp.glob("educonnect-*")))
    (wheel,) = tmp.glob("educonnect-*.whl")
    (archive,) = tmp.glob("educonnect-*.tar.gz")
    session.install(f"{wheel}[test]")
    shutil.unpack_archive(archive, tmp)
    (unpacked,) = (p for p in tmp.iterdir() if p.is_dir())
    # from the unpacked sdist, whose src/ is not importable: the tests import the wheel
    session.chdir(unpacked)
    session.run("python", "-m", "pytest", "-q", "-p", "no:randomly", *session.posargs)
