"""Unseen, damaged and odd input: extraction never raises, offsets stay inside the text, and no
stage hangs on big adversarial texts.

In a bulk import one exception loses a whole document and one quadratic loop stalls a worker.
The property test mutates real corpus documents the ways archives damage them (cut, shuffled,
upper-cased, stripped of diacritics, OCR-confused); the hang guards hold inputs that once took
minutes (the bound is generous: it catches a hang, it does not measure speed).
"""

from __future__ import annotations

import signal
import unicodedata
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from extractors import budgets, dates, deadlines, money, references
from pipeline.document import Document
from pipeline.normalise import normalise
from pipeline.records import Extraction
from pipeline.run import extract_document
from pipeline.segment import segment
from pipeline.segments import Segments

ROOT = Path(__file__).resolve().parent.parent
DOCS = sorted((ROOT / "corpus" / "docs").rglob("*.txt"))
# Documents of every kind and source, each cut to its first 12k characters to keep examples fast.
TEXTS = [p.read_text(encoding="utf-8")[:12_000] for p in DOCS[::4]]
OCR_CONFUSIONS = {"ệ": "ê", "ố": "ô", "đ": "d", "Đ": "D", "0": "O", "1": "l", "5": "S", "ư": "u", "ơ": "o", "m": "rn"}


def _doc(raw: str) -> Document:
    text, omap = normalise(raw)
    return Document(source_path="mutated.txt", format="txt", text=text, raw_text=raw, offsets=omap)


def _spans(ex: Extraction):
    """Every (start, end) a record of the extraction claims."""
    h = ex.header
    fields = [h.doc_type, h.number, h.issue_date, h.issue_place, h.issuer, h.issuer_parent, h.subject,
              h.effective_date, h.signer.name, h.signer.position, h.signer.authority, *h.recipients]
    for f in fields:
        if f.start is not None or f.end is not None:
            yield "header", f.start, f.end
    for kind in ("references", "deadlines", "tasks", "budgets"):
        for r in getattr(ex, kind):
            yield kind, r.start, r.end
            if kind == "tasks" and r.deadline is not None:
                yield "task deadline", r.deadline.start, r.deadline.end


def _check(raw: str) -> None:
    doc = _doc(raw)
    ex = extract_document(doc).extraction
    n = len(doc.text)
    for kind, s, e in _spans(ex):
        assert s is not None and e is not None and 0 <= s <= e <= n, (kind, s, e, n)


def _strip_marks(s: str) -> str:
    s = unicodedata.normalize("NFD", s)
    return unicodedata.normalize("NFC", "".join(c for c in s if not unicodedata.combining(c))).replace(
        "đ", "d").replace("Đ", "D")


@st.composite
def damaged(draw) -> str:
    """A corpus document with a few of the damages archives show."""
    text = draw(st.sampled_from(TEXTS))
    for op in draw(st.lists(st.sampled_from([
            "slice", "shuffle", "drop", "duplicate", "cut_header", "cut_signature", "upper", "strip_marks",
            "ocr", "punct", "long_line"]), min_size=1, max_size=3)):
        lines = text.split("\n")
        if op == "slice":
            a = draw(st.integers(0, len(text)))
            text = text[a:a + draw(st.integers(0, 6000))]
        elif op == "shuffle":
            text = "\n".join(draw(st.permutations(lines)))
        elif op == "drop":
            keep = draw(st.lists(st.booleans(), min_size=len(lines), max_size=len(lines)))
            text = "\n".join(ln for ln, k in zip(lines, keep, strict=True) if k)
        elif op == "duplicate":
            i = draw(st.integers(0, len(lines) - 1))
            text = "\n".join(lines[:i] + [lines[i]] * draw(st.integers(2, 30)) + lines[i:])
        elif op == "cut_header":
            text = "\n".join(lines[draw(st.integers(0, min(25, len(lines)))):])
        elif op == "cut_signature":
            text = "\n".join(lines[:max(0, len(lines) - draw(st.integers(0, 40)))])
        elif op == "upper":
            text = text.upper()
        elif op == "strip_marks":
            text = _strip_marks(text)
        elif op == "ocr":
            chars = list(text)
            for i in draw(st.lists(st.integers(0, max(0, len(chars) - 1)), max_size=300)):
                if chars:
                    chars[i] = OCR_CONFUSIONS.get(chars[i], chars[i])
            text = "".join(chars)
        elif op == "punct":
            chars = list(text)
            for i in sorted(draw(st.lists(st.integers(0, len(chars)), max_size=200)), reverse=True):
                chars.insert(i, draw(st.sampled_from("|.,;:-()/“”\"*_\t")))
            text = "".join(chars)
        elif op == "long_line":
            text = text.replace("\n", draw(st.sampled_from([" ", "   ", "\t", " | "])))
    return text


@settings(max_examples=60, deadline=5000, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(damaged())
@example("\n\n\n\n   \n\t\n")  # empty lines only
@example("Đ")  # a single character
@example("0123456789 " * 300)  # only digits
@example("|")
@example("- \n+ \na)\n1.\nĐiều\nChương\nI.")  # labels with nothing after them
def test_damaged_documents_extract_without_error(raw: str) -> None:
    _check(raw)


@pytest.mark.parametrize("path", DOCS[1::9], ids=lambda p: p.stem[:30])
def test_header_only_and_cut_documents(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").split("\n")
    _check("\n".join(lines[:12]))  # only the header
    _check("\n".join(lines[:3] + lines[-3:]))  # the header's first lines and the last of the signature
    _check("\n".join(lines[12:])[:3000].upper())


@contextmanager
def hang_guard(seconds: int = 20):
    """Fail instead of hanging: these inputs took minutes before their fix, and well under a second after."""
    def _raise(*_):
        raise TimeoutError(f"still running after {seconds} s")
    old = signal.signal(signal.SIGALRM, _raise)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def test_segment_one_line_of_tab_separated_cells():
    # a TSV export on one line: each cell's column was found by expanding tabs from the line start
    doc = _doc("\t".join(f"ô {i} giao Sở Tài chính" for i in range(10_000)))
    with hang_guard():
        segment(doc)


def test_segment_one_long_line_of_real_text():
    # a document with its line breaks lost: the cell merger re-cut ever longer strings, and
    # lookbehinds scanning back to the line start ran at every position
    raw = " ".join(TEXTS)[:150_000].replace("\n", " ")
    doc = _doc(raw)
    with hang_guard():
        seg = segment(doc)
    assert seg.body is not None or seg.header is not None


def test_segment_carriage_return_line_breaks():
    # classic-Mac text (CR only): each line's raw start was searched back to the file start
    lines = [f"- Giao Sở Tài chính thực hiện nhiệm vụ số {i}" for i in range(20_000)]
    with hang_guard():
        segment(_doc("\r".join(lines)))


def test_carriage_return_document_reads_like_the_newline_one():
    # the columns of header cells are counted from the raw line start, whatever its break
    raw = next(p for p in DOCS if p.name.startswith("014_")).read_text(encoding="utf-8")
    lf = extract_document(_doc(raw)).extraction.header
    cr = extract_document(_doc(raw.replace("\n", "\r"))).extraction.header
    assert (cr.number.value, cr.issue_date.value, cr.issuer.value, cr.subject.value) == \
        (lf.number.value, lf.issue_date.value, lf.issuer.value, lf.subject.value)
    assert lf.number.value


def test_references_relations_linear_in_citations():
    # every earlier citation was compared with every later one (and every preamble clause)
    text = "\n".join(f"- Dòng {i} số {i}/QĐ-UBND" for i in range(20_000))
    cites, pos = [], 0
    for line in text.split("\n"):
        s = pos + line.index("số") + 3
        cites.append(references.Cite(s, pos + len(line), s, "Quyết định", line[s - pos:], f"qd:{s}"))
        pos += len(line) + 1
    clauses = [(i * 40, i * 40 + 30, "căn cứ") for i in range(20_000)]
    with hang_guard():
        references._relations(text, cites, clauses, 0)
    assert {c.relation for c in cites} == {"căn cứ", "dẫn chiếu"}


def test_references_many_citations_in_a_preamble():
    doc = _doc("QUYẾT ĐỊNH\n" + "\n".join(f"Căn cứ Nghị định số {i}/2020/NĐ-CP ngày 1/1/2020 của Chính phủ;"
                                           for i in range(3000)))
    with hang_guard():
        refs = references.extract(doc, segment(doc), Extraction())
    assert len(refs) == 3000 and refs[0].relation == "căn cứ" and refs[0].date == "2020-01-01"


def test_dates_and_deadlines_dense_text():
    # each date and period was checked against every one found before
    text = "\n".join(f"{i}. Hoàn thành trước ngày 15/9/2025, báo cáo quý II năm 2026" for i in range(8000))
    with hang_guard():
        periods = dates.find_periods(text)
        found = deadlines.extract(_doc(text), Segments(), Extraction())
    kinds = [p.kind for p in periods]
    assert kinds.count("date") == kinds.count("quarter") == 8000  # (items 2000-2099 also read as years)
    assert len(found) >= 8000 and found[0].date == "2025-09-15"


def test_money_and_budgets_dense_amounts():
    # each bare amount was checked against every amount found before
    text = "; ".join(f"chi {i + 1}.000 triệu đồng, khoảng 2 tỷ" for i in range(5000))
    with hang_guard():
        amounts = money.find_amounts(text)
        found = budgets.extract(_doc(text), Segments(), Extraction())
    assert len(amounts) == 10_000 and amounts[0].value == 1000 * 10**6
    assert len(found) == 10_000 and found[1].amount_vnd == 2 * 10**9


def test_budgets_single_long_line():
    # each amount's table row was cut from the line start to the line end: the whole text, on one line
    text = "Kinh phí thực hiện: " + "; ".join(f"hạng mục {i} là 1.200 triệu đồng" for i in range(8000))
    with hang_guard():
        found = budgets.extract(_doc(text), Segments(), Extraction())
    assert len(found) == 8000 and all(b.amount_vnd == 1_200_000_000 for b in found)

