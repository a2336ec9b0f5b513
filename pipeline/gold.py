"""The record format of gold/SCHEMA.md, produced from an `Extraction`."""

from __future__ import annotations

from pathlib import Path

from pipeline.records import Deadline, Extraction


def _deadline(d: Deadline | None) -> dict | None:
    if d is None:
        return None
    return {"text": d.text, "date": d.date, "recurrence": d.recurrence}


def to_gold(ex: Extraction, source_path: str, doc_id: str | None = None) -> dict:
    h = ex.header
    return {
        "doc_id": doc_id or Path(source_path).stem,
        "source_file": Path(source_path).name,
        "doc_type": h.doc_type.value,
        "number": h.number.value,
        "issue_date": h.issue_date.value,
        "issue_place": h.issue_place.value,
        "issuer": h.issuer.value,
        "issuer_parent": h.issuer_parent.value,
        "subject": h.subject.value,
        "effective_date": h.effective_date.value,
        "signer": {"name": h.signer.name.value, "position": h.signer.position.value,
                   "authority": h.signer.authority.value},
        "recipients": [r.value for r in h.recipients if r.value],
        "references": [
            {"text": r.text, "doc_type": r.doc_type, "number": r.number, "date": r.date,
             "issuer": r.issuer, "title": r.title, "relation": r.relation}
            for r in ex.references
        ],
        "tasks": [
            {"text": t.text, "assignees": t.assignees, "coordinators": t.coordinators,
             "action": t.action, "deadline": _deadline(t.deadline)}
            for t in ex.tasks
        ],
        "deadlines": [_deadline(d) for d in ex.deadlines],
        "budgets": [
            {"text": b.text, "amount_vnd": b.amount_vnd, "source": b.source, "purpose": b.purpose,
             "kind": b.kind, "source_printed": b.source_printed, "year_from": b.year_from, "year_to": b.year_to,
             "plan_index": b.plan_index, "percent": b.percent, "total_index": b.total_index}
            for b in ex.budgets
        ],
    }
