"""The SIECLE source plugin: registered through the ``educonnect`` entry point.

Reading SIECLE exports needs lxml (the ``siecle`` extra); without it the plugin
still loads, other sources work, and SIECLE files are refused with what to install.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from educonnect_core.errors import SourceError
from educonnect_core.hookspecs import hookimpl
from educonnect_core.ports import ExportReader, SourceOptions

from .kind import SOURCE_KIND, sniff

__all__ = ["educonnect_open_source", "educonnect_source_kinds"]


@hookimpl
def educonnect_source_kinds() -> Sequence[str]:
    return (SOURCE_KIND,)


@hookimpl
def educonnect_open_source(paths: Sequence[Path], options: SourceOptions) -> ExportReader | None:
    try:
        from .opening import open_siecle
    except ImportError as exc:
        if exc.name != "lxml" and not str(exc.name or "").startswith("lxml."):
            raise
        siecle = [p for p in paths if sniff(Path(p), options.max_bytes) is not None]
        if not siecle:
            return None
        raise SourceError(
            "reading SIECLE exports needs lxml: pip install 'educonnect[siecle]'",
            file=str(siecle[0]),
        ) from None
    return open_siecle(paths, options)
