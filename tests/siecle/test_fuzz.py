"""Fuzzing the SIECLE reader: a mutated input is read fully or refused cleanly.

Byte- and structure-level mutations (:mod:`educonnect_adapters.siecle.mutants`)
of a valid export, plain or zipped, opened and read as ``educonnect check`` does
(:func:`~educonnect_adapters.cli.exports.open_export` over the SIECLE plugin,
every stream read, the reader closed): the outcome is a complete read, or a
:class:`SourceError` (a :class:`PluginError` when the file is no SIECLE file at
all), never another exception; once opened, the streams never fail.
"""

from __future__ import annotations

import datetime as dt
import random
import tempfile
from collections.abc import Sequence
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from educonnect_adapters.cli.exports import open_export
from educonnect_adapters.siecle import plugin as siecle_plugin
from educonnect_adapters.siecle.mutants import mutate, zipped
from educonnect_core.errors import PluginError, SourceError
from educonnect_core.plugins import Plugins

from .conftest import simple_export, structures_xml

AT = dt.datetime(2026, 1, 12, 9, 0, tzinfo=dt.UTC)
BASES = {
    encoding: tuple(
        text.encode(encoding)
        for text in (
            *simple_export(encoding=encoding),
            structures_xml("3A", "6 B", encoding=encoding),
        )
    )
    for encoding in ("ISO-8859-15", "UTF-8")
}
NAMES = ("ElevesSansAdresses.xml", "ResponsablesAvecAdresses.xml", "Structures.xml")
FUZZ = settings(
    max_examples=600,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def read_like_the_cli(paths: Sequence[Path]) -> str:
    """``read`` or ``refused``; any other exception escapes."""
    plugins = Plugins()
    plugins.register(siecle_plugin, "siecle")
    try:
        reader = open_export(plugins, paths, None, AT)
    except (SourceError, PluginError):
        return "refused"
    try:
        assert reader.school.uai
        for stream in (reader.eleves, reader.responsables, reader.links):
            for _ in stream():
                pass
        assert all(f.file for f in reader.findings)
    finally:
        reader.close()
    return "read"


def _case(rng: random.Random, which: int, encoding: str, zip_it: bool) -> list[tuple[str, bytes]]:
    files = list(BASES[encoding])
    files[which] = mutate(files[which], rng)
    names = list(NAMES)
    if zip_it:
        files[which] = zipped(files[which], rng, member=names[which])
        names[which] = names[which].replace(".xml", ".zip")
    return list(zip(names, files, strict=True))


def _run(files: list[tuple[str, bytes]]) -> str:
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for name, data in files:
            path = Path(folder) / name
            path.write_bytes(data)
            paths.append(path)
        return read_like_the_cli(paths)


@FUZZ
@given(
    rng=st.randoms(use_true_random=False),
    which=st.sampled_from([0, 1, 2]),
    encoding=st.sampled_from(sorted(BASES)),
)
def test_a_mutated_plain_file_is_read_or_refused(
    rng: random.Random, which: int, encoding: str
) -> None:
    assert _run(_case(rng, which, encoding, zip_it=False)) in ("read", "refused")


@FUZZ
@given(
    rng=st.randoms(use_true_random=False),
    which=st.sampled_from([0, 1, 2]),
    encoding=st.sampled_from(sorted(BASES)),
)
def test_a_mutated_zip_is_read_or_refused(rng: random.Random, which: int, encoding: str) -> None:
    assert _run(_case(rng, which, encoding, zip_it=True)) in ("read", "refused")


def test_the_unmutated_export_is_read() -> None:
    for encoding in BASES:
        files = list(zip(NAMES, BASES[encoding], strict=True))
        assert _run(files) == "read"
