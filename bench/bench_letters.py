"""Paper letters: pages per second and peak memory for a large lycée (issue 7).

Renders one letter per account for 2,000 accounts at ``--scale 1`` (1,200
élèves in 40 classes and 800 responsables), through the ``paper`` channel as
installed (``Plugins.installed().open_channel("paper", ...)``). Each
measurement runs in its own subprocess, so its peak RSS is its own:

* ``bare``: the naive fpdf2 letter: one page of fixed text per account set with
  ``multi_cell``, same font, one document per class — what the channel is
  measured against;
* ``channel``: the paper channel at full size, one PDF per class (the default);
* ``batch``: the paper channel with ``split=batch`` (one PDF, a bookmark per class);
* ``small``: the paper channel at a tenth of the size, for memory growth.

Figures are ratios measured in the same run: channel time over bare time, and
peak memory at full size over a tenth of it (letters are written class by
class, so memory should not grow with the batch).

    python bench/bench_letters.py                # 2,000 accounts
    python bench/bench_letters.py --scale 0.1    # quick
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ACCOUNTS_AT_1X = 2_000
CLASS_SIZE = 30

LAST = [
    "MARTIN",
    "BERNARD",
    "DUBOIS",
    "THOMAS",
    "ROBERT",
    "RICHARD",
    "PETIT",
    "DURAND",
    "LEFÈVRE",
    "MOREAU",
    "GARNIER",
    "FAURE",
    "NGUYEN",
    "DA SILVA",
    "BENOÎT",
    "CHÂTEAU",
]
FIRST = [
    "Zoé",
    "Léa",
    "Chloé",
    "Inès",
    "Noémie",
    "Hugo",
    "Théo",
    "Raphaël",
    "Jérôme",
    "Gaëlle",
    "Anaïs",
    "Loïc",
    "François",
    "Maëlys",
    "Célia",
    "Bérénice",
]


def notifications(accounts: int) -> list[object]:
    """Invented élèves (60 %) in classes of 30 and their responsables (40 %)."""
    from educonnect_core.channels import Notification, NotifiedChild
    from educonnect_core.people import Profile
    from educonnect_core.values import PersonName, Uai

    rng = random.Random(7)
    uai = Uai.parse("0990007V")
    day = dt.date(2026, 1, 12)
    alphabet = "ABCDEFGHJKMNPQRSTUVWXYZabcdefghjkmnpqrstuvwxyz23456789"
    eleves = accounts * 3 // 5
    out: list[object] = []
    kids: list[NotifiedChild] = []
    for n in range(eleves):
        name = PersonName(rng.choice(LAST), rng.choice(FIRST))
        division = f"{2 + n // (CLASS_SIZE * 10)}{'ABCDEFGHIJ'[(n // CLASS_SIZE) % 10]}"
        kids.append(NotifiedChild(name, division))
        out.append(
            Notification.credentials(
                account_id=f"E-{uai}-{n}",
                profile=Profile.ELEVE,
                uai=uai,
                identifier=f"{name.first[0].lower()}.eleve{n}",
                password="".join(rng.choice(alphabet) for _ in range(10)),
                document_date=day,
                recipient=name,
                division=division,
                school_name="Lycée des Tilleuls",
            )
        )
    for n in range(accounts - eleves):
        child = kids[(n * 3) % len(kids)]
        children = [child] if n % 3 else [child, kids[(n * 7 + 1) % len(kids)]]
        out.append(
            Notification.credentials(
                account_id=f"R-{uai}-{n}",
                profile=Profile.RESPONSABLE,
                uai=uai,
                identifier=f"r.resp{n}",
                password="".join(rng.choice(alphabet) for _ in range(10)),
                document_date=day,
                recipient=PersonName(child.name.last, rng.choice(FIRST)),
                civilite=rng.choice(["M.", "MME"]),
                children=children,
                school_name="Lycée des Tilleuls",
            )
        )
    return out


def run_bare(accounts: int, folder: Path) -> int:
    from fpdf import FPDF

    from educonnect_adapters.paper.settings import PaperSettings

    settings = PaperSettings.from_mapping({"output_dir": str(folder)})
    pages = 0
    for start in range(0, accounts, CLASS_SIZE):
        pdf = FPDF()
        if settings.font is not None:
            pdf.add_font("f", "", str(settings.font))
            pdf.set_font("f", "", 11)
        else:
            pdf.set_font("helvetica", "", 11)
        for n in range(start, min(start + CLASS_SIZE, accounts)):
            pdf.add_page()
            pdf.multi_cell(
                0,
                6,
                f"Identifiant : eleve{n}\nMot de passe provisoire : X7kP9mQ2rT\n"
                + "Texte de la lettre, assez long pour tenir plusieurs lignes. " * 12,
            )
            pages += 1
        pdf.output(str(folder / f"bare-{start}.pdf"))
    return pages


def run_channel(accounts: int, folder: Path, split: str = "class") -> int:
    from educonnect_core.plugins import Plugins

    batch = notifications(accounts)
    settings = {"output_dir": str(folder), "split": split}
    channel = Plugins.installed().open_channel("paper", settings)
    reports = channel.deliver(batch)  # type: ignore[arg-type]
    failed = [r for r in reports if not r.delivered]
    if failed:
        raise SystemExit(f"{len(failed)} letters failed, first: {failed[0].reason}")
    return len(reports)


def child(mode: str, accounts: int) -> None:
    """Run one measurement and print it as JSON (peak RSS of this process)."""
    import fpdf  # noqa: F401

    import educonnect_core.channels  # noqa: F401 - imports are not part of the work

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        if mode == "bare":
            pages = run_bare(accounts, Path(tmp))
        else:
            pages = run_channel(accounts, Path(tmp), "batch" if mode == "batch" else "class")
        seconds = time.perf_counter() - start
        size = sum(p.stat().st_size for p in Path(tmp).glob("*.pdf"))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "pages": pages,
                "seconds": seconds,
                "peak_kb": peak,
                "work_kb": peak - before,
                "bytes": size,
            }
        )
    )


def measure(mode: str, accounts: int) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, __file__, "--child", mode, "--accounts", str(accounts)],
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1 = 2,000 accounts")
    parser.add_argument("--child", choices=["bare", "channel", "batch"], help=argparse.SUPPRESS)
    parser.add_argument("--accounts", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.accounts)
        return
    accounts = max(10, round(ACCOUNTS_AT_1X * args.scale))
    small = max(10, accounts // 10)
    bare = measure("bare", accounts)
    full = measure("channel", accounts)
    single = measure("batch", accounts)
    tenth = measure("channel", small)
    rate = full["pages"] / full["seconds"]
    print(f"accounts: {accounts} (tenth: {small})")
    print(
        f"paper channel : {full['pages']:.0f} pages in {full['seconds']:.2f} s "
        f"= {rate:.0f} pages/s, {full['bytes'] / full['pages'] / 1024:.1f} KiB/page"
    )
    print(f"split=batch   : {single['pages'] / single['seconds']:.0f} pages/s")
    print(f"bare fpdf2    : {bare['pages'] / bare['seconds']:.0f} pages/s")
    print(f"time ratio channel / bare fpdf2 : {full['seconds'] / bare['seconds']:.2f}")
    print(f"time ratio split=batch / split=class : {single['seconds'] / full['seconds']:.2f}")
    print(
        f"peak RSS channel: {full['peak_kb'] / 1024:.0f} MiB "
        f"(work {full['work_kb'] / 1024:.0f} MiB); at a tenth: {tenth['peak_kb'] / 1024:.0f} MiB "
        f"(work {tenth['work_kb'] / 1024:.0f} MiB)"
    )
    print(f"peak RSS ratio full / tenth : {full['peak_kb'] / tenth['peak_kb']:.2f}")


if __name__ == "__main__":
    main()
