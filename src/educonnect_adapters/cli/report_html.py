"""The HTML of ``educonnect report``: a template, inline CSS and SVG charts drawn here.

No script, no external resource: the file opens anywhere, offline. Every value
written into the page is escaped. Each chart is an ``<svg role="img">`` with a
``<title>`` and a ``data-chart`` name (``funnel``, ``funnel-classes``,
``routes``, ``blockers``), and shows its numbers as text, not only as colour.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from html import escape
from importlib import resources
from string import Template
from typing import TYPE_CHECKING, Final
from zoneinfo import ZoneInfo

from educonnect_core.blockers import CATALOGUE, BlockerCode
from educonnect_core.changeset import TREND_COUNTS
from educonnect_core.origins import DataOrigin
from educonnect_core.people import Profile
from educonnect_core.routes import Route
from educonnect_core.shown_times import shown_time
from educonnect_core.states import AccountState

from .stats import export_counts

if TYPE_CHECKING:
    from .report import ToFix
    from .stats import Figures

__all__ = ["bar_chart", "render"]

COLOURS: Final = {
    "activated": "#2e7d32",
    "notified": "#1565c0",
    "todo": "#8d8d8d",
    "off": "#d9d9d9",
    "bar": "#000091",
    "warn": "#c62828",
}

_WORDS: Final = {
    "fr": {
        "title": "Comptes EduConnect",
        "generated": "Rapport établi le",
        "year": "année scolaire",
        "h_summary": "En bref",
        "h_funnel": "Activation par classe",
        "h_routes": "Parcours d'activation utilisés",
        "h_blockers": "Blocages à corriger dans SIECLE",
        "h_to_fix": "Personnes à corriger dans SIECLE, par classe",
        "h_profiles": "Comptes par profil et état",
        "h_exports": "Exports SIECLE appliqués (synchronisations)",
        "h_observed": "Connexions observées",
        "seen": "vus à la connexion",
        "never_seen": "jamais vus",
        "dormant": "sans connexion depuis plus de {days} jours",
        "declared_never_seen": "déclarés activés, jamais vus",
        "letters_waiting": "lettres remises sans connexion depuis",
        "no_sign_in": "Aucune connexion observée (educonnect logins FICHIER).",
        "no_export": "Aucune synchronisation depuis l'import initial.",
        "exported": "export du",
        "effective": "effectif le",
        "accounts": "comptes",
        "activated": "activés",
        "rate": "taux d'activation",
        "to_fix": "à corriger dans SIECLE",
        "blocked": "sans parcours ouvert",
        "funnel_all": "Comptes (hors désactivés)",
        "funnel_notified": "Notifiés ou activés",
        "funnel_activated": "Activés",
        "s_activated": "activé",
        "s_notified": "notifié",
        "s_todo": "non activé",
        "s_off": "désactivé",
        "no_route": "Aucun compte activé pour l'instant.",
        "no_blocker": "Aucun blocage à corriger dans SIECLE.",
        "no_fix": "Personne à corriger.",
        "no_class": "Aucune classe connue.",
        "name": "nom",
        "profile": "profil",
        "problem": "à corriger",
        "remedy": "que faire",
        "class": "classe",
        "total": "total",
        "eleve": "élève",
        "responsable": "responsable",
        "footer": "Les corrections faites dans SIECLE sont prises en compte dans EduConnect "
        "le lendemain matin.",
        "people": "personnes",
        "person": "personne",
        "persons": "personnes (un parent ou un élève présent dans plusieurs établissements "
        "compte une fois)",
        "persons_active": "personnes actives",
        "grouped": "présentes dans plusieurs établissements",
        "candidates": "rapprochements à vérifier",
    },
    "en": {
        "title": "EduConnect accounts",
        "generated": "Report made on",
        "year": "school year",
        "h_summary": "At a glance",
        "h_funnel": "Activation per class",
        "h_routes": "Activation routes used",
        "h_blockers": "Blockers to fix in SIECLE",
        "h_to_fix": "People to fix in SIECLE, per class",
        "h_profiles": "Accounts by profile and state",
        "h_exports": "SIECLE exports applied (synchronisations)",
        "h_observed": "Observed sign-ins",
        "seen": "seen signing in",
        "never_seen": "never seen",
        "dormant": "not seen for more than {days} days",
        "declared_never_seen": "declared activated, never seen",
        "letters_waiting": "letters handed out, no sign-in since",
        "no_sign_in": "No sign-in observed yet (educonnect logins FILE).",
        "no_export": "No synchronisation since the first import.",
        "exported": "exported",
        "effective": "effective",
        "accounts": "accounts",
        "activated": "activated",
        "rate": "activation rate",
        "to_fix": "to fix in SIECLE",
        "blocked": "with no open route",
        "funnel_all": "Accounts (not deactivated)",
        "funnel_notified": "Notified or activated",
        "funnel_activated": "Activated",
        "s_activated": "activated",
        "s_notified": "notified",
        "s_todo": "not activated",
        "s_off": "deactivated",
        "no_route": "No account activated yet.",
        "no_blocker": "Nothing to fix in SIECLE.",
        "no_fix": "Nobody to fix.",
        "no_class": "No class known.",
        "name": "name",
        "profile": "profile",
        "problem": "to fix",
        "remedy": "what to do",
        "class": "class",
        "total": "total",
        "eleve": "student",
        "responsable": "responsable",
        "footer": "SIECLE corrections take effect the next morning.",
        "people": "people",
        "person": "person",
        "persons": "persons (a parent or student at several schools counts once)",
        "persons_active": "active persons",
        "grouped": "at several schools",
        "candidates": "grouping candidates to check",
    },
}


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def _pct(part: int, whole: int) -> str:
    return f"{part / whole:.0%}" if whole else "–"


def bar_chart(
    name: str,
    title: str,
    rows: Sequence[tuple[str, int]],
    *,
    colour: str = COLOURS["bar"],
    label_width: int = 300,
    width: int = 900,
) -> str:
    """A horizontal bar chart: one labelled bar per row, value written after it."""
    bar_h, gap, top = 22, 8, 6
    height = top + len(rows) * (bar_h + gap) + 4
    biggest = max((v for _, v in rows), default=0) or 1
    span = width - label_width - 70
    parts = [
        f'<svg data-chart="{_e(name)}" role="img" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{_e(title)}</title>"
    ]
    for i, (text, value) in enumerate(rows):
        y = top + i * (bar_h + gap)
        w = round(span * value / biggest)
        parts.append(
            f'<text x="{label_width - 8}" y="{y + 15}" text-anchor="end">{_e(text)}</text>'
            f'<rect x="{label_width}" y="{y}" width="{max(w, 1)}" height="{bar_h}" '
            f'rx="3" fill="{colour}"><title>{_e(text)} : {value}</title></rect>'
            f'<text x="{label_width + max(w, 1) + 6}" y="{y + 15}">{value}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _funnel(figures: Figures, w: Mapping[str, str]) -> str:
    by_state: dict[AccountState, int] = {}
    for (_, state), n in figures.statistics.by_profile_state.items():
        by_state[state] = by_state.get(state, 0) + n
    active = sum(n for s, n in by_state.items() if s is not AccountState.DEACTIVATED)
    activated = by_state.get(AccountState.ACTIVATED, 0) + by_state.get(
        AccountState.PASSWORD_RESET, 0
    )
    notified = activated + by_state.get(AccountState.NOTIFIED, 0)
    stages = [
        (w["funnel_all"], active, COLOURS["todo"]),
        (w["funnel_notified"], notified, COLOURS["notified"]),
        (w["funnel_activated"], activated, COLOURS["activated"]),
    ]
    width, height, stage_h = 900, 3 * 44 + 8, 36
    parts = [
        f'<svg data-chart="funnel" role="img" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{_e(w['h_funnel'])}</title>"
    ]
    span = 560
    for i, (text, value, colour) in enumerate(stages):
        y = 6 + i * 44
        bar = round(span * value / active) if active else 0
        x = 300 + (span - bar) / 2
        parts.append(
            f'<text x="290" y="{y + 23}" text-anchor="end">{_e(text)}</text>'
            f'<rect x="{x:.1f}" y="{y}" width="{max(bar, 1)}" height="{stage_h}" rx="4" '
            f'fill="{colour}"><title>{_e(text)} : {value}</title></rect>'
            + _funnel_label(f"{value} ({_pct(value, active)})", x, bar, y + 23)
        )
    parts.append("</svg>")
    return "".join(parts)


def _funnel_label(text: str, x: float, bar: int, baseline: int) -> str:
    """The stage's figure: white inside a wide bar, dark beside a narrow one."""
    if bar >= 110:
        return (
            f'<text x="{x + bar / 2:.0f}" y="{baseline}" text-anchor="middle" '
            f'style="fill:#fff;font-weight:600">{_e(text)}</text>'
        )
    return f'<text x="{x + bar + 8:.0f}" y="{baseline}" style="font-weight:600">{_e(text)}</text>'


def _class_segments(by_state: Mapping[AccountState, int]) -> list[tuple[str, int, str]]:
    return [
        (
            "s_activated",
            by_state.get(AccountState.ACTIVATED, 0) + by_state.get(AccountState.PASSWORD_RESET, 0),
            COLOURS["activated"],
        ),
        ("s_notified", by_state.get(AccountState.NOTIFIED, 0), COLOURS["notified"]),
        ("s_todo", by_state.get(AccountState.NOT_ACTIVATED, 0), COLOURS["todo"]),
        ("s_off", by_state.get(AccountState.DEACTIVATED, 0), COLOURS["off"]),
    ]


def _funnel_classes(figures: Figures, w: Mapping[str, str]) -> str:
    classes = figures.classes
    if not classes:
        return f'<p class="empty">{_e(w["no_class"])}</p>'
    width, label_w, bar_h, gap = 900, 120, 22, 8
    span = width - label_w - 190
    height = 6 + len(classes) * (bar_h + gap)
    parts = [
        f'<svg data-chart="funnel-classes" role="img" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{_e(w['h_funnel'])}</title>"
    ]
    for i, cls in enumerate(classes):
        y = 6 + i * (bar_h + gap)
        parts.append(
            f'<text x="{label_w - 8}" y="{y + 15}" text-anchor="end">{_e(cls.division)}</text>'
        )
        x = float(label_w)
        total = cls.total or 1
        for key, value, colour in _class_segments(cls.by_state):
            if not value:
                continue
            seg = span * value / total
            parts.append(
                f'<rect x="{x:.1f}" y="{y}" width="{seg:.1f}" height="{bar_h}" fill="{colour}">'
                f"<title>{_e(cls.division)} — {_e(w[key])} : {value}</title></rect>"
            )
            x += seg
        rate = "–" if cls.rate is None else f"{cls.rate:.0%}"
        parts.append(
            f'<text x="{label_w + span + 8}" y="{y + 15}">{rate} '
            f'<tspan class="muted">({cls.activated}/{cls.active})</tspan></text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _legend(w: Mapping[str, str]) -> str:
    items = [
        ("s_activated", COLOURS["activated"]),
        ("s_notified", COLOURS["notified"]),
        ("s_todo", COLOURS["todo"]),
        ("s_off", COLOURS["off"]),
    ]
    spans = "".join(f'<span><i style="background:{c}"></i>{_e(w[k])}</span>' for k, c in items)
    return f'<div class="legend">{spans}</div>'


def _route_label(route: Route, lang: str) -> str:
    return route.label_en if lang == "en" else route.label_fr


def _routes(figures: Figures, w: Mapping[str, str], lang: str) -> str:
    rows = [(_route_label(r, lang), n) for r, n in figures.by_route.items()]
    chart = bar_chart("routes", w["h_routes"], rows, colour=COLOURS["activated"])
    if not any(n for _, n in rows):
        chart += f'<p class="empty">{_e(w["no_route"])}</p>'
    return chart


def _code_counts(by_class: Mapping[str, Sequence[ToFix]]) -> dict[BlockerCode, int]:
    seen: dict[str, ToFix] = {}
    for fixes in by_class.values():
        for fix in fixes:
            seen[fix.account_id] = fix
    counts: dict[BlockerCode, int] = {}
    for fix in seen.values():
        for code in fix.codes:
            counts[code] = counts.get(code, 0) + 1
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0].value)))


def _blockers(
    by_class: Mapping[str, Sequence[ToFix]], w: Mapping[str, str], lang: str, origin: DataOrigin
) -> str:
    counts = _code_counts(by_class)
    if not counts:
        return f'<p class="empty">{_e(w["no_blocker"])}</p>'
    chart = bar_chart(
        "blockers",
        w["h_blockers"],
        [(c.value, n) for c, n in counts.items()],
        colour=COLOURS["warn"],
    )
    rows = "".join(
        f'<tr><td class="code">{_e(code.value)}</td><td class="n">{n}</td>'
        f'<td class="remedy">{_e(CATALOGUE[code].remedy(lang, origin))}</td></tr>'
        for code, n in counts.items()
    )
    table = (
        f'<table><thead><tr><th>code</th><th class="n">{_e(w["accounts"])}</th>'
        f"<th>{_e(w['remedy'])}</th></tr></thead><tbody>{rows}</tbody></table>"
    )
    return chart + table


def _field(code: BlockerCode, lang: str) -> str:
    fields_fr = {
        "mobile": "portable",
        "name": "nom, prénom",
        "email": "courriel",
        "birth_date": "date de naissance",
        "links": "rattachements",
        "left_on": "date de sortie",
    }
    field = CATALOGUE[code].field or code.value
    return field.replace("_", " ") if lang == "en" else fields_fr.get(field, field)


def _to_fix(by_class: Mapping[str, Sequence[ToFix]], w: Mapping[str, str], lang: str) -> str:
    if not by_class:
        return f'<p class="empty">{_e(w["no_fix"])}</p>'
    parts = []
    for division, fixes in by_class.items():
        rows = "".join(
            f"<tr><td>{_e(f.name)}</td><td>{_e(w[f.profile.value])}</td>"
            f"<td>{_e(', '.join(_field(c, lang) for c in f.codes))}</td>"
            f'<td class="code">{_e(" ".join(c.value for c in f.codes))}</td>'
            f'<td class="code">{_e(f.account_id)}</td></tr>'
            for f in fixes
        )
        parts.append(
            f'<h3 data-class="{_e(division)}">{_e(w["class"])} {_e(division)} '
            f"({len(fixes)} {_e(w['people'] if len(fixes) > 1 else w['person'])})</h3>"
            f"<table><thead><tr><th>{_e(w['name'])}</th><th>{_e(w['profile'])}</th>"
            f"<th>{_e(w['problem'])}</th><th>code</th><th>id</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>"
        )
    return "".join(parts)


def _profiles(figures: Figures, w: Mapping[str, str]) -> str:
    states = list(AccountState)
    head = "".join(f'<th class="n">{_e(s.value)}</th>' for s in states)
    rows = "".join(
        f"<tr><td>{_e(w[p.value])}</td>"
        + "".join(
            f'<td class="n">{figures.statistics.by_profile_state.get((p, s), 0)}</td>'
            for s in states
        )
        + f'<td class="n">{figures.profile_total(p)}</td></tr>'
        for p in Profile
    )
    return (
        f"<table><thead><tr><th>{_e(w['profile'])}</th>{head}"
        f'<th class="n">{_e(w["total"])}</th></tr></thead><tbody>{rows}</tbody></table>'
        + _persons(figures, w)
    )


def _persons(figures: Figures, w: Mapping[str, str]) -> str:
    """Persons next to accounts (``docs/explanation/persons.md``)."""
    p = figures.persons
    if p is None:
        return ""
    cards = [
        (p.total, w["persons"]),
        (p.active, w["persons_active"]),
        (p.grouped, w["grouped"]),
        (p.candidates, w["candidates"]),
    ]
    inner = "".join(
        f'<div class="card persons"><b>{_e(v)}</b><span>{_e(t)}</span></div>' for v, t in cards
    )
    return f'<div class="cards">{inner}</div>'


def _exports(figures: Figures, w: Mapping[str, str], tz: ZoneInfo, lang: str) -> str:
    if not figures.exports:
        return f'<p class="empty">{_e(w["no_export"])}</p>'
    head = "".join(
        f'<th class="n">{_e(en if lang == "en" else fr)}</th>' for _, fr, en in TREND_COUNTS
    )
    rows = "".join(
        f"<tr><td>{_e(shown_time(e.exported_at, lang, tz))}</td>"
        f"<td>{_e(shown_time(e.effective_from, lang, tz))}</td>"
        + "".join(f'<td class="n">{export_counts(e).get(k, 0)}</td>' for k, _, _ in TREND_COUNTS)
        + "</tr>"
        for e in figures.exports
    )
    return (
        f"<table><thead><tr><th>{_e(w['exported'])}</th><th>{_e(w['effective'])}</th>{head}"
        f"</tr></thead><tbody>{rows}</tbody></table>"
    )


def _observed(figures: Figures, w: Mapping[str, str]) -> str:
    o = figures.observed
    if o is None or not o.observed:
        return f'<p class="empty">{_e(w["no_sign_in"])}</p>'
    cards = [
        (f"{o.observed} / {o.accounts}", w["seen"]),
        (o.never_seen, w["never_seen"]),
        (o.dormant, w["dormant"].format(days=o.dormant_after.days)),
        (o.declared_never_seen, w["declared_never_seen"]),
        (o.letters_without_sign_in, w["letters_waiting"]),
    ]
    inner = "".join(f'<div class="card"><b>{_e(v)}</b><span>{_e(t)}</span></div>' for v, t in cards)
    rows = "".join(
        f'<tr><td>{_e(c.division or "–")}</td><td class="n">{c.accounts}</td>'
        f'<td class="n">{c.observed}</td><td class="n">{_pct(c.observed, c.accounts)}</td></tr>'
        for c in o.by_class
    )
    table = (
        f'<table><thead><tr><th>{_e(w["class"])}</th><th class="n">{_e(w["accounts"])}</th>'
        f'<th class="n">{_e(w["seen"])}</th><th class="n">%</th></tr></thead>'
        f"<tbody>{rows}</tbody></table>"
    )
    return f'<div class="cards">{inner}</div>{table}'


def _summary(figures: Figures, fixes: int, w: Mapping[str, str]) -> str:
    stats = figures.statistics
    activated = sum(figures.profile_activated(p) for p in Profile)
    deactivated = sum(
        n for (_, s), n in stats.by_profile_state.items() if s is AccountState.DEACTIVATED
    )
    cards = [
        (stats.total, w["accounts"]),
        (activated, w["activated"]),
        (_pct(activated, stats.total - deactivated), w["rate"]),
        (fixes, w["to_fix"]),
        (
            "–" if figures.blocked_to_activate is None else figures.blocked_to_activate,
            w["blocked"],
        ),
    ]
    inner = "".join(f'<div class="card"><b>{_e(v)}</b><span>{_e(t)}</span></div>' for v, t in cards)
    return f'<div class="cards">{inner}</div>'


def _words(lang: str, origin: DataOrigin) -> dict[str, str]:
    """The page's words in ``lang``, said of the school's data origin (ONDE…)."""
    fr, en = _WORDS["fr"], _WORDS["en"]
    index = 1 if lang == "en" else 0
    return {key: origin.localize(fr[key], en[key])[index] for key in fr}


def render(
    figures: Figures,
    by_class: Mapping[str, Sequence[ToFix]],
    *,
    lang: str = "fr",
    generated_at: dt.datetime,
    tz: str = "Europe/Paris",
    school_name: str | None = None,
) -> str:
    """The whole page; ``school_name`` (the settings' profile) wins over the stored one."""
    school = figures.school
    if school is None:
        raise ValueError("render: the report is about one school, figures.school is None")
    w = _words(lang, school.data_origin)
    shown = school_name or school.name
    name = f" — {shown}" if shown else ""
    zone = ZoneInfo(tz)
    when = generated_at.astimezone(zone)
    people = len({f.account_id for fixes in by_class.values() for f in fixes})
    template = Template(
        resources.files("educonnect_adapters.cli")
        .joinpath("templates/report.html")
        .read_text(encoding="utf-8")
    )
    return template.substitute(
        lang=_e(lang),
        title=_e(f"{w['title']} {school.uai}{name}"),
        subtitle=_e(
            f"{w['year']} {school.school_year}-{school.school_year + 1} · "
            f"{w['generated']} {shown_time(when, lang)}"
        ),
        h_summary=_e(w["h_summary"]),
        h_funnel=_e(w["h_funnel"]),
        h_routes=_e(w["h_routes"]),
        h_blockers=_e(w["h_blockers"]),
        h_to_fix=_e(w["h_to_fix"]),
        h_profiles=_e(w["h_profiles"]),
        summary=_summary(figures, people, w),
        funnel_school=_funnel(figures, w),
        legend=_legend(w),
        funnel_classes=_funnel_classes(figures, w),
        routes=_routes(figures, w, lang),
        blockers=_blockers(by_class, w, lang, school.data_origin),
        to_fix=_to_fix(by_class, w, lang),
        profiles=_profiles(figures, w),
        h_exports=_e(w["h_exports"]),
        h_observed=_e(w["h_observed"]),
        observed=_observed(figures, w),
        exports=_exports(figures, w, zone, lang),
        footer=_e(w["footer"]),
    )
