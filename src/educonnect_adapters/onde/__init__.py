"""Source adapter for ONDE (1st degree) CSV extractions: Élèves and Responsables.

See ``docs/onde.md`` for the layouts read, the keys, the linking and merge rules
and the legal-status policy.
"""

from __future__ import annotations

from .plugin import OndeSource
from .policy import LegalPolicy
from .reader import SOURCE_KIND, OndeReader, open_onde

__all__ = ["SOURCE_KIND", "LegalPolicy", "OndeReader", "OndeSource", "open_onde"]
