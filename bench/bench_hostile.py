"""Hostile SIECLE inputs: time and peak memory of the worst files, and a fuzz campaign.

Each hostile file is read in its own subprocess as ``educonnect check`` reads
an export (``open_export`` over the SIECLE plugin, every stream, ``close``),
with a valid responsables file beside it:

* ``siblings.zip``: untagged ``<X/>`` siblings after the records (a zip bomb);
* ``siblings-padded.zip``: the same, as many as the expansion bound lets
  through, the zip filled up with a comment of random text (so for each
  ``-padded`` or ``.zip`` case below);
* ``siblings-in-record.zip``: the same inside one ``ELEVE`` (the record bound);
* ``namespaced-root.zip``: siblings under a root in a namespace (never matched);
* ``empty-records.zip``, ``duplicate-records.zip``: millions of ``<ELEVE/>``, or
  of one student; ``empty-links.zip``, ``duplicate-links.zip``: the same with
  ``RESPONSABLE_ELEVE`` (the responsables file);
* ``long-line.xml`` (48 MB) and ``long-line.zip``: one line of blanks, then an
  error; ``long-line-of-tags.xml``: one line of 48 MB of ``<A/>``, then an error;
* ``deep-nesting.zip``: ``<N>`` opened without end;
* ``huge-attribute.xml`` (24 MB) and ``many-attributes.zip``.

Every ``.zip`` is filled up to about 1 MB compressed (``--zip-mb``). Reported:
outcome (read, or the start of the clean error), CPU and wall seconds, the
child's own peak RSS (``VmHWM``). Target (issue 15): no input of ≤ 1 MB zipped
over 300 MB peak memory or 10 s.

``--fuzz N`` runs N inputs mutated by :mod:`educonnect_adapters.siecle.mutants`
(seeded, plain and zipped, either file of the export) and prints how many were
read, refused with a clean error, or crashed (with the seed of each crash).

    python bench/bench_hostile.py                  # the hostile files
    python bench/bench_hostile.py --fuzz 5000      # and a fuzz campaign
    python bench/bench_hostile.py --zip-mb 0 --fuzz 5000   # the campaign alone
    python bench/bench_hostile.py --only long-line.xml --zip-mb 0.1
"""

from __future__ import annotations

import argparse
import base64
import collections
import datetime as dt
import importlib
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
import traceback
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path

AT = dt.datetime(2026, 1, 12, 9, 0, tzinfo=dt.UTC)
MEMBER = "export.xml"
PARAMS = (
    "<PARAMETRES><UAJ>0990007V</UAJ><ANNEE_SCOLAIRE>2025</ANNEE_SCOLAIRE>"
    "<DATE_EXPORT>12/01/2026</DATE_EXPORT></PARAMETRES>"
)
ELEVE = (
    '<ELEVE ELEVE_ID="1"><NOM_DE_FAMILLE>MARTIN</NOM_DE_FAMILLE><PRENOM>Zoé</PRENOM>'
    "<DATE_NAISS>14/03/2011</DATE_NAISS><CODE_MEF>10310019110</CODE_MEF></ELEVE>"
)
HEAD = f'<?xml version="1.0" encoding="ISO-8859-15"?>\n<BEE_ELEVES VERSION="3.0">{PARAMS}'
BLOCK = 1 << 20


RESP_HEAD = (
    '<?xml version="1.0" encoding="ISO-8859-15"?>\n<BEE_RESPONSABLES VERSION="2.1">'
    f"{PARAMS}<DONNEES>"
)
PERSONNES = (
    '<PERSONNES><PERSONNE PERSONNE_ID="10"><NOM_DE_FAMILLE>MARTIN</NOM_DE_FAMILLE>'
    "<PRENOM>Claire</PRENOM></PERSONNE></PERSONNES>"
)
LINK = (
    "<RESPONSABLE_ELEVE><ELEVE_ID>1</ELEVE_ID><PERSONNE_ID>10</PERSONNE_ID>"
    "<NIVEAU_RESPONSABILITE>1</NIVEAU_RESPONSABILITE></RESPONSABLE_ELEVE>"
)
RESP_END = "</RESPONSABLES></DONNEES></BEE_RESPONSABLES>\n"
RECORDS = f"<DONNEES><ELEVES>{ELEVE}"
END = "</ELEVES></DONNEES></BEE_ELEVES>\n"


def valid_files(folder: Path) -> dict[str, Path]:
    """The valid companion of each hostile file: students, responsables."""
    eleves, resp = folder / "Eleves.xml", folder / "Responsables.xml"
    eleves.write_text(HEAD + RECORDS + END, encoding="iso-8859-15")
    resp.write_text(
        RESP_HEAD + PERSONNES + "<RESPONSABLES>" + LINK + RESP_END, encoding="iso-8859-15"
    )
    return {"eleves": eleves, "responsables": resp}


def fill_zip(
    path: Path, before: str, unit: bytes, after: str, zip_mb: float, *, padded: bool = True
) -> None:
    """``before`` + ``unit`` repeated + ``after``, in a zip of about ``zip_mb`` MB.

    ``padded``: as many units as the expansion bound lets through (``MAX_RATIO`` ×
    the zip's size), then a comment of random text fills the zip up to its size;
    otherwise units until the zip alone reaches its size (a plain zip bomb).
    """
    from educonnect_adapters.siecle.inputs import MAX_RATIO

    target = zip_mb * 1e6 * 0.98
    raw_target = MAX_RATIO * zip_mb * 1e6 * 0.96 if padded else 1900 * BLOCK
    rng = random.Random(0)
    with (
        path.open("wb") as raw,
        zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open(MEMBER, "w", force_zip64=True) as out,
    ):
        out.write(before.encode("iso-8859-15"))
        block = unit * max(1, BLOCK // len(unit))
        written = 0
        while raw.tell() < target and written < raw_target:
            out.write(block)
            written += len(block)
        if padded:
            out.write(b"<!--")
            while raw.tell() < target:
                out.write(base64.b64encode(rng.randbytes(12_000)) + b">")
            out.write(b"-->")
        out.write(after.encode("iso-8859-15"))


def fill_plain(path: Path, before: str, unit: bytes, size: int, after: str) -> None:
    with path.open("wb") as out:
        out.write(before.encode("iso-8859-15"))
        block = unit * max(1, BLOCK // len(unit))
        for _ in range(size // len(block)):
            out.write(block)
        out.write(after.encode("iso-8859-15"))


def many_attributes(path: Path, zip_mb: float) -> None:
    with (
        path.open("wb") as raw,
        zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open(MEMBER, "w", force_zip64=True) as out,
    ):
        out.write(f"{HEAD}{RECORDS}<ELEVE ELEVE_ID='2'".encode())
        number = 0
        while raw.tell() < zip_mb * 1e6 * 0.98:
            out.write(b"".join(b' a%d=""' % (number + i) for i in range(10_000)))
            number += 10_000
        out.write(b"/>" + END.encode())


Case = tuple[str, Callable[[Path], None]]  # the role of the hostile file, its maker


def cases(zip_mb: float) -> dict[str, Case]:
    return {
        "siblings.zip": (
            "eleves",
            lambda p: fill_zip(p, HEAD + RECORDS, b"<X/>", END, zip_mb, padded=False),
        ),
        "siblings-padded.zip": (
            "eleves",
            lambda p: fill_zip(p, HEAD + RECORDS, b"<X/>", END, zip_mb),
        ),
        "siblings-in-record.zip": (
            "eleves",
            lambda p: fill_zip(
                p, HEAD + RECORDS + '<ELEVE ELEVE_ID="2">', b"<X/>", "</ELEVE>" + END, zip_mb
            ),
        ),
        "namespaced-root.zip": (
            "eleves",
            lambda p: fill_zip(
                p, HEAD.replace("<BEE_ELEVES ", '<BEE_ELEVES xmlns="urn:x" '), b"<X/>", "", zip_mb
            ),
        ),
        "empty-records.zip": (
            "eleves",
            lambda p: fill_zip(p, HEAD + RECORDS, b"<ELEVE/>", END, zip_mb),
        ),
        "duplicate-records.zip": (
            "eleves",
            lambda p: fill_zip(p, HEAD + RECORDS, ELEVE.encode(), END, zip_mb),
        ),
        "empty-links.zip": (
            "responsables",
            lambda p: fill_zip(
                p,
                RESP_HEAD + PERSONNES + "<RESPONSABLES>",
                b"<RESPONSABLE_ELEVE/>",
                RESP_END,
                zip_mb,
            ),
        ),
        "duplicate-links.zip": (
            "responsables",
            lambda p: fill_zip(
                p, RESP_HEAD + PERSONNES + "<RESPONSABLES>", LINK.encode(), RESP_END, zip_mb
            ),
        ),
        "long-line.xml": (
            "eleves",
            lambda p: fill_plain(p, HEAD + RECORDS, b" ", 48 * BLOCK, "<"),
        ),
        "long-line.zip": ("eleves", lambda p: fill_zip(p, HEAD + RECORDS, b" ", "<", zip_mb)),
        "long-line-of-tags.xml": (
            "eleves",
            lambda p: fill_plain(p, HEAD + RECORDS, b"<A/>", 48 * BLOCK, "<NOM></X>"),
        ),
        "deep-nesting.zip": ("eleves", lambda p: fill_zip(p, HEAD + RECORDS, b"<N>", "", zip_mb)),
        "huge-attribute.xml": (
            "eleves",
            lambda p: fill_plain(
                p, HEAD + RECORDS + '<ELEVE ELEVE_ID="2" A="', b"x", 24 * BLOCK, '"/>' + END
            ),
        ),
        "many-attributes.zip": ("eleves", lambda p: many_attributes(p, zip_mb)),
    }


# ---------------------------------------------------------------------- reading


def read_like_the_cli(paths: Sequence[Path]) -> str:
    """``read``, or the clean error's message; any other exception escapes.

    The same as ``tests/siecle/test_fuzz.py``: what ``educonnect check`` runs.
    """
    from educonnect_adapters.cli.exports import open_export
    from educonnect_adapters.siecle import plugin
    from educonnect_core.errors import PluginError, SourceError
    from educonnect_core.plugins import Plugins

    plugins = Plugins()
    plugins.register(plugin, "siecle")
    try:
        reader = open_export(plugins, paths, None, AT)
    except (SourceError, PluginError) as exc:
        return f"refused: {exc}"
    try:
        for stream in (reader.eleves, reader.responsables, reader.links):
            for _ in stream():
                pass
    finally:
        reader.close()
    return "read"


def peak_rss_mb() -> float:
    """The process's own peak RSS (``VmHWM``; ``ru_maxrss`` survives ``fork``)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(paths: list[Path]) -> None:
    start, cpu = time.perf_counter(), time.process_time()
    outcome = read_like_the_cli(paths)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - start
    print(json.dumps({"outcome": outcome, "cpu": cpu, "wall": wall, "peak_mb": peak_rss_mb()}))


def measure(paths: list[Path]) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, __file__, "--child", *map(str, paths)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        return {"outcome": "CRASH " + done.stderr.strip().splitlines()[-1], "cpu": 0.0}
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def hostile(folder: Path, zip_mb: float, only: set[str]) -> bool:
    valid = valid_files(folder)
    ok = True
    print(f"{'input':<24} {'size':>9} {'raw':>9} {'CPU s':>6} {'wall s':>6} {'peak':>7}  outcome")
    for name, (role, make) in cases(zip_mb).items():
        if only and name not in only:
            continue
        path = folder / name
        make(path)
        paths = [path if role == key else valid[key] for key in ("eleves", "responsables")]
        size = path.stat().st_size
        raw = size
        if name.endswith(".zip"):
            with zipfile.ZipFile(path) as archive:
                raw = archive.infolist()[0].file_size
        result = measure(paths)
        outcome = str(result["outcome"]).replace(str(path), name)
        cpu, wall, peak = (float(result.get(k, 0.0)) for k in ("cpu", "wall", "peak_mb"))  # type: ignore[arg-type]
        over = wall > 10 or peak > 300 or outcome.startswith("CRASH")
        ok = ok and not over
        print(
            f"{name:<24} {size / 1e6:>7.2f}MB {raw / 1e6:>7.0f}MB {cpu:>6.2f} {wall:>6.2f} "
            f"{peak:>5.0f}MB  {'OVER ' if over else ''}{outcome[:90]}",
            flush=True,
        )
        path.unlink()
    return ok


# ---------------------------------------------------------------------- fuzzing


def fuzz(folder: Path, count: int, seed: int) -> bool:
    from educonnect_adapters.siecle.mutants import mutate, zipped

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    builders = importlib.import_module("tests.siecle.conftest")  # the test builders

    bases = {
        encoding: [
            text.encode(encoding)
            for text in (
                *builders.simple_export(encoding=encoding),
                builders.structures_xml("3A", "6 B", encoding=encoding),
            )
        ]
        for encoding in ("ISO-8859-15", "UTF-8")
    }
    names = ["ElevesSansAdresses", "ResponsablesAvecAdresses", "Structures"]
    counts: collections.Counter[str] = collections.Counter()
    crashes: list[str] = []
    slowest = (0.0, -1)
    start = time.perf_counter()
    for number in range(seed, seed + count):
        rng = random.Random(number)
        encoding = rng.choice(sorted(bases))
        which, zip_it = rng.randrange(3), rng.random() < 0.5
        files = list(bases[encoding])
        files[which] = mutate(files[which], rng)
        if zip_it:
            files[which] = zipped(files[which], rng, member=names[which] + ".xml")
        paths = []
        for index, data in enumerate(files):
            path = folder / (names[index] + (".zip" if zip_it and index == which else ".xml"))
            path.write_bytes(data)
            paths.append(path)
        began = time.perf_counter()
        try:
            outcome = read_like_the_cli(paths)
            counts["read" if outcome == "read" else "clean error"] += 1
        except Exception as exc:  # what the campaign looks for
            counts["crash"] += 1
            where = traceback.extract_tb(exc.__traceback__)[-1]
            crashes.append(f"seed {number}: {type(exc).__name__}: {exc} ({where.name})")
        slowest = max(slowest, (time.perf_counter() - began, number))
        for path in paths:
            path.unlink()
    elapsed = time.perf_counter() - start
    print(
        f"fuzz: {count} mutated inputs (seeds {seed}..{seed + count - 1}) in {elapsed:.0f} s: "
        f"read {counts['read']}, clean error {counts['clean error']}, crash {counts['crash']}; "
        f"slowest {slowest[0] * 1000:.0f} ms (seed {slowest[1]}), peak {peak_rss_mb():.0f} MB"
    )
    for line in crashes[:20]:
        print("  " + line)
    return not crashes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--zip-mb", type=float, default=1.0, help="size of each zip bomb (0: no hostile files)"
    )
    parser.add_argument("--only", action="append", default=[], help="run only this input")
    parser.add_argument("--fuzz", type=int, default=0, help="mutated inputs to run")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--child", nargs="+", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return 0
    with tempfile.TemporaryDirectory(prefix="bench_hostile_") as tmp:
        ok = hostile(Path(tmp), args.zip_mb, set(args.only)) if args.zip_mb > 0 else True
        if args.fuzz:
            ok = fuzz(Path(tmp), args.fuzz, args.seed) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
