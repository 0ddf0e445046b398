"""Serialization of domain objects to JSON-ready data, kept out of the model.

:func:`make_converter` returns a cattrs converter that turns the value objects
into their canonical strings (``Uai`` → ``"0990007V"``, ``BirthDate`` → ISO
date), an :class:`~educonnect_core.values.Invalid` into ``{"raw", "code",
"reason"}``, dates and datetimes into ISO strings, and enums into their values.
``converter.structure(converter.unstructure(x), type(x)) == x`` for every
domain object.
"""

from __future__ import annotations

import datetime as dt
import json
import types
import typing
from collections.abc import Callable
from typing import Any, Final, TypeVar

import cattrs

from .values import BirthDate, EmailAddress, Ine, Invalid, MobilePhone, Uai

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
    return conv


_CONVERTER: Final = make_converter()


def dumps(obj: object) -> str:
    """Compact JSON of a domain object."""
    return json.dumps(
        _CONVERTER.unstructure(obj), ensure_ascii=False, separators=(",", ":"), sort_keys=True
    )


def loads(text: str | bytes, cls: type[T]) -> T:
    """The domain object of type ``cls`` from :func:`dumps` output."""
    return _CONVERTER.structure(json.loads(text), cls)
