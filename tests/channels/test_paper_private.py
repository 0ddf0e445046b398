"""Letters hold clear passwords: written 0600 whatever the umask, into the folder the
user names, never into a parent folder created silently."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from educonnect_core.channels import Medium
from educonnect_core.errors import InvalidValue
from educonnect_core.plugins import Plugins
from educonnect_core.testing.channel_contract import sample_batch

pytest.importorskip("fpdf")

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def permissive_umask() -> Iterator[None]:
    previous = os.umask(0)
    try:
        yield
    finally:
        os.umask(previous)


@pytest.mark.parametrize("split", ["class", "batch"])
@pytest.mark.usefixtures("permissive_umask")
def test_letters_are_readable_by_their_owner_only(tmp_path: Path, split: str) -> None:
    out = tmp_path / "courriers"
    channel = Plugins.installed().open_channel("paper", {"output_dir": str(out), "split": split})
    assert all(r.delivered for r in channel.deliver(sample_batch(Medium.PAPER)))
    letters = sorted(out.iterdir())
    assert letters
    assert {p.name for p in letters} == {p.name for p in out.glob("lettres-*.pdf")}  # no tmp
    assert {mode(p) for p in letters} == {0o600}
    assert mode(out) == 0o700  # the folder it created


@pytest.mark.usefixtures("permissive_umask")
def test_a_stale_readable_temporary_file_does_not_make_a_readable_letter(tmp_path: Path) -> None:
    channel = Plugins.installed().open_channel(
        "paper", {"output_dir": str(tmp_path), "split": "batch"}
    )
    stale = tmp_path / ".lettres-0990007V-20260112.pdf.tmp"
    stale.write_bytes(b"left by a crash")
    stale.chmod(0o644)
    assert all(r.delivered for r in channel.deliver(sample_batch(Medium.PAPER)))
    assert mode(tmp_path / "lettres-0990007V-20260112.pdf") == 0o600
    assert not stale.exists()


def test_a_symbolic_link_in_the_temporary_place_is_not_followed(tmp_path: Path) -> None:
    channel = Plugins.installed().open_channel(
        "paper", {"output_dir": str(tmp_path), "split": "batch"}
    )
    target = tmp_path / "elsewhere.txt"
    target.write_bytes(b"untouched")
    (tmp_path / ".lettres-0990007V-20260112.pdf.tmp").symlink_to(target)
    reports = channel.deliver(sample_batch(Medium.PAPER))
    assert not any(r.delivered for r in reports)
    assert target.read_bytes() == b"untouched"


def test_a_missing_parent_folder_is_refused_not_created(tmp_path: Path) -> None:
    wanted = tmp_path / "no-such-folder" / "courriers"
    with pytest.raises(InvalidValue, match=r"output_dir.*parent"):
        Plugins.installed().open_channel("paper", {"output_dir": str(wanted)})
    assert not wanted.parent.exists()
