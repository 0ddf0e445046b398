"""The people repository (``uow.people``) of the SQL stores, written once.

Schools, students and responsables are stored as their
:func:`~educonnect_core.serialization.dumps` text, links as columns. A backend
subclasses :class:`SqlPeople` only for the queries its SQL spells its own way
(JSON paths, lists of pairs), and gives its :class:`~.dialect.Dialect`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from typing import Any, Final, TypeVar

from educonnect_core.eligibility import Child
from educonnect_core.errors import NotFound
from educonnect_core.people import Eleve, Link, Responsable, ResponsibilityLevel, School
from educonnect_core.serialization import dumps, loads
from educonnect_core.storage import StoredForms
from educonnect_core.values import Uai

from .dialect import Connect, Dialect

__all__ = ["SqlPeople"]

T = TypeVar("T")
_LINK_COLUMNS: Final = "eleve_id, personne_id, level, code_parente"


def _batches(items: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _link(row: Sequence[Any]) -> Link:
    e, p, level, code = row
    return Link(e, p, ResponsibilityLevel(level), code)


class SqlPeople:
    """:class:`~educonnect_core.storage.PeopleRepository` over a :class:`Dialect`."""

    def __init__(self, read: Connect, write: Connect, dialect: Dialect) -> None:
        self._read = read
        self._write = write
        self._d = dialect
        self._p = dialect.placeholder

    def _marks(self, n: int) -> str:
        return ", ".join([self._p] * n)

    # -- schools

    def upsert_school(self, school: School) -> bool:
        data = dumps(school)
        found = (
            self._read()
            .execute(f"SELECT data FROM schools WHERE uai = {self._p}", (school.uai.value,))
            .fetchone()
        )
        if found is not None and found[0] == data:
            return False
        self._write().execute(
            f"INSERT INTO schools (uai, data) VALUES ({self._marks(2)}) "
            "ON CONFLICT (uai) DO UPDATE SET data = excluded.data",
            (school.uai.value, data),
        )
        return True

    def get_school(self, uai: Uai) -> School:
        found = (
            self._read()
            .execute(f"SELECT data FROM schools WHERE uai = {self._p}", (uai.value,))
            .fetchone()
        )
        if found is None:
            raise NotFound(f"no school {uai}")
        return loads(found[0], School)

    def schools(self) -> list[School]:
        rows = self._read().execute("SELECT data FROM schools ORDER BY uai").fetchall()
        return [loads(r[0], School) for r in rows]

    # -- writes

    def _upsert(self, table: str, key: str, uai: Uai, items: Iterable[tuple[str, str]]) -> int:
        written = 0
        for chunk in _batches(items, self._d.batch):
            stored: dict[str, str] = {}
            for condition, params in self._d.in_chunks(key, [k for k, _ in chunk]):
                rows = self._read().execute(
                    f"SELECT {key}, data FROM {table} WHERE uai = {self._p} AND {condition}",
                    (uai.value, *params),
                )
                stored.update(rows.fetchall())
            changed = [(uai.value, k, d) for k, d in chunk if stored.get(k) != d]
            if changed:
                self._d.write_many(
                    self._write(),
                    f"{table} of {uai} (is the school stored?)",
                    f"INSERT INTO {table} (uai, {key}, data) VALUES ({self._marks(3)}) "
                    f"ON CONFLICT (uai, {key}) DO UPDATE SET data = excluded.data",
                    changed,
                )
                written += len(changed)
        return written

    def upsert_eleves(self, uai: Uai, eleves: Iterable[Eleve]) -> int:
        return self._upsert("eleves", "eleve_id", uai, ((e.eleve_id, dumps(e)) for e in eleves))

    def upsert_responsables(self, uai: Uai, responsables: Iterable[Responsable]) -> int:
        items = ((r.personne_id, dumps(r)) for r in responsables)
        return self._upsert("responsables", "personne_id", uai, items)

    def upsert_links(self, uai: Uai, links: Iterable[Link]) -> int:
        written = 0
        for chunk in _batches(links, self._d.batch):
            wanted = {(k.eleve_id, k.personne_id): (k.level.value, k.code_parente) for k in chunk}
            stored: dict[tuple[str, str], tuple[Any, ...]] = {}
            for condition, params in self._d.in_chunks("eleve_id", sorted({e for e, _ in wanted})):
                rows = self._read().execute(
                    f"SELECT {_LINK_COLUMNS} FROM links WHERE uai = {self._p} AND {condition}",
                    (uai.value, *params),
                )
                stored.update(((e, p), (level, code)) for e, p, level, code in rows.fetchall())
            changed = [
                (uai.value, e, p, *v) for (e, p), v in wanted.items() if stored.get((e, p)) != v
            ]
            if changed:
                self._d.write_many(
                    self._write(),
                    f"links of {uai} (a link needs its eleve and responsable stored)",
                    "INSERT INTO links (uai, eleve_id, personne_id, level, code_parente) "
                    f"VALUES ({self._marks(5)}) ON CONFLICT (uai, eleve_id, personne_id) "
                    "DO UPDATE SET level = excluded.level, code_parente = excluded.code_parente",
                    changed,
                )
                written += len(changed)
        return written

    def delete_links(self, uai: Uai, keys: Iterable[tuple[str, str]]) -> int:
        rows = [(uai.value, eleve_id, personne_id) for eleve_id, personne_id in keys]
        if not rows:
            return 0
        cursor = self._write().cursor()
        cursor.executemany(
            f"DELETE FROM links WHERE uai = {self._p} AND eleve_id = {self._p} "
            f"AND personne_id = {self._p}",
            rows,
        )
        return int(cursor.rowcount)

    # -- reads

    def get_eleve(self, uai: Uai, eleve_id: str) -> Eleve:
        found = (
            self._read()
            .execute(
                f"SELECT data FROM eleves WHERE uai = {self._p} AND eleve_id = {self._p}",
                (uai.value, eleve_id),
            )
            .fetchone()
        )
        if found is None:
            raise NotFound(f"no eleve {eleve_id!r} in {uai}")
        return loads(found[0], Eleve)

    def eleves_by_ine(self, ines: Iterable[str]) -> dict[str, list[tuple[Uai, Eleve]]]:
        found: dict[str, list[tuple[Uai, Eleve]]] = {}
        for ine, uai, data in self._ine_rows(list(dict.fromkeys(ines))):
            found.setdefault(ine, []).append((Uai(uai), loads(data, Eleve)))
        return found

    def _ine_rows(self, ines: list[str]) -> Iterable[tuple[str, str, str]]:
        """(ine, uai, data) of the students with one of ``ines``, by school and id
        (each backend spells the JSON path)."""
        raise NotImplementedError

    def legal_representatives(
        self, students: Iterable[tuple[Uai, str]]
    ) -> dict[tuple[Uai, str], list[Responsable]]:
        found: dict[tuple[Uai, str], list[Responsable]] = {}
        for uai, eleve_id, data in self._legal_rows(list(dict.fromkeys(students))):
            found.setdefault((Uai(uai), eleve_id), []).append(loads(data, Responsable))
        return found

    def _legal_rows(self, students: list[tuple[Uai, str]]) -> Iterable[tuple[str, str, str]]:
        """(uai, eleve_id, responsable data) of the legal representatives of each
        (school, student), ordered (each backend spells the list of pairs)."""
        raise NotImplementedError

    def get_responsable(self, uai: Uai, personne_id: str) -> Responsable:
        found = (
            self._read()
            .execute(
                f"SELECT data FROM responsables WHERE uai = {self._p} AND personne_id = {self._p}",
                (uai.value, personne_id),
            )
            .fetchone()
        )
        if found is None:
            raise NotFound(f"no responsable {personne_id!r} in {uai}")
        return loads(found[0], Responsable)

    def eleves(self, uai: Uai) -> Iterator[Eleve]:
        rows = self._d.stream(
            self._read(),
            f"SELECT data FROM eleves WHERE uai = {self._p} ORDER BY eleve_id",
            (uai.value,),
        )
        return (loads(r[0], Eleve) for r in rows)

    def responsables(self, uai: Uai) -> Iterator[Responsable]:
        rows = self._d.stream(
            self._read(),
            f"SELECT data FROM responsables WHERE uai = {self._p} ORDER BY personne_id",
            (uai.value,),
        )
        return (loads(r[0], Responsable) for r in rows)

    def _links(self, where: str, params: Sequence[object], index: str | None = None) -> list[Link]:
        # sorted here, and the index named where the dialect can: without statistics
        # SQLite's planner prefers a walk of the primary key's uai prefix to the index
        hint = self._d.index_hint(index) if index else ""
        rows = (
            self._read()
            .execute(f"SELECT {_LINK_COLUMNS} FROM links {hint} WHERE {where}", params)
            .fetchall()
        )
        rows.sort(key=lambda r: (r[0], r[1]))
        return [_link(r) for r in rows]

    def links(self, uai: Uai) -> Iterator[Link]:
        rows = self._d.stream(
            self._read(),
            f"SELECT {_LINK_COLUMNS} FROM links WHERE uai = {self._p} "
            "ORDER BY eleve_id, personne_id",
            (uai.value,),
        )
        return (_link(r) for r in rows)

    def stored_forms(self, uai: Uai) -> StoredForms:
        read = self._read()
        params = (uai.value,)
        where = f"WHERE uai = {self._p}"
        return StoredForms(
            eleves=dict(read.execute(f"SELECT eleve_id, data FROM eleves {where}", params)),
            responsables=dict(
                read.execute(f"SELECT personne_id, data FROM responsables {where}", params)
            ),
            links={
                (e, p): (level, code)
                for e, p, level, code in read.execute(
                    f"SELECT {_LINK_COLUMNS} FROM links {where}", params
                ).fetchall()
            },
        )

    def links_of_eleve(self, uai: Uai, eleve_id: str) -> list[Link]:
        return self._links(f"uai = {self._p} AND eleve_id = {self._p}", (uai.value, eleve_id))

    def links_of_responsable(self, uai: Uai, personne_id: str) -> list[Link]:
        return self._links(
            f"uai = {self._p} AND personne_id = {self._p}",
            (uai.value, personne_id),
            "links_by_responsable",
        )

    def children(self, uai: Uai, personne_id: str) -> list[Child]:
        rows = (
            self._read()
            .execute(
                "SELECT l.eleve_id, l.personne_id, l.level, l.code_parente, e.data "
                f"FROM links l {self._d.index_hint('links_by_responsable')} "
                "JOIN eleves e ON e.uai = l.uai AND e.eleve_id = l.eleve_id "
                f"WHERE l.uai = {self._p} AND l.personne_id = {self._p}",
                (uai.value, personne_id),
            )
            .fetchall()
        )
        rows.sort(key=lambda r: r[0])  # not ORDER BY: see _links
        return [Child(loads(r[4], Eleve), _link(r[:4])) for r in rows]
