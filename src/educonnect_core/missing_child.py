""" "I don't see my second child": the grouping part of the help-desk diagnosis.

A responsable signs in and misses a child of another school. The answer, in
order (public sources, domain reference §8):

1. the **automatic grouping** conditions (nom, prénom, e-mail and mobile
   identical in both schools' data) and which of them the data fail, with the
   SIECLE fix that makes them hold (effective the next morning);
2. meanwhile, the **manual grouping**: the school of the missing child hands out
   the identifier and provisional password of the child's responsable account,
   and the parent adds the child from their own account (*Mes enfants > Ajouter
   des élèves depuis un autre compte*), which needs nom and prénom identical;
3. the school's action in the administration module.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping

import attrs

from .diagnosis import Actor, Step
from .grouping import Difference, Member, SchoolRecords, compare_responsables
from .people import Eleve, Profile, Responsable
from .persons import PersonView
from .service import parse_account_id
from .shown_times import on_time
from .values import Invalid, Uai

__all__ = ["MissingChild", "Situation", "diagnose_missing_child"]


class Situation(enum.Enum):
    """Why the child is not under the parent's account."""

    #: the child is already under this person (grouped): nothing to group
    ALREADY_GROUPED = "already_grouped"
    #: a legal responsable of the child has the parent's name: grouping can be done
    GROUPABLE = "groupable"
    #: no legal responsable of the child at that school has the parent's name
    NAME_DIFFERS = "name_differs"
    #: the child has no legal responsable at that school
    NO_LEGAL_LINK = "no_legal_link"
    #: the child is not in the store
    UNKNOWN_CHILD = "unknown_child"


@attrs.frozen
class MissingChild:
    """The answer: the situation, the child's responsable record that should join
    the parent (if any), the conditions it fails, and the steps in order."""

    parent: Member
    child: Member
    situation: Situation
    other: Member | None = None
    differences: tuple[Difference, ...] = ()
    steps: tuple[Step, ...] = ()

    def render(self, lang: str = "fr") -> str:
        head = {
            "fr": f"Enfant {self.child.account_id} pour le compte {self.parent.account_id}",
            "en": f"Child {self.child.account_id} for account {self.parent.account_id}",
        }["en" if lang == "en" else "fr"]
        lines = [head]
        if self.differences:
            labels = [d.label_en if lang == "en" else d.label_fr for d in self.differences]
            lines.append(("Differences: " if lang == "en" else "Écarts : ") + "; ".join(labels))
        lines.extend(f"  {n}. {step.text(lang)}" for n, step in enumerate(self.steps, 1))
        return "\n".join(lines)


def _shown(value: object) -> str:
    if isinstance(value, Invalid):
        return value.raw
    return "—" if value is None else str(value)


def _value(record: Responsable, difference: Difference) -> str:
    if difference in (Difference.EMAIL, Difference.EMAIL_MISSING):
        return _shown(record.email)
    if difference in (Difference.MOBILE, Difference.MOBILE_MISSING):
        return _shown(record.mobile)
    if difference is Difference.LAST_NAME:
        return record.name.last or "—"
    return record.name.first or "—"


def _siecle_fix(
    parent: Responsable,
    parent_uai: Uai,
    other: Responsable,
    other_uai: Uai,
    differences: tuple[Difference, ...],
    effective_from: dt.datetime | None,
) -> Step:
    parts_fr = [
        f"{d.label_fr} ({parent_uai} : {_value(parent, d)} ; {other_uai} : {_value(other, d)})"
        for d in differences
    ]
    parts_en = [
        f"{d.label_en} ({parent_uai}: {_value(parent, d)}; {other_uai}: {_value(other, d)})"
        for d in differences
    ]
    when_fr = f" {on_time(effective_from)}" if effective_from else " le lendemain matin"
    when_en = f" {on_time(effective_from, 'en')}" if effective_from else " the next morning"
    return Step(
        "Regroupement automatique : il n'a lieu que si le nom, le prénom, l'adresse e-mail et "
        "le téléphone portable sont identiques dans les données des deux établissements. "
        f"Ici : {' ; '.join(parts_fr)}. Corriger dans SIECLE l'établissement dont la donnée est "
        f"fausse ; la correction est prise en compte{when_fr} (actualisation de la nuit).",
        "Automatic grouping happens only when last name, first name, e-mail and mobile are "
        f"identical in both schools' data. Here: {'; '.join(parts_en)}. Fix the wrong one in "
        f"SIECLE at its school; EduConnect sees it{when_en} (nightly refresh).",
        Actor.SCHOOL_SIECLE,
        effective_from=effective_from,
    )


def _manual_steps(
    other: Member, active_elsewhere: bool, names_identical: bool, at: dt.datetime | None
) -> tuple[Step, ...]:
    if not names_identical:
        return (
            Step(
                "Le regroupement manuel n'est pas possible tant que le nom et le prénom "
                "diffèrent : corriger d'abord le nom dans SIECLE.",
                "Manual grouping is not possible while last and first names differ: fix the "
                "name in SIECLE first.",
                Actor.SCHOOL_SIECLE,
            ),
        )
    if active_elsewhere:
        school = Step(
            f"L'établissement {other.uai} rappelle au parent l'identifiant du compte "
            f"{other.account_id} (déjà activé) ; le parent se connecte avec le compte qu'il "
            "garde et rattache l'autre (Mes enfants > Ajouter des élèves depuis un autre compte).",
            f"School {other.uai} reminds the parent of the identifier of account "
            f"{other.account_id} (already activated); the parent signs in with the account to "
            "keep and adds the other (Mes enfants > Ajouter des élèves depuis un autre compte).",
            Actor.SCHOOL_ADMIN_MODULE,
            effective_from=at,
            unblocks_today=True,
        )
    else:
        school = Step(
            f"En attendant, l'établissement {other.uai} notifie le compte {other.account_id} et "
            "remet au parent son identifiant et son mot de passe provisoire.",
            f"Meanwhile, school {other.uai} notifies account {other.account_id} and hands the "
            "parent its identifier and provisional password.",
            Actor.SCHOOL_ADMIN_MODULE,
            effective_from=at,
            unblocks_today=True,
        )
    parent = Step(
        "Le parent se connecte à son compte, puis Mes enfants > Ajouter des élèves depuis un "
        "autre compte, avec l'identifiant et le mot de passe remis (nom et prénom identiques).",
        "The parent signs in to their account, then Mes enfants > Ajouter des élèves depuis un "
        "autre compte, with the identifier and password handed out (names identical).",
        Actor.PERSON,
        effective_from=at,
        unblocks_today=True,
    )
    return school, parent


def diagnose_missing_child(
    records: Mapping[Uai, SchoolRecords],
    view: PersonView,
    parent_account_id: str,
    child: Member,
    *,
    at: dt.datetime | None = None,
    effective_from: dt.datetime | None = None,
) -> MissingChild:
    """Why ``child`` (a student record, of any degree) is not under the account
    ``parent_account_id``, and what to do; ``effective_from`` is when a SIECLE fix
    made now takes effect."""
    _, uai, personne_id = parse_account_id(parent_account_id)
    parent_member = Member(uai, Profile.RESPONSABLE, personne_id)
    parent_school = records[parent_member.uai]
    parent = next(r for r in parent_school.responsables if r.personne_id == personne_id)
    school = records.get(child.uai)
    eleve: Eleve | None = (
        next((e for e in school.eleves if e.eleve_id == child.siecle_id), None) if school else None
    )
    if school is None or eleve is None:
        return MissingChild(parent_member, child, Situation.UNKNOWN_CHILD)
    legal = {lk.personne_id for lk in school.links if lk.eleve_id == child.siecle_id and lk.legal}
    # 1st degree: ONDE does not say the level; a linked responsable counts
    legal |= {
        lk.personne_id
        for lk in school.links
        if lk.eleve_id == child.siecle_id and lk.level.value == 0
    }
    others = [r for r in school.responsables if r.personne_id in legal]
    person = view.persons.of_account(parent_account_id)
    for other in others:
        member = Member(child.uai, Profile.RESPONSABLE, other.personne_id)
        if person is not None and view.persons.of_account(member.account_id) is person:
            return MissingChild(
                parent_member,
                child,
                Situation.ALREADY_GROUPED,
                member,
                steps=(
                    Step(
                        "L'enfant est déjà rattaché à ce compte ; s'il n'apparaît pas, attendre "
                        "l'actualisation de la nuit qui suit l'export.",
                        "The child is already under this account; if not shown, wait for the "
                        "nightly refresh after the export.",
                        Actor.PERSON,
                        effective_from=effective_from,
                    ),
                ),
            )
    if not others:
        return MissingChild(
            parent_member,
            child,
            Situation.NO_LEGAL_LINK,
            steps=(
                Step(
                    f"Dans SIECLE de l'établissement {child.uai}, rattacher le parent à l'élève "
                    "comme représentant légal (NIVEAU_RESPONSABILITE = 1) ; effectif le "
                    "lendemain matin.",
                    f"In SIECLE of school {child.uai}, link the parent to the student as legal "
                    "representative (NIVEAU_RESPONSABILITE = 1); effective the next morning.",
                    Actor.SCHOOL_SIECLE,
                    effective_from=effective_from,
                ),
            ),
        )
    scored = sorted(others, key=lambda r: (len(compare_responsables(parent, r)), r.personne_id))
    other = scored[0]
    differences = compare_responsables(parent, other)
    member = Member(child.uai, Profile.RESPONSABLE, other.personne_id)
    names_identical = not {Difference.LAST_NAME, Difference.FIRST_NAME} & set(differences)
    situation = Situation.GROUPABLE if names_identical else Situation.NAME_DIFFERS
    fix = _siecle_fix(parent, parent_member.uai, other, child.uai, differences, effective_from)
    status = view.status_of_account(member.account_id)
    active = status is not None and status.active
    steps = (fix, *_manual_steps(member, active, names_identical, at))
    return MissingChild(parent_member, child, situation, member, differences, steps)
