"""The one error hierarchy of the library.

Every error derives from :class:`EduconnectError` and, where one fits, from the
matching built-in, so callers may catch either.
"""

from __future__ import annotations

__all__ = [
    "ActionRefused",
    "ConcurrentModification",
    "EduconnectError",
    "InvalidValue",
    "NotFound",
    "PermissionDenied",
    "PluginError",
    "SourceError",
    "StorageError",
    "StoreUnavailable",
    "TransitionNotAllowed",
]


class EduconnectError(Exception):
    """Root of every error raised by educonnect."""


class InvalidValue(EduconnectError, ValueError):
    """A raw value could not be parsed into a value object.

    ``field`` names the value object or field, ``value`` is the raw input, and
    ``code`` is a stable machine-readable reason (e.g. ``NOT_A_MOBILE``).
    """

    def __init__(self, field: str, value: object, reason: str, code: str = "INVALID") -> None:
        self.field = field
        self.value = value
        self.reason = reason
        self.code = code
        super().__init__(f"{field}: {reason} (got {value!r})")


class SourceError(EduconnectError, ValueError):
    """An input file cannot be read; names the file, the line and the element."""

    def __init__(
        self,
        message: str,
        *,
        file: str,
        line: int | None = None,
        element: str | None = None,
    ) -> None:
        self.file = file
        self.line = line
        self.element = element
        self.message = message
        where = file
        if line is not None:
            where += f", line {line}"
        if element is not None:
            where += f", <{element}>"
        super().__init__(f"{where}: {message}")


class NotFound(EduconnectError, LookupError):
    """No object with that key exists (or the caller may not know it does)."""


class ActionRefused(EduconnectError):
    """An action cannot be carried out; ``reason_fr`` says why to a secretary."""

    def __init__(self, message: str, *, reason_fr: str | None = None) -> None:
        self.reason_fr = reason_fr or message
        super().__init__(message)


class TransitionNotAllowed(ActionRefused, ValueError):
    """The account's state machine has no transition for that event in that state."""

    def __init__(self, state: str, event: str, *, reason_fr: str | None = None) -> None:
        self.state = state
        self.event = event
        super().__init__(
            f"event {event!r} is not allowed in state {state!r}",
            reason_fr=reason_fr or f"action « {event} » impossible : le compte est « {state} »",
        )


class PermissionDenied(EduconnectError, PermissionError):
    """The acting person lacks a right; ``missing_right`` names it."""

    def __init__(self, missing_right: str, message: str | None = None) -> None:
        self.missing_right = missing_right
        super().__init__(message or f"permission denied: missing right {missing_right!r}")


class StorageError(EduconnectError, RuntimeError):
    """A storage backend failed or was misconfigured."""


class ConcurrentModification(StorageError):
    """A stale version of an object was saved over a newer one."""


class StoreUnavailable(StorageError):
    """The store failed while working (disk full, connection lost, lock timeout):
    the unit of work was rolled back; trying again later may succeed."""


class PluginError(EduconnectError, LookupError):
    """No plugin answers a request (unknown URL scheme, channel or source kind)."""
