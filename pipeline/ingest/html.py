"""HTML pages: the document's own content, without the site around it.

Legal portals wrap the text in menus, breadcrumbs, search boxes and footers.
Those are dropped (by tag, ARIA role, and class/id words); when the page marks
its content (<main>, <article>, or a container named like "content",
"toanvan", "noidung"), only that is read. Block elements end a line, table
cells become `table_cell` blocks. Text set in a legacy Vietnamese font
(".VnTime" = TCVN3, "VNI-Times" = VNI; it shows as Latin-1 mojibake) is
converted; legacy text without a font hint is repaired like plain text.
"""

from __future__ import annotations

from pathlib import Path

import regex
from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.element import Comment, Declaration, Doctype, ProcessingInstruction

from pipeline.ingest.encodings import legacy_converter, repair_mojibake
from pipeline.ingest.raw import RawText, TextBuilder

_DROP_TAGS = {"script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe", "svg",
              "template", "button", "select", "input", "textarea", "object", "embed", "canvas", "head", "menu"}
_DROP_ROLES = {"navigation", "banner", "contentinfo", "search", "menu", "menubar", "complementary"}
_CHROME = regex.compile(
    r"(?:^|[-_\s])(?:nav|navbar|menu|breadcrumbs?|footer|header|sidebar|banner|cookie|share|social|"
    r"advert|ads|login|search|topbar|toolbar|pagination|related|comment|popup|modal)(?:$|[-_\s\d])",
    regex.I,
)
_CONTENT = regex.compile(r"content|toanvan|noidung|fulltext|vanban", regex.I)
_BLOCK = {"p", "div", "section", "article", "main", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol",
          "dl", "dt", "dd", "blockquote", "pre", "address", "center", "hr", "body", "html", "figure",
          "figcaption", "caption", "thead", "tbody", "tfoot"}


_FONT = regex.compile(r"font-family\s*:\s*([^;]+)", regex.I)


def _legacy_font(tag: Tag):
    """The converter for the legacy font an element sets, if any (style or <font face>)."""
    m = _FONT.search(tag.get("style") or "")
    for face in ((m.group(1) if m else "").split(",") + (tag.get("face") or "").split(",")):
        convert = legacy_converter(face)
        if convert:
            return convert
    return None


def _is_chrome(tag: Tag) -> bool:
    if tag.name in _DROP_TAGS:
        return True
    if (tag.get("role") or "").lower() in _DROP_ROLES:
        return True
    if tag.get("hidden") is not None or "display:none" in (tag.get("style") or "").replace(" ", "").lower():
        return True
    names = " ".join([tag.get("id") or "", *(tag.get("class") or [])])
    return bool(names.strip()) and _CHROME.search(names) is not None and not _CONTENT.search(names)


def _content_root(soup: BeautifulSoup) -> Tag:
    """The element holding the document itself: the largest marked container."""
    body = soup.body or soup
    candidates = [t for t in body.find_all(["main", "article"])]
    for t in body.find_all(True, attrs={"id": True}) + body.find_all(True, attrs={"class": True}):
        names = " ".join([t.get("id") or "", *(t.get("class") or [])])
        if _CONTENT.search(names) and not _CHROME.search(names):
            candidates.append(t)
    total = len(body.get_text(" ", strip=True)) or 1
    best = max(candidates, key=lambda t: len(t.get_text(" ", strip=True)), default=None)
    if best is not None and len(best.get_text(" ", strip=True)) >= 0.2 * total:
        return best
    return body


class _Walker:
    def __init__(self) -> None:
        self.out = TextBuilder()
        self.line: list[str] = []
        self.tables = 0
        self.legacy = None  # converter for text set in a legacy Vietnamese font

    def flush(self, **where) -> None:
        text = "".join(self.line).strip()
        self.line.clear()
        if text:
            self.out.add(text, **where)

    def walk(self, el: Tag, **where) -> None:
        for child in el.children:
            if isinstance(child, (Comment, Declaration, Doctype, ProcessingInstruction)):
                continue
            if isinstance(child, NavigableString):
                text = str(child).replace("\n", " ")
                self.line.append(self.legacy(text) if self.legacy else text)
                continue
            if not isinstance(child, Tag) or _is_chrome(child):
                continue
            name = child.name
            outer = self.legacy
            font = _legacy_font(child)
            if font:
                self.legacy = font
            try:
                self.element(child, name, **where)
            finally:
                self.legacy = outer

    def element(self, child: Tag, name: str, **where) -> None:
        if name == "br":
            self.line.append("\n")
        elif name == "table":
            self.flush(**where)
            self.table(child)
        elif name in _BLOCK:
            self.flush(**where)
            self.walk(child, **where)
            self.flush(**where)
        else:
            self.walk(child, **where)

    def table(self, table: Tag) -> None:
        index = self.tables
        self.tables += 1
        rows = [tr for tr in table.find_all("tr") if tr.find_parent("table") is table]
        for r, tr in enumerate(rows):
            for c, cell in enumerate(tr.find_all(["td", "th"], recursive=False)):
                self.walk(cell, kind="table_cell", table=index, row=r, col=c)
                self.flush(kind="table_cell", table=index, row=r, col=c)


def read_html(data: bytes, path: Path | None = None) -> RawText:
    soup = BeautifulSoup(data, "lxml")
    walker = _Walker()
    walker.walk(_content_root(soup))
    walker.flush()
    text = walker.out.text()
    encoding = soup.original_encoding if hasattr(soup, "original_encoding") else None
    fixed, legacy = repair_mojibake(text)
    if legacy:
        # TCVN3 repair keeps every length, VNI joins letter pairs: its blocks would be misplaced.
        blocks = walker.out.blocks if len(fixed) == len(text) else []
        return RawText(fixed, encoding=f"{encoding}+{legacy}", blocks=blocks, warnings=[
            f"repaired {legacy.upper()} text that had been mis-decoded as Latin-1"])
    return RawText(text, encoding=encoding, blocks=walker.out.blocks)
