"""Hostile ONDE files: every CSV and decoding failure is a :class:`SourceError`
naming the file and the line, and ``check`` says it in one line (exit 2)."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from educonnect_adapters.cli.main import EXIT_BAD_INPUT, main
from educonnect_adapters.onde import plugin
from educonnect_adapters.onde.dialect import detect_encoding, sniff_header
from educonnect_core.errors import SourceError
from educonnect_core.plugins import Plugins
from educonnect_core.testing.source_contract import read_all

from .onde_samples import ELEVES, OPTIONS, UAI, eleve, pair, render


def plugins() -> Plugins:
    manager = Plugins()
    manager.register(plugin, "onde")
    return manager


def _with_eleves(tmp_path: Path, data: bytes) -> tuple[list[Path], Path]:
    eleves, resps = pair(tmp_path)
    eleves.write_bytes(data)
    return [eleves, resps], eleves


CP1252 = render(ELEVES).encode("cp1252")


@pytest.mark.parametrize(
    ("data", "line", "message"),
    [
        (render(ELEVES, newline="\r").encode("cp1252"), 1, "carriage return"),
        (CP1252.replace(b"GARCIA;;Tom", b"GAR\rCIA;;Tom", 1), 6, "carriage return"),
        (CP1252 + b"x;y\r", None, None),  # a last CR ends the file: nothing is misread
        (codecs.BOM_UTF16_LE + render(ELEVES).encode("utf-16-le"), 1, "UTF-16"),
        (codecs.BOM_UTF16_BE + render(ELEVES).encode("utf-16-be"), 1, "UTF-16"),
        (render(ELEVES).encode("utf-32"), 1, "UTF-32"),
        (CP1252.replace(b"Jules", b"Jul\x81s"), 10, "ISO-8859-15"),
    ],
)
def test_hostile_bytes_are_source_errors_naming_file_and_line(
    tmp_path: Path, data: bytes, line: int | None, message: str | None
) -> None:
    paths, bad = _with_eleves(tmp_path, data)
    if message is None:
        read_all(plugins().open_source(paths, OPTIONS))
        return
    with pytest.raises(SourceError, match=message) as info:
        read_all(plugins().open_source(paths, OPTIONS))
    assert (info.value.file, info.value.line) == (str(bad), line)


def test_a_bare_cr_header_is_still_recognised_as_onde(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(render(ELEVES[:3], newline="\r").encode("cp1252"))
    assert sniff_header(path) == ELEVES[0]
    path.write_bytes(codecs.BOM_UTF16_LE + render(ELEVES[:3]).encode("utf-16-le"))
    assert sniff_header(path) == ELEVES[0]
    path.write_bytes(b'a;"b\rc')  # an unclosed quote in the first line: not a CSV header
    assert sniff_header(path) == ["a", "b"]


def test_iso_8859_15_letters_are_read_as_such(tmp_path: Path) -> None:
    rows = [*ELEVES, eleve("BŒUF", "Žoé", "2019-01-20", "1234567899Z", "CP", "CP", "1001")]
    paths, bad = _with_eleves(tmp_path, render(rows).encode("iso8859-15"))
    assert detect_encoding(bad) == "iso8859-15"
    names = {str(e.name) for e in read_all(plugins().open_source(paths, OPTIONS)).eleves}
    assert "BŒUF Žoé" in names
    bad.write_bytes(render(rows).encode("cp1252"))  # Œ is 0x8C there, Ž 0x8E
    assert detect_encoding(bad) == "cp1252"
    apostrophe = [ELEVES[0], eleve("D´ALMEIDA", "Zoé", "2019-01-20", "", "CP", "CP", "1001")]
    bad.write_bytes(render(apostrophe).encode("cp1252"))
    assert detect_encoding(bad) == "cp1252"  # ´ typed for an apostrophe is not Ž
    bad.write_bytes(render(apostrophe[:1] + rows[-1:]).encode("iso8859-15"))
    assert detect_encoding(bad) == "iso8859-15"  # no C1 byte, Œ next to B


@pytest.mark.parametrize(("newline", "line"), [("\r", 1), ("\n\r", 2)])
def test_check_says_it_in_one_line_without_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], newline: str, line: int
) -> None:
    eleves, resps = pair(tmp_path, newline=newline)
    code = main(["check", "--school", UAI, str(eleves), str(resps)])
    err = capsys.readouterr().err
    assert code == EXIT_BAD_INPUT
    assert "Traceback" not in err
    assert str(eleves) in err
    assert f"line {line}:" in err
    assert len(err.strip().splitlines()) == 1
