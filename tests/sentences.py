"""Run one extractor on a sentence, as if it were a whole document."""

from __future__ import annotations

from pipeline.document import Document
from pipeline.records import Extraction, Field
from pipeline.segments import Segments


def on_sentence(extractor, text: str, issue_date: str | None = None) -> list:
    ex = Extraction()
    if issue_date:
        ex.header.issue_date = Field(issue_date)
    doc = Document(source_path="sentence.txt", format="txt", text=text)
    return extractor.extract(doc, Segments(), ex)
