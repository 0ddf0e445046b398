"""Ports: the Protocols through which the core reaches the outside world.

The core never reads the wall clock, draws random numbers, opens files, sockets
or databases itself: it is handed objects that satisfy these Protocols.
Adapters (``educonnect_adapters``) implement them; fakes for tests live in
``educonnect_core.testing``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from pathlib import PurePath
from types import TracebackType
from typing import Protocol, Self, runtime_checkable

from .channels import Channel
from .findings import Finding
from .people import Eleve, Link, Responsable, School
from .signins import SignIn
from .storage import Store  # the full storage contract: educonnect_core.storage

__all__ = [
    "Channel",
    "Clock",
    "ClosedOnExit",
    "ExportReader",
    "RandomSource",
    "SignInFeed",
    "SourceOptions",
    "Store",
]


@runtime_checkable
class Clock(Protocol):
    """Tells the time. ``now()`` returns an aware datetime."""

    def now(self) -> dt.datetime: ...


@runtime_checkable
class RandomSource(Protocol):
    """A cryptographically secure source of randomness."""

    def token_bytes(self, n: int) -> bytes: ...

    def choice(self, alphabet: str) -> str:
        """One character of ``alphabet``, uniformly."""
        ...


class ClosedOnExit:
    """Mixin of a port holding resources: ``with x:`` gives ``x`` and calls
    ``x.close()`` on the way out (the class defines ``close``)."""

    __slots__ = ()

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


@runtime_checkable
class ExportReader(Protocol):
    """One school's export, opened by a source adapter, read as streams.

    ``school`` is known once the reader is opened. ``eleves()``,
    ``responsables()`` and ``links()`` may each be iterated once, in that order;
    ``findings`` is complete once all three are exhausted. A malformed file
    raises :class:`~educonnect_core.errors.SourceError` (file, line, element)
    when opened or while iterated; field-level problems are findings.
    ``kind`` names the source kind (``"siecle"``, ``"onde"``: one of the
    plugin's ``educonnect_source_kinds``). ``files`` are the files read (for
    messages). A reader may hold temporary files: ``close()`` releases them
    (idempotent), and a reader is a context manager that closes it on exit
    (subclass :class:`ClosedOnExit` for both ``__enter__`` and ``__exit__``).
    """

    @property
    def kind(self) -> str: ...

    @property
    def school(self) -> School: ...

    def eleves(self) -> Iterator[Eleve]: ...

    def responsables(self) -> Iterator[Responsable]: ...

    def links(self) -> Iterator[Link]: ...

    @property
    def findings(self) -> Sequence[Finding]: ...

    @property
    def files(self) -> Sequence[str | PurePath]: ...

    def close(self) -> None: ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...


class SourceOptions(Protocol):
    """Options handed to source adapters (see :class:`educonnect_core.sources.ReadOptions`)."""

    @property
    def expected_uai(self) -> str | None: ...

    @property
    def max_bytes(self) -> int: ...

    @property
    def as_of(self) -> dt.date | None:
        """The day that decides who has left and, for files that carry no school
        year, which year it is; ``None``: the export's own date."""
        ...


@runtime_checkable
class SignInFeed(Protocol):
    """Sign-ins a service behind EduConnect logged, opened by a feed adapter.

    ``sign_ins()`` may be iterated once; it yields each readable sign-in with its
    position in the feed (the line of a JSON Lines file, from 1). A record that
    cannot be read is skipped and reported in ``findings`` (complete once the
    iteration is exhausted), naming the file, the line and the attribute.
    ``kind`` is one of the plugin's ``educonnect_sign_in_feed_kinds``.
    """

    @property
    def kind(self) -> str: ...

    def sign_ins(self) -> Iterator[tuple[SignIn, int]]: ...

    @property
    def findings(self) -> Sequence[Finding]: ...
