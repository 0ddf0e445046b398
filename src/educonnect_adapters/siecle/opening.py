"""Telling SIECLE files from others, and opening them as one :class:`SiecleReader`."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from educonnect_core.errors import SourceError
from educonnect_core.ports import SourceOptions
from educonnect_core.sources import ReadOptions

from .envelope import FileKind
from .kind import sniff
from .reader import SiecleFile, SiecleReader

__all__ = ["open_siecle", "sniff"]


def open_siecle(paths: Sequence[Path], options: SourceOptions | None = None) -> SiecleReader | None:
    """Open ``paths`` as one SIECLE export, or ``None`` when none is a BEE file.

    Raises :class:`SourceError` when some files are BEE files and others are
    not, when a BEE file is of an unknown kind, or when a file cannot be read.
    """
    options = options or ReadOptions()
    found = [(Path(p), sniff(Path(p), options.max_bytes)) for p in paths]
    if all(hit is None for _, hit in found):
        return None
    files = []
    for path, hit in found:
        if hit is None:
            raise SourceError(
                "not a SIECLE export (no BEE_ELEVES, BEE_RESPONSABLES or BEE_STRUCTURES root)",
                file=str(path),
            )
        source, prolog = hit
        try:
            kind = FileKind(prolog.root)
        except ValueError:
            raise SourceError(
                f"unknown kind of SIECLE file <{prolog.root}>",
                file=source.name,
                element=prolog.root,
            ) from None
        files.append(SiecleFile(source, prolog, kind))
    return SiecleReader(files, options)
