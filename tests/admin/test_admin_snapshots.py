"""Actions keep the stored eligibility snapshot in step with the account."""

from __future__ import annotations

from educonnect_core.blockers import BlockerCode
from educonnect_core.routes import Route
from educonnect_core.service import Session
from educonnect_core.storage import AccountQuery

from .admin_world import UAI, ZOE, World


def _blocked_by(world: World, code: BlockerCode) -> set[str]:
    with world.store.unit_of_work() as uow:
        page = uow.accounts.query(AccountQuery(uai=UAI, blocker=code, limit=None))
        return {a.account_id for a in page.items}


def test_deactivation_is_seen_by_queries_and_statistics(world: World, chef: Session) -> None:
    assert ZOE not in _blocked_by(world, BlockerCode.ACCOUNT_DEACTIVATED)
    world.service.deactivate(chef, ZOE, reason="left")
    assert ZOE in _blocked_by(world, BlockerCode.ACCOUNT_DEACTIVATED)
    with world.store.unit_of_work() as uow:
        stats = uow.accounts.statistics(UAI)
    assert stats.blocked_by_code[BlockerCode.ACCOUNT_DEACTIVATED] >= 1
    world.service.reactivate(chef, ZOE)
    assert ZOE not in _blocked_by(world, BlockerCode.ACCOUNT_DEACTIVATED)


def test_notify_refreshes_the_snapshot(world: World, chef: Session) -> None:
    world.service.notify(chef, ZOE)
    with world.store.unit_of_work() as uow:
        snapshot = uow.eligibility.get(ZOE)
    assert snapshot is not None
    assert Route.PROVISIONAL_PAPER in snapshot.eligible_routes
    assert snapshot.divisions == ("3A",)
