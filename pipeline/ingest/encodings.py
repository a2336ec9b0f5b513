"""Legacy Vietnamese 8-bit encodings and a Vietnamese-ness score to pick one.

Archives from before Unicode (TCVN 5712:1993 "ABC", VNI-Windows, CP1258) are
still common, and web pages often show TCVN3 text mis-decoded as Latin-1
("QuyÕt ®Þnh" for "Quyết định"). Decoding is chosen by scoring the candidate
texts: the share of their words that are well-formed Vietnamese syllables.

The tables are from the published code charts:
- TCVN3 (VN3/ABC, font .VnTime): one byte per letter in 0xA1-0xFE; upper-case
  toned letters exist only as the separate .VnTimeH fonts, which reuse the
  lower-case codes (so an upper-case word comes out in lower case).
- VNI-Windows: base letter + one modifier byte for most letters (á = "a"+0xF9),
  single bytes for ơ ư đ and the i/ỵ letters.
"""

from __future__ import annotations

import functools
import re
import unicodedata

import regex

# TCVN3 byte -> letter; bytes not listed mean themselves (ASCII, unused codes).
_TCVN3_CODES = {
    0xA1: "Ă", 0xA2: "Â", 0xA3: "Ê", 0xA4: "Ô", 0xA5: "Ơ", 0xA6: "Ư", 0xA7: "Đ",
    0xA8: "ă", 0xA9: "â", 0xAA: "ê", 0xAB: "ô", 0xAC: "ơ", 0xAD: "ư", 0xAE: "đ",
    0xB5: "à", 0xB6: "ả", 0xB7: "ã", 0xB8: "á", 0xB9: "ạ",
    0xBB: "ằ", 0xBC: "ẳ", 0xBD: "ẵ", 0xBE: "ắ", 0xC6: "ặ",
    0xC7: "ầ", 0xC8: "ẩ", 0xC9: "ẫ", 0xCA: "ấ", 0xCB: "ậ",
    0xCC: "è", 0xCE: "ẻ", 0xCF: "ẽ", 0xD0: "é", 0xD1: "ẹ",
    0xD2: "ề", 0xD3: "ể", 0xD4: "ễ", 0xD5: "ế", 0xD6: "ệ",
    0xD7: "ì", 0xD8: "ỉ", 0xDC: "ĩ", 0xDD: "í", 0xDE: "ị",
    0xDF: "ò", 0xE1: "ỏ", 0xE2: "õ", 0xE3: "ó", 0xE4: "ọ",
    0xE5: "ồ", 0xE6: "ổ", 0xE7: "ỗ", 0xE8: "ố", 0xE9: "ộ",
    0xEA: "ờ", 0xEB: "ở", 0xEC: "ỡ", 0xED: "ớ", 0xEE: "ợ",
    0xEF: "ù", 0xF1: "ủ", 0xF2: "ũ", 0xF3: "ú", 0xF4: "ụ",
    0xF5: "ừ", 0xF6: "ử", 0xF7: "ữ", 0xF8: "ứ", 0xF9: "ự",
    0xFA: "ỳ", 0xFB: "ỷ", 0xFC: "ỹ", 0xFD: "ý", 0xFE: "ỵ",
}
# Applied to text whose bytes were read as Latin-1 (or CP1252: same in 0xA0-0xFF).
TCVN3 = str.maketrans({chr(b): u for b, u in _TCVN3_CODES.items()})

# VNI-Windows, as the characters its bytes become under CP1252/Latin-1.
_TONE = {"ù": "\u0301", "ø": "\u0300", "û": "\u0309", "õ": "\u0303", "ï": "\u0323"}
_CIRC = {"â": "", "á": "\u0301", "à": "\u0300", "å": "\u0309", "ã": "\u0303", "ä": "\u0323"}
_BREVE = {"ê": "", "é": "\u0301", "è": "\u0300", "ú": "\u0309", "ü": "\u0303", "ë": "\u0323"}
_VNI_SINGLE = {"ô": "ơ", "ö": "ư", "ñ": "đ", "í": "í", "ì": "ì", "æ": "ỉ", "ó": "ĩ", "ò": "ị", "î": "ỵ"}


def _vni_table() -> dict[str, str]:
    table: dict[str, str] = {}

    def put(seq: str, marks: str) -> None:
        u = unicodedata.normalize("NFC", marks)
        table[seq] = u
        table[seq.upper()] = u.upper()
        if len(seq) == 2:  # capitalised words: "Aù" as well as "AÙ"
            table[seq[0].upper() + seq[1]] = u.upper()

    for base in "aeouy":
        for m, tone in _TONE.items():
            put(base + m, base + tone)
    for base in "aeo":
        for m, tone in _CIRC.items():
            put(base + m, base + "\u0302" + tone)
    for m, tone in _BREVE.items():
        put("a" + m, "a\u0306" + tone)
    for s, u in _VNI_SINGLE.items():
        put(s, u)
        for m, tone in _TONE.items():
            if u in "ơư":
                put(s + m, u + tone)
    return table


VNI = _vni_table()


@functools.cache
def _vni_re() -> regex.Pattern:
    """VNI's letter sequences, longest first; compiled on first use, since most texts never need it."""
    return regex.compile("|".join(sorted(map(regex.escape, VNI), key=len, reverse=True)))


def vni_to_unicode(s: str) -> str:
    """VNI-Windows text read as CP1252/Latin-1 -> Unicode."""
    return _vni_re().sub(lambda m: VNI[m.group()], s)


def tcvn3_to_unicode(s: str) -> str:
    """TCVN3 text read as Latin-1/CP1252 -> Unicode.

    Text set in .VnTimeH shows lower-case codes as capitals: a line whose ASCII
    letters are all capitals, or a word with two or more, is upper-cased whole.
    """
    out = s.translate(TCVN3)
    if out == s:
        return out
    return "\n".join(_recase_line(ln) for ln in out.split("\n"))


def _recase_line(line: str) -> str:
    letters = [c for c in line if c.isascii() and c.isalpha()]
    if len(letters) >= 4 and all(c.isupper() for c in letters):
        return line.upper()
    return _WORDISH.sub(_recase_word, line)


def _recase_word(m: regex.Match) -> str:
    w = m.group()
    letters = [c for c in w if c.isascii() and c.isalpha()]
    if len(letters) >= 2 and all(c.isupper() for c in letters):
        return w.upper()
    return w


def legacy_converter(font: str | None):
    """The converter for text set in a legacy Vietnamese font, or None.

    TCVN3 fonts are named ".VnTime", ".VnArial"...; their "H" variants
    (".VnTimeH") show every letter as a capital. VNI fonts are "VNI-Times"...
    """
    name = (font or "").strip().strip("'\"").lower()
    if name.startswith(".vn"):
        if name.endswith("h"):
            return lambda s: tcvn3_to_unicode(s).upper()
        return tcvn3_to_unicode
    if name.startswith("vni-") or name.startswith("vni "):
        return vni_to_unicode
    return None


# --- scoring ---------------------------------------------------------------

_WORDISH = regex.compile(r"[^\s\d.,;:!?()\[\]{}\"'“”‘’/\\\-–—_*+=<>|#%&@…]+")
_ONSET = r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|th|tr|qu|[bcdđghklmnprstvx])?"
# Vowel nuclei (tone marks removed), longest first; then the final consonant.
_NUCLEI = sorted("""
a ă â e ê i y o ô ơ u ư
ai ao au ay âu ây eo êu ia iu iê oa oă oe oi oo ôi ơi ua uâ uê ui uô uy uơ ưa ưi ươ ưu ye yê
iêu yêu oai oay oao oeo uây uôi uya uyê uyu ươi ươu
""".split(), key=len, reverse=True)


@functools.cache
def _syllable() -> regex.Pattern:
    """Compiled on first use: only texts that may be in a legacy encoding are scored."""
    return regex.compile(rf"{_ONSET}(?:{'|'.join(_NUCLEI)})(?:ch|ng|nh|[cmnpt])?", regex.V1)


_TONES = set("\u0300\u0301\u0303\u0309\u0323")
_VIET_EXTRA = set("ăâêôơưđ")


def is_syllable(word: str) -> bool:
    """A well-formed Vietnamese syllable: onset, vowel nucleus, final, one tone mark."""
    d = unicodedata.normalize("NFD", word.lower())
    tones = sum(c in _TONES for c in d)
    if tones > 1:
        return False
    base = unicodedata.normalize("NFC", "".join(c for c in d if c not in _TONES))
    return _syllable().fullmatch(base) is not None


def _is_marked(word: str) -> bool:
    return any(not c.isascii() for c in word)


def word_score(word: str) -> int:
    """+1 for a Vietnamese syllable with diacritics, -1 for a non-ASCII word that
    is not one, 0 for plain ASCII or a single character (telling nothing)."""
    if len(word) < 2 or not _is_marked(word):
        return 0
    return 1 if is_syllable(unicodedata.normalize("NFC", word)) else -1


def text_score(text: str) -> int:
    return sum(word_score(m.group()) for m in _WORDISH.finditer(text))


def vietnamese_share(text: str) -> float:
    """Share of the words with diacritics that are Vietnamese syllables (0..1)."""
    good = bad = 0
    for m in _WORDISH.finditer(text):
        s = word_score(m.group())
        good += s > 0
        bad += s < 0
    return good / (good + bad) if good + bad else 0.0


# Latin-1 letters and signs that never occur in Unicode Vietnamese text: where a
# text has them, a legacy encoding may have been mis-read.
_VIET_LATIN1 = set("àáâãèéêìíòóôõùúýÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝ")
_SUSPECT = regex.compile(r"[\u00a1-\u00ff]")


# _SUSPECT less _VIET_LATIN1, as one set of plain characters: counted in C, not match by match.
_SUSPECT_OTHER = re.compile("[" + "".join(re.escape(chr(c)) for c in range(0xA1, 0x100) if chr(c) not in _VIET_LATIN1)
                            + "]")


def suspect_chars(text: str) -> int:
    return len(_SUSPECT_OTHER.findall(text))


REPAIRS = {"tcvn3": tcvn3_to_unicode, "vni": vni_to_unicode}
# Letters a legacy encoding read as Latin-1 cannot produce: a line holding one
# is already Unicode.
_BEYOND_LATIN1 = regex.compile(r"[\u0100-\u024f\u1e00-\u1eff]")


def repair_mojibake(text: str) -> tuple[str, str | None]:
    """Convert lines of TCVN3/VNI text mis-decoded as Latin-1 inside Unicode text.

    Decided line by line (a page can mix a Unicode heading with a legacy body):
    a line is converted when that makes more of its words Vietnamese syllables;
    a line that scores the same either way ("Bé", "Công báo") is converted only
    when most of the document's legacy-looking lines clearly were.
    Returns the text and the legacy encoding found, or None when nothing changed.
    """
    if suspect_chars(text) < 3:
        return text, None
    lines = text.split("\n")
    eligible = [i for i, ln in enumerate(lines) if _SUSPECT.search(ln) and not _BEYOND_LATIN1.search(ln)]
    best: tuple[int, str, dict[int, str], list[int]] | None = None
    for name, conv in REPAIRS.items():
        converted = {i: conv(lines[i]) for i in eligible}
        changed = [i for i in eligible if converted[i] != lines[i]]
        gains = [text_score(converted[i]) - text_score(lines[i]) for i in changed]
        clear = sum(g > 0 for g in gains) - sum(g < 0 for g in gains)
        # Two lines made clearly better, or one with three words set right.
        if (clear >= 2 or (clear == 1 and max(gains) >= 3)) and (best is None or clear > best[0]):
            ties = [i for i, g in zip(changed, gains, strict=True) if g == 0]
            strict = [i for i, g in zip(changed, gains, strict=True) if g > 0]
            best = (clear, name, converted, strict + (ties if clear >= 0.5 * len(changed) else []))
    if best is None:
        return text, None
    _, name, converted, chosen = best
    for i in chosen:
        lines[i] = converted[i]
    return "\n".join(lines), name
