"""Train the document-type fallback model (extractors/header.py `_doc_type_model`).

Rules read the type from the type line ("QUYẾT ĐỊNH"), the website metadata,
the type code of the number or a "V/v" subject; this model answers only when
none of those is there (OCR that mangled the type line, a page without a
header). So it is trained on what such a document still shows: the opening
of every corpus text with its type line and metadata blanked out, plus the
start of the body. Labels are the corpus's own: MANIFEST.md's type column for
corpus/docs/dev, the gold records for the seeds. Features are character
2–4-grams (robust to OCR letter errors), tf-idf; the classifier is a
logistic regression. The score is cross-validated (5 folds, shuffled); it is
printed and written to models/doctype.json. The fitted model is stored as plain
JSON (models/doctype.model.json, read by models/linear.py without scikit-learn),
so it loads under any scikit-learn version.

    python models/train_doctype.py
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import sklearn
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import KFold, cross_val_predict
from sklearn.pipeline import make_pipeline

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extractors.header import MODEL_PATH, doctype_text  # noqa: E402
from models.linear import export  # noqa: E402
from pipeline.ingest import load  # noqa: E402
from pipeline.segment import segment  # noqa: E402

DOCS = ROOT / "corpus" / "docs"
GOLD = ROOT / "corpus" / "gold" / "dev"
CARD = ROOT / "models" / "doctype.json"


def labels() -> dict[Path, str]:
    out: dict[Path, str] = {}
    manifest = (ROOT / "corpus" / "MANIFEST.md").read_text(encoding="utf-8")
    types = {m[1]: m[2].strip() for m in re.finditer(r"^\| (\d{3}) \| ([^|]+)\|", manifest, re.M)}
    for path in sorted((DOCS / "dev").glob("*.txt")):
        t = types.get(path.name[:3])
        if t:
            out[path] = re.sub(r"\s*\(.*\)$", "", t)  # "Chỉ thị (source says "Khác")"
    for g in sorted(GOLD.glob("seed_*.json")):
        rec = json.loads(g.read_text(encoding="utf-8"))
        path = DOCS / "seeds" / rec["source_file"]
        if rec.get("doc_type") and path.exists():
            out[path] = rec["doc_type"]
    return out


def main() -> None:
    lab = labels()
    texts, ys = [], []
    for path, y in lab.items():
        doc = load(path)
        texts.append(doctype_text(doc, segment(doc)))
        ys.append(y)
    model = make_pipeline(
        TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True, min_df=2),
        LogisticRegression(max_iter=2000, C=10.0, class_weight="balanced"),
    )
    pred = cross_val_predict(model, texts, ys, cv=KFold(n_splits=5, shuffle=True, random_state=0))
    acc = accuracy_score(ys, pred)
    f1 = f1_score(ys, pred, average="macro", zero_division=0)
    model.fit(texts, ys)
    spec = export(model, texts[:20], trained_with=f"scikit-learn {sklearn.__version__}")
    MODEL_PATH.write_text(json.dumps(spec, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    card = {
        "model": "tf-idf (character 2-4-grams) + logistic regression",
        "task": "document type when the type line, metadata, number code and V/v are all missing",
        "examples": len(ys),
        "classes": sorted(set(ys)),
        "cv": "KFold(n_splits=5, shuffle=True, random_state=0); type line and metadata blanked",
        "accuracy": round(acc, 4),
        "macro_f1": round(f1, 4),
        "trained_on": "corpus/docs (MANIFEST.md types) + corpus/docs/seeds (gold doc_type)",
        "file": MODEL_PATH.name,
    }
    CARD.write_text(json.dumps(card, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(card, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
