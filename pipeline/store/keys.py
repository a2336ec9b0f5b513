"""Canonical keys that link a citation to the cited document.

A reference's `key` comes from the reference extractor (extractors.legal_keys);
a document's own keys must be made the same way, so both go through that
module: `number_key` for a number typed by a person, `document_keys` for a
stored document (its own key and the partial keys, "NĐ:45/2012", that
citations printing only part of the number carry). Should legal_keys be
missing, the fallback is the number uppercased with spaces removed.
"""

from __future__ import annotations

import regex

from pipeline.normalise import fix_word
from pipeline.records import Reference
from pipeline.store.searchtext import index_text

try:
    from extractors import legal_keys as _lk
except ImportError:  # pragma: no cover - only before the reference extractor existed
    _lk = None

_SPACES = regex.compile(r"\s+")


def _fallback_number_key(number: str) -> str:
    s = " ".join(fix_word(w) for w in number.split())
    return _SPACES.sub("", s).upper()


def number_key(number: str | None) -> str | None:
    """Key of a document number ("45/2012/nđ-cp" → "45/2012/NĐ-CP")."""
    if not number or not number.strip():
        return None
    if _lk is not None:
        try:
            key = _lk.number_key(number)
        except Exception:  # a key helper bug must not stop an import
            key = None
        if key:
            return key
    return _fallback_number_key(number)


def document_keys(number: str | None, doc_type: str | None) -> tuple[str | None, list[str]]:
    """(own key, partial keys) of a stored document."""
    if not number or not number.strip():
        return None, []
    if _lk is not None:
        try:
            return _lk.own_key(number, doc_type) or number_key(number), list(_lk.aliases(number, doc_type))
        except Exception:
            pass
    return _fallback_number_key(number), []


def title_key(doc_type: str | None, title: str | None) -> str | None:
    """Key of a document cited by name only ("Luật Đầu tư") when the extractor gave none."""
    if not title:
        return None
    t, dt = index_text(title), index_text(doc_type)
    if dt and not t.startswith(dt):
        t = f"{dt} {t}"
    return "title:" + t


def reference_key(ref: Reference) -> str | None:
    return ref.key or number_key(ref.number) or title_key(ref.doc_type, ref.title)
