"""Shortcuts of the references stage give what the full computation gives, on corpus and generated texts."""

from __future__ import annotations

import random
import sys
from functools import lru_cache
from pathlib import Path

import pytest
import regex

from extractors import legal_keys as lk
from extractors import references as R
from pipeline.ingest import load

ROOT = Path(__file__).resolve().parents[1]


@lru_cache(maxsize=1)
def corpus_texts() -> list[str]:
    paths = sorted((ROOT / "corpus/docs").rglob("*.txt")) + sorted((ROOT / "corpus/gold/dev-b/docs").glob("*.txt"))
    return [t for t in (load(p).text for p in paths) if t]


_WORDS = ["Quyết định", "quyết định", "QUYẾT ĐỊNH", "Nghị định thư", "thông báo kết luận", "Thông báo", "kết luận",
          "Giấy đề nghị cấp giấy phép", "văn bản", "Luật", "luật", "số", "Số:", "sô", "và", "của", "ngày", "theo",
          "tại", "hết hiệu lực", "không còn hiệu lực", "đã", "45/2012/NĐ-CP", "12", "QH1", ";", ",", ".", "(", ")",
          "“", "”", ":", "-", "\n", "\n\n", "  ", "\t", "x", "Điều 5", "bãi bỏ", "thay thế", "sửa đổi", "THAY THẾ",
          "Hủy bỏ", "Đính chính", "điều chỉnh", "SỬA ĐỔI",
          "ngày 5 tháng 6 năm 2020", "10/5/2012", "ban hành", "được ký", "Ngày", "(", ", ngày 3/4/2021"]


def generated_texts(n: int = 400) -> list[str]:
    rnd = random.Random(7)
    out = []
    for _ in range(n):
        parts = [rnd.choice(_WORDS) for _ in range(rnd.randint(1, 40))]
        out.append("".join(p + rnd.choice(["", " ", " ", "\n"]) for p in parts))
    return out


def positions(text: str, rnd: random.Random, k: int) -> list[int]:
    """Where the stage reads backwards from: every number, and some positions anywhere."""
    at = [m.start() for m in R.NUMBER_RE.finditer(text)]
    return at + [rnd.randrange(len(text) + 1) for _ in range(k)]


def _types_backwards_full(text: str, lo: int, pos: int) -> list[tuple[int, int, str]]:
    return [(lo + m.start(), lo + m.end(), m["type"])
            for m in reversed(list(R._LEFT_TYPE_CUED.finditer_slice(text, lo, pos)))]


def _type_before_full(text: str, pos: int, code_type: str | None = None):
    """`_type_before` as it was: every match of the window, then the answer."""
    lo = max(0, pos - 160)
    win = text[lo:pos]
    valid = []
    for m in reversed(list(R._LEFT_TYPE_CUED.finditer_slice(text, lo, pos))):
        rest = win[m.end():]
        canon = R._TYPE_CANON[" ".join(m["type"].lower().split())]
        if R._NUM_WORD_ONLY.fullmatch(rest):
            valid.append((lo + m.start(), canon, None))
            continue
        mm = R._TYPE_EXTRA.fullmatch(rest)
        if mm and not R._NOT_EXTRA.search(mm["extra"]) and len(mm["extra"].split()) <= 10:
            valid.append((lo + m.start(), canon, R._clean(mm["extra"])))
            continue
        if R._CLAUSE_BREAK.search(rest) or len(rest) > 120:
            break
    if not valid:
        return None
    if valid[0][2] is None:
        return valid[0]
    return next((v for v in valid if v[1] == code_type), valid[-1])


def test_type_names_hold_only_letters_and_blanks():
    """`_types_backwards` cuts the window at a character that is neither `\\p{L}` nor `\\s`: no type name may match
    one, case folding included."""
    letters = "".join(sorted({c for n, _ in R.TYPE_NAMES for c in n if not c.isspace()}))
    held = regex.compile(f"(?i)[{regex.escape(letters)}]")
    outside = regex.compile(r"[^\p{L}\s]")
    for cp in range(sys.maxunicode + 1):
        ch = chr(cp)
        assert not (held.fullmatch(ch) and outside.fullmatch(ch)), hex(cp)


@pytest.mark.parametrize("source", ["corpus", "generated"])
def test_types_backwards_is_the_window_reversed(source):
    rnd = random.Random(1)
    texts = corpus_texts() if source == "corpus" else generated_texts()
    for text in texts:
        for pos in positions(text, rnd, 30):
            lo = max(0, pos - 160)
            fast = [(b + m.start(), b + m.end(), m["type"]) for b, m in R._types_backwards(text, lo, pos)]
            assert fast == _types_backwards_full(text, lo, pos), (text[lo:pos], pos)


@pytest.mark.parametrize("source", ["corpus", "generated"])
def test_type_before_stops_where_the_answer_is_settled(source):
    rnd = random.Random(2)
    texts = corpus_texts() if source == "corpus" else generated_texts()
    for text in texts:
        for pos in positions(text, rnd, 30):
            for code_type in (None, "Quyết định", "Công văn"):
                assert R._type_before(text, pos, code_type) == _type_before_full(text, pos, code_type), text[:pos][-160:]


def _split_glued_full(tok: str) -> list[str]:
    up = tok.upper()
    for tc in lk._TYPES_LONGEST:
        if not up.startswith(tc.upper()):
            continue
        rest = up[len(tc):]
        if rest and (rest in lk._CASE or lk._CODE_FIXES.get(rest) in lk._CASE):
            return [lk._fix_token(up[: len(tc)]), lk._fix_token(rest)]
    return [lk._fix_token(tok)]


def test_split_glued_cached_is_the_scan():
    rnd = random.Random(3)
    codes = [*lk.TYPE_CODES, *lk.ISSUER_CODES, *lk._CODE_FIXES, "x", "Đ", "ttg", "QĐi"]
    toks = {a + b for a in codes for b in codes} | set(codes)
    toks |= {"".join(rnd.choice("NĐQTCPUBDHGVLSKinr") for _ in range(rnd.randint(1, 8))) for _ in range(3000)}
    for tok in sorted(toks):
        assert list(lk._split_glued(tok)) == _split_glued_full(tok), tok


@pytest.mark.parametrize("source", ["corpus", "generated"])
def test_expiry_match_is_the_anchored_search(source):
    rnd = random.Random(4)
    texts = corpus_texts() if source == "corpus" else generated_texts()
    searched = regex.compile(R._EXPIRY.pattern)
    for text in texts:
        for pos in positions(text, rnd, 30):
            right = text[pos:pos + 80]
            a, b = R._EXPIRY.match(right), searched.search(right)
            assert (a and a.span()) == (b and b.span())
            assert not a or R._EXPIRY_WORD in a.group().casefold()


def test_cue_words_fold_from_every_case():
    """Every character a cue word's letter matches case-insensitively folds to that letter: a match's folded text
    holds the word."""
    every = "".join(map(chr, range(sys.maxunicode + 1)))
    for c in {c for ws in [*R._CUE_WORDS.values(), [R._EXPIRY_WORD]] for w in ws for c in w}:
        for ch in regex.findall(f"(?i){regex.escape(c)}", every):
            assert ch.casefold() == c, (c, hex(ord(ch)))


@pytest.mark.parametrize("source", ["corpus", "generated"])
def test_cue_words_stand_in_every_match(source):
    rnd = random.Random(5)
    texts = corpus_texts() if source == "corpus" else generated_texts()
    assert {rel for rel, _ in R._CUES} == set(R._CUE_WORDS)
    for text in texts:
        for pos in positions(text, rnd, 30):
            left = text[max(0, pos - 600):pos]
            for rel, rx in R._CUES:
                for m in rx.finditer(left):
                    assert any(w in m.group().casefold() for w in R._CUE_WORDS[rel]), m.group()
