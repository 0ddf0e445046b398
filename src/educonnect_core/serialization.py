"""Serialization of domain objects to JSON-ready data, kept out of the model.

:func:`make_converter` returns a cattrs converter that turns the value objects
into their canonical strings (``Uai`` → ``"0990007V"``, ``BirthDate`` → ISO
date), an :class:`~educonnect_core.values.Invalid` into ``{"raw", "code",
"reason"}``, dates and datetimes into ISO strings, and enums into their values.
``converter.structure(converter.unstructure(x), type(x)) == x`` for every
domain object; :func:`dumps` and :func:`loads` wrap it with JSON.

The flat row codecs of the SQL stores live with them
(:mod:`educonnect_adapters.sql.rows`): the core knows no column.
"""

from __future__ import annotations

import datetime as dt
import json
import types
import typing
from collections.abc import Callable
from typing import Any, Final, TypeVar

import attrs
import cattrs

from .people import Eleve, Responsable, School, StudentStatus
from .values import BirthDate, EmailAddress, Ine, Invalid, MobilePhone, PersonName, Uai

__all__ = ["dumps", "loads", "make_converter"]

T = TypeVar("T")

#: value objects stored as their canonical string: (class, to string, from string)
_STRING_VALUES: Final[tuple[tuple[type[Any], Callable[[Any], str], Callable[[str], Any]], ...]] = (
    (Uai, lambda v: v.value, Uai),
    (Ine, lambda v: v.value, Ine),
    (MobilePhone, lambda v: v.e164, MobilePhone),
    (EmailAddress, lambda v: v.value, EmailAddress),
    (BirthDate, lambda v: v.value.isoformat(), lambda s: BirthDate(dt.date.fromisoformat(s))),
)


def _is_value_or_invalid(tp: Any) -> bool:
    """``X | Invalid`` or ``X | Invalid | None`` for a string value object ``X``."""
    if typing.get_origin(tp) not in (typing.Union, types.UnionType):
        return False
    args = set(typing.get_args(tp)) - {type(None)}
    return Invalid in args and len(args) == 2


def _from_string(load: Callable[[str], Any]) -> Callable[[Any, Any], Any]:
    def structure(value: Any, _: Any) -> Any:
        return load(value)

    return structure


def make_converter() -> cattrs.Converter:
    """A fresh converter for every domain object of :mod:`educonnect_core`."""
    conv = cattrs.Converter()
    conv.register_unstructure_hook(dt.datetime, lambda d: d.isoformat())
    conv.register_structure_hook(dt.datetime, lambda s, _: dt.datetime.fromisoformat(s))
    conv.register_unstructure_hook(dt.date, lambda d: d.isoformat())
    conv.register_structure_hook(dt.date, lambda s, _: dt.date.fromisoformat(s))
    builders: dict[type[Any], Callable[[str], Any]] = {}
    for cls, dump, load in _STRING_VALUES:
        conv.register_unstructure_hook(cls, dump)
        conv.register_structure_hook(cls, _from_string(load))
        builders[cls] = load

    def structure_union(value: Any, tp: Any) -> Any:
        if value is None:
            if type(None) not in typing.get_args(tp):
                raise ValueError(f"{tp}: None is not allowed")
            return None
        if isinstance(value, dict):
            return Invalid(raw=value["raw"], code=value["code"], reason=value["reason"])
        (cls,) = set(typing.get_args(tp)) - {type(None), Invalid}
        return builders[cls](value)

    def unstructure_union(value: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, Invalid):
            return {"raw": value.raw, "code": value.code, "reason": value.reason}
        return conv.unstructure(value)

    conv.register_structure_hook_func(_is_value_or_invalid, structure_union)
    conv.register_unstructure_hook_func(_is_value_or_invalid, unstructure_union)
    conv.register_unstructure_hook_factory(_is_set, lambda tp: _unstructure_set(conv, tp))
    # fields added later are not written at their default (stored texts stay as they were):
    # a nom de famille equal to the name shown, a school's origin given by its degree
    omitted = cattrs.gen.override(omit_if_default=True)
    conv.register_unstructure_hook(
        PersonName, cattrs.gen.make_dict_unstructure_fn(PersonName, conv, family=omitted)
    )
    conv.register_unstructure_hook(
        School, cattrs.gen.make_dict_unstructure_fn(School, conv, origin=omitted)
    )
    return conv


def _is_set(tp: Any) -> bool:
    return tp in (set, frozenset) or typing.get_origin(tp) in (set, frozenset)


def _unstructure_set(conv: cattrs.Converter, tp: Any) -> Callable[[Any], list[Any]]:
    """Sets (``frozenset[BlockerCode]``…) as JSON lists, sorted: equal sets, equal text."""
    (item,) = typing.get_args(tp) or (Any,)

    def unstructure(value: Any) -> list[Any]:
        items = [conv.unstructure(v, item) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True))

    return unstructure


_CONVERTER: Final = make_converter()


def dumps(obj: object) -> str:
    """Compact JSON of a domain object (keys sorted: equal objects, equal text)."""
    fast = _FAST_DUMPS.get(type(obj))
    if fast is not None:
        try:
            return fast(obj)
        except (_Unusual, KeyError, TypeError, AttributeError):
            pass  # the generic path gives the text, or the error
    return json.dumps(
        _CONVERTER.unstructure(obj), ensure_ascii=False, separators=(",", ":"), sort_keys=True
    )


# --------------------------------------------------------------------------- fast dumps
# Students and responsables are written (and compared as text by the sync) by the
# hundred thousand: these encoders give exactly the text of the generic path above
# (proven by a Hypothesis test), several times faster: each field is encoded by its
# value's type, as the generic path dispatches. Anything unusual (a type not listed)
# falls back to the generic path.


class _Unusual(Exception):
    """A value the fast encoders do not handle."""


_quote: Final = json.encoder.encode_basestring  # as json.dumps(ensure_ascii=False); str only


def _null(value: None) -> str:
    return "null"


def _invalid(value: Invalid) -> str:
    return (
        f'{{"code":{_quote(value.code)},"raw":{_quote(value.raw)},"reason":{_quote(value.reason)}}}'
    )


def _birth(value: BirthDate) -> str:
    return _quote(value.value.isoformat())


def _value(value: Ine | EmailAddress) -> str:
    return _quote(value.value)


def _e164(value: MobilePhone) -> str:
    return _quote(value.e164)


#: a field's JSON by the value's own type, as the generic path dispatches (else KeyError)
_FIELD: Final[dict[type[Any], Callable[[Any], str]]] = {
    type(None): _null,
    str: _quote,
    Invalid: _invalid,
    BirthDate: _birth,
    Ine: _value,
    EmailAddress: _value,
    MobilePhone: _e164,
}


def _name(name: PersonName) -> str:
    if type(name) is not PersonName:
        raise _Unusual
    family = f'"family":{_quote(name.family)},' if name.family else ""
    return f'{{{family}"first":{_quote(name.first)},"last":{_quote(name.last)}}}'


def _dump_eleve(e: Eleve) -> str:
    f, left, status = _FIELD, e.left_on, e.status
    if type(status) is not StudentStatus:
        raise _Unusual
    return (
        f'{{"birth_date":{f[type(e.birth_date)](e.birth_date)},'
        f'"division":{f[type(e.division)](e.division)},"eleve_id":{_quote(e.eleve_id)},'
        f'"email":{f[type(e.email)](e.email)},"ine":{f[type(e.ine)](e.ine)},'
        f'"left_on":{"null" if left is None else _quote(left.isoformat())},'
        f'"mef":{f[type(e.mef)](e.mef)},"mobile":{f[type(e.mobile)](e.mobile)},'
        f'"name":{_name(e.name)},"status":{_quote(status._value_)}}}'
    )


def _dump_responsable(r: Responsable) -> str:
    f = _FIELD
    return (
        f'{{"civilite":{f[type(r.civilite)](r.civilite)},"email":{f[type(r.email)](r.email)},'
        f'"mobile":{f[type(r.mobile)](r.mobile)},"name":{_name(r.name)},'
        f'"personne_id":{_quote(r.personne_id)}}}'
    )


def _fields_are(cls: type[Any], *names: str) -> bool:
    return tuple(sorted(f.name for f in attrs.fields(cls))) == names


# used only while the classes have exactly the fields the encoders write
_FAST_DUMPS: Final[dict[type[Any], Callable[[Any], str]]] = {
    cls: encoder
    for cls, encoder, names in (
        (
            Eleve,
            _dump_eleve,
            (
                "birth_date",
                "division",
                "eleve_id",
                "email",
                "ine",
                "left_on",
                "mef",
                "mobile",
                "name",
                "status",
            ),
        ),
        (Responsable, _dump_responsable, ("civilite", "email", "mobile", "name", "personne_id")),
    )
    if _fields_are(cls, *names) and _fields_are(PersonName, "family", "first", "last")
}


def loads(text: str | bytes, cls: type[T]) -> T:
    """The domain object of type ``cls`` from :func:`dumps` output."""
    return _CONVERTER.structure(json.loads(text), cls)
