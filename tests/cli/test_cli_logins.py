"""``educonnect logins FILE``: a generated feed of 10,000 sign-ins, twice, shuffled, dry."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import random
import sqlite3
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from educonnect_adapters.sqlite import SqliteStore
from educonnect_core.testing.signin_feeds import SignInWorld

from .cli_run import Run

WORLD = SignInWorld(schools=2, students=1_500)


def _store(path: Path) -> str:
    store = SqliteStore(path)
    WORLD.populate(store)
    store.close()
    return f"sqlite:///{path}"


def _feed(path: Path, *, shuffle: int | None = None) -> Path:
    lines = [json.dumps(c, ensure_ascii=False) for c in WORLD.claims(10_000, spoiled=0.01)]
    lines.insert(17, "{this is not json")
    if shuffle is not None:
        random.Random(shuffle).shuffle(lines)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _contents(db: Path) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    with contextlib.closing(sqlite3.connect(db)) as conn:  # a sqlite3 'with' does not close
        accounts = conn.execute(
            "SELECT account_id, state, activated_at, route FROM accounts ORDER BY account_id"
        ).fetchall()
        observed = conn.execute("SELECT * FROM sign_ins ORDER BY account_id").fetchall()
    return accounts, observed


@pytest.fixture(scope="module")
def feed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _feed(tmp_path_factory.mktemp("feed") / "connexions.jsonl")


def test_a_feed_is_recorded_once_whatever_its_order(cli: Run, tmp_path: Path, feed: Path) -> None:
    url = _store(tmp_path / "a.db")
    first = cli("logins", feed, "--store", url)
    assert first.code == 0, first.err
    findings = json.loads(cli("logins", feed, "--store", url, "--dry-run", "--json").out)[
        "findings"
    ]
    assert f"Connexions lues : 10001 (illisibles : {len(findings)})" in first.out
    assert 18 in [f["line"] for f in findings]  # the line that is not JSON, named
    assert "ligne 18: " in first.out
    assert "Comptes activés maintenant : 0" not in first.out
    recorded = _contents(tmp_path / "a.db")
    assert len(recorded[1]) > 1_000

    again = cli("logins", feed, "--store", url, "--json")
    summary = json.loads(again.out)["summary"]
    assert (summary["activated_now"], summary["accounts_written"]) == (0, 0)
    assert summary["sign_ins"] + len(json.loads(again.out)["findings"]) == 10_001
    assert _contents(tmp_path / "a.db") == recorded

    shuffled = _feed(tmp_path / "shuffled.jsonl", shuffle=7)
    other = _store(tmp_path / "b.db")
    assert cli("logins", shuffled, "--store", other).code == 0
    assert _contents(tmp_path / "b.db") == recorded


def test_dry_run_writes_nothing(cli: Run, tmp_path: Path, feed: Path) -> None:
    url = _store(tmp_path / "c.db")
    before = _contents(tmp_path / "c.db")
    result = cli("logins", feed, "--store", url, "--dry-run", "--lang", "en")
    assert result.code == 0, result.err
    assert "Dry run: nothing is written." in result.out
    assert "Accounts activated now: 0" not in result.out
    assert _contents(tmp_path / "c.db") == before


def test_an_unknown_file_kind_is_refused_in_one_line(cli: Run, tmp_path: Path) -> None:
    url = _store(tmp_path / "d.db")
    other = tmp_path / "notes.txt"
    other.write_text("bonjour\n", encoding="utf-8")
    result = cli("logins", other, "--store", url)
    assert result.code != 0
    assert "notes.txt" in result.err
    assert "Traceback" not in result.err


def test_stats_and_report_show_the_observed_activity(cli: Run, tmp_path: Path, feed: Path) -> None:
    url = _store(tmp_path / "e.db")
    uai = str(WORLD.uais()[0])
    before = json.loads(cli("stats", "--store", url, "--uai", uai, "--json").out)["observed"]
    assert (before["observed"], before["never_seen"]) == (0, before["accounts"])
    assert cli("logins", feed, "--store", url).code == 0
    after = json.loads(cli("stats", "--store", url, "--uai", uai, "--json").out)["observed"]
    assert 0 < after["observed"] < after["accounts"]
    assert after["observed"] + after["never_seen"] == after["accounts"]
    assert sum(c["observed"] for c in after["by_class"]) >= after["observed"]
    text = cli("stats", "--store", url, "--uai", uai).out
    assert f"vus à la connexion : {after['observed']} / {after['accounts']}" in text
    page = tmp_path / "rapport.html"
    assert cli("report", "--store", url, "--uai", uai, "--html", page).code == 0
    html = page.read_text(encoding="utf-8")
    assert "Connexions observées" in html
    assert f"{after['observed']} / {after['accounts']}" in html


def test_stats_dormant_days_sets_the_dormancy(cli: Run, tmp_path: Path) -> None:
    """Everyone signed in 30 days ago: dormant after 10 days, not after the default 90."""
    url = _store(tmp_path / "f.db")
    uai = str(WORLD.uais()[0])
    month_ago = dt.datetime.now(ZoneInfo("Europe/Paris")) - dt.timedelta(days=30)
    feed = tmp_path / "connexions.jsonl"
    claims = [
        {**c, "FrEduCtDateConnexion": f"{month_ago:%Y-%m-%d %H:%M:%S}.000"}
        for c in WORLD.claims(300)
    ]
    feed.write_text("".join(json.dumps(c) + "\n" for c in claims), encoding="utf-8")
    assert cli("logins", feed, "--store", url).code == 0

    def observed(*options: str) -> dict[str, int]:
        result = cli("stats", "--store", url, "--uai", uai, "--json", *options)
        assert result.code == 0, result.err
        figures: dict[str, int] = json.loads(result.out)["observed"]
        return figures

    default, short, long = (
        observed(),
        observed("--dormant-days", "10"),
        observed("--dormant-days", "45"),
    )
    assert short["observed"] > 0
    assert (default["dormant_after_days"], default["dormant"]) == (90, 0)
    assert (short["dormant_after_days"], short["dormant"]) == (10, short["observed"])
    assert long["dormant"] == 0
    text = cli("stats", "--store", url, "--uai", uai, "--dormant-days", "10", "--lang", "en").out
    assert f"not seen for more than 10 days: {short['observed']}" in text


@pytest.mark.parametrize("days", ["0", "-3", "trois"])
def test_stats_refuses_a_dormancy_that_is_not_a_number_of_days(
    cli: Run, tmp_path: Path, capsys: pytest.CaptureFixture[str], days: str
) -> None:
    url = f"sqlite:///{tmp_path / 'g.db'}"
    with pytest.raises(SystemExit) as exited:
        cli("stats", "--store", url, "--dormant-days", days)
    assert exited.value.code == 2  # a usage error
    err = capsys.readouterr().err
    assert f"argument --dormant-days: expected a whole number of days, 1 or more: '{days}'" in err
