"""Email templates: packaged files a school may override with its own directory.

Per notification kind: ``<kind>.subject.txt`` (one line), ``<kind>.txt`` (plain
text) and ``<kind>.html``; placeholders are those of
:func:`educonnect_core.channels.template_values`.
"""

from __future__ import annotations

import html
import string
from importlib import resources
from pathlib import Path

import attrs

from educonnect_core.channels import (
    TEMPLATE_PLACEHOLDERS,
    Notification,
    NotificationKind,
    template_values,
)
from educonnect_core.errors import InvalidValue

__all__ = ["MessageTemplates", "Rendered", "load_templates"]

PLACEHOLDERS = TEMPLATE_PLACEHOLDERS


@attrs.frozen
class Rendered:
    subject: str
    text: str
    html: str = attrs.field(repr=False)


@attrs.frozen
class MessageTemplates:
    subject: string.Template
    text: string.Template
    html: string.Template

    def render(self, notification: Notification, url: str) -> Rendered:
        values = template_values(notification, url=url)
        escaped = {k: html.escape(v) for k, v in values.items()}
        if notification.children:
            items = "".join(f"<li>{html.escape(str(c))}</li>" for c in notification.children)
            title = html.escape(values["enfants_bloc"].splitlines()[0])
            escaped["enfants"] = f"<ul>{items}</ul>"
            escaped["enfants_bloc"] = f"<p>{title}</p><ul>{items}</ul>"
        subject = " ".join(self.subject.substitute(values).split())
        return Rendered(
            subject=subject,
            text=self.text.substitute(values),
            html=self.html.substitute(escaped),
        )


def _load(name: str, templates_dir: Path | None) -> string.Template:
    if templates_dir is not None and (templates_dir / name).is_file():
        where, text = str(templates_dir / name), (templates_dir / name).read_text(encoding="utf-8")
    else:
        where = f"smtp/templates/{name}"
        text = resources.files(__package__).joinpath("templates", name).read_text(encoding="utf-8")
    template = string.Template(text)
    if not template.is_valid():
        raise InvalidValue(where, text[:60], "malformed $placeholder in email template")
    unknown = set(template.get_identifiers()) - PLACEHOLDERS
    if unknown:
        raise InvalidValue(
            where,
            ", ".join(sorted(unknown)),
            f"unknown placeholder; expected among {', '.join(sorted(PLACEHOLDERS))}",
        )
    return template


def load_templates(templates_dir: Path | None) -> dict[NotificationKind, MessageTemplates]:
    """All templates, checked now: a bad override fails when the channel opens."""
    loaded: dict[NotificationKind, MessageTemplates] = {}
    for kind in NotificationKind:
        templates = MessageTemplates(
            subject=_load(f"{kind.value}.subject.txt", templates_dir),
            text=_load(f"{kind.value}.txt", templates_dir),
            html=_load(f"{kind.value}.html", templates_dir),
        )
        if kind.carries_password:
            for part in ("text", "html"):
                if "mot_de_passe" not in getattr(templates, part).get_identifiers():
                    raise InvalidValue(
                        f"{kind.value} {part} template",
                        "<template>",
                        "a message with a password must show $mot_de_passe",
                    )
        loaded[kind] = templates
    return loaded
