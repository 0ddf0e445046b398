"""The staff file and ``educonnect staff add|list|remove|reset-otp``."""

from __future__ import annotations

import io
import stat
import tomllib
from pathlib import Path

import pyotp
import pytest

from educonnect_adapters.cli.main import main
from educonnect_adapters.web.staff import add_staff, load_staff
from educonnect_core.errors import InvalidValue

PASSWORD = "a long enough password"


def _staff(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    *args: str,
    password: str = PASSWORD,
) -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    capsys.readouterr()
    code = main(["staff", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_add_list_reset_and_remove(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "staff.toml"
    code, out, _ = _staff(
        monkeypatch,
        capsys,
        "--file",
        str(path),
        "add",
        "ce-0001",
        "--role",
        "chef_etablissement",
        "--uai",
        "0990007v",
        "--name",
        'Mme "Hélène" Fictive\\',
        "--password-stdin",
    )
    assert code == 0
    assert "otpauth://totp/" in out
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    entry = data["staff"]["ce-0001"]
    assert entry["password_hash"].startswith("$argon2id$")
    assert PASSWORD not in path.read_text(encoding="utf-8")
    assert entry["name"] == 'Mme "Hélène" Fictive\\'
    assert entry["uai"] == "0990007V"
    first_secret = entry["totp_secret"]
    assert first_secret in out

    code, out, _ = _staff(monkeypatch, capsys, "--file", str(path), "list")
    assert code == 0
    assert "ce-0001" in out
    assert "chef_etablissement" in out
    assert first_secret not in out

    code, out, _ = _staff(monkeypatch, capsys, "--file", str(path), "reset-otp", "ce-0001")
    assert code == 0
    member = load_staff(path)["ce-0001"]
    assert member.totp_secret != first_secret
    assert member.totp_secret in out
    pyotp.TOTP(member.totp_secret).now()

    code, _, _ = _staff(monkeypatch, capsys, "--file", str(path), "remove", "ce-0001")
    assert code == 0
    assert load_staff(path) == {}


@pytest.mark.parametrize(
    ("args", "password", "message"),
    [
        (
            ["add", "x-1", "--role", "adjoint", "--uai", "0990007V", "--password-stdin"],
            "short",
            "12 or more",
        ),
        (["add", "x-1", "--role", "adjoint", "--uai", "nope", "--password-stdin"], PASSWORD, "Uai"),
        (["remove", "nobody"], PASSWORD, "no staff member 'nobody'"),
        (["reset-otp", "nobody"], PASSWORD, "no staff member 'nobody'"),
    ],
)
def test_bad_input_is_one_line_and_exit_code_2(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    password: str,
    message: str,
) -> None:
    path = tmp_path / "staff.toml"
    code, _, err = _staff(monkeypatch, capsys, "--file", str(path), *args, password=password)
    assert code == 2
    assert message in err
    assert err.count("\n") == 1
    assert not path.exists()


def test_an_id_is_added_once(tmp_path: Path) -> None:
    path = tmp_path / "staff.toml"
    add_staff(path, "ce-1", role="chef_etablissement", uai="0990007V", name="", password=PASSWORD)
    with pytest.raises(InvalidValue, match="this one is in the file"):
        add_staff(path, "ce-1", role="adjoint", uai="0990007V", name="", password=PASSWORD)


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("staff = 3", "staff"),
        ('[staff."a"]\nrole = "chef_etablissement"\n', "staff.a"),
        (
            '[staff."a"]\nrole = "identity_provider"\nuai = "0990007V"\npassword_hash = "x"\n'
            f'totp_secret = "{"JBSWY3DPEHPK3PXP" * 2}"\n',
            "role",
        ),
        (
            '[staff."a"]\nrole = "adjoint"\nuai = "0990007V"\npassword_hash = "x"\n'
            'totp_secret = "not base32!"\n',
            "totp_secret",
        ),
        ("[staff\n", "TOML"),
    ],
)
def test_a_bad_staff_file_names_the_file_and_field(tmp_path: Path, text: str, field: str) -> None:
    path = tmp_path / "staff.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InvalidValue) as caught:
        load_staff(path)
    assert str(path) in str(caught.value)
    assert field in str(caught.value)
