"""Assigned tasks: who must do what, by when (gold/SCHEMA.md, "tasks").

The unit is the smallest numbered or bulleted item (or table row); in running
prose, the sentence. Items are rebuilt from the text (`task_units`), each
item's sentences are read for a directive frame (`task_frames`), and an item
with no body of its own inherits the body of its agency heading ("2. Bộ Tài
chính:" over "a) ...", "b) ..."). Sentences of one item for the same bodies
make one task. A sentence classifier (`task_classifier`) vetoes rule hits that
read as narration ("Sở Công Thương đã tổ chức ...").
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import lru_cache

import regex

from extractors import task_classifier
from extractors.bodies import canonical_body
from extractors.task_agents import Body, bodies_at, body_at, fuzzy_bodies_at, is_generic
from extractors.task_classifier import task_probability
from extractors.task_frames import (
    Directive,
    action_start,
    coordinators_in,
    find_directive,
    is_closing,
    passive_agent,
    squeeze,
)
from extractors.task_tables import TableTask, block_table_tasks, labelled_tasks, pdf_table_tasks
from extractors.task_units import Unit, sentences, trees
from pipeline.records import Task

_FURNITURE = regex.compile(r"\n\s*(?:\d{1,4}|CÔNG BÁO/[^\n]*|Ký bởi:[^\n]*|Cơ quan:[^\n]*|Ngày ký:[^\n]*)\s*(?=\n)")
_KINH_GUI = regex.compile(r"Kính\s+gửi\s*:?", regex.IGNORECASE)
_PREAMBLE = regex.compile(r"^(?:Căn cứ|Xét đề nghị|Theo đề nghị|Thực hiện|Xét)\b")
_RECURRENCE = regex.compile(
    r"(?:trước|vào|chậm nhất)?\s*(?:ngày\s+\d{1,2}\s+)?(?:hằng|hàng)\s+(?:tuần|tháng|quý|năm|ngày)|"
    r"định kỳ(?:\s+(?:hằng|hàng))?\s+(?:tuần|tháng|quý|năm|\d+\s+tháng)", regex.IGNORECASE)
VETO_BELOW = 0.15  # classifier probability under which a bare-subject sentence reads as narration
# In reports and submissions most "X did Y" sentences narrate: there the classifier must agree outright.
NARRATIVE_TYPES = {"Báo cáo", "Tờ trình", "Biên bản"}
VETO_BELOW_NARRATIVE = 0.5


_HEAD_LEAD = regex.compile(r"^(?:Đối với|(?:Trách nhiệm|Nhiệm vụ|Quyền hạn)(?:\s*(?:,|và)\s*(?:trách nhiệm|nhiệm vụ|quyền hạn))*"
                        r"(?:\s+[\p{Ll}\p{M}]+){0,3}?\s+của|Giao|Đề nghị|"
                        r"Kính đề nghị|Kiến nghị|Yêu cầu(?: đối với)?)\s+")
_HEAD_LEAD_FIRST = ("Đối với", "Trách nhiệm", "Nhiệm vụ", "Quyền hạn", "Giao", "Đề nghị", "Kính đề nghị", "Kiến nghị",
                    "Yêu cầu")  # how every _HEAD_LEAD match starts: a cheap first look
_PUNCT = regex.compile(r"[.;:]")
_PARENS = regex.compile(r"\([^)]*\)")
_NOI_NHAN = regex.compile(r"^\s*(?:Nơi nhận|NƠI NHẬN)\s*:?", regex.MULTILINE)
_COLON = regex.compile(r"\s*:")
_COLON_SPACE = regex.compile(r"\s*:\s*")
_OPT_COLON = regex.compile(r"\s*:?\s*")
_NAME_THEN_UPPER = regex.compile(r"\s*(?::\s*|\n\s*)?\p{Lu}")
_ROW_NUMBER = regex.compile(r"^[\dIVX]+[\.\)]?$")


@dataclass
class _Group:
    assignees: list[Body]
    coordinators: list[Body]
    start: int  # offsets in Document.text
    end: int
    action_start: int
    form: str


@lru_cache(maxsize=4096)  # a sentence is cleaned for each test that reads it (classifier, citation, description)
def _clean(s: str) -> str:
    if "\n" in s:  # page furniture is a line of its own
        s = _FURNITURE.sub("\n", s)
    return squeeze(s)


def _key(bodies: list[Body]) -> tuple[str, ...]:
    return tuple(sorted(canonical_body(b.text).lower() for b in bodies))


def recipients(text: str) -> list[str]:
    """Bodies after "Kính gửi:" (the letter's addressees), for "đề nghị Công ty ..."."""
    m = _KINH_GUI.search(text[:6000])
    if not m:
        return []
    block = text[m.end():m.end() + 1200]
    out: list[str] = []
    for line in block.split("\n"):
        s = line.strip()
        if not s:
            if out:
                break
            continue
        s = s.lstrip("-–+• ").rstrip(";,.")
        b = bodies_at(s, 0)
        if not b:
            if out:
                break
            continue
        out.extend(x.text for x in b.items)
    return out


_CAPS_DUTY_HEAD = regex.compile(r"^(?:NHIỆM VỤ|TRÁCH NHIỆM|PHÂN CÔNG)(?:\s+[^\s]+){0,4}?\s+(?:CỦA|CHO)\s+(?=\S)")
_GENERIC_LEAD = regex.compile(r"^(?:(?:tổ chức\s+)?thực hiện|triển khai(?:\s+thực hiện)?)\s+(?:một số|các|những)\s+"
                              r"(?:biện pháp|nhiệm vụ|nội dung|giải pháp|công việc)(?![\p{L}\p{M}])")


def _decap(t: str, m: regex.Match, text: str) -> str:
    """A heading in capitals in normal case: the name as the text prints it elsewhere, else as a sentence."""
    head = t[:m.end()].capitalize()
    name = t[m.end():].strip(" .:")
    words = name.split()[:12]
    if words and text:
        rx = regex.compile(r"\s+".join(regex.escape(w) for w in words), regex.IGNORECASE)
        for x in rx.finditer(text):
            if not _is_caps(x.group()):
                return head + x.group()
    return head + name.capitalize()


def _heading_bodies(u: Unit, doc: str = "") -> tuple[list[Body], list[Body]] | None:
    """Bodies an item hands down to its sub-items: an agency heading ("2. Bộ Tài chính:",
    "Sở Công Thương có trách nhiệm:") or a lead ("Giao Sở X thực hiện các nhiệm vụ sau:")."""
    t = u.text
    if (dm := _CAPS_DUTY_HEAD.match(t)) and _is_caps(t):
        t = _decap(t, dm, doc)  # `doc`: where the name is found in normal case; "II. NHIỆM VỤ CHỦ YẾU CỦA BỘ TÀI NGUYÊN VÀ MÔI TRƯỜNG"
    jm = _JOINED_LEAD.match(t) if t.rstrip().endswith(":") else None  # how every match's lookahead ends
    if jm:  # "4. Đề xuất, kiến nghị / Đề nghị Bộ Nông nghiệp và Môi trường:": a title joined to its lead line
        t = t[jm.end():]
    lead = _HEAD_LEAD.sub("", t) if t.startswith(_HEAD_LEAD_FIRST) else t  # (`sub` returns `t` itself unchanged)
    bl = fuzzy_bodies_at(lead, 0) if lead is not t else bodies_at(lead, 0)  # "Giao Chính phi": OCR'd name
    if bl:
        rest = lead[bl.end:].strip(" .")
        if _ISSUER_VERB.match(rest):
            return None  # "Chủ tịch Ủy ban nhân dân tỉnh yêu cầu:": the issuer, not the assignee
        if not rest or rest == ":" or len(rest.split()) <= 12 and rest.endswith(":") and _DUTY_LEAD.match(rest) or \
                u.children and lead is not t and _GENERIC_LEAD.match(rest):
            # "Điều 3. Giao Chính phủ thực hiện một số biện pháp điều hành ... năm 2018" over its clauses
            coords = coordinators_in(rest)
            return bl.items, coords
        if u.children and lead is not t and len(rest.split()) <= 3 and not _PUNCT.search(rest) and \
                not _DUTY_LEAD.search(rest):
            return bl.items, []  # "2.1. Giao Thủ trưởng các Vụ, Cục, d": an OCR-cut name over its bullets
        if not u.children and not t.rstrip().endswith(":"):
            return None
        # "1) Sở Văn hóa ... Triển khai ..." (heading joined to its first paragraph) is handled as a leaf.
    d = find_directive(t)
    if d and d.assignees and t.rstrip().endswith(":"):
        if d.form == "subject" and not _DUTY_LEAD.match(t[d.action_start:]):
            return None  # "Trưởng đoàn lập kế hoạch ... như sau:": the author, not the assignee
        return d.assignees, d.coordinators
    if t.rstrip().endswith(":"):
        coords = coordinators_in(t)
        if coords:
            return [], coords
    return None


def _is_heading(u: Unit, doc: str = "") -> bool:
    """An item whose sub-items carry the tasks: a title, an agency heading, a lead ending in ":"."""
    t = u.text.rstrip()
    if t.endswith(":"):
        return True
    bl = bodies_at(t, 0)
    if bl and not t[bl.end:].strip(" .:"):
        return True
    hb = _heading_bodies(u, doc)
    if hb is not None and hb[0] and _FOR_BODY_HEAD.match(t):
        return True  # "1. Yêu cầu đối với các tổ chức, cá nhân được cấp giấy phép ..."
    if find_directive(t):
        return False
    return not t.endswith((".", ";")) or len(t.split()) <= 14


def extract(doc, seg, ex) -> list[Task]:
    text = doc.text
    doc_type = getattr(getattr(getattr(ex, "header", None), "doc_type", None), "value", None)
    veto = VETO_BELOW_NARRATIVE if doc_type in NARRATIVE_TYPES else VETO_BELOW
    addressees = recipients(text)
    firms = [] if addressees else named_firms(text, _body_start(text, seg), _body_end(text, seg))
    quotes = _quoted_spans(text)
    tasks: list[Task] = []
    for root in trees(seg):  # the segmenter's body and appendix trees
        _visit(root, text, _Ctx([], [], quotes=quotes, veto=veto, firms=firms, text=text), addressees, tasks)
    grid = block_table_tasks(doc)  # tables the file kept as a grid, read by their column headers
    runs = [r for r in pdf_table_tasks(text) + labelled_tasks(text)  # tables whose grid was lost
            if not any(g.start <= r.start < g.end for g in grid)]
    tables = [t for t in (_table_task(r, text) for r in grid + runs) if t]
    tables = [x for t in tables for x in _per_deadline(t, ex)]
    if tables:
        spans = _table_regions(tables)
        tasks = [t for t in tasks if not any(a <= t.start < b for a, b in spans)] + tables
        tasks.sort(key=lambda t: t.start)
    _link_deadlines(tasks, ex)
    _seg_sections(tasks, seg)
    _note_classifier(doc)
    return tasks


def _note_classifier(doc) -> None:
    """A document read while the classifier is off says so (the reason was logged once for the process)."""
    why = task_classifier.failure()
    notes = getattr(doc, "warnings", None)
    if why and isinstance(notes, list):
        note = f"tasks read by the rules alone: {why}"
        if note not in notes:
            notes.append(note)


def _table_regions(rows: list[Task], gap: int = 1500) -> list[tuple[int, int]]:
    """Spans of whole tables (consecutive rows): text between two rows is a wrapped cell, not prose."""
    out: list[list[int]] = []
    for t in sorted(rows, key=lambda t: t.start):
        if out and t.start - out[-1][1] < gap:
            out[-1][1] = max(out[-1][1], t.end)
        else:
            out.append([t.start, t.end])
    return [(a, b) for a, b in out]


def _seg_sections(tasks: list[Task], seg) -> None:
    """Section paths from segmentation's tree ("II > 4. > a)") for tasks our item tree gave none (table rows).

    Our own item tree is preferred: it is built for the task unit and keeps the appendix's parts apart."""
    roots = [r for r in [getattr(seg, "body", None), *(getattr(seg, "appendices", None) or [])]
             if r is not None and r.children]
    for t in tasks:
        if t.section:
            continue
        for r in roots:
            if r.start <= t.start < r.end:
                chain = [c.label for c in r.path_to(t.start)[1:] if c.label]
                if chain:
                    t.section = " > ".join(chain)
                break


def _per_deadline(t: Task, ex) -> list[Task]:
    """A table row with two results due at two dates is two tasks, one per deadline."""
    ds = [d for d in (getattr(ex, "deadlines", None) or []) if t.start <= d.start < t.end and d.date]
    if len({d.date for d in ds}) < 2:
        return [t]
    return [replace(t, deadline=d) for d in ds]


def _table_task(r: TableTask, text: str) -> Task | None:
    lead = bodies_at(_PARENS.sub("", r.lead), 0)
    if not lead or len(r.task.split()) < 2:
        return None
    coord = bodies_at(_PARENS.sub("", r.coord), 0) if r.coord else None
    names, printed = _names(lead.items)
    cnames, cprinted = _names(coord.items) if coord else ([], [])
    return Task(text=_clean(text[r.start:r.end]), start=r.start, end=r.end, assignees=names,
                assignees_printed=printed, coordinators=cnames, coordinators_printed=cprinted, action=r.task,
                recurrence=_recurrence(" ".join(r.cells)), section="Phụ lục" if r.cells else None, confidence=0.85)


_QUOTE = regex.compile(r"[“\"][^“”\"]{40,4000}[”\"]")
_CITATION = regex.compile(r"^(?:[-–+•]\s*)?(?:Theo quy định tại|Tại|Theo)?\s*(?:[Đđ]iểm\s+\S+\s+)?(?:[Kk]hoản\s+\d+[^:]{0,80})?"
                          r"Điều\s+\d+[^:]{0,160}\bquy định\b")


def _quoted_spans(text: str) -> tuple[tuple[int, int], ...]:
    """Spans of quoted text ("Khoản 1 Điều 12 Luật ... quy định: “...”"): provisions cited, not directives."""
    return tuple((m.start(), m.end()) for m in _QUOTE.finditer(text))


def _body_start(text: str, seg) -> int:
    """After the header block: the "Kính gửi" block, else the place-and-date line."""
    if seg is not None and getattr(seg, "kinh_gui", None) is not None:
        return seg.kinh_gui.end
    m = _KINH_GUI.search(text[:6000])
    if m:
        nl = regex.compile(r"\n\s*\n|\n(?=\s{0,8}\p{Lu}[\p{Ll}\p{M}]+\s+\p{Ll})").search(text, m.end())
        return nl.end() if nl else m.end()
    for m in _DATE_LINE.finditer(text, 0, 4000):
        if not _CITED_BEFORE.search(text, max(0, m.start() - 40, text.rfind("\n\n", 0, m.start()) + 2), m.start()):
            return m.end()
    body = getattr(seg, "body", None) if seg is not None else None
    return body.start if body is not None else 0


_DATE_LINE = regex.compile(r"[Nn]gày\s+\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4}[^\n]*\n")
# A date right after a document's number is the date of a cited document, not the place-and-date line
# (OCR may have destroyed that line: "a Nội, ngà ing 3 năm 2").
_CITED_BEFORE = regex.compile(r"(?:[Ss]ố|\d+/[\p{L}\d/.\-]*|\d{4}|[A-ZĐ]{2,}[\-/][\p{L}\d/\-]*)\s*,?\s*$")


def _body_end(text: str, seg) -> int:
    m = _NOI_NHAN.search(text) if "Nơi nhận" in text or "NƠI NHẬN" in text else None  # a cheap first look
    end = m.start() if m else len(text)
    if seg is not None and getattr(seg, "noi_nhan", None) is not None:
        end = min(end, seg.noi_nhan.start)
    return end


@dataclass
class _Ctx:
    """The body a sub-item inherits; `direct` when no topic heading stands between them."""

    bodies: list[Body]
    coords: list[Body]
    direct: bool = True
    rights: bool = False  # under "Quyền hạn của X": powers granted, not duties
    quotes: tuple[tuple[int, int], ...] = ()  # quoted provisions of other documents
    veto: float = VETO_BELOW
    firms: list[str] = field(default_factory=list)  # companies named in a letter without addressees
    text: str = ""  # the document's text (where a heading in capitals finds its name printed in normal case)

    def quoted(self, pos: int) -> bool:
        return any(a < pos < b for a, b in self.quotes)


def _sub(ctx: _Ctx, bodies: list[Body], coords: list[Body], direct: bool = True, rights: bool = False) -> _Ctx:
    return _Ctx(bodies, coords, direct, rights, ctx.quotes, ctx.veto, ctx.firms, ctx.text)


# "- Cơ quan thực hiện: Sở Nội vụ chủ trì, phối hợp với Sở Tư pháp": the item's bodies given by a label line.
_AGENCY_LABEL = regex.compile(r"^(?:Cơ quan|Đơn vị)\s+(?:thực hiện|chủ trì(?:\s+thực hiện)?|được giao)\s*:\s*|"
                              r"^(?:Chủ trì(?:\s+thực hiện)?|Trách nhiệm thực hiện|Phân công thực hiện)\s*:\s*",
                              regex.IGNORECASE)
_COORD_LABEL = regex.compile(r"^(?:Cơ quan|Đơn vị)\s+phối hợp\s*:\s*", regex.IGNORECASE)


def _label_bodies(u: Unit) -> tuple[list[Body], list[Body], Unit] | None:
    """Bodies of an item's "Cơ quan thực hiện:" line (and "Cơ quan phối hợp:"), and the label line itself."""
    found = None
    coords: list[Body] = []
    for c in u.children:
        if c.kind not in ("dash", "plus", "para") or c.children:
            continue
        m = _AGENCY_LABEL.match(c.text)
        if m and found is None:
            v = c.text[m.end():]
            bl = bodies_at(v, 0)
            if not bl:
                return None
            found = (bl.items, coordinators_in(v[bl.end:]), c)
            continue
        cm = _COORD_LABEL.match(c.text)
        if cm and (bl := bodies_at(c.text, cm.end())):
            coords.extend(bl.items)
    if found is None:
        return None
    return found[0], found[1] + coords, found[2]


def _labelled_items(children: list[Unit]) -> dict[int, tuple[list[Body], list[Body], Unit | None]]:
    """Items of one list whose bodies are given by label lines. An item without its own label and without a
    body of its own takes the label of the next labelled item (a group's lead agencies listed after it)."""
    labels = {i: lb for i, c in enumerate(children) if c.kind != "para" and (lb := _label_bodies(c))}
    if not labels:
        return {}
    out: dict[int, tuple[list[Body], list[Body], Unit | None]] = dict(labels)
    pending: list[int] = []
    for i, c in enumerate(children):
        if i in labels:
            for k in pending:
                out[k] = (labels[i][0], labels[i][1], None)
            pending = []
        elif c.kind != "para" and not c.text.rstrip().endswith(":") and not find_directive(c.text) and \
                not _is_caps(c.text):
            pending.append(i)
        else:
            pending = []
    return out


def _label_task(c: Unit, text: str, bodies: list[Body], coords: list[Body], label: Unit | None) -> Task | None:
    """One task for a labelled item: its text and paragraphs up to the label line."""
    parts = [c.text]
    for k in c.children:
        if k is label or _AGENCY_LABEL.match(k.text) or _COORD_LABEL.match(k.text) or _TIME_LABEL.match(k.text):
            break
        parts.append(k.text)
    pos, more = action_start(" ".join(parts), 0)
    action = " ".join(" ".join(parts)[pos:].split()).rstrip(" .;,/")
    if len(action.split()) < 2:
        return None
    end = c.subtree_end
    names, printed = _names(bodies)
    cnames, cprinted = _names(coords + more)
    keep = [i for i, n in enumerate(cnames) if n not in names]
    return Task(text=_clean(text[c.start:label.end if label else end]), start=c.start, end=end, assignees=names,
                assignees_printed=printed, coordinators=[cnames[i] for i in keep],
                coordinators_printed=[cprinted[i] for i in keep], action=action, section=_section(c),
                recurrence=_recurrence(action), confidence=0.9)


_TIME_LABEL = regex.compile(r"^(?:Thời gian|Thời hạn|Tiến độ)(?:\s+(?:thực hiện|hoàn thành))?\s*:", regex.IGNORECASE)


def _visit(u: Unit, text: str, ctx: _Ctx, addressees: list[str], out: list[Task]) -> None:
    labelled = _labelled_items(u.children) if not ctx.rights else {}
    for i, c in enumerate(u.children):
        if i in labelled:
            t = _label_task(c, text, *labelled[i])
            if t:
                out.append(t)
            continue
        if not c.children and (_PREAMBLE.match(c.text) and c.kind == "para" or _is_caps(c.text)):
            continue
        if c.kind == "article" and _SCOPE_ARTICLE.match(c.text):
            continue  # "Điều 1. Phạm vi điều chỉnh và đối tượng áp dụng": who the rules apply to, not duties
        if c.kind == "para" and not c.children and c.text.rstrip().endswith(":"):
            # A lead paragraph ("Sở X đề nghị Công ty thực hiện các nội dung sau:") sets the body
            # of the items that follow it; its own earlier sentences keep the outer context.
            out.extend(_leaf_tasks(c, text, ctx, addressees))
            last = _last_sentence(c.text)
            hb = _heading_bodies(c, ctx.text)
            if _QUOTE_LEAD.search(last):
                ctx = _sub(ctx, [], [], False)  # what follows quotes a regulation
            elif hb is not None and hb[0]:
                ctx = _sub(ctx, _resolve(hb[0], addressees or ctx.firms), hb[1])
            elif addressees and _REQUEST_LEAD.search(last):
                ctx = _sub(ctx, [Body(a, c.start, c.end) for a in addressees], [])
            continue
        if c.kind == "row":
            t = _row_task(c, text)
            if t:
                out.append(t)
            continue
        if c.children and _RIGHTS.match(c.text):
            _visit(c, text, _sub(ctx, [], [], False, True), addressees, out)
            continue
        if c.children and _is_heading(c, ctx.text):
            hb = _heading_bodies(c, ctx.text)
            if _QUOTE_LEAD.search(c.text):
                _visit(c, text, _sub(ctx, [], [], False), addressees, out)
                continue
            if hb is not None:
                bodies = _resolve(hb[0], addressees or ctx.firms) if hb[0] else ctx.bodies
                sub = _sub(ctx, bodies, hb[1] or ctx.coords, bool(hb[0]) or ctx.direct)
            else:
                sub = _sub(ctx, ctx.bodies, ctx.coords, False)
            _visit(c, text, sub, addressees, out)
            continue
        more = _continuation(c)  # the item's own later paragraphs (a PDF item of several paragraphs)
        out.extend(_leaf_tasks(c, text, ctx, addressees, more[-1].end if more else None))
        if len(c.children) > len(more):
            rest = c.children[len(more):]
            _visit(replace(c, children=rest), text, _detail_ctx(c, rest[0], ctx, addressees), addressees, out)


_DETAIL_LEAD = regex.compile(r"^(?:Cụ thể|Trong đó|Cụ thể như sau|Bao gồm|Gồm|Như sau)\s*:\s*$", regex.IGNORECASE)


def _detail_ctx(u: Unit, first: Unit, ctx: _Ctx, addressees: list[str]) -> _Ctx:
    """"3. Các bộ, ngành ... tổ chức thực hiện ... Cụ thể:" over bullets: the bullets detail the item's own
    directive, so they inherit its bodies."""
    if first.kind != "para" or first.children or not _DETAIL_LEAD.match(first.text):
        return ctx
    spans = sentences(u.text)
    d = find_directive(u.text[spans[0][0]:spans[0][1]]) if spans else None
    if not d or not d.assignees or ctx.rights:
        return ctx
    return _sub(ctx, _resolve(d.assignees, addressees or ctx.firms), d.coordinators)


def _continuation(u: Unit) -> list[Unit]:
    """Plain paragraphs right under an item, before any sub-item or lead: they are part of the item."""
    out: list[Unit] = []
    if u.kind == "para":
        return out
    for c in u.children:
        if c.kind != "para" or c.children or c.text.rstrip().endswith((":", "/.")) or _is_caps(c.text) or \
                _PREAMBLE.match(c.text) or _OWN_PARA.match(c.text):
            break
        first = c.text[:sentences(c.text)[0][1]] if sentences(c.text) else c.text
        if find_directive(first) or _BARE_REQUEST.match(first):
            break  # a new directive (often the letter's closing request), not the item's continuation
        out.append(c)
    return out


_JOINED_LEAD = regex.compile(r"^(?:[^\s:.;]+\s+){1,8}?(?=(?:Đề nghị|Kính đề nghị|Kiến nghị|Giao|Yêu cầu)\s+\p{Lu}[^:]{3,200}:\s*$)")
_JOINED_TITLE = regex.compile(r"(?:Tổ chức thực hiện|Trách nhiệm thực hiện|Chế độ báo cáo|Kinh phí thực hiện|"
                              r"Trách nhiệm của các cơ quan, đơn vị)\s*\n\s*(?=\p{Lu})")
# Paragraphs that close a letter or a part rather than continue the item above them.
_OWN_PARA = regex.compile(r"^(?:Trong quá trình|Quá trình|Nếu|Trường hợp|Trên đây|Căn cứ)\b")


_FOR_BODY_HEAD = regex.compile(r"^(?:Đối với|(?:Trách nhiệm|Nhiệm vụ)\b.{0,30}?\bcủa|Yêu cầu đối với|Đề nghị|Giao)\s+")
_FOR_BODY = regex.compile(r"(?:Đối với|Trách nhiệm của|Nhiệm vụ của)\s+")
_DUTY_LEAD = regex.compile(r"(?:và\s+)?(?:có trách nhiệm|chịu trách nhiệm|thực hiện|triển khai|tổ chức thực hiện|có nhiệm vụ|"
                          r"cần|phải|khẩn trương|tập trung|chỉ đạo|chủ trì|phối hợp)", regex.IGNORECASE)
_RIGHTS = regex.compile(r"^(?:Quyền hạn|Quyền lợi|Quyền)\b(?!\s+(?:và|,)\s+(?:nghĩa vụ|trách nhiệm))")
# A lead that introduces quoted provisions ("Khoản 2 Điều 14 Nghị định ... quy định như sau:").
_QUOTE_LEAD = regex.compile(r"quy định(?:\s+(?:như sau|cụ thể|sau đây|tại \S+))?\s*:\s*$|"
                            r"(?:Luật|Nghị định|Thông tư|Điều\s+\d+|[Kk]hoản\s+\d+)[^:]{0,200}\s+như sau\s*:\s*$")
_ISSUER_VERB = regex.compile(r"^(?:(?:tiếp tục|kính|trân trọng)\s+)?(?:yêu cầu|đề nghị|giao|chỉ đạo|thông báo|"
                             r"kết luận|quyết định)\b")
_REQUEST_LEAD = regex.compile(r"(?:đề nghị|yêu cầu|(?:thực hiện|triển khai)[^:]{0,60}(?:nội dung|nhiệm vụ|việc)[^:]{0,30}"
                              r"(?:sau|sau đây|như sau))", regex.IGNORECASE)
# Bullets that describe a thing (a file's contents, a form, a term) rather than tell a body to act.
_DESCRIPTIVE = regex.compile(r"^(?:[-–+•]\s*)?(?:Về(?:\s+việc)?\s|(?:Nội dung|Hình thức|Thành phần|Hồ sơ|Số liệu|Sổ|Bản gốc|"
                             r"Bản đồ|Bản vẽ|Mẫu|Kỳ|Phạm vi|Đối tượng|Trình tự|Cách thức|Thẩm quyền)(?![\p{L}\p{M}]))")
_SCOPE_ARTICLE = regex.compile(r"(?:Phạm vi điều chỉnh|Đối tượng áp dụng|Giải thích từ ngữ)", regex.IGNORECASE)
# In a report, what is still to be done: a modal or a request in the sentence, or a part on tasks and proposals.
_FORWARD = regex.compile(r"(?<![\p{L}\p{M}])(?:tiếp tục|sẽ|cần|phải|có trách nhiệm|chịu trách nhiệm|đề nghị|yêu cầu|"
                         r"khẩn trương|sớm|thời gian tới)(?![\p{L}\p{M}])", regex.IGNORECASE)
_FORWARD_PART = regex.compile(r"^(?:\S+\s+){0,2}(?:kiến nghị|đề xuất|nhiệm vụ|giải pháp|phương hướng|tổ chức thực hiện)",
                              regex.IGNORECASE)


def _forward_part(u: Unit) -> bool:
    return any(_FORWARD_PART.search(a.text) for a in u.ancestors())


# Stative predicates: the subject is described (a criterion, a membership), not told to act.
_STATIVE = regex.compile(r"(?:đạt|là|thuộc|gồm|bao gồm|có(?!\s+(?:(?:các|những)\s+)?(?:ý kiến|văn bản|kế hoạch|biện pháp|giải pháp|báo cáo|"
                         r"trách nhiệm|nhiệm vụ)))(?![\p{L}\p{M}])")
_OBLIGED = regex.compile(r"(?<![\p{L}\p{M}])(?:phải|có trách nhiệm|chịu trách nhiệm|có nghĩa vụ)(?![\p{L}\p{M}])")
# What a body is or may use rather than what it must do: its seal, its working rules, its dissolution.
_STATUS = regex.compile(r"(?:được\s+)?(?:sử dụng con dấu|(?:tự|tự động)\s+giải thể|(?:làm việc|hoạt động)\s+theo\s+"
                        r"(?:nguyên tắc|chế độ|[Qq]uy chế)|có tư cách pháp nhân|có con dấu|chịu sự (?:chỉ đạo|quản lý|lãnh đạo))"
                        r"(?![\p{L}\p{M}])")


def _status(s: str, d: Directive | None) -> bool:
    if d is not None and d.assignees:
        return bool(_STATUS.match(s, d.action_start))
    bl = bodies_at(s, 0)
    pos = bl.end if bl else 0
    return bool(_STATUS.match(s, pos + len(s[pos:]) - len(s[pos:].lstrip())))


INHERIT_ABOVE = 0.5  # classifier probability a bullet under a topic heading needs to count as a task


def _last_sentence(t: str) -> str:
    spans = sentences(t)
    return t[spans[-1][0]:spans[-1][1]] if spans else t


def _is_caps(s: str) -> bool:
    """Over 70% of more than 8 letters in capitals (a title)."""
    if _mostly_lower(s) or _not_caps_by_half(s):
        return False
    letters = "".join(filter(str.isalpha, s))
    return len(letters) > 8 and sum(map(str.isupper, letters)) > 0.7 * len(letters)


_FREQUENT_LOWER = ("n", "h", "t", "c", "i", "g")  # the commonest small letters of Vietnamese text


def _mostly_lower(s: str) -> bool:
    """`a` small letters counted (letters, not capitals) and `sp` spaces (no letters) leave at most
    n - a - sp capitals U, and capitals need 10U > 7L, so 3U > 7a: 10a + 3sp >= 3n rules them out.
    Seven `str.count` passes are cheaper than reading each character (most paragraphs: all the work)."""
    return 10 * sum(map(s.count, _FREQUENT_LOWER)) + 3 * s.count(" ") >= 3 * len(s)


def _not_caps_by_half(s: str) -> bool:
    """The first half of `s` has so many letters not in capitals that the rest, all capitals, could not make
    up 70%: 7n - 10u over the first half exceeds 3 per character left (most paragraphs: half the work)."""
    cut = len(s) // 2
    letters = "".join(filter(str.isalpha, s[:cut]))
    return 7 * len(letters) - 10 * sum(map(str.isupper, letters)) > 3 * (len(s) - cut)


# A roster line: a member named with the post held ("- Ông Vũ Lân - Phó Giám đốc Sở Tài chính;",
# "1. Chủ tịch Hội đồng: Ông Đỗ Việt Bách - Trưởng Ban ..."), no duty after it.
_ROSTER = regex.compile(r"^(?:[^:;.]{0,60}:\s*)?(?:Ông|Bà|Đồng chí|Đ/c)\.?\s+\p{Lu}[\p{L}\p{M}]*(?:\s+\p{Lu}[\p{L}\p{M}]*){1,4}"
                        r"\s*(?:[-–,(]|$)[^:]*$")


def _may_roster(s: str) -> bool:
    """Whether `s` holds a title every _ROSTER match holds: a cheap first look."""
    return "Ông" in s or "Bà" in s or "Đồng chí" in s or "Đ/c" in s


def _leaf_tasks(u: Unit, text: str, ctx: _Ctx, addressees: list[str], end: int | None = None) -> list[Task]:
    if ctx.rights or _may_roster(u.text) and _ROSTER.match(u.text):
        return []
    raw = text[u.body_start:end or u.end]
    groups: list[_Group] = []
    own = ctx
    # A heading joined to its first paragraph: "7) Sở Văn hóa - Thể thao và Du lịch Triển khai ...".
    raw_off = 0
    dm = _FOR_BODY.match(raw)
    if dm and (fb := bodies_at(raw, dm.end())) and _COLON.match(raw, fb.end):
        # "6.1. Đối với Đoàn kiểm tra: Các thành viên Đoàn thực hiện ...": the item names its body first.
        own = _sub(ctx, fb.items, [])
        raw_off = _COLON_SPACE.match(raw, fb.end).end()
    tm = _JOINED_TITLE.match(raw) if not raw_off else None
    if tm:  # "3. Tổ chức thực hiện Thủ trưởng các sở ...": a PDF title line joined to its paragraph
        raw_off = tm.end()
    bl = bodies_at(raw, 0)
    if not raw_off and bl and not bl.weak and u.kind in ("clause", "point", "sub", "roman", "dash") and _NAME_THEN_UPPER.match(raw, bl.end) and not find_directive(raw):
        own = _sub(ctx, bl.items, [])
        raw_off = _OPT_COLON.match(raw, bl.end).end()
    for a, b in _clauses(raw, sentences(raw[raw_off:]), raw_off):
        s = raw[a:b]
        if is_closing(s) or s.rstrip().endswith(":") and not _standalone_lead(s):
            continue
        d = find_directive(s)
        if d and d.form == "subject" and not d.weak and task_probability(_clean(s)) < ctx.veto:
            d = None
        if d and d.form == "subject" and ctx.veto >= VETO_BELOW_NARRATIVE and not _FORWARD.search(s) and \
                not _forward_part(u):
            d = None  # a report's account of what a body does ("UBND tỉnh thường xuyên chỉ đạo ...")
        if d and d.form == "subject" and _STATIVE.match(s, d.action_start) and not _OBLIGED.search(s):
            d = None  # "Các địa phương đạt 3/6 tiêu chí ...: hệ số 3,0": a criterion, not a duty
        if _status(s, d) and not _OBLIGED.search(s):
            continue  # "Đoàn kiểm tra được sử dụng con dấu ...", "Ban Chỉ đạo làm việc theo nguyên tắc ...": status
        if d and ctx.quoted(u.body_start + a) and not _OBLIGED.search(s):
            d = None  # a provision quoted from another document, with no obligation in it
        if not d and addressees:
            d = _bare_request(s, addressees)
        if not d and not groups:
            d = passive_agent(s)
        if d and d.assignees:
            assignees = _resolve(d.assignees, addressees or ctx.firms)
            if groups and _key(groups[-1].assignees) == _key(assignees):
                groups[-1].end = u.body_start + b
                groups[-1].coordinators.extend(d.coordinators)
                continue
            groups.append(_Group(assignees, list(d.coordinators), u.body_start + a, u.body_start + b,
                                 u.body_start + a + d.action_start, d.form))
            continue
        if groups:
            groups[-1].end = u.body_start + b
            groups[-1].coordinators.extend(coordinators_in(s))
            continue
        # in a report every bullet must read as a task, except under its proposals ("4. Đề xuất, kiến nghị")
        direct = own.direct and (ctx.veto < VETO_BELOW_NARRATIVE or _forward_part(u))
        if own.bodies and not ctx.quoted(u.body_start + a) and not _CITATION.match(_clean(s)) and \
                not _DESCRIPTIVE.match(_clean(s)) and (
                direct or _OBLIGED.search(s) or task_probability(_clean(s)) >= INHERIT_ABOVE):
            pos, coords = action_start(s, 0)
            groups.append(_Group(list(own.bodies), coords + list(own.coords), u.body_start + a,
                                 u.body_start + b, u.body_start + a + pos, "inherit"))
    return [t for g in groups if (t := _task(g, u, text))]


_CLAUSE_SEP = regex.compile(r";\s+(?=\p{Lu})")


def _clauses(raw: str, spans: list[tuple[int, int]], off: int) -> list[tuple[int, int]]:
    """Sentences, cut again at "; " where a new body takes the subject ("...; Bộ Quốc phòng, Bộ Công an có
    trách nhiệm ..."): one task per assignee group."""
    out: list[tuple[int, int]] = []
    for a, b in spans:
        a, b = a + off, b + off
        for m in _CLAUSE_SEP.finditer(raw, a, b):
            clause = raw[m.end():b]
            d = find_directive(clause)
            if d and d.form == "subject" and not d.weak and d.assignees and \
                    _OBLIGED.search(clause, 0, d.action_start + 1):
                out.append((a, m.start() + 1))
                a = m.end()
        out.append((a, b))
    return out


_LEAD_OUT = regex.compile(r"\s*(?:(?:cụ thể\s+)?như sau|(?:các|một số|những)?\s*(?:nội dung|nhiệm vụ|yêu cầu)(?: cụ thể)?"
                          r"\s+(?:sau|sau đây|như sau)|sau đây|cụ thể)?\s*:\s*$")
_GENERIC_ACTION = regex.compile(r"^(?:(?:thực hiện|triển khai|chỉ đạo|tập trung|quán triệt|tổ chức|nghiêm túc|"
                             r"khẩn trương|tiếp tục|đầy đủ|tốt|một số|các|những)(?:\s*,\s*|\s+và\s+|\s+|$))+$")


_BARE_REQUEST = regex.compile(r"^(?:[^,]{0,60},\s*)?(?:[Kk]ính\s+)?(?:[Đđ]ề nghị|[Yy]êu cầu)\s+(?=\p{Ll})")


def _bare_request(s: str, addressees: list[str]) -> Directive | None:
    """"Bên cạnh đó, đề nghị lưu ý ...": a letter's request with no body named is to its addressees."""
    m = _BARE_REQUEST.match(s)
    if not m or bodies_at(s, m.end()):
        return None
    bodies = [Body(a, m.start(), m.end()) for a in addressees]
    return Directive(bodies, m.end(), form="request")


def _standalone_lead(s: str) -> bool:
    """A request ending in a colon that is a task in itself ("đề nghị lưu ý tuân thủ quy định tại Điều 58
    ... như sau:"), not just the opener of a list ("Giao Sở X thực hiện các nhiệm vụ sau:")."""
    d = find_directive(s) or _bare_request(s, ["?"])
    if not d or not d.assignees or d.form != "request":
        return False
    action = _LEAD_OUT.sub("", " ".join(s[d.action_start:].split()))
    return len(action.split()) >= 5 and not _GENERIC_ACTION.match(action)


_FIRM = regex.compile(r"(?<![\p{L}\p{M}])(?:Tổng công ty|Công ty|Tập đoàn)\s+(?=(?:\S+\s+){0,3}?\S*\p{Lu})")


def named_firms(text: str, start: int = 0, end: int | None = None) -> list[str]:
    """Companies the text names ("Công ty cổ phần X (Gói thầu ...); Tổng công ty Y ..."): what "Công ty" and
    "các đơn vị nêu trên" refer back to in a notice that has no "Kính gửi". At most five, else none."""
    if "ông ty" not in text and "Tập đoàn" not in text:
        return []  # no literal a match holds (most texts): not searched at every position
    out: list[str] = []
    for m in _FIRM.finditer(text, start, len(text) if end is None else end):
        b = bodies_at(text, m.start())
        if b and len(b.items[0].text.split()) >= 3:
            name = " ".join(b.items[0].text.split())
            if name not in out:
                out.append(name)
    return out if len(out) <= 5 else []


def _resolve(bodies: list[Body], addressees: list[str]) -> list[Body]:
    """"đề nghị Công ty ...": a generic reference means the letter's addressees (or the companies it names)."""
    if addressees and all(is_generic(b.text) for b in bodies):
        return [Body(a, bodies[0].start, bodies[0].end) for a in addressees]
    return bodies


def _task(g: _Group, u: Unit, text: str) -> Task | None:
    action = _clean(text[g.action_start:g.end]).rstrip(" .;,/")
    if len(action.split()) < 2 or is_closing(action):
        return None
    names, printed = _names(g.assignees)
    cnames, cprinted = _names(g.coordinators)
    start = u.start if g.start == u.body_start else g.start  # a whole item keeps its marker ("a) ...")
    keep = [i for i, c in enumerate(cnames) if c not in names]
    return Task(
        text=_clean(text[start:g.end]), start=start, end=g.end, assignees=names, assignees_printed=printed,
        coordinators=[cnames[i] for i in keep], coordinators_printed=[cprinted[i] for i in keep],
        action=action, section=_section(u), recurrence=_recurrence(action),
        confidence=1.0 if g.form != "inherit" else 0.9)


_CANONICAL: dict[str, str] = {}


def _canonical(p: str) -> str:
    """`canonical_body`, computed once per printed name."""
    c = _CANONICAL.get(p)
    if c is None:
        if len(_CANONICAL) > 20_000:
            _CANONICAL.clear()
        c = _CANONICAL[p] = canonical_body(p)
    return c


def _names(bodies: list[Body]) -> tuple[list[str], list[str]]:
    names: list[str] = []
    printed: list[str] = []
    for b in bodies:
        p = " ".join(b.text.split())
        c = _canonical(p)
        if c and c not in names:
            names.append(c)
            printed.append(p)
    return names, printed


def _may_recur(action: str) -> bool:
    """What every _RECURRENCE match holds, in lowercase: a cheap first look. (Under IGNORECASE these letters
    match only characters that `str.lower` maps to them.)"""
    low = action.lower()
    return "hằng" in low or "hàng" in low or "định kỳ" in low


def _recurrence(action: str) -> str | None:
    m = _RECURRENCE.search(action) if _may_recur(action) else None
    return m.group().strip() if m else None


def _section(u: Unit) -> str | None:
    chain = [u, *u.ancestors()][::-1]
    labels = [c.label.rstrip(".") if c.kind == "article" else c.label for c in chain if c.label and c.kind != "row"]
    return " > ".join(labels) or None


def _row_task(u: Unit, text: str) -> Task | None:
    """An appendix table row "N | task | lead body | coordinating bodies | ...", cells joined by " | "."""
    raw = text[u.start:u.end]
    cells = [c.strip() for c in raw.split(" | ")]
    if len(cells) < 3 or not _ROW_NUMBER.match(cells[0]):
        return None
    off = [0]
    for c in raw.split(" | ")[:-1]:
        off.append(off[-1] + len(c) + 3)
    lead = coord = None
    for i in range(2, len(cells)):
        bl = bodies_at(cells[i], 0)
        if bl and bl.end >= len(cells[i]) * 0.5:
            if lead is None:
                lead = bl
            elif coord is None and i > 2:
                coord = bl
                break
        elif lead is not None:
            break
    if lead is None:
        return None
    names, printed = _names(lead.items)
    cnames, cprinted = _names(coord.items) if coord else ([], [])
    action = " ".join(cells[1].split())
    return Task(text=_clean(raw), start=u.start, end=u.end, assignees=names, assignees_printed=printed,
                coordinators=cnames, coordinators_printed=cprinted, action=action, section=_section(u),
                recurrence=_recurrence(raw), confidence=0.9)


def _link_deadlines(tasks: list[Task], ex) -> None:
    deadlines = list(getattr(ex, "deadlines", None) or [])
    for t in tasks:
        if t.deadline is not None:
            continue
        for d in deadlines:
            if t.start <= d.start < t.end:
                t.deadline = d
                if d.recurrence and not t.recurrence:
                    t.recurrence = d.recurrence
                break


__all__ = ["extract", "recipients", "Directive", "body_at"]
