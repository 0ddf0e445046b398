"""The CSV dialect of ONDE extractions: encoding, header sniffing, rows with line numbers.

Separator ``;``; encoding BOM → UTF-8, else strict UTF-8, else Windows-1252 (which
reads ISO-8859-1 too), or ISO-8859-15 when its letters show; any quoting style; CRLF
or LF. Blank lines and lines of only ``;`` are skipped and counted. Anything else
(UTF-16 or UTF-32, bare CR line ends, bytes of no accepted encoding) is refused
with a :class:`SourceError` naming the file and the line.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Final, NoReturn

from educonnect_core.errors import SourceError
from educonnect_core.values import fold

__all__ = [
    "ACCEPTED",
    "SNIFF_BYTES",
    "CsvRows",
    "check_size",
    "detect_encoding",
    "foreign_encoding",
    "norm_header",
    "sniff_header",
]

#: How much of a file the hook reads to decide whether it is an ONDE extraction.
SNIFF_BYTES: Final = 64 * 1024
_CHUNK: Final = 1024 * 1024
_BOM: Final = codecs.BOM_UTF8
#: Bytes that Windows-1252 leaves undefined.
_CP1252_UNDEFINED: Final = re.compile(rb"[\x81\x8d\x8f\x90\x9d]")
_NOT_ALNUM: Final = re.compile(r"[^0-9A-Z]")
#: A CR not followed by LF (classic Mac line ends, or a stray CR inside a line).
_BARE_CR: Final = re.compile(rb"\r(?!\n)")
#: Bytes of the C1 range: in a text file, only Windows-1252 gives them a meaning.
_C1: Final = re.compile(rb"[\x80-\x9f]")
#: A byte where ISO-8859-15 has a letter (Š š ž Œ œ Ÿ) and Windows-1252 a symbol
#: (¦ ¨ ¸ ¼ ½ ¾), next to a letter: the file is ISO-8859-15. Not 0xB4 (Ž, but ´ in
#: Windows-1252, typed for an apostrophe: ``D´ALMEIDA``).
#: Either kind of byte (C1 or an ISO-8859-15 letter).
_SINGLE_BYTE_HINT: Final = re.compile(rb"[\x80-\x9f\xa6\xa8\xb8\xbc\xbd\xbe]")
_LATIN9_LETTER: Final = re.compile(
    rb"[A-Za-z\xc0-\xff][\xa6\xa8\xb8\xbc\xbd\xbe]|[\xa6\xa8\xb8\xbc\xbd\xbe][A-Za-z\xc0-\xff]"
)
#: Byte order marks of the encodings ONDE never writes (UTF-32 first: it starts like UTF-16).
_FOREIGN_BOMS: Final = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
ACCEPTED: Final = "UTF-8 (with or without BOM), ISO-8859-1, ISO-8859-15 or Windows-1252"


def foreign_encoding(head: bytes) -> str | None:
    """``utf-16`` or ``utf-32`` when ``head`` starts with their byte order mark."""
    return next((name for bom, name in _FOREIGN_BOMS if head.startswith(bom)), None)


def norm_header(cell: str) -> str:
    """A header name folded for matching: no BOM, accents, case, spaces, quotes, punctuation.

    ``" Cycle"`` → ``CYCLE``; ``"Nom d'usage Elève"`` → ``NOMDUSAGEELEVE``.
    """
    return _NOT_ALNUM.sub("", fold(cell.replace("\ufeff", "")))


def sniff_header(path: Path) -> list[str] | None:
    """The header cells of ``path`` if it looks like a ``;``-separated text file.

    Reads at most :data:`SNIFF_BYTES`; returns ``None`` when the first line has
    no ``;`` or a NUL byte (binary files), and for empty files.
    """
    with path.open("rb") as handle:
        head = handle.read(SNIFF_BYTES)
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):  # a zip archive
        return None
    if foreign := foreign_encoding(head):  # recognised, then refused by detect_encoding
        text = head.decode(foreign, errors="replace").removeprefix("\ufeff")
    else:
        head = head.removeprefix(_BOM)
        first = head.split(b"\n", 1)[0]
        if b"\x00" in first:
            return None
        try:
            text = first.decode("utf-8")
        except UnicodeDecodeError:
            text = first.decode("cp1252", errors="replace")
    text = re.split(r"[\r\n]", text, maxsplit=1)[0]  # a bare CR ends the header too
    if ";" not in text or "\x00" in text:
        return None
    try:
        return next(csv.reader([text], delimiter=";"), [])
    except csv.Error:
        return None


def check_size(path: Path, max_bytes: int) -> None:
    """Refuse a file larger than ``max_bytes``."""
    size = os.stat(path).st_size
    if size > max_bytes:
        raise SourceError(
            f"file is {size} bytes, more than the allowed {max_bytes}", file=str(path)
        )


def detect_encoding(path: Path) -> str:
    """``utf-8-sig`` (BOM), ``utf-8`` (whole file strictly valid), ``iso8859-15``
    (no C1 byte, and an ISO-8859-15 letter next to a letter, from the first chunk
    of :data:`_CHUNK` bytes not valid as UTF-8 on) or ``cp1252``.

    One pass over the bytes. Raises :class:`SourceError` with the line for a
    UTF-16 or UTF-32 file, NUL bytes, a CR not followed by LF, a BOM file that
    is not UTF-8, and bytes valid in neither UTF-8 nor cp1252.
    """
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    utf8_error_line: int | None = None
    cp1252_error_line: int | None = None
    c1_seen = latin9_seen = False
    lines_before = 1
    has_bom = False
    first = True
    pending_cr = False
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            if first:
                if foreign := foreign_encoding(chunk):
                    raise SourceError(
                        f"encoded in {foreign.upper()}: ONDE extractions are in {ACCEPTED}; "
                        "export the file again from ONDE (or save it as CSV in one of these)",
                        file=str(path),
                        line=1,
                    )
                has_bom = chunk.startswith(_BOM)
                first = False
            if (nul := chunk.find(b"\x00")) >= 0:
                line = lines_before + chunk.count(b"\n", 0, nul)
                raise SourceError("NUL byte: not a text file", file=str(path), line=line)
            if pending_cr and not chunk.startswith(b"\n"):
                _bare_cr(path, lines_before)
            pending_cr = chunk.endswith(b"\r")
            if chunk.count(b"\r") - pending_cr != chunk.count(b"\r\n"):  # two C loops
                cr = _BARE_CR.search(chunk)
                assert cr is not None
                _bare_cr(path, lines_before + chunk.count(b"\n", 0, cr.start()))
            if utf8_error_line is None:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError as exc:
                    utf8_error_line = lines_before + chunk.count(b"\n", 0, max(exc.start, 0))
            if cp1252_error_line is None and (m := _CP1252_UNDEFINED.search(chunk)):
                cp1252_error_line = lines_before + chunk.count(b"\n", 0, m.start())
            # which single-byte encoding: one scan of the chunk, most often no hit
            if (
                utf8_error_line is not None
                and not c1_seen
                and (hint := _SINGLE_BYTE_HINT.search(chunk))
            ):
                c1_seen = _C1.search(chunk, hint.start()) is not None
                latin9_seen = latin9_seen or _LATIN9_LETTER.search(chunk) is not None
            lines_before += chunk.count(b"\n")
    if utf8_error_line is None:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8_error_line = lines_before
    if has_bom:
        if utf8_error_line is not None:
            raise SourceError(
                "starts with a UTF-8 byte order mark but is not valid UTF-8",
                file=str(path),
                line=utf8_error_line,
            )
        return "utf-8-sig"
    if utf8_error_line is None:
        return "utf-8"
    if cp1252_error_line is not None:
        raise SourceError(
            f"neither UTF-8 (first bad byte on line {utf8_error_line}) nor Windows-1252: "
            f"ONDE extractions are in {ACCEPTED}",
            file=str(path),
            line=cp1252_error_line,
        )
    return "iso8859-15" if latin9_seen and not c1_seen else "cp1252"


def _bare_cr(path: Path, line: int) -> NoReturn:
    raise SourceError(
        "a carriage return (CR) without line feed: ONDE lines end with CRLF or LF "
        "(a file saved with old Mac line ends? save it again as CSV)",
        file=str(path),
        line=line,
    )


class CsvRows:
    """The rows of one ONDE file as ``(line, cells)``, the header first.

    ``line`` is the physical line where the row starts. Blank rows and rows of
    only ``;`` are not yielded; their lines are in :attr:`blank_lines`. A cell
    spanning lines (an unterminated quote) or a CSV error raises
    :class:`SourceError` naming the line and column.
    """

    def __init__(self, path: Path, encoding: str) -> None:
        self.path = path
        self.encoding = encoding
        self.blank_lines: list[int] = []

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        self.blank_lines = []
        with self.path.open("rb") as raw:
            text = io.TextIOWrapper(raw, encoding=self.encoding, errors="strict", newline="")
            reader = csv.reader(text, delimiter=";", quotechar='"')
            start = 1
            while True:
                try:
                    cells = next(reader)
                except StopIteration:
                    return
                except csv.Error as exc:
                    raise SourceError(
                        f"CSV error: {exc}", file=str(self.path), line=start
                    ) from None
                except UnicodeDecodeError as exc:  # the file changed since it was scanned
                    raise SourceError(
                        f"cannot decode as {self.encoding}: {exc.reason}",
                        file=str(self.path),
                        line=start,
                    ) from None
                line, start = start, reader.line_num + 1
                for column, cell in enumerate(cells, start=1):
                    if "\n" in cell or "\r" in cell:
                        raise SourceError(
                            "a cell spans several lines (unterminated quote?)",
                            file=str(self.path),
                            line=line,
                            element=f"column {column}",
                        )
                if not any(cell.strip() for cell in cells):
                    self.blank_lines.append(line)
                    continue
                yield line, cells
