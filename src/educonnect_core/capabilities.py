"""Rich store operations built on the few a store must offer (the model: fsspec).

A store may offer a faster way (:class:`~educonnect_core.storage.HasStatuses`,
:class:`~educonnect_core.storage.HasStoredForms`,
:class:`~educonnect_core.storage.HasUpdateMany`); without it the library reads
the required operations and gets the same answer. The contract suite tests the
fast ways only where a store offers them, against these fallbacks.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from .accounts import Account
from .serialization import dumps
from .storage import (
    AccountRepository,
    AccountStatus,
    HasStatuses,
    HasStoredForms,
    HasUpdateMany,
    PeopleRepository,
    StoredForms,
)
from .values import Uai

__all__ = ["statuses_of", "stored_forms_of", "update_all"]


def statuses_of(accounts: AccountRepository, uai: Uai) -> Iterator[AccountStatus]:
    """The status of every account of a school (the fast way when offered)."""
    if isinstance(accounts, HasStatuses):
        return accounts.statuses(uai)
    return (
        AccountStatus(a.account_id, a.profile, a.siecle_id, a.state, a.deactivation_reason)
        for a in accounts.of_school(uai)
    )


def stored_forms_of(people: PeopleRepository, uai: Uai) -> StoredForms:
    """The school's records as stored text (the fast way when offered)."""
    if isinstance(people, HasStoredForms):
        return people.stored_forms(uai)
    return StoredForms(
        eleves={e.eleve_id: dumps(e) for e in people.eleves(uai)},
        responsables={r.personne_id: dumps(r) for r in people.responsables(uai)},
        links={
            (k.eleve_id, k.personne_id): (k.level.value, k.code_parente) for k in people.links(uai)
        },
    )


def update_all(accounts: AccountRepository, changed: Sequence[Account]) -> list[Account]:
    """Save every changed account (the batched way when offered)."""
    if isinstance(accounts, HasUpdateMany):
        return accounts.update_many(changed)
    return [accounts.update(account) for account in changed]
