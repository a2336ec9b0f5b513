"""The pipeline's fast paths give what the slow ones gave: money scans run only where a unit follows a
number, compiled patterns come back from the cache file, `vanban extract` starts without the store."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from extractors import money
from pipeline.ingest import load

ROOT = Path(__file__).resolve().parents[1]
TEXTS = sorted((ROOT / "corpus/docs").rglob("*.txt")) + sorted((ROOT / "corpus/gold/dev-b/docs").glob("*.txt"))


def _every_window(text: str) -> list[tuple[int, int]]:
    """The windows around every run of digits, as the scans used before the unit cues."""
    out, lo, hi = [], -1, -1
    for d in money._DIGITS.finditer(text):
        if lo >= 0 and d.start() - money._BEFORE > hi:
            out.append((lo, hi))
            lo = -1
        if lo < 0:
            lo = max(0, d.start() - money._BEFORE)
        hi = min(len(text), d.end() + money._AFTER)
    if lo >= 0:
        out.append((lo, hi))
    return out


def _matches(text: str, cued: bool) -> list[tuple]:
    windows = money._windows(text, 0, len(text)) if cued else _every_window(text)
    found = []
    for rx in (money.AMOUNT, money.OCR_AMOUNT, money.BARE, money.BARE_CUED, money.BARE_RATE):
        scan = money._near_digits(rx, text, windows) if cued else (
            m for lo, hi in windows for m in rx.finditer(text, lo, hi))
        found += [(rx.pattern[:20], m.span(), m.groupdict()) for m in scan]
    words = money.WORDS_AMOUNT.finditer(text) if not cued or money._WORDS_CUE.search(text) else ()
    return found + [m.span() for m in words]


def test_unit_cues_skip_only_windows_without_an_amount():
    texts = [load(f).text for f in TEXTS[::4]]
    pieces = ["12", "1.500", "3,5", "/", " ", "\n", "tỷ", "TỶ", "tỉ", "ty", "tý", "triệu", "trieu", "tr.", "trđ", "trăm",
              "nghìn", "ngàn", "đồng", "Đồng", "đ", "déng", "VNĐ", "USD", "EUR", "yên", "won", "đô la mỹ", "/người",
              "mô hình", "kinh phí", "vốn", "hỗ trợ", "là", "hơn", "từ", "đến", "-", ",", ".", "(", "lệ", "một", "hai",
              "mươi", "mốt", "lăm", "linh", "không", "chẵn", "và", "trong", "năm", "ngày"]
    rnd = random.Random(7)
    texts += ["".join(rnd.choice(pieces) + rnd.choice(["", " ", " ", "\n"]) for _ in range(rnd.randint(1, 25)))
              for _ in range(3000)]
    for t in texts:
        assert _matches(t, True) == _matches(t, False), t[:200]
    # most stretches of digits in the corpus hold no amount: dates, article numbers, document numbers
    some = [load(f).text for f in TEXTS[:20]]
    assert sum(len(money._windows(t, 0, len(t))) for t in some) * 3 < sum(len(_every_window(t)) for t in some)


def test_amounts_read_the_same_in_a_slice():
    text = "Ngày 15 tháng 3 năm 2025. Tổng kinh phí 3,5 tỷ đồng; hỗ trợ 30 triệu/mô hình; (một trăm linh năm triệu đồng)."
    whole = [(a.start, a.text, a.value) for a in money.find_amounts(text)]
    assert whole == [(40, "3,5 tỷ đồng", 3_500_000_000), (60, "30 triệu/mô hình", 30_000_000),
                     (79, "một trăm linh năm triệu đồng", 105_000_000)]
    assert [(a.start, a.text, a.value) for a in money.find_amounts(text, 45, len(text))] == whole[1:]


def _python(code: str, env: dict | None = None) -> str:
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})})
    return out.stdout


def test_money_patterns_are_the_same_in_every_process():
    # a pattern built from a set in hash order differs from run to run and is never found in the cache
    code = "from extractors import money; print(money.WORDS_AMOUNT.pattern, money._WORDS_CUE.pattern)"
    assert len({_python(code, {"PYTHONHASHSEED": str(seed)}) for seed in (1, 2, 3, 4)}) == 1


PROBE = """
import json, regex, pipeline.regexcache as rc
rc.install()
rx = [regex.compile(p, f) for p, f in [(r"(?P<n>\\d{1,3}(?:\\.\\d{3})+)\\s*(?:tỷ|triệu)\\s+đồng", regex.I), (r"(?<![\\p{L}])Điều\\s+\\d+", 0)]]
s = "Chi 1.500 TỶ đồng theo Điều 5; Điều 12 và 3.000 triệu đồng"
search = regex.search(r"(?i)điều\\s+(\\d+)", s).group(1)
print(json.dumps({"used": len(rc._used), "fresh": len(rc._fresh), "installed": rc._installed,
                  "found": [[m.span(), m.groupdict()] for r in rx for m in r.finditer(s)], "search": search}))
"""


def test_compiled_patterns_come_back_from_the_cache_file(tmp_path):
    env = {"VANBAN_CACHE_DIR": str(tmp_path)}
    first = json.loads(_python(PROBE, env))
    files = list(tmp_path.glob("regex-*.bin"))
    assert first["installed"] and len(files) == 1 and first["fresh"] >= 3
    second = json.loads(_python(PROBE, env))  # the slow ones are stored at once, the quick ones once met twice
    third = json.loads(_python(PROBE, env))
    assert third["used"] >= 3 and third["used"] > first["used"] and third["fresh"] < first["fresh"]
    assert first["found"] == second["found"] == third["found"] == [
        [[4, 17], {"n": "1.500"}], [[42, 58], {"n": "3.000"}], [[23, 29], {}], [[31, 38], {}]]
    assert first["search"] == third["search"] == "5"
    files[0].write_bytes(files[0].read_bytes()[:-10] + b"0123456789")  # damaged: checksum fails, nothing used
    damaged = json.loads(_python(PROBE, env))
    assert damaged["used"] == 0 and damaged["found"] == first["found"]
    off = json.loads(_python(PROBE, {**env, "VANBAN_REGEX_CACHE": "0"}))
    assert not off["installed"] and off["found"] == first["found"]


@pytest.mark.parametrize("verb", ["extract", "eval"])
def test_extract_starts_without_the_store_and_web_modules(verb):
    code = (f"import sys; from pipeline.cli import main\n"
            f"try:\n    main([{verb!r}, '--help'])\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in ('pipeline.cli_store', 'pipeline.cli_web', 'pipeline.store', 'sqlite3') if m in sys.modules))")
    assert _python(code).strip().splitlines()[-1] == "[]"
    listed = _python("from pipeline.cli import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass\n")
    assert all(v in listed for v in ("extract", "import", "search", "serve", "user"))


def _fuzz(pieces: list[str], n: int, seed: int) -> list[str]:
    rnd = random.Random(seed)
    return ["".join(rnd.choice(pieces) + rnd.choice(["", " ", " ", "\n", " | "]) for _ in range(rnd.randint(1, 30)))
            for _ in range(n)]


def test_cued_deadline_patterns_find_what_a_whole_scan_finds():
    from extractors import deadlines

    texts = [load(f).text for f in TEXTS[::3]]
    pieces = ["trước", "Trước", "TRƯỚC", "chậm nhất", "CHẬM NHẤT là", "ngày", "20", "10/12", "hằng tháng", "hàng năm",
              "vào", "thứ Sáu", "chủ nhật", "hằng tuần", "định kỳ", "6 tháng", "trong thời hạn", "không quá", "tối đa",
              "sau", "dự kiến khoảng", "khoảng", "05", "ngày làm việc", "kể từ ngày", "Thời gian", "hoàn thành",
              "Tiến độ", "thời hạn", "İ", "ß", "x"]
    for t in texts + _fuzz(pieces, 1500, 11):
        for cued in (deadlines.RECUR, deadlines.RELATIVE):
            assert [m.span() for m in cued.finditer(t)] == [m.span() for m in cued.rx.finditer(t)], t[:200]
        whole = deadlines.COLUMN.search(t)
        column = deadlines._column(t)
        assert (column and column.span()) == (whole and whole.span()), t[:200]
    assert sum(1 for t in texts if deadlines._column(t)) >= 2  # the corpus has schedule tables


def test_dates_are_found_in_windows_as_in_the_whole_text():
    from extractors import dates

    texts = [load(f).text for f in TEXTS[::3]]
    pieces = ["ngày", "Ngày", "ngàу", "ngà y", "03", "3", "tháng", "THÁNG", "thang", "8", "12", "năm", "nam", "2016",
              "20261", "12345", "03/8/2016", "3-8-2016", "03.8.2016", "/", "-", ".", "x", "\t", "        ", "\u00a0"]
    rnd = random.Random(5)
    for t in texts + _fuzz(pieces, 1500, 13):
        for a, b in [(0, len(t))] + [sorted((rnd.randint(0, len(t)), rnd.randint(0, len(t)))) for _ in range(3)]:
            assert dates.find_dates(t, a, b) == dates._dates_in(t, a, b), (t[:200], a, b)
    assert sum(len(dates.find_dates(t)) for t in texts) > 100


def test_literal_starts_are_the_escaped_pattern_matches():
    import regex

    from pipeline.cues import literal_starts

    text = load(TEXTS[0]).text
    words = ["Ủy ban nhân dân", "UBND", "aa", "a", "2026", "ND-CP", "Sở Công Thương", "quyết định"]
    fuzz = _fuzz(["aa", "a", "ba", "UBND", "2026", "x2026", "ND", "-CP", "ủy ban", "Ủy ban nhân dân", "đ"], 400, 17)
    for t in [text, text.casefold(), *fuzz]:
        for w in words:
            esc = regex.escape(w)
            assert list(literal_starts(t, w)) == [m.start() for m in regex.finditer(esc, t)]
            assert list(literal_starts(t, w, alone="L")) == [
                m.start() for m in regex.finditer(rf"(?<!\p{{L}}){esc}(?!\p{{L}})", t)]
            assert list(literal_starts(t, w, alone="Ld")) == [
                m.start() for m in regex.finditer(rf"(?<![\p{{L}}\d]){esc}(?![\p{{L}}\d])", t)]


def test_program_mentions_are_cued_as_the_whole_scan():
    from extractors import programs

    texts = [load(f).text for f in TEXTS[::2]]
    for t in texts + _fuzz(["các", "Các chương trình", "KẾ HOẠCH", "đề án", "dự án", "mọi", "những", "x"], 500, 19):
        assert [m.span() for m in programs.MENTION.finditer(t)] == [m.span() for m in programs.MENTION.rx.finditer(t)]


def test_parts_of_a_total_are_cued_as_the_whole_scan():
    from extractors import budgets

    texts = [load(f).text for f in TEXTS[::2]]
    for t in texts + _fuzz(["trong đó", "TRONG ĐÓ", "bao gồm", "gồm có", "Gồm", "trong", "ba", ":", "x"], 800, 43):
        assert [m.span() for m in budgets._PARTS_CUED.finditer(t)] == [m.span() for m in budgets.PARTS.finditer(t)]
        mid = len(t) // 3
        whole, cued = budgets.PARTS.search(t, mid, mid + 300), budgets._PARTS_CUED.search(t, mid, mid + 300)
        assert (cued and cued.span()) == (whole and whole.span())


def test_cued_reference_patterns_find_what_a_whole_scan_finds():
    from extractors import references as r

    texts = [load(f).text for f in TEXTS[::3]]
    pieces = ["Nghị định", "Quyết định số", "Thông tư", "Chỉ thị", "45", "2012", "/", "NĐ-CP", "Bộ luật", "Luật",
              "Pháp lệnh", "Hiệp định", "Công ước", "Thỏa thuận", "giữa", "Văn kiện Đại hội", "lần thứ XIII", "nêu trên",
              "trên", "Căn cứ", "CĂN CỨ", "thực hiện", "Triển khai", "theo đúng", "tại", "Đề án", "quy chế", "(BLDS)",
              "THÔNG TƯ", "văn bản", "lệnh", ",", ".", "İ", "ß"]
    rnd = random.Random(23)
    for t in texts + _fuzz(pieces, 800, 29):
        for c in (r.PARTIAL_RE, r._LAW_HEAD, r._LAW_ABBR, r._TREATY, r._PLAN, r._CONGRESS, r._ANAPHOR_TAIL):
            assert [m.span() for m in c.finditer(t)] == [m.span() for m in c.rx.finditer(t)], t[:200]
        for _ in range(3):
            hi = rnd.randint(0, len(t))
            lo = max(0, hi - 160)
            assert [(m.span(), m["type"]) for m in r._LEFT_TYPE_CUED.finditer_slice(t, lo, hi)] == [
                (m.span(), m["type"]) for m in r._LEFT_TYPE.finditer(t[lo:hi])]
            assert [m.span() for m in r._LAW_HEAD.finditer(t, lo, hi)] == [m.span() for m in r._LAW_HEAD.rx.finditer(t, lo, hi)]


def test_records_json_holds_what_the_standard_encoder_writes():
    from decimal import Decimal

    from pipeline import jsonout
    from pipeline.run import process

    for f in TEXTS[:6]:
        rec = process(f).to_json()
        text = jsonout.dumps(rec)
        assert json.loads(text) == json.loads(json.dumps(rec, ensure_ascii=False))
        assert "\\u" not in text and rec["document"]["text"][:40] in json.loads(text)["document"]["text"]
    assert json.loads(jsonout.dumps({"v": Decimal("37116000"), 1: "a"})) == {"v": "37116000", "1": "a"}


def test_written_out_amounts_are_searched_near_their_currency_as_in_the_whole_text():
    texts = [load(f).text for f in TEXTS[::2]]
    pieces = sorted(money.NUMBER_WORDS) + ["đồng", "USD", "chẵn", "Đồng", "MỘT", ",", ",,,,", "bao", "(", "là"]
    rnd = random.Random(31)
    for t in texts + _fuzz(pieces, 2000, 37):
        for a, b in [(0, len(t)), sorted((rnd.randint(0, len(t)), rnd.randint(0, len(t))))]:
            whole = [m.span() for m in money.WORDS_AMOUNT.finditer(t, a, b)] if money._WORDS_CUE.search(t, a, b) else []
            assert [m.span() for m in money._words_amounts(t, a, b)] == whole, t[:200]


def test_periods_are_found_kind_by_kind_as_the_whole_alternation_finds_them():
    from extractors import dates

    texts = [load(f).text for f in TEXTS[::3]]
    pieces = ["quý", "Quý", "QUY", "I", "II", "IV", "1", ",", "và", "-", "/", "năm", "Năm", "2024", "1999", "đến", "6",
              "sáu", "ba", "tháng", "đầu", "cuối", "12", "hằng", "các", "mỗi", ".", "x"]
    for t in texts + _fuzz(pieces, 2000, 47):
        assert [m.span() for m in dates._periods_in(t, 0, len(t))] == [m.span() for m in dates.PERIOD.finditer(t)]


def test_names_without_two_capitals_side_by_side_have_no_abbreviation():
    from extractors import bodies

    rnd = random.Random(61)
    pieces = ["Sở", "SỞ", "sở", "Bộ", "bộ", "CT", "Ct", "KH", "&", "ĐT", "Công", "thương", "UBND", "Ubnd", "TTg", "TP.",
              "DN", "HTX", "tỉnh", "Lào Cai", "TW", "NN", "PTNT", "-", ",", "VH", "TT", "DL", "GTVT", "KBNN"]
    for _ in range(20000):
        t = "".join(rnd.choice(pieces) + rnd.choice(["", " ", " "]) for _ in range(rnd.randint(1, 8)))
        if not bodies._may_abbreviate(t):
            assert not any(p.search(t) for p, _ in bodies._ABBREV_RE), t
    assert bodies.canonical_body("Sở CT tỉnh Lào Cai") == "Sở Công Thương tỉnh Lào Cai"
    assert bodies.canonical_body("Sở Công thương") == "Sở Công Thương"


def test_extraction_reads_its_models_without_numpy():
    code = ("import sys\nfrom pipeline.run import process\n"
            f"r = process({str(TEXTS[0])!r})\n"
            "print('numpy' in sys.modules, r.extraction.header.doc_type.value is not None)")
    assert _python(code).split() == ["False", "True"]


def test_layout_skips_only_patterns_whose_marks_a_text_lacks():
    from pipeline import layout

    def every_pattern(text: str):  # the edits with every pattern run over the whole text, as before
        edits: list = []
        for m in layout._FURNITURE.finditer(text):
            edits.append(m.span())
        for rx in (layout._ROW, layout._STRONG, layout._EM, layout._LINE_MARKUP, layout._ESCAPE, layout._TRAIL,
                   layout._BR, layout._INLINE_TAG):
            edits += [m.span() for m in rx.finditer(text) if m.end() > m.start()]
        return sorted(edits)

    def guarded(text: str):
        out = []
        if layout._holds(text, "--", "*", "<", "!["):
            out += [m.span() for m in layout._FURNITURE.finditer(text)]
        if "|" in text:
            out += [m.span() for m in layout._ROW.finditer(text)]
        for rx, ok in ((layout._STRONG, layout._holds(text, "**", "__")), (layout._EM, "*" in text),
                       (layout._LINE_MARKUP, layout._holds(text, "#", ">")), (layout._ESCAPE, "\\" in text),
                       (layout._TRAIL, layout._holds(text, " \n", "\t\n", "\\") or text.endswith((" ", "\t"))),
                       (layout._BR, "<" in text), (layout._INLINE_TAG, "<" in text)):
            out += [m.span() for m in rx.finditer(text) if m.end() > m.start()] if ok else []
        return sorted(out)

    pieces = ["a", "|", "| --- |", "---", "--", "*", "**", "__", "_", "#", ">", "\\", "<br>", "<b>", "<!-- x -->",
              "![i](x.png)", "--- PAGE BREAK ---", " ", "\t", "\n", "1", "-"]
    for t in _fuzz(pieces, 3000, 67) + [load(f).text for f in TEXTS[::5]]:
        assert guarded(t) == every_pattern(t), t[:200]
