"""Opening one input file: plain or zipped, size-bounded, prolog inspected.

A zip is told by its magic bytes, never its name. Its one XML member may sit in
a folder; ``__MACOSX/`` entries and AppleDouble ``._`` files are ignored. The
prolog (what comes before the root element) is read first: a ``<!DOCTYPE`` is
refused, so no DTD and no entity can ever be declared; the declared encoding
(one of :data:`ENCODINGS`, any other is refused) and the root element (which
tells the kind of file) are noted. Whatever goes wrong in the archive or its
decompression (a damaged, encrypted or exotic zip) is a :class:`SourceError`
naming the file, the member and the line reached.
"""

from __future__ import annotations

import codecs
import contextlib
import lzma
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Final

import attrs

from educonnect_core.errors import SourceError

__all__ = ["ENCODINGS", "PROLOG_LIMIT", "BoundedReader", "Input", "Prolog", "open_input"]

ZIP_MAGIC: Final = (b"PK\x03\x04", b"PK\x05\x06")
#: How far the root element may lie from the start of a file.
PROLOG_LIMIT: Final = 64 * 1024
CHUNK: Final = 256 * 1024
#: The most a zip member may expand (exports deflate about 20–30×), above
#: :data:`RATIO_FLOOR` bytes: a 1 MB zip then holds at most 100 MB of XML.
MAX_RATIO: Final = 100
RATIO_FLOOR: Final = 8 << 20

_UTF8_BOM: Final = codecs.BOM_UTF8
_OTHER_BOMS: Final = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE)
_XML_DECL = re.compile(rb"<\?xml\s[^>]*?\?>", re.DOTALL)
_ENCODING = re.compile(rb"""encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""")
#: The root's name, ended as the parser ends it (a non-ASCII letter would go on).
_NAME = re.compile(rb"[A-Za-z_:][A-Za-z0-9_:.-]*(?=[\s/>]|$)")
#: The encodings the formats use (Python codec name → the name given to libxml2,
#: which is always told the encoding, never left to guess). Any other is refused:
#: the prolog check reads bytes as ASCII, which e.g. UTF-7 or EBCDIC are not.
ENCODINGS: Final = {
    "utf-8": "UTF-8",
    "iso8859-1": "ISO-8859-1",
    "iso8859-15": "ISO-8859-15",
    "cp1252": "windows-1252",
    "ascii": "US-ASCII",
}
#: What a damaged, truncated, encrypted or exotic zip may raise from ``zipfile``.
ZIP_ERRORS: Final = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    lzma.LZMAError,
    struct.error,
    EOFError,
    RuntimeError,  # encrypted member
    NotImplementedError,  # compression method
    ValueError,
    KeyError,
    OSError,
)


@attrs.frozen
class Prolog:
    """What the start of an XML file says: root element, declared encoding."""

    root: str
    encoding: str
    declared: bool
    bom: bool


@attrs.frozen
class Input:
    """One input file, possibly one member of a zip. ``name`` is used in messages."""

    path: Path
    member: str | None
    max_bytes: int

    @property
    def name(self) -> str:
        return f"{self.path}[{self.member}]" if self.member else str(self.path)

    @contextlib.contextmanager
    def open(self) -> Iterator[BoundedReader]:
        """A fresh binary stream over the (uncompressed) XML, bounded in size."""
        if self.member is None:
            try:
                raw: IO[bytes] = self.path.open("rb")
            except OSError as exc:
                raise SourceError(f"cannot open: {_describe(exc)}", file=self.name) from None
            with raw:
                yield BoundedReader(raw, self.name, self.max_bytes)
            return
        with contextlib.ExitStack() as stack:
            try:
                archive = stack.enter_context(zipfile.ZipFile(self.path))
                raw = stack.enter_context(archive.open(self.member))
            except ZIP_ERRORS as exc:
                raise damaged(exc, self.name) from None
            yield BoundedReader(raw, self.name, self.max_bytes, zipped=True)

    def prolog(self) -> Prolog | None:
        """Inspect the prolog; ``None`` when the file does not look like XML at all."""
        with self.open() as stream:
            head = stream.read(PROLOG_LIMIT)
        return read_prolog(head, self.name)


class BoundedReader:
    """A file-like ``read`` that refuses more than ``max_bytes`` and checks UTF-8.

    ``utf8_valid`` stays true while every byte read so far decodes as UTF-8;
    ``non_ascii`` tells whether any byte above 0x7F was met. A failure of the
    underlying stream (decompression, I/O) is a :class:`SourceError` naming the
    line reached.
    """

    def __init__(self, raw: IO[bytes], name: str, max_bytes: int, *, zipped: bool = False) -> None:
        self._raw = raw
        self._name = name
        self._max = max_bytes
        self._zipped = zipped
        self.count = 0
        self.lines = 1
        self.utf8_valid = True
        self.non_ascii = False
        self._decoder = codecs.getincrementaldecoder("utf-8")()

    def read(self, size: int = -1) -> bytes:
        try:
            data = self._raw.read(CHUNK if size is None or size < 0 else size)
        except ZIP_ERRORS as exc:
            if self._zipped:
                raise damaged(exc, self._name, self.lines) from None
            if isinstance(exc, OSError):
                raise SourceError(
                    f"cannot read: {_describe(exc)}", file=self._name, line=self.lines
                ) from None
            raise
        self.count += len(data)
        self.lines += data.count(b"\n")
        if self.count > self._max:
            raise SourceError(
                f"file larger than the bound of {self._max} bytes (ReadOptions.max_bytes)",
                file=self._name,
            )
        if self.utf8_valid and not data.isascii():
            self.non_ascii = True
            try:
                self._decoder.decode(data)
            except UnicodeDecodeError:
                self.utf8_valid = False
        return data

    def finish(self) -> None:
        """Call at end of input: an incomplete trailing UTF-8 sequence is invalid."""
        if self.utf8_valid:
            try:
                self._decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                self.utf8_valid = False


def open_input(path: Path, max_bytes: int) -> Input:
    """The :class:`Input` for ``path``: the file itself, or its zip's one member."""
    try:
        with path.open("rb") as probe:
            magic = probe.read(4)
        size = path.stat().st_size
    except OSError as exc:
        raise SourceError(f"cannot open: {_describe(exc)}", file=str(path)) from None
    if magic not in ZIP_MAGIC:
        if size > max_bytes:
            raise SourceError(
                f"file of {size} bytes exceeds the bound of {max_bytes} (ReadOptions.max_bytes)",
                file=str(path),
            )
        return Input(path, None, max_bytes)
    return Input(path, _zip_member(path, max_bytes, size), max_bytes)


def _zip_member(path: Path, max_bytes: int, archive_size: int) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            infos = [i for i in archive.infolist() if _relevant(i)]
    except ZIP_ERRORS as exc:
        raise damaged(exc, str(path)) from None
    if len(infos) != 1:
        names = ", ".join(i.filename for i in infos) or "none"
        raise SourceError(
            f"a zipped export holds exactly one file; found {len(infos)} ({names})",
            file=str(path),
        )
    info = infos[0]
    if info.file_size > max_bytes:
        raise SourceError(
            f"zip member declares {info.file_size} bytes, over the bound of {max_bytes} "
            "(ReadOptions.max_bytes)",
            file=f"{path}[{info.filename}]",
        )
    packed = max(1, min(info.compress_size, archive_size))  # a member may lie about it
    if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * packed:
        raise SourceError(
            f"zip member expands {info.file_size // packed} times ({packed} bytes to "
            f"{info.file_size}), over the bound of {MAX_RATIO}: a zip bomb, not an export",
            file=f"{path}[{info.filename}]",
        )
    return info.filename


def damaged(exc: BaseException, name: str, line: int | None = None) -> SourceError:
    """The :class:`SourceError` for a failure of ``zipfile``, ``zlib`` or the disk."""
    if isinstance(exc, zlib.error | lzma.LZMAError):
        what = f"corrupt compressed data ({exc})"
    elif isinstance(exc, RuntimeError) and "encrypted" in str(exc):
        what = "encrypted member (a password-protected zip cannot be read)"
    elif isinstance(exc, NotImplementedError):
        what = f"unsupported compression ({exc})"
    elif isinstance(exc, EOFError):
        what = "truncated compressed data"
    else:
        what = _describe(exc)
    return SourceError(f"damaged zip archive: {what}", file=name, line=line)


def _describe(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__


def _relevant(info: zipfile.ZipInfo) -> bool:
    name = info.filename
    base = name.rsplit("/", 1)[-1]
    return not (info.is_dir() or name.startswith("__MACOSX/") or base.startswith("._"))


def _line_of(head: bytes, offset: int) -> int:
    return head.count(b"\n", 0, offset) + 1


def read_prolog(head: bytes, name: str) -> Prolog | None:
    """Parse the prolog in ``head``; refuse a DOCTYPE; ``None`` if not XML."""
    bom = head.startswith(_UTF8_BOM)
    if bom:
        head = head[len(_UTF8_BOM) :]
    elif head.startswith(_OTHER_BOMS):
        if not _looks_like_xml(head):
            return None  # someone else's file (a UTF-16 CSV, say)
        raise SourceError("UTF-16 and UTF-32 XML files are not supported", file=name, line=1)
    encoding, declared = "utf-8", False
    pos = 0
    decl = _XML_DECL.match(head)
    if decl:
        found = _ENCODING.search(decl.group())
        if found:
            encoding, declared = _codec(found.group(1).decode("ascii"), name), True
            if bom and encoding != "utf-8":
                encoding = "utf-8"  # a BOM wins over the declaration
        pos = decl.end()
    elif not head.lstrip().startswith(b"<"):
        return None
    while True:
        while pos < len(head) and head[pos : pos + 1].isspace():
            pos += 1
        rest = head[pos:]
        if rest.startswith(b"<!--"):
            end = head.find(b"-->", pos + 4)
            pos = _advance(end, 3, head, name)
        elif rest.startswith(b"<?"):
            end = head.find(b"?>", pos + 2)
            pos = _advance(end, 2, head, name)
        elif rest[:9].upper() == b"<!DOCTYPE":
            raise SourceError(
                "DOCTYPE declarations are refused (no DTD, no entity may be declared)",
                file=name,
                line=_line_of(head, pos),
                element="!DOCTYPE",
            )
        elif rest.startswith(b"<") and (root := _NAME.match(rest, 1)):
            return Prolog(root.group().decode("ascii"), encoding, declared, bom)
        elif len(rest) == 0 and len(head) >= PROLOG_LIMIT - len(_UTF8_BOM):
            raise SourceError(f"no root element in the first {PROLOG_LIMIT} bytes", file=name)
        else:
            return None


def _looks_like_xml(head: bytes) -> bool:
    for codec in ("utf-32", "utf-16"):
        try:
            text = head[:400].decode(codec)
        except UnicodeDecodeError:
            continue
        if text.lstrip("\ufeff \t\r\n").startswith("<"):
            return True
    return False


def _advance(end: int, width: int, head: bytes, name: str) -> int:
    if end < 0:
        raise SourceError(
            f"unterminated comment or processing instruction in the first {PROLOG_LIMIT} bytes",
            file=name,
        )
    return end + width


def _codec(declared: str, name: str) -> str:
    try:
        codec = codecs.lookup(declared).name
    except LookupError:
        raise SourceError(f"unknown encoding {declared!r} declared", file=name, line=1) from None
    if codec not in ENCODINGS:
        raise SourceError(
            f"encoding {declared!r} is refused (accepted: UTF-8, ISO-8859-1, ISO-8859-15, "
            "Windows-1252, US-ASCII)",
            file=name,
            line=1,
        )
    return codec
