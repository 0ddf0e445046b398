"""Entry point of the ``educonnect`` command.

Each command lives in its own module of :mod:`educonnect_adapters.cli` and is
listed in :data:`COMMANDS`; a command module has ``register(subparsers)`` which
adds a parser whose ``handler`` default is ``run(args) -> int``.

Exit codes (docs/cli.md): 0 success; 1 refused or failed with nothing changed
(permission, state, concurrent modification, store unavailable: a retry may
succeed); 2 bad input (file, option, setting); 3 internal error (a bug); 130
interrupted (Ctrl-C; the unit of work in progress is rolled back). Errors go to
stderr on one line; ``--debug`` shows the traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from typing import Final

from educonnect_adapters.cli.terminal import guarded_stdout, visible
from educonnect_core import __version__
from educonnect_core.errors import (
    ActionRefused,
    ConcurrentModification,
    EduconnectError,
    PermissionDenied,
    StoreUnavailable,
)

__all__ = [
    "COMMANDS",
    "EXIT_BAD_INPUT",
    "EXIT_INTERNAL",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_REFUSED",
    "main",
]

EXIT_OK: Final = 0
EXIT_REFUSED: Final = 1
EXIT_BAD_INPUT: Final = 2
EXIT_INTERNAL: Final = 3
EXIT_INTERRUPTED: Final = 130

#: Modules of this package that define a command, in help order.
COMMANDS: Final[tuple[str, ...]] = (
    "check",
    "importcmd",
    "synccmd",
    "logins",
    "accounts",
    "account",
    "diagnose",
    "actions",
    "delegation",
    "stats",
    "report",
    "plugins",
    "serve",
    "staff",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="educonnect",
        description="Administration des comptes EduConnect / EduConnect account administration",
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks")
    parser.add_argument(
        "--lang",
        dest="lang_all",
        choices=("fr", "en"),
        help="language of every command's output (a command's own --lang wins)",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMANDS:
        module = importlib.import_module(f"educonnect_adapters.cli.{name}")
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Callable[[argparse.Namespace], int] = args.handler
    # human output cannot drive the terminal, whatever the data hold (JSON escapes itself)
    guard = contextlib.nullcontext() if getattr(args, "json", False) else guarded_stdout()
    try:
        with guard:
            return handler(args)
    except (PermissionDenied, ActionRefused, ConcurrentModification, StoreUnavailable) as exc:
        _report(exc, args.debug)
        return EXIT_REFUSED
    except BrokenPipeError:
        # the reader of our output stopped (``educonnect stats | head``): not an error
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    except (EduconnectError, OSError) as exc:
        _report(exc, args.debug)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt as exc:
        _report(exc, args.debug, "interrupted; the operation in progress was rolled back")
        return EXIT_INTERRUPTED
    except Exception as exc:
        what = f"{type(exc).__name__}: {exc}"
        _report(exc, args.debug, f"internal error ({what}); run again with --debug for details")
        return EXIT_INTERNAL


def _report(exc: BaseException, debug: bool, text: str | None = None) -> None:
    if debug:
        traceback.print_exception(exc, file=sys.stderr)
    message = visible(" ".join((text if text is not None else str(exc)).split()))
    print(f"educonnect: error: {message}", file=sys.stderr)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
