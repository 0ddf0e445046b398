"""A responsables file whose persons carry no readable link says why every parent
looks like no legal representative (finding ``NO_LINKS``)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from .cli_run import Run
from .school_files import write_export


def test_persons_without_any_link_are_reported(cli: Run, workdir: Path) -> None:
    eleves, responsables = write_export(workdir / "export")
    with zipfile.ZipFile(responsables) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    with zipfile.ZipFile(responsables, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data.replace(b"RESPONSABLE_ELEVE>", b"RESP_ELEVE>"))
    result = cli("check", "--json", eleves, responsables)
    assert result.code == 0, result.err
    found = [f for f in json.loads(result.out)["findings"] if f["code"] == "NO_LINKS"]
    assert len(found) == 1
    assert found[0]["severity"] == "warning"
    assert "RESPONSABLE_ELEVE" in found[0]["message"]
    # the renamed elements are not dropped silently: one finding for the kind, counted
    unknown = [f for f in json.loads(result.out)["findings"] if f["code"] == "UNKNOWN_ELEMENT"]
    assert [f["field"] for f in unknown] == ["DONNEES/RESPONSABLES/RESP_ELEVE"]
    links = members[next(iter(members))].count(b"<RESPONSABLE_ELEVE>")
    assert f"{links} <RESP_ELEVE>" in unknown[0]["message"]


def test_a_normal_export_has_no_such_finding(cli: Run, workdir: Path) -> None:
    result = cli("check", "--json", *write_export(workdir / "export"))
    found = {f["code"] for f in json.loads(result.out)["findings"]}
    assert not found & {"NO_LINKS", "UNKNOWN_ELEMENT"}
