"""Nightly synchronisation: apply a school's export to the account store.

:func:`synchronise` compares an export (from any
:class:`~educonnect_core.ports.ExportReader`: SIECLE or ONDE) with what the
store holds and, in one unit of work:

* stores the new and changed students, responsables and links, and removes the
  links the export no longer has (links follow the export; people are never
  deleted);
* opens a (not activated) account for every new current student and every new
  legal representative of a current student;
* deactivates, through the state machine, the account of a student who left or
  is absent from the export, and of a person who is no longer the legal
  representative of a current student; reactivates such an account when the
  person comes back. Only accounts the synchronisation itself deactivated
  (reason ``sync:…``) are reactivated: a school's decision stands;
* recomputes the eligibility snapshots of the accounts touched;
* records the applied export (:class:`~educonnect_core.storage.AppliedExport`)
  with the values it replaced.

Source data changes never touch an account's state or credentials. Applying the
same export twice writes nothing the second time. An export older than the last
one applied is refused (:class:`ExportOutOfOrder`) unless forced.

The data of an export take effect the next morning after its export time
(:class:`~educonnect_core.schedule.RefreshSchedule`); :func:`eligibility_at`
answers with the data in effect at the time asked, by undoing the journals of
exports not yet in effect. See ``docs/sync.md``.
"""

from __future__ import annotations

import datetime as dt
import enum
import json
from collections import ChainMap, defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from typing import Final, TypeVar

import attrs

from .accounts import RESERVED_REASON_PREFIX, Account
from .capabilities import statuses_of, stored_forms_of, update_all
from .changeset import (
    AccountChange,
    AccountChangeKind,
    Changeset,
    FieldChange,
    LinkChange,
    RecordChange,
    causes_of,
)
from .eligibility import Child, Eligibility, EvaluationContext, evaluate
from .errors import EduconnectError, InvalidValue, NotFound
from .export import Export, LinkKey
from .people import Eleve, Link, Profile, Responsable, ResponsibilityLevel, School
from .ports import ExportReader
from .progress import NO_PROGRESS, Progress
from .routes import Route
from .schedule import RefreshSchedule
from .serialization import dumps, loads
from .snapshots import snapshot_for
from .states import AccountState, Event
from .storage import (
    AccountStatus,
    AppliedExport,
    EligibilitySnapshot,
    LinkForm,
    Store,
    StoredForms,
    UnitOfWork,
)
from .timebounds import FUTURE_TOLERANCE, bounded
from .values import Invalid, Uai

__all__ = [
    "REASON_ABSENT",
    "REASON_NOT_LEGAL",
    "REASON_STUDENT_LEFT",
    "SYNC_REASON_PREFIX",
    "Export",
    "ExportInTheFuture",
    "ExportOutOfOrder",
    "SourceView",
    "SyncOptions",
    "TooManyDeactivations",
    "eligibility_at",
    "field_changes",
    "synchronise",
]

#: deactivation reasons written by the synchronisation (and only those are undone)
SYNC_REASON_PREFIX: Final = RESERVED_REASON_PREFIX
REASON_STUDENT_LEFT: Final = "sync:student_left"
REASON_ABSENT: Final = "sync:absent_from_export"
REASON_NOT_LEGAL: Final = "sync:no_current_legal_child"

_REASON_FR: Final = {
    REASON_STUDENT_LEFT: "élève parti",
    REASON_ABSENT: "absent de l'export",
    REASON_NOT_LEGAL: "plus représentant légal d'un élève scolarisé",
}


class ExportOutOfOrder(EduconnectError, ValueError):
    """The export is older than the last one applied to the school."""

    def __init__(self, uai: Uai, exported_at: dt.datetime, last: dt.datetime) -> None:
        self.uai = uai
        self.exported_at = exported_at
        self.last = last
        super().__init__(
            f"{uai}: export of {exported_at.isoformat()} is older than the last one applied "
            f"({last.isoformat()}); refused (force it to apply anyway)"
        )


class ExportInTheFuture(EduconnectError, ValueError):
    """The export is dated later than now (beyond a small tolerance): applied, it
    would make every real export look older. Never forced: give its true time."""

    def __init__(self, uai: Uai, exported_at: dt.datetime, at: dt.datetime) -> None:
        self.uai = uai
        self.exported_at = exported_at
        self.at = at
        super().__init__(
            f"{uai}: export dated {exported_at.isoformat()}, later than now "
            f"({at.isoformat()}); refused: check the export's date and this computer's clock"
        )


class TooManyDeactivations(EduconnectError, ValueError):
    """The export would deactivate a suspiciously large share of the live accounts
    (a truncated or wrong file?); refused unless forced."""

    def __init__(self, uai: Uai, deactivated: int, live: int, share: float) -> None:
        self.uai = uai
        self.deactivated = deactivated
        self.live = live
        super().__init__(
            f"{uai}: the export would deactivate {deactivated} of {live} live accounts "
            f"(more than {share:.0%}); is the file complete? refused (force it to apply anyway)"
        )


@attrs.frozen
class SyncOptions:
    """``force``: apply an export older than the last one, or one that deactivates
    too many accounts; ``dry_run``: compute the changeset, write nothing;
    ``exported_at``: the export time when the export does not carry one (aware)."""

    schedule: RefreshSchedule = RefreshSchedule()
    force: bool = False
    dry_run: bool = False
    exported_at: dt.datetime | None = None
    #: refuse (unless forced) to deactivate more than this share of the live
    #: accounts, when the school has at least ``guard_minimum`` live accounts
    max_deactivated_share: float = 0.3
    guard_minimum: int = 50
    #: told how far reading, planning and writing are (:mod:`~educonnect_core.progress`)
    progress: Progress = attrs.field(default=NO_PROGRESS, eq=False, repr=False)


# --------------------------------------------------------------------------- journal


@attrs.frozen
class _LinkBefore:
    eleve_id: str
    personne_id: str
    link: Link | None


@attrs.frozen
class _Journal:
    """The values an applied export replaced (``None``: there was none)."""

    eleves: dict[str, Eleve | None] = attrs.Factory(dict)
    responsables: dict[str, Responsable | None] = attrs.Factory(dict)
    links: list[_LinkBefore] = attrs.Factory(list)
    accounts: dict[str, Account | None] = attrs.Factory(dict)


# --------------------------------------------------------------------------- diffs


def _text(value: object) -> str | None:
    """A field value as the changeset shows it (value objects in canonical form)."""
    if value is None:
        return None
    if isinstance(value, Invalid):
        return f"{value.raw} (invalide)"
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, enum.Enum):
        return str(value.value)
    return str(value)


def _fields(record: Eleve | Responsable | None) -> dict[str, object]:
    if record is None:
        return {}
    values: dict[str, object] = {"last_name": record.name.last, "first_name": record.name.first}
    if isinstance(record, Eleve):
        values.update(
            birth_date=record.birth_date,
            ine=record.ine,
            division=record.division,
            mef=record.mef,
            status=record.status,
            left_on=record.left_on,
            email=record.email,
            mobile=record.mobile,
        )
    else:
        values.update(civilite=record.civilite, mobile=record.mobile, email=record.email)
    return values


def field_changes(
    old: Eleve | Responsable | None, new: Eleve | Responsable
) -> tuple[FieldChange, ...]:
    """Field by field, what differs between two versions of a record."""
    before, after = _fields(old), _fields(new)
    changes = []
    for name, value in after.items():
        previous = before.get(name)
        if previous != value and (old is not None or value not in (None, "")):
            changes.append(FieldChange(name, _text(previous) or None, _text(value) or None))
    return tuple(changes)


# --------------------------------------------------------------------------- the sync


@attrs.define
class _Plan:
    """Everything computed before writing."""

    eleves: list[Eleve] = attrs.Factory(list)
    responsables: list[Responsable] = attrs.Factory(list)
    upsert_links: list[Link] = attrs.Factory(list)
    delete_links: list[LinkKey] = attrs.Factory(list)
    new_accounts: list[Account] = attrs.Factory(list)
    changed_accounts: list[Account] = attrs.Factory(list)
    snapshots: list[EligibilitySnapshot] = attrs.Factory(list)
    journal: _Journal = attrs.Factory(_Journal)
    records: list[RecordChange] = attrs.Factory(list)
    link_changes: list[LinkChange] = attrs.Factory(list)
    account_changes: list[AccountChange] = attrs.Factory(list)
    not_opened: list[tuple[Profile, str]] = attrs.Factory(list)
    #: the eligibility of every live account touched, by account id (``check``)
    eligibilities: dict[str, Eligibility] = attrs.Factory(dict)

    def size(self) -> int:
        """How many rows writing the plan takes (what progress counts)."""
        return (
            len(self.eleves)
            + len(self.responsables)
            + len(self.upsert_links)
            + len(self.delete_links)
            + len(self.new_accounts)
            + len(self.changed_accounts)
            + len(self.snapshots)
        )


R = TypeVar("R", bound=Eleve | Responsable)


class _Decoded(Mapping[str, R]):
    """Stored records by id, decoded from their text on first access."""

    def __init__(self, texts: Mapping[str, str], cls: type[R]) -> None:
        self.texts = texts
        self._cls: type[R] = cls
        self._cache: dict[str, R] = {}

    def __getitem__(self, key: str) -> R:
        try:
            return self._cache[key]
        except KeyError:
            record: R = loads(self.texts[key], self._cls)
            self._cache[key] = record
            return record

    def __contains__(self, key: object) -> bool:
        return key in self.texts

    def __iter__(self) -> Iterator[str]:
        return iter(self.texts)

    def __len__(self) -> int:
        return len(self.texts)


class _Links(Mapping[LinkKey, Link]):
    """Stored links by key, built from their :data:`~educonnect_core.storage.LinkForm`."""

    def __init__(self, forms: Mapping[LinkKey, LinkForm]) -> None:
        self.forms = forms

    def __getitem__(self, key: LinkKey) -> Link:
        level, code = self.forms[key]
        return Link(key[0], key[1], ResponsibilityLevel(level), code)

    def __contains__(self, key: object) -> bool:
        return key in self.forms

    def __iter__(self) -> Iterator[LinkKey]:
        return iter(self.forms)

    def __len__(self) -> int:
        return len(self.forms)


def _link_form(link: Link) -> LinkForm:
    # ``_value_``: the plain attribute behind ``value`` (a Python-level property, slower)
    return (link.level._value_, link.code_parente)


_NO_FORMS: Final = StoredForms({}, {}, {})


@attrs.frozen
class _Stored:
    """What the store holds for the school: records as stored text, decoded on
    demand; account statuses; whole accounts fetched only for those needed."""

    school: School | None
    eleves: _Decoded[Eleve]
    responsables: _Decoded[Responsable]
    links: _Links
    statuses: Mapping[Profile, Mapping[str, AccountStatus]]
    fetch: Callable[[Iterable[str]], dict[str, Account]]
    accounts: dict[str, Account] = attrs.Factory(dict)

    @classmethod
    def load(cls, uow: UnitOfWork, uai: Uai) -> _Stored:
        try:
            school: School | None = uow.people.get_school(uai)
        except NotFound:
            school = None
        forms = _NO_FORMS if school is None else stored_forms_of(uow.people, uai)
        of_eleves: dict[str, AccountStatus] = {}
        of_responsables: dict[str, AccountStatus] = {}
        if school is not None:
            for status in statuses_of(uow.accounts, uai):
                by_id = of_eleves if status.profile is Profile.ELEVE else of_responsables
                by_id[status.siecle_id] = status
        statuses = {Profile.ELEVE: of_eleves, Profile.RESPONSABLE: of_responsables}
        return cls(
            school,
            _Decoded(forms.eleves, Eleve),
            _Decoded(forms.responsables, Responsable),
            _Links(forms.links),
            statuses,
            uow.accounts.get_many,
        )

    @classmethod
    def empty(cls) -> _Stored:
        """A school the store does not hold (what ``check`` plans against)."""
        statuses: dict[Profile, Mapping[str, AccountStatus]] = {p: {} for p in Profile}
        return cls(
            None,
            _Decoded({}, Eleve),
            _Decoded({}, Responsable),
            _Links({}),
            statuses,
            lambda ids: {},
        )

    def load_accounts(self, account_ids: Iterable[str]) -> None:
        """Fetch the whole accounts among ``account_ids`` not fetched yet."""
        missing = [i for i in account_ids if i not in self.accounts]
        if missing:
            self.accounts.update(self.fetch(missing))

    def live(self) -> int:
        return sum(
            s.state is not AccountState.DEACTIVATED
            for by_id in self.statuses.values()
            for s in by_id.values()
        )


def _export_time(export: Export, options: SyncOptions, at: dt.datetime) -> dt.datetime:
    exported_at = options.exported_at or export.school.exported_at
    if exported_at is None:
        raise InvalidValue(
            "School.exported_at",
            None,
            "the export carries no export time: pass SyncOptions(exported_at=…)",
        )
    if exported_at.tzinfo is None:
        raise InvalidValue("School.exported_at", exported_at, "expected an aware datetime")
    exported_at = bounded("SyncOptions.exported_at", exported_at)
    if exported_at > at + FUTURE_TOLERANCE:
        raise ExportInTheFuture(export.school.uai, exported_at, at)
    return exported_at


def synchronise(
    store: Store,
    export: Export | ExportReader,
    at: dt.datetime,
    options: SyncOptions = SyncOptions(),
) -> Changeset:
    """Apply ``export`` to ``store`` at ``at`` (now, aware) in one unit of work.

    Returns the :class:`~educonnect_core.changeset.Changeset`; with
    ``options.dry_run`` the same changeset is computed and nothing is written.
    """
    bounded("synchronise: at", at)
    progress = options.progress
    if not isinstance(export, Export):
        export = Export.read(export, progress)
    exported_at = _export_time(export, options, at)
    school = attrs.evolve(export.school, exported_at=exported_at)
    uai = school.uai
    effective = options.schedule.effective_from(exported_at)
    ctx = EvaluationContext.for_school(school, effective, options.schedule)
    with store.unit_of_work() as uow:
        _check_order(uow, uai, exported_at, options.force)
        progress.begin("plan", len(export.eleves) + len(export.responsables))
        stored = _Stored.load(uow, uai)
        plan = _plan(uai, export, stored, ctx)
        progress.end("plan")
        changeset = Changeset(
            uai=uai,
            exported_at=exported_at,
            applied_at=at,
            effective_from=effective,
            dry_run=options.dry_run,
            forced=options.force,
            records=tuple(plan.records),
            links=tuple(plan.link_changes),
            accounts=tuple(plan.account_changes),
            not_opened=tuple(plan.not_opened),
            findings=export.findings,
            school_changed=stored.school != school,
        )
        if options.dry_run or changeset.noop:
            return changeset
        _check_deactivations(uai, stored, changeset, options)
        progress.begin("write", plan.size())
        _write(uow, uai, school, plan, fresh=stored.school is None, progress=progress)
        uow.exports.append(
            AppliedExport(
                uai=uai,
                exported_at=exported_at,
                applied_at=at,
                effective_from=effective,
                forced=options.force,
                summary=json.dumps(changeset.counts(), sort_keys=True),
                journal=dumps(plan.journal),
            )
        )
        uow.commit()
        progress.end("write")
    return changeset


def _check_order(uow: UnitOfWork, uai: Uai, exported_at: dt.datetime, force: bool) -> None:
    last = uow.exports.latest(uai)
    if last is not None:
        last_at: dt.datetime | None = last.exported_at
    else:
        try:
            last_at = uow.people.get_school(uai).exported_at
        except NotFound:
            last_at = None
    if last_at is not None and last_at.tzinfo is None:
        last_at = None  # a naive time from an old import cannot be compared
    if last_at is not None and exported_at < last_at and not force:
        raise ExportOutOfOrder(uai, exported_at, last_at)


def _check_deactivations(
    uai: Uai, stored: _Stored, changeset: Changeset, options: SyncOptions
) -> None:
    live = stored.live()
    deactivated = len(changeset.deactivated)
    share = options.max_deactivated_share
    if options.force or live < options.guard_minimum or deactivated <= share * live:
        return
    raise TooManyDeactivations(uai, deactivated, live, share)


def _write(
    uow: UnitOfWork,
    uai: Uai,
    school: School,
    plan: _Plan,
    *,
    fresh: bool,
    progress: Progress = NO_PROGRESS,
) -> None:
    """Write the plan (each part reported done to ``progress`` as ``write``);
    ``fresh``: the store did not hold the school."""
    people = uow.people
    people.upsert_school(school)
    if plan.eleves:
        people.upsert_eleves(uai, plan.eleves)
        progress.advance("write", len(plan.eleves))
    if plan.responsables:
        people.upsert_responsables(uai, plan.responsables)
        progress.advance("write", len(plan.responsables))
    if plan.delete_links:
        people.delete_links(uai, plan.delete_links)
        progress.advance("write", len(plan.delete_links))
    if plan.upsert_links:
        people.upsert_links(uai, plan.upsert_links)
        progress.advance("write", len(plan.upsert_links))
    if plan.new_accounts:
        uow.accounts.add_many(plan.new_accounts)
        progress.advance("write", len(plan.new_accounts))
    if plan.changed_accounts:
        update_all(uow.accounts, plan.changed_accounts)
        progress.advance("write", len(plan.changed_accounts))
    if plan.snapshots and fresh:
        uow.eligibility.put_many(plan.snapshots)  # a new school: nothing to compare with
    elif plan.snapshots:
        stored = uow.eligibility.get_many(s.account_id for s in plan.snapshots)
        changed = [s for s in plan.snapshots if stored.get(s.account_id) != s]
        if changed:
            uow.eligibility.put_many(changed)
    progress.advance("write", len(plan.snapshots))


_Decision = tuple[Account, AccountChangeKind, str | None]


def _decide(
    uai: Uai,
    profile: Profile,
    siecle_id: str,
    old: Account | None,
    want: bool,
    reason: str | None,
    at: dt.datetime,
) -> _Decision | None:
    """What the export asks of one account: open, deactivate, reactivate, or nothing."""
    if old is None:
        if want:
            return Account.open(uai, profile, siecle_id, at=at), AccountChangeKind.CREATED, None
        return None
    if want:
        if old.state is not AccountState.DEACTIVATED:
            return None
        if (old.deactivation_reason or "").startswith(SYNC_REASON_PREFIX):
            return old.apply(Event.REACTIVATE, at), AccountChangeKind.REACTIVATED, None
        return old, AccountChangeKind.KEPT_DEACTIVATED, old.deactivation_reason
    if old.state is AccountState.DEACTIVATED:
        return None
    deactivated = old.apply(Event.DEACTIVATE, at, reason=reason)
    return deactivated, AccountChangeKind.DEACTIVATED, reason


@attrs.frozen
class _Side:
    """The source data before or after the export, for the eligibility of the
    accounts touched. Links are indexed only for the people asked about (one
    pass each, no index of the whole school)."""

    eleves: Mapping[str, Eleve]
    responsables: Mapping[str, Responsable]
    links: Mapping[LinkKey, Link]
    #: children listed by eleve_id (else in the order of ``links``)
    sort_children: bool = False
    by_personne: dict[str, list[str]] = attrs.Factory(dict)

    def parents(self, eleve_ids: Collection[str]) -> dict[str, set[str]]:
        """The people linked to each of ``eleve_ids``."""
        found: dict[str, set[str]] = defaultdict(set)
        for eid, pid in self.links:
            if eid in eleve_ids:
                found[eid].add(pid)
        return found

    def index_children(self, personne_ids: Collection[str]) -> None:
        """Make :meth:`children` answer for ``personne_ids``."""
        self.by_personne.clear()
        for eid, pid in self.links:
            if pid in personne_ids:
                self.by_personne.setdefault(pid, []).append(eid)

    def person(self, profile: Profile, siecle_id: str) -> Eleve | Responsable | None:
        if profile is Profile.ELEVE:
            return self.eleves.get(siecle_id)
        return self.responsables.get(siecle_id)

    def children(self, personne_id: str) -> list[Child]:
        eleve_ids = self.by_personne.get(personne_id, [])
        return [
            Child(self.eleves[eid], self.links[eid, personne_id])
            for eid in (sorted(eleve_ids) if self.sort_children else eleve_ids)
            if eid in self.eleves
        ]

    def evaluate(
        self, profile: Profile, siecle_id: str, account: Account | None, ctx: EvaluationContext
    ) -> tuple[Eligibility, list[Child]] | None:
        person = self.person(profile, siecle_id)
        if person is None:
            return None
        children = self.children(siecle_id) if profile is Profile.RESPONSABLE else []
        return evaluate(person, ctx, account=account, children=children), children


_ROUTE_SETS: dict[tuple[Route, ...], frozenset[Route]] = {}


def _eligible(answer: tuple[Eligibility, list[Child]] | None) -> frozenset[Route]:
    """The open routes, one shared set per distinct combination."""
    routes = answer[0].eligible_routes if answer is not None else ()
    found = _ROUTE_SETS.get(routes)
    if found is None:
        found = _ROUTE_SETS[routes] = frozenset(routes)
    return found


def _plan(
    uai: Uai,
    export: Export,
    stored: _Stored,
    ctx: EvaluationContext,
    *,
    keep_eligibilities: bool = False,
) -> _Plan:
    """The plan of ``export`` against ``stored``; ``keep_eligibilities``: keep each
    live account's eligibility instead of its snapshot (what ``check`` prints; the
    sync stores the snapshots)."""
    plan = _Plan()
    causes: dict[tuple[Profile, str], list[str]] = defaultdict(list)
    # children: the stored ones by eleve_id (as the store lists links), the export's in its order
    old = _Side(stored.eleves, stored.responsables, stored.links, sort_children=True)
    new = _Side(
        ChainMap(export.eleves, stored.eleves),  # type: ignore[arg-type]
        ChainMap(export.responsables, stored.responsables),  # type: ignore[arg-type]
        export.links,
    )
    touched = _plan_records(plan, export, stored, causes)
    touched |= _plan_links(plan, export, stored, causes)
    updated = {r.siecle_id for r in plan.records if r.profile is Profile.ELEVE and not r.created}
    old_parents, new_parents = old.parents(updated), new.parents(updated)
    for record in plan.records:
        if record.profile is not Profile.ELEVE or record.created:
            continue
        sid = record.siecle_id
        for pid in old_parents.get(sid, set()) | new_parents.get(sid, set()):
            touched.add((Profile.RESPONSABLE, pid))
            causes[Profile.RESPONSABLE, pid].extend(f.child_cause_fr for f in record.fields)
    decisions = _plan_decisions(plan, uai, export, stored, ctx.at)
    touched.update((a.profile, a.siecle_id) for a, _, _ in decisions.values())
    touched_responsables = {sid for p, sid in touched if p is Profile.RESPONSABLE}
    old.index_children(touched_responsables)
    new.index_children(touched_responsables)
    touched_ids = {(p, sid): Account.make_id(uai, p, sid) for p, sid in touched}
    stored.load_accounts(i for (p, sid), i in touched_ids.items() if sid in stored.statuses[p])
    for profile, sid in sorted(touched, key=lambda x: (x[0].value, x[1])):
        account_id = touched_ids[profile, sid]
        old_a = stored.accounts.get(account_id)
        new_a, kind, reason = decisions.get(account_id, (old_a, None, None))
        if new_a is None:
            continue
        before = (
            _eligible(None) if old_a is None else _eligible(old.evaluate(profile, sid, old_a, ctx))
        )
        answer = new.evaluate(profile, sid, new_a, ctx)
        after = _eligible(answer)
        why = list(causes.get((profile, sid), ()))
        if kind is not None:
            why.insert(0, _KIND_CAUSE.get(kind) or _REASON_FR.get(reason or "", reason or ""))
        if kind is None and not why and before == after:
            pass
        else:
            plan.account_changes.append(
                AccountChange(
                    account_id=account_id,
                    profile=profile,
                    siecle_id=sid,
                    kind=kind or AccountChangeKind.DATA_CHANGED,
                    before=old_a.state if old_a else None,
                    after=new_a.state,
                    reason=reason,
                    causes=tuple(dict.fromkeys(c for c in why if c)),
                    opened=after - before if before else after,
                    closed=before - after if before else before,
                )
            )
        if answer is not None:
            person = new.person(profile, sid)
            assert person is not None
            if keep_eligibilities:  # a check: the eligibility is the answer, nothing is stored
                plan.eligibilities[account_id] = answer[0]
            else:
                snapshot = snapshot_for(account_id, person, answer[0], answer[1], ctx.at)
                plan.snapshots.append(snapshot)
        if kind in _WRITTEN:
            plan.journal.accounts[account_id] = old_a
            (plan.new_accounts if old_a is None else plan.changed_accounts).append(new_a)
    return plan


_WRITTEN: Final = frozenset(
    {AccountChangeKind.CREATED, AccountChangeKind.DEACTIVATED, AccountChangeKind.REACTIVATED}
)
_KIND_CAUSE: Final = {
    AccountChangeKind.CREATED: "nouveau compte",
    AccountChangeKind.REACTIVATED: "de retour dans l'export",
    AccountChangeKind.KEPT_DEACTIVATED: "désactivé par l'établissement",
}


def _plan_records(
    plan: _Plan,
    export: Export,
    stored: _Stored,
    causes: dict[tuple[Profile, str], list[str]],
) -> set[tuple[Profile, str]]:
    touched: set[tuple[Profile, str]] = set()
    texts = stored.eleves.texts
    for eid, eleve in export.eleves.items():
        text = texts.get(eid)
        if text is not None and text == dumps(eleve):
            continue  # equal text: equal records, nothing decoded
        old_e = stored.eleves.get(eid)
        if old_e == eleve:
            continue
        plan.eleves.append(eleve)
        plan.journal.eleves[eid] = old_e
        # a new record is its own detail: no field-by-field change kept for it
        fields = field_changes(old_e, eleve) if old_e is not None else ()
        plan.records.append(RecordChange(Profile.ELEVE, eid, old_e is None, fields))
        touched.add((Profile.ELEVE, eid))
        if old_e is not None:
            causes[Profile.ELEVE, eid].extend(causes_of(fields))
    texts = stored.responsables.texts
    for pid, responsable in export.responsables.items():
        text = texts.get(pid)
        if text is not None and text == dumps(responsable):
            continue
        old_r = stored.responsables.get(pid)
        if old_r == responsable:
            continue
        plan.responsables.append(responsable)
        plan.journal.responsables[pid] = old_r
        fields = field_changes(old_r, responsable) if old_r is not None else ()
        plan.records.append(RecordChange(Profile.RESPONSABLE, pid, old_r is None, fields))
        touched.add((Profile.RESPONSABLE, pid))
        if old_r is not None:
            causes[Profile.RESPONSABLE, pid].extend(causes_of(fields))
    return touched


def _plan_links(
    plan: _Plan,
    export: Export,
    stored: _Stored,
    causes: dict[tuple[Profile, str], list[str]],
) -> set[tuple[Profile, str]]:
    touched: set[tuple[Profile, str]] = set()
    forms = stored.links.forms
    for key, link in export.links.items():
        if forms.get(key) == _link_form(link):
            continue
        eid, pid = key
        old_l = stored.links.get(key)
        plan.upsert_links.append(link)
        plan.journal.links.append(_LinkBefore(eid, pid, old_l))
        plan.link_changes.append(
            LinkChange(eid, pid, old_l.level.name if old_l else None, link.level.name)
        )
        touched.add((Profile.RESPONSABLE, pid))
        causes[Profile.RESPONSABLE, pid].append(
            "enfant ajouté" if old_l is None else "lien de responsabilité modifié"
        )
    for eid, pid in sorted(k for k in forms if k not in export.links):
        old_l = stored.links[eid, pid]
        plan.delete_links.append((eid, pid))
        plan.journal.links.append(_LinkBefore(eid, pid, old_l))
        plan.link_changes.append(LinkChange(eid, pid, old_l.level.name, None))
        touched.add((Profile.RESPONSABLE, pid))
        causes[Profile.RESPONSABLE, pid].append("enfant retiré")
    return touched


def _plan_decisions(
    plan: _Plan, uai: Uai, export: Export, stored: _Stored, at: dt.datetime
) -> dict[str, _Decision]:
    """Accounts to open, deactivate, reactivate (or keep deactivated), by id.

    Decided on the stored statuses; whole accounts are fetched only for those
    whose state the export may change."""
    wanted = export.account_holders()
    present: dict[Profile, Mapping[str, object]] = {
        Profile.ELEVE: export.eleves,
        Profile.RESPONSABLE: export.responsables,
    }
    decisions: dict[str, _Decision] = {}
    pending: list[tuple[Profile, str, str, bool, str | None]] = []
    for profile in Profile:
        statuses = stored.statuses[profile]
        want_ids = wanted[profile]
        not_opened = []
        for sid in present[profile]:
            if sid not in statuses:
                if sid in want_ids:
                    account = Account.open(uai, profile, sid, at=at)
                    decisions[account.account_id] = account, AccountChangeKind.CREATED, None
                else:
                    not_opened.append(sid)
        plan.not_opened.extend((profile, sid) for sid in sorted(not_opened))
        for sid, status in statuses.items():
            want = sid in want_ids
            if want != (status.state is AccountState.DEACTIVATED):
                continue  # live and wanted, or deactivated and not wanted: nothing to do
            reason = None
            if not want:
                if sid not in present[profile]:
                    reason = REASON_ABSENT
                elif profile is Profile.ELEVE:
                    reason = REASON_STUDENT_LEFT
                else:
                    reason = REASON_NOT_LEGAL
            pending.append((profile, sid, status.account_id, want, reason))
    stored.load_accounts(account_id for _, _, account_id, _, _ in pending)
    for profile, sid, account_id, want, reason in pending:
        decision = _decide(uai, profile, sid, stored.accounts[account_id], want, reason, at)
        if decision is not None:
            decisions[account_id] = decision
    return decisions


# --------------------------------------------------------------------------- in effect


class SourceView:
    """The source data and accounts of a school as in effect at ``at``.

    The store holds the latest data; the journals of the exports whose
    ``effective_from`` is after ``at`` give back the values they replaced (the
    first such export to touch a record holds the value in effect).
    """

    def __init__(self, uow: UnitOfWork, uai: Uai, at: dt.datetime) -> None:
        self._uow = uow
        self.uai = uai
        self.at = at
        self._eleves: dict[str, Eleve | None] = {}
        self._responsables: dict[str, Responsable | None] = {}
        self._links: dict[LinkKey, Link | None] = {}
        self._accounts: dict[str, Account | None] = {}
        for record in uow.exports.effective_after(uai, at):
            journal = loads(record.journal, _Journal) if record.journal else _Journal()
            for eid, eleve in journal.eleves.items():
                self._eleves.setdefault(eid, eleve)
            for pid, responsable in journal.responsables.items():
                self._responsables.setdefault(pid, responsable)
            for entry in journal.links:
                self._links.setdefault((entry.eleve_id, entry.personne_id), entry.link)
            for account_id, account in journal.accounts.items():
                self._accounts.setdefault(account_id, account)

    @property
    def pending(self) -> bool:
        """Some applied data are not in effect yet at ``at``."""
        return bool(self._eleves or self._responsables or self._links or self._accounts)

    def eleve(self, eleve_id: str) -> Eleve | None:
        if eleve_id in self._eleves:
            return self._eleves[eleve_id]
        try:
            return self._uow.people.get_eleve(self.uai, eleve_id)
        except NotFound:
            return None

    def responsable(self, personne_id: str) -> Responsable | None:
        if personne_id in self._responsables:
            return self._responsables[personne_id]
        try:
            return self._uow.people.get_responsable(self.uai, personne_id)
        except NotFound:
            return None

    def account(self, account_id: str) -> Account | None:
        if account_id in self._accounts:
            return self._accounts[account_id]
        found = self._uow.accounts.get_many([account_id])
        return found.get(account_id)

    def children(self, personne_id: str) -> list[Child]:
        links = {
            (k.eleve_id, k.personne_id): k
            for k in self._uow.people.links_of_responsable(self.uai, personne_id)
        }
        for key, link in self._links.items():
            if key[1] != personne_id:
                continue
            if link is None:
                links.pop(key, None)
            else:
                links[key] = link
        children = []
        for key in sorted(links):
            eleve = self.eleve(key[0])
            if eleve is not None:
                children.append(Child(eleve, links[key]))
        return children


def eligibility_at(
    uow: UnitOfWork,
    account_id: str,
    at: dt.datetime,
    schedule: RefreshSchedule | None = None,
    *,
    view: SourceView | None = None,
) -> Eligibility:
    """The account's eligibility at ``at`` with the data in effect then.

    Pass a :class:`SourceView` of the school at ``at`` to ask about many accounts
    (its journals are read once). :class:`~educonnect_core.errors.NotFound` when
    the account, or its person, is not in effect at ``at`` (e.g. opened by an
    export that takes effect later).
    """
    current = uow.accounts.get(account_id)
    uai = current.uai
    if view is None or view.uai != uai or view.at != at:
        view = SourceView(uow, uai, at)
    account = view.account(account_id)
    if account is None:
        raise NotFound(f"account {account_id!r} is not in effect at {at.isoformat()}")
    person: Eleve | Responsable | None
    if account.profile is Profile.ELEVE:
        person = view.eleve(account.siecle_id)
        children: list[Child] = []
    else:
        person = view.responsable(account.siecle_id)
        children = view.children(account.siecle_id)
    if person is None:
        raise NotFound(f"no source data in effect at {at.isoformat()} for account {account_id!r}")
    ctx = EvaluationContext.for_school(uow.people.get_school(uai), at, schedule)
    return evaluate(person, ctx, account=account, children=children)
