"""The bodies table: one row per canonical body name, its printed aliases,
its level in the state hierarchy and its parent when a header states it."""

from __future__ import annotations

from functools import lru_cache

import regex

from extractors.bodies import canonical_body
from pipeline.store.backend import Store
from pipeline.store.searchtext import index_text

_LEVELS = [
    ("trung ương", regex.compile(r"^(bo |chinh phu|thu tuong|quoc hoi|uy ban thuong vu quoc hoi|cuc |tong cuc |vu |"
                                 r"van phong chinh phu|toa an nhan dan toi cao|vien kiem sat nhan dan toi cao|"
                                 r"ngan hang nha nuoc viet nam|kiem toan nha nuoc)")),
    ("xã", regex.compile(r"\b(xa|phuong|thi tran)\b(?! hoi)")),
    ("huyện", regex.compile(r"\b(huyen|quan|thi xa|thanh pho \w+ thuoc tinh)\b")),
    ("tỉnh", regex.compile(r"\b(tinh|thanh pho)\b|^(so |chi cuc |ban quan ly )")),
]


@lru_cache(maxsize=8192)
def body_key(name: str) -> str:
    return index_text(name)


@lru_cache(maxsize=8192)
def _canonical(name: str) -> str:
    return canonical_body(name)  # pure and regex-heavy; an archive names the same bodies again and again


def body_level(name: str) -> str | None:
    """Level from the name: "Sở Công Thương" → tỉnh, "Bộ Công Thương" → trung ương."""
    k = body_key(name)
    for level, pat in _LEVELS:
        if pat.search(k):
            return level
    return None


def ensure_body(store: Store, name: str, printed: str | None = None, parent_id: int | None = None) -> int | None:
    """Id of the body with this canonical name, created on first sight."""
    name = _canonical(name) if name else name
    if not name:
        return None
    # one row per name up to accents' and capitals' spelling variants ("Sở Công thương")
    row = store.one("SELECT id, parent_id FROM bodies WHERE name = ?", (name,)) or store.one(
        "SELECT id, parent_id FROM bodies WHERE name_key = ? ORDER BY id", (body_key(name),))
    if row is None:
        # another writer may have added it since the look-up: keep theirs (race-safe on PostgreSQL too)
        new = store.query("INSERT INTO bodies (name, name_key, level, parent_id) VALUES (?, ?, ?, ?) "
                          "ON CONFLICT (name) DO NOTHING RETURNING id",
                          (name, body_key(name), body_level(name), parent_id))
        row = None if new else store.one("SELECT id, parent_id FROM bodies WHERE name = ?", (name,))
        body_id = new[0]["id"] if new else row["id"]
    if row is not None:
        body_id = row["id"]
        if parent_id and row["parent_id"] is None and parent_id != body_id:
            store.execute("UPDATE bodies SET parent_id = ? WHERE id = ?", (parent_id, body_id))
    for alias in {name, printed or name}:
        store.execute("INSERT INTO body_aliases (alias_key, body_id, alias) VALUES (?, ?, ?) "
                      "ON CONFLICT DO NOTHING", (body_key(alias), body_id, alias))
    return body_id
