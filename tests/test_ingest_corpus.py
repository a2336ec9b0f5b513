"""Every file of the corpus loads: text, or a scan marked for OCR (OCR skipped here)."""

from pathlib import Path

import pytest

from pipeline.ingest import load

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
FILES = sorted(
    [*CORPUS.glob("docs/seeds/*.txt"), *CORPUS.glob("docs/dev/*.txt"), *CORPUS.glob("files/*")],
    key=lambda p: (p.parent.name, p.name),
)
SCANNED = {"028", "029", "051", "052", "077"}  # corpus/MANIFEST.md: image-only pages


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.name[:40]}")
def test_corpus_file_loads(path):
    doc = load(path, ocr=False)
    assert doc.format == {".txt": "txt", ".pdf": "pdf", ".docx": "docx"}[path.suffix]
    if doc.status == "needs_ocr":
        assert path.name[:3] in SCANNED and doc.warnings
    else:
        assert doc.status == "ok" and len(doc.text) > 200
        if doc.format != "txt":  # a text file's leading blank lines are its own
            assert doc.text == doc.text.strip()
    for b in doc.blocks:
        assert 0 <= b.start <= b.end <= len(doc.text)
    if doc.format == "pdf":
        assert doc.pages >= 1 and sum(b.kind == "page_break" for b in doc.blocks) == doc.pages - 1


def test_corpus_covers_every_original():
    assert len(FILES) == 5 + 70 + 24
