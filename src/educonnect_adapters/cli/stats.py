"""``educonnect stats``: a school's figures, computed by the store's queries.

Counts by profile × state, activation rate by class, activated accounts by
route, accounts carrying each blocker code (with its remedy), and how many
accounts still to activate have no open route. Nothing loads every account:
the figures come from :meth:`AccountRepository.statistics` and ``count``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from collections.abc import Mapping
from typing import Any, Final

import attrs

from educonnect_core.blockers import CATALOGUE, BlockerCode, FixLocation
from educonnect_core.observed_activity import DORMANT_AFTER, ObservedActivity, observed_activity
from educonnect_core.people import Profile, School
from educonnect_core.persons import PersonStatistics, load_persons
from educonnect_core.routes import Route
from educonnect_core.states import AccountState
from educonnect_core.storage import AppliedExport, Statistics, UnitOfWork

from .common import label, now, print_json, print_table, state_label, to_jsonable, tr
from .settings import Settings, add_common_options, load, open_store, school_of

__all__ = ["Figures", "gather", "register", "run"]

#: States of an account someone still has to activate.
#: States counted as activated in the rates.
ACTIVATED: Final = (AccountState.ACTIVATED, AccountState.PASSWORD_RESET)


@attrs.frozen
class ClassFigures:
    """One class (division): accounts by state and the activation rate."""

    division: str
    by_state: Mapping[AccountState, int]

    @property
    def total(self) -> int:
        return sum(self.by_state.values())

    @property
    def activated(self) -> int:
        return sum(self.by_state.get(s, 0) for s in ACTIVATED)

    @property
    def active(self) -> int:
        """Accounts not deactivated: the denominator of the rate."""
        return self.total - self.by_state.get(AccountState.DEACTIVATED, 0)

    @property
    def rate(self) -> float | None:
        return self.activated / self.active if self.active else None


@attrs.frozen
class Figures:
    """Everything ``stats`` prints and ``report`` draws."""

    #: ``None`` for the figures of every school of the store
    school: School | None
    statistics: Statistics
    classes: tuple[ClassFigures, ...]
    #: accounts still to activate (not activated, notified) with no open route
    #: (``None`` over every school: not computed)
    blocked_to_activate: int | None
    #: the exports the synchronisation applied to the school, oldest first
    exports: tuple[AppliedExport, ...] = ()
    #: what the sign-ins say (one school, when a time is given to :func:`gather`)
    observed: ObservedActivity | None = None
    #: persons (one per grouped person, ``docs/explanation/persons.md``) with a
    #: record at the school (every school: ``None`` school); their state counts
    #: every school
    persons: PersonStatistics | None = None

    @property
    def by_route(self) -> Mapping[Route, int]:
        return {r: self.statistics.by_route.get(r, 0) for r in Route}

    @property
    def blockers(self) -> Mapping[BlockerCode, int]:
        """Codes something can be done about (not ``NOWHERE``), most frequent first."""
        counts = {
            code: n
            for code, n in self.statistics.blocked_by_code.items()
            if n and CATALOGUE[code].fix_in is not FixLocation.NOWHERE
        }
        return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0].value)))

    def profile_total(self, profile: Profile) -> int:
        return sum(n for (p, _), n in self.statistics.by_profile_state.items() if p is profile)

    def profile_activated(self, profile: Profile) -> int:
        return sum(self.statistics.by_profile_state.get((profile, s), 0) for s in ACTIVATED)


def gather(
    uow: UnitOfWork,
    school: School | None,
    at: dt.datetime | None = None,
    *,
    dormant_after: dt.timedelta = DORMANT_AFTER,
) -> Figures:
    """The figures of ``school`` (``None``: every school of the store), from the
    store's statistics and counts; with ``at``, the observed activity too
    (dormant: not seen for longer than ``dormant_after``)."""
    uai = school.uai if school is not None else None
    stats = uow.accounts.statistics(uai)
    per_class: dict[str, dict[AccountState, int]] = {}
    for (division, state), n in stats.by_division_state.items():
        per_class.setdefault(division, {})[state] = n
    classes = tuple(ClassFigures(d, per_class[d]) for d in sorted(per_class, key=_class_key))
    exports: tuple[AppliedExport, ...] = ()
    observed = None
    if school is not None:
        exports = tuple(uow.exports.effective_after(school.uai, _EPOCH))
        if at is not None:
            observed = observed_activity(uow, school.uai, at, dormant_after=dormant_after)
    persons = load_persons(uow).statistics(uai)
    return Figures(school, stats, classes, stats.blocked, exports, observed, persons)


_EPOCH: Final = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def export_counts(export: AppliedExport) -> dict[str, int]:
    """The change counts the synchronisation wrote in ``summary`` (JSON), if readable."""
    try:
        counts = json.loads(export.summary) if export.summary else {}
    except ValueError:
        return {}
    if not isinstance(counts, dict):
        return {}
    return {str(k): v for k, v in counts.items() if isinstance(v, int)}


def _class_key(division: str) -> tuple[str, str]:
    return (division.upper().replace(" ", ""), division)


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
                "remedy_fr": CATALOGUE[code].remedy_fr,
                "remedy_en": CATALOGUE[code].remedy_en,
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
                _short(t(CATALOGUE[code].remedy_fr, CATALOGUE[code].remedy_en)),
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
    kinds = ("created", "deactivated", "reactivated", "records_updated", "links_changed")
    print_table(
        [t("export du", "exported"), t("effectif", "effective"), *kinds],
        [
            [
                f"{e.exported_at:%Y-%m-%d %H:%M}",
                f"{e.effective_from:%Y-%m-%d %H:%M}",
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


def _short(text: str, width: int = 90) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
