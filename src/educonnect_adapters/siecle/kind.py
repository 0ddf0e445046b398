"""The SIECLE source kind, and how to tell a BEE file, without the XML parser.

The plugin answers ``educonnect_source_kinds`` and recognises BEE files from
this module alone, so that an installation without the ``siecle`` extra (no
lxml) still runs every other source, and says what to install when it is given
SIECLE files.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

from .inputs import Input, Prolog, open_input

__all__ = ["SOURCE_KIND", "sniff"]

SOURCE_KIND: Final = "siecle"
_PREFIX: Final = "BEE_"


def sniff(path: Path, max_bytes: int) -> tuple[Input, Prolog] | None:
    """The input and prolog of ``path`` if it is a BEE file, else ``None``."""
    source = open_input(path, max_bytes)
    prolog = source.prolog()
    if prolog is None or not prolog.root.startswith(_PREFIX):
        return None
    return source, prolog
