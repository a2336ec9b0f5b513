"""The task extractor's first looks (a literal, a first word, a length every match must have) hold wherever
their pattern matches: on random texts built from the words they look for and on the corpus texts."""

import functools
import random
from pathlib import Path

from extractors import task_agents, task_frames, task_tables, tasks
from pipeline.ingest import load

_ROOT = Path(__file__).resolve().parents[1]
_WORDS = ["các", "Các", "Sở", "Bộ", "Sở:", "Bộ :", "Công Thương", "Tài chính", "xây dựng", "xây  dựng", "tạo", "trình",
          "thẩm định", "thẩm\ntra", "Hội đồng", "đào", "Ông", "Bà", "Đồng chí", "Đ/c", "Đ/c.", "Nguyễn Văn An", "-", "–",
          "Trưởng đoàn", "Thường trực", "giám sát", "giám  sát việc", "thực hiện", "THỰC HIỆN", "thi hành", "THI HÀNH",
          "nghiêm túc", "tốt", "Quyết định", "này", "tiếp tục", "cũng", "kính", "Kính", "trân trọng", "yêu cầu",
          "Đối với", "Trách nhiệm", "Nhiệm vụ", "Quyền hạn", "và", "của", "Giao", "Đề nghị", "Kính đề nghị",
          "Kiến nghị", "Yêu cầu", "đối với", "Công ty", "Tổng công ty", "Tập đoàn", "Cổ phần ABC", "(Phụ lục I)", "(Mục 2)", "Bộ tiêu chí", "CÔNG BÁO/Số 5", "Ký bởi:",
          "Ngày ký:", "Cơ quan: VĂN PHÒNG", "TT", "STT", "Số TT", "1", "12", "İ", "K", "ſ", ".", "./.", ",", ";", ":",
          "(", ")", " ", "  ", "\n", "\x1c", "x"]


def _texts(n: int, seed: int = 5) -> list[str]:
    rnd = random.Random(seed)
    return ["".join(rnd.choice(_WORDS) + rnd.choice(["", " ", " ", "\n", "  "]) for _ in range(rnd.randint(0, 16)))
            for _ in range(n)]


@functools.lru_cache(maxsize=1)
def _corpus_lines() -> list[str]:
    """Every line and every sentence-sized piece of the corpus texts (both sets of documents)."""
    out: list[str] = []
    for folder in ("corpus/docs", "corpus/gold/dev-b/docs"):
        for f in sorted((_ROOT / folder).rglob("*.txt")):
            text = load(f).text
            out.extend(text.split("\n"))
            out.extend(text[i:i + 300] for i in range(0, len(text), 150))
    return out


def _check(s: str) -> None:
    if task_frames.PERSON_DUTY.match(s):
        assert s.startswith(task_frames._PERSON_FIRST), s
    if task_frames._TITLE_JOINED.match(s):
        assert "(" in s, s
    if task_frames._SUPERVISION.search(s, 0, 600):
        assert "giám" in s, s
    h = s.rstrip()
    if task_frames._ISSUER_ADVERB.search(h):
        assert h.endswith(task_frames._ISSUER_ADVERBS), h
    if task_frames._CLOSING_END.search(s):
        low = s.lower()
        assert "thực h" in low or "hành" in low, s
    if tasks._JOINED_LEAD.match(s):
        assert s.rstrip().endswith(":"), s
    if tasks._HEAD_LEAD.match(s):
        assert s.startswith(tasks._HEAD_LEAD_FIRST), s
    if tasks._FIRM.search(s):
        assert "ông ty" in s or "Tập đoàn" in s, s
    if tasks._ROSTER.match(s):
        assert tasks._may_roster(s), s
    for line in s.split("\n"):
        if task_tables._FURNITURE.match(line):
            assert task_tables._may_be_furniture(line), line
        if task_tables._FOOTNOTE.match(line):
            assert len(line) >= 63, line
    for pos in range(len(s)):
        if task_agents._DISTRIBUTIVE.match(s, pos):
            assert s.startswith(task_agents._DISTRIBUTIVE_FIRST, pos), (s, pos)
        if (pos == 0 or s[pos - 1].isspace()) and any(c.match(s[pos:]) for _, c in task_agents._COMPOUNDS):
            assert s.startswith(task_agents._COMPOUND_FIRST, pos), (s, pos)


def test_first_looks_hold_on_random_texts():
    for s in _texts(20000):
        _check(s)


def test_first_looks_hold_on_the_corpus():
    lines = _corpus_lines()
    assert len(lines) > 10000
    for s in lines[::3]:  # a third of the lines and windows keeps every kind of line and stays quick
        _check(s)


def _headers_from_first_cue(text: str, start: int, end: int) -> bool:
    """What `pdf_table_tasks` looked for before its first look: a header among all cells from the first cue on."""
    cue = task_tables._NUMBER_CUE.search(text, start, end)
    if cue is None:
        return False
    line = text.rfind("\n", start, cue.start())
    return any(task_tables._NUMBER_HEAD.match(s)
               for _, s in task_tables._segments(text, line + 1 if line >= 0 else start, end))


def test_number_head_found_line_by_line():
    rnd = random.Random(9)
    texts = _texts(20000, seed=13) + ["TT", " TT\n", "x\nSố TT  Nội dung\n", "STT\x1c", "a  TT  b", "TTT\nTT"]
    for text in texts:
        for start, end in [(0, len(text)), *((rnd.randint(0, len(text)), len(text)) for _ in range(2)),
                           (0, rnd.randint(0, len(text)))]:
            want = _headers_from_first_cue(text, start, end)
            assert task_tables._has_number_head(text, start, end) == want, (text, start, end)
    for text in {"\n".join(_corpus_lines()[i:i + 40]) for i in range(0, len(_corpus_lines()), 40)}:
        assert task_tables._has_number_head(text, 0, len(text)) == _headers_from_first_cue(text, 0, len(text))


def test_mostly_lower_texts_are_not_caps():
    def caps(s):
        letters = "".join(filter(str.isalpha, s))
        return len(letters) > 8 and sum(map(str.isupper, letters)) > 0.7 * len(letters)

    rnd = random.Random(4)
    samples = ["".join(rnd.choice("nhtcigNHTCIG AĐđƯư1.,ⓝⅰǅ中") for _ in range(rnd.randint(0, 40))) for _ in range(50000)]
    for s in samples + _texts(3000) + _corpus_lines():
        if tasks._mostly_lower(s):
            assert not caps(s), s
        assert tasks._is_caps(s) == caps(s), s


def test_printable_whitespace_is_the_space():
    assert [c for c in map(chr, range(0x110000)) if c.isspace() and c.isprintable()] == [" "]


def test_squeeze_as_split_and_join():
    rnd = random.Random(6)
    samples = ["".join(rnd.choice("ab \n\t\x1c\xa0\u2028\u3000.") for _ in range(rnd.randint(0, 12))) for _ in range(50000)]
    for s in samples + _texts(3000) + _corpus_lines():
        assert task_frames.squeeze(s) == " ".join(s.split()), s
