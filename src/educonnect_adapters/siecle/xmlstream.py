"""Streaming, hardened XML reading of one input.

``lxml.etree.iterparse`` with every network and entity feature off, reporting
only the record elements asked for; each record is cleared once the consumer
has moved on, with its already-read siblings (and finished sections), so memory
stays bounded by one record whatever the file size.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator
from typing import Final

import attrs
from lxml import etree

from educonnect_core.errors import SourceError

from .inputs import Input

__all__ = ["ENCODING_ERRORS", "EncodingError", "StreamFacts", "fields_of", "iter_records"]

#: libxml2 error codes that mean "bytes not valid in the encoding in force".
ENCODING_ERRORS: Final = frozenset({9, 81})
_OPEN_TAG = re.compile(r"<([A-Za-z_][A-Za-z0-9_.-]*)")


class EncodingError(SourceError):
    """The bytes are not valid in the encoding in force (the file may lie about it)."""


@attrs.define
class StreamFacts:
    """What a complete read saw of the bytes (to catch a lying encoding declaration)."""

    utf8_valid: bool = True
    non_ascii: bool = False


def iter_records(
    source: Input,
    tags: Collection[str],
    *,
    encoding: str | None = None,
    facts: StreamFacts | None = None,
) -> Iterator[etree._Element]:
    """Yield each element whose tag is in ``tags``, at its end, then clear it.

    ``encoding`` overrides the declared one. A malformed file, or one over the
    size bound, raises :class:`SourceError` with file, line and element.
    """
    with source.open() as stream:
        events = etree.iterparse(
            stream,
            events=("end",),
            tag=tuple(tags),
            encoding=encoding,
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            dtd_validation=False,
            huge_tree=False,
            remove_comments=True,
            remove_pis=True,
        )
        try:
            for _event, element in events:
                yield element
                _release(element)
        except etree.XMLSyntaxError as exc:
            raise malformed(source, exc, encoding) from None
        stream.finish()
        if facts is not None:
            facts.utf8_valid, facts.non_ascii = stream.utf8_valid, stream.non_ascii


def _release(element: etree._Element) -> None:
    element.clear(keep_tail=True)
    parent = element.getparent()
    if parent is None:
        return
    while element.getprevious() is not None:
        del parent[0]
    grandparent = parent.getparent()
    if grandparent is not None:
        while parent.getprevious() is not None:
            del grandparent[0]


def malformed(source: Input, exc: etree.XMLSyntaxError, encoding: str | None) -> SourceError:
    """A :class:`SourceError` for a syntax error: file, line and the element at fault."""
    position: tuple[int | None, int] = exc.position if exc.position else (exc.lineno, 0)
    line, column = position[0] or None, position[1]
    message = " ".join(str(exc.msg).split())
    message = re.sub(r", line \d+, column \d+$", "", message)
    element = _element_at(source, line, column, encoding) if line else None
    kind = EncodingError if exc.code in ENCODING_ERRORS else SourceError
    return kind(f"malformed XML: {message}", file=source.name, line=line, element=element)


def _element_at(source: Input, line: int, column: int, encoding: str | None) -> str | None:
    """The last tag opened at or before (line, column): the element being parsed."""
    last: str | None = None
    try:
        with source.open() as stream:
            number = 0
            pending = b""
            while number < line:
                chunk = stream.read(1 << 16)
                if not chunk:
                    break
                lines = (pending + chunk).split(b"\n")
                pending = lines.pop()
                for raw in lines:
                    number += 1
                    cut = raw if number < line else raw[: column or None]
                    if found := _OPEN_TAG.findall(cut.decode(encoding or "latin-1", "replace")):
                        last = found[-1]
                    if number >= line:
                        break
            if number < line and pending:
                text = pending[: column or None].decode(encoding or "latin-1", "replace")
                if found := _OPEN_TAG.findall(text):
                    last = found[-1]
    except (SourceError, OSError):
        return last
    return last


def fields_of(element: etree._Element) -> dict[str, str | None]:
    """The record's child elements as tag → text (first occurrence wins)."""
    fields: dict[str, str | None] = {}
    for child in element:
        tag = child.tag
        if isinstance(tag, str) and tag not in fields:
            fields[tag] = child.text
    return fields
