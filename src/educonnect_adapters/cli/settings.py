"""Settings shared by the commands: the store, the language, who acts, channels.

Values come from the command's options first, then from the environment
(``EDUCONNECT_STORE``, ``EDUCONNECT_LANG``, ``EDUCONNECT_UAI``,
``EDUCONNECT_TIMEZONE``), then from a settings file (``--config FILE`` or
``EDUCONNECT_CONFIG``, else ``educonnect.toml`` in the current folder, else the
user's own, :func:`user_config`), then from the defaults: the store
``sqlite:///educonnect.db`` (a file in the current folder) and French. The file
looks like::

    store = "sqlite:///educonnect.db"
    lang = "fr"
    timezone = "Europe/Paris"

    [actor]            # who acts: the permission rules of the library apply
    id = "ce-0001"
    role = "chef_etablissement"     # adjoint, directeur_ecole, delegue
    uai = "0990007V"
    # a delegue acts under the DELEG-CE delegation the store holds for them
    # (granted with ``educonnect delegation grant``), never one written here

    [access]           # how they reached the service
    otp = true
    administrative_network = true

    [school]           # how letters, e-mails and the report name the school
    name = "Collège Jean Moulin"
    address = ["12 rue des Écoles", "99000 Villeneuve"]
    contact = "secrétariat, 01 23 45 67 89, du lundi au vendredi"

    [channels.paper]   # handed to the channel plugin as its settings
    output_dir = "courriers"
"""

from __future__ import annotations

import argparse
import os
import tomllib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Final

import attrs

from educonnect_adapters.system import SecretsRandom, SystemClock
from educonnect_core.delegating import Delegations
from educonnect_core.errors import EduconnectError, InvalidValue, NotFound
from educonnect_core.people import School
from educonnect_core.permissions import AccessContext, Actor, Role
from educonnect_core.plugins import Plugins
from educonnect_core.schedule import RefreshSchedule
from educonnect_core.school_profile import SchoolProfile
from educonnect_core.service import Session
from educonnect_core.storage import Store, UnitOfWork
from educonnect_core.values import Uai

__all__ = [
    "DEFAULT_CONFIG",
    "DEFAULT_STORE",
    "BadInput",
    "Settings",
    "add_actor_options",
    "add_common_options",
    "language",
    "load",
    "open_store",
    "school_of",
    "setting_from_env",
    "user_config",
]

DEFAULT_STORE: Final = "sqlite:///educonnect.db"
DEFAULT_CONFIG: Final = "educonnect.toml"
LANGS: Final = ("fr", "en")
_ROLES: Final = {r.value: r for r in Role if r is not Role.IDENTITY_PROVIDER}


class BadInput(EduconnectError, ValueError):
    """A command's input is missing or contradictory (exit code 2)."""


def add_common_options(parser: argparse.ArgumentParser, *, json: bool = True) -> None:
    """``--store``, ``--lang``, ``--config``, ``--uai`` and (for data output) ``--json``."""
    group = parser.add_argument_group("settings")
    group.add_argument(
        "--store", metavar="URL", help=f"account store (default {DEFAULT_STORE}, or the file's)"
    )
    group.add_argument("--lang", choices=LANGS, help="language of the output (default fr)")
    group.add_argument(
        "--config", metavar="FILE", type=Path, help=f"settings file (default ./{DEFAULT_CONFIG})"
    )
    group.add_argument(
        "--uai",
        "--school",
        dest="uai",
        metavar="UAI",
        help="the school (default: the settings file's, or the store's only school)",
    )
    if json:
        group.add_argument("--json", action="store_true", help="print JSON")


def add_actor_options(parser: argparse.ArgumentParser) -> None:
    """Who acts and how they reached the service (else from the settings file)."""
    group = parser.add_argument_group("acting person (else [actor] / [access] of the file)")
    group.add_argument("--actor", metavar="ID", help="the acting person's id")
    group.add_argument("--role", choices=sorted(_ROLES), help="their role")
    group.add_argument("--otp", action="store_true", default=None, help="authenticated by OTP")
    group.add_argument(
        "--admin-network",
        action="store_true",
        default=None,
        help="connected from the school's administrative network",
    )


@attrs.frozen
class Settings:
    """Everything a command needs besides its own arguments."""

    store_url: str = DEFAULT_STORE
    lang: str = "fr"
    uai: Uai | None = None
    timezone: str = "Europe/Paris"
    json: bool = False
    config_path: Path | None = None
    file: Mapping[str, Any] = attrs.field(factory=dict, repr=False)
    options: Mapping[str, Any] = attrs.field(factory=dict, repr=False)

    def session(self, store: Store) -> Session:
        """The acting person, their role and access context (options over the file);
        a delegate's delegation comes from ``store``."""
        return _session(self, store)

    def school_profile(self) -> SchoolProfile:
        """The ``[school]`` table: ``name``, ``address`` (a list of lines) and
        ``contact`` (whom families ask for help), printed on letters and e-mails."""
        table = self.file.get("school", {})
        where = self._where()
        if not isinstance(table, Mapping):
            raise InvalidValue(f"{where}: [school]", table, "expected a table")
        unknown = sorted(set(table) - {"name", "address", "contact"})
        if unknown:
            raise InvalidValue(
                f"{where}: [school]", unknown, "expected only name, address and contact"
            )
        address = table.get("address", [])
        if not isinstance(address, list) or not all(isinstance(a, str) for a in address):
            raise InvalidValue(f"{where}: school.address", address, "expected a list of lines")
        return SchoolProfile(
            name=_text(table, "name", where),
            address=address,
            contact=_text(table, "contact", where),
        )

    def channel_settings(self, name: str) -> dict[str, str]:
        """The ``[channels.NAME]`` table of the file, values as strings."""
        channels = self.file.get("channels", {})
        table = channels.get(name, {}) if isinstance(channels, Mapping) else {}
        if not isinstance(table, Mapping):
            raise InvalidValue(f"{self._where()} [channels.{name}]", table, "expected a table")
        return {str(k): str(v) for k, v in table.items()}

    def _where(self) -> str:
        return str(self.config_path) if self.config_path else "settings"


def setting_from_env(name: str) -> str | None:
    """``EDUCONNECT_<NAME>`` when set and not blank."""
    value = os.environ.get(f"EDUCONNECT_{name.upper()}", "").strip()
    return value or None


def user_config() -> Path:
    """The user's own settings file: ``educonnect/educonnect.toml`` under
    ``XDG_CONFIG_HOME`` (default ``~/.config``), or ``%APPDATA%`` on Windows."""
    if os.name == "nt" and os.environ.get("APPDATA"):
        base = Path(os.environ["APPDATA"])
    else:
        base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / "educonnect" / DEFAULT_CONFIG


def _config_path(args: argparse.Namespace) -> tuple[Path | None, str]:
    """The settings file to read, and what named it (for an error)."""
    given: Path | None = getattr(args, "config", None)
    if given is not None:
        return given, "--config"
    if (named := setting_from_env("config")) is not None:
        return Path(named), "EDUCONNECT_CONFIG"
    for candidate in (Path(DEFAULT_CONFIG), user_config()):
        if candidate.is_file():
            return candidate, ""
    return None, ""


def load(args: argparse.Namespace) -> Settings:
    """Settings from the parsed options, the environment and the settings file."""
    path, named_by = _config_path(args)
    data: dict[str, Any] = {}
    if path is not None and path.is_file():
        data = _read_toml(path)
    elif path is not None:
        raise InvalidValue(named_by, str(path), "expected an existing settings file")
    where = str(path) if path else "settings"
    _known_keys(data, where)
    lang = language(args, data, where)
    raw_uai = (
        getattr(args, "uai", None)
        or setting_from_env("uai")
        or _text(data.get("actor", {}), "uai", where)
    )
    timezone = setting_from_env("timezone") or _text(data, "timezone", where) or "Europe/Paris"
    try:
        RefreshSchedule(timezone=timezone)
    except InvalidValue as exc:
        raise InvalidValue(f"{where}: timezone", timezone, exc.reason) from None
    return Settings(
        store_url=getattr(args, "store", None)
        or setting_from_env("store")
        or _text(data, "store", where)
        or DEFAULT_STORE,
        lang=lang,
        uai=Uai.parse(raw_uai) if raw_uai else None,
        timezone=timezone,
        json=bool(getattr(args, "json", False)),
        config_path=path,
        file=data,
        options=vars(args),
    )


def language(
    args: argparse.Namespace, data: Mapping[str, Any] | None = None, where: str = "settings"
) -> str:
    """The output language: the command's ``--lang``, the one given before the command
    (``educonnect --lang en stats``), ``EDUCONNECT_LANG``, the file's, else French."""
    lang = (
        getattr(args, "lang", None)
        or getattr(args, "lang_all", None)
        or setting_from_env("lang")
        or (_text(data, "lang", where) if data is not None else None)
        or "fr"
    )
    if lang not in LANGS:
        source = where if data is not None and data.get("lang") == lang else "language"
        raise InvalidValue(f"{source}: lang", lang, f"expected one of {', '.join(LANGS)}")
    return lang


#: the keys of the settings file and of its tables (``None``: any key, e.g. a
#: channel's own settings); a misspelt key is refused, never silently ignored
_KEYS: Final[dict[str, frozenset[str] | None]] = {
    "store": None,
    "lang": None,
    "timezone": None,
    "actor": frozenset({"id", "role", "uai"}),
    "access": frozenset({"otp", "administrative_network"}),
    "school": None,  # checked by Settings.school_profile
    "channels": None,
    "delegation": None,  # refused with its own message when someone acts
}


def _known_keys(data: Mapping[str, Any], where: str) -> None:
    unknown = sorted(set(data) - set(_KEYS))
    if unknown:
        raise InvalidValue(
            f"{where}: {unknown[0]}",
            unknown[0],
            f"unknown setting; expected one of {sorted(_KEYS)}",
        )
    for table, keys in _KEYS.items():
        value = data.get(table)
        if keys is None or value is None:
            continue
        if not isinstance(value, Mapping):
            raise InvalidValue(f"{where}: [{table}]", value, "expected a table")
        extra = sorted(set(value) - keys)
        if extra:
            raise InvalidValue(
                f"{where}: {table}.{extra[0]}",
                extra[0],
                f"unknown key; expected one of {sorted(keys)}",
            )


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise InvalidValue(str(path), "TOML", f"cannot read the settings file: {exc}") from None


def _text(table: object, key: str, where: str) -> str | None:
    if not isinstance(table, Mapping):
        return None
    value = table.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidValue(f"{where}: {key}", value, "expected a string")
    return value


@contextmanager
def open_store(settings: Settings, *, read_only: bool = False) -> Iterator[Store]:
    """The store of ``settings``, through the storage plugins; closed on exit.
    ``read_only`` (commands that only read): never created, never waits on a writer."""
    store = Plugins.installed().open_store(settings.store_url, read_only=read_only)
    try:
        yield store
    finally:
        store.close()


def school_of(uow: UnitOfWork, settings: Settings) -> School:
    """The school the command is about: ``--uai``, or the store's only school."""
    if settings.uai is not None:
        return uow.people.get_school(settings.uai)
    schools = uow.people.schools()
    if len(schools) == 1:
        return schools[0]
    if not schools:
        raise NotFound(
            f"the store {settings.store_url} holds no school yet: import an export first"
        )
    names = ", ".join(str(s.uai) for s in schools)
    raise BadInput(f"the store holds several schools ({names}): choose one with --uai")


# -- the acting person -----------------------------------------------------------------------


def _session(settings: Settings, store: Store) -> Session:
    where = settings._where()
    file_actor = settings.file.get("actor", {})
    file_access = settings.file.get("access", {})
    if not isinstance(file_actor, Mapping) or not isinstance(file_access, Mapping):
        raise InvalidValue(where, "[actor]/[access]", "expected tables")
    options = settings.options
    actor_id = options.get("actor") or _text(file_actor, "id", where)
    role_name = options.get("role") or _text(file_actor, "role", where)
    if not actor_id or not role_name:
        raise BadInput(
            f"who acts is unknown: give --actor and --role, or [actor] id and role in "
            f"{DEFAULT_CONFIG}"
        )
    role = _ROLES.get(role_name)
    if role is None:
        raise InvalidValue(f"{where}: actor.role", role_name, f"expected one of {sorted(_ROLES)}")
    uai = settings.uai
    if uai is None:
        raise BadInput("the acting person's school is unknown: give --uai or [actor] uai")
    otp = _flag(options.get("otp"), file_access, "otp", where)
    network = _flag(options.get("admin_network"), file_access, "administrative_network", where)
    access = AccessContext(otp=otp, administrative_network=network)
    if "delegation" in settings.file:
        raise BadInput(
            f"{where}: a [delegation] table is no longer read: delegations are records in the "
            "store, granted by the head (educonnect delegation grant); remove the table"
        )
    if role is Role.DELEGATE:
        return Delegations(store, SystemClock(), SecretsRandom()).session_of(actor_id, uai, access)
    return Session(Actor(actor_id, role, uai), access)


def _flag(option: object, table: Mapping[str, Any], key: str, where: str) -> bool:
    if option is not None:
        return bool(option)
    value = table.get(key, False)
    if not isinstance(value, bool):
        raise InvalidValue(f"{where}: access.{key}", value, "expected true or false")
    return value
