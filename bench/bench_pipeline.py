"""The one pipeline from the command line: ``check --json`` and ``import`` at académie size.

Generates the synthetic SIECLE export of ``bench_siecle`` (at ``--scale 1``:
about 108,000 students and 180,000 responsables) and runs, each in its own
subprocess (peak memory is the child's own ``VmHWM``; times are its CPU time):

* ``read``: every stream of the reader, nothing kept (the floor);
* ``check``: ``educonnect check --json FILES`` written to ``/dev/null``;
* ``import``: ``educonnect import FILES`` into a new SQLite file.

Targets (issue 13): ``check`` no longer holds the JSON document (it peaked at
1.3 GB at 1×); the import path stays within the memory of the sync.

    python bench/bench_pipeline.py --scale 0.1     # quick
    python bench/bench_pipeline.py                 # 1× (minutes)
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FAMILIES_AT_1X = 90_000
FILES = ("ElevesSansAdresses.xml", "ResponsablesAvecAdresses.xml")


def peak_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def child(mode: str, folder: Path) -> None:
    from educonnect_adapters.cli.main import main
    from educonnect_core.plugins import Plugins

    paths = [str(folder / name) for name in FILES]
    cpu = time.process_time()
    if mode == "read":
        reader = Plugins.installed().open_source([Path(p) for p in paths])
        for stream in (reader.eleves(), reader.responsables(), reader.links()):
            for _ in stream:
                pass
    elif mode == "check":
        with open(os.devnull, "w", encoding="utf-8") as sink, contextlib.redirect_stdout(sink):
            assert main(["check", "--json", *paths]) == 0
    else:
        store = f"sqlite:///{folder / 'bench.db'}"
        with open(os.devnull, "w", encoding="utf-8") as sink, contextlib.redirect_stdout(sink):
            assert main(["import", "--no-progress", "--store", store, *paths]) == 0
    print(json.dumps({"seconds": time.process_time() - cpu, "peak_mb": peak_mb()}))


def measure(mode: str, folder: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", mode, "--dir", str(folder)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    result: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1 = 90,000 families")
    parser.add_argument("--child", choices=("read", "check", "import"), help=argparse.SUPPRESS)
    parser.add_argument("--dir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.dir)
        return 0
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from bench.bench_siecle import generate

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        families = max(50, int(FAMILIES_AT_1X * args.scale))
        generate(folder, families)
        print(f"{families:,} families (scale {args.scale})")
        results = {mode: measure(mode, folder) for mode in ("read", "check", "import")}
    floor = results["read"]["seconds"]
    for mode, r in results.items():
        print(
            f"  {mode:<7} {r['seconds']:8.1f} s CPU ({r['seconds'] / floor:4.2f}× the read), "
            f"peak {r['peak_mb']:6.0f} MB"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
