"""The SIECLE source plugin: registered through the ``educonnect`` entry point."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from educonnect_core.hookspecs import hookimpl
from educonnect_core.ports import ExportReader, SourceOptions

from .opening import open_siecle
from .reader import SOURCE_KIND

__all__ = ["educonnect_open_source", "educonnect_source_kinds"]


@hookimpl
def educonnect_source_kinds() -> Sequence[str]:
    return (SOURCE_KIND,)


@hookimpl
def educonnect_open_source(paths: Sequence[Path], options: SourceOptions) -> ExportReader | None:
    return open_siecle(paths, options)
