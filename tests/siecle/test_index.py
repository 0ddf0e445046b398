"""The compact student index of the SIECLE reader."""

from __future__ import annotations

from educonnect_adapters.siecle.index import StudentIndex


def test_students_classes_and_orphans() -> None:
    index = StudentIndex()
    assert index.add_structures("2", "5 B")  # structures may come first
    assert index.add_eleve("1", current=True)
    assert not index.add_eleve("1", current=False)  # a duplicate changes nothing
    assert index.add_eleve("2", current=False)
    assert index.add_structures("1", None)
    assert not index.add_structures("1", "3A")  # seen again; the class is still taken
    assert index.add_structures("9", "3A")
    assert ("1" in index, "2" in index, "9" in index, "0" in index) == (True, True, False, False)
    assert (index.current("1"), index.current("2"), index.current("0")) == (True, False, False)
    assert (index.division("1"), index.division("2"), index.division("0")) == ("3A", "5 B", None)
    assert list(index.orphan_structures()) == ["9"]


def test_legal_links_are_counted_and_repeats_told() -> None:
    index = StudentIndex()
    index.add_eleve("1", current=True)
    assert index.add_legal("1", "10") == 1
    assert index.add_legal("1", "10") is None
    assert index.add_legal("1", "11") == 2
    assert index.add_legal("1", "11") is None
    assert index.add_legal("1", "12") == 3
    index.reset_links()
    assert index.add_legal("1", "11") == 1
