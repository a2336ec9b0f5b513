"""OCR of scanned pages with the Tesseract command line (language `vie`).

The CLI is called directly (image on stdin, text on stdout): no Python binding
is needed, and a missing or language-less Tesseract is reported, not raised.
"""

from __future__ import annotations

import functools
import io
import os
import shutil
import subprocess

DPI = 300
TIMEOUT_S = 120


@functools.cache
def available() -> str | None:
    """None when Tesseract with Vietnamese can run, else why not."""
    exe = shutil.which("tesseract")
    if not exe:
        return "Tesseract is not installed"
    try:
        langs = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=30).stdout.split()
    except (OSError, subprocess.SubprocessError) as e:
        return f"Tesseract does not run ({e})"
    return None if "vie" in langs else "Tesseract has no Vietnamese (vie) language data"


def _run(image, *config: str) -> str:
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    env = dict(os.environ, OMP_THREAD_LIMIT=os.environ.get("OMP_THREAD_LIMIT", "1"))
    proc = subprocess.run(
        [shutil.which("tesseract") or "tesseract", "stdin", "stdout", "-l", "vie", "--psm", "3",
         "--dpi", str(DPI), *config],
        input=buf.getvalue(), capture_output=True, timeout=TIMEOUT_S, env=env,
    )
    if proc.returncode != 0:
        err = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise RuntimeError(err[-1] if err else "tesseract failed")
    return proc.stdout.decode("utf-8", "replace")


def _noise(word: str, conf: float) -> bool:
    """Specks, rules and stamp edges read as words: very low confidence, or
    no letter or digit at a middling one."""
    return conf < 15 or (conf < 50 and not any(c.isalnum() for c in word))


def ocr_words(image, dpi: int = DPI) -> list[dict]:
    """Words of a PIL image with their boxes in PDF points (x0, x1, top, bottom, text,
    and Tesseract's line id), the shape the text layer's words have, so scans
    go through the same column reading."""
    scale = 72 / dpi
    words = []
    for row in _run(image, "tsv").splitlines()[1:]:
        f = row.split("\t")
        if len(f) != 12 or f[0] != "5" or not f[11].strip():
            continue
        if _noise(f[11].strip(), float(f[10])):
            continue
        left, top, width, height = (int(v) for v in f[6:10])
        words.append({"x0": left * scale, "x1": (left + width) * scale, "top": top * scale,
                      "bottom": (top + height) * scale, "text": f[11].strip(), "line": tuple(f[1:5])})
    return words
