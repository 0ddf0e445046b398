"""``educonnect report --html``: a self-contained page, checked in a real headless Chromium."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from lxml import html as lxml_html

from .cli_run import Run
from .school_files import INES, JEAN, PAUL

pytestmark = pytest.mark.usefixtures("imported")

CHARTS = {"funnel", "funnel-classes", "routes", "blockers"}
CHROMIUM = next(
    (p for p in (shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome")) if p),
    None,
)
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None,
    reason="no Chromium on PATH: install it (apt-get install -y chromium) to check the "
    "HTML report in a real browser",
)


@pytest.fixture
def report(cli: Run, imported: Path) -> Path:
    assert cli("notify", "--class", "3A", "--profile", "eleve").code == 0
    (imported / "out").mkdir()
    result = cli("report", "--html", "out/rapport.html")
    assert result.code == 0, result.err
    assert "out/rapport.html" in result.out
    return imported / "out" / "rapport.html"


def test_report_is_self_contained(report: Path) -> None:
    text = report.read_text(encoding="utf-8")
    assert "<script" not in text
    assert "<link" not in text
    external = set(re.findall(r"""(?:https?:)?//[^\s"'<>)]+""", text))
    assert external <= {"http://www.w3.org/2000/svg"}
    assert "Content-Security-Policy" in text


def test_report_lists_people_to_fix_per_class(report: Path) -> None:
    page = lxml_html.fromstring(report.read_bytes())
    assert {svg.get("data-chart") for svg in page.iter("svg")} == CHARTS
    classes = {h.get("data-class"): h for h in page.iter("h3")}
    assert set(classes) == {"3A", "3B"}
    tables = {}
    for division, heading in classes.items():
        table = heading.getnext()
        assert table is not None
        tables[division] = table.text_content()
    assert JEAN in tables["3A"]
    assert "NOT_A_MOBILE" in tables["3A"]
    assert INES in tables["3B"]
    assert PAUL in tables["3B"]
    assert "INVALID_BIRTH_DATE" in tables["3B"]
    funnel = next(s for s in page.iter("svg") if s.get("data-chart") == "funnel-classes")
    titles = [t.text_content() for t in funnel.iter("title")]
    assert "3A — notifié : 2" in titles


def test_report_counts_persons(report: Path) -> None:
    page = lxml_html.fromstring(report.read_bytes())
    cards = {
        str(c.xpath("string(span)")): str(c.xpath("string(b)")) for c in page.find_class("persons")
    }
    # one school: every record is one person, none at another school yet
    assert cards["personnes actives"] == "0"
    assert cards["présentes dans plusieurs établissements"] == "0"
    assert any(k.startswith("personnes (") and v == "7" for k, v in cards.items())


def test_report_in_english(cli: Run, imported: Path) -> None:
    assert cli("report", "--html", "en.html", "--lang", "en").code == 0
    text = (imported / "en.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in text
    assert "People to fix in SIECLE, per class" in text


def test_report_needs_a_file_name(cli: Run, imported: Path) -> None:
    result = cli("report", "--html", imported)
    assert result.code == 2
    assert "folder" in result.err


def _chromium(*args: str, profile: Path) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    return subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--hide-scrollbars",
            f"--user-data-dir={profile}",
            "--enable-logging=stderr",
            "--v=0",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@needs_chromium
def test_report_renders_in_chromium(report: Path, tmp_path: Path) -> None:
    shot = tmp_path / "shot.png"
    done = _chromium(
        "--window-size=1200,2400",
        f"--screenshot={shot}",
        report.as_uri(),
        profile=tmp_path / "profile",
    )
    console = [
        line
        for line in done.stderr.splitlines()
        if ":CONSOLE" in line or "Uncaught" in line or "net::ERR" in line
    ]
    assert console == []
    assert shot.is_file()
    from PIL import Image

    with Image.open(shot) as image:
        colours = {c for _, c in image.convert("RGB").getcolors(maxcolors=1 << 20) or []}
    assert (0x00, 0x00, 0x91) in colours  # the header
    assert (0xC6, 0x28, 0x28) in colours  # the blockers chart
    assert (0x15, 0x65, 0xC0) in colours  # notified accounts in the class funnel


@needs_chromium
def test_report_dom_in_chromium_has_the_charts(report: Path, tmp_path: Path) -> None:
    done = _chromium("--dump-dom", report.as_uri(), profile=tmp_path / "profile")
    assert done.returncode == 0, done.stderr[-2000:]
    page = lxml_html.fromstring(done.stdout)
    charts = {svg.get("data-chart"): svg for svg in page.iter("svg")}
    assert set(charts) == CHARTS
    for svg in charts.values():
        assert any(True for _ in svg.iter("rect"))
