"""Hostile office files made on the fly (nothing big is committed).

`zip_package` writes a ZIP whose members may each be one chunk repeated many
times: the chunk is deflated once and its compressed form repeated (a full
flush makes every copy independent), so a gigabyte of XML costs a few
megabytes of disk and well under a second to write.
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="word/document.xml"/></Relationships>')
DOC_HEAD = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {W}><w:body>'
DOC_TAIL = "<w:sectPr/></w:body></w:document>"


def paragraph(text: str) -> str:
    return f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"


def _deflate_repeated(head: bytes, chunk: bytes, times: int, tail: bytes) -> tuple[bytes, int, int]:
    """Raw deflate of head + chunk*times + tail, its CRC-32 and unpacked size."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = c.compress(head) + c.flush(zlib.Z_FULL_FLUSH)
    one = c.compress(chunk) + c.flush(zlib.Z_FULL_FLUSH)  # no back-reference crosses a full flush
    last = c.compress(tail) + c.flush(zlib.Z_FINISH)
    crc = zlib.crc32(head)
    for _ in range(times):
        crc = zlib.crc32(chunk, crc)
    crc = zlib.crc32(tail, crc)
    return first + one * times + last, crc & 0xFFFFFFFF, len(head) + len(chunk) * times + len(tail)


def zip_package(path: Path, members: dict[str, str | bytes | tuple[bytes, bytes, int, bytes]],
                declared: dict[str, int] | None = None, flags: int = 0) -> Path:
    """Write a ZIP (deflated members). A member is its content, or (head, chunk, times, tail).
    `declared`: unpacked sizes the directory states instead of the true ones; `flags`: general purpose bits."""
    local, central, offset = [], [], 0
    for name, content in members.items():
        if isinstance(content, tuple):
            data, crc, size = _deflate_repeated(*content)
        else:
            raw = content.encode() if isinstance(content, str) else content
            data, crc, size = _deflate_repeated(raw, b"", 0, b"")
        size = (declared or {}).get(name, size)
        fname = name.encode()
        zip64 = size >= 0xFFFFFFFF
        extra = struct.pack("<HHQQ", 1, 16, size, len(data)) if zip64 else b""
        csize, usize = (0xFFFFFFFF, 0xFFFFFFFF) if zip64 else (len(data), size)
        header = struct.pack("<IHHHHHIIIHH", 0x04034B50, 45, flags, 8, 0, 0x21, crc, csize, usize,
                             len(fname), len(extra)) + fname + extra
        local.append(header + data)
        central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 45, 45, flags, 8, 0, 0x21, crc, csize, usize,
                                   len(fname), len(extra), 0, 0, 0, 0, offset) + fname + extra)
        offset += len(header) + len(data)
    cd = b"".join(central)
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), len(cd), offset, 0)
    path.write_bytes(b"".join(local) + cd + end)
    return path


def docx(path: Path, body: str | tuple[bytes, bytes, int, bytes]) -> Path:
    """A .docx whose document.xml is DOC_HEAD + body + DOC_TAIL, or a repeated (head, chunk, times, tail)."""
    document = body if isinstance(body, tuple) else DOC_HEAD + body + DOC_TAIL
    return zip_package(path, {"[Content_Types].xml": CONTENT_TYPES, "_rels/.rels": RELS,
                              "word/document.xml": document})


def docx_bomb(path: Path, unpacked: int) -> Path:
    """A .docx of about `unpacked` bytes of valid paragraph XML that packs to about 1/1000 of it."""
    chunk = (paragraph("Giao Sở Tài chính chủ trì thực hiện.") * 20000).encode()
    return docx(path, (DOC_HEAD.encode(), chunk, max(1, unpacked // len(chunk)), DOC_TAIL.encode()))


def deep_docx(path: Path, depth: int) -> Path:
    """Paragraph text wrapped in `depth` nested content controls."""
    inner = paragraph("Sâu")
    return docx(path, "<w:sdt><w:sdtContent>" * depth + inner + "</w:sdtContent></w:sdt>" * depth)


def xlsx_bomb(path: Path, unpacked: int) -> Path:
    row = b'<row><c t="inlineStr"><is><t>0</t></is></c></row>' * 20000
    head = (b'<?xml version="1.0" encoding="UTF-8"?><worksheet '
            b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
    return zip_package(path, {"[Content_Types].xml": CONTENT_TYPES,
                              "xl/worksheets/sheet1.xml": (head, row, max(1, unpacked // len(row)),
                                                           b"</sheetData></worksheet>")})


def odt_bomb(path: Path, unpacked: int) -> Path:
    para = b"<text:p>Giao S\xe1\xbb\x9f T\xc3\xa0i ch\xc3\xadnh</text:p>" * 20000
    head = (b'<?xml version="1.0" encoding="UTF-8"?><office:document-content '
            b'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
            b'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:text>')
    return zip_package(path, {"mimetype": "application/vnd.oasis.opendocument.text",
                              "content.xml": (head, para, max(1, unpacked // len(para)),
                                              b"</office:text></office:body></office:document-content>")})
