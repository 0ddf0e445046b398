"""The export snapshot, and the one rule of who holds an account.

Every path that reads an export (``check``, ``import``, ``sync``, the library)
turns a source reader's streams into one :class:`Export` and asks
:func:`account_holders` who gets an account: nothing else decides it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence

import attrs

from .eligibility import birth_date_notice
from .findings import Finding, Severity
from .garbled import garbled
from .people import Degree, Eleve, Link, Profile, Responsable, School
from .ports import ClosedOnExit, ExportReader
from .progress import NO_PROGRESS, Progress, tracked
from .values import Ine, PersonName

__all__ = ["Export", "LinkKey", "account_holders"]

LinkKey = tuple[str, str]


def account_holders(
    degree: Degree, eleves: Mapping[str, Eleve], links: Mapping[LinkKey, Link]
) -> dict[Profile, frozenset[str]]:
    """Who should have a live account, by profile.

    Students: the current students, in the 2nd degree only (1st-degree pupils
    have no EduConnect account). Responsables: the legal representatives of a
    current student, in both degrees.
    """
    current = frozenset(eid for eid, e in eleves.items() if e.current)
    legal = frozenset(pid for (eid, pid), k in links.items() if k.legal and eid in current)
    students = frozenset() if degree is Degree.FIRST else current
    return {Profile.ELEVE: students, Profile.RESPONSABLE: legal}


@attrs.frozen
class Export:
    """The export snapshot: one school's export, read whole (school, records by
    id, links by (eleve, personne), findings, source kind; the export time and
    the degree are the school's).

    :meth:`read` keeps the last of duplicate ids and skips links to unknown
    people, reporting both as findings (nothing is dropped silently).
    """

    school: School
    eleves: Mapping[str, Eleve]
    responsables: Mapping[str, Responsable]
    links: Mapping[LinkKey, Link]
    findings: tuple[Finding, ...] = ()
    kind: str = "export"  # the source kind of the reader it was read from

    @classmethod
    def read(cls, reader: ExportReader, progress: Progress = NO_PROGRESS) -> Export:
        """Every stream of ``reader``, each reported to ``progress`` as it is read."""
        school = reader.school
        eleves = list(tracked(progress, "eleves", reader.eleves()))
        responsables = list(tracked(progress, "responsables", reader.responsables()))
        links = list(tracked(progress, "links", reader.links()))
        export = cls.of(school, eleves, responsables, links, findings=reader.findings)
        return attrs.evolve(export, kind=reader.kind)

    @classmethod
    def of(
        cls,
        school: School,
        eleves: Iterable[Eleve],
        responsables: Iterable[Responsable],
        links: Iterable[Link],
        *,
        findings: Sequence[Finding] = (),
    ) -> Export:
        found = list(findings)
        by_eleve: dict[str, Eleve] = {}
        for eleve in eleves:
            if eleve.eleve_id in by_eleve:
                found.append(_duplicate("ELEVE", eleve.eleve_id))
            by_eleve[eleve.eleve_id] = eleve
        by_personne: dict[str, Responsable] = {}
        for responsable in responsables:
            if responsable.personne_id in by_personne:
                found.append(_duplicate("RESPONSABLE", responsable.personne_id))
            by_personne[responsable.personne_id] = responsable
        found.extend(_data_findings(school, by_eleve.values(), by_personne.values(), findings))
        by_key: dict[LinkKey, Link] = {}
        for link in links:
            missing = [
                what
                for what, known in (
                    (f"eleve {link.eleve_id!r}", link.eleve_id in by_eleve),
                    (f"responsable {link.personne_id!r}", link.personne_id in by_personne),
                )
                if not known
            ]
            if missing:
                found.append(
                    Finding(
                        code="SYNC_LINK_SKIPPED",
                        severity=Severity.ERROR,
                        message=f"link {link.eleve_id}–{link.personne_id} skipped: unknown "
                        + " and ".join(missing),
                        siecle_id=link.personne_id,
                    )
                )
                continue
            by_key[link.eleve_id, link.personne_id] = link
        return cls(school, by_eleve, by_personne, by_key, tuple(found))

    @property
    def degree(self) -> Degree:
        return self.school.degree

    def account_holders(self) -> dict[Profile, frozenset[str]]:
        """Who holds a live account (see :func:`account_holders`)."""
        return account_holders(self.school.degree, self.eleves, self.links)

    def reader(self) -> ExportReader:
        """This export as an :class:`~educonnect_core.ports.ExportReader` (read again)."""
        return _Replay(self)


@attrs.frozen
class _Replay(ClosedOnExit):
    export: Export

    @property
    def kind(self) -> str:
        return self.export.kind

    @property
    def school(self) -> School:
        return self.export.school

    def eleves(self) -> Iterator[Eleve]:
        return iter(self.export.eleves.values())

    def responsables(self) -> Iterator[Responsable]:
        return iter(self.export.responsables.values())

    def links(self) -> Iterator[Link]:
        return iter(self.export.links.values())

    @property
    def findings(self) -> Sequence[Finding]:
        return self.export.findings

    @property
    def files(self) -> Sequence[str]:
        return ()

    def close(self) -> None:
        """Nothing to release: the records are in memory."""


def _duplicate(what: str, siecle_id: str) -> Finding:
    return Finding(
        code=f"SYNC_DUPLICATE_{what}",
        severity=Severity.WARNING,
        message=f"{what.lower()} {siecle_id!r} appears twice; the last record is kept",
        siecle_id=siecle_id,
    )


def _data_findings(
    school: School,
    eleves: Iterable[Eleve],
    responsables: Iterable[Responsable],
    already: Sequence[Finding],
) -> list[Finding]:
    """What the data themselves ask to check, whatever the source: a duplicate INE,
    a damaged name, an age unusual for the class (not already reported, so an
    export read again reports each once)."""
    found: list[Finding] = []
    by_ine: dict[str, Eleve] = {}
    for eleve in eleves:
        ine = eleve.ine
        if isinstance(ine, Ine):
            first = by_ine.setdefault(ine.value, eleve)
            if first is not eleve:
                found.append(_duplicate_ine(first, eleve, ine.value))
        if eleve.current:
            notice = birth_date_notice(eleve, school.school_year, school.degree)
            if notice is not None:
                found.append(_unusual_age(eleve, notice))
        found.extend(_damaged(eleve.name, eleve.eleve_id))
    for responsable in responsables:
        found.extend(_damaged(responsable.name, responsable.personne_id))
    seen = set(already)
    return [f for f in found if f not in seen]


def _duplicate_ine(first: Eleve, second: Eleve, ine: str) -> Finding:
    return Finding(
        code="DUPLICATE_INE",
        severity=Severity.WARNING,
        message=f"INE {ine} is given to two students: {first.name} ({first.eleve_id}) and "
        f"{second.name} ({second.eleve_id}); an INE is one person's: correct it in the source",
        siecle_id=second.eleve_id,
        field="INE",
    )


def _damaged(name: PersonName, siecle_id: str) -> list[Finding]:
    found = []
    for field, text in (("last_name", name.last), ("first_name", name.first)):
        why = garbled(text)
        if why is not None:
            found.append(
                Finding(
                    code="SUSPICIOUS_NAME",
                    severity=Severity.WARNING,
                    message=f"{text!r} {why}: it would print so on the letters; correct it "
                    "in the source",
                    siecle_id=siecle_id,
                    field=field,
                )
            )
    return found


def _unusual_age(eleve: Eleve, notice: str) -> Finding:
    """A birth date that blocks nothing but is worth checking with the family."""
    return Finding(
        code="UNUSUAL_AGE",
        severity=Severity.WARNING,
        message=f"{eleve.name}: birth date {eleve.birth_date} {notice}; check it "
        "(it does not block activation)",
        siecle_id=eleve.eleve_id,
        field="DATE_NAISS",
    )
