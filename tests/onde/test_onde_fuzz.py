"""Fuzzing the ONDE reader through the path ``check`` takes: a mutated pair is read
fully, or refused with a :class:`SourceError`; never another exception.

Valid pairs (every encoding, quoting style and line end of ``onde_samples``) are
mutated at the byte level (bytes inserted, replaced, deleted, duplicated; the file
cut) and at the structure level (cells and rows dropped, doubled, swapped, emptied,
lengthened, quoted), then opened with :func:`~educonnect_adapters.cli.exports.open_export`
and planned with :func:`~educonnect_adapters.cli.check.build_report`, as
``educonnect check`` does. ``--hypothesis-show-statistics`` tells how many pairs
were read fully and how many refused.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from educonnect_adapters.cli.check import build_report
from educonnect_adapters.cli.exports import open_export
from educonnect_adapters.onde.reader import kinds_of
from educonnect_core.errors import PluginError, SourceError
from educonnect_core.plugins import Plugins

from .onde_samples import ELEVES, UAI, Quoting, Row, render, responsables

AT = dt.datetime(2026, 1, 12, 15, 0, tzinfo=dt.UTC)
PLUGINS = Plugins.installed()

#: Bytes that CSV, the encodings and the reader care about, and any byte.
SPICY = st.one_of(
    st.sampled_from(
        [b'"', b";", b"\r", b"\n", b"\r\n", b"\x00", b"\xff", b"\xc3", b"\xe9", b"\x81",
         b"\x8c", b"\xbc", b"\xef\xbb\xbf", b"\xff\xfe", b"\x1b[2J", b'"";', b";;;;;;;;"]
    ),
    st.binary(min_size=1, max_size=4),
)  # fmt: skip


ROW_OPS = ["drop-cell", "add-cell", "empty", "long", "quote", "text"]
ROW_OPS += ["drop-row", "double-row", "swap-rows", "empty-row"]


@st.composite
def structure(draw: st.DrawFn, rows: list[Row]) -> list[list[str]]:
    """``rows`` with a few cell and row mutations."""
    table = [list(r) for r in rows]
    for _ in range(draw(st.integers(0, 4))):
        r = draw(st.integers(0, len(table) - 1))
        row = table[r]
        op = draw(st.sampled_from(ROW_OPS))
        c = draw(st.integers(0, max(len(row) - 1, 0)))
        if op == "drop-cell" and row:
            del row[c]
        elif op == "add-cell":
            row.insert(c, draw(st.text(max_size=5)))
        elif op == "empty" and row:
            row[c] = ""
        elif op == "long" and row:
            row[c] = "x" * draw(st.sampled_from([1000, 200_000]))
        elif op == "quote" and row:
            row[c] = '"' + row[c]
        elif op == "text" and row:
            row[c] = draw(st.text(max_size=8))
        elif op == "drop-row" and len(table) > 1:
            del table[r]
        elif op == "double-row":
            table.insert(r, list(row))
        elif op == "swap-rows":
            other = draw(st.integers(0, len(table) - 1))
            table[r], table[other] = table[other], table[r]
        elif op == "empty-row":
            table[r] = []
    return table


@st.composite
def bytes_mutated(draw: st.DrawFn, data: bytes) -> bytes:
    """``data`` with a few byte mutations."""
    for _ in range(draw(st.integers(0, 4))):
        at = draw(st.integers(0, len(data)))
        op = draw(st.sampled_from(["insert", "replace", "delete", "duplicate", "cut"]))
        if op == "insert":
            data = data[:at] + draw(SPICY) + data[at:]
        elif op == "replace":
            data = data[:at] + draw(SPICY) + data[at + 1 :]
        elif op == "delete":
            data = data[:at] + data[at + draw(st.integers(1, 40)) :]
        elif op == "duplicate":
            data = data[:at] + data[at : at + 60] + data[at:]
        else:
            data = data[:at]
    return data


@st.composite
def onde_file(draw: st.DrawFn, rows: list[Row]) -> bytes:
    table = draw(structure(rows))
    quoting: Quoting = draw(st.sampled_from(["none", "non-empty", "all"]))
    newline = draw(st.sampled_from(["\r\n", "\n"]))
    encoding = draw(st.sampled_from(["cp1252", "utf-8", "utf-8-sig", "iso8859-15"]))
    text = render(table, quoting, newline)
    data = text.encode(encoding, errors="replace")
    return draw(bytes_mutated(data))


@settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(eleves=onde_file(list(ELEVES)), resps=onde_file(responsables()))
def test_a_mutated_pair_is_read_or_refused_with_a_source_error(
    tmp_path_factory: pytest.TempPathFactory, eleves: bytes, resps: bytes
) -> None:
    folder = tmp_path_factory.mktemp("fuzz")
    paths = [folder / "eleves.csv", folder / "responsables.csv"]
    for path, data in zip(paths, (eleves, resps), strict=True):
        path.write_bytes(data)
    try:
        reader = open_export(PLUGINS, paths, UAI, AT)
    except SourceError:
        event("refused when opened")
        return
    except PluginError:  # no source recognises either file: neither header is ONDE's
        assert not any(kinds_of(paths).values())
        event("recognised by no source")
        return
    try:
        build_report(reader, AT)
        event("read fully")
    except SourceError:
        event("refused while read")
    finally:
        reader.close()
