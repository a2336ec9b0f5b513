"""Checks an uploaded file before anything is written, then saves it safely.

The browser's file name is never trusted: it only contributes its extension
(and a readable stem, through `secure_filename`) to a generated name, and the
resolved target must lie inside the import area.
"""

from __future__ import annotations

import io
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path

from werkzeug.utils import secure_filename

ALLOWED = {".txt", ".docx", ".doc", ".pdf", ".rtf", ".odt", ".html", ".htm"}
MAX_UPLOAD_BYTES = 25 * 1024 * 1024


class UploadRejected(Exception):
    """A reason, in Vietnamese, that the user sees next to the file."""


@dataclass
class Checked:
    original_name: str
    extension: str
    data: bytes


def _zip_names(data: bytes) -> set[str]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return set(z.namelist())
    except zipfile.BadZipFile:
        return set()


def _looks_like_text(data: bytes) -> bool:
    head = data[:65536]
    if b"\x00" in head:
        return False
    for enc in ("utf-8", "utf-16"):
        try:
            head.decode(enc)
            return True
        except UnicodeDecodeError as e:
            if enc == "utf-8" and e.start >= len(head) - 4:  # cut inside a character
                return True
    # legacy Vietnamese encodings (TCVN3, VNI, cp1258) are 8-bit text without control bytes
    controls = sum(1 for b in head if b < 9 or 13 < b < 32)
    return controls == 0


def sniff_matches(ext: str, data: bytes) -> bool:
    """Whether the bytes are what the extension claims."""
    if ext == ".pdf":
        return data[:1024].lstrip().startswith(b"%PDF-")
    if ext == ".docx":
        return data.startswith(b"PK\x03\x04") and "word/document.xml" in _zip_names(data)
    if ext == ".odt":
        return data.startswith(b"PK\x03\x04") and "content.xml" in _zip_names(data)
    if ext == ".doc":
        return data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
    if ext == ".rtf":
        return data.startswith(b"{\\rtf")
    if ext in {".html", ".htm"}:
        return _looks_like_text(data) and b"<" in data[:4096]
    if ext == ".txt":
        return _looks_like_text(data) and not data.startswith((b"MZ", b"\x7fELF", b"PK\x03\x04", b"%PDF"))
    return False


def check(filename: str, data: bytes, max_bytes: int = MAX_UPLOAD_BYTES) -> Checked:
    """Raise `UploadRejected` unless the file may be imported."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    ext = Path(name).suffix.lower()
    if not name or ext not in ALLOWED:
        raise UploadRejected(f"Định dạng không được phép ({ext or 'không có đuôi'}); chỉ nhận "
                             + ", ".join(sorted(ALLOWED)))
    if not data:
        raise UploadRejected("Tệp rỗng")
    if len(data) > max_bytes:
        raise UploadRejected(f"Tệp quá lớn ({len(data) // 1024} KB > {max_bytes // 1024} KB)")
    if not sniff_matches(ext, data):
        raise UploadRejected(f"Nội dung tệp không khớp với định dạng {ext}")
    return Checked(name, ext, data)


def save(checked: Checked, import_dir: Path) -> Path:
    """Write under a generated name inside `import_dir`; never anywhere else."""
    root = import_dir.resolve()
    root.mkdir(parents=True, exist_ok=True)
    stem = secure_filename(Path(checked.original_name).stem)[:60] or "tep"
    target = (root / f"{uuid.uuid4().hex}_{stem}{checked.extension}").resolve()
    if target.parent != root:
        raise UploadRejected("Tên tệp không hợp lệ")
    with open(target, "xb") as f:  # x: never overwrite
        f.write(checked.data)
    return target
