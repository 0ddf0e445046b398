"""``educonnect stats``: a school's figures, computed by the store's queries.

Counts by profile × state, activation rate by class, activated accounts by
route, accounts carrying each blocker code (with its remedy), and how many
accounts still to activate have no open route. Nothing loads every account:
the figures come from :func:`educonnect_core.views.gather` (shared with the
report and the web dashboard).
"""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

from educonnect_core.blockers import CATALOGUE
from educonnect_core.changeset import TREND_COUNTS
from educonnect_core.observed_activity import DORMANT_AFTER, ObservedActivity
from educonnect_core.people import Profile
from educonnect_core.persons import PersonStatistics
from educonnect_core.shown_times import shown_time
from educonnect_core.states import AccountState
from educonnect_core.views import Figures, export_counts, gather

from .common import label, now, print_json, print_table, state_label, to_jsonable, tr
from .settings import Settings, add_common_options, load, open_store, school_of

__all__ = ["Figures", "export_counts", "gather", "register", "run"]


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "stats",
        help="statistiques de l'établissement / school statistics",
        description="Counts by profile and state, by class, by route and by blocker code.",
    )
    parser.add_argument(
        "--all-schools",
        action="store_true",
        help="every school of the store together (an académie's store)",
    )
    parser.add_argument(
        "--dormant-days",
        type=_days,
        default=DORMANT_AFTER.days,
        metavar="N",
        help=f"dormant: seen, then not for more than N days (default {DORMANT_AFTER.days})",
    )
    add_common_options(parser)
    parser.set_defaults(handler=run)


def _days(text: str) -> int:
    try:
        days = int(text)
    except ValueError:
        days = 0
    if days < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of days, 1 or more: {text!r}")
    return days


def run(args: argparse.Namespace) -> int:
    settings = load(args)
    with open_store(settings, read_only=True) as store, store.unit_of_work() as uow:
        school = None if args.all_schools else school_of(uow, settings)
        dormant_after = dt.timedelta(days=args.dormant_days)
        figures = gather(uow, school, now(), dormant_after=dormant_after)
    if settings.json:
        print_json(as_json(figures))
    else:
        print_figures(settings, figures)
    return 0


def as_json(figures: Figures) -> dict[str, object]:
    stats = figures.statistics
    school = figures.school
    return {
        "uai": str(school.uai) if school else None,
        "school_year": school.school_year if school else None,
        "total": stats.total,
        "by_profile_state": {
            p.value: {s.value: stats.by_profile_state.get((p, s), 0) for s in AccountState}
            for p in Profile
        },
        "classes": [
            {
                "division": c.division,
                "total": c.total,
                "activated": c.activated,
                "activation_rate": c.rate,
                "by_state": {s.value: c.by_state.get(s, 0) for s in AccountState},
            }
            for c in figures.classes
        ],
        "activated_by_route": {r.value: n for r, n in figures.by_route.items()},
        "blockers": [
            {
                "code": code.value,
                "accounts": n,
                "fix_in": CATALOGUE[code].fix_in.value,
                "remedy_fr": CATALOGUE[code].remedies(figures.origin)[0],
                "remedy_en": CATALOGUE[code].remedies(figures.origin)[1],
            }
            for code, n in figures.blockers.items()
        ],
        "blocked_to_activate": figures.blocked_to_activate,
        "observed": _observed_json(figures.observed),
        "persons": _persons_json(figures.persons),
        "exports": [
            {
                "exported_at": e.exported_at.isoformat(),
                "applied_at": e.applied_at.isoformat(),
                "effective_from": e.effective_from.isoformat(),
                "forced": e.forced,
                "changes": export_counts(e),
            }
            for e in figures.exports
        ],
    }


def print_figures(settings: Settings, figures: Figures) -> None:
    def t(fr: str, en: str) -> str:
        return tr(settings, fr, en)

    stats = figures.statistics
    school = figures.school
    if school is None:
        print(t("Tous les établissements du magasin", "Every school of the store"))
    else:
        name = f" — {school.name}" if school.name else ""
        print(t("Établissement", "School") + f" {school.uai}{name} ({school.school_year})")
    print(t(f"Comptes : {stats.total}", f"Accounts: {stats.total}"))
    print()
    print(t("Comptes par profil et état", "Accounts by profile and state"))
    states = list(AccountState)
    rows = [
        [
            label(settings, p),
            *(stats.by_profile_state.get((p, s), 0) for s in states),
            figures.profile_total(p),
        ]
        for p in Profile
    ]
    print_table(
        [t("profil", "profile"), *(state_label(settings, s) for s in states), "total"],
        rows,
    )
    print()
    print(t("Taux d'activation par classe", "Activation rate by class"))
    print_table(
        [t("classe", "class"), t("comptes", "accounts"), t("activés", "activated"), "%"],
        [[c.division, c.total, c.activated, c.rate] for c in figures.classes],
    )
    print()
    print(t("Comptes activés par parcours", "Activated accounts by route"))
    print_table(
        [t("parcours", "route"), t("comptes", "accounts")],
        [[label(settings, r), n] for r, n in figures.by_route.items()],
    )
    print()
    print(t("Blocages par code (comptes concernés)", "Blockers by code (accounts concerned)"))
    print_table(
        [
            t("code", "code"),
            t("comptes", "accounts"),
            t("où corriger", "fix in"),
            t("remède", "remedy"),
        ],
        [
            [
                code.value,
                n,
                CATALOGUE[code].fix_in.value,
                t(*CATALOGUE[code].remedies(figures.origin)),
            ]
            for code, n in figures.blockers.items()
        ],
    )
    if figures.persons is not None:
        print_persons(settings, figures.persons)
    if figures.school is None or figures.blocked_to_activate is None:
        return
    if figures.observed is not None:
        print_observed(settings, figures.observed)
    print()
    print(
        t(
            f"Comptes à activer sans aucun parcours ouvert : {figures.blocked_to_activate}",
            f"Accounts to activate with no open route: {figures.blocked_to_activate}",
        )
    )
    print()
    print(t("Évolution : exports appliqués", "Trend: applied exports"))
    if not figures.exports:
        print(
            t(
                "  (aucune synchronisation encore : educonnect sync FILE...)",
                "  (no synchronisation yet: educonnect sync FILE...)",
            )
        )
        return
    kinds = [kind for kind, _, _ in TREND_COUNTS]
    print_table(
        [
            t("export du", "exported"),
            t("effectif", "effective"),
            *(t(fr, en) for _, fr, en in TREND_COUNTS),
        ],
        [
            [
                shown_time(e.exported_at, settings.lang, settings.timezone),
                shown_time(e.effective_from, settings.lang, settings.timezone),
                *(export_counts(e).get(k, 0) for k in kinds),
            ]
            for e in figures.exports
        ],
    )


def _persons_json(p: PersonStatistics | None) -> dict[str, object] | None:
    if p is None:
        return None
    return {
        "total": p.total,
        "active": p.active,
        "grouped": p.grouped,
        "candidates": p.candidates,
        "by_profile": {
            profile.value: {
                "persons": p.persons(profile),
                "accounts": p.accounts_by_profile.get(profile, 0),
                "by_state": {s.value: p.persons(profile, s) for s in AccountState},
            }
            for profile in Profile
        },
    }


def print_persons(settings: Settings, p: PersonStatistics) -> None:
    """Persons next to accounts: a grouped person counts once, in one state."""

    def t(fr: str, en: str) -> str:
        return tr(settings, fr, en)

    print()
    print(
        t(
            f"Personnes : {p.total} (actives : {p.active}) ; présentes dans plusieurs "
            f"établissements : {p.grouped} ; rapprochements à vérifier : {p.candidates}",
            f"Persons: {p.total} (active: {p.active}); at several schools: {p.grouped}; "
            f"grouping candidates to check: {p.candidates}",
        )
    )
    print_table(
        [t("profil", "profile"), t("personnes", "persons"), t("comptes", "accounts")],
        [
            [label(settings, profile), p.persons(profile), p.accounts_by_profile.get(profile, 0)]
            for profile in Profile
        ],
    )


def _observed_json(o: ObservedActivity | None) -> dict[str, object] | None:
    if o is None:
        return None
    data = to_jsonable(o)
    del data["at"]  # the figures, not the moment they were read
    del data["dormant_after"]
    data["dormant_after_days"] = o.dormant_after.days
    return dict(data)


def print_observed(settings: Settings, o: ObservedActivity) -> None:
    """What the sign-ins say (``educonnect logins``)."""

    def t(fr: str, en: str) -> str:
        return tr(settings, fr, en)

    days = o.dormant_after.days
    print()
    print(t("Connexions observées (educonnect logins)", "Observed sign-ins (educonnect logins)"))
    rate = f"{o.rate:.0%}" if o.rate is not None else "–"
    print(
        t(
            f"  vus à la connexion : {o.observed} / {o.accounts} ({rate}) ; jamais vus : "
            f"{o.never_seen} ; sans connexion depuis plus de {days} jours : {o.dormant}",
            f"  seen signing in: {o.observed} / {o.accounts} ({rate}); never seen: "
            f"{o.never_seen}; not seen for more than {days} days: {o.dormant}",
        )
    )
    print(
        t(
            f"  déclarés activés mais jamais vus : {o.declared_never_seen} ; lettres remises : "
            f"{o.letters}, dont sans connexion depuis : {o.letters_without_sign_in}",
            f"  declared activated but never seen: {o.declared_never_seen}; letters handed "
            f"out: {o.letters}, with no sign-in since: {o.letters_without_sign_in}",
        )
    )
    if o.observed:
        print_table(
            [t("classe", "class"), t("comptes", "accounts"), t("vus", "seen"), "%"],
            [[c.division or "–", c.accounts, c.observed, c.rate] for c in o.by_class],
        )
        routes = ", ".join(
            f"{t('inconnu', 'unknown') if r == 'unknown' else r} {n}" for r, n in o.by_route.items()
        )
        print(t(f"  par parcours : {routes}", f"  by route: {routes}"))
