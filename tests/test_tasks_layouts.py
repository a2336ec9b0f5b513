"""Task forms of dev-b layouts (crawls, OCR, pdftotext, Markdown): short texts in the failing form.

Each test names the form of the language or the layout, with real values of that form.
"""

from __future__ import annotations

import pytest

from extractors.task_units import build_units, marker_of
from pipeline.run import process


@pytest.fixture()
def tasks_in(tmp_path):
    def get(text: str):
        f = tmp_path / "doc.txt"
        f.write_text(text, "utf-8")
        return process(f).extraction.tasks

    return get


@pytest.mark.parametrize("line, kind, label", [
    ("_2.3. Giao Vụ Chính sách.", "sub", "2.3."),  # OCR debris before the marker
    ("1.4.", "sub", "1.4."),  # a marker alone on its line
    ("a. Xây dựng kế hoạch", "point", "a."),  # lowercase letter with a dot
])
def test_damaged_and_bare_markers(line, kind, label):
    mk = marker_of(line)
    assert mk is not None and mk[:2] == (kind, label)


def test_marker_at_line_end_opens_the_next_item():
    text = ("2. Nâng cao năng lực quản lý nhà nước về quan hệ lao động 2.1.\n"
            "Rà soát, kiến nghị cấp có thẩm quyền sửa đổi các thiết chế.\n"
            "- Thời gian thực hiện: Thường xuyên hằng năm.\n"
            "2.2.\n"
            "Tăng cường kiểm tra, thanh tra chấp hành pháp luật về lao động.\n")
    root = build_units(text)
    clause = root.children[0]
    assert clause.text.endswith("quan hệ lao động")
    subs = [c for c in clause.children if c.kind == "sub"]
    assert [s.label for s in subs] == ["2.1.", "2.2."]
    assert subs[1].text.startswith("Tăng cường kiểm tra")
    # a cited provision at a line end stays in its sentence
    assert len(build_units("Thực hiện theo quy định tại mục 1.2.\nCác đơn vị báo cáo.\n").children) == 2
