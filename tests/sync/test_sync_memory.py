"""The nightly synchronisation over the memory store: accounts, links, order, reports."""

from __future__ import annotations

import datetime as dt
from types import TracebackType
from typing import Any, Self

import attrs
import pytest

from educonnect_core.accounts import ProvisionalCredential
from educonnect_core.changeset import AccountChangeKind, FieldChange, when_fr
from educonnect_core.errors import InvalidValue, NotFound
from educonnect_core.people import Profile
from educonnect_core.ports import ClosedOnExit
from educonnect_core.routes import Route
from educonnect_core.states import AccountState, Event
from educonnect_core.storage import AppliedExport, Store, UnitOfWork
from educonnect_core.sync import (
    REASON_ABSENT,
    REASON_NOT_LEGAL,
    REASON_STUDENT_LEFT,
    Export,
    ExportOutOfOrder,
    SyncOptions,
    TooManyDeactivations,
    eligibility_at,
    synchronise,
)
from educonnect_core.values import BirthDate

from .world import (
    DAY,
    EXPORTED_AT,
    UAI,
    accounts_of,
    contact,
    eleve,
    export,
    legal,
    responsable,
    school,
    view,
)

NOW = EXPORTED_AT + dt.timedelta(hours=2)


def family_export(day: int = 0, **overrides: Any) -> Export:
    """Two siblings (1, 2) with two legal parents (A, B); a contact C of student 1;
    student 3 has left, with parent D."""
    eleves = {e.eleve_id: e for e in (eleve("1"), eleve("2"), eleve("3", left=True))}
    responsables = {r.personne_id: r for r in map(responsable, "ABCD")}
    links = [
        legal("1", "A"),
        legal("2", "A"),
        legal("1", "B"),
        legal("2", "B"),
        contact("1", "C"),
        legal("3", "D"),
    ]
    eleves.update(overrides.pop("eleves", {}))
    responsables.update(overrides.pop("responsables", {}))
    links = overrides.pop("links", links)
    return export(eleves.values(), responsables.values(), links, day=day)


def apply(store: Store, exp: Export, **options: Any) -> Any:
    exported_at = exp.school.exported_at or EXPORTED_AT
    return synchronise(store, exp, NOW + (exported_at - EXPORTED_AT), SyncOptions(**options))


def test_first_export_opens_accounts_for_current_students_and_legal_responsables(
    store: Store,
) -> None:
    changeset = apply(store, family_export())
    accounts = accounts_of(store)
    assert sorted(accounts) == ["E-0990007V-1", "E-0990007V-2", "R-0990007V-A", "R-0990007V-B"]
    assert {a.state for a in accounts.values()} == {AccountState.NOT_ACTIVATED}
    assert len(changeset.created) == 4
    assert set(changeset.not_opened) == {
        (Profile.ELEVE, "3"),
        (Profile.RESPONSABLE, "C"),
        (Profile.RESPONSABLE, "D"),
    }
    created_at = {a.created_at for a in accounts.values()}
    assert created_at == {changeset.effective_from}


def test_applying_the_same_export_twice_changes_nothing(store: Store) -> None:
    exp = family_export()
    apply(store, exp)
    before = accounts_of(store)
    again = apply(store, exp)
    assert again.noop
    assert accounts_of(store) == before
    with store.unit_of_work() as uow:
        latest = uow.exports.latest(UAI)
        assert latest is not None
        assert latest.seq == 1


def test_contact_data_change_updates_source_not_state_nor_credentials(store: Store) -> None:
    apply(store, family_export())
    credential = ProvisionalCredential.issue("scrypt$hash", dt.date(2026, 1, 13))
    with store.unit_of_work() as uow:
        account = uow.accounts.get("R-0990007V-A")
        uow.accounts.update(account.apply(Event.NOTIFY, NOW, credential=credential))
        uow.commit()
    notified = accounts_of(store)["R-0990007V-A"]
    new_a = responsable("A", mobile="+33699887766", email=None)
    changeset = apply(store, family_export(day=1, responsables={"A": new_a}))
    assert accounts_of(store)["R-0990007V-A"] == notified  # same state, credential, version
    with store.unit_of_work() as uow:
        assert uow.people.get_responsable(UAI, "A") == new_a
    (record,) = changeset.updated
    assert record.siecle_id == "A"
    assert record.fields == (
        FieldChange("mobile", "+33612345678", "+33699887766"),
        FieldChange("email", "parentA@exemple.fr", None),
    )
    (change,) = changeset.accounts
    assert change.kind is AccountChangeKind.DATA_CHANGED
    assert change.causes == ("mobile modifié", "courriel supprimé")
    assert change.closed == {Route.PROVISIONAL_EMAIL}


def test_student_who_leaves_is_deactivated_then_reactivated_when_back(store: Store) -> None:
    apply(store, family_export())
    left = family_export(day=1, eleves={"1": eleve("1", left=True), "2": eleve("2", left=True)})
    changeset = apply(store, left)
    accounts = accounts_of(store)
    for account_id, reason in (
        ("E-0990007V-1", REASON_STUDENT_LEFT),
        ("R-0990007V-A", REASON_NOT_LEGAL),
        ("R-0990007V-B", REASON_NOT_LEGAL),
    ):
        assert accounts[account_id].state is AccountState.DEACTIVATED
        assert accounts[account_id].deactivation_reason == reason
    assert {c.account_id for c in changeset.deactivated} == set(accounts)
    assert all(Route.PROVISIONAL_PAPER in c.closed for c in changeset.deactivated)
    back = apply(store, family_export(day=2))
    assert {c.account_id for c in back.reactivated} == set(accounts)
    assert {a.state for a in accounts_of(store).values()} == {AccountState.NOT_ACTIVATED}


def test_activated_account_comes_back_activated(store: Store) -> None:
    apply(store, family_export())
    with store.unit_of_work() as uow:
        account = uow.accounts.get("R-0990007V-A")
        uow.accounts.update(account.apply(Event.ACTIVATE, NOW, route=Route.FRANCECONNECT))
        uow.commit()
    gone = family_export(day=1, links=[legal("1", "B"), legal("2", "B")])
    apply(store, gone)
    assert accounts_of(store)["R-0990007V-A"].deactivation_reason == REASON_NOT_LEGAL
    apply(store, family_export(day=2))
    account = accounts_of(store)["R-0990007V-A"]
    assert account.state is AccountState.ACTIVATED
    assert account.route is Route.FRANCECONNECT


def test_absent_people_are_deactivated_never_deleted(store: Store) -> None:
    apply(store, family_export())
    only_2 = export([eleve("2")], [responsable("B")], [legal("2", "B")], day=1)
    changeset = apply(store, only_2)
    accounts = accounts_of(store)
    assert len(accounts) == 4
    assert accounts["E-0990007V-1"].deactivation_reason == REASON_ABSENT
    assert accounts["R-0990007V-A"].deactivation_reason == REASON_ABSENT
    assert accounts["E-0990007V-2"].state is AccountState.NOT_ACTIVATED
    with store.unit_of_work() as uow:
        assert uow.people.get_eleve(UAI, "1") == eleve("1")  # kept as last seen
        assert {(k.eleve_id, k.personne_id) for k in uow.people.links(UAI)} == {("2", "B")}
    assert {c.new for c in changeset.links} == {None}


def test_school_decision_stands(store: Store) -> None:
    apply(store, family_export())
    with store.unit_of_work() as uow:
        account = uow.accounts.get("E-0990007V-1")
        uow.accounts.update(account.apply(Event.DEACTIVATE, NOW, reason="exclusion"))
        uow.commit()
    changeset = apply(store, family_export(day=1, eleves={"1": eleve("1", division="5B")}))
    account = accounts_of(store)["E-0990007V-1"]
    assert account.state is AccountState.DEACTIVATED
    assert account.deactivation_reason == "exclusion"
    (kept,) = changeset.kept_deactivated
    assert kept.account_id == "E-0990007V-1"
    again = apply(store, family_export(day=1, eleves={"1": eleve("1", division="5B")}))
    assert again.noop
    assert again.kept_deactivated


def test_sibling_links_follow_the_export(store: Store) -> None:
    apply(store, family_export())
    links = [legal("1", "A"), legal("1", "B"), legal("2", "B"), legal("2", "C")]
    changeset = apply(store, family_export(day=1, links=links))
    with store.unit_of_work() as uow:
        assert [c.eleve.eleve_id for c in uow.people.children(UAI, "A")] == ["1"]
        assert {c.eleve.eleve_id for c in uow.people.children(UAI, "C")} == {"2"}
    accounts = accounts_of(store)
    assert accounts["R-0990007V-C"].state is AccountState.NOT_ACTIVATED  # now legal
    assert "R-0990007V-D" not in accounts  # legal parent of a student who left only
    by_id = {c.account_id: c for c in changeset.accounts}
    assert "enfant retiré" in by_id["R-0990007V-A"].causes
    assert by_id["R-0990007V-C"].kind is AccountChangeKind.CREATED
    assert {(c.eleve_id, c.personne_id, c.old, c.new) for c in changeset.links} >= {
        ("2", "A", "LEGAL", None),
        ("1", "C", "CONTACT", None),
        ("2", "C", None, "LEGAL"),
    }


def test_export_older_than_the_last_one_is_refused_unless_forced(store: Store) -> None:
    apply(store, family_export(day=1))
    before = view(store)
    with pytest.raises(ExportOutOfOrder, match="older than the last one applied"):
        apply(store, family_export(day=0, responsables={"A": responsable("A", mobile=None)}))
    assert view(store) == before
    forced = apply(
        store, family_export(day=0, responsables={"A": responsable("A", mobile=None)}), force=True
    )
    assert forced.forced
    assert not forced.noop
    with store.unit_of_work() as uow:
        latest = uow.exports.latest(UAI)
        assert latest is not None
        assert latest.forced


def test_dry_run_gives_the_same_changeset_and_writes_nothing(store: Store) -> None:
    apply(store, family_export())
    before = view(store)
    day2 = family_export(
        day=1,
        eleves={"2": eleve("2", birth_date=BirthDate(dt.date(2013, 6, 4)))},
        responsables={"B": responsable("B", mobile=None)},
    )
    dry = apply(store, day2, dry_run=True)
    assert view(store) == before
    applied = apply(store, day2)
    assert attrs.evolve(dry, dry_run=False) == applied
    assert view(store) != before


def test_route_summaries_in_plain_words(store: Store) -> None:
    without = {p: responsable(p, mobile=None) for p in "AB"}
    apply(store, family_export(responsables=without))
    changeset = apply(store, family_export(day=1))
    texts = [s.text_fr for s in changeset.summaries()]
    assert (
        "mobile ajouté : auto-inscription par SMS ouverte demain matin pour 2 responsables" in texts
    )
    assert "mobile ajouté : FranceConnect ouvert demain matin pour 2 responsables" in texts
    assert any("Comptes créés : 0" in line for line in changeset.lines_fr())


def test_birth_date_fix_reaches_the_responsables(store: Store) -> None:
    apply(store, family_export(eleves={"1": eleve("1", birth_date=None)}))
    changeset = apply(store, family_export(day=1))
    by_id = {c.account_id: c for c in changeset.accounts}
    assert by_id["R-0990007V-A"].causes == ("date de naissance d'un enfant ajoutée",)
    assert Route.SMS_SELF_REGISTRATION in by_id["R-0990007V-A"].opened
    assert by_id["E-0990007V-1"].causes == ("date de naissance ajoutée",)
    (record,) = changeset.updated
    assert record.fields == (FieldChange("birth_date", None, "04/05/2013"),)
    left = apply(store, family_export(day=2, eleves={"1": eleve("1", left=True)}))
    assert {(f.field, f.old, f.new) for f in left.updated[0].fields} == {
        ("status", "current", "left"),
        ("left_on", None, "05/01/2026"),
    }


def test_when_fr() -> None:
    paris = dt.timezone(dt.timedelta(hours=1))
    morning = dt.datetime(2026, 1, 13, 6, 0, tzinfo=paris)
    assert when_fr(morning, dt.datetime(2026, 1, 12, 22, 0, tzinfo=paris)) == "demain matin"
    assert when_fr(morning, dt.datetime(2026, 1, 13, 7, 0, tzinfo=paris)) == "dès maintenant"
    assert when_fr(morning, dt.datetime(2026, 1, 10, 7, 0, tzinfo=paris)) == (
        "le 13/01/2026 à 06:00 UTC+01:00"
    )


def test_eligibility_uses_the_data_in_effect_at_the_time_asked(store: Store) -> None:
    apply(store, family_export(responsables={"A": responsable("A", mobile=None)}))
    changeset = apply(store, family_export(day=1))
    effective = changeset.effective_from
    assert effective == dt.datetime(2026, 1, 14, 6, 0, tzinfo=effective.tzinfo)
    with store.unit_of_work() as uow:
        evening = eligibility_at(uow, "R-0990007V-A", effective - dt.timedelta(minutes=1))
        morning = eligibility_at(uow, "R-0990007V-A", effective)
    assert Route.SMS_SELF_REGISTRATION not in evening.eligible_routes
    assert Route.SMS_SELF_REGISTRATION in morning.eligible_routes


def test_account_opened_by_a_pending_export_is_not_in_effect_yet(store: Store) -> None:
    changeset = apply(store, family_export())
    with store.unit_of_work() as uow:
        with pytest.raises(NotFound, match="not in effect"):
            eligibility_at(uow, "E-0990007V-1", changeset.effective_from - DAY)
        assert eligibility_at(uow, "E-0990007V-1", changeset.effective_from).eligible_routes


def test_export_without_time_needs_one(store: Store) -> None:
    exp = attrs.evolve(family_export(), school=school(exported_at=None))
    with pytest.raises(InvalidValue, match="exported_at"):
        apply(store, exp)
    changeset = synchronise(store, exp, NOW, SyncOptions(exported_at=EXPORTED_AT))
    assert changeset.exported_at == EXPORTED_AT


def test_export_findings_for_duplicates_and_unknown_people() -> None:
    exp = export(
        [eleve("1"), eleve("1", division="4C")],
        [responsable("A")],
        [legal("1", "A"), legal("9", "A"), legal("1", "Z")],
    )
    assert exp.eleves["1"].division == "4C"
    assert [f.code for f in exp.findings] == [
        "SYNC_DUPLICATE_ELEVE",
        "SYNC_LINK_SKIPPED",
        "SYNC_LINK_SKIPPED",
    ]
    assert list(exp.links) == [("1", "A")]
    again = Export.read(exp.reader())
    assert again == exp.__class__(exp.school, exp.eleves, exp.responsables, exp.links, exp.findings)


class _FailingStore(ClosedOnExit):
    """Delegates to a store; its units of work fail when recording the export."""

    def __init__(self, inner: Store) -> None:
        self._inner = inner

    @property
    def url(self) -> str:
        return self._inner.url

    def unit_of_work(self) -> UnitOfWork:
        return _FailingUow(self._inner.unit_of_work())

    def close(self) -> None:
        self._inner.close()


class _FailingUow:
    def __init__(self, inner: UnitOfWork) -> None:
        self._inner = inner

    def __getattr__(self, name: str) -> Any:
        if name == "exports":
            return _FailingExports(self._inner.exports)
        return getattr(self._inner, name)

    def __enter__(self) -> Self:
        self._inner.__enter__()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._inner.__exit__(exc_type, exc, tb)


class _FailingExports:
    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def append(self, record: AppliedExport) -> AppliedExport:
        raise RuntimeError("disk full")


def test_all_or_nothing(store: Store) -> None:
    apply(store, family_export())
    before = view(store)
    failing = _FailingStore(store)
    day2 = family_export(day=1, eleves={"1": eleve("1", left=True)})
    with pytest.raises(RuntimeError, match="disk full"):
        synchronise(failing, day2, NOW + DAY)
    assert view(store) == before


def test_a_truncated_export_is_refused_unless_forced(store: Store) -> None:
    students = [eleve(str(i)) for i in range(60)]
    apply(store, export(students, [], []))
    before = view(store)
    truncated = export(students[:30], [], [], day=1)
    assert apply(store, truncated, dry_run=True).deactivated  # a dry run still shows it
    with pytest.raises(TooManyDeactivations, match="deactivate 30 of 60 live accounts"):
        apply(store, truncated)
    assert view(store) == before
    assert len(apply(store, truncated, force=True).deactivated) == 30
