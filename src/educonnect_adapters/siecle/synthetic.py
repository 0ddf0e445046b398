"""Writing synthetic SIECLE exports: for tests, the benchmark and the demo.

Everything here is invented. :func:`write_eleves` and :func:`write_responsables`
stream BEE files in the real layout (Latin-9 by default); :func:`families`
invents a school's students, responsables and links, with a share of the data
problems met in the field.
"""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
from collections.abc import Iterable, Iterator
from typing import IO, Final
from xml.sax.saxutils import escape, quoteattr

import attrs

__all__ = [
    "Family",
    "SynthEleve",
    "SynthLink",
    "SynthPersonne",
    "families",
    "write_eleves",
    "write_responsables",
]

LAST_NAMES: Final = (
    "Martin", "Bernard", "Thomas", "Petit", "Robert", "Richard", "Durand", "Dubois",
    "Moreau", "Laurent", "Simon", "Michel", "Lefèvre", "Leroy", "Roux", "David",
    "Bertrand", "Morel", "Fournier", "Girard", "Bonnet", "Dupont", "Lambert", "Fontaine",
    "Rousseau", "Vincent", "Müller", "Lefébure", "Faure", "André", "Mercier", "Blanc",
    "Guérin", "Boyer", "Garnier", "Chevalier", "François", "Legrand", "Gauthier", "Garcia",
    "Perrin", "Robin", "Clément", "Morin", "Nicolas", "Henry", "Roussel", "Mathieu",
    "Gautier", "Masson", "Marchand", "Duval", "Denis", "Dumont", "Marie", "Lemaire",
    "Noël", "Meyer", "Dufour", "Meunier", "Brun", "Blanchard", "Giraud", "Joly",
    "Rivière", "Lucas", "Brunet", "Gaillard", "Barbier", "Arnaud", "Martinez", "Gérard",
    "Roche", "Renard", "Schmitt", "Roy", "Leroux", "Colin", "Vidal", "Caron",
    "Picard", "Roger", "Fabre", "Aubert", "Lemoine", "Renaud", "Dumas", "Lacroix",
    "Olivier", "Philippe", "Bourgeois", "Pierre", "Benoît", "Rey", "Leclerc", "Payet",
    "Rolland", "Leclercq", "Guillaume", "Lecomte", "Lopez", "Jean", "Dupuy", "Guillot",
    "Hubert", "Berger", "Carpentier", "Sanchez", "Dupuis", "Moulin", "Louis", "Deschamps",
    "Œuvrard", "Šimek", "Le Bœuf", "Caillé", "Ÿvart", "Bézier", "Cœurdacier", "Žukić",
)  # fmt: skip
FIRST_NAMES: Final = (
    "Léa", "Hugo", "Chloé", "Louis", "Manon", "Gabriel", "Emma", "Jules", "Inès", "Lucas",
    "Jade", "Adam", "Louise", "Raphaël", "Zoé", "Arthur", "Lina", "Noé", "Mila", "Léo",
    "Rose", "Éloïse", "Maël", "Anaïs", "Théo", "Agathe", "Nathan", "Céleste", "Timéo",
    "Zoë", "Joël", "Hélène", "Benoît", "Françoise", "Jérôme", "Séverine", "Noémie",
)  # fmt: skip
CLASS_LEVELS: Final = (("6", "10010012110"), ("5", "10110001110"), ("4", "10210001110"),
                       ("3", "10310019110"))  # fmt: skip


@attrs.frozen
class SynthEleve:
    eleve_id: str
    nom: str
    prenom: str
    date_naiss: str
    ine: str | None = None
    mef: str | None = None
    division: str | None = None
    date_sortie: str | None = None
    nom_usage: str | None = None
    mel: str | None = None
    tel_portable: str | None = None


@attrs.frozen
class SynthPersonne:
    personne_id: str
    nom: str
    prenom: str
    civilite: str = "MME"
    tel_portable: str | None = None
    mel: str | None = None
    tel_personnel: str | None = None


@attrs.frozen
class SynthLink:
    eleve_id: str
    personne_id: str
    niveau: str = "1"
    code_parente: str = "10"


@attrs.frozen
class Family:
    eleves: tuple[SynthEleve, ...]
    personnes: tuple[SynthPersonne, ...]
    links: tuple[SynthLink, ...]


def _el(tag: str, value: str | None) -> str:
    return "" if value is None else f"<{tag}>{escape(value)}</{tag}>"


def _parametres(uai: str, year: int, exported: dt.datetime) -> str:
    return (
        f"<PARAMETRES><UAJ>{uai}</UAJ><ANNEE_SCOLAIRE>{year}</ANNEE_SCOLAIRE>"
        f"<DATE_EXPORT>{exported:%d/%m/%Y}</DATE_EXPORT>"
        f"<HORODATAGE>{exported:%d/%m/%Y %H:%M:%S}</HORODATAGE></PARAMETRES>\n"
    )


def _declaration(encoding: str) -> str:
    return f'<?xml version="1.0" encoding="{encoding}"?>\n'


def write_eleves(
    out: IO[bytes],
    eleves: Iterable[SynthEleve],
    *,
    uai: str = "0990007V",
    year: int = 2025,
    exported: dt.datetime = dt.datetime(2026, 1, 12, 7, 42, 10),
    encoding: str = "ISO-8859-15",
    pre2016: bool = False,
    structures_first: bool = False,
) -> None:
    """Stream a ``BEE_ELEVES`` file (``ElevesSansAdresses.xml``) to ``out``."""
    codec = "utf-8" if encoding.lower().replace("-", "") == "utf8" else encoding

    def put(text: str) -> None:
        out.write(text.encode(codec, "xmlcharrefreplace"))

    put(_declaration(encoding))
    put('<BEE_ELEVES VERSION="3.0">\n' + _parametres(uai, year, exported) + "<DONNEES>\n")
    structures: list[str] = []
    body: list[str] = []
    if not structures_first:
        put("<ELEVES>\n")
    for e in eleves:
        body.append(_eleve_xml(e, pre2016))
        if e.division is not None:
            structures.append(
                f"<STRUCTURES_ELEVE ELEVE_ID={quoteattr(e.eleve_id)}><STRUCTURE>"
                f"{_el('CODE_STRUCTURE', e.division)}<TYPE_STRUCTURE>D</TYPE_STRUCTURE>"
                "</STRUCTURE></STRUCTURES_ELEVE>\n"
            )
        if len(body) >= 1000 and not structures_first:
            put("".join(body))
            body.clear()
    structures_xml = "<STRUCTURES>\n" + "".join(structures) + "</STRUCTURES>\n"
    if structures_first:
        put(structures_xml + "<ELEVES>\n" + "".join(body) + "</ELEVES>\n")
    else:
        put("".join(body) + "</ELEVES>\n" + structures_xml)
    put("</DONNEES>\n</BEE_ELEVES>\n")


def _codec(encoding: str) -> str:
    return "utf-8" if encoding.lower().replace("-", "") == "utf8" else encoding


def _eleve_xml(e: SynthEleve, pre2016: bool) -> str:
    names = (
        _el("NOM", e.nom)
        if pre2016
        else _el("NOM_DE_FAMILLE", e.nom) + _el("NOM_USAGE", e.nom_usage)
    )
    return (
        f"<ELEVE ELEVE_ID={quoteattr(e.eleve_id)} ELENOET={quoteattr(e.eleve_id[-4:])}>"
        f"{_el('ID_NATIONAL', e.ine)}{names}{_el('PRENOM', e.prenom)}"
        f"<PRENOM2></PRENOM2>{_el('DATE_NAISS', e.date_naiss)}<CODE_SEXE>1</CODE_SEXE>"
        f"<CODE_PAYS>100</CODE_PAYS>{_el('MEL', e.mel)}{_el('TEL_PORTABLE', e.tel_portable)}"
        f"<DATE_ENTREE>02/09/2025</DATE_ENTREE>{_el('DATE_SORTIE', e.date_sortie)}"
        f"{_el('CODE_MEF', e.mef)}<CODE_REGIME>2</CODE_REGIME>"
        "<SCOLARITE_AN_DERNIER><CODE_STRUCTURE>ANC</CODE_STRUCTURE></SCOLARITE_AN_DERNIER>"
        "</ELEVE>\n"
    )


def write_responsables(
    out: IO[bytes],
    personnes: Iterable[SynthPersonne],
    links: Iterable[SynthLink],
    *,
    uai: str = "0990007V",
    year: int = 2025,
    exported: dt.datetime = dt.datetime(2026, 1, 12, 7, 42, 10),
    encoding: str = "ISO-8859-15",
    legacy_links: bool = False,
    links_first: bool = False,
    with_addresses: bool = True,
) -> None:
    """Stream a ``BEE_RESPONSABLES`` file (``ResponsablesAvecAdresses.xml``) to ``out``.

    ``legacy_links`` writes the contract before 2018 (``RESP_LEGAL``, 0/1 flags)
    instead of ``NIVEAU_RESPONSABILITE`` and ``true``/``false`` flags.
    """
    codec = _codec(encoding)

    def put(text: str) -> None:
        out.write(text.encode(codec, "xmlcharrefreplace"))

    def put_links() -> None:
        put("<RESPONSABLES>\n")
        chunk: list[str] = []
        for link in links:
            chunk.append(_link_xml(link, legacy_links))
            if len(chunk) >= 1000:
                put("".join(chunk))
                chunk.clear()
        put("".join(chunk) + "</RESPONSABLES>\n")

    put(_declaration(encoding))
    put('<BEE_RESPONSABLES VERSION="2.1">\n' + _parametres(uai, year, exported))
    put("<DONNEES>\n")
    if links_first:
        put_links()
    put("<PERSONNES>\n")
    chunk: list[str] = []
    addresses: list[str] = []
    for p in personnes:
        address_id = f"A{p.personne_id}" if with_addresses else None
        chunk.append(
            f"<PERSONNE PERSONNE_ID={quoteattr(p.personne_id)}>"
            f"{_el('LC_CIVILITE', p.civilite)}"
            f"<LL_CIVILITE>{'Monsieur' if p.civilite == 'M.' else 'Madame'}</LL_CIVILITE>"
            f"{_el('NOM_DE_FAMILLE', p.nom)}{_el('PRENOM', p.prenom)}"
            f"{_el('TEL_PERSONNEL', p.tel_personnel)}{_el('TEL_PORTABLE', p.tel_portable)}"
            f"<ACCEPTE_SMS>1</ACCEPTE_SMS>{_el('MEL', p.mel)}"
            f"<COMMUNICATION_ADRESSE>1</COMMUNICATION_ADRESSE>{_el('ADRESSE_ID', address_id)}"
            "<CODE_PROFESSION>23</CODE_PROFESSION></PERSONNE>\n"
        )
        if address_id is not None:
            addresses.append(
                f"<ADRESSE ADRESSE_ID={quoteattr(address_id)}>"
                "<LIGNE1_ADRESSE>12 rue des Écoles</LIGNE1_ADRESSE><CODE_POSTAL>97100</CODE_POSTAL>"
                "<LIBELLE_POSTAL>BASSE-TERRE</LIBELLE_POSTAL><CODE_PAYS>100</CODE_PAYS></ADRESSE>\n"
            )
        if len(chunk) >= 1000:
            put("".join(chunk))
            chunk.clear()
    put("".join(chunk) + "</PERSONNES>\n")
    if not links_first:
        put_links()
    if with_addresses:
        put("<ADRESSES>\n" + "".join(addresses) + "</ADRESSES>\n")
    put("</DONNEES>\n</BEE_RESPONSABLES>\n")


def _link_xml(link: SynthLink, legacy: bool) -> str:
    ids = _el("ELEVE_ID", link.eleve_id) + _el("PERSONNE_ID", link.personne_id)
    if legacy:
        resp_legal = {"1": "1", "2": "0", "3": "0"}.get(link.niveau, link.niveau)
        return (
            f"<RESPONSABLE_ELEVE>{ids}<RESP_LEGAL>{resp_legal}</RESP_LEGAL>"
            f"<CODE_PARENTE>{link.code_parente}</CODE_PARENTE><RESP_FINANCIER>1</RESP_FINANCIER>"
            "<PERS_PAIMENT>0</PERS_PAIMENT><PERS_CONTACT>1</PERS_CONTACT></RESPONSABLE_ELEVE>\n"
        )
    return (
        f"<RESPONSABLE_ELEVE>{ids}<NIVEAU_RESPONSABILITE>{escape(link.niveau)}"
        f"</NIVEAU_RESPONSABILITE><CODE_PARENTE>{link.code_parente}</CODE_PARENTE>"
        "<PAIE_FRAIS_SCOLAIRES>1</PAIE_FRAIS_SCOLAIRES><PERCOIT_LES_AIDES>false</PERCOIT_LES_AIDES>"
        "<HEBERGE_ELEVE>true</HEBERGE_ELEVE><A_CONTACTER_EN_PRIORITE>true</A_CONTACTER_EN_PRIORITE>"
        "</RESPONSABLE_ELEVE>\n"
    )


def families(
    count: int, *, seed: int = 1, first_eleve_id: int = 2_410_000, problems: float = 0.05
) -> Iterator[Family]:
    """``count`` invented families of one or two children and two or three adults.

    A share ``problems`` of them carries one data problem of the field (missing or
    landline mobile, bad email, malformed birth date, departed child, contact person).
    """
    rng = random.Random(seed)
    eleve_id = first_eleve_id
    personne_id = 5_300_000 + first_eleve_id
    for index in range(count):
        last = rng.choice(LAST_NAMES)
        children = []
        for _ in range(1 if rng.random() < 0.8 else 2):
            eleve_id += 1
            level, mef = rng.choice(CLASS_LEVELS)
            age = 20 - int(level) + rng.choice((0, 0, 0, 1))
            born = dt.date(2025 - age, rng.randint(1, 12), rng.randint(1, 28))
            children.append(
                SynthEleve(
                    eleve_id=str(eleve_id),
                    nom=last.upper(),
                    prenom=rng.choice(FIRST_NAMES),
                    date_naiss=f"{born:%d/%m/%Y}",
                    ine=f"{eleve_id:09d}{'AB'[index % 2]}{'KLMNP'[index % 5]}",
                    mef=mef,
                    division=f"{level}{'ABCDEF'[rng.randrange(6)]}",
                )
            )
        adults = []
        for civilite in ("MME", "M."):
            personne_id += 1
            first = rng.choice(FIRST_NAMES)
            mobile = f"+336{rng.randrange(10, 89)}{rng.randrange(10**6):06d}"
            adults.append(
                SynthPersonne(
                    personne_id=str(personne_id),
                    nom=last.upper(),
                    prenom=first,
                    civilite=civilite,
                    tel_portable=mobile,
                    mel=f"{_ascii(first).lower()}.{index}@example.org",
                )
            )
        links = [
            SynthLink(c.eleve_id, p.personne_id, "1", role)
            for c in children
            for p, role in zip(adults, ("10", "20"), strict=True)
        ]
        if rng.random() < problems:
            children, adults, links = _spoil(rng, children, adults, links, personne_id)
        yield Family(tuple(children), tuple(adults), tuple(links))


def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if c.isascii())


def _spoil(
    rng: random.Random,
    children: list[SynthEleve],
    adults: list[SynthPersonne],
    links: list[SynthLink],
    personne_id: int,
) -> tuple[list[SynthEleve], list[SynthPersonne], list[SynthLink]]:
    kind = rng.randrange(6)
    if kind == 0:
        adults[0] = attrs.evolve(adults[0], tel_portable=None)
    elif kind == 1:
        adults[0] = attrs.evolve(adults[0], tel_portable="01 45 67 89 12")
    elif kind == 2:
        adults[1] = attrs.evolve(adults[1], mel="jean.dupont@@example")
    elif kind == 3:
        children[0] = attrs.evolve(children[0], date_naiss="31/02/2012")
    elif kind == 4:
        children[0] = attrs.evolve(children[0], date_sortie="15/12/2025")
    else:
        contact = SynthPersonne(str(personne_id + 500_000_000), "VOISIN", "Paul", "M.")
        adults.append(contact)
        links.append(SynthLink(children[0].eleve_id, contact.personne_id, "3", "90"))
    return children, adults, links
