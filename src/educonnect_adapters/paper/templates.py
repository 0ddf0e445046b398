"""Letter templates: packaged files a school may override with its own directory."""

from __future__ import annotations

import string
from importlib import resources
from pathlib import Path

from educonnect_core.channels import TEMPLATE_PLACEHOLDERS, NotificationKind
from educonnect_core.errors import InvalidValue

__all__ = ["PLACEHOLDERS", "load_templates"]

PLACEHOLDERS = TEMPLATE_PLACEHOLDERS


def _read(name: str, templates_dir: Path | None) -> tuple[str, str]:
    if templates_dir is not None and (templates_dir / name).is_file():
        path = templates_dir / name
        return str(path), path.read_text(encoding="utf-8")
    packaged = resources.files(__package__).joinpath("templates", name)
    return f"paper/templates/{name}", packaged.read_text(encoding="utf-8")


def load_templates(templates_dir: Path | None) -> dict[NotificationKind, string.Template]:
    """One template per notification kind (``credentials.txt``, ``password_reset.txt``,
    ``identifier_recall.txt``); a file of that name in ``templates_dir`` wins.

    Raises :class:`InvalidValue` naming the file and the unknown placeholder.
    """
    templates: dict[NotificationKind, string.Template] = {}
    for kind in NotificationKind:
        where, text = _read(f"{kind.value}.txt", templates_dir)
        template = string.Template(text)
        if not template.is_valid():
            raise InvalidValue(where, text[:60], "malformed $placeholder in letter template")
        unknown = set(template.get_identifiers()) - PLACEHOLDERS
        if unknown:
            raise InvalidValue(
                where,
                ", ".join(sorted(unknown)),
                f"unknown placeholder; expected among {', '.join(sorted(PLACEHOLDERS))}",
            )
        if kind.carries_password and "mot_de_passe" not in template.get_identifiers():
            raise InvalidValue(where, text[:60], "a letter with a password must show $mot_de_passe")
        templates[kind] = template
    return templates
