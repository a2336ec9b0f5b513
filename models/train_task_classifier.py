"""Train the task-sentence classifier (extractors/task_classifier.py) on the gold records.

Every sentence of every item of a gold document is an example: positive when a
gold task's text covers it (most of its words are in one gold task text),
negative otherwise. Features are underthesea word tokens (uni- and bigrams,
tf-idf) plus the item's first word; the model is a logistic regression. The
score is cross-validated with folds grouped by document, so no document is
both trained and tested on; it is printed and written to
models/task_classifier.json.

    python models/train_task_classifier.py
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import joblib
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score, precision_score, recall_score, roc_auc_score
from sklearn.model_selection import GroupKFold
from sklearn.pipeline import make_pipeline

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extractors.task_classifier import MODEL_PATH, tokens  # noqa: E402
from extractors.task_units import unit_sentences  # noqa: E402
from pipeline.ingest import load  # noqa: E402
from pipeline.score import norm  # noqa: E402

GOLD = ROOT / "corpus" / "gold" / "dev"
DOCS = ROOT / "corpus" / "docs"
CARD = ROOT / "models" / "task_classifier.json"
COVER = 0.6  # share of a sentence's words found in one gold task text for a positive


def _words(s: str) -> set[str]:
    return set(re.findall(r"\w+", norm(s)))


def _index() -> dict[str, Path]:
    return {f.name: f for f in DOCS.rglob("*.txt")}


def examples() -> tuple[list[str], list[int], list[str]]:
    index = _index()
    X: list[str] = []
    y: list[int] = []
    groups: list[str] = []
    for gf in sorted(GOLD.glob("*.json")):
        gold = json.loads(gf.read_text("utf-8"))
        src = index.get(gold.get("source_file", ""))
        if src is None:
            continue
        text = load(src).text
        task_words = [_words(t["text"]) for t in gold.get("tasks") or []]
        for a, b, _u in unit_sentences(text):
            s = " ".join(text[a:b].split())
            w = _words(s)
            if len(w) < 3:
                continue
            label = int(any(len(w & tw) >= COVER * len(w) for tw in task_words))
            X.append(tokens(s))
            y.append(label)
            groups.append(gf.stem)
    return X, y, groups


def make_model():
    return make_pipeline(
        TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True, token_pattern=r"[^\s]+"),
        LogisticRegression(C=4.0, class_weight="balanced", max_iter=2000),
    )


def pipeline_cv(X, y, groups, folds: int) -> dict:
    """Task F1 of the whole extractor (rules + classifier), each document read with a model that never saw it."""
    from extractors import task_classifier
    from pipeline.gold import to_gold
    from pipeline.run import process
    from pipeline.score import score

    index = _index()
    pairs = []
    docs = sorted(set(groups))
    for _train, test in GroupKFold(n_splits=folds).split(docs, docs, docs):
        held = {docs[i] for i in test}
        rows = [i for i, gname in enumerate(groups) if gname not in held]
        task_classifier.use_model(make_model().fit([X[i] for i in rows], [y[i] for i in rows]))
        for name in held:
            gold = json.loads((GOLD / f"{name}.json").read_text("utf-8"))
            src = index[gold["source_file"]]
            pairs.append((to_gold(process(src).extraction, str(src), gold.get("doc_id")), gold))
    task_classifier.use_model(None)
    t = score(pairs).to_dict()["lists"]["tasks"]
    return {k: t[k] for k in ("precision", "recall", "f1")}


def main() -> None:
    X, y, groups = examples()
    n_docs = len(set(groups))
    folds = min(5, n_docs)
    probs = [0.0] * len(X)
    for train, test in GroupKFold(n_splits=folds).split(X, y, groups):
        m = make_model().fit([X[i] for i in train], [y[i] for i in train])
        for i, p in zip(test, m.predict_proba([X[i] for i in test])[:, 1], strict=True):
            probs[i] = float(p)
    pred = [int(p >= 0.5) for p in probs]
    card = {
        "model": "tf-idf (underthesea word uni+bigrams) + logistic regression",
        "task": "task-bearing sentence vs narration",
        "examples": len(X), "positives": sum(y), "documents": n_docs,
        "cv": f"GroupKFold(n_splits={folds}) grouped by document",
        "precision": round(precision_score(y, pred), 4), "recall": round(recall_score(y, pred), 4),
        "f1": round(f1_score(y, pred), 4), "roc_auc": round(roc_auc_score(y, probs), 4),
        "trained_on": "corpus/gold/dev (positives: sentences covered by a gold task text)",
        "extractor_tasks_cv": pipeline_cv(X, y, groups, folds),
        "file": MODEL_PATH.name,
    }
    model = make_model().fit(X, y)
    joblib.dump(model, MODEL_PATH)
    CARD.write_text(json.dumps(card, ensure_ascii=False, indent=1) + "\n", "utf-8")
    print(json.dumps(card, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
