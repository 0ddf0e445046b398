"""The delivery use case: what the service issued becomes notifications with the
school's profile and a responsable's children, delivered and recorded."""

from __future__ import annotations

from collections.abc import Sequence

from educonnect_core.channels import DeliveryReport, Medium, Notification
from educonnect_core.notifying import deliver_issued
from educonnect_core.school_profile import SchoolProfile
from educonnect_core.service import Session

from .admin_world import CLAIRE, World


class Recorder:
    name = "recorder"
    medium = Medium.PAPER

    def __init__(self) -> None:
        self.batch: list[Notification] = []

    def deliver(self, batch: Sequence[Notification]) -> list[DeliveryReport]:
        self.batch = list(batch)
        return [DeliveryReport.ok(n.account_id) for n in batch]


def test_a_responsables_letter_names_the_school_and_the_children(
    world: World, chef: Session
) -> None:
    issued = world.service.notify(chef, CLAIRE).notification
    assert issued is not None
    channel = Recorder()
    profile = SchoolProfile("Collège Inventé", ["1 rue X"], "secrétariat")
    result = deliver_issued(world.store, channel, [issued], clock=world.clock, school=profile)
    assert result.complete
    (letter,) = channel.batch
    assert letter.school_name == "Collège Inventé"
    assert letter.help_contact == "secrétariat"
    assert sorted(c.division or "" for c in letter.children) == ["3A", "6C"]
    with world.store.unit_of_work() as uow:
        assert uow.deliveries.latest(CLAIRE) is not None
