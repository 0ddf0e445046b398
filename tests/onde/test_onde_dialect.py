"""The ONDE CSV dialect and header layouts, unit by unit."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from educonnect_adapters.onde.dialect import CsvRows, detect_encoding, norm_header, sniff_header
from educonnect_adapters.onde.keys import class_key, name_key, niveau_code
from educonnect_adapters.onde.layouts import Kind, classify, responsables_layout
from educonnect_core.errors import SourceError

from .onde_samples import Quoting, render

PLAIN = st.text(
    st.characters(codec="cp1252", exclude_characters=';"\r\n', exclude_categories=["Cc", "Cs"]),
    max_size=12,
)
QUOTED = st.text(
    st.characters(codec="cp1252", exclude_characters='"\r\n', exclude_categories=["Cc", "Cs"]),
    max_size=12,
)


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [
        ("\ufeffNom élève", "NOMELEVE"),
        (" Cycle", "CYCLE"),
        ("Nom d'usage Elève", "NOMDUSAGEELEVE"),
        ("nom d’usage ÉLÈVE ", "NOMDUSAGEELEVE"),
        ("Numéro de poste", "NUMERODEPOSTE"),
        ("Dispositif(s)", "DISPOSITIFS"),
    ],
)
def test_header_normalization(raw: str, normalized: str) -> None:
    assert norm_header(raw) == normalized


def test_classify() -> None:
    assert classify(["Nom élève", "Prénom élève", "Date naissance"]) is Kind.ELEVES
    assert classify(["NOM ELEVE", "prenom eleve"]) is Kind.ELEVES
    assert classify(["Nom responsable", "Prénom responsable", "Prénom élève 1"]) is (
        Kind.RESPONSABLES
    )
    assert classify(["Nom", "Prénom", "Classe"]) is None
    assert classify([]) is None


def test_repeated_blocks_are_split_by_position_and_extend_past_the_header() -> None:
    child = ["Nom d'usage enfant", "Nom de famille enfant", "Prénom enfant", "Classes enfants"]
    header = ["Nom responsable", "Prénom responsable", *child, *child, ""]
    layout = responsables_layout(header, file="r.csv", line=1)
    assert [b.columns["prenom"] for b in layout.blocks] == [4, 8]
    assert layout.stride == 4
    assert [b.columns["prenom"] for b in layout.blocks_for(14)] == [4, 8, 12]


def test_numbered_blocks_are_grouped_by_number() -> None:
    header = ["Nom responsable", "Prénom responsable", "Prénom élève 2", "Nom élève 2"]
    header += ["Nom élève 1", "Prénom élève 1", "Classe élève 1", "Autre"]
    layout = responsables_layout(header, file="r.csv", line=1)
    assert [dict(b.columns) for b in layout.blocks] == [
        {"nom": 4, "prenom": 5, "classe": 6},
        {"prenom": 2, "nom": 3},
    ]
    assert layout.stride is None  # blocks not at the end: a longer row holds no child
    assert len(list(layout.blocks_for(20))) == 2


def test_sniffing_reads_only_the_first_line(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(b'\xef\xbb\xbf"Nom \xc3\xa9l\xc3\xa8ve";Pr\xc3\xa9nom\r\n\x00\x00')
    assert sniff_header(path) == ["Nom élève", "Prénom"]
    path.write_bytes(b"")
    assert sniff_header(path) is None
    path.write_bytes(b"PK\x03\x04\x00;")
    assert sniff_header(path) is None
    path.write_bytes(b"PK\x03\x04Nom \xe9l\xe8ve;Pr\xe9nom \xe9l\xe8ve\n")  # a zip, no NUL
    assert sniff_header(path) is None


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (b"a;b\r\n", "utf-8"),
        ("é;b\n".encode(), "utf-8"),
        (b"\xef\xbb\xbfa;b\n", "utf-8-sig"),
        ("é;b\n".encode("cp1252"), "cp1252"),
        (b"a;b\n" * 10 + "Œ;€\n".encode("cp1252"), "cp1252"),
    ],
)
def test_encoding_detection(tmp_path: Path, data: bytes, encoding: str) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(data)
    assert detect_encoding(path) == encoding


def test_truncated_utf8_at_the_end_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(b"a;b\n\xc3")
    assert detect_encoding(path) == "cp1252"


def test_csv_error_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(b'a;b\n\n;;\nc;"d\ne"\n')
    rows = CsvRows(path, "utf-8")
    with pytest.raises(SourceError) as info:
        list(rows)
    assert (info.value.line, info.value.element) == (4, "column 2")
    assert rows.blank_lines == [2, 3]


@given(
    rows=st.lists(st.lists(PLAIN, min_size=1, max_size=6), min_size=1, max_size=6),
    quoting=st.sampled_from(["none", "non-empty", "all"]),
    encoding=st.sampled_from(["cp1252", "utf-8", "utf-8-sig"]),
    newline=st.sampled_from(["\r\n", "\n"]),
)
def test_cells_round_trip_in_every_dialect(
    tmp_path_factory: pytest.TempPathFactory,
    rows: list[list[str]],
    quoting: Quoting,
    encoding: str,
    newline: str,
) -> None:
    data = render(rows, quoting, newline).encode(encoding)
    if encoding == "cp1252":
        # A cp1252 file whose bytes are also valid UTF-8 (e.g. "Â\xa0") is read as
        # UTF-8 by design (BOM → strict UTF-8 → cp1252): not a round trip to test.
        with contextlib.suppress(UnicodeDecodeError):
            assume(data.decode("utf-8") == data.decode("cp1252"))
    path = tmp_path_factory.mktemp("rt") / "x.csv"
    path.write_bytes(data)
    found = detect_encoding(path)
    if found == "iso8859-15":  # "A¼" in cp1252 is "AŒ" in ISO-8859-15: read as the latter
        assume(data.decode("iso8859-15") == data.decode("cp1252"))
    kept = [r for r in rows if any(c.strip() for c in r)]
    read = [cells for _, cells in CsvRows(path, found)]
    assert read == kept


@given(st.lists(QUOTED, min_size=1, max_size=5))
def test_quoted_cells_may_hold_semicolons(
    tmp_path_factory: pytest.TempPathFactory, cells: list[str]
) -> None:
    path = tmp_path_factory.mktemp("q") / "x.csv"
    path.write_bytes(render([["h"], cells], "all").encode("cp1252"))
    assert [c for _, c in CsvRows(path, "cp1252")][1:] == (
        [cells] if any(c.strip() for c in cells) else []
    )


@given(PLAIN)
def test_normalizations_are_idempotent(text: str) -> None:
    assert name_key(name_key(text)) == name_key(text)
    assert class_key(class_key(text)) == class_key(text)


@pytest.mark.parametrize(
    ("label", "code"),
    [
        ("CP", "CP"),
        ("cm2", "CM2"),
        ("CE1 - Cours élémentaire 1ère année", "CE1"),
        ("Cours élémentaire deuxième année", "CE2"),
        ("Cours moyen 1ère année", "CM1"),
        ("Toute petite section", "TPS"),
        ("Grande section", "GS"),
        ("Section des grands", None),
        ("", None),
    ],
)
def test_niveau_codes(label: str, code: str | None) -> None:
    assert niveau_code(label) == code
