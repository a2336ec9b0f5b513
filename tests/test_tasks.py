"""Assigned-task extraction on real documents and sentences of the corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractors.task_agents import bodies_at
from extractors.task_classifier import MODEL_PATH, task_probability
from extractors.task_frames import find_directive, is_closing
from extractors.task_tables import pdf_table_tasks
from extractors.task_units import trees
from extractors.tasks import extract, recipients
from pipeline.ingest import load
from pipeline.records import Deadline, Extraction
from pipeline.run import process
from pipeline.segment import segment

DOCS = Path(__file__).resolve().parent.parent / "corpus" / "docs"


def _doc(name: str) -> Path:
    return next(p for p in DOCS.rglob("*.txt") if p.name.startswith(name))


@pytest.fixture(scope="module")
def tasks_of():
    cache: dict[str, list] = {}

    def get(name: str):
        if name not in cache:
            cache[name] = process(_doc(name)).extraction.tasks
        return cache[name]

    return get


def _find(tasks, assignee: str, action_part: str):
    return [t for t in tasks if assignee in t.assignees and action_part in t.action]


# --- body names -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, names", [
    ("UBND các huyện, thành phố, các Sở, ngành, cơ quan xây dựng Chương trình khuyến công năm 2011",
     ["UBND các huyện, thành phố", "các Sở, ngành, cơ quan"]),
    ("Sở Nông nghiệp và Phát triển nông thôn xây dựng, hoàn thiện đề xuất", ["Sở Nông nghiệp và Phát triển nông thôn"]),
    ("Giao Sở Công Thương, Công an tỉnh Lào Cai, Ủy ban nhân dân xã Phong Hải căn cứ chức năng"[5:],
     ["Sở Công Thương", "Công an tỉnh Lào Cai", "Ủy ban nhân dân xã Phong Hải"]),
    ("Bộ Văn hóa, Thể thao và Du lịch phối hợp với Ban Tuyên giáo và Dân vận Trung ương",
     ["Bộ Văn hóa, Thể thao và Du lịch"]),
    ("Các Sở: Công nghiệp, Tài chính, Kế hoạch và Đầu tư, Thương mại và Du lịch:",
     ["Sở Công nghiệp", "Sở Tài chính", "Sở Kế hoạch và Đầu tư", "Sở Thương mại và Du lịch"]),
    ("Ngân hàng Nhà nước Việt Nam - Chi nhánh An Giang", ["Ngân hàng Nhà nước Việt Nam - Chi nhánh An Giang"]),
    ("Bộ Chỉ huy Quân sự tỉnh\nChỉ đạo lực lượng chức năng", ["Bộ Chỉ huy Quân sự tỉnh"]),
])
def test_body_names_end_where_the_predicate_starts(text, names):
    assert [b.text for b in bodies_at(text, 0).items] == names


def test_common_words_are_not_bodies():
    assert bodies_at("Báo cáo định kỳ hoạt động khai thác khoáng sản nhóm IV", 0) is None
    assert bodies_at("Tổ chức tập huấn cho các tổ chức, cá nhân", 0) is None


# --- directive frames on corpus sentences ------------------------------------------------------------------

def test_chu_tri_phoi_hop_frame():
    s = ("Sở Công Thương chủ trì, phối hợp với các Sở, ngành, UBND các huyện, thành phố tham mưu UBND tỉnh "
         "xây dựng Chương trình Khuyến công tỉnh Quảng Nam giai đoạn 2011-2015")
    d = find_directive(s)
    assert [b.text for b in d.assignees] == ["Sở Công Thương"]
    assert [b.text for b in d.coordinators] == ["các Sở, ngành", "UBND các huyện, thành phố"]
    assert s[d.action_start:].startswith("tham mưu UBND tỉnh")


@pytest.mark.parametrize("sentence, assignee, action_start", [
    ("Giao Sở Công Thương chủ trì, phối hợp với Sở Tư pháp và các cơ quan có liên quan, nghiên cứu, tham mưu "
     "Ủy ban nhân dân tỉnh", "Sở Công Thương", "nghiên cứu, tham mưu"),
    ("Đối với chi phí khám bệnh, chữa bệnh bảo hiểm y tế vượt dự toán năm 2023, 2024, yêu cầu Bộ Tài chính, Bảo "
     "hiểm xã hội Việt Nam khẩn trương thực hiện theo đúng thẩm quyền", "Bảo hiểm xã hội Việt Nam",
     "khẩn trương thực hiện"),
    ("Đề nghị Ban Tuyên giáo và Dân vận Trung ương lãnh đạo, chỉ đạo, hướng dẫn các cơ quan, tổ chức",
     "Ban Tuyên giáo và Dân vận Trung ương", "lãnh đạo, chỉ đạo"),
    ("Bộ Xây dựng có trách nhiệm hướng dẫn, kiểm tra và đôn đốc các địa phương trên cả nước",
     "Bộ Xây dựng", "hướng dẫn, kiểm tra"),
    ("Tổ chức, cá nhân khai thác khoáng sản có trách nhiệm thực hiện công tác thống kê trữ lượng",
     "Tổ chức, cá nhân khai thác khoáng sản", "thực hiện công tác"),
])
def test_request_and_responsibility_frames(sentence, assignee, action_start):
    d = find_directive(sentence)
    assert assignee in [b.text for b in d.assignees]
    assert sentence[d.action_start:].startswith(action_start)


def test_narration_and_attributes_are_not_directives():
    assert find_directive("Sở Công Thương đã tổ chức 12 lớp đào tạo nghề cho lao động nông thôn.") is None
    assert find_directive("Cục CTĐP cũng đề ra 09 giải pháp chính để hoàn thành kế hoạch năm 2018") is None


@pytest.mark.parametrize("sentence", [
    "Chánh Văn phòng Ủy ban nhân dân tỉnh, Giám đốc Sở Công Thương, Thủ trưởng các Sở, ban ngành có liên quan và "
    "Chủ tịch Ủy ban nhân dân các huyện, thị, thành phố có trách nhiệm thi hành Quyết định này./.",
    "Yêu cầu Giám đốc các Sở, ngành, đơn vị liên quan căn cứ chức năng, nhiệm vụ được giao khẩn trương triển khai "
    "thực hiện./.",
    "Sở Công Thương Lào Cai thông báo cho các đơn vị được biết và thực hiện./.",
    "Thủ tướng Chính phủ ban hành Quyết định quy định đối tượng thuê nhà ở công vụ.",
])
def test_closing_formulas_are_not_tasks(sentence):
    assert is_closing(sentence)


def test_a_real_task_is_not_a_closing_formula():
    assert not is_closing("Các Bộ, ngành và Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương chỉ đạo thực "
                          "hiện tốt chỉ thị này và báo cáo kết quả thực hiện với Thủ tướng Chính phủ theo đúng tiến độ.")


# --- items -------------------------------------------------------------------------------------------------

def test_items_nest_under_agency_headings():
    doc = load(_doc("004_9789"))
    body, appendix = trees(segment(doc))  # the segmenter's trees: the decision, the programme it approves
    assert [u.label for u in body.children] == ["Điều 1", "Điều 2", "Điều 3"]
    part6 = next(u for u in appendix.walk() if u.kind == "roman" and u.text.startswith("Tổ chức thực hiện"))
    heads = [c.text for c in part6.children]
    assert heads[0] == "Sở Công Thương" and len(heads) == 14
    assert [c.kind for c in part6.children[0].children] == ["dash"] * 4


# --- whole documents ---------------------------------------------------------------------------------------

def test_agency_heading_bullets_chi_thi(tasks_of):
    ts = tasks_of("001_371b")  # Chỉ thị: "- Sở Công nghiệp:" over "+" bullets
    assert _find(ts, "Sở Công nghiệp", "Tổ chức rà soát, tham mưu cho UBND tỉnh")
    shared = _find(ts, "Sở Kế hoạch và Đầu tư", "Phối hợp chặt chẽ trong việc cân đối phân bổ")
    assert shared and set(shared[0].assignees) >= {"Sở Công nghiệp", "Sở Tài chính", "Sở Thương mại và Du lịch"}


def test_thong_bao_ket_luan_numbered_conclusions(tasks_of):
    ts = tasks_of("000_caf4")
    first = _find(ts, "Sở Công Thương", "tham mưu UBND tỉnh xây dựng Chương trình Khuyến công")
    assert first and "Ủy ban nhân dân các huyện, thành phố" in first[0].coordinators
    districts = _find(ts, "Ủy ban nhân dân các huyện, thành phố", "xây dựng Chương trình khuyến công năm 2011")
    assert len(districts) == 1
    t = districts[0]
    assert "Các Sở, ngành, cơ quan" in t.assignees
    assert t.section == "II > 5."  # the segmenter's labels: "II", "Điều 3", "1.", "a)"
    assert t.deadline is not None and t.deadline.date == "2010-10-31"
    # "Yêu cầu Giám đốc các Sở ... khẩn trương triển khai thực hiện./." closes the notice
    assert not [x for x in ts if "khẩn trương triển khai" in x.text]


def test_to_chuc_thuc_hien_every_body_has_its_tasks(tasks_of):
    ts = tasks_of("004_9789")
    bodies = ["Sở Công Thương", "Sở Tài chính", "Sở Kế hoạch và Đầu tư", "Sở Nội vụ",
              "Sở Nông nghiệp và Phát triển nông thôn", "Sở Lao động - Thương binh và Xã hội",
              "Sở Văn hóa - Thể thao và Du lịch", "Sở Khoa học và Công nghệ",
              "Ngân hàng Nhà nước Việt Nam - Chi nhánh An Giang", "Trung tâm Xúc tiến Thương mại và Đầu tư",
              "Sở Tài nguyên và Môi trường", "Báo An Giang", "Các sở, ban, ngành liên quan khác",
              "Ủy ban nhân dân huyện, thị xã, thành phố"]
    part6 = [t for t in ts if t.section and " > VI > " in t.section]
    for b in bodies:
        assert any(b in t.assignees for t in part6), b
    assert len([t for t in part6 if "Sở Công Thương" in t.assignees]) == 4
    assert not [t for t in ts if "thi hành Quyết định này" in t.text]


def test_cong_van_requests_go_to_the_addressee(tasks_of):
    ts = tasks_of("016_sct")  # "Sở ... đề nghị Công ty thực hiện đầy đủ các nội dung sau:" then bullets
    company = "Công ty cổ phần Khai thác và Chế biến kim loại Thủ Đô"
    assert _find(ts, company, "Thực hiện cắm mốc khu vực khai thác")
    assert len([t for t in ts if company in t.assignees]) >= 20


def test_giao_with_deadline(tasks_of):
    ts = tasks_of("006_sct")
    (t,) = ts
    assert t.assignees == ["Sở Công Thương"]
    assert "Sở Tư pháp" in t.coordinators
    assert "nghiên cứu, tham mưu Ủy ban nhân dân tỉnh việc ủy quyền" in t.action
    assert t.deadline is None or t.deadline.date == "2025-09-15"


def test_pdf_task_table_rows():
    rows = pdf_table_tasks(load(_doc("048_congbao")).text)
    assert len(rows) == 29
    assert rows[0].lead == "Các bộ, cơ quan ngang bộ" and rows[0].coord == "Bộ Nội vụ"
    assert rows[1].lead == "Các bộ, cơ quan ngang bộ" and rows[1].coord == "Bộ Tư pháp"
    assert rows[17].lead == "Bộ Y tế"  # "... của\nBộ Chính trị" ends the task name, not a cell


def test_joined_table_rows(tasks_of):
    ts = tasks_of("001_sct")  # docx table: "N | task | lead | coordinators | time | note"
    rows = [t for t in ts if t.text.startswith("4 | ")]
    assert rows and rows[0].assignees == ["Sở Nông nghiệp và Môi trường"]
    assert rows[0].action.startswith("Tham mưu trình kế hoạch đấu giá quyền khai thác khoáng sản")


def test_recipients_of_a_letter():
    assert recipients(load(_doc("015_sct")).text) == [
        "Các Sở, ban, ngành thuộc UBND tỉnh", "Công an tỉnh", "Thuế tỉnh Lào Cai", "Ủy ban nhân dân các xã, phường"]


def test_deadlines_inside_the_task_are_linked():
    doc = load(_doc("000_caf4"))
    pos = doc.text.index("chậm nhất ngày 31/10/2010")
    ex = Extraction(deadlines=[Deadline("chậm nhất ngày 31/10/2010", pos, pos + 25, "2010-10-31")])
    ts = extract(doc, segment(doc), ex)
    linked = [t for t in ts if t.deadline is not None]
    assert len(linked) == 1 and "xây dựng Chương trình khuyến công năm 2011" in linked[0].action


# --- the sentence classifier -------------------------------------------------------------------------------

@pytest.mark.skipif(not MODEL_PATH.exists(), reason="model not trained")
def test_classifier_separates_directives_from_narration():
    directive = task_probability("Sở Tài chính chủ trì, phối hợp với các cơ quan liên quan rà soát kiểm tra chặt chẽ "
                                 "hoạt động đầu tư đối với các dự án khoáng sản thuộc thẩm quyền.")
    narration = task_probability("Giai đoạn 2013 - 2015 đã tổ chức đào tạo nghề cho 1.250 lao động, kinh phí hỗ trợ "
                                 "là 1.800 triệu đồng.")
    assert directive > 0.5 > narration


def test_passive_agent_and_member_duties(tasks_of):
    ts = tasks_of("021_sct")  # "8. Nhiệm vụ cụ thể ... do Trưởng đoàn phân công."
    assert _find(ts, "Trưởng đoàn", "Nhiệm vụ cụ thể của các thành viên")
    assert _find(ts, "Đoàn kiểm tra", "Xây dựng và trình Giám đốc Sở phê duyệt Kế hoạch kiểm tra")
    plan = tasks_of("020_sct")  # "4.1. Ông. Hoàng Văn Thuân - Trưởng đoàn: Phụ trách chung; ..."
    assert _find(plan, "Hoàng Văn Thuân - Trưởng đoàn", "Phụ trách chung")


def test_labelled_single_task_and_rights_are_not_duties(tasks_of):
    ts = tasks_of("048_congbao")  # "1. Tên nhiệm vụ: ... 2. Cơ quan chủ trì: Bộ Tư pháp. 3. Cơ quan phối hợp: ..."
    assert _find(ts, "Bộ Tư pháp", "Xây dựng Đề án hình thành, phát triển mạng lưới chuyên gia pháp lý")
    board = tasks_of("030_congbao")  # "Điều 3. Quyền hạn của Ban Chỉ đạo" lists powers
    assert not [t for t in board if t.action.startswith(("Lập Tổ Biên tập", "Mời lãnh đạo"))]
    assert len([t for t in board if t.section and t.section.startswith("Điều 2")]) == 3
