"""The ONDE source plugin (entry point ``onde`` in the ``educonnect`` group).

The module's hooks use the default :class:`~.policy.LegalPolicy` (``ALL_LEGAL``).
To choose another policy, replace the registered plugin::

    plugins = Plugins.installed()
    plugins.manager.unregister(name="onde")
    plugins.register(OndeSource(LegalPolicy.UNKNOWN), "onde")
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from educonnect_core.hookspecs import hookimpl
from educonnect_core.ports import ExportReader, SourceOptions

from .policy import LegalPolicy
from .reader import SOURCE_KIND, open_onde

__all__ = ["OndeSource", "educonnect_open_source", "educonnect_source_kinds"]


class OndeSource:
    """The ONDE source hooks with a chosen legal-status policy."""

    def __init__(self, legal_policy: LegalPolicy = LegalPolicy.ALL_LEGAL) -> None:
        self.legal_policy = legal_policy

    @hookimpl
    def educonnect_open_source(
        self, paths: Sequence[Path], options: SourceOptions
    ) -> ExportReader | None:
        return open_onde(paths, options, self.legal_policy)

    @hookimpl
    def educonnect_source_kinds(self) -> Sequence[str]:
        return (SOURCE_KIND,)


_DEFAULT = OndeSource()


@hookimpl
def educonnect_open_source(paths: Sequence[Path], options: SourceOptions) -> ExportReader | None:
    """Open an ONDE Élèves + Responsables pair; ``None`` for files that are not ONDE's."""
    return _DEFAULT.educonnect_open_source(paths, options)


@hookimpl
def educonnect_source_kinds() -> Sequence[str]:
    return _DEFAULT.educonnect_source_kinds()
