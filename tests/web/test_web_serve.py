"""``educonnect serve``: the module run by uvicorn, reached over real HTTP."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pyotp
import pytest

from educonnect_adapters.cli.main import main
from educonnect_adapters.web.staff import add_staff

from .web_client import csrf_of

PASSWORD = "a long enough password"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def served(store_url: str, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """``educonnect serve`` in a child process; its base URL and a TOTP secret."""
    staff = tmp_path / "staff.toml"
    secret = add_staff(
        staff, "ce-0001", role="chef_etablissement", uai="0990007V", name="", password=PASSWORD
    ).secret
    port = _free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "educonnect_adapters.cli",
            "serve",
            "--store",
            store_url,
            "--staff",
            str(staff),
            "--port",
            str(port),
            "--insecure-cookies",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        for _ in range(200):  # until it listens (not a timing assertion)
            if process.poll() is not None:
                output = process.stdout.read() if process.stdout else b""
                pytest.fail(f"serve stopped: {output.decode(errors='replace')}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                break
            except OSError:
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}", secret
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout:
            process.stdout.close()


def test_serve_answers_over_http_and_signs_in(served: tuple[str, str]) -> None:
    base, secret = served
    with httpx2.Client(base_url=base, follow_redirects=True) as client:
        form = client.get("/signin")
        assert form.status_code == 200
        assert "server" not in form.headers
        assert form.headers["content-security-policy"].startswith("default-src 'self'")
        response = client.post(
            "/signin",
            data={
                "csrf": csrf_of(form.text),
                "user": "ce-0001",
                "password": PASSWORD,
                "code": pyotp.TOTP(secret).now(),
            },
        )
        assert response.status_code == 200
        assert "<h1>Tableau de bord</h1>" in response.text
        assert "Établissement 0990007V" in response.text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "expected a staff file (or --proxy-auth)"),
        (["--staff", "missing.toml"], "expected an existing staff file"),
        (["--proxy-auth"], "expected at least one --trusted-proxy"),
        (["--staff", "x", "--host", "0.0.0.0", "--insecure-cookies"], "loopback"),
        (["--proxy-auth", "--trusted-proxy", "10.0.0.0/33"], "--trusted-proxy"),
        (
            ["--proxy-auth", "--trusted-proxy", "127.0.0.1/32", "--letters-dir", "nowhere"],
            "--letters-dir",
        ),
    ],
)
def test_serve_refuses_bad_options_with_exit_code_2(
    args: list[str],
    message: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    code = main(["serve", "--store", f"sqlite:///{tmp_path / 'x.db'}", *args])
    err = capsys.readouterr().err
    assert code == 2
    assert message in err
    assert err.count("\n") == 1


def test_serve_shares_a_letters_folder_between_processes(tmp_path: Path) -> None:
    from starlette.testclient import TestClient

    from educonnect_adapters.web import standalone

    app, settings = standalone.build(
        f"sqlite:///{tmp_path / 'x.db'}",
        host="127.0.0.1",
        staff_file=None,
        proxy_auth=True,
        administrative_networks=[],
        trusted_proxies=["127.0.0.1/32"],
        secret_key_file=None,
        insecure_cookies=False,
        lang="fr",
        letters_dir=tmp_path,
    )
    assert settings.letters_dir == tmp_path
    with TestClient(app):  # type: ignore[arg-type]  # its lifespan closes the store it opened
        pass
