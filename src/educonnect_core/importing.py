"""Bulk import of one school's export into a store, in one unit of work.

:func:`import_export` streams the reader in batches: it stores the school, the
students, the responsables and the links; opens an account (not activated) for
every current student and every legal responsable of a current student; and
stores each account's :class:`~educonnect_core.storage.EligibilitySnapshot`.
It commits once, at the end: an exception (or a killed process) leaves the
store as it was. Importing the same data again writes nothing and never bumps
an account's version. Who gets no account is counted, never silently dropped.

This is the simple first load; removals (links that disappeared, students who
are no longer in the export) are the nightly synchronisation's business.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from typing import Final, TypeVar

import attrs

from .accounts import Account
from .eligibility import EvaluationContext, evaluate
from .findings import Finding
from .people import Eleve, Profile, Responsable
from .ports import ExportReader
from .snapshots import divisions_of_children
from .storage import EligibilitySnapshot, Store, UnitOfWork
from .values import Uai

__all__ = ["DEFAULT_BATCH", "ImportResult", "import_export"]

T = TypeVar("T")

#: records per batch (read, written and evaluated together)
DEFAULT_BATCH: Final = 2000


@attrs.frozen
class ImportResult:
    """What an import wrote (counts of records that changed) and what it skipped."""

    uai: Uai
    school_changed: bool
    eleves_written: int
    responsables_written: int
    links_written: int
    accounts_created: int
    snapshots_written: int
    #: students read who get no account because they have left
    eleves_without_account: int
    #: responsables read who get no account: not the legal representative of a
    #: current student
    responsables_without_account: int
    findings: tuple[Finding, ...] = ()

    @property
    def changed(self) -> bool:
        return bool(
            self.school_changed
            or self.eleves_written
            or self.responsables_written
            or self.links_written
            or self.accounts_created
            or self.snapshots_written
        )


def _batches(items: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


@attrs.define
class _Counts:
    eleves: int = 0
    responsables: int = 0
    links: int = 0
    created: int = 0
    snapshots: int = 0
    eleves_skipped: int = 0
    responsables_skipped: int = 0


def import_export(
    reader: ExportReader,
    store: Store,
    ctx: EvaluationContext,
    *,
    batch_size: int = DEFAULT_BATCH,
) -> ImportResult:
    """Import ``reader`` into ``store`` atomically (see the module docstring)."""
    school = reader.school
    uai = school.uai
    counts = _Counts()
    with store.unit_of_work() as uow:
        school_changed = uow.people.upsert_school(school)
        current: set[str] = set()
        for eleves in _batches(reader.eleves(), batch_size):
            counts.eleves += uow.people.upsert_eleves(uai, eleves)
            current.update(e.eleve_id for e in eleves if e.current)
            _eleve_accounts(uow, uai, eleves, ctx, counts)
        personne_ids: list[str] = []
        for responsables in _batches(reader.responsables(), batch_size):
            counts.responsables += uow.people.upsert_responsables(uai, responsables)
            personne_ids.extend(r.personne_id for r in responsables)
        legal: set[str] = set()
        for links in _batches(reader.links(), batch_size):
            counts.links += uow.people.upsert_links(uai, links)
            legal.update(k.personne_id for k in links if k.legal and k.eleve_id in current)
        for ids in _batches(personne_ids, batch_size):
            responsables = [uow.people.get_responsable(uai, i) for i in ids]
            _responsable_accounts(uow, uai, responsables, legal, ctx, counts)
        findings = tuple(reader.findings)
        uow.commit()
    return ImportResult(
        uai=uai,
        school_changed=school_changed,
        eleves_written=counts.eleves,
        responsables_written=counts.responsables,
        links_written=counts.links,
        accounts_created=counts.created,
        snapshots_written=counts.snapshots,
        eleves_without_account=counts.eleves_skipped,
        responsables_without_account=counts.responsables_skipped,
        findings=findings,
    )


def _eleve_accounts(
    uow: UnitOfWork,
    uai: Uai,
    eleves: Sequence[Eleve],
    ctx: EvaluationContext,
    counts: _Counts,
) -> None:
    ids = {e.eleve_id: Account.make_id(uai, Profile.ELEVE, e.eleve_id) for e in eleves}
    existing = uow.accounts.get_many(ids.values())
    new: list[Account] = []
    snapshots: list[EligibilitySnapshot] = []
    for eleve in eleves:
        account_id = ids[eleve.eleve_id]
        account = existing.get(account_id)
        if account is None:
            if not eleve.current:
                counts.eleves_skipped += 1
                continue
            account = Account.open(uai, Profile.ELEVE, eleve.eleve_id, at=ctx.at)
            new.append(account)
        eligibility = evaluate(eleve, ctx, account=account)
        snapshots.append(
            EligibilitySnapshot.of(
                account_id, eligibility, divisions=[eleve.division], name=eleve.name, at=ctx.at
            )
        )
    _store(uow, new, snapshots, counts)


def _responsable_accounts(
    uow: UnitOfWork,
    uai: Uai,
    responsables: Sequence[Responsable],
    legal: set[str],
    ctx: EvaluationContext,
    counts: _Counts,
) -> None:
    ids = {
        r.personne_id: Account.make_id(uai, Profile.RESPONSABLE, r.personne_id)
        for r in responsables
    }
    existing = uow.accounts.get_many(ids.values())
    new: list[Account] = []
    snapshots: list[EligibilitySnapshot] = []
    for responsable in responsables:
        account_id = ids[responsable.personne_id]
        account = existing.get(account_id)
        if account is None:
            if responsable.personne_id not in legal:
                counts.responsables_skipped += 1
                continue
            account = Account.open(uai, Profile.RESPONSABLE, responsable.personne_id, at=ctx.at)
            new.append(account)
        children = uow.people.children(uai, responsable.personne_id)
        eligibility = evaluate(responsable, ctx, account=account, children=children)
        snapshots.append(
            EligibilitySnapshot.of(
                account_id,
                eligibility,
                divisions=divisions_of_children(children),
                name=responsable.name,
                at=ctx.at,
            )
        )
    _store(uow, new, snapshots, counts)


def _store(
    uow: UnitOfWork,
    new: list[Account],
    snapshots: list[EligibilitySnapshot],
    counts: _Counts,
) -> None:
    if new:
        counts.created += uow.accounts.add_many(new)
    stored = uow.eligibility.get_many(s.account_id for s in snapshots)
    changed = [s for s in snapshots if stored.get(s.account_id) != s]
    if changed:
        counts.snapshots += uow.eligibility.put_many(changed)
