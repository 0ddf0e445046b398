"""What a CLI test run returns (exit code and captured output)."""

from __future__ import annotations

from collections.abc import Callable

import attrs


@attrs.frozen
class Outcome:
    code: int
    out: str
    err: str


Run = Callable[..., Outcome]
