"""SIECLE / BEE XML export source adapter (see ``docs/siecle.md``).

Import it only to embed it directly; applications reach it through
:meth:`educonnect_core.plugins.Plugins.open_source`.
"""

from __future__ import annotations

from .opening import open_siecle
from .reader import SOURCE_KIND, SiecleReader

__all__ = ["SOURCE_KIND", "SiecleReader", "open_siecle"]
