"""Actions on accounts: ``notify``, ``reset-password``, ``recall-identifier``,
``deactivate``, ``reactivate``.

Each runs through :class:`~educonnect_core.service.AdministrationService`, so the
permission rules, the state rules and the audit apply exactly as in the library.
Who acts comes from the options or the settings file
(:mod:`educonnect_adapters.cli.settings`). What the service issues (letters,
emails, SMS) goes to the ``--channel`` plugin at once; clear passwords exist
only on the way to the channel. Exit code 1 when an action is refused or a
notification could not be delivered.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any, Final

from educonnect_adapters.system import SecretsRandom, SystemClock
from educonnect_core.actions import Action, Outcome
from educonnect_core.channels import (
    BatchResult,
    Channel,
    Medium,
)
from educonnect_core.errors import ActionRefused
from educonnect_core.notifying import deliver_issued
from educonnect_core.people import Profile
from educonnect_core.plugins import Plugins
from educonnect_core.service import (
    ActionResult,
    AdministrationService,
    BulkResult,
    Selection,
    Session,
)
from educonnect_core.storage import Store

from .common import print_json, state_label, tr
from .settings import (
    BadInput,
    Settings,
    add_actor_options,
    add_common_options,
    load,
    open_store,
    school_of,
)

__all__ = ["register", "run"]

#: Single-account actions that issue something to deliver.
_ISSUING: Final = frozenset(
    {Action.RESEND_NOTIFICATION, Action.RESET_PASSWORD, Action.RECALL_IDENTIFIER}
)
#: Actions whose notification carries a provisional password.
_WITH_PASSWORD: Final = frozenset(
    {Action.NOTIFY, Action.RESEND_NOTIFICATION, Action.RESET_PASSWORD}
)

#: Where the paper channel writes its PDFs when no ``output_dir`` is set.
DEFAULT_LETTERS_DIR: Final = "educonnect-courriers"

_SINGLE: Final = {
    "resend-notification": Action.RESEND_NOTIFICATION,
    "reset-password": Action.RESET_PASSWORD,
    "recall-identifier": Action.RECALL_IDENTIFIER,
    "deactivate": Action.DEACTIVATE,
    "reactivate": Action.REACTIVATE,
}
_HELP: Final = {
    "notify": "notifier des comptes (identifiants provisoires) / notify accounts",
    "resend-notification": "renvoyer une notification (nouveau mot de passe) / resend",
    "reset-password": "réinitialiser le mot de passe / reset the password",
    "recall-identifier": "rappeler l'identifiant / recall the identifier",
    "deactivate": "désactiver un compte / deactivate an account",
    "reactivate": "réactiver un compte / reactivate an account",
}


def _channel_options(parser: argparse.ArgumentParser, default: str = "paper") -> None:
    parser.add_argument(
        "--channel", default=default, help=f"notification channel (default {default})"
    )
    parser.add_argument(
        "--set",
        dest="channel_set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a channel setting (over [channels.NAME] of the settings file)",
    )


def register(sub: Any) -> None:
    notify: argparse.ArgumentParser = sub.add_parser(
        "notify",
        help=_HELP["notify"],
        description="Issue provisional credentials to accounts and deliver them. "
        "Select accounts by id, or a whole class or profile.",
    )
    notify.add_argument("account_ids", nargs="*", metavar="ID", help="account ids")
    notify.add_argument("--class", dest="division", metavar="DIVISION", help="a whole class")
    notify.add_argument(
        "--profile", choices=[p.value for p in Profile], help="with --class, or alone"
    )
    notify.add_argument("--dry-run", action="store_true", help="show what would happen")
    _channel_options(notify)
    add_actor_options(notify)
    add_common_options(notify)
    notify.set_defaults(handler=run, action_name="notify")
    for name, action in _SINGLE.items():
        parser: argparse.ArgumentParser = sub.add_parser(
            name, help=_HELP[name], description=_HELP[name]
        )
        parser.add_argument("account_id", metavar="ID", help="account id")
        if action is Action.DEACTIVATE:
            parser.add_argument("--reason", help="short reason code kept on the account")
        if action in _ISSUING:
            _channel_options(parser)
        add_actor_options(parser)
        add_common_options(parser)
        parser.set_defaults(handler=run, action_name=name)


def run(args: argparse.Namespace) -> int:
    settings = load(args)
    try:
        return _run(args, settings)
    except ActionRefused as exc:
        if settings.lang == "en" or exc.reason_fr == str(exc):
            raise
        raise ActionRefused(f"{exc} : {exc.reason_fr}", reason_fr=exc.reason_fr) from exc


def _run(args: argparse.Namespace, settings: Settings) -> int:
    with open_store(settings) as store:
        session = settings.session(store)
        service = AdministrationService(
            store, SystemClock(), SecretsRandom(), timezone=settings.timezone
        )
        if args.action_name == "notify":
            return _notify(args, settings, store, service, session)
        action = _SINGLE[args.action_name]
        # open the channel first: a bad setting must stop us before anything is issued
        channel = _open_channel(args, settings, action) if action in _ISSUING else None
        if action is Action.RESEND_NOTIFICATION:
            result = service.resend_notification(session, args.account_id)
        elif action is Action.RESET_PASSWORD:
            result = service.reset_password(session, args.account_id)
        elif action is Action.RECALL_IDENTIFIER:
            result = service.recall_identifier(session, args.account_id)
        elif action is Action.DEACTIVATE:
            result = service.deactivate(session, args.account_id, reason=args.reason)
        else:
            result = service.reactivate(session, args.account_id)
        delivered = _deliver(channel, settings, store, [result])
    if settings.json:
        _print_json([result], delivered, None)
    else:
        _print_results(settings, [result], delivered, dry_run=False)
    return 0 if delivered is None or (delivered.complete and not delivered.refused) else 1


def _notify(
    args: argparse.Namespace,
    settings: Settings,
    store: Store,
    service: AdministrationService,
    session: Session,
) -> int:
    ids: list[str] = list(args.account_ids)
    if ids and (args.division or args.profile):
        raise BadInput("notify: give account ids, or --class/--profile, not both")
    if not ids and not args.profile:
        raise BadInput("notify: give account ids, or --profile (with --class for one class)")
    if ids:
        selection = Selection.of_accounts(ids)
    else:
        with store.unit_of_work() as uow:
            uai = school_of(uow, settings).uai
        profile = Profile(args.profile)
        selection = (
            Selection.of_division(uai, args.division, profile)
            if args.division
            else Selection.of_profile(uai, profile)
        )
    channel = None if args.dry_run else _open_channel(args, settings, Action.NOTIFY)
    if len(ids) == 1 and not args.dry_run:
        results: Sequence[ActionResult] = [service.notify(session, ids[0])]
        bulk: BulkResult | None = None
    else:
        bulk = service.bulk(session, Action.NOTIFY, selection, dry_run=args.dry_run)
        results = bulk.results
    delivered = _deliver(channel, settings, store, results)
    if settings.json:
        _print_json(results, delivered, bulk)
    else:
        _print_results(settings, results, delivered, dry_run=args.dry_run)
        if bulk is not None and bulk.excluded:
            left = ", ".join(
                f"{state_label(settings, s)}: {n}"
                for s, n in sorted(bulk.excluded.items(), key=str)
            )
            print(
                tr(settings, f"Non sélectionnés (état) : {left}", f"Not selected (state): {left}")
            )
    refused = any(r.outcome is Outcome.REFUSED for r in results)
    failed = delivered is not None and (not delivered.complete or bool(delivered.refused))
    return 1 if refused or failed else 0


def _open_channel(args: argparse.Namespace, settings: Settings, action: Action) -> Channel:
    """The ``--channel`` plugin with the file's ``[channels.NAME]`` and ``--set`` settings.

    A channel that could not carry what ``action`` issues (a password by SMS) is
    refused here, before anything is issued.
    """
    name: str = args.channel
    channel_settings = settings.channel_settings(name)
    for item in args.channel_set:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise BadInput(f"--set {item!r}: expected KEY=VALUE")
        channel_settings[key.strip()] = value
    if name == "paper":
        channel_settings.setdefault("output_dir", DEFAULT_LETTERS_DIR)
    channel = Plugins.installed().open_channel(name, channel_settings)
    if action in _WITH_PASSWORD and channel.medium is Medium.SMS:
        raise BadInput(
            f"--channel {name}: a provisional password is never sent by SMS; "
            "use paper or email (SMS carries identifier recalls only)"
        )
    return channel


def _deliver(
    channel: Channel | None,
    settings: Settings,
    store: Store,
    results: Sequence[ActionResult],
) -> BatchResult | None:
    """Hand what the service issued to the channel (the core's delivery use case)."""
    issued = [r.notification for r in results if r.notification is not None]
    if not issued or channel is None:
        return None
    return deliver_issued(
        store,
        channel,
        issued,
        clock=SystemClock(),
        timezone=settings.timezone,
        school=settings.school_profile(),
    )


def _print_results(
    settings: Settings,
    results: Sequence[ActionResult],
    delivered: BatchResult | None,
    *,
    dry_run: bool,
) -> None:
    def t(fr: str, en: str) -> str:
        return tr(settings, fr, en)

    outcome_words = {
        Outcome.CHANGE: t("serait fait", "would change") if dry_run else t("fait", "done"),
        Outcome.UNCHANGED: t("rien à faire", "nothing to do"),
        Outcome.REFUSED: t("refusé", "refused"),
    }
    if dry_run:
        print(t("Simulation (rien n'est écrit ni envoyé)", "Dry run (nothing written or sent)"))
    for r in results:
        states = ""
        if r.before is not None and r.after is not None and r.before is not r.after:
            states = f" ({state_label(settings, r.before)} → {state_label(settings, r.after)})"
        why = f" — {r.reason_fr}" if r.outcome is not Outcome.CHANGE and r.reason_fr else ""
        print(f"{r.account_id}: {outcome_words[r.outcome]}{states}{why}")
    if delivered is not None:
        print(
            t(
                f"Canal {delivered.channel} : {len(delivered.delivered)} remis, "
                f"{len(delivered.reports) - len(delivered.delivered)} non remis",
                f"Channel {delivered.channel}: {len(delivered.delivered)} delivered, "
                f"{len(delivered.reports) - len(delivered.delivered)} not delivered",
            )
        )
        for report in delivered.reports:
            if report.delivered:
                where = f" → {report.reference}" if report.reference else ""
                print(f"  {report.account_id}{where}")
            else:
                print(f"  {report.account_id}: {report.reason}")
    counts = {o: sum(1 for r in results if r.outcome is o) for o in Outcome}
    if len(results) > 1:
        print(
            ", ".join(f"{outcome_words[o]}: {n}" for o, n in counts.items() if n)
            or t("aucun compte sélectionné", "no account selected")
        )
    elif not results:
        print(t("Aucun compte sélectionné.", "No account selected."))


def _print_json(
    results: Sequence[ActionResult], delivered: BatchResult | None, bulk: BulkResult | None
) -> None:
    print_json(
        {
            "results": [
                {
                    "account_id": r.account_id,
                    "action": r.action,
                    "outcome": r.outcome,
                    "before": r.before,
                    "after": r.after,
                    "code": r.code,
                    "reason_fr": r.reason_fr,
                }
                for r in results
            ],
            "excluded": dict(bulk.excluded) if bulk else {},
            "deliveries": delivered.reports if delivered else [],
        }
    )
