"""Task forms of dev-b layouts (crawls, OCR, pdftotext, Markdown): short texts in the failing form.

Each test names the form of the language or the layout, with real values of that form.
"""

from __future__ import annotations

import pytest

from extractors.task_units import units
from pipeline.outline import build_tree, marker_of
from pipeline.run import process
from pipeline.segments import Section


def build_units(text: str):
    """The segmenter's item tree of a whole text, as the task rules read it."""
    return units(build_tree(Section("root", "", "", 0, len(text), 0), text, 0, len(text)))


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


def test_agency_label_after_the_item_text(tasks_in):
    text = ("QUYẾT ĐỊNH\n\nII. NỘI DUNG HOẠT ĐỘNG\n"
            "1.1. Tổ chức nghiên cứu, tuyên truyền, phổ biến Chỉ thị số 37-CT/TW cho cán bộ, công chức.\n"
            "1.2. Nâng cao vai trò, trách nhiệm của người đứng đầu trong xây dựng quan hệ lao động.\n"
            "- Cơ quan thực hiện: Các sở, ban, ngành; Ủy ban nhân dân các huyện, thành phố.\n"
            "- Thời gian thực hiện: Thực hiện thường xuyên.\n"
            "1.3. Rà soát, kiện toàn tổ chức bộ máy quản lý nhà nước về quan hệ lao động.\n"
            "- Cơ quan thực hiện: Sở Nội vụ chủ trì, phối hợp với Sở Tư pháp.\n")
    tasks = tasks_in(text)
    by_action = {t.action.split()[0]: t for t in tasks}
    assert by_action["Rà"].assignees == ["Sở Nội vụ"] and by_action["Rà"].coordinators == ["Sở Tư pháp"]
    assert "Các sở, ban, ngành" in by_action["Nâng"].assignees
    # the item before a labelled item, with no body of its own, takes that label
    assert "Các sở, ban, ngành" in by_action["Tổ"].assignees
    assert len(tasks) == 3


def test_roster_of_members_is_not_a_task(tasks_in):
    text = ("QUYẾT ĐỊNH\n\nPHỤ LỤC\nDANH SÁCH THÀNH VIÊN HỘI ĐỒNG THẨM ĐỊNH\n"
            "1. Chủ tịch Hội đồng: Ông Đỗ Việt Bách - Trưởng Ban Quản lý các khu công nghiệp.\n"
            "2. Các Thành viên Hội đồng:\n"
            "- Ông Vũ Lân - Phó Giám đốc Sở Tài chính;\n"
            "- Bà Nguyễn Hồng Vân - Trưởng phòng Quản lý Công nghiệp, Sở Công thương;\n")
    assert tasks_in(text) == []


@pytest.mark.parametrize("sentence, assignee, action", [
    ("Ban Quản lý các khu công nghiệp là cơ quan thường trực Hội đồng thẩm định, có trách nhiệm bảo đảm điều "
     "kiện hoạt động của Hội đồng thẩm định.", "Ban Quản lý các khu công nghiệp", "bảo đảm điều kiện"),
    ("Thủ trưởng các cơ quan, đơn vị tại Điều 1 Quyết định này có trách\nnhiệm cử thành viên tham gia Hội đồng.",
     "Thủ trưởng các cơ quan, đơn vị", "cử thành viên"),
    ("Tùy theo mục tiêu, tính chất và quy mô của từng đồ án quy hoạch thì Chủ tịch Hội đồng thẩm định xem xét "
     "mời các chuyên gia tham dự.", "Chủ tịch Hội đồng thẩm định", "xem xét mời"),
])
def test_subject_after_apposition_or_condition(sentence, assignee, action):
    from extractors.task_frames import find_directive

    d = find_directive(sentence)
    assert d is not None and d.assignees[0].text == assignee
    assert sentence[d.action_start:].startswith(action)


def test_capitalised_agency_heading_over_items_without_subject(tasks_in):
    text = ("KẾ HOẠCH\n\nII. NHIỆM VỤ CHỦ YẾU CỦA BỘ TÀI NGUYÊN VÀ MÔI TRƯỜNG\n"
            "1. Chủ trì, phối hợp với các Bộ, cơ quan liên quan xây dựng, trình Chính phủ Nghị định sửa đổi.\n"
            "2. Xây dựng và ban hành Kế hoạch giảm nhẹ phát thải khí nhà kính của lĩnh vực quản lý chất thải.\n"
            "III. TỔ CHỨC THỰC HIỆN\n"
            "1. Cục Biến đổi khí hậu theo dõi, đôn đốc việc triển khai thực hiện Kế hoạch; "
            "Bộ Tài nguyên và Môi trường tổng hợp.\n")
    tasks = tasks_in(text)
    got = [(t.assignees, t.action.split()[0]) for t in tasks]
    assert (["Bộ Tài nguyên và Môi trường"], "xây") in got
    assert (["Bộ Tài nguyên và Môi trường"], "Xây") in got


def test_article_giving_a_body_measures_over_its_clauses(tasks_in):
    text = ("NGHỊ QUYẾT\n\nĐiều 3. Giao Chính phủ thực hiện một số biện pháp điều hành nhiệm vụ tài chính - "
            "ngân sách năm 2020\n"
            "1. Điều hành chính sách tài khóa chặt chẽ, hiệu quả, minh bạch.\n"
            "2. Tiếp tục sử dụng nguồn thu từ hoạt động xổ số kiến thiết cho đầu tư phát triển.\n")
    tasks = tasks_in(text)
    assert [t.assignees for t in tasks] == [["Chính phủ"], ["Chính phủ"]]
    assert tasks[0].action.startswith("Điều hành chính sách")


@pytest.mark.parametrize("sentence, first", [
    ("Thường trực Hội đồng nhân dân, các Ban của Hội đồng nhân dân, các Tổ đại biểu và đại biểu Hội đồng nhân dân "
     "tỉnh giám sát việc thực hiện Nghị quyết này.", "Thường trực Hội đồng nhân dân"),
    ("Ủy ban Thường vụ Quốc hội, Ủy ban Tài chính, Ngân sách, Hội đồng Dân tộc và các Ủy ban khác của Quốc hội, "
     "các Đoàn đại biểu Quốc hội trong phạm vi trách nhiệm, quyền hạn theo quy định của pháp luật, giám sát việc "
     "thực hiện các quy định của Nghị quyết này.", "Ủy ban Thường vụ Quốc hội"),
])
def test_council_supervision_clause_is_a_task(sentence, first):
    from extractors.task_frames import find_directive, is_closing

    d = find_directive(sentence)
    assert d is not None and d.assignees[0].text == first
    assert sentence[d.action_start:].startswith("giám sát")
    assert not is_closing(sentence)


@pytest.mark.parametrize("line, kind", [
    ("_ 7 Tham mưu Tổng cục chỉ đạo các Cục Thuế đẩy nhanh tiến độ", "dash"),  # OCR'd "-" with a stray mark
    ("~ Chủ trì, phối hợp với các bộ, ngành, địa phương rà soát", "dash"),
    ("¬ Phối hợp chặt chẽ với Văn phòng Bộ để xin ý kiến chỉ đạo", "dash"),
    ("__ - Trình Chính phủ ban hành Nghị định về gia hạn nộp thuế", "dash"),  # debris before a real dash
])
def test_ocr_dash_bullets(line, kind):
    mk = marker_of(line)
    assert mk is not None and mk[0] == kind
    assert line[mk[2]:][:1].isupper()
    assert marker_of("_ với DN hoàn thuế,") is None  # a wrapped line's lowercase continuation is no bullet


def test_ocr_dash_bullets_under_an_agency_lead(tasks_in):
    text = ("THÔNG BÁO\n\n2.6. Giao Cục TTKT:\n\n"
            "_ 7 Tham mưu Tổng cục chi đạo các Cục Thuế đây nhanh tiến độ thực hiện\n"
            "kê hoạch thanh tra, kiêm tra năm 2024.\n\n"
            "_ > Tham mưu tổ chức họp và chuẩn bị nội dung họp các Ban Chỉ đạo phòng\n"
            "chéng gian lận hóa đơn.\n\n"
            "- Khẩn trương báo cáo việc xây dựng đề án ứng dụng AI phục vụ thanh tra.\n")
    tasks = tasks_in(text)
    assert [t.assignees_printed for t in tasks] == [["Cục TTKT"]] * 3
    assert tasks[0].action.startswith("Tham mưu Tổng cục")


def test_ocr_damaged_body_after_giao(tasks_in):
    from extractors.task_frames import find_directive

    s = "Giao Chính phi thực hiện một số biện pháp điều hành nhiệm vụ tài chính - ngân sách năm 2018."
    d = find_directive(s)
    assert d is not None and [b.text for b in d.assignees] == ["Chính phủ"]
    assert s[d.action_start:].startswith("thực hiện")
    # only right after a request word: a damaged subject alone is not guessed
    assert find_directive("Chính phi thực hiện một số biện pháp điều hành.") is None
    text = ("NGHỊ QUYẾT\n\nĐiều 3. Giao Chính phi thực hiện một số biện pháp điều hành nhiệm vụ\n"
            "tài chính - ngân sách năm 2018\n"
            "1. Điều hành thận trọng chính sách tài khóa, phối hợp chặt chẽ với chính sách tiền tệ.\n"
            "2. Tiếp tục sử dụng ngudn thu từ hoạt động xổ số kiến thiết cho đầu tư phát triển.\n")
    assert [t.assignees for t in tasks_in(text)] == [["Chính phủ"], ["Chính phủ"]]


def test_ocr_stray_pipe_title_lines_and_damaged_markers():
    text = ("có nguy cơ bùng phát tại nhiều quốc | gia, khu vực trên thế giới và\n"
            "tác động lớn đến nền kinh tế.\n\n"
            "6. Tập trung xử lý vướng mắc về lao động\n\n"
            "Bộ Lao động - Thương binh và Xã hội chủ trì, phối hợp với các cơ quan xử lý các vấn đề sau:\n\n"
            "Il. TỔ CHỨC THỰC HIỆN\n\n"
            "©) Bộ Giao thông vận tải chủ trì, phối hợp với các Bộ, ngành liên quan.\n")
    root = build_units(text)
    kinds = [(u.kind, u.text[:12]) for u in root.walk() if u.kind != "root"]
    assert kinds[0] == ("para", "có nguy cơ b")  # one stray "|" is not a table row
    assert ("clause", "Tập trung xử") in kinds and ("para", "Bộ Lao động ") in kinds  # title, blank, paragraph
    assert ("roman", "TỔ CHỨC THỰC") in kinds and ("point", "Bộ Giao thôn") in kinds


def test_alias_names_the_addressees_of_a_lead(tasks_in):
    text = ("CHỈ THỊ\n\nCHỈ THỊ\nVề các nhiệm vụ, giải pháp cấp bách\n\n"
            "Để tập trung phòng chống dịch, Thủ tướng Chính phủ yêu cầu các Bộ trưởng, Thủ trưởng cơ quan ngang\n"
            "Bộ, Chủ tịch Hội đồng thành viên, Tổng giám đốc các tập đoàn kinh tế (sau đây gọi tắt là các bộ, cơ quan trung\n"
            "ương và địa phương) và đề nghị cộng đồng doanh nghiệp, nhân dân cả nước:\n\n"
            "1. Quán triệt sâu sắc tinh thần chỉ đạo của Ban Bí thư Trung ương Đảng tại Công văn số 79-CV/TW "
            "ngày 30 tháng 01 năm 2020.\n\n"
            "2. Tập trung phân tích, đánh giá những hạn chế, bất cập của nền kinh tế.\n")
    tasks = tasks_in(text)
    assert [t.assignees_printed for t in tasks] == [["các bộ, cơ quan trung ương và địa phương"]] * 2
    assert tasks[0].action.startswith("Quán triệt")


def test_lead_paragraph_with_own_duty_hands_its_body_to_the_bullets(tasks_in):
    text = ("CHỈ THỊ\n\n7. Đẩy mạnh thông tin truyền thông\n\n"
            "Bộ Thông tin và Truyền thông phối hợp với Ban Tuyên giáo Trung ương\n"
            "và chủ trì cùng các Bộ ngành, địa phương:\n\n"
            "- Chỉ đạo các cơ quan truyền thông kịp thời cung cấp thông tin chính thống về dịch.\n\n"
            "- Tăng cường truyền thông các chủ đề “Sống an toàn”, “Việt Nam an toàn”.\n\n"
            "8. Bộ Giao thông vận tải chủ trì, phối hợp với các Bộ, ngành liên quan có\n"
            "các giải pháp cụ thể tháo gỡ khó khăn cho ngành hàng không.\n")
    tasks = tasks_in(text)
    got = [(t.assignees, t.action.split()[0]) for t in tasks]
    assert (["Bộ Thông tin và Truyền thông"], "Chỉ") in got and (["Bộ Thông tin và Truyền thông"], "Tăng") in got
    assert (["Bộ Giao thông vận tải"], "có") in got  # "có các giải pháp" is a duty, not a state


def test_status_and_capacity_statements_are_not_tasks(tasks_in):
    text = ("QUYẾT ĐỊNH\n\nĐiều 2. Nhiệm vụ của Hội đồng thẩm định\n"
            "1. Hội đồng thẩm định được sử dụng con dấu, bộ máy tổ chức, cơ sở vật chất của Ban Quản lý "
            "các khu công nghiệp phục vụ hoạt động chung của Hội đồng.\n"
            "2. Ban Chỉ đạo làm việc theo nguyên tắc tập trung dân chủ, đề cao trách nhiệm người đứng đầu.\n"
            "3. Hội đồng thẩm định làm việc theo chế độ tập thể và chịu trách nhiệm thẩm định đồ án quy hoạch.\n"
            "4. Hội đồng thẩm định tự giải thể sau khi hoàn thành nhiệm vụ.\n")
    tasks = tasks_in(text)
    assert len(tasks) == 1 and "chịu trách nhiệm thẩm định" in tasks[0].action  # an obligation keeps it a task


def test_task_tables_kept_as_grids_are_read_by_their_column_headers():
    from pathlib import Path

    from extractors.task_tables import block_table_tasks
    from pipeline.ingest import load

    root = Path(__file__).resolve().parents[1] / "corpus"
    md = block_table_tasks(load(root / "gold" / "dev-b" / "docs" / "b_001.txt"))  # Markdown pipe table
    assert len(md) == 9
    assert (md[0].lead, md[0].coord[:22]) == ("Cục Biến đổi khí hậu", "Vụ Pháp chế và các đơn")
    docx = block_table_tasks(load(next((root / "files").glob("001_*.docx"))))  # DOCX table
    assert len(docx) == 14 and docx[0].task.startswith("Tổ chức quán triệt sâu rộng Chỉ thị")
    assert docx[0].lead == "Các Sở, ban, ngành; UBND các xã, phường"
