"""Plain text files: decode bytes, whatever encoding an office used.

Order: byte-order marks; UTF-16 without a BOM (NUL bytes in every other
position); binary rejection; strict UTF-8 (then repair of TCVN3/VNI text that
was mis-decoded before it was saved); otherwise the legacy 8-bit encodings
scored on how Vietnamese their decoding reads.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from pipeline.ingest.encodings import repair_mojibake, tcvn3_to_unicode, text_score, vietnamese_share, vni_to_unicode
from pipeline.ingest.errors import IngestError
from pipeline.ingest.raw import RawText

BINARY = "binary or unknown text encoding"
_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"),
]
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f]")  # plain characters: `re` scans them faster
_SAMPLE = 256 * 1024  # bytes scored when choosing a legacy encoding


def _utf16_guess(data: bytes) -> str | None:
    head = data[:8192]
    half = len(head) // 2
    if half < 2:
        return None
    even = head[0::2].count(0) / half
    odd = head[1::2].count(0) / half
    if odd > 0.3 and even < 0.05:
        return "utf-16-le"
    if even > 0.3 and odd < 0.05:
        return "utf-16-be"
    return None


def _looks_binary(text: str) -> bool:
    sample = text[:_SAMPLE]
    return len(_CONTROL.findall(sample)) > max(2, len(sample) // 1000)


_LEGACY = {
    "tcvn3": lambda b: tcvn3_to_unicode(b.decode("latin-1")),
    "vni": lambda b: vni_to_unicode(b.decode("cp1252", errors="replace")),
    "cp1258": lambda b: b.decode("cp1258"),
}


def _decode_legacy(data: bytes, path: Path | None) -> RawText:
    """The legacy decoding whose sample reads most like Vietnamese; mostly-ASCII
    text in no Vietnamese encoding falls back to CP1252."""
    sample = data[:_SAMPLE]
    scored = {}
    for name, decode in _LEGACY.items():
        try:
            text = decode(sample)
        except UnicodeDecodeError:
            continue
        scored[name] = (text_score(text), vietnamese_share(text))
    name, (score, share) = max(scored.items(), key=lambda kv: kv[1])
    if score > 0 and share >= 0.6:
        return RawText(_LEGACY[name](data), encoding=name, warnings=[f"decoded from legacy encoding {name.upper()}"])
    if sum(b < 0x80 for b in sample) >= 0.9 * len(sample):
        return RawText(data.decode("cp1252", errors="replace"), encoding="cp1252",
                       warnings=["text is not UTF-8 nor a Vietnamese encoding; read as CP1252"])
    raise IngestError(BINARY, path)


_MAX_STRAY = 1 / 2000  # undecodable bytes per byte that still make a UTF-8 file, not a legacy one


def _utf8_with_stray_bytes(data: bytes) -> tuple[str, list[int]] | None:
    """UTF-8 text with a few bad bytes (a stray byte, a file cut mid-character): the bad
    bytes as U+FFFD and their positions; None when there are too many for UTF-8."""
    limit = max(1, int(len(data) * _MAX_STRAY))
    parts, bad, pos = [], [], 0
    while True:
        try:
            parts.append(data[pos:].decode("utf-8"))
            break
        except UnicodeDecodeError as e:
            if len(bad) >= limit:
                return None
            parts.append(data[pos:pos + e.start].decode("utf-8"))
            parts.append("\ufffd")
            bad.append(pos + e.start)
            pos += e.end
    return "".join(parts), bad


def read_text(data: bytes, path: Path | None = None) -> RawText:
    enc = next((e for bom, e in _BOMS if data.startswith(bom)), None) or _utf16_guess(data)
    if enc:
        try:
            text = data.decode(enc)
        except UnicodeDecodeError as e:
            raise IngestError(f"{BINARY} (invalid {enc} at byte {e.start})", path) from e
        text = text.lstrip("\ufeff")
    else:
        if b"\x00" in data[:_SAMPLE]:
            raise IngestError(BINARY, path)
        try:
            text = data.decode("utf-8")
            enc = "utf-8"
        except UnicodeDecodeError:
            stray = _utf8_with_stray_bytes(data)
            if stray is not None and not _looks_binary(stray[0]):
                text, bad = stray
                fixed, _ = repair_mojibake(text)
                return RawText(fixed, encoding="utf-8", warnings=[
                    f"{len(bad)} undecodable byte(s) replaced by U+FFFD (first at byte {bad[0]})"])
            raw = _decode_legacy(data, path)
            if _looks_binary(raw.text):
                raise IngestError(BINARY, path) from None
            return raw
    if _looks_binary(text):
        raise IngestError(BINARY, path)
    fixed, legacy = repair_mojibake(text)
    if legacy:
        return RawText(fixed, encoding=f"{enc}+{legacy}",
                       warnings=[f"repaired {legacy.upper()} text that had been mis-decoded as Latin-1"])
    return RawText(text, encoding=enc)
