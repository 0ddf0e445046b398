"""Rendering letters with fpdf2: one A4 page per notification, French, text extractable."""

from __future__ import annotations

import string
from collections.abc import Sequence
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import TTFFont

from educonnect_adapters.system.files import write_private
from educonnect_core.channels import Notification, NotificationKind, template_values
from educonnect_core.school_profile import SchoolProfile

from .settings import PaperSettings

__all__ = ["LetterError", "LetterRenderer"]

_FAMILY = "letter"
_MARGIN = 20.0
_BOTTOM = 277.0 - 15.0  # below this the page holds the footer only


class LetterError(Exception):
    """One letter cannot be rendered (reason is safe to report: no password)."""


class LetterRenderer:
    """Renders groups of letters into PDF files with the settings' font and templates."""

    def __init__(
        self, settings: PaperSettings, templates: dict[NotificationKind, string.Template]
    ) -> None:
        self.settings = settings
        self.templates = templates
        self._family = "helvetica"
        self._section: str | None = None
        self._widths: dict[tuple[str, float, str], float] = {}

    def _new_document(self, title: str) -> FPDF:
        self._section = None
        pdf = FPDF(orientation="P", unit="mm", format="A4")
        pdf.set_auto_page_break(auto=False)
        pdf.set_margins(_MARGIN, _MARGIN, _MARGIN)
        pdf.set_title(title)
        pdf.set_lang("fr")
        pdf.set_creator("educonnect")
        if self.settings.core_font:
            pdf.core_fonts_encoding = "windows-1252"
            self._family = "helvetica"
        else:
            assert self.settings.font is not None
            pdf.add_font(_FAMILY, "", str(self.settings.font))
            pdf.add_font(_FAMILY, "B", str(self.settings.font_bold or self.settings.font))
            self._family = _FAMILY
        return pdf

    def _check_printable(self, pdf: FPDF, text: str) -> None:
        chars = set(text) - {"\n"}
        if self.settings.core_font:
            bad = sorted(c for c in chars if not _cp1252(c))
        else:
            fonts = [pdf.fonts[_FAMILY], pdf.fonts[f"{_FAMILY}B"]]
            cmaps = [f.cmap for f in fonts if isinstance(f, TTFFont)]
            bad = sorted(c for c in chars if any(ord(c) not in m for m in cmaps))
        if bad:
            shown = ", ".join(f"{c!r} (U+{ord(c):04X})" for c in bad)
            raise LetterError(f"caractères non imprimables avec la police choisie : {shown}")

    def _width(self, pdf: FPDF, word: str) -> float:
        key = (pdf.font_style, pdf.font_size_pt, word)
        width = self._widths.get(key)
        if width is None:
            width = self._widths[key] = pdf.get_string_width(word)
        return width

    def _paragraph(self, pdf: FPDF, text: str, x: float, width: float, height: float) -> None:
        """Left-aligned lines broken between words (fpdf2's ``multi_cell`` measures
        every character again and again; this measures each word once)."""
        space = self._width(pdf, " ")
        line: list[str] = []
        used = 0.0
        lines: list[str] = []
        for word in text.split():
            size = self._width(pdf, word)
            if line and used + space + size > width:
                lines.append(" ".join(line))
                line, used = [word], size
            else:
                used = used + space + size if line else size
                line.append(word)
        if line:
            lines.append(" ".join(line))
        for text_line in lines:
            pdf.set_x(x)
            pdf.cell(width, height, text_line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def _page(self, pdf: FPDF, notification: Notification) -> None:
        values = template_values(notification, url=self.settings.url)
        text = self.templates[notification.kind].substitute(values)
        header = SchoolProfile(notification.school_name).title(notification.uai)
        address = notification.school_address
        pile = f"Classe {notification.batch_division}"
        footer = f"Document du {values['date_document']} · compte {notification.account_id}"
        if notification.help_contact:
            footer = f"Aide : {notification.help_contact} · {footer}"
        self._check_printable(pdf, "".join((text, header, *address, pile, footer)))
        pdf.add_page()
        if notification.batch_division != self._section:
            self._section = notification.batch_division
            pdf.start_section(pile)
        width = pdf.epw
        pdf.set_font(self._family, "", 9)
        pdf.set_text_color(90)
        pdf.cell(width / 2, 5, header)
        pdf.cell(width / 2, 5, pile, align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        for line in address:
            pdf.cell(width / 2, 4, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_text_color(0)
        pdf.ln(8)
        for line in text.splitlines():
            if line.startswith("# "):
                pdf.set_font(self._family, "B", 17)
                self._paragraph(pdf, line[2:], _MARGIN, width, 9)
                pdf.ln(4)
            elif line.startswith("! "):
                pdf.set_font(self._family, "B", 13)
                pdf.set_fill_color(235)
                pdf.cell(width, 10, f"  {line[2:].strip()}", border=1, fill=True)
                pdf.ln(11)
            elif line.startswith("- "):
                pdf.set_font(self._family, "", 11)
                self._paragraph(pdf, f"• {line[2:]}", _MARGIN + 6, width - 6, 6)
            elif not line.strip():
                pdf.ln(3)
            else:
                pdf.set_font(self._family, "", 11)
                self._paragraph(pdf, line, _MARGIN, width, 6)
            if pdf.get_y() > _BOTTOM:
                raise LetterError("la lettre dépasse une page (modèle trop long)")
        pdf.set_font(self._family, "", 8)
        pdf.set_text_color(90)
        pdf.set_xy(_MARGIN, _BOTTOM + 3)
        pdf.cell(width, 5, footer, align="C")
        pdf.set_text_color(0)

    def render(
        self, title: str, letters: Sequence[Notification], path: Path
    ) -> tuple[list[Notification], dict[str, str]]:
        """Write ``letters`` to ``path``, one page each; returns the letters on the
        pages (in page order) and the reasons of the letters left out.

        A letter that fails once its page is started is left out and the
        document is rendered again without it: no partial page is ever printed.
        """
        failed: dict[str, str] = {}
        while True:
            pdf = self._new_document(title)
            try:
                if self._fill(pdf, letters, failed):
                    kept = [n for n in letters if n.account_id not in failed]
                    if kept:
                        write_private(path, bytes(pdf.output()))
                    return kept, failed
            finally:
                _close_fonts(pdf)
                self._widths.clear()  # it may hold a password a template put in a paragraph

    def _fill(self, pdf: FPDF, letters: Sequence[Notification], failed: dict[str, str]) -> bool:
        """Add a page per letter not yet failed; ``False`` when a page was spoiled."""
        for notification in letters:
            if notification.account_id in failed:
                continue
            pages_before = pdf.page
            try:
                self._page(pdf, notification)
            except Exception as exc:  # one letter never stops the others
                failed[notification.account_id] = _reason(exc, notification)
                if pdf.page != pages_before:
                    return False
        return True


def _close_fonts(pdf: FPDF) -> None:
    for font in pdf.fonts.values():
        if isinstance(font, TTFFont):
            font.close()


def _reason(exc: Exception, notification: Notification) -> str:
    if isinstance(exc, LetterError):
        return str(exc)
    message = f"erreur de mise en page : {type(exc).__name__}: {exc}"
    if notification.password:
        message = message.replace(notification.password, "********")
    return message


def _cp1252(char: str) -> bool:
    try:
        char.encode("windows-1252")
    except UnicodeEncodeError:
        return False
    return True
