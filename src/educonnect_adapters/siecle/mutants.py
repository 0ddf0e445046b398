"""Mutated SIECLE inputs, for the fuzz test and the hostile-files benchmark.

:func:`mutate` applies byte-level and structure-level mutations to an XML file
(flips, cuts, copies, hostile tokens, leaf elements deleted, doubled or
refilled, encoding declarations swapped, deep nesting); :func:`zipped` puts it
in a zip, possibly an odd one, and may damage the archive bytes. Everything is
driven by one ``random.Random``, so a case is reproduced from its seed.
"""

from __future__ import annotations

import io
import random
import re
import zipfile
from collections.abc import Callable
from typing import Final

__all__ = ["TOKENS", "mutate", "zipped"]

#: What an attacker or a broken tool puts in a file.
TOKENS: Final = (
    b"<", b">", b"/>", b"</X>", b"<X>", b"<X/>", b"&", b"&e;", b"&#0;", b"&#x110000;",
    b"&#233;", b"&amp;", b"<![CDATA[", b"]]>", b"<!--", b"-->", b"<?pi x?>", b"<?xml?>",
    b'<!DOCTYPE BEE_ELEVES [<!ENTITY e "x">]>', b'<!ENTITY e "x">', b"\x00", b"\xff",
    b"\xc3", b"\xe9", b"\xc3\xa9", b"\xef\xbb\xbf", b"\xff\xfe", b'"', b"'", b"=",
    b' a="1"', b' xmlns="urn:x"', b' xmlns:a="urn:a" a:b="1"', b"<ELEVE>", b"</ELEVE>",
    b'<ELEVE ELEVE_ID="1">', b'<PERSONNE PERSONNE_ID="1">', b"</PERSONNE>",
    b"<RESPONSABLE_ELEVE>", b"<PARAMETRES>", b"</PARAMETRES>", b"<UAJ>0000000A</UAJ>",
    b"<ANNEE_SCOLAIRE>x</ANNEE_SCOLAIRE>", b"<DATE_NAISS>31/02/2011</DATE_NAISS>",
    b"<DATE_SORTIE>99/99/9999</DATE_SORTIE>", b"<NIVEAU_RESPONSABILITE>9</NIVEAU_RESPONSABILITE>",
    b"<TEL_PORTABLE>+33</TEL_PORTABLE>", b"<MEL>@</MEL>", b"<ELEVE_ID></ELEVE_ID>",
    b"\r", b"\n", b"\t", b"    ", b"+ADw-", b"%", b"\x85", "\u2028".encode(),
)  # fmt: skip
ENCODINGS: Final = (
    b"UTF-8", b"ISO-8859-1", b"ISO-8859-15", b"windows-1252", b"US-ASCII", b"UTF-7",
    b"UTF-16", b"UTF-32", b"EBCDIC-CP-US", b"latin9", b"nope", b"",
)  # fmt: skip
_LEAF = re.compile(rb"<([A-Za-z_][A-Za-z0-9_]*)(?:\s[^<>]*)?>[^<]*</\1>")
_DECLARED = re.compile(rb'encoding="[^"]*"')

Mutation = Callable[[bytes, random.Random], bytes]


def _span(data: bytes, rng: random.Random, longest: int = 64) -> tuple[int, int]:
    start = rng.randrange(len(data) + 1)
    return start, min(len(data), start + rng.randint(0, longest))


def _flip(data: bytes, rng: random.Random) -> bytes:
    if not data:
        return data
    at = rng.randrange(len(data))
    return data[:at] + bytes([rng.randrange(256)]) + data[at + 1 :]


def _cut(data: bytes, rng: random.Random) -> bytes:
    start, end = _span(data, rng, rng.choice((8, 64, 4096)))
    return data[:start] + data[end:]


def _copy(data: bytes, rng: random.Random) -> bytes:
    start, end = _span(data, rng, rng.choice((8, 64, 4096)))
    at = rng.randrange(len(data) + 1)
    return data[:at] + data[start:end] * rng.choice((1, 2, 50)) + data[at:]


def _token(data: bytes, rng: random.Random) -> bytes:
    at = rng.randrange(len(data) + 1)
    return data[:at] + rng.choice(TOKENS) + data[at:]


def _truncate(data: bytes, rng: random.Random) -> bytes:
    return data[: rng.randrange(len(data) + 1)]


def _declare(data: bytes, rng: random.Random) -> bytes:
    return _DECLARED.sub(b'encoding="' + rng.choice(ENCODINGS) + b'"', data, count=1)


def _leaf(data: bytes, rng: random.Random) -> bytes:
    leaves = list(_LEAF.finditer(data))
    if not leaves:
        return data
    leaf = rng.choice(leaves)
    start, end = leaf.span()
    tag = leaf.group(1)
    how = rng.randrange(4)
    if how == 0:  # delete
        return data[:start] + data[end:]
    if how == 1:  # double
        return data[:end] + leaf.group() + data[end:]
    if how == 2:  # refill
        filling = rng.choice((b"", b" ", b"x" * rng.randint(1, 300), rng.choice(TOKENS)))
        return data[:start] + b"<" + tag + b">" + filling + b"</" + tag + b">" + data[end:]
    return data[:start] + b"<" + tag + b"/>" + data[end:]  # empty


def _nest(data: bytes, rng: random.Random) -> bytes:
    depth = rng.choice((2, 50, 300))
    at = rng.randrange(len(data) + 1)
    return data[:at] + b"<N>" * depth + b"</N>" * depth + data[at:]


MUTATIONS: Final[tuple[Mutation, ...]] = (
    _flip,
    _cut,
    _copy,
    _token,
    _token,
    _truncate,
    _declare,
    _leaf,
    _leaf,
    _leaf,
    _nest,
)


def mutate(data: bytes, rng: random.Random, count: int | None = None) -> bytes:
    """``data`` after ``count`` random mutations (default: one, or up to five)."""
    if count is None:
        count = 1 if rng.random() < 0.5 else rng.randint(2, 5)
    for _ in range(count):
        data = rng.choice(MUTATIONS)(data, rng)
    return data


def zipped(data: bytes, rng: random.Random, member: str = "Eleves.xml") -> bytes:
    """``data`` as a zip: stored, deflated, bzip2 or lzma, maybe with odd extra
    entries, and maybe with its own bytes mutated afterwards."""
    method = rng.choice(
        (zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA)
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        extra = rng.randrange(6)
        if extra == 1:
            archive.writestr("__MACOSX/._" + member, b"\x00\x05\x16\x07")
        elif extra == 2:
            archive.writestr("folder/", b"")
        elif extra == 3:
            archive.writestr("Autre.xml", data[:100])
        archive.writestr(("export/" if extra == 4 else "") + member, data)
    raw = buffer.getvalue()
    if rng.random() < 0.5:
        for _ in range(rng.randint(1, 3)):
            raw = rng.choice((_flip, _flip, _cut, _truncate))(raw, rng)
    return raw
