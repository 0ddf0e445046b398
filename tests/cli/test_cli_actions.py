"""Actions through the CLI: the library's permission and state rules, real channels."""

from __future__ import annotations

import datetime as dt
import json
import re
import socket
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from .cli_run import Run
from .school_files import CLAIRE, INES, LUCAS, ZOE

pytestmark = pytest.mark.usefixtures("imported")


def delegate_settings(granted: dt.datetime, expires: dt.datetime) -> str:
    return OLD_DELEGATE.format(granted=granted.isoformat(), expires=expires.isoformat())


DELEGATE = """\
[actor]
id = "prof-0042"
role = "delegue"
uai = "0990007V"

[access]
otp = true
"""

#: what the settings file of a delegate held before delegations were records
OLD_DELEGATE = (
    DELEGATE
    + """
[delegation]
id = "DELEG-2025-01"
granted_by = "ce-0001"
granted_at = {granted}
expires_at = {expires}
profiles = ["eleve"]
actions = ["notify", "resend_notification"]
"""
)


def pdf_text(folder: Path) -> str:
    return "\n".join(
        page.extract_text() for pdf in sorted(folder.glob("*.pdf")) for page in PdfReader(pdf).pages
    )


def test_notify_a_class_on_paper(cli: Run, imported: Path) -> None:
    result = cli("notify", "--class", "3A", "--profile", "eleve", "--set", "output_dir=lettres")
    assert result.code == 0, result.err
    assert f"{ZOE}: fait (non activé → notifié)" in result.out
    assert "Canal paper : 2 remis" in result.out
    text = pdf_text(imported / "lettres")
    assert "Zoé" in text
    assert "Lucas" in text
    history = cli("account", ZOE).out
    assert "notify  allowed" in history
    assert "paper  remis" in history
    # audit events and deliveries: one format, local time with its offset
    lines = history.split("Historique", 1)[1].splitlines()[1:]
    stamps = [re.match(r"  (\d\d/\d\d/\d{4} \d\d:\d\d UTC[+-]\d\d:\d\d)  ", line) for line in lines]
    assert len(lines) >= 2
    assert all(stamps), lines
    assert len({m.group(1)[-9:] for m in stamps if m}) == 1
    # notifying again changes nothing: the letters are still valid
    again = cli("notify", "--class", "3A", "--profile", "eleve", "--json")
    assert again.code == 0
    assert {r["outcome"] for r in json.loads(again.out)["results"]} == {"unchanged"}


def test_notify_dry_run_writes_and_sends_nothing(cli: Run, imported: Path) -> None:
    result = cli("notify", "--profile", "eleve", "--dry-run")
    assert result.code == 0, result.err
    assert "Simulation" in result.out
    assert f"{INES}: serait fait" in result.out
    assert not (imported / "educonnect-courriers").exists()
    assert json.loads(cli("stats", "--json").out)["by_profile_state"]["eleve"]["notified"] == 0


def test_refused_action_exits_1_with_the_reason(cli: Run) -> None:
    result = cli("reset-password", LUCAS)
    assert result.code == 1
    assert result.out == ""
    (line,) = result.err.strip().splitlines()
    assert "state_not_activated" in line or "pas encore activé" in line


def test_responsables_need_the_administrative_network(cli: Run, imported: Path) -> None:
    settings = imported / "educonnect.toml"
    settings.write_text(settings.read_text().replace("administrative_network = true", ""))
    denied = cli("notify", CLAIRE)
    assert denied.code == 1
    assert "administrative_network" in denied.err
    assert cli("notify", CLAIRE, "--admin-network").code == 0


def test_a_delegate_acts_under_the_delegation_the_head_granted(cli: Run, imported: Path) -> None:
    until = (dt.datetime.now(dt.UTC) + dt.timedelta(days=90)).isoformat()
    granted = cli(
        "delegation", "grant", "prof-0042", "--profile", "eleve",
        "--action", "notify", "--action", "resend_notification", "--until", until, "--json",
    )  # fmt: skip
    assert granted.code == 0, granted.err
    delegation_id = json.loads(granted.out)[0]["delegation_id"]
    head_settings = (imported / "educonnect.toml").read_text(encoding="utf-8")
    delegate = imported / "delegue.toml"
    delegate.write_text(DELEGATE, encoding="utf-8")
    assert cli("notify", ZOE, "--config", delegate).code == 0
    other_profile = cli("notify", CLAIRE, "--config", delegate)
    assert other_profile.code == 1
    assert "profile:responsable" in other_profile.err
    not_delegated = cli("deactivate", ZOE, "--config", delegate)
    assert not_delegated.code == 1
    assert "action:deactivate" in not_delegated.err
    listed = cli("delegation", "list")
    assert delegation_id in listed.out
    assert "en vigueur" in listed.out
    assert cli("delegation", "revoke", delegation_id).code == 0
    revoked = cli("notify", LUCAS, "--config", delegate)
    assert revoked.code == 1
    assert "no longer in force" in revoked.err
    assert "révoquée" in cli("delegation", "list").out
    # the delegate cannot grant themselves anything
    self_granted = cli(
        "delegation", "grant", "prof-0042", "--profile", "responsable",
        "--action", "notify", "--until", until, "--config", delegate,
    )  # fmt: skip
    assert self_granted.code == 1
    assert "delegation" in self_granted.err
    assert head_settings == (imported / "educonnect.toml").read_text(encoding="utf-8")


def test_a_delegation_written_in_the_settings_is_refused(cli: Run, imported: Path) -> None:
    today = dt.datetime.now(dt.UTC).replace(microsecond=0)
    (imported / "educonnect.toml").write_text(
        delegate_settings(today - dt.timedelta(days=1), today + dt.timedelta(days=90))
    )
    result = cli("notify", ZOE)
    assert result.code == 2
    assert "[delegation] table is no longer read" in result.err


def test_who_acts_must_be_known(cli: Run, imported: Path) -> None:
    (imported / "educonnect.toml").unlink()
    result = cli("deactivate", ZOE)
    assert result.code == 2
    assert "--actor" in result.err
    options = cli(
        "deactivate", ZOE, "--actor", "ce-1", "--role", "chef_etablissement", "--uai", "0990007V"
    )
    assert options.code == 1  # known, but reached the service from nowhere
    assert "otp_or_administrative_network" in options.err


def test_deactivate_then_reactivate(cli: Run) -> None:
    off = cli("deactivate", LUCAS, "--reason", "left")
    assert off.code == 0, off.err
    assert "désactivé" in off.out
    assert "Désactivé le" in cli("account", LUCAS).out
    on = cli("reactivate", LUCAS, "--json")
    assert on.code == 0
    assert json.loads(on.out)["results"][0]["after"] == "not_activated"


def test_bad_channel_setting_stops_before_anything_is_issued(cli: Run) -> None:
    result = cli("notify", CLAIRE, "--channel", "email")
    assert result.code == 2
    assert "host" in result.err
    assert json.loads(cli("account", CLAIRE, "--json").out)["account"]["state"] == "not_activated"


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


def test_notify_by_email_through_a_real_smtp_server(cli: Run) -> None:
    controller_module = pytest.importorskip("aiosmtpd.controller")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = _Inbox()
    controller = controller_module.Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        result = cli(
            "notify",
            CLAIRE,
            "--channel",
            "email",
            "--set",
            "host=127.0.0.1",
            "--set",
            f"port={port}",
            "--set",
            "security=none",
            "--set",
            "sender=secretariat@college.example.org",
        )
    finally:
        controller.stop()
    assert result.code == 0, result.err
    assert "Canal email : 1 remis" in result.out
    (message,) = inbox.messages
    assert message["To"].addresses[0].addr_spec == "claire.martin@example.org"


def test_resend_notification_issues_a_new_letter(cli: Run, imported: Path) -> None:
    assert cli("notify", ZOE, "--set", "output_dir=lettres").code == 0
    resent = cli("resend-notification", ZOE, "--set", "output_dir=lettres")
    assert resent.code == 0, resent.err
    assert "Canal paper : 1 remis" in resent.out
    assert len(list((imported / "lettres").glob("*.pdf"))) == 2  # never overwritten


def test_no_password_by_sms(cli: Run) -> None:
    result = cli("notify", ZOE, "--channel", "sms", "--set", "url=http://127.0.0.1:9/sms")
    assert result.code == 2
    assert "never sent by SMS" in result.err
    assert json.loads(cli("account", ZOE, "--json").out)["account"]["state"] == "not_activated"
