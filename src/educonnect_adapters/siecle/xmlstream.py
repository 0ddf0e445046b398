"""Streaming, hardened XML reading of one input.

An ``lxml.etree.XMLPullParser`` with every network and entity feature off, told
the encoding (one of :data:`~.inputs.ENCODINGS`, never left to guess), reports
only the record elements asked for. Memory stays bounded by one record whatever
the file holds:

* each record is cleared once the consumer has moved on, with its already-read
  siblings;
* after each chunk fed to the parser, every finished element outside the record
  being read is deleted, tagged or not (the open elements are the last child at
  each level; everything before them is done);
* a record may not grow beyond :data:`RECORD_LIMIT` bytes of input, nor may
  any run of bytes without ``>`` (which the parser would buffer whole).

Given a :class:`Layout`, every element deleted unread is looked at once: one of a
kind the reader does not know (a section, or a record in a known section) is
counted in :attr:`StreamFacts.unread`, so that nothing is dropped silently.

A DTD found on the document once its root has started (whatever encoding trick
hid the ``<!DOCTYPE`` from the prolog check) is refused. Locating the element at
fault in a malformed file reads the input once more, keeping a bounded window.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Iterator, Mapping
from typing import Final

import attrs
from lxml import etree

from educonnect_core.errors import SourceError

from .inputs import ENCODINGS, BoundedReader, Input

__all__ = [
    "ENCODING_ERRORS",
    "FEED",
    "RECORD_LIMIT",
    "EncodingError",
    "Layout",
    "StreamFacts",
    "fields_of",
    "iter_records",
]

#: libxml2 error codes that mean "bytes not valid in the encoding in force".
ENCODING_ERRORS: Final = frozenset({9, 81})
#: Bytes fed to the parser at a time (what lies between two prunings).
FEED: Final = 64 * 1024
#: The most input one record (or the wait for the root element) may span.
RECORD_LIMIT: Final = 1 << 20
#: Bytes kept across chunks when locating an error (a longer tag name is cut).
WINDOW: Final = 256
_OPEN_TAG = re.compile(rb"<([A-Za-z_][A-Za-z0-9_.-]*)")


class EncodingError(SourceError):
    """The bytes are not valid in the encoding in force (the file may lie about it)."""


@attrs.define
class StreamFacts:
    """What a complete read saw: of the bytes (to catch a lying encoding
    declaration), and the elements of unknown kinds, path → how many."""

    utf8_valid: bool = True
    non_ascii: bool = False
    unread: Counter[str] = attrs.Factory(Counter)


@attrs.frozen
class Layout:
    """The elements a reader knows below the root, as paths (``DONNEES/ELEVES``).

    ``containers`` hold elements whose kinds are checked (the root is ``""``);
    ``leaves`` are read whole (records, ``PARAMETRES``) and never looked into.
    """

    containers: frozenset[str]
    leaves: frozenset[str]

    @classmethod
    def of_sections(cls, sections: Mapping[str, str], *, blocks: Collection[str] = ()) -> Layout:
        """``DONNEES`` holding each section (its name → its records' tag), plus the
        root's ``blocks`` read whole (``PARAMETRES``)."""
        containers = {"", "DONNEES", *(f"DONNEES/{name}" for name in sections)}
        leaves = {*blocks, *(f"DONNEES/{name}/{tag}" for name, tag in sections.items())}
        return cls(frozenset(containers), frozenset(leaves))


class _Census:
    """Counts the elements of unknown kinds as they are deleted."""

    def __init__(self, layout: Layout, wanted: frozenset[str]) -> None:
        self._layout = layout
        self.wanted = wanted
        self.unread: Counter[str] = Counter()

    def drop(self, element: etree._Element) -> None:
        """Look at ``element`` before it is deleted (records read are skipped at once)."""
        tag = element.tag
        if not isinstance(tag, str) or tag in self.wanted:
            return
        parent = element.getparent()
        within = _path(parent) if parent is not None else None
        if within is None or within not in self._layout.containers:
            return
        path = f"{within}/{tag}" if within else tag
        if path in self._layout.containers:
            for child in element:
                self.drop(child)
        elif path not in self._layout.leaves:
            self.unread[path] += 1


def _path(element: etree._Element) -> str:
    """``element``'s tags from below the root (``""`` for the root itself)."""
    tags: list[str] = []
    parent = element.getparent()
    while parent is not None:
        tags.append(str(element.tag))
        element, parent = parent, parent.getparent()
    return "/".join(reversed(tags))


def iter_records(
    source: Input,
    tags: Collection[str],
    *,
    root: str | None = None,
    encoding: str | None = None,
    facts: StreamFacts | None = None,
    layout: Layout | None = None,
) -> Iterator[etree._Element]:
    """Yield each element whose tag is in ``tags``, at its end, then clear it.

    ``root`` is the root element's tag (as the prolog told it); ``encoding``
    the Python codec to read in. A malformed file, one with a DTD, one over the
    size bound or a record over :data:`RECORD_LIMIT` raises :class:`SourceError`
    with file, line and element.
    """
    wanted = frozenset(tags)
    parser = etree.XMLPullParser(
        events=("start", "end"),
        tag=(*wanted, root) if root else tuple(wanted),
        encoding=ENCODINGS.get(encoding, encoding) if encoding else None,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    census = _Census(layout, wanted) if layout is not None else None
    with source.open() as stream:
        state = _State(source, stream, root, census)
        try:
            while chunk := stream.read(FEED):
                state.markup(chunk)
                parser.feed(chunk)
                for element in state.records(parser.read_events()):
                    yield element
                    _release(element, census)
                state.prune(wanted)
            parser.close()
            for element in state.records(parser.read_events()):
                yield element
                _release(element, census)
        except etree.XMLSyntaxError as exc:
            raise malformed(source, exc, encoding) from None
        state.finish()
        stream.finish()
        if facts is not None:
            facts.utf8_valid, facts.non_ascii = stream.utf8_valid, stream.non_ascii
            if census is not None:
                facts.unread = census.unread


class _State:
    """The root, once started, and the record being read (where it began)."""

    def __init__(
        self, source: Input, stream: BoundedReader, root: str | None, census: _Census | None
    ) -> None:
        self._source = source
        self._census = census
        self._stream = stream
        self._root = root
        self._top: etree._Element | None = None
        self._open = 0
        self._began = 0
        self._first: etree._Element | None = None
        self._run = 0  # bytes since the last ">"

    def records(self, events: Iterator[tuple[str, etree._Element]]) -> Iterator[etree._Element]:
        """The records ending among ``events``; notes the root and open records."""
        for event, element in events:
            if self._top is None:
                self._top = element.getroottree().getroot()
                _refuse_dtd(self._top, self._source)
            if element is self._top:
                continue
            if event == "start":
                self._open += 1
                if self._open == 1:
                    self._began, self._first = self._stream.count, element
                continue
            self._open -= 1
            if not self._open:
                self._first = None
            yield element

    def markup(self, chunk: bytes) -> None:
        """Refuse a run of :data:`RECORD_LIMIT` bytes without ``>`` before the parser
        buffers it whole (a start tag of a million attributes, say)."""
        end = chunk.rfind(b">")
        self._run = self._run + len(chunk) if end < 0 else len(chunk) - end - 1
        if self._run > RECORD_LIMIT:
            raise SourceError(
                f"more than {RECORD_LIMIT} bytes without a '>' (a tag, comment or text that "
                "long is refused)",
                file=self._source.name,
                line=self._stream.lines,
            )

    def prune(self, wanted: frozenset[str]) -> None:
        """Delete what is finished outside the open record; bound the open record."""
        top = self._top
        if top is None:
            if self._stream.count > RECORD_LIMIT:
                what = (
                    f"no <{self._root}> root element (without namespace)"
                    if self._root
                    else ("no record")
                )
                raise SourceError(
                    f"{what} in the first {RECORD_LIMIT} bytes", file=self._source.name
                )
            return
        node = top
        while (count := len(node)) > 0:
            if count > 1:
                if self._census is not None:
                    for child in node[: count - 1]:
                        self._census.drop(child)
                del node[: count - 1]
            node = node[0]
            if node.tag in wanted:
                break
        if self._open and self._stream.count - self._began > RECORD_LIMIT:
            first = self._first
            raise SourceError(
                f"record larger than {RECORD_LIMIT} bytes",
                file=self._source.name,
                line=first.sourceline if first is not None else None,
                element=str(first.tag) if first is not None else None,
            )

    def finish(self) -> None:
        if self._top is not None:
            _refuse_dtd(self._top, self._source)
            if self._census is not None:
                for child in self._top:
                    self._census.drop(child)


def _refuse_dtd(top: etree._Element, source: Input) -> None:
    info = top.getroottree().docinfo
    if info.internalDTD is not None or info.externalDTD is not None or info.doctype:
        raise SourceError(
            "DOCTYPE declarations are refused (no DTD, no entity may be declared)",
            file=source.name,
            element="!DOCTYPE",
        )


def _release(element: etree._Element, census: _Census | None) -> None:
    element.clear(keep_tail=True)
    parent = element.getparent()
    if parent is None:
        return
    if census is None:
        while element.getprevious() is not None:
            del parent[0]
    else:
        while (previous := element.getprevious()) is not None:
            if previous.tag not in census.wanted or previous is not parent[0]:
                census.drop(parent[0])
            del parent[0]
    grandparent = parent.getparent()
    if grandparent is not None:
        while parent.getprevious() is not None:
            if census is not None:
                census.drop(grandparent[0])
            del grandparent[0]


def malformed(source: Input, exc: etree.XMLSyntaxError, encoding: str | None) -> SourceError:
    """A :class:`SourceError` for a syntax error: file, line and the element at fault."""
    position: tuple[int | None, int] = exc.position if exc.position else (exc.lineno, 0)
    line, column = position[0] or None, position[1]
    message = " ".join(str(exc.msg).split())
    message = re.sub(r", line \d+, column \d+$", "", message)
    element = _element_at(source, line, column) if line else None
    kind = EncodingError if exc.code in ENCODING_ERRORS else SourceError
    return kind(f"malformed XML: {message}", file=source.name, line=line, element=element)


def _element_at(source: Input, line: int, column: int) -> str | None:
    """The last tag opened at or before (line, column): the element being parsed.

    One pass over the input; only :data:`WINDOW` bytes are kept between chunks
    (the encodings accepted all write ``<`` and ASCII names as ASCII bytes).
    """
    finder = _LastTag()
    try:
        with source.open() as stream:
            number, done = 1, 0  # line at the chunk's start; bytes of it before the chunk
            while chunk := stream.read(FEED):
                start = 0
                while number < line and (newline := chunk.find(b"\n", start)) >= 0:
                    number, done, start = number + 1, 0, newline + 1
                if number < line:
                    finder.feed(chunk)
                    done += len(chunk) - start
                    continue
                end = chunk.find(b"\n", start) if column <= 0 else start + column - done
                if 0 <= end <= len(chunk):
                    finder.feed(chunk[:end])
                    break
                finder.feed(chunk)
                done += len(chunk) - start
    except (SourceError, OSError):
        pass
    return finder.last


class _LastTag:
    """The last ``<name`` in the bytes fed, keeping only a window between feeds."""

    def __init__(self) -> None:
        self.last: str | None = None
        self._carry = b""

    def feed(self, data: bytes) -> None:
        text = self._carry + data
        if found := _OPEN_TAG.findall(text):
            self.last = found[-1].decode("ascii")
        self._carry = text[-WINDOW:]


def fields_of(element: etree._Element) -> dict[str, str | None]:
    """The record's child elements as tag → text (first occurrence wins)."""
    fields: dict[str, str | None] = {}
    for child in element:
        tag = child.tag
        if isinstance(tag, str) and tag not in fields:
            fields[tag] = child.text
    return fields
