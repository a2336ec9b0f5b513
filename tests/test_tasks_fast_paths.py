"""The task extractor's shortcuts give what the full tests give (random texts built from the words they look for)."""

import random

import regex

from extractors import task_agents, task_frames, task_tables, task_units, tasks
from extractors.task_agents import _LAST_WORD

_WORDS = ["các", "Các", "Giao", "giao", "Yêu cầu", "đề nghị", "Đề nghị", "ủy quyền cho", "Phân  công", "phân\ncông",
          "UBND", "Sở", "Tài chính", "thực hiện", "THỰC HIỆN", "thi hành", "Quyết định", "quyết định này", "ban hành", "BAN HÀNH",
          "Nghị quyết", "cảm ơn", "CẢM ƠN", "trân trọng báo cáo", "có trách nhiệm", "TRÁCH NHIỆM", "chịu trách nhiệm",
          "thông báo", "để", "biết", "căn cứ", "Căn cứ", "hằng", "HÀNG", "tháng", "định kỳ", "ĐỊNH KỲ", "năm", "nghiêm túc",
          "İ", "K", "ſ", ".", "./.", ",", ";", ":", "!", "?", "…", "”", ")", "(", "“", " ", "  ", "\n", "TT", "STT", "1",
          "2.1", "a", "Ông", "TP.", "x"]


def _texts(n: int, seed: int = 7) -> list[str]:
    rnd = random.Random(seed)
    return ["".join(rnd.choice(_WORDS) + rnd.choice(["", " ", " ", "\n"]) for _ in range(rnd.randint(0, 14)))
            for _ in range(n)]


def test_cues_hold_whenever_their_pattern_matches():
    for k, s in enumerate(_texts(20000)):
        if task_frames.REQUEST.search(s):
            assert task_frames._may_request(s), s
        if task_frames.EXEC_FORMULA.search(s):
            assert task_frames._may_exec(s), s
        if tasks._RECURRENCE.search(s):
            assert tasks._may_recur(s), s
        n = " ".join(s.split())  # is_closing normalises, then matches from where the action starts
        if k < 4000 and any(p.match(n[i:]) for p in (task_frames.SHORT_CLOSING, task_frames.THANKS,
                                                      task_frames.PROMULGATION) for i in range(len(n) + 1)):
            assert task_frames._may_close(n), n


def test_sentence_breaks_as_with_a_lookbehind():
    behind = regex.compile(r"(?<=[\.!?…])[\"”’)]*\s+(?=[\"“(]?\p{Lu})")
    for s in _texts(5000):
        assert [m.span() for m in behind.finditer(s)] == [m.span(1)[:1] + (m.end(),)
                                                          for m in task_units.SENT_END.finditer(s)], s


def test_last_word_read_backwards_as_forwards():
    forwards = regex.compile(r"([\p{L}\p{M}]+)\s*$")
    for s in _texts(5000) + ["", "ab\n", "ab5\n", "x\u0301y  "]:
        a, b = forwards.search(s), _LAST_WORD.search(s)
        assert (a and a.span(1)) == (b and b.span(1)), s


def test_window_patterns_read_in_place_have_no_lookbehind_or_anchor():
    for p in (task_agents._SECTOR_AFTER, task_agents._OF, task_agents._PLACES_RX, task_agents._SEP,
              task_agents._LIST_SEP_RX):
        assert not any(t in p.pattern for t in ("(?<", "^", "$", r"\b", r"\B", r"\A", r"\Z", r"\G")), p.pattern


def test_cac_end_cue():
    for s in _texts(5000, seed=11) + ["các", "Các\n", "x các\n\n", "bác"]:
        for end in range(len(s) + 1):
            if task_agents._CAC_END.search(s[max(0, end - 400):end]):
                assert s.endswith(task_agents._CAC, 0, end), s[:end]


def test_row_numbers_as_with_a_pattern_per_number():
    for n in ["1", "2", "12", "2.1", "2.4"]:
        whole = regex.compile(rf"^{regex.escape(n)}\.?(?:\s+(?P<rest>.+))?$")
        for s in _texts(3000) + ["1", "1.", "1. x", "12 a", "2.1", "2.1. b\n", "2.4 c"]:
            a, b = whole.match(s), task_tables._numbered(n, s)
            assert (a and a["rest"]) == (b and b["rest"]) and (a is None) == (b is None), (n, s)


def test_number_header_cue_precedes_every_header():
    for s in _texts(5000):
        segs = task_tables._segments(s, 0, len(s))
        if any(task_tables._NUMBER_HEAD.match(x) for _, x in segs):
            cue = task_tables._NUMBER_CUE.search(s)
            assert cue and all(off >= s.rfind("\n", 0, cue.start()) + 1
                               for off, x in segs if task_tables._NUMBER_HEAD.match(x)), s


def test_caps_by_its_definition():
    def caps(s):
        letters = "".join(filter(str.isalpha, s))
        return len(letters) > 8 and sum(map(str.isupper, letters)) > 0.7 * len(letters)

    rnd = random.Random(3)
    samples = ["".join(rnd.choice("aAbBĐđƯư 1.,ⒶⅠǅ中") for _ in range(rnd.randint(0, 40))) for _ in range(50000)]
    for s in samples + _texts(3000) + ["A" * k + "a" * j for k in range(15) for j in range(15)]:
        assert tasks._is_caps(s) == caps(s), s
