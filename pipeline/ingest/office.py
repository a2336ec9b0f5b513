"""Old and open office formats (.doc, .rtf, .odt) through LibreOffice.

Converted to .docx by `soffice --headless` and read like any .docx, so tables
and the two-column header blocks come out the same way. Each conversion gets
its own temporary profile: parallel conversions sharing one profile lock each
other out or fail silently.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from pipeline.ingest.docx import read_docx
from pipeline.ingest.errors import IngestError
from pipeline.ingest.limits import check_ole, check_package
from pipeline.ingest.raw import RawText

TIMEOUT_S = 120


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def read_office(data: bytes, path: Path | None = None, fmt: str = "doc") -> RawText:
    # LibreOffice unpacks whatever it is given: the same limits as a .docx, before it starts
    check_ole(data)
    if data.startswith(b"PK"):
        check_package(data, f".{fmt}")
    exe = soffice()
    if not exe:
        raise IngestError(f"cannot read .{fmt}: LibreOffice (soffice) is not installed")
    with tempfile.TemporaryDirectory(prefix="vanban-soffice-") as tmp:
        tmpdir = Path(tmp)
        src = tmpdir / f"input.{fmt}"
        src.write_bytes(data)
        cmd = [exe, f"-env:UserInstallation={(tmpdir / 'profile').as_uri()}", "--headless", "--norestore",
               "--convert-to", "docx", "--outdir", str(tmpdir / "out"), str(src)]
        try:
            proc = subprocess.run(cmd, capture_output=True, timeout=TIMEOUT_S)
        except subprocess.TimeoutExpired as e:
            raise IngestError(f"LibreOffice conversion timed out after {TIMEOUT_S} s") from e
        out = tmpdir / "out" / "input.docx"
        if not out.exists():
            err = (proc.stderr or proc.stdout).decode("utf-8", "replace").strip().splitlines()
            raise IngestError(f"LibreOffice could not convert the .{fmt} file" + (f" ({err[-1]})" if err else ""))
        raw = read_docx(out.read_bytes(), path)
    raw.warnings.append(f"converted from .{fmt} with LibreOffice")
    return raw
