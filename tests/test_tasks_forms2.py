"""Task forms found in the second review round (website copies of Quyết định and Nghị quyết, corpus/docs/dev).

Each case is a real sentence or document of the corpus and the reading a careful annotator gives it under
gold/SCHEMA.md.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from extractors.task_agents import bodies_at
from extractors.task_frames import find_directive
from extractors.task_tables import pdf_table_tasks
from pipeline.run import process

DEV = Path(__file__).resolve().parent.parent / "corpus" / "docs" / "dev"


@pytest.fixture(scope="module")
def tasks_of():
    cache: dict[str, list] = {}

    def get(prefix: str):
        if prefix not in cache:
            cache[prefix] = process(next(DEV.glob(f"{prefix}_*.txt"))).extraction.tasks
        return cache[prefix]

    return get


@pytest.mark.parametrize("text, name", [
    # a relative clause that picks out the body (Nghị quyết 069, Điều 3)
    ("Ủy ban nhân dân cấp tỉnh nơi có đất thu hồi chịu trách nhiệm về tính chính xác của thông tin",
     "Ủy ban nhân dân cấp tỉnh nơi có đất thu hồi"),
    # qualifiers whose second syllable is also a predicate word ("đào tạo", "xây dựng", "công trình")
    ("Các cơ sở đào tạo trọng điểm gồm: Đại học Bách Khoa Hà Nội", "Các cơ sở đào tạo trọng điểm"),
    ("Ban Quản lý dự án đầu tư xây dựng các công trình giao thông tỉnh có trách nhiệm",
     "Ban Quản lý dự án đầu tư xây dựng các công trình giao thông tỉnh"),
    # an agency heading line, then its paragraph starting with a capitalised verb (Quyết định 041, VI.10)
    ("Bộ Tài chính \nCân đối nguồn ngân sách nhà nước hằng năm", "Bộ Tài chính"),
])
def test_body_names(text, name):
    assert bodies_at(text, 0).items[0].text == name


def test_header_date_with_capital_ngay_starts_the_body(tasks_of):
    """"Ngày 8 tháng 12 năm 2025" as the header's date line: the body is read from there, not from a later
    "ngày 01 tháng 3 năm 2027." inside Điều 3 (Nghị quyết 076)."""
    ts = tasks_of("076")
    assert [t.assignees for t in ts[:3]] == [["Bộ Công an"], ["Bộ Công an"], ["Bộ Tư pháp"]]
    assert ts[3].assignees == ["Các bộ, cơ quan ngang bộ", "Ủy ban nhân dân các cấp"]
    assert ts[3].action.startswith("kịp thời cung cấp thông tin về xử lý vi phạm hành chính")


def test_bullets_after_cu_the_inherit_the_item_body(tasks_of):
    """"3. Các bộ, ngành, Ủy ban nhân dân tỉnh ... tổ chức thực hiện ... Cụ thể:" over three bullets."""
    ts = [t for t in tasks_of("040") if t.section and t.section.startswith("Điều 1 > VI > 3.")]
    assert len(ts) == 4
    assert all(t.assignees[0] == "Các bộ, ngành" for t in ts)
    assert ts[2].action.startswith("Tạo điều kiện để cán bộ, công chức, viên chức")


def test_review_table_gives_drafting_and_reviewing_tasks():
    """"STT | Tên dự án | Cơ quan trình | Cơ quan chủ trì thẩm tra | Cơ quan tham gia thẩm tra | Tiến độ"."""
    text = next(DEV.glob("059_*.txt")).read_text(encoding="utf-8")
    rows = pdf_table_tasks(text)
    assert [(r.task, r.lead, r.coord) for r in rows] == [
        ("Luật Chuyển đổi số", "Chính phủ", ""),
        ("Luật Chuyển đổi số", "Ủy ban Khoa học, Công nghệ và Môi trường",
         "Hội đồng Dân tộc, các Ủy ban khác của Quốc hội"),
        ("Luật Tòa án chuyên biệt tại Trung tâm tài chính quốc tế", "Tòa án nhân dân tối cao", ""),
        ("Luật Tòa án chuyên biệt tại Trung tâm tài chính quốc tế", "Ủy ban Pháp luật và Tư pháp",
         "Hội đồng Dân tộc, các Ủy ban khác của Quốc hội"),
    ]


def test_review_table_wrapped_committee_name(tasks_of):
    """"Ủy ban\\nKinh tế và Tài chính" is one cell; "Hội đồng Dân tộc, ..." the next (Nghị quyết 058)."""
    ts = tasks_of("058")
    assert len(ts) == 16
    assert ts[3].assignees == ["Ủy ban Kinh tế và Tài chính"]
    assert ts[3].action.startswith("Nghị quyết về cơ chế phối hợp")


def test_sub_numbered_rows_under_a_group_row(tasks_of):
    """Appendix rows "1.1", "1.2" under the group row "1. Rà soát, hoàn thiện thể chế" are one task each."""
    rows = [t for t in tasks_of("033") if t.section == "Phụ lục"]
    assert len(rows) >= 30
    assert rows[0].assignees == ["Bộ Tài chính"] and rows[0].coordinators[0] == "Bộ Khoa học và Công nghệ"
    assert rows[0].action.startswith("Nghiên cứu, rà soát, sửa đổi, bổ sung và đơn giản hóa")
    assert rows[1].action.startswith("Nghiên cứu, xây dựng cơ chế tài chính, tín dụng")


@pytest.mark.parametrize("text, names, action", [
    # "Ban của Hội đồng nhân dân", "đại biểu Hội đồng nhân dân" in a list of bodies (Nghị quyết 060, Điều 4)
    ("Hội đồng nhân dân, Ban của Hội đồng nhân dân, đại biểu Hội đồng nhân dân, Mặt trận Tổ quốc Việt Nam các cấp "
     "trong phạm vi nhiệm vụ, quyền hạn của mình, tăng cường giám sát việc tổ chức thực hiện Nghị quyết này.",
     ["Hội đồng nhân dân", "Ban của Hội đồng nhân dân", "đại biểu Hội đồng nhân dân",
      "Mặt trận Tổ quốc Việt Nam các cấp"], "tăng cường giám sát"),
    # the body after the colon of a leading "Đối với ...:" (Quyết định 066, Điều 2.2.c)
    ("Đối với Bộ tiêu chí quốc gia về phát triển văn hóa toàn diện cấp xã: Bộ Văn hóa, Thể thao và Du lịch chủ trì, "
     "phối hợp với các bộ, cơ quan trung ương liên quan hướng dẫn nội dung các tiêu chí 1.2.1, 1.3;",
     ["Bộ Văn hóa, Thể thao và Du lịch"], "hướng dẫn nội dung các tiêu chí"),
    # a point's title joined to its first paragraph (Quyết định 066, Điều 2.3.a)
    ("Bộ tiêu chí quốc gia về phát triển văn hóa toàn diện cấp xã (Phụ lục I) Bộ Nội vụ chủ trì, phối hợp với các "
     "bộ, cơ quan trung ương liên quan hướng dẫn nội dung tiêu chí 1.1.1;", ["Bộ Nội vụ"], "hướng dẫn nội dung"),
    # "Hội đồng thẩm định" is a name, not "Hội đồng" + the verb "thẩm định" (Quyết định 066, Phụ lục)
    ("Trường hợp cần thiết, Chủ tịch Hội đồng thẩm định trung ương thành lập đoàn công tác liên ngành đi khảo sát.",
     ["Chủ tịch Hội đồng thẩm định trung ương"], "thành lập đoàn công tác"),
])
def test_directive_frames(text, names, action):
    d = find_directive(text)
    assert [b.text for b in d.assignees] == names
    assert text[d.action_start:].startswith(action)


def test_new_subject_after_semicolon_is_its_own_task(tasks_of):
    """"3. Bộ Nông nghiệp và Môi trường, Bộ Tài chính ... có trách nhiệm tham mưu ...; Bộ Quốc phòng, Bộ Công an có
    trách nhiệm thực hiện các nhiệm vụ quy định tại khoản 5 Điều 3 Nghị quyết này." (Nghị quyết 061, Điều 4)"""
    ts = [t for t in tasks_of("061") if t.section == "Điều 4 > 3."]
    assert [t.assignees for t in ts] == [["Bộ Nông nghiệp và Môi trường", "Bộ Tài chính"], ["Bộ Quốc phòng", "Bộ Công an"]]
    assert ts[1].action == "thực hiện các nhiệm vụ quy định tại khoản 5 Điều 3 Nghị quyết này"


def test_list_after_semicolon_is_not_split():
    """"Giám đốc Trung tâm ...; Thủ trưởng các sở, ...; Chủ tịch ..." (the closing article's list) stays one clause."""
    from extractors.tasks import _clauses
    s = ("Chánh Văn phòng Ủy ban nhân dân tỉnh; Giám đốc Trung tâm Phục vụ Hành chính công tỉnh; Thủ trưởng các sở, "
         "ban, ngành chịu trách nhiệm thi hành Quyết định này.")
    assert _clauses(s, [(0, len(s))], 0) == [(0, len(s))]


def test_obligated_party_of_a_contract():
    """"Bên mua điện có trách nhiệm ..." (Nghị quyết 068, Điều 7): a party named by its role, before an obligation."""
    s = ("Bên mua điện có trách nhiệm đàm phán và giao kết hợp đồng mua bán điện với nhà đầu tư trúng thầu theo quy "
         "định của pháp luật hiện hành.")
    d = find_directive(s)
    assert [b.text for b in d.assignees] == ["Bên mua điện"]
    assert find_directive("Bên mua điện và nhà đầu tư thỏa thuận giá điện.") is None


def test_decree_closing_formula_is_not_a_task(tasks_of):
    """"Các Bộ trưởng, ... chịu trách nhiệm thi hành Nghị định này." (Nghị định 070, Điều 16)."""
    assert not any("thi hành Nghị định này" in t.action for t in tasks_of("070"))
    assert any(t.assignees == ["Bộ Tư pháp"] for t in tasks_of("070"))


def test_power_of_a_body_picked_by_place_is_not_a_task(tasks_of):
    """"Chủ tịch Ủy ban nhân dân cấp tỉnh nơi có điểm gom công suất ... có thẩm quyền chấp thuận ...": a power."""
    ts = tasks_of("068")
    assert not any(t.section == "Điều 12 > 2." for t in ts)
    t = next(t for t in ts if t.section == "Điều 6 > 3.")
    assert t.assignees[0].startswith("Chủ tịch Ủy ban nhân dân cấp tỉnh nơi có vị trí điểm đầu đường dây")
    assert t.action.startswith("xem xét, quyết định việc chấp thuận nhà đầu tư")


@pytest.mark.parametrize("text, names, action", [
    # offices of the National Assembly (Nghị quyết 057, Điều 2)
    ("Tổng Thư ký Quốc hội - Chủ nhiệm Văn phòng Quốc hội kịp thời tổ chức tổng hợp ý kiến của đại biểu Quốc hội.",
     ["Tổng Thư ký Quốc hội - Chủ nhiệm Văn phòng Quốc hội"], "kịp thời tổ chức tổng hợp"),
    ("Đề nghị Đoàn đại biểu Quốc hội và đại biểu Quốc hội dành thời gian để nghiên cứu, tham vấn ý kiến.",
     ["Đoàn đại biểu Quốc hội", "đại biểu Quốc hội"], "dành thời gian"),
    # a project board's long lowercase name, "và" inside it
    ("Ban Quản lý dự án đầu tư xây dựng các công trình dân dụng và công nghiệp tỉnh khẩn trương hoàn thiện hồ sơ.",
     ["Ban Quản lý dự án đầu tư xây dựng các công trình dân dụng và công nghiệp tỉnh"], "khẩn trương hoàn thiện"),
    # "được hỗ trợ" qualifies the body before its obligation
    ("Các doanh nghiệp, cơ sở công nghiệp nông thôn được hỗ trợ có trách nhiệm sử dụng kinh phí đúng mục đích.",
     ["Các doanh nghiệp, cơ sở công nghiệp nông thôn được hỗ trợ"], "sử dụng kinh phí"),
    ("Trung tâm Khuyến công và Tư vấn phát triển công nghiệp và các phòng chuyên môn phối hợp thực hiện.",
     ["Trung tâm Khuyến công và Tư vấn phát triển công nghiệp", "các phòng chuyên môn"], "phối hợp thực hiện"),
])
def test_more_body_names(text, names, action):
    test_directive_frames(text, names, action)


def test_meeting_delegates_are_not_assignees():
    """"Các đại biểu tham dự hội nghị ..." in a conclusion notice narrates the meeting."""
    assert find_directive("Các đại biểu tham dự hội nghị đã thảo luận sôi nổi.") is None


def test_standing_body_of_a_council_is_an_assignee():
    s = ("Đề nghị Thường trực Hội đồng nhân dân tỉnh, các Ban Hội đồng nhân dân tỉnh và đại biểu Hội đồng nhân dân "
         "tỉnh tiếp tục tăng cường công tác giám sát nội dung này.")
    assert [b.text for b in find_directive(s).assignees] == [
        "Thường trực Hội đồng nhân dân tỉnh", "các Ban Hội đồng nhân dân tỉnh", "đại biểu Hội đồng nhân dân tỉnh"]
    assert [b.text for b in bodies_at("Thường trực Tỉnh ủy chỉ đạo", 0).items] == ["Thường trực Tỉnh ủy"]
    assert bodies_at("Thường trực tại trụ sở", 0) is None  # the word alone is no body


@pytest.mark.parametrize("sentence, assignees", [
    ("Giao nhiệm vụ Ban Quản lý các Khu công nghiệp tỉnh yêu cầu các doanh nghiệp trong Khu công nghiệp thực hiện "
     "trồng cây xanh theo đúng cam kết trong dự án đầu tư.", ["Ban Quản lý các Khu công nghiệp tỉnh"]),
    ("Phân công Phó Thủ tướng Lê Minh Khái sớm tổ chức cuộc họp với Bộ Tài chính và các bộ, cơ quan liên quan để "
     "chỉ đạo hoàn thiện dự thảo Nghị định.", ["Phó Thủ tướng Lê Minh Khái"]),
])
def test_giao_nhiem_vu_and_phan_cong_name_the_assignee(sentence, assignees):
    d = find_directive(sentence)
    assert d.form == "request" and [b.text for b in d.assignees] == assignees


def test_national_park_is_a_body():
    s = ("Vườn quốc gia Hoàng Liên, các Công ty Lâm nghiệp chủ động nghiên cứu, triển khai thực hiện các nội dung "
         "thuộc trách nhiệm, thẩm quyền của chủ rừng, đảm bảo đúng quy định.")
    assert [b.text for b in find_directive(s).assignees] == ["Vườn quốc gia Hoàng Liên", "các Công ty Lâm nghiệp"]


@pytest.mark.parametrize("sentence", [
    "Bộ Nông nghiệp và Môi trường trân trọng cảm ơn sự phối hợp chặt chẽ của Quý Ủy ban./.",
    "Xin chân thành cảm ơn./.",
])
def test_courtesy_close_is_no_task(sentence):
    from extractors.task_frames import is_closing

    assert is_closing(sentence)
