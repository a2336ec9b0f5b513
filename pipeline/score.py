"""Scoring of predicted records against gold records, as gold/SCHEMA.md defines it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.normalise import fold

HEADER_FIELDS = [
    "doc_type", "number", "issue_date", "issue_place", "issuer", "issuer_parent",
    "subject", "effective_date", "signer.name", "signer.position", "signer.authority",
]
_ABBREV = [
    (r"\bubnd\b", "ủy ban nhân dân"),
    (r"\bhđnd\b", "hội đồng nhân dân"),
    (r"\btw\b", "trung ương"),
    (r"\btp\.", "thành phố"),
    (r"\bbct\b", "bộ công thương"),
    (r"\bbtc\b", "bộ tài chính"),
]
_SUBJECT_LEAD = re.compile(r"^(v/v|về việc|về)\s+")
_PLACE_TAIL = re.compile(r"\s+(tỉnh|thành phố)\s+[\w\s-]+$")


def norm(s: str | None) -> str:
    """The scorer's string key: fold, then expand the listed abbreviations."""
    if s is None:
        return ""
    s = fold(s)
    for pat, rep in _ABBREV:
        s = re.sub(pat, rep, s)
    return " ".join(s.split())


def _get(rec: dict, name: str):
    cur = rec
    for part in name.split("."):
        cur = (cur or {}).get(part) if isinstance(cur, dict) else None
    return cur


def header_match(name: str, pred, gold) -> bool:
    p, g = norm(pred), norm(gold)
    if name == "subject":
        p, g = _SUBJECT_LEAD.sub("", p), _SUBJECT_LEAD.sub("", g)
    if name == "number":
        p, g = p.replace(" ", ""), g.replace(" ", "")
    if p == g:
        return True
    if name in ("issuer", "issuer_parent") and p and g:
        return _PLACE_TAIL.sub("", p) == _PLACE_TAIL.sub("", g) and (p.startswith(g) or g.startswith(p))
    return False


def _num_key(n: str | None) -> str:
    return re.sub(r"[\s\-]", "", (n or "")).upper()


def _words(s: str | None) -> set[str]:
    return set(re.findall(r"\w+", norm(s)))


def reference_match(p: dict, g: dict) -> bool:
    if g.get("number"):
        return _num_key(p.get("number")) == _num_key(g["number"])
    if p.get("number") or norm(p.get("doc_type")) != norm(g.get("doc_type")):
        return False
    gw, pw = _words(g.get("title")), _words(p.get("title"))
    if not gw or not pw:
        return False
    return len(gw & pw) / max(len(gw), len(pw)) >= 0.8


def _assignee_match(pa: list[str], ga: list[str]) -> bool:
    for a in pa:
        for b in ga:
            x, y = norm(a), norm(b)
            if x and y and (x == y or x in y or y in x):
                return True
    return False


def task_match(p: dict, g: dict) -> bool:
    if not _assignee_match(p.get("assignees") or [], g.get("assignees") or []):
        return False
    pw, gw = _words(p.get("action")), _words(g.get("action"))
    if not pw or not gw:
        return False
    return len(pw & gw) >= 0.5 * min(len(pw), len(gw))


@dataclass
class PRF:
    tp: int = 0
    n_pred: int = 0
    n_gold: int = 0
    extra: dict = field(default_factory=dict)

    @property
    def precision(self) -> float:
        return self.tp / self.n_pred if self.n_pred else (1.0 if not self.n_gold else 0.0)

    @property
    def recall(self) -> float:
        return self.tp / self.n_gold if self.n_gold else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: PRF) -> None:
        self.tp += other.tp
        self.n_pred += other.n_pred
        self.n_gold += other.n_gold
        for k, v in other.extra.items():
            self.extra[k] = self.extra.get(k, 0) + v


def greedy_pairs(preds: list[dict], golds: list[dict], match) -> list[tuple[int, int]]:
    """One-to-one greedy matching, gold order first."""
    used: set[int] = set()
    pairs = []
    for gi, g in enumerate(golds):
        for pi, p in enumerate(preds):
            if pi not in used and match(p, g):
                used.add(pi)
                pairs.append((pi, gi))
                break
    return pairs


@dataclass
class DocScore:
    doc_id: str
    header: dict[str, tuple[bool, object, object]] = field(default_factory=dict)  # field -> (ok, pred, gold)
    lists: dict[str, PRF] = field(default_factory=dict)
    misses: dict[str, list] = field(default_factory=dict)  # kind -> [("missed"|"spurious", item)]


def score_document(pred: dict, gold: dict) -> DocScore:
    ds = DocScore(gold.get("doc_id", ""))
    for name in HEADER_FIELDS:
        g = _get(gold, name)
        if g is None:
            continue
        p = _get(pred, name)
        ds.header[name] = (header_match(name, p, g), p, g)

    def score_list(kind, preds, golds, match, extra=None):
        pairs = greedy_pairs(preds, golds, match)
        prf = PRF(len(pairs), len(preds), len(golds))
        if extra:
            prf.extra = extra(pairs)
        matched_p = {pi for pi, _ in pairs}
        matched_g = {gi for _, gi in pairs}
        ds.misses[kind] = [("missed", g) for i, g in enumerate(golds) if i not in matched_g] + [
            ("spurious", p) for i, p in enumerate(preds) if i not in matched_p]
        ds.lists[kind] = prf

    prefs, grefs = pred.get("references") or [], gold.get("references") or []
    score_list("references", prefs, grefs, reference_match, lambda pairs: {
        "relation_ok": sum(norm(prefs[pi].get("relation")) == norm(grefs[gi].get("relation")) for pi, gi in pairs),
        "relation_n": len(pairs)})
    score_list("tasks", pred.get("tasks") or [], gold.get("tasks") or [], task_match)

    pd = [d for d in pred.get("deadlines") or [] if d.get("date")]
    gd = [d for d in gold.get("deadlines") or [] if d.get("date")]
    score_list("deadlines", pd, gd, lambda p, g: p["date"] == g["date"])
    all_gd = gold.get("deadlines") or []
    ptexts = [norm(d.get("text")) for d in pred.get("deadlines") or []]
    hit = sum(any(t and (norm(g.get("text")) in t or t in norm(g.get("text"))) for t in ptexts) for g in all_gd)
    ds.lists["deadlines"].extra = {"text_recall_hit": hit, "text_recall_n": len(all_gd)}

    if gold.get("budgets_scope") != "body":  # table-heavy documents itemise running text only: not scored
        pb = [b for b in pred.get("budgets") or [] if b.get("amount_vnd") is not None]
        gb = [b for b in gold.get("budgets") or [] if b.get("amount_vnd") is not None]
        annotated = any("kind" in b for b in gb)  # v1.3: kind, source and links annotated
        score_list("budgets", pb, gb, lambda p, g: p["amount_vnd"] == g["amount_vnd"],
                   (lambda pairs: _budget_extras(pb, gb, pairs)) if annotated else None)
        if annotated:
            for kind, key in (("budget_pairs", "plan_index"), ("budget_parts", "total_index")):
                pl, gl = _links(pred.get("budgets") or [], key), _links(gold.get("budgets") or [], key)
                score_list(kind, pl, gl, lambda p, g: (p["amount_vnd"], p["linked_vnd"]) == (g["amount_vnd"], g["linked_vnd"]))
    return ds


def _links(budgets: list[dict], key: str) -> list[dict]:
    """(amount, linked amount) for every budget linked by `key` (plan_index: actual -> plan; total_index: part ->
    total), as amounts: the two sides number their budgets differently."""
    out = []
    for b in budgets:
        j = b.get(key)
        if isinstance(j, int) and 0 <= j < len(budgets) and b.get("amount_vnd") is not None:
            out.append({"text": f"{b.get('text')} -> {budgets[j].get('text')}", "amount_vnd": b["amount_vnd"],
                        "linked_vnd": budgets[j].get("amount_vnd")})
    return out


def _budget_extras(pb: list[dict], gb: list[dict], pairs: list[tuple[int, int]]) -> dict:
    """Kind accuracy over matched amounts the gold gives a kind; source accuracy over matched amounts where
    either side names a source (two nulls are not counted)."""
    kind_pairs = [(pb[pi], gb[gi]) for pi, gi in pairs if gb[gi].get("kind")]
    src_pairs = [(pb[pi], gb[gi]) for pi, gi in pairs if gb[gi].get("source") or pb[pi].get("source")]
    return {"kind_ok": sum(p.get("kind") == g["kind"] for p, g in kind_pairs), "kind_n": len(kind_pairs),
            "source_ok": sum(norm(p.get("source")) == norm(g.get("source")) for p, g in src_pairs),
            "source_n": len(src_pairs)}


@dataclass
class Report:
    docs: list[DocScore] = field(default_factory=list)

    def header_accuracy(self) -> dict[str, tuple[int, int]]:
        out = {}
        for name in HEADER_FIELDS:
            vals = [d.header[name][0] for d in self.docs if name in d.header]
            out[name] = (sum(vals), len(vals))
        return out

    def totals(self) -> dict[str, PRF]:
        out: dict[str, PRF] = {}
        for d in self.docs:
            for k, prf in d.lists.items():
                out.setdefault(k, PRF()).add(prf)
        return out

    def to_dict(self) -> dict:
        tot = self.totals()
        res = {"documents": len(self.docs), "header": {}, "lists": {}}
        for name, (ok, n) in self.header_accuracy().items():
            res["header"][name] = {"correct": ok, "gold": n, "accuracy": round(ok / n, 4) if n else None}
        for k, prf in tot.items():
            row = {"precision": round(prf.precision, 4), "recall": round(prf.recall, 4), "f1": round(prf.f1, 4),
                   "tp": prf.tp, "pred": prf.n_pred, "gold": prf.n_gold}
            if k == "references" and prf.extra.get("relation_n"):
                row["relation_accuracy"] = round(prf.extra["relation_ok"] / prf.extra["relation_n"], 4)
            if k == "deadlines" and prf.extra.get("text_recall_n"):
                row["text_recall"] = round(prf.extra["text_recall_hit"] / prf.extra["text_recall_n"], 4)
            for x in ("kind", "source"):
                if k == "budgets" and prf.extra.get(f"{x}_n"):
                    row[f"{x}_accuracy"] = round(prf.extra[f"{x}_ok"] / prf.extra[f"{x}_n"], 4)
                    row[f"{x}_n"] = prf.extra[f"{x}_n"]
            res["lists"][k] = row
        return res


def score(pairs: list[tuple[dict, dict]]) -> Report:
    """Score (prediction, gold) record pairs."""
    return Report([score_document(p, g) for p, g in pairs])
