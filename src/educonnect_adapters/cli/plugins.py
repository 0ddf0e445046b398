"""``educonnect plugins``: the installed plugins, what each offers, from which
distribution and version; a plugin that failed to load is listed with its error."""

from __future__ import annotations

import argparse
from typing import Any

import attrs

from educonnect_core.plugins import InstalledPlugin, Plugins

from .common import print_json, print_table

__all__ = ["register", "run"]


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "plugins",
        help="greffons installés / installed plugins",
        description="Installed sources, stores, channels and sign-in feeds, "
        "with their distribution and version.",
    )
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    described = Plugins.installed().describe()
    if args.json:
        print_json([attrs.asdict(p) for p in described])
        return 0
    print_table(
        ("plugin", "distribution", "version", "offers"),
        (
            (p.name, p.distribution, p.version, _offers(p) if p.error is None else p.error)
            for p in described
        ),
    )
    return 0


def _offers(plugin: InstalledPlugin) -> str:
    parts = [
        f"{kind}: {', '.join(names)}"
        for kind, names in (
            ("sources", plugin.sources),
            ("stores", plugin.stores),
            ("channels", plugin.channels),
            ("sign-in feeds", plugin.sign_in_feeds),
        )
        if names
    ]
    return "; ".join(parts) or "-"
