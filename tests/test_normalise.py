from pipeline.normalise import fold, normalise, strip_marks, unmark


def test_tone_placement_lookalikes_and_whitespace():
    raw = "UỶ BAN  NHÂN\r\n\r\n\r\nDÂN tỉnh Quảng Hoà, Ðinh ƣu, quý khoẻ\u200b \x07x  \n  y"
    text, _ = normalise(raw)
    assert text == "ỦY BAN NHÂN\n\nDÂN tỉnh Quảng Hòa, Đinh ưu, quý khỏe x\ny"


def test_offsets_map_back_to_the_source():
    raw = "Căn cứ\u00a0 Nghị định   số 45/2012/NĐ-CP\r\nngày 21 tháng 5 năm 2012 hoà"
    text, omap = normalise(raw)
    i = text.index("45/2012")
    s, e = omap.to_raw(i), omap.to_raw(i + len("45/2012/NĐ-CP"))
    assert raw[s:e] == "45/2012/NĐ-CP"
    j = text.index("hòa")
    assert raw[omap.to_raw(j):omap.to_raw(j + 3)] == "hoà"
    assert omap.to_norm(omap.to_raw(i)) == i


def test_decomposed_input_is_composed():
    nfd = "Quye\u0302\u0301t đi\u0323nh"
    text, _ = normalise(nfd)
    assert text == "Quyết định"


def test_fold_and_strip_marks():
    assert fold("UỶ  Ban") == fold("ủy ban")
    assert strip_marks("Nghị định 45/2012/NĐ-CP về khuyến công") == "nghi dinh 45/2012/nd-cp ve khuyen cong"


def test_unmark_keeps_case_and_offsets():
    s = "Ủy ban nhân dân TỈNH ĐỒNG THÁP, Đoàn"
    assert unmark(s) == "Uy ban nhan dan TINH DONG THAP, Doan"
    assert len(unmark(s)) == len(s)


def test_troubles_are_the_pattern_s_own_matches():
    """`_troubles` tries _TROUBLE only where its cues say a match can begin: it must find what finditer finds."""
    import random

    from pipeline.normalise import _TROUBLE, _troubles

    rng = random.Random(7)
    alphabet = list("aoOuUàáýỳẠ\t\n\r\u00a0\u2028\u2029\u3000\x0b\x0c\x00\x1f\u200b\u00ad\u0301\u0323ÐƣqQ.x") + [" "] * 8
    for _ in range(5000):
        raw = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 25)))
        want = [(m.start(), m.end(), m.lastgroup) for m in _TROUBLE.finditer(raw)]
        assert [(m.start(), m.end(), m.lastgroup) for m in _troubles(raw)] == want, repr(raw)


def test_unmark_table_is_the_mapping():
    """`unmark` reads a list by code point for speed: it must do what the mapping says, for any character."""
    import random

    from pipeline.normalise import _UNMARK

    rng = random.Random(1)
    for _ in range(2000):
        s = "".join(chr(rng.choice([rng.randint(0, 0x3100), rng.randint(0, 0x10FFFF), rng.randint(0x1E00, 0x1EFF)]))
                    for _ in range(20))
        assert unmark(s) == s.translate(_UNMARK)
    assert unmark("Ủy ban “Đoàn” ẛ") == "Uy ban “Doan” ſ"
