"""``educonnect import FILE...``: load a school's export into the store.

The same command as ``sync`` (:func:`~educonnect_adapters.cli.exports.apply_export`):
the export is planned against what the store holds and applied in one unit of
work. On a school the store does not hold yet it opens every account; on a
school it holds it applies the same rules as ``sync`` (an older export refused
unless ``--force``, the mass-deactivation guard, an entry in the trend).
``--dry-run`` computes the changeset and writes nothing.
"""

from __future__ import annotations

from typing import Any

from .exports import register_apply

__all__ = ["register"]


def register(sub: Any) -> None:
    register_apply(
        sub,
        "import",
        "importer un export (SIECLE, ONDE) / import an export",
        "Apply a school's export to the account store (all or nothing); the same rules as sync.",
    )
