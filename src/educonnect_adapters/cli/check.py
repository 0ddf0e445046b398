"""``educonnect check FILE... [--json] [--uai UAI] [--lang en] [--at ISO]``.

Reads an export through whichever source plugin recognizes it, stores
nothing, and tells the accounts it yields, the activation routes open to each,
the blockers with their remedies, and the problems found in the files. Human
output (French by default) is grouped by class; ``--json`` prints one document,
written as it goes (never held whole in memory). Exit 0 once the files are
read, whatever their data problems; 2 when a file cannot be read.

``check`` is the plan of :mod:`educonnect_core.checking` — the planner of
``import`` and ``sync`` run against an empty school — so the accounts, routes
and blockers it tells are those ``import`` stores. 1st degree (ONDE): students
have no account (responsables only), and since ONDE files carry no school year,
the school year is decided by the day of ``--at`` (default: now), on the Paris
calendar: from 1 July, the one starting that September (exports made in July
and August prepare the rentrée); before, the current one.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Final, TextIO

import attrs

from educonnect_adapters.system import SystemClock
from educonnect_core.blockers import CATALOGUE, Blocker, BlockerCode, FixLocation
from educonnect_core.checking import check_export
from educonnect_core.eligibility import Child, Eligibility
from educonnect_core.findings import Finding
from educonnect_core.people import Degree, Eleve, Link, Responsable, School
from educonnect_core.plugins import Plugins
from educonnect_core.ports import ExportReader
from educonnect_core.shown_times import shown_time
from educonnect_core.values import BirthDate, EmailAddress, Ine, MobilePhone

from .exports import (
    PARIS,
    ExportTime,
    aware,
    cli_names,
    export_time,
    open_export,
)
from .settings import language
from .terminal import visible

__all__ = ["CheckReport", "build_report", "register", "run", "write_json"]

#: Blocker codes with nothing to fix (route not for the profile, no ATEN account):
#: left out of the human listing and of ``summary.blocked_by``.
UNACTIONABLE: Final = frozenset(
    code for code, info in CATALOGUE.items() if info.fix_in is FixLocation.NOWHERE
)


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "check",
        help="vérifier un export / check an export (accounts, routes, blockers, file problems)",
        description=__doc__.splitlines()[0] if __doc__ else None,
    )
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE")
    parser.add_argument("--json", action="store_true", help="one JSON document on stdout")
    parser.add_argument(
        "--summary",
        action="store_true",
        help="counts only: no line per person, the file problems counted per code",
    )
    parser.add_argument(
        "--uai",
        "--school",
        dest="uai",
        metavar="UAI",
        help="the school: refuse files of another one (required for ONDE, whose files carry none)",
    )
    parser.add_argument("--lang", choices=("fr", "en"), help="language (fr)")
    parser.add_argument(
        "--at",
        type=aware,
        metavar="ISO-DATETIME",
        help="evaluate at this moment (default: now), e.g. 2026-01-12T15:00+01:00; "
        "for ONDE files, which carry none, it also decides the school year",
    )
    parser.add_argument(
        "--exported-at",
        type=aware,
        metavar="ISO-DATETIME",
        help="the export time, for exports that carry none (as import and sync take it)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    args.lang = language(args)
    at: dt.datetime = args.at or SystemClock().now()
    with cli_names(), open_export(Plugins.installed(), args.files, args.uai, at) as reader:
        when = export_time(reader.school, args.files, args.exported_at)
        report = build_report(reader, at, when)
    if args.json and args.summary:
        document = {"school": _header(report), "checked_at": report.at.isoformat()}
        document["summary"] = summary(report)
        document["findings_by_code"] = _findings_by_code(report.findings)
        sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")
    elif args.json:
        write_json(report, args.lang, sys.stdout)
    else:
        text = render_text(report, args.lang, summary_only=args.summary)
        sys.stdout.write(visible(text))
    return 0


def _findings_by_code(findings: Sequence[Finding]) -> dict[str, dict[str, int]]:
    """``{severity: {code: count}}``, sorted."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for f in findings:
        counts[f.severity.value][f.code] += 1
    return {s: dict(sorted(c.items())) for s, c in sorted(counts.items())}


# ---------------------------------------------------------------------- the report


@attrs.frozen
class CheckReport:
    """Everything ``check`` tells, independent of how it is printed."""

    school: School
    kind: str
    files: tuple[str, ...]
    at: dt.datetime
    eleves: tuple[Eleve, ...]
    responsables: tuple[Responsable, ...]
    children: dict[str, tuple[Child, ...]]  # personne_id → their students
    eligibilities: tuple[Eligibility, ...]
    findings: tuple[Finding, ...]
    export_time: ExportTime | None = None

    def legal(self, personne_id: str) -> bool:
        return any(c.link.legal for c in self.children.get(personne_id, ()))

    def current_children(self, personne_id: str) -> list[Eleve]:
        return [
            c.eleve for c in self.children.get(personne_id, ()) if c.link.legal and c.eleve.current
        ]


def build_report(
    reader: ExportReader, at: dt.datetime, when: ExportTime | None = None
) -> CheckReport:
    """The export planned against an empty school (:func:`check_export`), and
    what the printers need besides: the records and each responsable's children."""
    result = check_export(reader, at)
    export = result.export
    children: dict[str, list[Child]] = defaultdict(list)
    for (eleve_id, personne_id), link in export.links.items():
        children[personne_id].append(Child(export.eleves[eleve_id], link))
    return CheckReport(
        school=export.school,
        kind=export.kind,
        files=tuple(str(f) for f in reader.files),
        at=at,
        eleves=tuple(export.eleves.values()),
        responsables=tuple(export.responsables.values()),
        children={k: tuple(v) for k, v in children.items()},
        eligibilities=tuple(result.eligibilities()),
        findings=export.findings,
        export_time=when,
    )


# ---------------------------------------------------------------------- JSON


def _value(value: object) -> str | None:
    if isinstance(value, BirthDate):
        return value.value.isoformat()
    if isinstance(value, Ine | MobilePhone | EmailAddress):
        return str(value)
    return None  # missing, or Invalid (reported among the findings)


def _iso(moment: dt.datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _blocker_json(blocker: Blocker, lang: str) -> dict[str, Any]:
    return {
        "code": blocker.code.value,
        "remedy": blocker.remedy(lang),
        "field": blocker.field,
        "subject_id": blocker.subject_id,
        "fix_in": blocker.fix_in.value,
        "effective_from": _iso(blocker.effective_from),
        "detail": blocker.detail,
    }


def _account_json(answer: Eligibility, lang: str) -> dict[str, Any]:
    return {
        "profile": answer.profile.value,
        "siecle_id": answer.siecle_id,
        "eligible_routes": [r.value for r in answer.eligible_routes],
        "routes": {
            r.route.value: {
                "eligible": r.eligible,
                "blockers": [_blocker_json(b, lang) for b in r.blockers],
            }
            for r in answer.routes
        },
    }


def _finding_json(item: Finding) -> dict[str, Any]:
    return {
        "code": item.code,
        "severity": item.severity.value,
        "file": item.file,
        "line": item.line,
        "siecle_id": item.siecle_id,
        "field": item.field,
        "message": item.message,
    }


def summary(report: CheckReport) -> dict[str, Any]:
    """Counts: students, responsables, accounts, and accounts blocked per code."""
    current = sum(1 for e in report.eleves if e.current)
    legal = sum(1 for p in report.responsables if report.legal(p.personne_id))
    blocked_by: Counter[str] = Counter()
    for answer in report.eligibilities:
        for code in answer.blocker_codes() - UNACTIONABLE:
            blocked_by[code.value] += 1
    by_profile = Counter(a.profile.value for a in report.eligibilities)
    severities = Counter(f.severity.value for f in report.findings)
    return {
        "students": {"current": current, "left": len(report.eleves) - current},
        "responsables": {
            "total": len(report.responsables),
            "legal": legal,
            "with_account": by_profile["responsable"],
        },
        "accounts": {
            "eleve": by_profile["eleve"],
            "responsable": by_profile["responsable"],
            "without_open_route": sum(1 for a in report.eligibilities if a.blocked),
        },
        "blocked_by": dict(sorted(blocked_by.items())),
        "findings": dict(sorted(severities.items())),
    }


def _header(report: CheckReport) -> dict[str, Any]:
    school = report.school
    when = report.export_time
    return {
        "uai": str(school.uai),
        "school_year": school.school_year,
        "exported_at": _iso(school.exported_at),
        "export_time": None if when is None else {"at": when.at.isoformat(), "source": when.source},
        "kind": report.kind,
        "degree": school.degree.value,
        "files": list(report.files),
    }


def _students(report: CheckReport) -> Iterator[dict[str, Any]]:
    for e in report.eleves:
        yield {
            "eleve_id": e.eleve_id,
            "ine": _value(e.ine),
            "last_name": e.name.last,
            "family_name": e.name.family or e.name.last,
            "first_name": e.name.first,
            "birth_date": _value(e.birth_date),
            "division": e.division,
            "status": e.status.value,
        }


def _responsables(report: CheckReport) -> Iterator[dict[str, Any]]:
    for p in report.responsables:
        yield {
            "personne_id": p.personne_id,
            "last_name": p.name.last,
            "family_name": p.name.family or p.name.last,
            "first_name": p.name.first,
            "legal": report.legal(p.personne_id),
            "mobile": _value(p.mobile),
            "email": _value(p.email),
            "students": [e.eleve_id for e in report.current_children(p.personne_id)],
        }


def write_json(report: CheckReport, lang: str, out: TextIO) -> None:
    """The JSON document of ``check --json``, written item by item (an académie's
    export never sits in memory as one document)."""

    def dump(value: Any, indent: int) -> str:
        text = json.dumps(value, ensure_ascii=False, indent=2)
        return text.replace("\n", "\n" + " " * indent)

    def array(name: str, items: Iterator[Any]) -> None:
        out.write(f'  "{name}": [')
        first = True
        for item in items:
            out.write(("\n    " if first else ",\n    ") + dump(item, 4))
            first = False
        out.write("]," if first else "\n  ],")
        out.write("\n")

    out.write("{\n")
    out.write(f'  "school": {dump(_header(report), 2)},\n')
    out.write(f'  "checked_at": {json.dumps(report.at.isoformat())},\n')
    array("students", _students(report))
    array("responsables", _responsables(report))
    array("accounts", (_account_json(a, lang) for a in report.eligibilities))
    array("findings", (_finding_json(f) for f in report.findings))
    out.write(f'  "summary": {dump(summary(report), 2)}\n')
    out.write("}\n")


# ---------------------------------------------------------------------- human output

_TEXT: Final = {
    "fr": {
        "school": "Établissement {uai} — année scolaire {year}-{next} — {exported} "
        "(source : {kind})",
        "exported": "export du {at}",
        "undated": "export sans date",
        "files": "Fichiers : {files}",
        "export_time": "Heure d'export : ",
        "first_degree": "1er degré : les élèves n'ont pas de compte EduConnect "
        "(comptes des responsables seulement)",
        "class": "Classe {name} — {count} élève(s)",
        "no_class": "Sans classe",
        "student": "{name} (élève {id}, né(e) le {born})",
        "student_account": "compte élève",
        "resp_account": "responsable {name} ({id})",
        "no_account": "responsable {name} ({id}) : pas de compte ({why})",
        "not_legal": "non représentant légal",
        "no_child": "aucun élève rattaché",
        "open": "parcours ouverts : {routes}",
        "none_open": "aucun parcours ouvert",
        "closes": "ferme : {routes}",
        "effective": "effectif à partir du {at}",
        "left": "Élèves partis ({count}) : pas de compte",
        "left_item": "{name} (élève {id}), sorti(e) le {on}, classe {division}",
        "non_legal": "Personnes sans compte : non représentants légaux ({count})",
        "findings": "Problèmes dans les fichiers ({count})",
        "summary": "Résumé",
        "summary_students": "élèves : {current} scolarisés, {left} partis",
        "summary_resp": "responsables : {legal} légaux sur {total}, {with_account} avec compte",
        "summary_accounts": "comptes : {eleve} élèves, {responsable} responsables, "
        "{without_open_route} sans aucun parcours ouvert",
        "summary_blocked": "comptes bloqués par {code} : {count}",
        "unknown": "inconnue",
    },
    "en": {
        "school": "School {uai} — school year {year}-{next} — {exported} (source: {kind})",
        "exported": "exported on {at}",
        "undated": "undated export",
        "files": "Files: {files}",
        "export_time": "Export time: ",
        "first_degree": "1st degree: students have no EduConnect account "
        "(responsables' accounts only)",
        "class": "Class {name} — {count} student(s)",
        "no_class": "No class",
        "student": "{name} (student {id}, born {born})",
        "student_account": "student account",
        "resp_account": "responsable {name} ({id})",
        "no_account": "responsable {name} ({id}): no account ({why})",
        "not_legal": "not a legal representative",
        "no_child": "no linked student",
        "open": "open routes: {routes}",
        "none_open": "no open route",
        "closes": "closes: {routes}",
        "effective": "effective from {at}",
        "left": "Students who left ({count}): no account",
        "left_item": "{name} (student {id}), left on {on}, class {division}",
        "non_legal": "Persons without an account: not legal representatives ({count})",
        "findings": "Problems in the files ({count})",
        "summary": "Summary",
        "summary_students": "students: {current} current, {left} left",
        "summary_resp": "responsables: {legal} legal of {total}, {with_account} with an account",
        "summary_accounts": "accounts: {eleve} students, {responsable} responsables, "
        "{without_open_route} with no open route",
        "summary_blocked": "accounts blocked by {code}: {count}",
        "unknown": "unknown",
    },
}


def _date(value: object, lang: str) -> str:
    if isinstance(value, BirthDate):
        return f"{value.value:%d/%m/%Y}" if lang == "fr" else value.value.isoformat()
    if value is None:
        return _TEXT[lang]["unknown"]
    return repr(getattr(value, "raw", value))


def _routes_line(answer: Eligibility, lang: str) -> str:
    t = _TEXT[lang]
    names = [r.label_fr if lang == "fr" else r.label_en for r in answer.eligible_routes]
    return t["open"].format(routes=", ".join(names)) if names else t["none_open"]


def _blocker_lines(answer: Eligibility, lang: str, indent: str) -> list[str]:
    t = _TEXT[lang]
    closed: dict[BlockerCode, list[str]] = {}
    first: dict[BlockerCode, Blocker] = {}
    for r in answer.routes:
        for b in r.blockers:
            if b.code in UNACTIONABLE:
                continue
            label = r.route.label_fr if lang == "fr" else r.route.label_en
            routes = closed.setdefault(b.code, [])
            if label not in routes:
                routes.append(label)
            first.setdefault(b.code, b)
    lines = []
    for code, routes in closed.items():
        b = first[code]
        about = b.subject_id if b.subject_id not in (None, answer.siecle_id) else None
        parts = [p for p in (about, b.detail) if p]
        detail = f" [{': '.join(parts)}]" if parts else ""
        when = ""
        if b.effective_from is not None and b.fix_in is FixLocation.SIECLE:
            when = " (" + t["effective"].format(at=shown_time(b.effective_from, lang)) + ")"
        lines.append(
            f"{indent}✗ {code.value}{detail} — {t['closes'].format(routes=', '.join(routes))}"
        )
        lines.append(f"{indent}  → {b.remedy(lang)}{when}")
    return lines


def _division_key(name: str | None) -> tuple[int, str]:
    return (1, "") if name is None else (0, name.casefold())


def _exported(report: CheckReport, lang: str) -> str:
    """When the export was made: carried by the files, else the time used (its
    source is told on the next line), else "undated"."""
    t = _TEXT[lang]
    if report.school.exported_at is not None:
        return t["exported"].format(at=shown_time(report.school.exported_at, lang, PARIS))
    if report.export_time is not None:
        return t["exported"].format(at=shown_time(report.export_time.at, lang, PARIS))
    return t["undated"]


def render_text(report: CheckReport, lang: str = "fr", *, summary_only: bool = False) -> str:
    """The human report: accounts grouped by class, then left students, findings,
    summary; with ``summary_only``, the header, the findings counted per code and the
    summary (a few lines whatever the school's size)."""
    t = _TEXT[lang]
    school = report.school
    out = [
        t["school"].format(
            uai=school.uai,
            year=school.school_year,
            next=school.school_year + 1,
            exported=_exported(report, lang),
            kind=report.kind,
        )
    ]
    if report.files:
        out.append(t["files"].format(files=", ".join(report.files)))
    if report.export_time is not None and report.export_time.source != "export":
        out.append(t["export_time"] + report.export_time.describe(lang))
    if school.degree is Degree.FIRST:
        out.append(t["first_degree"])
    if summary_only:
        out += _findings_count_lines(report.findings, lang)
        out += _summary_lines(summary(report), lang)
        return "\n".join(out) + "\n"
    answers = {(a.profile.value, a.siecle_id): a for a in report.eligibilities}
    persons = {p.personne_id: p for p in report.responsables}
    by_student: dict[str, list[tuple[Responsable, Link]]] = defaultdict(list)
    for personne_id, kids in report.children.items():
        for child in kids:
            if personne_id in persons:
                by_student[child.eleve.eleve_id].append((persons[personne_id], child.link))
    classes: dict[str | None, list[Eleve]] = defaultdict(list)
    for eleve in report.eleves:
        if eleve.current:
            classes[eleve.division].append(eleve)
    for division in sorted(classes, key=_division_key):
        students = sorted(classes[division], key=lambda e: (e.name.folded(), e.eleve_id))
        name = division if division is not None else t["no_class"]
        out += ["", "== " + t["class"].format(name=name, count=len(students)) + " =="]
        for eleve in students:
            out.append(
                t["student"].format(
                    name=eleve.name, id=eleve.eleve_id, born=_date(eleve.birth_date, lang)
                )
            )
            answer = answers.get(("eleve", eleve.eleve_id))
            if answer is not None:  # none in the 1st degree
                out.append(f"  {t['student_account']} — {_routes_line(answer, lang)}")
                out += _blocker_lines(answer, lang, "    ")
            for person, link in sorted(by_student[eleve.eleve_id], key=lambda x: x[0].personne_id):
                key = ("responsable", person.personne_id)
                if key in answers:
                    head = t["resp_account"].format(name=person.name, id=person.personne_id)
                    out.append(f"  {head} — {_routes_line(answers[key], lang)}")
                    out += _blocker_lines(answers[key], lang, "    ")
                elif not link.legal:
                    out.append(
                        "  "
                        + t["no_account"].format(
                            name=person.name, id=person.personne_id, why=t["not_legal"]
                        )
                    )
    left = [e for e in report.eleves if not e.current]
    if left:
        out += ["", "== " + t["left"].format(count=len(left)) + " =="]
        for e in sorted(left, key=lambda e: (e.name.folded(), e.eleve_id)):
            on = f"{e.left_on:%d/%m/%Y}" if e.left_on else t["unknown"]
            out.append(
                "  " + t["left_item"].format(name=e.name, id=e.eleve_id, on=on, division=e.division)
            )
    non_legal = [p for p in report.responsables if not report.legal(p.personne_id)]
    if non_legal:
        out += ["", "== " + t["non_legal"].format(count=len(non_legal)) + " =="]
        for p in non_legal:
            alone = "" if p.personne_id in report.children else f" — {t['no_child']}"
            out.append(f"  {p.name} ({p.personne_id}){alone}")
    out += _findings_lines(report.findings, lang)
    out += _summary_lines(summary(report), lang)
    return "\n".join(out) + "\n"


def _findings_lines(findings: Sequence[Finding], lang: str) -> list[str]:
    if not findings:
        return []
    out = ["", "== " + _TEXT[lang]["findings"].format(count=len(findings)) + " =="]
    for f in findings:
        where = f.file or ""
        if f.line is not None:
            where += f":{f.line}"
        who = f" ({f.siecle_id})" if f.siecle_id else ""
        out.append(f"  {where} [{f.severity.value}] {f.code}{who}: {f.message}")
    return out


def _findings_count_lines(findings: Sequence[Finding], lang: str) -> list[str]:
    if not findings:
        return []
    out = ["", "== " + _TEXT[lang]["findings"].format(count=len(findings)) + " =="]
    for severity, codes in _findings_by_code(findings).items():
        out.extend(f"  [{severity}] {code}: {count}" for code, count in codes.items())
    return out


def _summary_lines(counts: dict[str, Any], lang: str) -> list[str]:
    t = _TEXT[lang]
    out = ["", "== " + t["summary"] + " =="]
    out.append("  " + t["summary_students"].format(**counts["students"]))
    out.append("  " + t["summary_resp"].format(**counts["responsables"]))
    out.append("  " + t["summary_accounts"].format(**counts["accounts"]))
    for code, count in counts["blocked_by"].items():
        out.append("  " + t["summary_blocked"].format(code=code, count=count))
    return out
