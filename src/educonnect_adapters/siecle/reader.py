"""The SIECLE export reader: an :class:`~educonnect_core.ports.ExportReader`.

Opening reads every file once, to its end: this checks that each is
well-formed, within bounds, of the same school and year, and builds the only
indexes the join needs (student → current?, student → division, known
persons). Nothing is yielded from a file that fails, since every file is read
before anything is yielded. The raw fields of each record wait in a
:class:`~.spill.Spill` (a temporary file), not in memory; each stream
(``eleves``, ``responsables``, ``links``) reads them back and builds the domain
objects one at a time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from typing import Final

from lxml import etree

from educonnect_core.errors import SourceError
from educonnect_core.findings import Finding
from educonnect_core.people import Eleve, Link, Responsable, School
from educonnect_core.ports import ClosedOnExit, SourceOptions
from educonnect_core.school_year import plausible_school_years
from educonnect_core.values import Uai, clean_text

from .codes import finding
from .envelope import KNOWN_VERSIONS, Envelope, FileKind, parse_date, read_parametres
from .index import StudentIndex
from .inputs import Input, Prolog
from .kind import SOURCE_KIND
from .records import (
    ELEVE_FIELDS,
    LINK_FIELDS,
    PERSONNE_FIELDS,
    RecordContext,
    eleve_from,
    link_from,
    pick,
    record_id,
    responsable_from,
    tidy,
)
from .spill import Spill
from .xmlstream import EncodingError, Layout, StreamFacts, iter_records

__all__ = ["SOURCE_KIND", "SiecleFile", "SiecleReader"]

#: The sections of ``DONNEES`` in each kind of file, section → its records' tag
#: (the format's; any other element there is reported ``UNKNOWN_ELEMENT``).
SECTIONS: Final[dict[FileKind, dict[str, str]]] = {
    FileKind.ELEVES: {
        "ELEVES": "ELEVE",
        "STRUCTURES": "STRUCTURES_ELEVE",
        "OPTIONS": "OPTION",
        "BOURSES": "BOURSE",
        "ADRESSES": "ADRESSE",
    },
    FileKind.RESPONSABLES: {
        "PERSONNES": "PERSONNE",
        "RESPONSABLES": "RESPONSABLE_ELEVE",
        "ADRESSES": "ADRESSE",
    },
    FileKind.STRUCTURES: {"DIVISIONS": "DIVISION", "GROUPES": "GROUPE"},
    FileKind.NOMENCLATURES: {},
}
#: Record-level tags of each kind: asked from the parser so that each is cleared.
TAGS: Final = {kind: ("PARAMETRES", *sections.values()) for kind, sections in SECTIONS.items()}
#: What is checked for unknown kinds of elements (not in an ignored file).
LAYOUTS: Final[dict[FileKind, Layout]] = {
    kind: Layout.of_sections(sections, blocks=("PARAMETRES",))
    for kind, sections in SECTIONS.items()
    if kind is not FileKind.NOMENCLATURES
}
MAX_LEGAL: Final = 2
#: Records skipped in one file when it is opened (no id, repeated, links without
#: their ids) beyond which the file is refused: no export has that many, a
#: record bomb (millions of ``<ELEVE/>`` from a small zip) does.
MAX_PROBLEMS: Final = 100_000


class SiecleFile:
    """One BEE file: its input, kind, envelope and the encoding it is read in."""

    def __init__(self, source: Input, prolog: Prolog, kind: FileKind) -> None:
        self.source = source
        self.prolog = prolog
        self.kind = kind
        self.encoding: str | None = None  # override of the declared encoding, if it lied
        self.envelope: Envelope | None = None
        self.version: str | None = None

    @property
    def name(self) -> str:
        return self.source.name

    def records(self, facts: StreamFacts | None = None) -> Iterator[etree._Element]:
        return iter_records(
            self.source,
            TAGS[self.kind],
            root=self.prolog.root,
            encoding=self.encoding or self.prolog.encoding,
            facts=facts,
            layout=LAYOUTS.get(self.kind),
        )


class SiecleReader(ClosedOnExit):
    """One school's SIECLE export (students file, responsables file, Structures).

    Streams may be iterated in any order, each as often as wanted; their
    findings are recorded once, when a stream is read to its end.
    """

    kind: Final = SOURCE_KIND

    def __init__(self, files: Sequence[SiecleFile], options: SourceOptions) -> None:
        self._options = options
        self._findings: list[Finding] = []
        self._problems: dict[str, int] = {}
        self._completed: set[str] = set()
        by_kind: dict[FileKind, SiecleFile] = {}
        for file in files:
            if file.kind is FileKind.NOMENCLATURES:
                self._findings.append(
                    finding("IGNORED_FILE", "BEE_NOMENCLATURES is not used", file=file.name)
                )
                continue
            if file.kind in by_kind:
                raise SourceError(
                    f"two {file.kind.value} files given (the other is {by_kind[file.kind].name})",
                    file=file.name,
                )
            by_kind[file.kind] = file
        if FileKind.ELEVES not in by_kind:
            names = ", ".join(f.name for f in files)
            raise SourceError("a students file (root BEE_ELEVES) is required", file=names)
        self._eleves_file = by_kind[FileKind.ELEVES]
        self._resp_file = by_kind.get(FileKind.RESPONSABLES)
        self._structures_file = by_kind.get(FileKind.STRUCTURES)
        # indexes built when the files are opened
        self._students = StudentIndex()
        self._spills: dict[str, Spill] = {
            tag: Spill() for tag in ("ELEVE", "PERSONNE", "RESPONSABLE_ELEVE")
        }
        self._persons: set[str] = set()
        self._known_divisions: set[str] | None = None
        self._first_pass()
        envelope = self._eleves_file.envelope
        assert envelope is not None
        self._as_of: dt.date | None = options.as_of or envelope.export_date
        self._school = School(
            uai=envelope.uai, school_year=envelope.school_year, exported_at=envelope.exported_at
        )

    # ------------------------------------------------------------------ ExportReader

    @property
    def school(self) -> School:
        return self._school

    @property
    def findings(self) -> Sequence[Finding]:
        return tuple(self._findings)

    @property
    def files(self) -> tuple[str, ...]:
        """Names of the files read, students file first."""
        files = [self._eleves_file, self._resp_file, self._structures_file]
        return tuple(f.name for f in files if f is not None)

    def eleves(self) -> Iterator[Eleve]:
        file = self._eleves_file
        ctx = RecordContext(file.name, [])
        known = self._known_divisions
        for line, eleve_id, fields in self._spills["ELEVE"]:
            division = self._students.division(eleve_id)
            if known is not None and division is not None and division not in known:
                ctx.add(
                    "UNKNOWN_DIVISION",
                    f"class {division!r} is not a DIVISION of Structures.xml",
                    line,
                    eleve_id,
                    "CODE_STRUCTURE",
                )
            yield eleve_from(fields, line, eleve_id, division=division, as_of=self._as_of, ctx=ctx)
        self._complete("eleves", ctx)

    def responsables(self) -> Iterator[Responsable]:
        file = self._resp_file
        if file is None:
            return
        ctx = RecordContext(file.name, [])
        for line, personne_id, fields in self._spills["PERSONNE"]:
            yield responsable_from(fields, line, personne_id, ctx)
        self._complete("responsables", ctx)

    def links(self) -> Iterator[Link]:
        file = self._resp_file
        if file is None:
            return
        ctx = RecordContext(file.name, [])
        students = self._students
        students.reset_links()
        over: dict[str, tuple[int | None, list[str]]] = {}
        for line, fields in self._spills["RESPONSABLE_ELEVE"]:
            link = link_from(fields, line, ctx)
            if link is None:
                continue
            if link.eleve_id not in students:
                ctx.add(
                    "LINK_TO_UNKNOWN_STUDENT",
                    f"ELEVE_ID {link.eleve_id} (person {link.personne_id}) is not in the "
                    "students file; link dropped",
                    line,
                    link.eleve_id,
                    "ELEVE_ID",
                )
                continue
            if link.personne_id not in self._persons:
                ctx.add(
                    "LINK_TO_UNKNOWN_PERSON",
                    f"PERSONNE_ID {link.personne_id} (student {link.eleve_id}) is not among "
                    "the PERSONNES; link dropped",
                    line,
                    link.eleve_id,
                    "PERSONNE_ID",
                )
                continue
            if link.legal:
                count = students.add_legal(link.eleve_id, link.personne_id)
                if count is None:
                    ctx.add(
                        "DUPLICATE_LINK",
                        f"person {link.personne_id} is linked twice to student {link.eleve_id}",
                        line,
                        link.eleve_id,
                        "PERSONNE_ID",
                    )
                    continue
                if count > MAX_LEGAL:
                    over.setdefault(link.eleve_id, (line, []))[1].append(link.personne_id)
            yield link
        for eleve_id, (line, beyond) in over.items():
            ctx.add(
                "TOO_MANY_LEGAL_REPRESENTATIVES",
                f"{MAX_LEGAL + len(beyond)} legal representatives; beyond the first two: "
                f"{', '.join(beyond)}",
                line,
                eleve_id,
                "NIVEAU_RESPONSABILITE",
            )
        self._complete("links", ctx)

    def close(self) -> None:
        """Remove the temporary files now (they also go when the reader is collected)."""
        for spill in self._spills.values():
            spill.close()

    # ------------------------------------------------------------------ first pass

    def _complete(self, stream: str, ctx: RecordContext) -> None:
        if stream not in self._completed:
            self._completed.add(stream)
            self._findings.extend(ctx.listed())

    def _first_pass(self) -> None:
        self._scan(self._eleves_file, self._scan_eleves)
        if self._resp_file is None:
            self._findings.append(
                finding(
                    "NO_RESPONSABLES_FILE",
                    "no BEE_RESPONSABLES file given: no responsable account can be checked",
                    file=self._eleves_file.name,
                )
            )
        else:
            self._scan(self._resp_file, self._scan_responsables)
        if self._structures_file is not None:
            self._known_divisions = set()
            self._scan(self._structures_file, self._scan_structures)
        self._check_export_date()
        self._report_orphan_structures()

    def _scan(self, file: SiecleFile, scan: _Scan) -> None:
        """Run ``scan`` over ``file`` (once more in the real encoding if it lied);
        report the kinds of elements it did not know."""
        facts = self._scan_once(file, scan)
        for path, count in sorted(facts.unread.items()):
            tag = path.rpartition("/")[2]
            self._findings.append(
                finding(
                    "UNKNOWN_ELEMENT",
                    f"{count} <{tag}> element(s) at {path} not read: an element this reader "
                    "does not know (is the file from another version?)",
                    file=file.name,
                    field=path,
                )
            )

    def _scan_once(self, file: SiecleFile, scan: _Scan) -> StreamFacts:
        facts = StreamFacts()
        try:
            scan(file, facts)
        except EncodingError as exc:
            if file.encoding is not None or file.prolog.encoding != "utf-8":
                raise
            file.encoding = "iso8859-15"
            self._reset(file)
            self._findings.append(
                finding(
                    "ENCODING_MISMATCH",
                    f"the file is not UTF-8 as it declares ({exc.message}); read as ISO-8859-15",
                    file=file.name,
                    line=exc.line,
                )
            )
            facts = StreamFacts()
            scan(file, facts)
            return facts
        if file.prolog.encoding != "utf-8" and facts.non_ascii and facts.utf8_valid:
            file.encoding = "utf-8"
            self._reset(file)
            self._findings.append(
                finding(
                    "ENCODING_MISMATCH",
                    f"the file declares {file.prolog.encoding} but its bytes are UTF-8; "
                    "read as UTF-8",
                    file=file.name,
                )
            )
            facts = StreamFacts()
            scan(file, facts)
        return facts

    def _reset(self, file: SiecleFile) -> None:
        self._findings = [f for f in self._findings if f.file != file.name]
        self._problems.pop(file.name, None)
        if file.kind is FileKind.ELEVES:
            self._students = StudentIndex()
            self._renew("ELEVE")
        elif file.kind is FileKind.RESPONSABLES:
            self._persons.clear()
            self._renew("PERSONNE")
            self._renew("RESPONSABLE_ELEVE")
        elif self._known_divisions is not None:
            self._known_divisions.clear()

    def _envelope(self, file: SiecleFile, element: etree._Element) -> None:
        file.envelope = read_parametres(element, file.name)
        self._same_school(file, element.sourceline)
        root = element.getparent()
        file.version = root.get("VERSION") if root is not None else None
        if file.version not in KNOWN_VERSIONS[file.kind]:
            self._findings.append(
                finding(
                    "UNKNOWN_VERSION",
                    f"{file.kind.value} VERSION={file.version!r} was never seen; read as usual",
                    file=file.name,
                    line=root.sourceline if root is not None else None,
                )
            )
        expected = self._options.expected_uai
        if expected and Uai.parse(expected) != file.envelope.uai:
            raise SourceError(
                f"this export is for school {file.envelope.uai}, not {Uai.parse(expected)}",
                file=file.name,
                line=element.sourceline,
                element="PARAMETRES/UAJ",
            )

    def _same_school(self, other: SiecleFile, line: int | None) -> None:
        """Refuse a file of another school or year than the students file (read first)."""
        main = self._eleves_file
        if other is main or main.envelope is None or other.envelope is None:
            return
        if other.envelope.uai != main.envelope.uai:
            raise SourceError(
                f"this file is for school {other.envelope.uai} but the students file "
                f"{main.name} is for {main.envelope.uai}",
                file=other.name,
                line=line,
                element="PARAMETRES/UAJ",
            )
        if other.envelope.school_year != main.envelope.school_year:
            raise SourceError(
                f"this file is for school year {other.envelope.school_year} but the students "
                f"file {main.name} is for {main.envelope.school_year}",
                file=other.name,
                line=line,
                element="PARAMETRES/ANNEE_SCOLAIRE",
            )

    def _problem(self, found: Finding) -> None:
        """Note a record skipped when opening; refuse past :data:`MAX_PROBLEMS`."""
        self._findings.append(found)
        self._count_problem(found.file or self._eleves_file.name)

    def _count_problem(self, file: str) -> None:
        count = self._problems[file] = self._problems.get(file, 0) + 1
        if count > MAX_PROBLEMS:
            raise SourceError(
                f"more than {MAX_PROBLEMS} records skipped or faulty (without id, repeated, "
                "links without their ids): not a usable export",
                file=file,
            )

    def _renew(self, tag: str) -> None:
        self._spills[tag].close()
        self._spills[tag] = Spill()

    def _scan_eleves(self, file: SiecleFile, facts: StreamFacts) -> None:
        for element in file.records(facts):
            tag = element.tag
            if tag == "ELEVE":
                self._index_eleve(file, element)
            elif tag == "STRUCTURES_ELEVE":
                self._index_structures(file, element)
            elif tag == "PARAMETRES":
                self._envelope(file, element)
        if file.envelope is None:
            raise SourceError("PARAMETRES (UAJ, ANNEE_SCOLAIRE) is missing", file=file.name)

    def _index_eleve(self, file: SiecleFile, element: etree._Element) -> None:
        line = element.sourceline
        eleve_id = record_id(element, "ELEVE_ID")
        if not eleve_id:
            self._problem(
                finding(
                    "MISSING_ID",
                    "ELEVE without ELEVE_ID: skipped",
                    file=file.name,
                    line=line,
                    field="ELEVE_ID",
                )
            )
            return
        if eleve_id in self._students:
            self._problem(
                finding(
                    "DUPLICATE_ELEVE_ID",
                    f"ELEVE_ID {eleve_id} appears again: skipped",
                    file=file.name,
                    line=line,
                    siecle_id=eleve_id,
                    field="ELEVE_ID",
                )
            )
            return
        fields = pick(element, ELEVE_FIELDS)
        try:
            left_on = parse_date(fields.get("DATE_SORTIE"))
        except ValueError as exc:
            self._problem(
                finding(
                    "INVALID_DATE_SORTIE",
                    f"DATE_SORTIE: {exc}; student kept as current",
                    file=file.name,
                    line=line,
                    siecle_id=eleve_id,
                    field="DATE_SORTIE",
                )
            )
            left_on = None
        as_of = self._options.as_of
        if as_of is None and file.envelope is not None:
            as_of = file.envelope.export_date
        self._students.add_eleve(
            eleve_id, left_on is None or (as_of is not None and left_on > as_of)
        )
        self._spills["ELEVE"].add((line, eleve_id, fields))

    def _index_structures(self, file: SiecleFile, element: etree._Element) -> None:
        line = element.sourceline
        eleve_id = record_id(element, "ELEVE_ID")
        if not eleve_id:
            self._problem(
                finding(
                    "MISSING_ID",
                    "STRUCTURES_ELEVE without ELEVE_ID: skipped",
                    file=file.name,
                    line=line,
                    field="ELEVE_ID",
                )
            )
            return
        divisions = []
        for structure in element.iterchildren("STRUCTURE"):
            kind = structure.findtext("TYPE_STRUCTURE")
            if kind == "D" or tidy(kind).upper() == "D":
                code = clean_text(structure.findtext("CODE_STRUCTURE"))
                if code:
                    divisions.append(code)
        if not self._students.add_structures(eleve_id, divisions[0] if divisions else None):
            self._problem(
                finding(
                    "DUPLICATE_STRUCTURES_ELEVE",
                    f"STRUCTURES_ELEVE for student {eleve_id} appears again",
                    file=file.name,
                    line=line,
                    siecle_id=eleve_id,
                    field="ELEVE_ID",
                )
            )
        if len(set(divisions)) > 1:
            self._problem(
                finding(
                    "SEVERAL_DIVISIONS",
                    f"several classes {', '.join(divisions)}: {divisions[0]!r} kept",
                    file=file.name,
                    line=line,
                    siecle_id=eleve_id,
                    field="CODE_STRUCTURE",
                )
            )

    def _scan_responsables(self, file: SiecleFile, facts: StreamFacts) -> None:
        persons = self._persons
        spill, links = self._spills["PERSONNE"], self._spills["RESPONSABLE_ELEVE"]
        read_persons = read_links = 0
        for element in file.records(facts):
            tag = element.tag
            if tag == "PERSONNE":
                read_persons += 1
                line = element.sourceline
                personne_id = record_id(element, "PERSONNE_ID")
                if not personne_id:
                    self._problem(
                        finding(
                            "MISSING_ID",
                            "PERSONNE without PERSONNE_ID: skipped",
                            file=file.name,
                            line=line,
                            field="PERSONNE_ID",
                        )
                    )
                elif personne_id in persons:
                    self._problem(
                        finding(
                            "DUPLICATE_PERSONNE_ID",
                            f"PERSONNE_ID {personne_id} appears again: skipped",
                            file=file.name,
                            line=line,
                            siecle_id=personne_id,
                            field="PERSONNE_ID",
                        )
                    )
                else:
                    persons.add(personne_id)
                    spill.add((line, personne_id, pick(element, PERSONNE_FIELDS)))
            elif tag == "RESPONSABLE_ELEVE":
                fields = pick(element, LINK_FIELDS)
                for name in ("ELEVE_ID", "PERSONNE_ID"):
                    if name not in fields and (value := element.get(name)) is not None:
                        fields[name] = value
                if not (tidy(fields.get("ELEVE_ID")) and tidy(fields.get("PERSONNE_ID"))):
                    self._count_problem(file.name)  # its finding comes with links()
                links.add((element.sourceline, fields))
                read_links += 1
            elif tag == "PARAMETRES":
                self._envelope(file, element)
        if file.envelope is None:
            raise SourceError("PARAMETRES (UAJ, ANNEE_SCOLAIRE) is missing", file=file.name)
        if read_persons and not read_links:
            self._findings.append(
                finding(
                    "NO_LINKS",
                    f"{read_persons} PERSONNE but no RESPONSABLE_ELEVE link: nobody can be "
                    "shown as a legal representative; export the responsables file with its "
                    "links (ResponsablesAvecAdresses)",
                    file=file.name,
                    field="RESPONSABLE_ELEVE",
                )
            )

    def _scan_structures(self, file: SiecleFile, facts: StreamFacts) -> None:
        known = self._known_divisions
        assert known is not None
        for element in file.records(facts):
            if element.tag == "DIVISION":
                code = clean_text(
                    element.get("CODE_STRUCTURE") or element.findtext("CODE_STRUCTURE")
                )
                if code:
                    known.add(code)
            elif element.tag == "PARAMETRES":
                self._envelope(file, element)
        if file.envelope is None:
            raise SourceError("PARAMETRES (UAJ, ANNEE_SCOLAIRE) is missing", file=file.name)

    def _check_export_date(self) -> None:
        main = self._eleves_file
        assert main.envelope is not None
        day = main.envelope.export_date
        if day is None:
            self._findings.append(
                finding(
                    "NO_EXPORT_DATE",
                    "neither DATE_EXPORT nor HORODATAGE: every student with a DATE_SORTIE "
                    "is taken as having left",
                    file=main.name,
                    field="DATE_EXPORT",
                )
            )
            return
        if main.envelope.school_year not in plausible_school_years(day):
            self._findings.append(
                finding(
                    "SCHOOL_YEAR_NOT_CURRENT",
                    f"exported on {day:%d/%m/%Y} for school year {main.envelope.school_year}-"
                    f"{main.envelope.school_year + 1}",
                    file=main.name,
                    field="ANNEE_SCOLAIRE",
                )
            )

    def _report_orphan_structures(self) -> None:
        for eleve_id in self._students.orphan_structures():
            self._findings.append(
                finding(
                    "STRUCTURES_FOR_UNKNOWN_STUDENT",
                    f"STRUCTURES_ELEVE for ELEVE_ID {eleve_id}, who is not among the ELEVES",
                    file=self._eleves_file.name,
                    siecle_id=eleve_id,
                    field="ELEVE_ID",
                )
            )


_Scan = Callable[[SiecleFile, StreamFacts], None]
