"""Vietnamese text normalisation with an offset map back to the source.

One convention everywhere downstream: NFC, the modern tone placement used by
official documents since Decree 30/2020 ("hòa", "ủy", "khỏe"), real Vietnamese
letters instead of look-alikes from PDF converters (Ð→Đ, ƣ→ư), no control or
zero-width characters, single spaces, at most one blank line.

`fold` is the comparison key used by search and scoring: the same, then case
folded; `strip_marks` also drops diacritics ("khuyen cong").
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import regex

from pipeline.document import OffsetMap, apply_edits

LOOKALIKES = str.maketrans({
    "\u00d0": "Đ",  # Ð (Icelandic eth) from PDF converters
    "\u0189": "Đ",  # Ɖ (African D)
    "\u0256": "đ",
    "\u01a3": "ư",  # ƣ (oi) rendered for ư by some fonts
    "\u01a2": "Ư",
})

_TONES = "\u0300\u0301\u0303\u0309\u0323"
# oà/oé/uỷ at the end of a syllable: the tone moves to the first vowel. "qu" is
# a consonant cluster, so "quý" stays as it is.
_OLD_TONE = regex.compile(
    rf"(?<![qQ])([oOuU])([aAeEyY])([{_TONES}])(?![\p{{L}}\p{{M}}])"
)
_WORD = regex.compile(r"[\p{L}\p{M}]+")
_HS = r"[ \t\u00a0\u2000-\u200a\u202f\u3000]"
_NL = r"(?:\r\n|\r|\n|\u2028|\u2029|\x0b|\x0c)"
_OLD_TONE_NFC = "àáảãạÀÁẢÃẠèéẻẽẹÈÉẺẼẸ"
# A mark, a look-alike letter, or an old tone placement ending a word: the word needs `fix_word`.
_WORD_TRIGGER = (r"[\p{M}\u00d0\u0189\u0256\u01a3\u01a2]"
                 rf"|(?:[oO][{_OLD_TONE_NFC}]|[uU][ỳýỷỹỵỲÝỶỸỴ])(?![\p{{L}}\p{{M}}])")
# Only the places that need a change are visited; clean text between them is
# copied as it is, which keeps normalisation fast on long documents.
_TROUBLE = regex.compile(
    rf"(?P<nl>{_HS}+{_NL}(?:{_HS}|{_NL})*|(?:[\r\u2028\u2029\x0b\x0c]|\n(?={_HS}|{_NL}))(?:{_HS}|{_NL})*)"
    rf"|(?P<lead>\A{_HS}+)"
    rf"|(?P<sp>{_HS}{{2,}}|[\t\u00a0\u2000-\u200a\u202f\u3000])"
    r"|(?P<drop>[\x00-\x08\x0e-\x1f\x7f-\x9f\u200b-\u200d\u2060\ufeff\u00ad\ufffe])"
    rf"|(?P<word>{_WORD_TRIGGER})",
)
_LETTER = regex.compile(r"[\p{L}\p{M}]")
# Where a _TROUBLE match can begin, found faster than _TROUBLE finds it (it tries five alternatives at every
# character, the common single space included), each by a scan that the standard library's `re` runs quickly:
# two spaces, a space or "\n" before "\n", "\n" before a space (plain characters), any other blank, break or
# character dropped, and the character before it; the word alternative itself (`regex`, for \p{M}).
_BLANK_CUES = [re.compile(p) for p in ("  +", " \n", "\n[ \n]")]
_ODD = re.compile(r"[\t\u00a0\u2000-\u200a\u202f\u3000\r\u2028\u2029\x0b\x0c"
                  r"\x00-\x08\x0e-\x1f\x7f-\x9f\u200b-\u200d\u2060\ufeff\u00ad\ufffe]")
_WORD_CUE = regex.compile(_WORD_TRIGGER)
_LINE_BREAK = re.compile(r"\r\n?|[\n\u2028\u2029\x0b\x0c]")  # "\r\n" is one


def _troubles(raw: str):
    """The matches of `_TROUBLE.finditer(raw)`, _TROUBLE being tried only where one can begin.

    A match depends on the text from its start on (`\\A` aside: the text's start is tried). One that opens with
    a blank or a break opens a run of them (the character before, were it one, would open a match itself), and
    holds two: two plain spaces, " \n", "\n " or "\n\n" at the run's start, or some other blank or break, which
    is found itself and with the character before it."""
    starts = {0, *(m.start() for m in _WORD_CUE.finditer(raw, overlapped=True))}
    for cue in _BLANK_CUES:
        starts.update(m.start() for m in cue.finditer(raw))
    for m in _ODD.finditer(raw):
        starts.update((m.start() - 1, m.start()))
    starts.discard(-1)
    end = 0
    for pos in sorted(starts):
        if pos >= end:
            m = _TROUBLE.match(raw, pos)
            if m:
                yield m
                end = m.end()


def fix_word(word: str) -> str:
    """NFC, look-alike letters and modern tone placement for one word."""
    w = unicodedata.normalize("NFD", word.translate(LOOKALIKES))
    w = _OLD_TONE.sub(lambda m: m[1] + m[3] + m[2], w)
    return unicodedata.normalize("NFC", w)


def normalise(raw: str) -> tuple[str, OffsetMap]:
    """Normalise `raw`; return the text and the map of its offsets into `raw`."""
    edits: list[tuple[int, int, str]] = []
    last = 0
    for m in _troubles(raw):
        start, end, kind = m.start(), m.end(), m.lastgroup
        if kind == "word":  # widen the trigger to its whole word
            if start < last:
                continue
            while start > last and _LETTER.match(raw, start - 1):
                start -= 1
            while end < len(raw) and _LETTER.match(raw, end):
                end += 1
        tok = raw[start:end]
        if kind == "word":
            rep = fix_word(tok)
        elif kind == "nl":
            rep = "\n\n" if len(_LINE_BREAK.findall(tok)) > 1 else "\n"
        elif kind == "sp":
            rep = " "
        else:
            rep = ""
        if rep != tok:
            edits.append((start, end, rep))
        last = end
    text, omap = apply_edits(raw, edits)
    return text.rstrip(), omap


@lru_cache(maxsize=8192)  # the extractors fold the same names and phrases many times (1 call in 8 is new)
def fold(s: str) -> str:
    """Comparison key: normalised, case folded, spaces collapsed."""
    s = " ".join(_WORD.sub(lambda m: fix_word(m.group()), s).split())
    return s.casefold()


# Each precomposed Latin letter to its base letter; đ/Đ have no decomposition and are mapped by hand.
_UNMARK = {c: unicodedata.normalize("NFD", chr(c))[0] for c in [*range(0xC0, 0x250), *range(0x1E00, 0x1F00)]
           if len(unicodedata.normalize("NFD", chr(c))) > 1} | {ord("đ"): "d", ord("Đ"): "D"}
# The same as a list by code point, every other character below U+3000 (punctuation included) mapped to itself:
# `str.translate` reads it without the KeyError that a dict raises for each character it leaves alone, twice as
# fast; a character past the list's end raises IndexError and is left alone too.
_UNMARK_TABLE = [ord(_UNMARK.get(c, chr(c))) for c in range(0x3000)]


def unmark(s: str) -> str:
    """Letters without their marks, one character for one, case kept ("Ủy ban" → "Uy ban"): offsets in the
    result are offsets in `s`, so a match found without marks is a span of the text with them."""
    return s.translate(_UNMARK_TABLE)


@lru_cache(maxsize=8192)
def strip_marks(s: str) -> str:
    """The comparison key without diacritics (đ→d too): `fold`, then `unmark` ("Khuyến  Công" → "khuyen cong")."""
    return unmark(fold(s))
