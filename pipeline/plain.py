"""Records as plain dicts and lists, for JSON and the store.

`dataclasses.asdict` deep-copies every leaf value it meets (`copy.deepcopy` of each string and number) and
walks fields it is then told to drop; on a document's segments and records that was a twentieth of the
whole extraction. Records hold only dataclasses, lists, tuples, dicts and immutable leaves, so building
the dicts and sharing the leaves gives the same JSON at a fraction of the cost.
"""

from __future__ import annotations

from dataclasses import fields, is_dataclass

_LEAVES = frozenset({str, int, float, bool, type(None)})
_FIELDS: dict[type, tuple[str, ...]] = {}  # a dataclass's field names, in order


def _field_names(cls: type) -> tuple[str, ...] | None:
    names = _FIELDS.get(cls)
    if names is None and is_dataclass(cls):
        names = _FIELDS[cls] = tuple(f.name for f in fields(cls))
    return names


def plain(obj, skip: frozenset[str] = frozenset()):
    """`obj` as dicts (one per dataclass, fields in order, `skip`ped names left out at the top), lists,
    tuples and the leaves themselves, as `dataclasses.asdict` gives it."""
    cls = type(obj)
    if cls in _LEAVES:
        return obj
    if cls is list:
        return [plain(v) for v in obj]
    names = _field_names(cls)
    if names is not None:
        return {n: plain(getattr(obj, n)) for n in names if n not in skip}
    if isinstance(obj, list):
        return [plain(v) for v in obj]
    if isinstance(obj, tuple):
        return tuple(plain(v) for v in obj)
    if isinstance(obj, dict):
        return {plain(k): plain(v) for k, v in obj.items()}
    return obj
