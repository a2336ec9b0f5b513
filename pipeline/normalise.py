"""Vietnamese text normalisation with an offset map back to the source.

One convention everywhere downstream: NFC, the modern tone placement used by
official documents since Decree 30/2020 ("hòa", "ủy", "khỏe"), real Vietnamese
letters instead of look-alikes from PDF converters (Ð→Đ, ƣ→ư), no control or
zero-width characters, single spaces, at most one blank line.

`fold` is the comparison key used by search and scoring: the same, then case
folded; `strip_marks` also drops diacritics ("khuyen cong").
"""

from __future__ import annotations

import unicodedata

import regex

from pipeline.document import OffsetMap

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
_TOKEN = regex.compile(
    r"(?P<word>[\p{L}\p{M}]+)"
    r"|(?P<nl>[ \t\u00a0\u2000-\u200a\u202f\u3000]*(?:\r\n|\r|\n|\u2028|\u2029|\x0b|\x0c)"
    r"(?:[ \t\u00a0\u2000-\u200a\u202f\u3000\r\n\u2028\u2029\x0b\x0c])*)"
    r"|(?P<sp>[ \t\u00a0\u2000-\u200a\u202f\u3000]+)"
    r"|(?P<drop>[\x00-\x08\x0e-\x1f\x7f-\x9f\u200b-\u200d\u2060\ufeff\u00ad\ufffe])"
    r"|(?P<other>.)",
    regex.DOTALL,
)


def fix_word(word: str) -> str:
    """NFC, look-alike letters and modern tone placement for one word."""
    w = unicodedata.normalize("NFD", word.translate(LOOKALIKES))
    w = _OLD_TONE.sub(lambda m: m[1] + m[3] + m[2], w)
    return unicodedata.normalize("NFC", w)


def normalise(raw: str) -> tuple[str, OffsetMap]:
    """Normalise `raw`; return the text and the map of its offsets into `raw`."""
    out: list[str] = []
    omap = OffsetMap()
    pos = 0
    for m in _TOKEN.finditer(raw):
        kind = m.lastgroup
        tok = m.group()
        if kind == "word":
            rep = fix_word(tok)
        elif kind == "nl":
            breaks = sum(tok.count(c) for c in "\n\u2028\u2029\x0b\x0c") + tok.count("\r") - tok.count("\r\n")
            rep = "\n\n" if breaks > 1 else "\n"
            if out and out[-1].endswith(" "):
                out[-1] = out[-1][:-1]
                pos -= 1
        elif kind == "sp":
            rep = "" if (not out or out[-1].endswith("\n")) else " "
        elif kind == "drop":
            rep = ""
        else:
            rep = unicodedata.normalize("NFC", tok)
        omap.add(pos, m.start())
        out.append(rep)
        pos += len(rep)
        omap.add(pos, m.end())
    text = "".join(out)
    stripped = text.rstrip()
    return stripped, omap


def fold(s: str) -> str:
    """Comparison key: normalised, case folded, spaces collapsed."""
    s = " ".join(_WORD.sub(lambda m: fix_word(m.group()), s).split())
    return s.casefold()


def strip_marks(s: str) -> str:
    """Drop diacritics (đ→d too) for accent-insensitive search."""
    s = unicodedata.normalize("NFD", fold(s))
    s = "".join(c for c in s if not unicodedata.combining(c))
    return s.replace("đ", "d")
