"""The letters the web module prints: the paper channel's PDFs, kept for a while
for the person who issued them to download.

Each delivery writes into its own folder of :attr:`WebSettings.letters_dir`
(mode 0700; the paper channel writes each PDF 0600), named by a token that
carries its time and is signed (HMAC) for the actor who issued it: only that
actor, signed in at that school, downloads it, and only until
:attr:`WebSettings.letters_kept` has passed (older folders are removed at the
next delivery). The letters hold clear passwords: nothing else keeps them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Final

import attrs

from educonnect_core.channels import BatchResult, Channel
from educonnect_core.credentials import IssuedCredential
from educonnect_core.notifying import deliver_issued
from educonnect_core.permissions import Actor
from educonnect_core.plugins import Plugins
from educonnect_core.ports import Clock
from educonnect_core.storage import Store

__all__ = ["Delivered", "LetterBox", "Letters", "Printer"]

_TOKEN: Final = re.compile(r"^([0-9a-f]{32})-([0-9]{1,12})-([0-9a-f]{64})$")
_FILE: Final = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,200}\.pdf$")


@attrs.frozen
class Printer:
    """The paper channel of one delivery, opened before anything is issued."""

    token: str
    folder: Path
    channel: Channel


@attrs.frozen
class Letters:
    """What a page says of a delivery: its folder token, its PDFs, and the
    notifications not printed (account id, reason)."""

    token: str
    files: tuple[str, ...]
    failed: tuple[tuple[str, str], ...] = ()


@attrs.frozen
class Delivered:
    """One delivery: the channel's report, and the folder token and PDF names."""

    batch: BatchResult
    token: str
    files: tuple[str, ...]

    @property
    def letters(self) -> Letters:
        failed = tuple(
            (r.account_id, r.reason or "") for r in self.batch.reports if not r.delivered
        )
        return Letters(self.token, self.files, failed)


class LetterBox:
    """Prints issued credentials with the ``paper`` channel and serves the PDFs back."""

    def __init__(
        self, folder: Path | None, secret_key: bytes, clock: Clock, kept: dt.timedelta
    ) -> None:
        self._folder = folder
        self._own = False  # a temporary folder of ours, removed by close()
        self._key = hashlib.sha256(b"educonnect.web.letters" + secret_key).digest()
        self._clock = clock
        self._kept = kept

    def printer(self, actor: Actor) -> Printer:
        """A new delivery's folder and paper channel for ``actor``; opened before the
        service issues anything, so that a channel that cannot work stops it first."""
        base = self._base()
        self._forget_old(base)
        token = self._token(actor, secrets.token_hex(16), int(self._clock.now().timestamp()))
        folder = base / token
        channel = Plugins.installed().open_channel("paper", {"output_dir": str(folder)})
        return Printer(token, folder, channel)

    def deliver(
        self,
        store: Store,
        printer: Printer,
        issued: Sequence[IssuedCredential],
        *,
        timezone: str,
    ) -> Delivered:
        """Print ``issued`` (the core's delivery use case records each delivery)."""
        batch = deliver_issued(store, printer.channel, issued, clock=self._clock, timezone=timezone)
        folder = printer.folder
        files = tuple(sorted(p.name for p in folder.glob("*.pdf"))) if folder.is_dir() else ()
        return Delivered(batch, printer.token, files)

    def open(self, actor: Actor, token: str, name: str) -> Path | None:
        """The PDF ``name`` of delivery ``token`` if ``actor`` issued it and it is
        still kept; else ``None`` (whatever the reason)."""
        found = _TOKEN.match(token)
        if found is None or _FILE.match(name) is None or self._folder_missing():
            return None
        nonce, stamp, _ = found.groups()
        if not hmac.compare_digest(token, self._token(actor, nonce, int(stamp))):
            return None
        if self._expired(int(stamp)):
            return None
        path = self._base() / token / name
        return path if path.is_file() else None

    def close(self) -> None:
        """Remove the temporary folder the box made (a given ``letters_dir`` stays)."""
        if self._own and self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder, self._own = None, False

    # -- internals -----------------------------------------------------------------

    def _folder_missing(self) -> bool:
        return self._folder is None or not self._folder.is_dir()

    def _base(self) -> Path:
        if self._folder is None:
            self._folder = Path(tempfile.mkdtemp(prefix="educonnect-letters-"))  # 0700
            self._own = True
        self._folder.mkdir(mode=0o700, exist_ok=True)
        return self._folder

    def _token(self, actor: Actor, nonce: str, stamp: int) -> str:
        message = f"{nonce}|{stamp}|{actor.actor_id}|{actor.role.value}|{actor.uai}".encode()
        signature = hmac.new(self._key, message, hashlib.sha256).hexdigest()
        return f"{nonce}-{stamp}-{signature}"

    def _expired(self, stamp: int) -> bool:
        issued = dt.datetime.fromtimestamp(stamp, dt.UTC)
        return self._clock.now() - issued >= self._kept

    def _forget_old(self, base: Path) -> None:
        for folder in base.iterdir():
            found = _TOKEN.match(folder.name)
            if found is not None and folder.is_dir() and self._expired(int(found.group(2))):
                shutil.rmtree(folder, ignore_errors=True)
