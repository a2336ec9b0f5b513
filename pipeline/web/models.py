"""What the pages show, as typed records: the web's view of the store.

`pipeline.web.data` fills these from `pipeline.queries`; templates and the
JSON API read only these, so a change in the store touches one module.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from pipeline.queries import DocumentSummary

UPLOAD_PREFIX = re.compile(r"^[0-9a-f]{32}_")  # uploads are saved as <uuid hex>_<name>


@dataclass
class DocSummary(DocumentSummary):
    """The store's document summary (`pipeline.queries.DocumentSummary`: id, type, number, date, issuer,
    subject, source file) with what a page adds: whether another document ended it, the search snippet."""

    status: str | None = None  # None in force; "thay thế" / "bãi bỏ" when another document ended it
    snippet: str | None = None  # plain text; the template marks the query words

    @property
    def file_name(self) -> str:
        """The source file's name without the upload's generated prefix (never the server's path)."""
        name = Path(self.source_path or "").name
        return UPLOAD_PREFIX.sub("", name) or name

    @property
    def label(self) -> str:
        """"Quyết định 2211/QĐ-UBND"; the file name when the header could not be read (pages show the date
        apart, so unlike the CLI's label it is not repeated here)."""
        if self.number:
            return f"{self.doc_type or 'Văn bản'} {self.number}"
        if self.file_name:
            return f"{self.doc_type or 'Văn bản'} ({self.file_name})"
        return self.doc_type or "Văn bản"


@dataclass
class Mark:
    """An extracted record with its span in the document text."""

    kind: str  # reference | task | deadline | budget
    id: int | str
    start: int | None
    end: int | None
    text: str


@dataclass
class Ref(Mark):
    relation: str = "dẫn chiếu"
    doc_type: str | None = None
    number: str | None = None
    date: str | None = None
    issuer: str | None = None
    title: str | None = None
    target_id: int | None = None  # the cited document when it is in the database
    target_status: str | None = None  # "thay thế" / "bãi bỏ" when the cited document is no longer in force


@dataclass
class Note:
    author: str
    at: str
    text: str


@dataclass
class TaskRow(Mark):
    doc_id: int | None = None
    doc_label: str = ""
    assignees: list[str] = field(default_factory=list)
    coordinators: list[str] = field(default_factory=list)
    action: str = ""
    due: str | None = None  # ISO
    status: str = "open"
    updated_by: str | None = None
    updated_at: str | None = None
    notes: list[Note] = field(default_factory=list)

    def urgency(self, today: date) -> str | None:
        """'overdue' or 'soon' (due within 3 days) for unfinished tasks."""
        if self.status in CLOSED or not self.due:
            return None
        try:
            d = date.fromisoformat(self.due[:10])
        except ValueError:
            return None
        days = (d - today).days
        return "overdue" if days < 0 else "soon" if days <= 3 else None


@dataclass
class Deadline(Mark):
    date: str | None = None
    recurrence: str | None = None


@dataclass
class Budget(Mark):
    amount_vnd: int | None = None
    source: str | None = None
    purpose: str | None = None


@dataclass
class Citing:
    relation: str
    doc: DocSummary


@dataclass
class DocDetail:
    summary: DocSummary
    text: str
    fields: dict[str, str | None]  # header values in display order, Vietnamese labels
    references: list[Ref] = field(default_factory=list)
    cited_by: list[Citing] = field(default_factory=list)
    tasks: list[TaskRow] = field(default_factory=list)
    deadlines: list[Deadline] = field(default_factory=list)
    budgets: list[Budget] = field(default_factory=list)
    ended_by: list[Citing] = field(default_factory=list)  # documents that replace or repeal this one
    header_spans: dict[str, tuple[int, int]] = field(default_factory=dict)  # field label → span in the text
    files: list[SourceFile] = field(default_factory=list)


@dataclass
class SourceFile:
    """A file a document was read from; `id` 0 is the document's own source path (no document_files row)."""

    id: int
    name: str  # shown name, never the server's path (pages and the API show this record)
    format: str | None = None
    size: int | None = None
    role: str = "primary"


# the store's task statuses (pipeline.queries.TASK_STATUSES), in Vietnamese
STATUSES = {"open": "Chưa thực hiện", "in_progress": "Đang thực hiện", "blocked": "Vướng mắc", "done": "Hoàn thành",
            "cancelled": "Đã hủy"}
CLOSED = ("done", "cancelled")
