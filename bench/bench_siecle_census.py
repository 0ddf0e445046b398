"""The cost of counting unknown elements (``UNKNOWN_ELEMENT``) in a SIECLE read.

One run, one process: the same synthetic export read with the census off (no
layout given to the XML stream) and on, alternately, three times each; the best
CPU time of each is compared. Target: the census costs under 2 % of the read.

    python -m bench.bench_siecle_census                  # 20,000 families
    python -m bench.bench_siecle_census --families 2000  # quick
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from bench.bench_siecle import generate
from educonnect_adapters.siecle import open_siecle
from educonnect_adapters.siecle import reader as siecle_reader
from educonnect_core.sources import ReadOptions


def read_all(files: list[Path]) -> float:
    start = time.process_time()
    opened = open_siecle(files, ReadOptions())
    assert opened is not None
    with opened as reader:
        for stream in (reader.eleves(), reader.responsables(), reader.links()):
            for _ in stream:
                pass
        list(reader.findings)
    return time.process_time() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--families", type=int, default=20_000)
    args = parser.parse_args()
    layouts = dict(siecle_reader.LAYOUTS)
    with tempfile.TemporaryDirectory() as folder:
        files = list(generate(Path(folder), args.families))
        times: dict[bool, list[float]] = {False: [], True: []}
        for _ in range(3):
            for census in (False, True):
                siecle_reader.LAYOUTS.clear()
                if census:
                    siecle_reader.LAYOUTS.update(layouts)
                times[census].append(read_all(files))
        siecle_reader.LAYOUTS.update(layouts)
    off, on = min(times[False]), min(times[True])
    print(f"census off {off:.2f} s, on {on:.2f} s: on/off = {on / off:.3f} (target < 1.02)")


if __name__ == "__main__":
    main()
