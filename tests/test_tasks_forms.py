"""Task forms found while reviewing the corpus documents that have no gold record (review round).

Each case is a sentence or a document of corpus/docs (or corpus/files) and the reading a careful
annotator gives it under gold/SCHEMA.md.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from extractors.task_agents import bodies_at
from extractors.task_frames import find_directive
from extractors.task_tables import pdf_table_tasks
from pipeline.run import process

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def _path(prefix: str) -> Path:
    for folder in ("docs", "files"):
        for p in sorted((CORPUS / folder).rglob(f"{prefix}*")):
            if p.suffix in (".txt", ".pdf"):
                return p
    raise FileNotFoundError(prefix)


@pytest.fixture(scope="module")
def tasks_of():
    cache: dict[str, list] = {}

    def get(prefix: str):
        if prefix not in cache:
            cache[prefix] = process(_path(prefix)).extraction.tasks
        return cache[prefix]

    return get


# --- body names ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, names", [
    # "các" + group words, and a list closed by ";" (Kế hoạch 001, IV.1 heading)
    ("Giám đốc các Sở và Thủ trưởng các ban, ngành tỉnh; Chủ tịch Ủy ban nhân dân các xã, phường:",
     ["Giám đốc các Sở", "Thủ trưởng các ban, ngành tỉnh", "Chủ tịch Ủy ban nhân dân các xã, phường"]),
    # "cơ quan Thuế" is one name; a generic list closed by "liên quan"
    ("cơ quan Thuế, Sở Nông nghiệp và Môi trường rà soát", ["cơ quan Thuế", "Sở Nông nghiệp và Môi trường"]),
    ("cơ quan, tổ chức liên quan thẩm định hoặc có ý kiến", ["cơ quan, tổ chức liên quan"]),
    # a PDF line break before the predicate ("... các xã, phường\nTheo chức năng, ...")
    ("Công an tỉnh, các sở, ban, ngành, đoàn thể tỉnh và Ủy ban nhân dân\ncác xã, phường\nTheo chức năng, nhiệm vụ",
     ["Công an tỉnh", "các sở, ban, ngành, đoàn thể tỉnh", "Ủy ban nhân dân\ncác xã, phường"]),
    # "ngang Bộ" in capitals, a sector name wrapped over two lines, the next body after a comma
    ("Các Bộ, cơ quan ngang Bộ, cơ quan thuộc Chính phủ, Ủy ban nhân dân các tỉnh, thành phố trực thuộc "
     "Trung ương, Bộ Tài\nchính tổng hợp",
     ["Các Bộ, cơ quan ngang Bộ, cơ quan thuộc Chính phủ", "Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương",
      "Bộ Tài\nchính"]),
    ("Thủ trưởng các Sở, ban, ngành của tỉnh, Chủ tịch UBND các xã, phường và các tổ chức",
     ["Thủ trưởng các Sở, ban, ngành của tỉnh", "Chủ tịch UBND các xã, phường", "các tổ chức"]),
    ("Ban Chính sách, Chiến lược Trung ương, Văn phòng Trung ương Đảng, Mặt \ntrận Tổ quốc, các tổ chức chính "
     "trị - xã hội phối hợp",
     ["Ban Chính sách, Chiến lược Trung ương", "Văn phòng Trung ương Đảng", "Mặt \ntrận Tổ quốc",
      "các tổ chức chính trị - xã hội"]),
    ("Ngân hàng Chính sách xã hội thực hiện cho vay", ["Ngân hàng Chính sách xã hội"]),
    ("Ủy ban nhân dân xã Phong Hải thực hiện", ["Ủy ban nhân dân xã Phong Hải"]),
    ("UBND các tỉnh, thành phố\nBộ Nội vụ", ["UBND các tỉnh, thành phố"]),  # the next table cell is not a place
    ("Thủ trưởng các sở, ban, ngành, đoàn thể tỉnh; Chủ tịch Ủy ban nhân dân các\nxã, phường; người đứng đầu các "
     "cơ quan, đơn vị có liên quan chịu trách nhiệm",
     ["Thủ trưởng các sở, ban, ngành, đoàn thể tỉnh", "Chủ tịch Ủy ban nhân dân các\nxã, phường",
      "người đứng đầu các cơ quan, đơn vị có liên quan"]),
])
def test_body_names(text, names):
    assert [b.text for b in bodies_at(text, 0).items] == names


def test_a_database_is_not_a_body():
    assert bodies_at("Các cơ sở dữ liệu văn hóa, nghệ thuật do UBND cấp xã quản lý", 0) is None


# --- directive frames ---------------------------------------------------------------------------------------

def test_request_with_the_predicate_on_the_next_line():
    d = find_directive("Giao Sở Xây dựng\nChủ trì, phối hợp với Công an tỉnh và các sở, ngành, địa phương có liên\n"
                       "quan tổ chức hướng dẫn triển khai")
    assert [b.text for b in d.assignees] == ["Sở Xây dựng"] and d.form == "request"
    assert [b.text for b in d.coordinators][0] == "Công an tỉnh"


def test_the_issuer_who_requests_is_not_the_assignee():
    s = ("Chủ tịch UBND tỉnh yêu cầu Thủ trưởng các Sở, ban, ngành của tỉnh, Chủ tịch UBND các xã, phường và các "
         "tổ chức, cá nhân có liên quan đến hoạt động khoáng sản trên địa bàn tỉnh nghiêm túc thực hiện.")
    d = find_directive(s)
    assert d.form == "request" and "Chủ tịch UBND tỉnh" not in [b.text for b in d.assignees]


def test_a_request_lead_after_tiep_tuc():
    s = ("Để tiếp tục nâng cao công tác bảo vệ khoáng sản trên địa bàn tỉnh trong thời gian tới, tiếp tục yêu cầu "
         "các Sở, ban, ngành và địa phương:")
    assert [b.text for b in find_directive(s).assignees] == ["các Sở, ban, ngành và địa phương"]


@pytest.mark.parametrize("s", [
    # a passive agent list: the bodies after "được" narrate what was done
    "Trong thời gian qua, công tác quản lý, bảo vệ khoáng sản chưa khai thác trên địa bàn tỉnh đã được các cấp, "
    "các ngành quan tâm triển khai và đạt được nhiều kết quả quan trọng, tích cực.",
    # a body named inside an adverbial, followed by a negation: not a clause of its own
    "Đối với những nhiệm vụ đã rõ, đã có văn bản chỉ đạo của Chính phủ, Thủ tướng Chính phủ, không cần phải xây "
    "dựng thêm đề án",
])
def test_no_subject_inside_an_adverbial(s):
    d = find_directive(s)
    assert d is None or all(b.text not in ("các ngành", "Thủ tướng Chính phủ") for b in d.assignees)


# --- units: one task per item -------------------------------------------------------------------------------

def test_pdf_item_of_two_paragraphs_is_one_task(tasks_of):
    """CV 7432 (PDF): "1. Công an tỉnh, ... các xã, phường / Theo chức năng ... / Đối với các cơ sở ..."."""
    tasks = tasks_of("024_")
    assert len(tasks) == 3
    first = tasks[0]
    assert first.assignees == ["Công an tỉnh", "Các sở, ban, ngành, đoàn thể tỉnh", "Ủy ban nhân dân các xã, phường"]
    assert first.action.startswith("tổ chức tuyên truyền") and "hướng dẫn chủ đầu tư" in first.action
    assert first.deadline is not None and first.deadline.date == "2028-07-01"
    second = tasks[1]
    assert second.assignees == ["Sở Xây dựng"] and "Công an tỉnh" in second.coordinators
    assert "Đồng thời, chủ trì phối hợp" in second.text


def test_joined_title_and_closing_request(tasks_of):
    """"3. Tổ chức thực hiện / Thủ trưởng các sở ... chịu trách nhiệm ...; ... kịp thời báo cáo Sở Xây dựng"."""
    last = tasks_of("024_")[2]
    assert last.assignees[0] == "Thủ trưởng các sở, ban, ngành, đoàn thể tỉnh"
    assert not last.action.startswith("Tổ chức thực hiện")


def test_agency_heading_with_two_titles(tasks_of):
    """Kế hoạch 001, IV.1: "Giám đốc các Sở và Thủ trưởng các ban, ngành tỉnh; Chủ tịch ...:" over bullets."""
    tasks = [t for t in tasks_of("001_") if t.section and t.section.startswith("IV > 1.")]
    assert len(tasks) >= 2
    assert all("Thủ trưởng các ban, ngành tỉnh" in t.assignees for t in tasks)
    assert any(t.action.startswith("chủ động ban hành Văn bản") for t in tasks)


def test_closing_request_of_a_letter_is_not_merged(tasks_of):
    """CV 002, item 11: the closing "yêu cầu ... nghiêm túc thực hiện" is not a task; the issuer never is."""
    tasks = tasks_of("002_")
    assert not any("Chủ tịch Ủy ban nhân dân tỉnh" in t.assignees for t in tasks)
    assert not any(t.action.startswith("quan tâm triển khai") for t in tasks)


def test_report_request_to_local_bodies(tasks_of):
    """Báo cáo 003, I.6: bullets under "..., tiếp tục yêu cầu các Sở, ban, ngành và địa phương:"."""
    tasks = [t for t in tasks_of("003_") if t.section == "I > 6. > -"]
    assert tasks and all(t.assignees == ["Các Sở, ban, ngành và địa phương"] for t in tasks)


def test_descriptive_bullets_inherit_nothing(tasks_of):
    """CV 5141: "- Nội dung của bản đồ hiện trạng ... Điều 14 Thông tư ..." describes a map, assigns nothing."""
    tasks = tasks_of("014_")
    assert not any(t.action.startswith(("Nội dung", "Hình thức", "Về việc")) for t in tasks)


# --- tables ------------------------------------------------------------------------------------------------

def test_table_numbering_restarts_under_group_rows():
    """NQ 116 appendix: rows 1..10 under "I", then "II <title>" and rows 1.. again; the deadline cell stays out."""
    rows = pdf_table_tasks(_path("049_").read_text("utf-8"))
    actions = [r.task for r in rows]
    assert len(actions) == len(set(actions))  # no row swallowed the rows after it
    assert any(r.task.startswith("Củng cố, kiện toàn cơ quan chỉ đạo") for r in rows)
    assert not any(r.coord.endswith(("Năm", "Giai đoạn")) for r in rows)


def test_roman_numeral_in_a_cell_does_not_restart():
    """NQ 97 appendix: "Quốc hội khóa XVI" in a cell is not a group row."""
    rows = pdf_table_tasks(_path("048_").read_text("utf-8"))
    assert any(r.task.startswith("Tiếp tục tổ chức rà soát, sửa đổi, ban") for r in rows)


@pytest.mark.parametrize("text, names", [
    # a unit's qualifier goes on in lowercase after its capitalised first word
    ("Cục Quản lý xuất nhập cảnh, Bộ Công an tổ chức xác minh", ["Cục Quản lý xuất nhập cảnh", "Bộ Công an"]),
    ("Vụ Hợp tác quốc tế", ["Vụ Hợp tác quốc tế"]),
    ("Công ty cổ phần Xây dựng giao thông Yên Bái thực hiện", ["Công ty cổ phần Xây dựng giao thông Yên Bái"]),
    ("Tổng cục Thuế hướng dẫn", ["Tổng cục Thuế"]),
    # a membership line is not a unit name
    ("Trưởng ban Chỉ đạo Trung ương: Phó Thủ tướng Chính phủ", ["Trưởng ban"]),
])
def test_unit_names(text, names):
    assert [b.text for b in bodies_at(text, 0).items] == names


def test_criteria_are_not_tasks(tasks_of):
    """QĐ (vbpl 000110), Điều 4: "Các địa phương đạt 3/6 tiêu chí ...: hệ số 3,0" sets a weight, assigns nothing."""
    tasks = tasks_of("062_")
    assert not any(t.action.startswith(("đạt", "có tổng điểm")) for t in tasks)
    assert any(t.assignees == ["Bộ Công an"] and t.action.startswith("xây dựng phương án phân bổ") for t in tasks)


def test_table_lead_body_wrapped_mid_name():
    """QĐ 844 appendix: the lead cell "Ủy ban nhân / dân các cấp" is one body; the product cell is not a name."""
    rows = pdf_table_tasks(_path("031_").read_text("utf-8"))
    row = next(r for r in rows if r.task.startswith("Đưa các chỉ tiêu bao phủ"))
    assert row.lead == "Ủy ban nhân dân các cấp"
    assert not any(r.coord.endswith(("Nghị quyết", "Quyết định", "Đề án")) for r in rows)


@pytest.mark.parametrize("text, names", [
    ("Tòa án nhân dân tối cao, Viện kiểm sát nhân dân tối cao, Kiểm toán nhà nước, trong phạm vi nhiệm vụ",
     ["Tòa án nhân dân tối cao", "Viện kiểm sát nhân dân tối cao", "Kiểm toán nhà nước"]),
    ("Ban Chỉ đạo Chương trình mục tiêu quốc gia thực hiện", ["Ban Chỉ đạo Chương trình mục tiêu quốc gia"]),
    # a flattened table row: the product column ("Chương trình, kế hoạch") is the next cell, not part of the name
    ("Các Bộ, ngành, địa phương, Ủy ban Công tác về các tổ chức PCPNN, VTV, VOV, TTXVN Chương trình, kế hoạch",
     ["Các Bộ, ngành, địa phương", "Ủy ban Công tác"]),
    ("Bộ Tài chính Năm 2026", ["Bộ Tài chính"]),
])
def test_names_in_laws_and_tables(text, names):
    assert [b.text for b in bodies_at(text, 0).items] == names


@pytest.mark.parametrize("s", [
    "Sở Nông nghiệp và Môi trường nhận được Công văn số 4170/SCT-CN ngày 14/7/2026 của Sở Công thương",
    "Các tổ chức, cá nhân quy định tại Điều 2, Quyết định số 43/2015/QĐ-UBND được hỗ trợ",
])
def test_narration_and_participles_are_not_predicates(s):
    assert find_directive(s) is None


def test_execution_formula_with_a_tail_is_closing():
    from extractors.task_frames import is_closing

    assert is_closing("Các Bộ trưởng, Thủ trưởng cơ quan ngang bộ, Chủ tịch Ủy ban nhân dân các tỉnh, thành phố chịu "
                      "trách nhiệm thi hành Nghị quyết này, bảo đảm công khai, minh bạch.")


def test_table_region_keeps_prose_rules_out(tasks_of):
    """NQ 100: rows of the appendix table come out as rows, not as items of the last body clause between them."""
    tasks = tasks_of("050_")
    first_row = min(t.start for t in tasks if t.section == "Phụ lục")
    assert not any(t.start > first_row and t.section != "Phụ lục" for t in tasks)


def test_information_field_is_not_a_task(tasks_of):
    """CV 6791: "- Chủ đầu tư: Ban Quản lý dự án đầu tư xây dựng xã Trấn Yên." names a party, assigns nothing."""
    tasks = tasks_of("025_")
    assert not any(t.assignees and t.assignees[0].startswith("Ban Quản lý") for t in tasks)
    assert not any(t.action.startswith("nhận được") for t in tasks)


@pytest.mark.parametrize("s, names", [
    # a generic head qualified by a verb before the obligation (QĐ 28/2026, Điều 17)
    ("Trong thời hạn 01 ngày làm việc kể từ khi nhận được đơn trình báo mất thẻ ABTC cứng, cơ quan tiếp nhận có "
     "trách nhiệm gửi văn bản cho Cục Quản lý xuất nhập cảnh, Bộ Công an và người gửi đơn", ["cơ quan tiếp nhận"]),
    ("cơ quan có thẩm quyền phải trả lời bằng văn bản", ["cơ quan có thẩm quyền"]),
    # lowercase "trung ương" in the Front's name; "Tổng Liên đoàn" (QĐ 08/2022, Điều 13)
    ("Đề nghị Ủy ban trung ương Mặt trận Tổ quốc Việt Nam, Tổng Liên đoàn Lao động Việt Nam tham gia phổ biến",
     ["Ủy ban trung ương Mặt trận Tổ quốc Việt Nam", "Tổng Liên đoàn Lao động Việt Nam"]),
])
def test_subjects(s, names):
    assert [b.text for b in find_directive(s).assignees] == names


def test_frame_words_citing_this_decision_are_skipped():
    s = ("Các bộ, cơ quan ngang bộ, cơ quan thuộc Chính phủ theo chức năng, nhiệm vụ được giao trong Quyết định này "
         "tổ chức xây dựng và triển khai kế hoạch")
    d = find_directive(s)
    assert s[d.action_start:].startswith("tổ chức xây dựng")


def test_report_narration_is_not_a_task(tasks_of):
    """Báo cáo 003/004: "UBND tỉnh thường xuyên chỉ đạo ..." recounts; the proposals of part IV are requests."""
    narrated = tasks_of("003_") + tasks_of("004_")
    assert not any(t.action.startswith("thường xuyên chỉ đạo") for t in narrated)
    assert not any(t.action.startswith("trước khi xin cấp phép") for t in narrated)
    assert sum(t.section == "IV > 1. > -" for t in tasks_of("003_")) >= 3


def test_scope_article_assigns_nothing(tasks_of):
    """QĐ 16/2026 (OCR), Điều 1 "Phạm vi điều chỉnh và đối tượng áp dụng": "2. Các cơ quan quản lý nhà nước; ..."."""
    tasks = tasks_of("018_")
    assert not any(t.section and t.section.startswith("Chương I > Điều 1 ") for t in tasks)
    assert any(t.assignees == ["Sở Công Thương"] for t in tasks)


def test_report_proposals_under_a_joined_title(tasks_of):
    """Báo cáo 004: "4. Đề xuất, kiến nghị" + "Đề nghị Bộ Nông nghiệp và Môi trường:" over "(1). Xem xét, ..."."""
    tasks = tasks_of("004_")
    assert len(tasks) == 4 and all(t.assignees == ["Bộ Nông nghiệp và Môi trường"] for t in tasks)
    assert tasks[0].action.startswith("Xem xét, kiến nghị Chính phủ")
