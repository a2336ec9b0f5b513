"""One uploaded file through the bulk importer, with a result a person can read."""

from __future__ import annotations

from pathlib import Path

from pipeline.store import Store
from pipeline.web.data import ImportResult


def import_one(store: Store, path: Path) -> ImportResult:
    """Import in this process (no worker pool for one file) and find the document it became."""
    from pipeline.importer import file_hash, import_paths

    path = path.resolve()
    summary = import_paths(store, [path], workers=0)
    if summary.failures:
        return ImportResult(None, summary.failures[0][1])
    row = store.one("SELECT document_id FROM document_files WHERE source_path = ?", (str(path),))
    if row is None:
        return ImportResult(None, "Không rõ lỗi khi nhập")
    h = file_hash(path)
    if store.one("SELECT 1 AS x FROM document_files WHERE content_hash = ? AND source_path <> ?", (h, str(path))):
        with store.transaction():  # the same bytes were imported before: keep one copy
            store.execute("DELETE FROM document_files WHERE source_path = ?", (str(path),))
        path.unlink(missing_ok=True)
        return ImportResult(row["document_id"], "Văn bản này đã có trong cơ sở dữ liệu")
    if summary.duplicates:  # another file of a stored document (its original, a copy in another format)
        return ImportResult(row["document_id"], "Đã nhập: thêm một tệp của văn bản đã có")
    if summary.needs_ocr:  # a scan read without OCR: stored, but its text is still to come
        return ImportResult(row["document_id"], "Đã nhập nhưng chưa đọc được chữ: văn bản quét cần OCR"
                            + (f" ({summary.ocr_missing})" if summary.ocr_missing else ""))
    return ImportResult(row["document_id"], "Đã nhập" if summary.added else "Đã cập nhật")
