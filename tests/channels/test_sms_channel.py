"""The SMS channel against a local HTTP gateway (stdlib http.server)."""

from __future__ import annotations

import base64
import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs

import attrs
import pytest

from educonnect_core.channels import (
    Channel,
    Medium,
    Notification,
    NotificationKind,
    deliver_batch,
    retry_failed,
)
from educonnect_core.errors import InvalidValue
from educonnect_core.plugins import Plugins
from educonnect_core.testing.channel_contract import ChannelContract, ConnectionLoss, sample_batch
from educonnect_core.testing.fakes import FixedClock
from educonnect_core.values import MobilePhone

from .conftest import HttpGateway, free_port

CLOCK = FixedClock(dt.datetime(2026, 1, 12, 15, tzinfo=dt.UTC))


def open_sms(url: str, **settings: str) -> Channel:
    return Plugins.installed().open_channel("sms", {"url": url, "timeout": "5", **settings})


def rejected(batch: list[Notification]) -> Notification:
    return attrs.evolve(
        batch[0], account_id="E-0990007V-999", mobile=MobilePhone.parse("06 99 99 99 99")
    )


class TestSmsContract(ChannelContract):
    @pytest.fixture
    def channel(self, sms_gateway: HttpGateway) -> Channel:
        return open_sms(sms_gateway.url)

    @pytest.fixture
    def undeliverable(self, batch: list[Notification], sms_gateway: HttpGateway) -> Notification:
        sms_gateway.gateway.reject.add("+33699999999")
        return rejected(batch)

    @pytest.fixture
    def received(self, sms_gateway: HttpGateway) -> Callable[[], list[str]]:
        return lambda: [json.loads(b)["text"] for b in sms_gateway.bodies()]

    @pytest.fixture
    def connection_loss(self, sms_gateway: HttpGateway) -> ConnectionLoss:
        def cut(after: int) -> None:
            sms_gateway.gateway.down_after = len(sms_gateway.gateway.requests) + after

        return cut


def test_json_payload_with_the_recall_text(sms_gateway: HttpGateway) -> None:
    channel = open_sms(sms_gateway.url, sender="Tilleuls")
    recall = sample_batch(Medium.SMS)[0]
    report = channel.deliver([recall])[0]
    assert report.reference == "sms-1"
    (method, path, headers, body) = sms_gateway.gateway.requests[0]
    assert (method, path) == ("POST", "/send")
    assert headers["Content-Type"] == "application/json; charset=utf-8"
    assert json.loads(body) == {
        "to": "+33612345670",
        "from": "Tilleuls",
        "text": "EduConnect (Collège des Tilleuls) : votre identifiant est z.bertin12. "
        "Connexion : https://educonnect.education.gouv.fr",
    }


def test_form_payload_and_basic_auth(sms_gateway: HttpGateway) -> None:
    sms_gateway.gateway.expected_auth = "Basic " + base64.b64encode(b"college:s3cret").decode()
    channel = open_sms(
        sms_gateway.url,
        username="college",
        password="s3cret",
        content_type="application/x-www-form-urlencoded",
        payload="number=$to_digits&message=$text&ref=$reference",
    )
    assert channel.deliver(sample_batch(Medium.SMS)[:1])[0].delivered
    form = parse_qs(sms_gateway.bodies()[0])
    assert form["number"] == ["33612345670"]
    assert form["ref"] == ["E-0990007V-100"]
    assert "z.bertin12" in form["message"][0]


def test_bearer_token_and_get(sms_gateway: HttpGateway) -> None:
    sms_gateway.gateway.expected_auth = "Bearer t0k3n"
    channel = open_sms(
        sms_gateway.url,
        token="t0k3n",
        method="GET",
        payload="to=$to&text=$text",
        content_type="application/x-www-form-urlencoded",
    )
    assert channel.deliver(sample_batch(Medium.SMS)[:1])[0].delivered
    method, path, _, _ = sms_gateway.gateway.requests[0]
    assert method == "GET"
    assert path.startswith("/send?to=%2B33612345670&text=EduConnect")


def test_wrong_credentials_fail_with_the_status(sms_gateway: HttpGateway) -> None:
    sms_gateway.gateway.expected_auth = "Bearer right"
    channel = open_sms(sms_gateway.url, token="wrong")
    reports = channel.deliver(sample_batch(Medium.SMS))
    assert all("HTTP 401" in (r.reason or "") for r in reports)


def test_a_refused_number_does_not_stop_the_batch(sms_gateway: HttpGateway) -> None:
    batch = sample_batch(Medium.SMS)
    sms_gateway.gateway.reject.add(str(batch[1].mobile))
    reports = open_sms(sms_gateway.url).deliver(batch)
    assert [r.delivered for r in reports] == [True, False, True]
    assert reports[1].reason == 'passerelle SMS : HTTP 400 Bad Request {"error": "numéro refusé"}'


def test_a_busy_gateway_then_retry(sms_gateway: HttpGateway) -> None:
    batch = sample_batch(Medium.SMS)
    sms_gateway.gateway.unavailable_once.add(str(batch[2].mobile))
    channel = open_sms(sms_gateway.url)
    first = deliver_batch(channel, batch, clock=CLOCK)
    assert [r.delivered for r in first.reports] == [True, True, False]
    assert "HTTP 503" in (first.reports[2].reason or "")
    again = retry_failed(channel, first, clock=CLOCK)
    assert [(r.account_id, r.delivered) for r in again.reports] == [(batch[2].account_id, True)]
    assert len(sms_gateway.gateway.requests) == 3


def test_an_unreachable_gateway_fails_the_rest_then_retry() -> None:
    url = f"http://127.0.0.1:{free_port()}/send"
    channel = open_sms(url)
    first = deliver_batch(channel, sample_batch(Medium.SMS), clock=CLOCK)
    assert all("passerelle SMS injoignable" in (r.reason or "") for r in first.reports)
    assert len(first.pending) == 3


def test_passwords_never_go_by_sms(sms_gateway: HttpGateway) -> None:
    channel = open_sms(sms_gateway.url)
    with_password = sample_batch(Medium.PAPER)[0]
    result = deliver_batch(channel, [with_password], clock=CLOCK)
    assert result.refused == {with_password.account_id}
    # and the channel itself refuses, should anyone bypass the core
    report = channel.deliver([with_password])[0]
    assert "jamais envoyé par SMS" in (report.reason or "")
    assert sms_gateway.gateway.requests == []
    assert with_password.kind is NotificationKind.CREDENTIALS


def test_a_too_long_text_fails(sms_gateway: HttpGateway) -> None:
    reports = open_sms(sms_gateway.url, max_length="40").deliver(sample_batch(Medium.SMS)[:1])
    assert "SMS trop long" in (reports[0].reason or "")


def test_a_school_overrides_the_text(sms_gateway: HttpGateway, tmp_path: Path) -> None:
    (tmp_path / "identifier_recall.txt").write_text(
        "Bonjour $prenom,\nidentifiant : $identifiant\n", encoding="utf-8"
    )
    channel = open_sms(sms_gateway.url, templates_dir=str(tmp_path))
    channel.deliver(sample_batch(Medium.SMS)[:1])
    assert json.loads(sms_gateway.bodies()[0])["text"] == "Bonjour Zoé, identifiant : z.bertin12"


def test_an_sms_template_cannot_show_a_password(tmp_path: Path) -> None:
    (tmp_path / "identifier_recall.txt").write_text("$mot_de_passe", encoding="utf-8")
    with pytest.raises(InvalidValue, match="mot_de_passe"):
        open_sms("http://127.0.0.1:9/send", templates_dir=str(tmp_path))


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"url": "ftp://gateway"}, "url"),
        ({"method": "DELETE"}, "method"),
        ({"payload": "to=$to"}, "payload"),
        ({"payload": "to=$to&text=$text&x=$password"}, "password"),
        ({"username": "u"}, "password"),
        ({"timeout": "soon"}, "timeout"),
        ({"url": "http://sms.example.net/send", "token": "t"}, "plain http"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_settings_name_the_setting(settings: dict[str, str], message: str) -> None:
    with pytest.raises(InvalidValue, match=message):
        Plugins.installed().open_channel("sms", {"url": "http://127.0.0.1:9/send", **settings})


def test_the_channel_itself_fails_a_notification_without_mobile(sms_gateway: HttpGateway) -> None:
    no_mobile = attrs.evolve(sample_batch(Medium.SMS)[0], mobile=None)
    report = open_sms(sms_gateway.url).deliver([no_mobile])[0]
    assert report.reason == "pas de numéro de téléphone portable"
