"""Handing what the administration service issued to a channel: the delivery use case.

:func:`deliver_issued` turns each :class:`~.credentials.IssuedCredential` into the
:class:`~.channels.Notification` a channel prints or sends (the school's name and
profile, a responsable's current legal children with their classes, the local
date), delivers the batch and records every delivery, in one unit of work. Every
caller (the command line, the web module, an integrator) goes through it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from .channels import BatchResult, Channel, Notification, NotifiedChild, deliver_batch
from .credentials import IssuedCredential
from .errors import NotFound
from .people import Profile, StudentStatus
from .ports import Clock
from .school_profile import SchoolProfile
from .service import parse_account_id
from .storage import Store, UnitOfWork
from .values import Uai

__all__ = ["deliver_issued"]


def deliver_issued(
    store: Store,
    channel: Channel,
    issued: Sequence[IssuedCredential],
    *,
    clock: Clock,
    timezone: str = "Europe/Paris",
    school: SchoolProfile | None = None,
) -> BatchResult:
    """Deliver ``issued`` through ``channel`` and record each delivery."""
    today = clock.now().astimezone(ZoneInfo(timezone)).date()
    with store.unit_of_work() as uow:
        batch = [_notification(uow, item, today, school) for item in issued]
        result = deliver_batch(channel, batch, clock=clock, log=uow.deliveries)
        uow.commit()
    return result


def _notification(
    uow: UnitOfWork, issued: IssuedCredential, today: dt.date, school: SchoolProfile | None
) -> Notification:
    uai = Uai.parse(str(issued.uai))
    try:
        school_name = uow.people.get_school(uai).name
    except NotFound:  # the name is only a nicety on the letter
        school_name = None
    children = None
    if issued.profile is Profile.RESPONSABLE:
        _, _, personne_id = parse_account_id(issued.account_id)
        kids = [
            c.eleve
            for c in uow.people.children(uai, personne_id)
            if c.link.legal and c.eleve.status is StudentStatus.CURRENT
        ]
        kids.sort(key=lambda e: (e.name.folded(), e.eleve_id))
        children = [NotifiedChild(e.name, e.division) for e in kids]
    return Notification.from_issued(
        issued, on=today, children=children, school_name=school_name, school=school
    )
