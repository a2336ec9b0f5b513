"""Train the task-sentence classifier (extractors/task_classifier.py) on the gold records.

Every sentence of every item (the segmenter's body and appendix trees) of a gold document (corpus/gold/dev and
corpus/gold/dev-b) is an example: positive when a gold task's text covers it
(most of its words are in one gold task text), negative otherwise. Three
candidates are compared, cheapest first:

- scikit-learn over syllables: tf-idf of lowercased syllable uni- and bigrams
  (`task_classifier.tokens`, what the extractor feeds the model) + logistic regression;
- scikit-learn over underthesea word tokens (its CRF word segmentation of the
  same sentence, word uni- and bigrams), same learner;
- spaCy: a `textcat` (bag-of-words uni+bigram model) on a blank Vietnamese
  pipeline over the syllables, CPU, a few epochs.

All are cross-validated with the same folds, grouped by document
(GroupKFold), so no document is both trained and tested on: the classifier's
own scores on the held-out sentences, and the task scores of the whole
extractor (rules + classifier) when each document is read with a model that
never saw it, reported for dev and dev-b separately. The extractor with the
model shipped before this run (and with the rules alone) is scored beside
them. A costlier candidate is kept only if its cross-validated extractor task
F1 beats every cheaper one by MARGIN; its model is written only if that F1 on
dev-b is not worse than the rules alone (`--force` writes it anyway). The
scikit-learn model is stored as plain JSON (models/linear.py), loadable under
any scikit-learn version; the scores go to models/task_classifier.json.

    python models/train_task_classifier.py [--no-spacy] [--force]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from pathlib import Path

import numpy as np
import sklearn
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score, precision_score, recall_score, roc_auc_score
from sklearn.model_selection import GroupKFold
from sklearn.pipeline import make_pipeline

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extractors import task_classifier  # noqa: E402
from extractors.task_classifier import MODEL_PATH, tokens  # noqa: E402
from extractors.task_units import unit_sentences  # noqa: E402
from models.linear import LinearTextModel, export  # noqa: E402
from pipeline.ingest import load  # noqa: E402
from pipeline.score import norm  # noqa: E402
from pipeline.segment import segment  # noqa: E402

SETS = {  # gold folder, folder of its texts
    "dev": (ROOT / "corpus" / "gold" / "dev", ROOT / "corpus" / "docs"),
    "dev-b": (ROOT / "corpus" / "gold" / "dev-b", ROOT / "corpus" / "gold" / "dev-b" / "docs"),
}
CARD = ROOT / "models" / "task_classifier.json"
COVER = 0.6  # share of a sentence's words found in one gold task text for a positive
FOLDS = 5
MARGIN = 0.005  # extractor task F1 a costlier candidate must gain over a cheaper one to be kept
SPACY_EPOCHS = 5  # 8 and 12 epochs overfit: classifier CV AUC 0.788 and 0.781 against 0.797 for 5


def _words(s: str) -> set[str]:
    return set(re.findall(r"\w+", norm(s)))


def documents() -> list[dict]:
    """Every gold record with its text file: {name, set, gold, src}."""
    out = []
    for set_name, (gold_dir, docs_dir) in SETS.items():
        index = {f.name: f for f in docs_dir.rglob("*.txt")}
        for gf in sorted(gold_dir.glob("*.json")):
            if gf.name.endswith(".meta.json"):
                continue
            gold = json.loads(gf.read_text("utf-8"))
            src = index.get(gold.get("source_file", ""))
            if src is not None and "tasks" in gold:
                out.append({"name": gf.stem, "set": set_name, "gold": gold, "src": src})
    return out


def examples(docs: list[dict]) -> tuple[list[str], list[int], list[str]]:
    X: list[str] = []
    y: list[int] = []
    groups: list[str] = []
    for d in docs:
        doc = load(d["src"])
        text = doc.text
        task_words = [_words(t["text"]) for t in d["gold"].get("tasks") or []]
        for a, b, _u in unit_sentences(segment(doc), text):  # the items of the segmenter's body tree
            s = " ".join(text[a:b].split())
            w = _words(s)
            if len(w) < 3:
                continue
            X.append(tokens(s))
            y.append(int(any(len(w & tw) >= COVER * len(w) for tw in task_words)))
            groups.append(d["name"])
    return X, y, groups


# --- the learners: train(X, y) -> a model with predict_proba(list of feature strings)
def train_sklearn(X, y):
    return make_pipeline(
        TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True, token_pattern=r"[^\s]+"),
        LogisticRegression(C=4.0, class_weight="balanced", max_iter=2000),
    ).fit(X, y)


class SpacyModel:
    def __init__(self, nlp):
        self.nlp = nlp

    def predict_proba(self, texts):
        p = np.array([d.cats["TASK"] for d in self.nlp.pipe(list(texts), batch_size=256)])
        return np.column_stack([1.0 - p, p])


def train_spacy(X, y, epochs: int = SPACY_EPOCHS, seed: int = 0):
    import spacy
    from spacy.training import Example
    from spacy.util import fix_random_seed, minibatch

    fix_random_seed(seed)
    rng = random.Random(seed)
    nlp = spacy.blank("vi", config={"nlp": {"tokenizer": {"use_pyvi": False}}})
    textcat = nlp.add_pipe("textcat", config={"model": {
        "@architectures": "spacy.TextCatBOW.v3", "exclusive_classes": True, "ngram_size": 2,
        "no_output_layer": False, "length": 2 ** 18}})
    textcat.add_label("TASK")
    textcat.add_label("OTHER")
    exs = [Example.from_dict(nlp.make_doc(x), {"cats": {"TASK": float(v), "OTHER": 1.0 - v}})
           for x, v in zip(X, y, strict=True)]
    opt = nlp.initialize(lambda: exs)
    for _ in range(epochs):
        rng.shuffle(exs)
        for batch in minibatch(exs, size=16):
            nlp.update(batch, sgd=opt, drop=0.2)
    return SpacyModel(nlp)


def word_tokens(syllables: str) -> str:
    """underthesea's word segmentation of a `tokens` string ("chủ_trì phối_hợp ...")."""
    from underthesea import word_tokenize

    return " ".join(w.replace(" ", "_") for w in word_tokenize(syllables))


class Featurised:
    """A model trained on other features, fed the extractor's `tokens` strings."""

    def __init__(self, model, features):
        self.model, self.features = model, features

    def predict_proba(self, texts):
        return self.model.predict_proba([self.features(t) for t in texts])


# candidates, cheapest first: name -> (learner, features of a `tokens` string, or None for the string itself)
CANDIDATES = {
    "sklearn": (train_sklearn, None),
    "sklearn over underthesea words": (train_sklearn, word_tokens),
    "spacy": (train_spacy, None),
}
SPACY_CONFIG = ("spacy.blank('vi', use_pyvi=False) + textcat spacy.TextCatBOW.v3 (exclusive, uni+bigrams, "
                f"2^18 hashed rows), {SPACY_EPOCHS} epochs, batches of 16, dropout 0.2, CPU")
# other spaCy textcat configurations tried once with the same grouped folds (classifier CV over dev+dev-b,
# 2,729 sentences): none reached the scikit-learn model (F1 0.736, AUC 0.822 in that run)
SPACY_TRIED = {
    "TextCatBOW unigrams, 8 epochs": {"f1": 0.7117, "roc_auc": 0.7862},
    "TextCatBOW uni+bigrams, 5 epochs": {"f1": 0.7138, "roc_auc": 0.7968},
    "TextCatBOW uni+bigrams, 8 epochs": {"f1": 0.7081, "roc_auc": 0.7883},
    "TextCatBOW uni+bigrams, 12 epochs": {"f1": 0.6989, "roc_auc": 0.7813},
    "TextCatBOW 1-3-grams, 8 epochs": {"f1": 0.7181, "roc_auc": 0.7837},
    "TextCatReduce (Tok2Vec width 64, depth 2), 8 epochs": {"f1": 0.729, "roc_auc": 0.7803},
    "TextCatEnsemble (BOW + Tok2Vec 64), 8 epochs": {"f1": 0.7002, "roc_auc": 0.7727},
}


# --- cross-validation
def fold_of(X, y, groups) -> dict[str, int]:
    out = {}
    for k, (_train, test) in enumerate(GroupKFold(n_splits=FOLDS).split(X, y, groups)):
        for i in test:
            out[groups[i]] = k
    return out


def classifier_cv(train, X, y, groups, folds, set_of) -> tuple[dict, float]:
    probs = np.zeros(len(X))
    t0 = time.time()
    for k in sorted(set(folds.values())):
        tr = [i for i, g in enumerate(groups) if folds[g] != k]
        te = [i for i, g in enumerate(groups) if folds[g] == k]
        m = train([X[i] for i in tr], [y[i] for i in tr])
        probs[te] = m.predict_proba([X[i] for i in te])[:, 1]
    secs = (time.time() - t0) / len(set(folds.values()))
    out = {}
    for part in ("all", *SETS):
        rows = [i for i, g in enumerate(groups) if part == "all" or set_of[g] == part]
        yt = [y[i] for i in rows]
        pr = probs[rows]
        pred = (pr >= 0.5).astype(int)
        out[part] = {"precision": round(precision_score(yt, pred), 4), "recall": round(recall_score(yt, pred), 4),
                     "f1": round(f1_score(yt, pred), 4), "roc_auc": round(roc_auc_score(yt, pr), 4)}
    return out, secs


def extractor_tasks(docs: list[dict], model_for) -> dict:
    """Task scores of the whole extractor, each document read with model_for(name); by gold set."""
    from pipeline.gold import to_gold
    from pipeline.run import process
    from pipeline.score import score

    pairs: dict[str, list] = {s: [] for s in SETS}
    current = object()
    for d in sorted(docs, key=lambda d: str(id(model_for(d["name"])))):
        m = model_for(d["name"])
        if m is not current:
            task_classifier.use_model(m)
            current = m
        rec = to_gold(process(d["src"]).extraction, str(d["src"]), d["gold"].get("doc_id"))
        pairs[d["set"]].append((rec, d["gold"]))
    task_classifier.use_model(None)
    out = {}
    for part, ps in [("all", [p for v in pairs.values() for p in v]), *pairs.items()]:
        t = score(ps).to_dict()["lists"]["tasks"]
        out[part] = {k: t[k] for k in ("precision", "recall", "f1")}
    return out


class Neutral:
    def predict_proba(self, texts):
        return np.full((len(texts), 2), 0.5)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--no-spacy", action="store_true", help="leave the spaCy candidate out of the comparison")
    ap.add_argument("--force", action="store_true", help="write the model even if it does worse than the rules alone on dev-b")
    args = ap.parse_args()
    cands = {k: v for k, v in CANDIDATES.items() if not (args.no_spacy and k == "spacy")}

    docs = documents()
    set_of = {d["name"]: d["set"] for d in docs}
    X, y, groups = examples(docs)
    folds = fold_of(X, y, groups)
    print(f"{len(X)} sentences, {sum(y)} positive, {len(docs)} documents", file=sys.stderr)

    shipped = LinearTextModel.load(MODEL_PATH) if MODEL_PATH.exists() else Neutral()
    baseline = {
        "shipped model (before this run)": extractor_tasks(docs, lambda _n: shipped),
        "rules alone (no model)": extractor_tasks(docs, lambda _n: Neutral()),
    }
    clf_cv, ext_cv, secs = {}, {}, {}
    for name, (train, features) in cands.items():
        t0 = time.process_time()
        Xf = [features(x) for x in X] if features else X
        feature_secs = time.process_time() - t0
        clf_cv[name], secs[name] = classifier_cv(train, Xf, y, groups, folds, set_of)
        fold_models = {}
        for k in sorted(set(folds.values())):
            rows = [i for i, g in enumerate(groups) if folds[g] != k]
            m = train([Xf[i] for i in rows], [y[i] for i in rows])
            fold_models[k] = Featurised(m, features) if features else m
        ext_cv[name] = extractor_tasks(docs, lambda n, fm=fold_models: fm[folds[n]])
        clf_cv[name]["feature_cpu_seconds"] = round(feature_secs, 2)
        print(name, json.dumps({"classifier": clf_cv[name], "extractor": ext_cv[name]}), file=sys.stderr)

    # cheapest first; a costlier candidate must beat the one kept so far by MARGIN of extractor task F1
    best = next(iter(cands))
    for name in cands:
        if ext_cv[name]["all"]["f1"] >= ext_cv[best]["all"]["f1"] + MARGIN:
            best = name
    # The bar is the rules alone: the shipped model has seen these documents, so its score is in-sample
    # and no cross-validated score can be compared with it.
    before = baseline["rules alone (no model)"]["dev-b"]["f1"]
    keep = args.force or ext_cv[best]["dev-b"]["f1"] >= before
    card = {
        "model": "tf-idf (lowercased syllable uni+bigrams) + logistic regression" if best == "sklearn" else best,
        "task": "task-bearing sentence vs narration",
        "examples": len(X), "positives": sum(y),
        "documents": {s: sum(1 for d in docs if d["set"] == s) for s in SETS},
        "trained_on": "corpus/gold/dev + corpus/gold/dev-b (positives: sentences covered by a gold task text)",
        "cv": f"GroupKFold(n_splits={FOLDS}) grouped by document, the same folds for every candidate",
        "classifier_cv": clf_cv,
        "extractor_tasks_cv": ext_cv,
        "extractor_tasks_baseline": baseline,
        "train_seconds_per_fold": {k: round(v, 1) for k, v in secs.items()},
        "kept": best if keep else "shipped model (the retrained one was worse than the rules alone on dev-b)",
        "decision": (f"{best}: extractor task F1 (CV, dev+dev-b) "
                     + ", ".join(f"{n} {ext_cv[n]['all']['f1']}" for n in cands)
                     + f" (a costlier candidate must gain {MARGIN}); on dev-b {ext_cv[best]['dev-b']['f1']}"
                     + f" vs {before} with the rules alone"),
        "versions": {"scikit-learn": sklearn.__version__},
        "file": MODEL_PATH.name,
    }
    if "spacy" in cands:
        import spacy

        card["versions"]["spacy"] = spacy.__version__
        card["spacy_textcat"] = SPACY_CONFIG
        card["spacy_other_configs_classifier_cv"] = SPACY_TRIED
        if best != "spacy":
            card["spacy_textcat_shipped"] = False  # it lost: no spaCy model in models/
    if keep:
        if best != "sklearn":
            raise SystemExit(f"{best} won: the extractor feeds syllables, wire its features first; the card:\n"
                             + json.dumps(card, ensure_ascii=False, indent=1))
        model = train_sklearn(X, y)
        spec = export(model, X[:50], trained_with=f"scikit-learn {sklearn.__version__}",
                      input="extractors.task_classifier.tokens(sentence)")
        MODEL_PATH.write_text(json.dumps(spec, ensure_ascii=False, separators=(",", ":")) + "\n", "utf-8")
    CARD.write_text(json.dumps(card, ensure_ascii=False, indent=1) + "\n", "utf-8")
    print(json.dumps(card, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
