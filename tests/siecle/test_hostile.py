"""Untrusted uploads: DTDs, entities, network fetches, size bombs, malformed XML."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from educonnect_adapters.siecle import open_siecle
from educonnect_adapters.siecle.inputs import BoundedReader
from educonnect_core.errors import SourceError
from educonnect_core.sources import ReadOptions

from .conftest import PARAMS, Writer, eleve, eleves_xml, personne, responsables_xml

BILLION_LAUGHS = """<?xml version="1.0" encoding="ISO-8859-15"?>
<!DOCTYPE BEE_ELEVES [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<BEE_ELEVES VERSION="3.0">PARAMS<DONNEES><ELEVES>
<ELEVE ELEVE_ID="1"><NOM_DE_FAMILLE>&lol4;</NOM_DE_FAMILLE></ELEVE>
</ELEVES></DONNEES></BEE_ELEVES>
""".replace("PARAMS", PARAMS)


def external(kind: str, target: str) -> str:
    if kind == "entity":
        doctype = f'<!DOCTYPE BEE_ELEVES [ <!ENTITY xxe SYSTEM "{target}"> ]>'
        name = "&xxe;"
    else:
        doctype = f'<!DOCTYPE BEE_ELEVES SYSTEM "{target}">'
        name = "MARTIN"
    return (
        f'<?xml version="1.0" encoding="ISO-8859-15"?>\n<!-- SIECLE -->\n{doctype}\n'
        f'<BEE_ELEVES VERSION="3.0">{PARAMS}<DONNEES><ELEVES><ELEVE ELEVE_ID="1">'
        f"<NOM_DE_FAMILLE>{name}</NOM_DE_FAMILLE></ELEVE></ELEVES></DONNEES></BEE_ELEVES>\n"
    )


def test_billion_laughs_is_refused(write: Writer) -> None:
    with pytest.raises(SourceError, match="DOCTYPE declarations are refused") as info:
        open_siecle([write("e.xml", BILLION_LAUGHS)])
    assert (info.value.line, info.value.element) == (2, "!DOCTYPE")


@pytest.mark.parametrize(
    ("kind", "target"),
    [
        ("entity", "file:///etc/passwd"),
        ("entity", "http://127.0.0.1:9/secret"),
        ("dtd", "http://127.0.0.1:9/bee.dtd"),
        ("dtd", "bee.dtd"),
    ],
)
def test_external_entities_and_dtds_are_refused(
    write: Writer, tmp_path: Path, kind: str, target: str
) -> None:
    (tmp_path / "bee.dtd").write_text('<!ENTITY evil "pwned">')
    with pytest.raises(SourceError, match="DOCTYPE") as info:
        open_siecle([write("e.xml", external(kind, target))])
    assert info.value.line == 3


def test_doctype_in_any_case_after_bom_is_refused(write: Writer) -> None:
    text = BILLION_LAUGHS.replace("<!DOCTYPE", "<!doctype").replace("ISO-8859-15", "UTF-8")
    with pytest.raises(SourceError, match="DOCTYPE"):
        open_siecle([write("e.xml", text, encoding="utf-8", bom=True)])


def test_undeclared_entity_is_malformed(write: Writer) -> None:
    text = eleves_xml(eleve("1", nom="&xxe;"))
    with pytest.raises(SourceError, match="malformed XML"):
        open_siecle([write("e.xml", text)])


def test_malformed_xml_names_file_line_and_element(write: Writer) -> None:
    broken = eleve("2").replace("</PRENOM>", "</PRENON>")
    text = eleves_xml(eleve("1") + broken)
    path = write("e.xml", text)
    with pytest.raises(SourceError) as info:
        open_siecle([path])
    error = info.value
    assert error.file == str(path)
    assert error.line == text.splitlines().index("<PRENOM>Zoé</PRENON>") + 1
    assert error.element == "PRENOM"  # the element left open
    assert str(path) in str(error)
    assert f"line {error.line}" in str(error)


def test_truncated_file_in_zip_is_malformed(write: Writer) -> None:
    text = eleves_xml(eleve("1") + eleve("2"))
    path = write("e.zip", text[: len(text) // 2], zipped=True, member="Eleves.xml")
    with pytest.raises(SourceError, match="malformed XML") as info:
        open_siecle([path])
    assert info.value.file == f"{path}[Eleves.xml]"
    assert info.value.line is not None


def test_nothing_is_yielded_from_a_file_that_fails(write: Writer) -> None:
    eleves = eleves_xml(eleve("1"))
    resp = responsables_xml(personne("10") + "<PERSONNE PERSONNE_ID='11'><NOM>X</PERSONNE>", "")
    with pytest.raises(SourceError):
        open_siecle([write("e.xml", eleves), write("r.xml", resp)])  # fails when opened


def test_size_bound_on_plain_files(write: Writer) -> None:
    path = write("e.xml", eleves_xml(eleve("1") * 50))
    with pytest.raises(SourceError, match="exceeds the bound of 1000"):
        open_siecle([path], ReadOptions(max_bytes=1000))


def test_size_bound_on_declared_zip_member_size(write: Writer) -> None:
    path = write("e.zip", eleves_xml(eleve("1") * 50), zipped=True)
    with pytest.raises(SourceError, match=r"declares \d+ bytes, over the bound of 1000"):
        open_siecle([path], ReadOptions(max_bytes=1000))


def test_size_bound_on_actual_bytes_read(write: Writer) -> None:
    # a zip whose member lies about its size: the bound holds on what is really read
    big = eleves_xml(eleve("1") * 400)
    path = write("e.zip", big, zipped=True)
    _shrink_declared_size(path, 1000)
    with pytest.raises(SourceError, match="damaged zip archive: Bad CRC"):
        open_siecle([path], ReadOptions(max_bytes=5000))


def test_bounded_reader_counts_what_is_really_read() -> None:
    stream = BoundedReader(io.BytesIO(b"x" * 10_000), "upload.xml", 5000)
    assert len(stream.read(4000)) == 4000
    with pytest.raises(SourceError, match="larger than the bound of 5000"):
        stream.read(4000)


def _shrink_declared_size(path: Path, size: int) -> None:
    """Rewrite the central directory's uncompressed size of the only member."""
    data = bytearray(path.read_bytes())
    central = data.rfind(b"PK\x01\x02")
    data[central + 24 : central + 28] = size.to_bytes(4, "little")
    local = data.find(b"PK\x03\x04")
    data[local + 22 : local + 26] = size.to_bytes(4, "little")
    path.write_bytes(bytes(data))
    with zipfile.ZipFile(path) as archive:
        assert archive.infolist()[0].file_size == size


def test_deep_nesting_is_refused(write: Writer) -> None:
    deep = "<X>" * 300 + "</X>" * 300
    text = eleves_xml(eleve("1", extra=deep + "\n"))
    with pytest.raises(SourceError, match="malformed XML"):
        open_siecle([write("e.xml", text)])


def test_utf16_is_refused_clearly(write: Writer) -> None:
    text = eleves_xml(eleve("1"), encoding="UTF-16")
    with pytest.raises(SourceError, match="UTF-16"):
        open_siecle([write("e.xml", text, encoding="utf-16")])
    assert open_siecle([write("notes.csv", "nom;prénom\n", encoding="utf-16")]) is None
