"""Typed records that extractors produce.

Every value that comes from the text carries its provenance: `start`/`end`
are offsets into `Document.text` (map them to the source with
`Document.raw_span`). `confidence` is 0..1: rules that matched cleanly give
1.0, fuzzy or fallback readings less.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.plain import plain


@dataclass
class Field:
    """One header value with where it was read."""

    value: str | None
    start: int | None = None
    end: int | None = None
    confidence: float = 1.0


@dataclass
class Signer:
    name: Field = field(default_factory=lambda: Field(None))
    position: Field = field(default_factory=lambda: Field(None))
    authority: Field = field(default_factory=lambda: Field(None))


@dataclass
class NumberParts:
    """`2211/QĐ-UBND` → serial 2211, type_code QĐ, issuer_code UBND."""

    serial: str | None = None
    year: int | None = None
    type_code: str | None = None
    issuer_code: str | None = None


@dataclass
class Header:
    doc_type: Field = field(default_factory=lambda: Field(None))
    number: Field = field(default_factory=lambda: Field(None))
    number_parts: NumberParts = field(default_factory=NumberParts)
    issue_date: Field = field(default_factory=lambda: Field(None))
    issue_place: Field = field(default_factory=lambda: Field(None))
    issuer: Field = field(default_factory=lambda: Field(None))
    issuer_parent: Field = field(default_factory=lambda: Field(None))
    subject: Field = field(default_factory=lambda: Field(None))
    effective_date: Field = field(default_factory=lambda: Field(None))
    signer: Signer = field(default_factory=Signer)
    recipients: list[Field] = field(default_factory=list)


@dataclass
class Reference:
    text: str
    start: int
    end: int
    doc_type: str | None = None
    number: str | None = None
    date: str | None = None  # ISO
    issuer: str | None = None
    title: str | None = None
    relation: str = "dẫn chiếu"
    pinpoint: str | None = None  # "khoản 1 Điều 14"
    key: str | None = None  # canonical key of the cited document
    confidence: float = 1.0


@dataclass
class Deadline:
    text: str
    start: int
    end: int
    date: str | None = None  # ISO, last day allowed
    recurrence: str | None = None
    relative: str | None = None  # "15 ngày kể từ ngày ký" when not resolvable
    confidence: float = 1.0


@dataclass
class Task:
    text: str
    start: int
    end: int
    assignees: list[str] = field(default_factory=list)  # canonical names
    assignees_printed: list[str] = field(default_factory=list)
    coordinators: list[str] = field(default_factory=list)
    coordinators_printed: list[str] = field(default_factory=list)
    action: str = ""
    deadline: Deadline | None = None
    recurrence: str | None = None
    section: str | None = None  # "Điều 2 > 1. > a)"
    confidence: float = 1.0


@dataclass
class Budget:
    text: str
    start: int
    end: int
    amount_vnd: int | None = None
    currency: str = "VND"
    source: str | None = None
    purpose: str | None = None
    status: str | None = None  # "planned" | "spent" | None; follows `kind` (allocation, rate: planned; actual: spent)
    confidence: float = 1.0
    # What the amount is: "allocation" (dự toán, kế hoạch vốn, kinh phí được giao/hỗ trợ/phân bổ, tổng mức đầu tư),
    # "actual" (thực hiện, giải ngân, đã chi, quyết toán), "rate" (mức chi per person/day/item), "statistic"
    # (giá trị sản xuất, doanh thu, kim ngạch ...: not a budget).
    kind: str | None = None
    source_printed: str | None = None  # the source as printed; `source` is its canonical name (extractors.budgets.SOURCES)
    year_from: int | None = None  # the period the amount belongs to ("năm 2017": 2017-2017)
    year_to: int | None = None
    plan_index: int | None = None  # on an actual: index in the budgets list of the plan amount it is compared with
    percent: float | None = None  # the stated percentage of plan ("đạt 82%")
    percent_ok: bool | None = None  # the stated percentage agrees with actual/plan within one point
    total_index: int | None = None  # on a component ("trong đó", "gồm"): index of its total
    sum_ok: bool | None = None  # on a total with two or more components listed: they add up


@dataclass
class ProgramMention:
    text: str
    start: int
    end: int
    role: str = "mentions"


@dataclass
class Indicator:
    """An output figure with its plan: "85 lớp, đạt 472% (Kế hoạch 18 lớp)"."""

    text: str
    start: int
    end: int
    unit: str
    planned: float | None = None
    actual: float | None = None
    percent: float | None = None
    percent_ok: bool | None = None  # the percentage agrees with actual/planned
    year_from: int | None = None
    year_to: int | None = None


@dataclass
class Program:
    """A chương trình / kế hoạch / đề án / dự án the document is about (extractors/programs.py)."""

    key: str  # canonical: ct-khuyen-cong-an-giang-2016-2020
    name: str
    kind: str  # "chương trình" | "kế hoạch" | "đề án" | "dự án"
    topic: str
    scope: str | None = None  # "An Giang", "quốc gia"
    year_from: int | None = None
    year_to: int | None = None
    role: str = "mentions"  # approves | amends | concludes | reports | implements | mentions
    start: int | None = None
    end: int | None = None
    approved_by: str | None = None  # key of a cited document that approves it
    mentions: list[ProgramMention] = field(default_factory=list)
    goals: list[str] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    confidence: float = 1.0


@dataclass
class Extraction:
    """Everything extracted from one document."""

    header: Header = field(default_factory=Header)
    references: list[Reference] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    deadlines: list[Deadline] = field(default_factory=list)
    budgets: list[Budget] = field(default_factory=list)
    programs: list[Program] = field(default_factory=list)

    def to_dict(self) -> dict:
        return plain(self)
