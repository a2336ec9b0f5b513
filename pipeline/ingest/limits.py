"""Size limits on what a file may unpack to, checked before any parser sees it.

A few hundred kilobytes of ZIP can hold gigabytes of XML (a "zip bomb"), and a
valid .docx of millions of empty paragraphs builds an XML tree of gigabytes.
`check_package` reads only the ZIP directory and then streams each member
once, in small chunks, through a counting pull parser that keeps no tree, so
the check itself runs in bounded memory; the reader (python-docx, or
LibreOffice for .odt) only sees a package that passed. The same limits serve
the command line and the web upload: both go through `pipeline.ingest.load`.

Every refusal is an `IngestError` with a one-line reason that names the limit.
Real archive documents sit far below each limit (the corpus's .docx files:
at most 29 members, 0.7 MB unpacked, compression ratio 25, 11 000 XML
elements, nesting depth 19).
"""

from __future__ import annotations

import io
import zipfile

from lxml import etree

from pipeline.ingest.errors import IngestError

MAX_MEMBERS = 2000                      # files inside one package
MAX_UNPACKED = 200 * 2**20              # all members together, unpacked
MAX_XML_PART = 64 * 2**20               # one XML member, unpacked
MAX_RATIO = 100                         # unpacked / packed size of a member over RATIO_FLOOR
RATIO_FLOOR = 2**20                     # small members may compress as well as they like
MAX_XML_ELEMENTS = 500_000              # XML elements in all members together (about 40 s of reading)
MAX_XML_DEPTH = 100                     # element nesting
# Text a reader may produce: extraction costs about 20 s per MB of dense text,
# so a longer text is an export of many documents (the same figure as the cap
# on the size of a text file).
MAX_TEXT_CHARS = 16 * 2**20

_CHUNK = 64 * 1024
_XML_SUFFIXES = (".xml", ".rels", ".vml")


def _mib(n: int) -> str:
    return f"{n / 2**20:.0f} MiB"


def check_text(text: str | int) -> None:
    """Refuse a reader's output (or its length so far) that is too long to extract from."""
    n = text if isinstance(text, int) else len(text)
    if n > MAX_TEXT_CHARS:
        raise IngestError(f"text too large to process (more than {MAX_TEXT_CHARS // 2**20} Mi characters): "
                          "split it into its documents")


def _is_xml(name: str) -> bool:
    """A part the reader parses. Embedded images (an .svg may carry a DOCTYPE) are only sized."""
    return name.lower().endswith(_XML_SUFFIXES)


class _XmlCounter:
    """Elements and depth of one XML stream, fed in chunks. A parser target: libxml2
    calls back on each tag and builds no tree (twice as fast as a pull parser)."""

    def __init__(self, name: str, budget: int) -> None:
        self.name = name
        self.budget = budget  # elements this member may still hold
        self.count = 0
        self.depth = 0
        self.rooted = False
        self.prolog = b""
        self.parser = etree.XMLParser(target=self, resolve_entities=False, no_network=True, load_dtd=False,
                                      huge_tree=False)

    # parser target
    def start(self, tag, attrib) -> None:
        self.rooted = True
        self.count += 1
        self.depth += 1
        if self.depth > MAX_XML_DEPTH:
            raise IngestError(f"XML nested too deep in {self.name} (more than {MAX_XML_DEPTH} levels)")
        if self.count > self.budget:
            raise IngestError(f"too many XML elements (more than {MAX_XML_ELEMENTS:,} in the package)")

    def end(self, tag) -> None:
        self.depth -= 1

    def doctype(self, *_) -> None:
        raise IngestError(f"XML part {self.name} declares a DTD or entities, which office files never do")

    def close(self) -> None:
        return None

    # feeding
    def _prolog(self, chunk: bytes) -> None:
        # A document type declaration (and with it any entity) precedes the root element;
        # OOXML and ODF never use one, so its presence alone is a refusal.
        self.prolog = (self.prolog + chunk)[-(len(chunk) + 16):]
        if b"<!DOCTYPE" in self.prolog or b"<!ENTITY" in self.prolog:
            self.doctype()

    def feed(self, chunk: bytes) -> None:
        if not self.rooted:
            self._prolog(chunk)
        try:
            self.parser.feed(chunk)
        except etree.XMLSyntaxError as e:
            raise IngestError(f"damaged XML in {self.name}: {str(e).splitlines()[0][:150]}") from None

    def finish(self) -> None:
        try:
            self.parser.close()
        except etree.XMLSyntaxError as e:
            raise IngestError(f"damaged XML in {self.name}: {str(e).splitlines()[0][:150]}") from None


def check_package(data: bytes, kind: str = "office") -> None:
    """Refuse a ZIP package (.docx, .xlsx, .odt …) that would unpack past the limits.

    Checks, in order: the ZIP directory is readable, member count, encryption
    and compression method, declared unpacked sizes and compression ratios;
    then streams every member (so a size that lies in the directory is caught by
    its CRC), counting XML elements and nesting depth and refusing any DTD.
    """
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, EOFError) as e:
        raise IngestError(f"not a valid {kind} file (damaged ZIP: {e})") from None
    with z:
        infos = z.infolist()
        if len(infos) > MAX_MEMBERS:
            raise IngestError(f"ZIP package has too many members ({len(infos):,} > {MAX_MEMBERS:,})")
        total = 0
        for i in infos:
            if i.flag_bits & 0x1:
                raise IngestError(f"encrypted (password-protected) {kind} file")
            if i.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise IngestError(f"ZIP member {i.filename} uses an unsupported compression method ({i.compress_type})")
            total += i.file_size
            if total > MAX_UNPACKED:
                raise IngestError(f"ZIP package unpacks to more than {_mib(MAX_UNPACKED)} (zip bomb?)")
            if i.file_size > RATIO_FLOOR and i.file_size > MAX_RATIO * max(1, i.compress_size):
                raise IngestError(f"ZIP member {i.filename} compressed {i.file_size // max(1, i.compress_size):,} "
                                  f"to 1 ({_mib(i.file_size)} unpacked; limit {MAX_RATIO} to 1): zip bomb?")
        elements = 0
        for i in infos:
            if i.is_dir():
                continue
            try:
                with z.open(i) as member:
                    head = member.read(_CHUNK)
                    xml = _is_xml(i.filename)
                    if xml and i.file_size > MAX_XML_PART:
                        raise IngestError(f"XML part {i.filename} too large ({_mib(i.file_size)} > "
                                          f"{_mib(MAX_XML_PART)} unpacked)")
                    counter = _XmlCounter(i.filename, MAX_XML_ELEMENTS - elements) if xml else None
                    chunk = head
                    while chunk:
                        if counter is not None:
                            counter.feed(chunk)
                        chunk = member.read(_CHUNK)
                    if counter is not None:
                        counter.finish()
                        elements += counter.count
            except (zipfile.BadZipFile, EOFError, OSError, ValueError) as e:  # CRC, truncated data, bad header
                raise IngestError(f"not a valid {kind} file (damaged ZIP member {i.filename}: {e})") from None
            except NotImplementedError as e:
                raise IngestError(f"ZIP member {i.filename}: {e}") from None


_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")


def check_ole(data: bytes) -> None:
    """An OLE file (.doc, or an encrypted .docx, which Office stores inside one)."""
    if data.startswith(_OLE) and _ENCRYPTED_STREAM in data:
        raise IngestError("encrypted (password-protected) Office file")
