"""The paper channel: real PDFs, read back with pypdf."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path

import attrs
import pypdf
import pytest

from educonnect_core.channels import Channel, Medium, Notification, NotifiedChild
from educonnect_core.errors import InvalidValue
from educonnect_core.people import Profile
from educonnect_core.plugins import Plugins
from educonnect_core.testing.channel_contract import ChannelContract, sample_batch
from educonnect_core.values import PersonName

pytest.importorskip("fpdf")

from educonnect_adapters.paper.channel import PaperChannel
from educonnect_adapters.paper.settings import SHIPPED_FONT, SHIPPED_FONT_BOLD


def pdf_pages(directory: Path) -> dict[str, list[str]]:
    """Text of every page of every PDF in ``directory``, by file name."""
    return {
        path.name: [page.extract_text() for page in pypdf.PdfReader(path).pages]
        for path in sorted(directory.glob("*.pdf"))
    }


def open_paper(settings: dict[str, str]) -> Channel:
    return Plugins.installed().open_channel("paper", settings)


def unprintable(batch: Sequence[Notification]) -> Notification:
    """A letter no Latin font can print: its recipient's name is in Chinese."""
    return attrs.evolve(
        batch[0],
        account_id="E-0990007V-999",
        recipient=PersonName("李", "小龙"),
        identifier="x.li10",
    )


class TestPaperContract(ChannelContract):
    @pytest.fixture
    def channel(self, tmp_path: Path) -> Channel:
        return open_paper({"output_dir": str(tmp_path / "out")})

    @pytest.fixture
    def undeliverable(self, batch: list[Notification]) -> Notification:
        return unprintable(batch)

    @pytest.fixture
    def received(self, tmp_path: Path) -> Callable[[], list[str]]:
        return lambda: [t for pages in pdf_pages(tmp_path / "out").values() for t in pages]


class TestPaperCoreFontContract(TestPaperContract):
    """The same contract with the PDF core font (no TrueType file installed)."""

    @pytest.fixture
    def channel(self, tmp_path: Path) -> Channel:
        return open_paper({"output_dir": str(tmp_path / "out"), "font": "core"})


def batch_of_two_classes() -> list[Notification]:
    batch = sample_batch(Medium.PAPER)
    other = attrs.evolve(
        batch[1], account_id="E-0990007V-200", division="6B", recipient=PersonName("ABEL", "Inès")
    )
    hugo = NotifiedChild(PersonName("BERTIN", "Hugo"), "6B")
    responsable = attrs.evolve(batch[2], children=(*batch[2].children, hugo))
    return [batch[0], other, batch[1], responsable]


def test_one_pdf_per_class_one_page_per_account(tmp_path: Path) -> None:
    channel = open_paper({"output_dir": str(tmp_path)})
    batch = batch_of_two_classes()
    reports = channel.deliver(batch)
    assert all(r.delivered for r in reports)
    pages = pdf_pages(tmp_path)
    assert sorted(pages) == [
        "lettres-0990007V-3a-20260112.pdf",
        "lettres-0990007V-6b-20260112.pdf",
    ]
    class_3a = pages["lettres-0990007V-3a-20260112.pdf"]
    assert len(class_3a) == 3  # two élèves, then the responsable
    assert "Zoé BERTIN" in class_3a[0]
    assert "Théo NGUYEN" in class_3a[1]
    assert "Madame Léa BERTIN" in class_3a[2]
    assert reports[3].reference == "lettres-0990007V-3a-20260112.pdf#page=3"
    assert len(pages["lettres-0990007V-6b-20260112.pdf"]) == 1


def test_letter_states_what_the_recipient_needs(tmp_path: Path) -> None:
    channel = open_paper({"output_dir": str(tmp_path)})
    responsable = sample_batch(Medium.PAPER)[2]
    channel.deliver([responsable])
    (text,) = next(iter(pdf_pages(tmp_path).values()))
    flat = " ".join(text.split())
    assert "Identifiant : l.bertin33" in flat
    assert "Mot de passe provisoire : Vd9sT2kM5c" in flat
    assert "https://educonnect.education.gouv.fr" in flat
    assert "établi le 12 janvier 2026, est valable 3 mois, jusqu'au 12 avril 2026" in flat
    assert "Enfant concerné par ce compte : • Zoé BERTIN (3A)" in flat
    assert "Collège des Tilleuls" in flat


def test_recall_letter_has_no_password(tmp_path: Path) -> None:
    channel = open_paper({"output_dir": str(tmp_path)})
    recall = sample_batch(Medium.SMS)[0]
    assert channel.deliver([recall])[0].delivered
    (text,) = next(iter(pdf_pages(tmp_path).values()))
    assert "Rappel de votre identifiant" in text
    assert "Mot de passe provisoire" not in text


def test_earlier_letters_are_never_overwritten(tmp_path: Path) -> None:
    channel = open_paper({"output_dir": str(tmp_path)})
    first, second = sample_batch(Medium.PAPER)[:2]
    channel.deliver([first])
    report = channel.deliver([second])[0]
    assert report.reference == "lettres-0990007V-3a-20260112-2.pdf#page=1"
    assert len(pdf_pages(tmp_path)) == 2


def test_a_failed_letter_leaves_no_page(tmp_path: Path) -> None:
    channel = open_paper({"output_dir": str(tmp_path)})
    batch = sample_batch(Medium.PAPER)
    bad = unprintable(batch)
    reports = channel.deliver([bad, *batch])
    assert not reports[0].delivered
    assert "U+674E" in (reports[0].reason or "")
    texts = [t for pages in pdf_pages(tmp_path).values() for t in pages]
    assert len(texts) == 3
    assert not any("x.li10" in t for t in texts)


def test_a_school_overrides_a_template(tmp_path: Path) -> None:
    templates = tmp_path / "modeles"
    templates.mkdir()
    (templates / "credentials.txt").write_text(
        "# Lettre du collège\nIdentifiant $identifiant, mot de passe $mot_de_passe.\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    channel = open_paper({"output_dir": str(out), "templates_dir": str(templates)})
    channel.deliver(sample_batch(Medium.PAPER)[:1])
    (text,) = next(iter(pdf_pages(out).values()))
    assert "Lettre du collège" in text
    assert "Identifiant z.bertin12, mot de passe Kp7mQ3xZ9a." in text


def test_a_template_with_an_unknown_placeholder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "identifier_recall.txt").write_text("Bonjour $prenon\n", encoding="utf-8")
    with pytest.raises(InvalidValue, match=r"identifier_recall\.txt.*prenon"):
        open_paper({"output_dir": str(tmp_path), "templates_dir": str(tmp_path)})


def test_a_password_template_without_the_password_is_refused(tmp_path: Path) -> None:
    (tmp_path / "credentials.txt").write_text("Bonjour $prenom\n", encoding="utf-8")
    with pytest.raises(InvalidValue, match="mot_de_passe"):
        open_paper({"output_dir": str(tmp_path), "templates_dir": str(tmp_path)})


def test_a_too_long_template_fails_the_letter_not_the_batch(tmp_path: Path) -> None:
    templates = tmp_path / "modeles"
    templates.mkdir()
    (templates / "credentials.txt").write_text(
        "$mot_de_passe\n" + "Une ligne.\n" * 80, encoding="utf-8"
    )
    channel = open_paper({"output_dir": str(tmp_path / "out"), "templates_dir": str(templates)})
    recall = sample_batch(Medium.SMS)[1]
    reports = channel.deliver([*sample_batch(Medium.PAPER)[:1], recall])
    assert "dépasse une page" in (reports[0].reason or "")
    assert reports[1].delivered


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({}, "output_dir"),
        ({"output_dir": "x", "colour": "red"}, "colour"),
        ({"output_dir": "x", "font": "no-such-font.ttf"}, "font"),
        ({"output_dir": "x", "templates_dir": "no-such-dir"}, "templates_dir"),
    ],
)
def test_bad_settings_name_the_setting(settings: dict[str, str], message: str) -> None:
    with pytest.raises(InvalidValue, match=message):
        open_paper(settings)


def test_an_unwritable_directory_fails_every_letter(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory", encoding="utf-8")
    channel = open_paper({"output_dir": str(tmp_path / "out")})
    (tmp_path / "out").write_text("now a file", encoding="utf-8")
    reports = channel.deliver(sample_batch(Medium.PAPER))
    assert [r.delivered for r in reports] == [False, False, False]
    assert all("écriture du PDF impossible" in (r.reason or "") for r in reports)


def test_the_plugin_lists_paper() -> None:
    assert "paper" in Plugins.installed().channel_names()


def test_the_shipped_font_is_the_default_and_prints_every_latin_name(tmp_path: Path) -> None:
    """No font on the machine is needed: the package ships DejaVu Sans (an office PC
    without it used to fail on « Ć » after the account was marked notified)."""
    channel = open_paper({"output_dir": str(tmp_path)})
    assert isinstance(channel, PaperChannel)
    assert not channel.settings.core_font
    assert channel.settings.font == SHIPPED_FONT
    assert SHIPPED_FONT.is_file()
    assert channel.settings.font_bold == SHIPPED_FONT_BOLD
    assert SHIPPED_FONT_BOLD.is_file()
    letter = sample_batch(Medium.PAPER)[0]
    names = "Ćosić Łucja Øyvind Šťastný Ğül Ærøe Ŵyn Đorđe"
    letter = attrs.evolve(letter, recipient=PersonName("ĆOSIĆ", names))
    (report,) = channel.deliver([letter])
    assert report.delivered, report.reason
    assert report.reference is not None
    text = pypdf.PdfReader(tmp_path / report.reference.split("#")[0]).pages[0].extract_text()
    assert "Łucja" in text
    assert "Đorđe" in text


def test_document_date_names_the_file(tmp_path: Path) -> None:
    channel = open_paper({"output_dir": str(tmp_path)})
    letter = attrs.evolve(sample_batch(Medium.PAPER)[0], document_date=dt.date(2026, 2, 1))
    assert channel.deliver([letter])[0].reference == "lettres-0990007V-3a-20260201.pdf#page=1"
    assert letter.profile is Profile.ELEVE


def test_split_batch_gives_one_pdf_with_a_bookmark_per_class(tmp_path: Path) -> None:
    channel = open_paper({"output_dir": str(tmp_path), "split": "batch"})
    reports = channel.deliver(batch_of_two_classes())
    assert [r.reference for r in reports] == [
        "lettres-0990007V-20260112.pdf#page=1",
        "lettres-0990007V-20260112.pdf#page=4",
        "lettres-0990007V-20260112.pdf#page=2",
        "lettres-0990007V-20260112.pdf#page=3",
    ]
    reader = pypdf.PdfReader(tmp_path / "lettres-0990007V-20260112.pdf")
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert titles == ["Classe 3A", "Classe 6B"]
    assert "Inès ABEL" in reader.pages[3].extract_text()


def test_without_fpdf2_the_plugin_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import sys

    from educonnect_core.errors import PluginError

    monkeypatch.setitem(sys.modules, "fpdf", None)  # as if fpdf2 were not installed
    with pytest.raises(PluginError, match=r"educonnect\[pdf\]"):
        open_paper({"output_dir": str(tmp_path)})


def test_password_reset_letter(tmp_path: Path) -> None:
    from educonnect_core.channels import NotificationKind

    channel = open_paper({"output_dir": str(tmp_path)})
    reset = attrs.evolve(sample_batch(Medium.PAPER)[0], kind=NotificationKind.PASSWORD_RESET)
    assert channel.deliver([reset])[0].delivered
    (text,) = next(iter(pdf_pages(tmp_path).values()))
    assert "Nouveau mot de passe provisoire" in text
    assert "Kp7mQ3xZ9a" in text
