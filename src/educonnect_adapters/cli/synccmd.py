"""``educonnect sync FILE...``: apply a new export of a school (the nightly run).

The same command as ``import``
(:func:`~educonnect_adapters.cli.exports.apply_export`): new accounts, updated
source data, deactivations and reactivations, links, all in one unit of work,
then the changeset: counts, the routes each change opens or closes, and with
``--details`` every change field by field (old → new). ``--dry-run`` computes
the same changeset and writes nothing; an export older than the last one
applied is refused unless ``--force``. Exports without an export time (ONDE)
are ordered by ``--exported-at`` or the files' modification time.
"""

from __future__ import annotations

from typing import Any

from .exports import register_apply

__all__ = ["register"]


def register(sub: Any) -> None:
    register_apply(
        sub,
        "sync",
        "synchroniser avec un nouvel export / apply a new export (changeset)",
        "Apply a new export to the store and show what changed.",
    )
