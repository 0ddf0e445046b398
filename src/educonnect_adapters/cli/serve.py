"""``educonnect serve``: run the web administration module alone (uvicorn).

The web module is another adapter: this command only reads its options and
starts it by name (:func:`importlib.import_module`), so the rest of the command
line works without the ``web`` extra installed.
"""

from __future__ import annotations

import argparse
import importlib
from pathlib import Path
from types import ModuleType
from typing import Any

from .settings import DEFAULT_STORE, LANGS, BadInput, load

__all__ = ["register", "run", "web_module"]


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "serve",
        help="module web d'administration / run the web administration module",
        description="Serve the web administration module (sign-in, dashboard, accounts).",
    )
    parser.add_argument(
        "--store", metavar="URL", help=f"account store (default {DEFAULT_STORE}, or the file's)"
    )
    parser.add_argument(
        "--config", metavar="FILE", type=Path, help="settings file (default ./educonnect.toml)"
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port to listen on (8000)")
    parser.add_argument("--staff", metavar="FILE", type=Path, help="staff accounts file (TOML)")
    parser.add_argument(
        "--proxy-auth",
        action="store_true",
        help="identity headers from the trusted proxies instead of staff accounts",
    )
    parser.add_argument(
        "--admin-network",
        action="append",
        default=[],
        metavar="CIDR",
        help="the school's administrative network (repeat for several ranges)",
    )
    parser.add_argument(
        "--trusted-proxy",
        action="append",
        default=[],
        metavar="CIDR",
        help="front proxy whose X-Forwarded-For (and identity headers) are believed",
    )
    parser.add_argument(
        "--secret-key-file",
        metavar="FILE",
        type=Path,
        help="32 bytes or more signing the cookies (default: new at each start)",
    )
    parser.add_argument(
        "--insecure-cookies",
        action="store_true",
        help="cookies without Secure, for http://localhost tests only",
    )
    parser.add_argument(
        "--letters-dir",
        metavar="FOLDER",
        type=Path,
        help="where printed letters wait to be downloaded (shared by every process "
        "serving the store; default: a private temporary folder per process)",
    )
    parser.add_argument("--lang", choices=LANGS, help="default language of the pages (fr)")
    parser.set_defaults(handler=run)


def web_module(name: str) -> ModuleType:
    """``educonnect_adapters.web.NAME``, or a clear error without the ``web`` extra."""
    try:
        return importlib.import_module(f"educonnect_adapters.web.{name}")
    except ModuleNotFoundError as exc:
        raise BadInput(
            f"the web module needs the 'web' extra ({exc.name} is missing): "
            "pip install 'educonnect[web]'"
        ) from None


def run(args: argparse.Namespace) -> int:
    settings = load(args)
    standalone = web_module("standalone")
    app, _ = standalone.build(
        settings.store_url,
        host=args.host,
        staff_file=args.staff,
        proxy_auth=args.proxy_auth,
        administrative_networks=args.admin_network,
        trusted_proxies=args.trusted_proxy,
        secret_key_file=args.secret_key_file,
        insecure_cookies=args.insecure_cookies,
        lang=settings.lang,
        letters_dir=args.letters_dir,
    )
    code: int = standalone.serve(
        app, host=args.host, port=args.port, trusted_proxies=args.trusted_proxy
    )
    return code
