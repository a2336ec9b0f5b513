"""Canonical keys that link a citation to the cited document.

A reference's `key` (from the reference extractor) and a document's own key
must be made the same way, so both go through `number_key`. Until
extractors/legal_keys.py lands, the fallback is the number uppercased with
spaces removed; switching is this one function.
"""

from __future__ import annotations

import regex

from pipeline.normalise import fix_word, strip_marks
from pipeline.records import Reference

_SPACES = regex.compile(r"\s+")


def _legal_key():
    try:  # the reference engineer's canonical key, when it exists
        from extractors import legal_keys  # type: ignore[attr-defined]
    except ImportError:
        return None
    for name in ("number_key", "document_key", "canonical_key", "key_for_number"):
        fn = getattr(legal_keys, name, None)
        if callable(fn):
            return fn
    return None


_LEGAL_KEY = _legal_key()


def _fallback_number_key(number: str) -> str:
    s = " ".join(fix_word(w) for w in number.split())
    return _SPACES.sub("", s).upper()


def number_key(number: str | None) -> str | None:
    """Key of a document number ("45/2012/NĐ-CP" → "45/2012/NĐ-CP")."""
    if not number or not number.strip():
        return None
    if _LEGAL_KEY is not None:
        try:
            key = _LEGAL_KEY(number)
        except Exception:  # a key helper bug must not stop an import
            key = None
        if key:
            return key
    return _fallback_number_key(number)


def title_key(doc_type: str | None, title: str | None) -> str | None:
    """Key of a document cited by name only ("Luật Đầu tư")."""
    if not title:
        return None
    t = strip_marks(title)
    dt = strip_marks(doc_type or "")
    if dt and not t.startswith(dt):
        t = f"{dt} {t}"
    return "title:" + " ".join(regex.findall(r"\w+", t))


def reference_key(ref: Reference) -> str | None:
    return ref.key or number_key(ref.number) or title_key(ref.doc_type, ref.title)
