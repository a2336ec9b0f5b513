"""The pipeline, top to bottom: ingest → normalise → segment → extract.

Extractors run in order over one shared `Extraction`, so later ones can use
what earlier ones found (tasks link to deadlines; references use the header's
own number to skip self-citations).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from extractors import budgets, deadlines, header, programs, references, tasks
from pipeline.document import Document
from pipeline.ingest import load
from pipeline.plain import plain
from pipeline.records import Extraction
from pipeline.segment import segment
from pipeline.segments import Segments

EXTRACTOR_VERSION = "0.1.0"


@dataclass
class Result:
    document: Document
    segments: Segments
    extraction: Extraction

    def to_json(self) -> dict:
        return {
            "extractor_version": EXTRACTOR_VERSION,
            "document": self.document.to_dict(),
            "segments": plain(self.segments),
            "extraction": self.extraction.to_dict(),
        }


def extract_document(doc: Document) -> Result:
    seg = segment(doc)
    ex = Extraction()
    if doc.text.strip():
        ex.header = header.extract(doc, seg, ex)
        ex.references = references.extract(doc, seg, ex)
        ex.deadlines = deadlines.extract(doc, seg, ex)
        ex.tasks = tasks.extract(doc, seg, ex)
        ex.budgets = budgets.extract(doc, seg, ex)
        ex.programs = programs.extract(doc, seg, ex)
    return Result(doc, seg, ex)


def process(path: str | Path) -> Result:
    """Read one file and extract everything from it. Raises `IngestError`."""
    return extract_document(load(path))
