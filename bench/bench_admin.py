"""Administration service: bulk notification cost against the password hash (issue 5).

A bulk notification hashes one provisional password per account with scrypt at
the default cost (N=2**14, r=8, p=1): that hash is meant to be slow, so it
should be the bulk of the time. This script measures, in the same run:

* ``hash``: one scrypt hash at the default cost (the floor per account),
  measured just before and just after each backend's runs (the mean);
* ``dry run``: the bulk decision over every account, nothing written;
* ``notify``: the real bulk notification (identifier, password, hash, store
  write, audit event), over the memory store and a SQLite file opened through
  the installed plugins.

Figures are ratios: time per notified account over one hash (1.0 would mean the
service adds nothing to the hash), and dry run over real run.

    python bench/bench_admin.py                # 300 élèves
    python bench/bench_admin.py --scale 0.1    # quick
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from pathlib import Path
from zoneinfo import ZoneInfo

from educonnect_adapters.system import SecretsRandom
from educonnect_core.accounts import Account
from educonnect_core.credentials import DEFAULT_SCRYPT, hash_password
from educonnect_core.people import Eleve, Profile, School
from educonnect_core.permissions import AccessContext, Actor
from educonnect_core.plugins import Plugins
from educonnect_core.service import AdministrationService, Session
from educonnect_core.storage import EligibilitySnapshot, Store
from educonnect_core.testing import FixedClock
from educonnect_core.values import Uai

ACCOUNTS_AT_1X = 300
UAI = Uai("0990007V")
LAST = ["MARTIN", "BERNARD", "DUBOIS", "THOMAS", "PETIT", "LEFÈVRE", "N'DIAYE", "NGUYEN"]
FIRST = ["Zoé", "Lucas", "Inès", "Hugo", "Léa", "Noé", "Chloé", "Adam"]


def populate(store: Store, count: int, at: dt.datetime) -> None:
    eleves = [
        Eleve.from_raw(
            eleve_id=str(10_000 + i),
            last_name=LAST[i % len(LAST)],
            first_name=FIRST[(i // len(LAST)) % len(FIRST)],
            birth_date="04/03/2011",
            division=f"3{chr(65 + i // 30)}",
        )
        for i in range(count)
    ]
    with store.unit_of_work() as uow:
        uow.people.upsert_school(School(UAI, 2025))
        uow.people.upsert_eleves(UAI, eleves)
        uow.accounts.add_many(Account.open(UAI, Profile.ELEVE, e.eleve_id, at=at) for e in eleves)
        uow.eligibility.put_many(
            EligibilitySnapshot(f"E-{UAI}-{e.eleve_id}", {}, divisions=(e.division or "",))
            for e in eleves
        )
        uow.commit()


def seconds(run: object) -> float:
    start = time.perf_counter()
    assert callable(run)
    run()
    return time.perf_counter() - start


def hash_seconds(random: SecretsRandom, hashes: int = 20) -> float:
    """Mean seconds of one scrypt hash at the default cost."""
    return seconds(lambda: [hash_password("Kx7mPq4Rtz", random) for _ in range(hashes)]) / hashes


def measure(service: AdministrationService, chef: Session) -> tuple[float, float, float]:
    """Seconds for a dry run, the real run, and a second (idempotent) run."""
    dry = seconds(lambda: service.notify_profile(chef, UAI, Profile.ELEVE, dry_run=True))
    real = seconds(lambda: service.notify_profile(chef, UAI, Profile.ELEVE))
    again = seconds(lambda: service.notify_profile(chef, UAI, Profile.ELEVE))
    return dry, real, again


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = 300 élèves")
    args = parser.parse_args()
    count = max(5, round(ACCOUNTS_AT_1X * args.scale))
    random = SecretsRandom()
    print(f"accounts: {count}; scrypt N={DEFAULT_SCRYPT.n} r={DEFAULT_SCRYPT.r}")
    clock = FixedClock(dt.datetime(2026, 1, 12, 15, 0, tzinfo=ZoneInfo("Europe/Paris")))
    chef = Session(
        Actor.chef_etablissement("ce-0001", UAI), AccessContext(administrative_network=True)
    )
    plugins = Plugins.installed()
    with tempfile.TemporaryDirectory() as tmp:
        for url in ("memory://", f"sqlite:///{Path(tmp) / 'bench.db'}"):
            scheme = url.split(":", 1)[0]
            if scheme not in plugins.store_schemes():
                print(f"{scheme}: no plugin installed, skipped")
                continue
            store = plugins.open_store(url)
            populate(store, count, clock.now())
            before = hash_seconds(random)
            dry, real, again = measure(AdministrationService(store, clock, random), chef)
            hash_s = (before + hash_seconds(random)) / 2  # the machine's load varies
            store.close()
            per = real / count
            print(
                f"{scheme}: one hash {hash_s * 1000:.1f} ms; notify {real:.2f} s "
                f"({per * 1000:.1f} ms/account, "
                f"{per / hash_s:.2f}x one hash); dry run {dry / real:.3f}x the run; "
                f"second (idempotent) run {again / real:.3f}x the run"
            )


if __name__ == "__main__":
    main()
