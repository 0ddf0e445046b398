"""Normalization for matching, and the derived keys of people ONDE gives no id.

* names: accents and case folded, every run of non-letters/digits one space
  (``Jean-Pierre`` = ``JEAN PIERRE``, ``D'Almeida`` = ``d almeida``);
* classes: accents and case folded, everything but letters and digits dropped
  (``CP-CE1 Mme Durand`` = ``cp ce1 - MME DURAND``);
* addresses: the name rule over address, postcode and commune;
* emails: trimmed, lower case.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Sequence
from typing import Final

from educonnect_core.errors import InvalidValue
from educonnect_core.values import BirthDate, clean_text, fold

__all__ = [
    "ELEVE_KEY_PREFIX",
    "RESPONSABLE_KEY_PREFIX",
    "class_key",
    "derive_eleve_key",
    "derive_responsable_key",
    "email_key",
    "name_key",
    "niveau_code",
]

ELEVE_KEY_PREFIX: Final = "ONDE-E-"
RESPONSABLE_KEY_PREFIX: Final = "ONDE-R-"
_NON_ALNUM_RUN: Final = re.compile(r"[^0-9A-Z]+")


@functools.lru_cache(maxsize=1 << 16)
def name_key(text: str | None) -> str:
    """A name folded for matching (see the module docstring)."""
    return _NON_ALNUM_RUN.sub(" ", fold(clean_text(text))).strip()


@functools.lru_cache(maxsize=1 << 12)
def class_key(text: str | None) -> str:
    """A class label folded for matching (see the module docstring)."""
    return _NON_ALNUM_RUN.sub("", fold(clean_text(text)))


def email_key(text: str | None) -> str:
    return clean_text(text).lower()


def _digest(prefix: str, parts: Sequence[str]) -> str:
    data = "\x1f".join(parts).encode("utf-8")
    return prefix + hashlib.sha256(data).hexdigest()[:16].upper()


def derive_eleve_key(nom: str | None, prenom: str | None, birth_date: str | None) -> str:
    """``ONDE-E-`` and 16 hex digits of SHA-256 over nom, prénom and birth date.

    Nom and prénom as :func:`name_key` folds them; the birth date in ISO form
    when it parses (so ``04/03/2019`` and ``2019-03-04`` give one key), else as
    written. The key does not depend on the class, the row or the file.
    """
    raw = clean_text(birth_date)
    try:
        date = BirthDate.parse(raw).value.isoformat()
    except InvalidValue:
        date = raw
    return _digest(ELEVE_KEY_PREFIX, ("eleve", name_key(nom), name_key(prenom), date))


def derive_responsable_key(nom: str, prenom: str, evidence: str) -> str:
    """``ONDE-R-`` and 16 hex digits of SHA-256 over nom, prénom and the merge evidence."""
    return _digest(
        RESPONSABLE_KEY_PREFIX, ("responsable", name_key(nom), name_key(prenom), evidence)
    )


#: Long level labels of legacy files, by their folded first words.
_NIVEAU_LABELS: Final = (
    ("TOUTE PETITE SECTION", "TPS"),
    ("PETITE SECTION", "PS"),
    ("MOYENNE SECTION", "MS"),
    ("GRANDE SECTION", "GS"),
    ("COURS PREPARATOIRE", "CP"),
    ("COURS ELEMENTAIRE PREMIERE ANNEE", "CE1"),
    ("COURS ELEMENTAIRE 1", "CE1"),
    ("COURS ELEMENTAIRE DEUXIEME ANNEE", "CE2"),
    ("COURS ELEMENTAIRE 2", "CE2"),
    ("COURS MOYEN PREMIERE ANNEE", "CM1"),
    ("COURS MOYEN 1", "CM1"),
    ("COURS MOYEN DEUXIEME ANNEE", "CM2"),
    ("COURS MOYEN 2", "CM2"),
)
NIVEAUX: Final = ("TPS", "PS", "MS", "GS", "CP", "CE1", "CE2", "CM1", "CM2")


def niveau_code(text: str | None) -> str | None:
    """The short level code (``TPS`` … ``CM2``) of a short or long label, else ``None``.

    ``CE1 - Cours élémentaire 1ère année`` and ``Cours élémentaire première année``
    both give ``CE1``.
    """
    key = name_key(text)
    if not key:
        return None
    first = key.split(" ", 1)[0]
    if first in NIVEAUX:
        return first
    key = key.replace("1ERE", "PREMIERE").replace("2EME", "DEUXIEME").replace("2E ", "DEUXIEME ")
    for label, code in _NIVEAU_LABELS:
        if key.startswith(label):
            return code
    return None
