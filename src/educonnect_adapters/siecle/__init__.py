"""SIECLE / BEE XML export source adapter (see ``docs/siecle.md``; the ``siecle``
extra, for lxml).

Import it only to embed it directly; applications reach it through
:meth:`educonnect_core.plugins.Plugins.open_source`. The reader is imported on
first use, so that the plugin loads without lxml.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .kind import SOURCE_KIND

if TYPE_CHECKING:
    from .opening import open_siecle
    from .reader import SiecleReader

__all__ = ["SOURCE_KIND", "SiecleReader", "open_siecle"]


def __getattr__(name: str) -> Any:
    if name == "open_siecle":
        from .opening import open_siecle

        return open_siecle
    if name == "SiecleReader":
        from .reader import SiecleReader

        return SiecleReader
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
