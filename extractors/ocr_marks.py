"""Tone marks OCR misread in a trích yếu, repaired from general Vietnamese word lists.

Tesseract reads a tone mark it is unsure of as another ("quy định chỉ tiết" for "chi tiết", "các chỉ phí" for
"chi phí", "sửa đối, bố sung" for "sửa đổi, bổ sung", "tô chức" for "tổ chức"), and the running text of the same
scan repeats the misreading, so the document cannot correct itself. The language can: the pair of syllables as
printed is no word and never seen side by side, while changing the tone of one of them gives a word.

A pair is repaired only when
- it is no two-syllable word of underthesea's Viet74K list and does not occur in underthesea's tagged running
  text (the VLSP 2013 part-of-speech test output it ships: 66,000 words of news and legal prose), which holds the
  collocations the word list lacks ("cấp tỉnh", "tại khoản");
- exactly one spelling that changes the tone mark of one of its syllables (never a vowel's shape: "tổng mức" is
  not "tổng mục") is a word of the list and occurs in that running text;
- neither syllable makes a word (or a pair seen in the running text) with its other neighbour: pairs straddle
  word boundaries ("quy định chi tiết": "định chi" is no word, but "quy định" is, so "định" stays);
- both syllables are in lower case (a capitalised word is a name or a code), the subject's first word aside.

Three syllables that are no word and never seen together are first spelled as the one three-syllable word of the
list, seen in the running text, that changes the marks of one or two of them ("tô dân phó" → "tổ dân phố": a
vowel's shape may change here, the word of three being evidence enough), unless a syllable changed at either end
makes a word with its outer neighbour.

Both files are found inside the installed package without importing it (the package loads its models) and read
once, on first use; without them nothing changes.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import regex

from extractors.bodies import underthesea_file
from pipeline.normalise import fix_word, unmark

_TONES = ("\u0300", "\u0301", "\u0303", "\u0309", "\u0323")  # grave, acute, tilde, hook above, dot below (NFD)
_TONE_RE = regex.compile(f"[{''.join(_TONES)}]")
_OLD_TONE_END = regex.compile(r"(?<![qQ])[ouOU][àáảãạèéẻẽẹỳýỷỹỵ](?!\p{L})")  # "hoà", "thuỷ": fix_word's case
_SYLLABLE = regex.compile(r"\p{L}+")

_LEX: dict[str, object] = {}


def _package_file(*parts: str) -> str | None:
    """The text of a file inside the installed underthesea package, lower case, NFC, in the normaliser's modern
    tone placement (as a document's text has it); None when it cannot be read."""
    raw = underthesea_file(*parts)
    if raw is None:
        return None
    content = unicodedata.normalize("NFC", raw.lower())
    return _OLD_TONE_END.sub(lambda m: _modern(m[0]), content)


@lru_cache(maxsize=64)
def _modern(pair: str) -> str:
    return fix_word(pair)


def _tone(s: str) -> str:
    return "".join(_TONE_RE.findall(unicodedata.normalize("NFD", s)))


# lines holding one space (two syllables) and two (three), neither at either end
_TWO_SYLLABLES = re.compile(r"^[^ \n]+ [^ \n]+$", re.MULTILINE)
_THREE_SYLLABLES = re.compile(r"^[^ \n]+ [^ \n]* [^ \n]+$", re.MULTILINE)


def _words() -> set[str]:
    """Two-syllable words of Viet74K (its three-syllable ones kept aside for `_threes`)."""
    if "words" not in _LEX:
        content = _package_file("corpus", "data", "Viet74K.txt") or ""
        _LEX["words"] = set(_TWO_SYLLABLES.findall(content))
        _LEX["three_lines"] = _THREE_SYLLABLES.findall(content)
    return _LEX["words"]  # type: ignore[return-value]


def _threes() -> dict[str, list[str]]:
    """Three-syllable words of Viet74K by their letters without marks."""
    if "threes" not in _LEX:
        _words()
        lines: list[str] = _LEX.pop("three_lines")  # type: ignore[assignment]
        index: dict[str, list[str]] = {}
        for w, k in zip(lines, unmark("\n".join(lines)).split("\n"), strict=True):
            index.setdefault(k, []).append(w)
        _LEX["threes"] = index
    return _LEX["threes"]  # type: ignore[return-value]


_VOWEL = regex.compile("[aeiouy][\u0302\u0306\u031b]*")  # a vowel and its shape marks (NFD): where a tone goes


@lru_cache(maxsize=4096)
def _retoned(syl: str) -> tuple[str, ...]:
    """`syl` with each other tone mark (or none) on each of its vowels: the spellings one tone mark away, some
    of them misplaced (those are no word)."""
    bare = _TONE_RE.sub("", unicodedata.normalize("NFD", syl))
    tone = _tone(syl)
    out = set()
    for m in _VOWEL.finditer(bare):
        for t in ("", *_TONES):
            if t != tone:
                out.add(unicodedata.normalize("NFC", bare[:m.end()] + t + bare[m.end():]))
    return tuple(out)


_TAGS = re.compile(r"\t[^\n]*")
_BLANK_LINE = re.compile(r"^$", re.MULTILINE)  # between sentences


def _running_text() -> str:
    """The VLSP sentences' syllables one space apart, sentences parted by " | ", with a space at both ends:
    a pair was seen side by side where " a b " is in it."""
    if "running" not in _LEX:
        content = _package_file("pipeline", "pos_tag", "models", "pos_crf_vlsp2013_20230303", "test_output.txt")
        tokens = _TAGS.sub("", content or "")  # a token, then its tags
        _LEX["running"] = " " + _BLANK_LINE.sub("|", tokens).replace("\n", " ") + " "
    return _LEX["running"]  # type: ignore[return-value]


@lru_cache(maxsize=4096)
def _seen(words: str) -> bool:
    """Whether the running text prints these syllables side by side."""
    return f" {words} " in _running_text()


def _cased(new: str, old: str) -> str:
    if old.isupper() and len(old) > 1:
        return new.upper()
    return new[:1].upper() + new[1:] if old[:1].isupper() else new


def repair_marks(s: str) -> str:
    """`s` with each pair of syllables that is no word, but one tone mark away from exactly one word, spelled as
    that word, where neither syllable makes a word with its other neighbour (the module's rules)."""
    toks = list(_SYLLABLE.finditer(s or ""))
    if len(toks) < 2:
        return s
    words = _words()
    if not words:
        return s
    low = [t[0].lower() for t in toks]
    usable = [t[0].islower() or (i == 0 and t[0][1:].islower()) for i, t in enumerate(toks)]
    # a syllable pairs with the next one across one space only
    joined = [toks[i + 1].start() == toks[i].end() + 1 and s[toks[i].end()] == " " for i in range(len(toks) - 1)]
    joined.append(False)

    def word(i: int, seen: bool) -> bool:  # syllables i and i+1 make a word (or, with `seen`, were seen together)
        if not (0 <= i < len(low) - 1 and joined[i]):
            return False
        pair = f"{low[i]} {low[i + 1]}"
        return pair in words or (seen and _seen(pair))

    changed = False
    # three syllables that are no word and never seen together, whose tone marks changed on one or two of them
    # make exactly one word of three that running text prints ("tô dân phó" → "tổ dân phố"); a syllable changed
    # at either end must not make a word with its outer neighbour
    for i in range(len(toks) - 2):
        if not (joined[i] and joined[i + 1] and usable[i] and usable[i + 1] and usable[i + 2]):
            continue
        run = f"{low[i]} {low[i + 1]} {low[i + 2]}"
        cands = _threes().get(unmark(run), ())
        if not cands or run in cands:
            continue
        cands = [w for w in cands if sum(x != y for x, y in zip(w.split(" "), low[i:i + 3], strict=True)) <= 2]
        if len(cands) != 1 or (word(i, seen=True) and word(i + 1, seen=True)) or _seen(run) or not _seen(cands[0]):
            continue
        new = cands[0].split(" ")
        if (new[0] != low[i] and word(i - 1, seen=False)) or (new[2] != low[i + 2] and word(i + 2, seen=False)):
            continue
        low[i:i + 3] = new
        changed = True
    for i in range(len(toks) - 1):
        if not (joined[i] and usable[i] and usable[i + 1]):
            continue
        a, b = low[i], low[i + 1]
        if f"{a} {b}" in words:
            continue
        cands = {f"{x} {b}" for x in _retoned(a) if f"{x} {b}" in words}
        cands |= {f"{a} {y}" for y in _retoned(b) if f"{a} {y}" in words}
        if not cands:
            continue
        cands = {w for w in cands if _seen(w)}
        if len(cands) != 1 or _seen(f"{a} {b}"):
            continue
        x, y = next(iter(cands)).split(" ")
        # the syllable kept must not belong to its other neighbour (the pair would straddle two words), and the
        # one changed must not make a word, or a pair seen in running text, with its other neighbour as printed
        if word(i - 1, seen=x != a) or word(i + 1, seen=y != b):
            continue
        low[i], low[i + 1] = x, y
        changed = True
    if not changed:
        return s
    out, last = [], 0
    for t, new in zip(toks, low, strict=True):
        if new != t[0].lower():
            out += [s[last:t.start()], _cased(new, t[0])]
            last = t.end()
    out.append(s[last:])
    return "".join(out)
