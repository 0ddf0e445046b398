"""Which stored accounts a sign-in belongs to: conservative, explained, never a guess.

The rules, in order (``docs/howto/feed-sign-ins.md``):

1. **A linked ``FrEduCtId``**: the accounts a previous sign-in with the same
   national id was matched to (every school where the person is known).
2. **A student** (``eleve1d``/``eleve2d``) by the INE the claims carry: every
   student account with that INE, in any school, provided the names agree when
   the claims give them (folded nom and prénom). The INE *hash* of SAML cannot
   be matched (its hashing is not public). The legacy vector's school and
   ``ELEVE_ID`` name the student directly.
3. **A responsable** (``resp1d``/``resp2d``) by the children the claims name
   (INE, or school and ``ELEVE_ID``) together with nom and prénom: at each
   school, the legal representative of a named child with exactly that folded
   name. Two such representatives of one child is ambiguous.

A failed or ambiguous match carries a stable ``reason`` code and a French
sentence for the school's to-do list. A matched student whose birth date
differs from the stored one is matched, with a :class:`~educonnect_core.findings.Finding`
(the SIECLE date may be wrong).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from typing import Final, Protocol

import attrs

from .accounts import Account
from .findings import Finding, Severity
from .people import Eleve, Profile, Responsable
from .signins import ChildClaim, SignIn
from .values import BirthDate, Uai

__all__ = ["Directory", "Match", "MatchOutcome", "match_sign_in"]


class MatchOutcome(enum.Enum):
    MATCHED = "matched"
    AMBIGUOUS = "ambiguous"
    UNKNOWN = "unknown"


@attrs.frozen
class Match:
    """The accounts a sign-in belongs to (``MATCHED``), or why none (``reason``)."""

    outcome: MatchOutcome
    account_ids: tuple[str, ...] = ()
    #: how it matched (``linked``, ``ine``, ``eleve_id``, ``children``), or why not
    reason: str = ""
    reason_fr: str = ""
    findings: tuple[Finding, ...] = ()

    @property
    def matched(self) -> bool:
        return self.outcome is MatchOutcome.MATCHED


class Directory(Protocol):
    """What matching reads of the store (see :class:`educonnect_core.observed.StoreDirectory`)."""

    def linked(self, ct_id: str) -> list[str]: ...

    def eleves_by_ine(self, ine: str) -> list[tuple[Uai, Eleve]]: ...

    def eleve(self, uai: Uai, eleve_id: str) -> Eleve | None: ...

    def legal_representatives(self, uai: Uai, eleve_id: str) -> list[Responsable]: ...

    def account(self, account_id: str) -> Account | None: ...

    def ct_ids_of(self, account_ids: Iterable[str]) -> set[str]:
        """The ``FrEduCtId`` values already linked to those accounts."""
        ...


_WHY_FR: Final = {
    "no_key": "La connexion ne donne ni INE ni identifiant d'élève : elle ne peut être "
    "rapprochée d'aucun compte.",
    "ine_hash_only": "La connexion ne donne que l'empreinte de l'INE (SAML) : elle ne peut "
    "être rapprochée d'un compte qu'après une première connexion par OIDC ou ENT.",
    "no_account": "Aucun compte de la base ne correspond à cet élève (INE ou identifiant "
    "inconnu) : l'élève est peut-être d'un autre établissement.",
    "names_differ": "L'INE correspond à un élève dont le nom ou le prénom diffère : "
    "vérifiez l'INE et l'identité de l'élève dans SIECLE.",
    "no_name": "La connexion du responsable ne donne pas son nom et son prénom.",
    "no_child": "Aucun des enfants nommés par la connexion n'est connu de la base.",
    "not_representative": "Aucun représentant légal des enfants nommés ne porte ce nom et "
    "ce prénom : vérifiez l'identité du responsable et son lien dans SIECLE.",
    "homonyms": "Deux représentants légaux d'un même enfant portent ce nom et ce prénom : "
    "la connexion ne peut être attribuée sans risque d'erreur.",
    "linked_elsewhere": "Le compte trouvé est déjà rattaché à un autre identifiant "
    "EduConnect : vérifiez s'il s'agit de la même personne.",
    "profile_differs": "L'identifiant EduConnect est rattaché à des comptes d'un autre "
    "profil (élève / responsable).",
}


def _fail(outcome: MatchOutcome, reason: str) -> Match:
    return Match(outcome, reason=reason, reason_fr=_WHY_FR[reason])


def _students(child: ChildClaim, directory: Directory) -> tuple[list[tuple[Uai, Eleve]], str]:
    """The stored students a claimed child names, and how (or why none)."""
    if child.ine is not None:
        found = directory.eleves_by_ine(str(child.ine))
        if child.uai is not None and any(uai == child.uai for uai, _ in found):
            # the claimed school first; others are the same person elsewhere
            found.sort(key=lambda pair: pair[0] != child.uai)
        return found, "ine"
    if child.uai is not None and child.eleve_id is not None:
        eleve = directory.eleve(child.uai, child.eleve_id)
        return ([(child.uai, eleve)] if eleve is not None else []), "eleve_id"
    return [], "ine_hash_only" if child.ine_hash else "no_key"


def _birth_findings(sign_in: SignIn, students: Iterable[tuple[Uai, Eleve]]) -> tuple[Finding, ...]:
    if sign_in.birth_date is None:
        return ()
    found = []
    for uai, eleve in students:
        stored = eleve.birth_date
        if isinstance(stored, BirthDate) and stored.value != sign_in.birth_date:
            found.append(
                Finding(
                    "SIGN_IN_BIRTH_DATE_DIFFERS",
                    Severity.WARNING,
                    f"à la connexion, la date de naissance est le "
                    f"{sign_in.birth_date:%d/%m/%Y} ; la base porte le "
                    f"{stored.value:%d/%m/%Y} ({uai}) : la date de SIECLE est peut-être fausse",
                    siecle_id=eleve.eleve_id,
                    field="FrEduCtDateNaissance",
                )
            )
    return tuple(found)


def _existing(directory: Directory, ids: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted({i for i in ids if directory.account(i) is not None}))


def _match_student(sign_in: SignIn, directory: Directory) -> Match:
    if not sign_in.children:
        return _fail(MatchOutcome.UNKNOWN, "no_key")
    students, how = _students(sign_in.children[0], directory)
    if how in _WHY_FR:
        return _fail(MatchOutcome.UNKNOWN, how)
    ids = _existing(
        directory, (Account.make_id(uai, Profile.ELEVE, e.eleve_id) for uai, e in students)
    )
    if not ids:
        return _fail(MatchOutcome.UNKNOWN, "no_account")
    if not all(e.name.answers_to(sign_in.last_name, sign_in.first_name) for _, e in students):
        return _fail(MatchOutcome.AMBIGUOUS, "names_differ")
    return Match(MatchOutcome.MATCHED, ids, how, findings=_birth_findings(sign_in, students))


def _match_responsable(sign_in: SignIn, directory: Directory) -> Match:
    if not (sign_in.last_name and sign_in.first_name):
        return _fail(MatchOutcome.UNKNOWN, "no_name")
    accounts: set[str] = set()
    known_child = False
    why = "no_key"
    for child in sign_in.children:
        students, how = _students(child, directory)
        if how in _WHY_FR:
            why = how
            continue
        for uai, eleve in students:
            known_child = True
            same = [
                r
                for r in directory.legal_representatives(uai, eleve.eleve_id)
                if r.name.answers_to(sign_in.last_name, sign_in.first_name)
            ]
            if len({r.personne_id for r in same}) > 1:
                return _fail(MatchOutcome.AMBIGUOUS, "homonyms")
            accounts.update(Account.make_id(uai, Profile.RESPONSABLE, r.personne_id) for r in same)
    if not known_child:
        return _fail(MatchOutcome.UNKNOWN, "no_child" if why == "no_key" else why)
    ids = _existing(directory, accounts)
    if not ids:
        return _fail(MatchOutcome.UNKNOWN, "not_representative")
    return Match(MatchOutcome.MATCHED, ids, "children")


def match_sign_in(sign_in: SignIn, directory: Directory) -> Match:
    """The accounts ``sign_in`` belongs to, by the rules of the module docstring."""
    linked = directory.linked(sign_in.ct_id)
    if linked:
        ids = _existing(directory, linked)
        if any(not i.startswith(_PREFIX[sign_in.profile]) for i in ids):
            return _fail(MatchOutcome.AMBIGUOUS, "profile_differs")
        if ids:
            return Match(MatchOutcome.MATCHED, ids, "linked")
    if sign_in.profile is Profile.ELEVE:
        found = _match_student(sign_in, directory)
    else:
        found = _match_responsable(sign_in, directory)
    if found.matched and _linked_elsewhere(found.account_ids, sign_in.ct_id, directory):
        return _fail(MatchOutcome.AMBIGUOUS, "linked_elsewhere")
    return found


_PREFIX: Final = {Profile.ELEVE: "E-", Profile.RESPONSABLE: "R-"}


def _linked_elsewhere(ids: Sequence[str], ct_id: str, directory: Directory) -> bool:
    """Some account is already linked to another ``FrEduCtId``."""
    return any(other != ct_id for other in directory.ct_ids_of(ids))
