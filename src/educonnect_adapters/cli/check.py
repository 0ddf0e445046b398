"""``educonnect check FILE...`` (placeholder until the SIECLE adapter lands)."""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser("check", help="check an export")
    parser.add_argument("files", nargs="+")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    raise NotImplementedError
