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
    row = store.one("SELECT id FROM documents WHERE source_path = ?", (str(path),))
    if row is not None:
        return ImportResult(row["id"], "Đã nhập" if summary.added else "Đã cập nhật")
    row = store.one("SELECT id FROM documents WHERE content_hash = ?", (file_hash(path),))
    if row is not None:  # the same bytes were imported before: keep one copy
        path.unlink(missing_ok=True)
        return ImportResult(row["id"], "Văn bản này đã có trong cơ sở dữ liệu")
    return ImportResult(None, "Không rõ lỗi khi nhập")
