"""Reconciliation: where accounts disagree with the export (read only)."""

from __future__ import annotations

import datetime as dt

import attrs

from educonnect_core.people import Profile
from educonnect_core.reconciliation import DiscrepancyCode, reconcile
from educonnect_core.routes import Route
from educonnect_core.states import Event
from educonnect_core.storage import Store
from educonnect_core.sync import synchronise
from educonnect_core.values import EmailAddress, Invalid

from .world import EXPORTED_AT, accounts_of, eleve, export, legal, responsable, view

NOW = EXPORTED_AT + dt.timedelta(hours=1)
C = DiscrepancyCode


def _activate(store: Store, account_id: str, email: str | None = None) -> None:
    with store.unit_of_work() as uow:
        account = uow.accounts.get(account_id).apply(
            Event.ACTIVATE, NOW, route=Route.SMS_SELF_REGISTRATION
        )
        if email is not None:
            account = attrs.evolve(account, email=EmailAddress(email))
        uow.accounts.update(account)
        uow.commit()


def test_emails_typed_at_first_login(store: Store) -> None:
    day0 = export(
        [eleve("1")],
        [
            responsable("A", email=None),
            responsable("B", email=Invalid("b@", "INVALID_EMAIL", "no domain")),
            responsable("C"),
            responsable("D"),
        ],
        [legal("1", p) for p in "ABCD"],
    )
    synchronise(store, day0, NOW)
    _activate(store, "R-0990007V-A", "a@exemple.fr")
    _activate(store, "R-0990007V-B", "b@exemple.fr")
    _activate(store, "R-0990007V-C", "autre@exemple.fr")
    _activate(store, "R-0990007V-D", "PARENTD@exemple.fr")  # same address, other case
    before = view(store)
    report = reconcile(store, day0)
    assert view(store) == before
    assert [(d.code, d.siecle_id, d.account_value, d.source_value) for d in report.items] == [
        (C.EMAIL_DIFFERS, "C", "autre@exemple.fr", "parentC@exemple.fr"),
        (C.EMAIL_INVALID_IN_SOURCE, "B", "b@exemple.fr", "b@"),
        (C.EMAIL_NOT_IN_SOURCE, "A", "a@exemple.fr", None),
    ]
    assert "absent de SIECLE" in report.items[2].advice_fr
    assert report.by_code() == {
        C.EMAIL_DIFFERS: 1,
        C.EMAIL_INVALID_IN_SOURCE: 1,
        C.EMAIL_NOT_IN_SOURCE: 1,
    }


def test_accounts_ahead_of_or_behind_the_export(store: Store) -> None:
    day0 = export(
        [eleve("1"), eleve("2")],
        [responsable("A"), responsable("B")],
        [legal("1", "A"), legal("2", "B")],
    )
    synchronise(store, day0, NOW)
    with store.unit_of_work() as uow:
        account = uow.accounts.get("E-0990007V-2")
        uow.accounts.update(account.apply(Event.DEACTIVATE, NOW, reason="exclusion"))
        uow.commit()
    day1 = export(
        [eleve("1", left=True), eleve("2"), eleve("3")],
        [responsable("B"), responsable("E")],
        [legal("2", "B"), legal("3", "E")],
        day=1,
    )
    report = reconcile(store, day1)
    found = {(d.code, d.account_id) for d in report.items}
    assert found == {
        (C.ACCOUNT_NOT_WANTED, "E-0990007V-1"),
        (C.ACCOUNT_WITHOUT_SOURCE, "R-0990007V-A"),
        (C.DEACTIVATED_BUT_IN_SOURCE, "E-0990007V-2"),
        (C.MISSING_ACCOUNT, "E-0990007V-3"),
        (C.MISSING_ACCOUNT, "R-0990007V-E"),
    }
    assert "exclusion" in report.of(C.DEACTIVATED_BUT_IN_SOURCE)[0].advice_fr
    synchronise(store, day1, NOW + dt.timedelta(days=1))
    after = reconcile(store, day1)
    assert {(d.code, d.account_id) for d in after.items} == {
        (C.DEACTIVATED_BUT_IN_SOURCE, "E-0990007V-2")  # the school's decision stands
    }
    assert accounts_of(store)["E-0990007V-3"].profile is Profile.ELEVE
    assert reconcile(store, day1).lines_fr()[0].startswith("0990007V : 1 écart")
