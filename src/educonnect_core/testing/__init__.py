"""Testing kit shipped with educonnect: fakes, Hypothesis strategies, contract
suites for adapter authors, and a pytest plugin (entry point ``pytest11``)."""

from __future__ import annotations

from .fakes import FixedClock, SeededRandom

__all__ = ["FixedClock", "SeededRandom"]
