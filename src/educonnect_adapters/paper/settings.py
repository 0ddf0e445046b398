"""Settings of the ``paper`` channel, read from the plain mapping a plugin receives."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Final, Self

import attrs

from educonnect_core.channels import EDUCONNECT_URL
from educonnect_core.errors import InvalidValue

__all__ = ["SHIPPED_FONT", "SHIPPED_FONT_BOLD", "PaperSettings"]

_FONTS: Final = Path(__file__).with_name("fonts")
#: DejaVu Sans, shipped with the package (``fonts/LICENSE-DejaVu.txt``): every
#: Latin, Greek and Cyrillic name prints on any machine, an office PC included.
SHIPPED_FONT: Final = _FONTS / "DejaVuSans.ttf"
SHIPPED_FONT_BOLD: Final = _FONTS / "DejaVuSans-Bold.ttf"

_KNOWN: Final = frozenset({"output_dir", "templates_dir", "font", "font_bold", "url", "split"})


def _existing_file(key: str, raw: str) -> Path:
    path = Path(raw)
    if not path.is_file():
        raise InvalidValue(f"paper setting {key!r}", raw, "expected an existing font file")
    return path


@attrs.frozen
class PaperSettings:
    """``output_dir`` (required): where PDFs are written (created if missing, its
    parent never: a missing parent is refused). ``templates_dir``: a
    school's letter templates. ``font``/``font_bold``: TrueType files, or
    ``font=core`` for the PDF core font (Windows-1252 only); by default the
    DejaVu Sans shipped with the package. ``url``: where users go. ``split``: ``class`` (one PDF
    per class, the default) or ``batch`` (one PDF, a bookmark per class)."""

    output_dir: Path
    templates_dir: Path | None = None
    font: Path | None = None
    font_bold: Path | None = None
    core_font: bool = False
    url: str = EDUCONNECT_URL
    split: str = "class"

    @classmethod
    def from_mapping(cls, settings: Mapping[str, str]) -> Self:
        """Raises :class:`InvalidValue` naming a missing, unknown or wrong setting."""
        unknown = sorted(set(settings) - _KNOWN)
        if unknown:
            raise InvalidValue(
                "paper settings", ", ".join(unknown), f"unknown; expected {sorted(_KNOWN)}"
            )
        raw_output = settings.get("output_dir", "").strip()
        if not raw_output:
            raise InvalidValue("paper setting 'output_dir'", raw_output, "is required")
        output_dir = Path(raw_output)
        if output_dir.exists() and not output_dir.is_dir():
            raise InvalidValue("paper setting 'output_dir'", raw_output, "expected a directory")
        if not output_dir.exists() and not output_dir.absolute().parent.is_dir():
            raise InvalidValue(
                "paper setting 'output_dir'",
                raw_output,
                "expected a folder whose parent exists (it is not created: the letters hold "
                "passwords, choose where they go)",
            )
        templates_dir = None
        if raw_templates := settings.get("templates_dir", "").strip():
            templates_dir = Path(raw_templates)
            if not templates_dir.is_dir():
                raise InvalidValue(
                    "paper setting 'templates_dir'", raw_templates, "expected a directory"
                )
        raw_font = settings.get("font", "").strip()
        core_font = raw_font == "core"
        font: Path | None = None
        if raw_font and not core_font:
            font = _existing_file("font", raw_font)
        elif not raw_font:
            font = SHIPPED_FONT
        font_bold: Path | None = None
        if raw_bold := settings.get("font_bold", "").strip():
            font_bold = _existing_file("font_bold", raw_bold)
        elif font == SHIPPED_FONT:
            font_bold = SHIPPED_FONT_BOLD
        elif font is not None:
            sibling = font.with_name(f"{font.stem}-Bold{font.suffix}")
            font_bold = sibling if sibling.is_file() else font
        split = settings.get("split", "").strip() or "class"
        if split not in ("class", "batch"):
            raise InvalidValue("paper setting 'split'", split, "expected class or batch")
        return cls(
            split=split,
            output_dir=output_dir,
            templates_dir=templates_dir,
            font=font,
            font_bold=font_bold,
            core_font=core_font,
            url=settings.get("url", "").strip() or EDUCONNECT_URL,
        )
