"""The paper channel: groups a batch by school and class, one PDF per class."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from educonnect_core.channels import DeliveryReport, Medium, Notification
from educonnect_core.people import Profile
from educonnect_core.values import fold

from .letters import LetterRenderer
from .settings import PaperSettings
from .templates import load_templates

__all__ = ["PaperChannel"]


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", fold(text)).strip("-").lower() or "classe"


def _page_order(notification: Notification) -> tuple[str, int, str, str, str]:
    profile = 0 if notification.profile is Profile.ELEVE else 1
    last, first = notification.recipient.folded()
    return notification.batch_division, profile, last, first, notification.account_id


class PaperChannel:
    """Letters rendered to ``output_dir/lettres-<uai>-<classe>-<date>.pdf``, or with
    ``split=batch`` to one ``lettres-<uai>-<date>.pdf`` with the classes in order
    and a bookmark per class (faster: fonts are loaded once per file).

    Within a class, élèves come first, then responsables, each by name. A file
    name already taken gets a ``-2``, ``-3``… suffix: earlier letters are never
    overwritten. "Delivered" means the page is in the PDF, ready to print and
    hand over; the report's reference is ``<file>#page=<n>``.

    The letters hold clear passwords: each file is written with mode 0600 (the
    folder, when the channel creates it, 0700); a missing parent folder is never
    created (the settings refuse it).
    """

    name = "paper"
    medium = Medium.PAPER

    def __init__(self, settings: PaperSettings) -> None:
        self.settings = settings
        self._renderer = LetterRenderer(settings, load_templates(settings.templates_dir))

    def _free_path(self, stem: str) -> Path:
        path = self.settings.output_dir / f"{stem}.pdf"
        counter = 2
        while path.exists():
            path = self.settings.output_dir / f"{stem}-{counter}.pdf"
            counter += 1
        return path

    def deliver(self, batch: Sequence[Notification]) -> list[DeliveryReport]:
        per_class = self.settings.split == "class"
        groups: dict[tuple[str, str], list[Notification]] = defaultdict(list)
        for notification in batch:
            division = notification.batch_division if per_class else ""
            groups[(str(notification.uai), division)].append(notification)
        answers: dict[str, DeliveryReport] = {}
        for (uai, division), letters in sorted(groups.items()):
            letters.sort(key=_page_order)
            date = max(n.document_date for n in letters)
            stem = f"lettres-{uai}-{_slug(division)}" if per_class else f"lettres-{uai}"
            title = f"Notifications EduConnect – {uai}"
            try:
                self.settings.output_dir.mkdir(mode=0o700, exist_ok=True)  # never its parents
                path = self._free_path(f"{stem}-{date:%Y%m%d}")
                kept, failed = self._renderer.render(
                    f"{title} – classe {division}" if per_class else title, letters, path
                )
            except OSError as exc:
                reason = f"écriture du PDF impossible : {exc.strerror or exc}"
                answers.update(
                    (n.account_id, DeliveryReport.failed(n.account_id, reason)) for n in letters
                )
                continue
            for page, notification in enumerate(kept, 1):
                answers[notification.account_id] = DeliveryReport.ok(
                    notification.account_id, reference=f"{path.name}#page={page}"
                )
            for account_id, reason in failed.items():
                answers[account_id] = DeliveryReport.failed(account_id, reason)
        return [answers[n.account_id] for n in batch]
