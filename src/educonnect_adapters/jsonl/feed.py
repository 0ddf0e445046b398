"""A JSON Lines file of sign-ins: one JSON object per line (UTF-8, gzip allowed).

A line is one of:

* the OIDC userinfo claims themselves (``{"FrEduCtId": "…", "sn": "…", …}``);
* ``{"claims": {…userinfo…}, "received_at": "2026-11-20T08:15:00+01:00"}``;
* ``{"saml": {"urn:oid:…": ["…"], …}, "received_at": "…"}`` (attribute name,
  OID or friendly, to its values).

``received_at`` (ISO 8601 with an offset) is the time the service received the
sign-in; it is used when the claims carry no ``FrEduCtDateConnexion``. Blank
lines are skipped. A line that cannot be read is reported as a finding (file,
line, attribute) and the others are read.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Final

import attrs

from educonnect_core.errors import InvalidValue, SourceError
from educonnect_core.findings import Finding, Severity
from educonnect_core.signins import SignIn

__all__ = ["KIND", "MAX_LINE_BYTES", "JsonLinesFeed", "looks_like_jsonl"]

KIND: Final = "jsonl"
#: a longer line is reported and skipped (no claim set comes near it)
MAX_LINE_BYTES: Final = 1 << 20
_SUFFIXES: Final = (".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz")


def _open(path: Path) -> IO[bytes] | gzip.GzipFile:
    if path.name.endswith(".gz"):
        return gzip.GzipFile(path, "rb")
    return path.open("rb")


def looks_like_jsonl(path: Path) -> bool:
    """By name (``.jsonl``, ``.ndjson``, gzipped or not), or a first line that is
    a JSON object."""
    if path.name.lower().endswith(_SUFFIXES):
        return True
    try:
        with path.open("rb") as handle:
            head = handle.read(512).lstrip()
    except OSError:
        return False
    return head.startswith(b"{") and b"FrEduCt" in head


def _finding(path: Path, line: int, message: str, field: str | None = None) -> Finding:
    return Finding(
        "UNREADABLE_SIGN_IN", Severity.ERROR, message, file=str(path), line=line, field=field
    )


def _received_at(raw: object) -> dt.datetime:
    if not isinstance(raw, str):
        raise InvalidValue("received_at", raw, "expected an ISO 8601 time with its offset")
    try:
        value = dt.datetime.fromisoformat(raw)
    except ValueError:
        raise InvalidValue(
            "received_at", raw, "expected an ISO 8601 time with its offset"
        ) from None
    if value.tzinfo is None:
        raise InvalidValue("received_at", raw, "expected an offset (+01:00, Z)")
    if not 2000 <= value.year <= 2999:
        raise InvalidValue("received_at", raw, "expected a year from 2000 to 2999")
    return value


def parse_line(data: object) -> SignIn:
    """One decoded line as a sign-in; :class:`InvalidValue` names the attribute."""
    if not isinstance(data, dict):
        raise InvalidValue("line", type(data).__name__, "expected a JSON object")
    if "saml" in data or "claims" in data:
        unknown = set(data) - {"saml", "claims", "received_at"}
        if unknown:
            raise InvalidValue(sorted(unknown)[0], "…", "expected saml or claims, and received_at")
        if "saml" in data:
            attributes = data["saml"]
            if not isinstance(attributes, dict):
                raise InvalidValue("saml", type(attributes).__name__, "expected an object")
            sign_in = SignIn.from_saml(attributes)
        else:
            claims = data["claims"]
            if not isinstance(claims, dict):
                raise InvalidValue("claims", type(claims).__name__, "expected an object")
            sign_in = SignIn.from_oidc(claims)
        if sign_in.signed_in_at is None and "received_at" in data:
            sign_in = attrs.evolve(sign_in, signed_in_at=_received_at(data["received_at"]))
        return sign_in
    return SignIn.from_oidc(data)


class JsonLinesFeed:
    """:class:`~educonnect_core.ports.SignInFeed` over one JSON Lines file."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._findings: list[Finding] = []

    @property
    def kind(self) -> str:
        return KIND

    @property
    def findings(self) -> Sequence[Finding]:
        return tuple(self._findings)

    def sign_ins(self) -> Iterator[tuple[SignIn, int]]:
        path = self._path
        try:
            handle = _open(path)
        except OSError as exc:
            raise SourceError(exc.strerror or str(exc), file=str(path)) from None
        number = 0
        with handle:
            try:
                for number, raw in enumerate(handle, start=1):
                    found = self._line(raw, number)
                    if found is not None:
                        yield found, number
            except (OSError, EOFError, gzip.BadGzipFile) as exc:
                raise SourceError(f"cannot read: {exc}", file=str(path), line=number + 1) from None

    def _line(self, raw: bytes, number: int) -> SignIn | None:
        path = self._path
        if len(raw) > MAX_LINE_BYTES:
            self._findings.append(
                _finding(path, number, f"line longer than {MAX_LINE_BYTES} bytes")
            )
            return None
        if not raw.strip():
            return None
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            self._findings.append(_finding(path, number, f"not UTF-8 ({exc.reason})"))
            return None
        try:
            data = json.loads(text)
        except (json.JSONDecodeError, RecursionError) as exc:
            self._findings.append(_finding(path, number, f"not JSON: {exc}"))
            return None
        try:
            return parse_line(data)
        except InvalidValue as exc:
            self._findings.append(_finding(path, number, str(exc), exc.field))
            return None
