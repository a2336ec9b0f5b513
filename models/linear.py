"""Tf-idf + logistic-regression text models kept as plain JSON, read without scikit-learn.

A pickled scikit-learn estimator loads only under the version that saved it
(a model pickled with 1.9 fails under 1.4 with NotFittedError). So the
training scripts store what the fitted estimator knows — the vectoriser's
settings, its vocabulary in column order and idf weights, the logistic
regression's coefficients, intercepts and classes — and `LinearTextModel`
recomputes the probabilities from those lists in plain Python: the same
analyser (word or character n-grams, as scikit-learn builds them), term
counts, sublinear tf, idf, l2 norm, then the logistic (two classes) or
softmax link. A sentence has a few dozen n-grams, so plain floats beat numpy's
per-call overhead, and a run that only extracts never imports numpy (0.14 s
of CPU); `predict_proba` and `export` (training, tests) still give arrays.
`export` checks on sample texts that the stored model gives the fitted
estimator's probabilities before it returns.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from operator import itemgetter, mul
from pathlib import Path

FORMAT = "vanban-linear-text/1"
_WHITE = re.compile(r"\s\s+")


def _round(x: float) -> float:
    return float(f"{float(x):.9g}")


def export(pipeline, check_docs=(), **extra) -> dict:
    """The JSON-able parameters of a fitted make_pipeline(TfidfVectorizer, LogisticRegression)."""
    import numpy as np

    vec, clf = pipeline.steps[0][1], pipeline.steps[-1][1]
    for name in ("preprocessor", "tokenizer", "stop_words", "strip_accents"):
        if getattr(vec, name, None) is not None:
            raise ValueError(f"unsupported TfidfVectorizer setting: {name}")
    if vec.analyzer not in ("word", "char", "char_wb") or vec.norm not in ("l2", None):
        raise ValueError(f"unsupported TfidfVectorizer analyzer/norm: {vec.analyzer}/{vec.norm}")
    terms = [""] * len(vec.vocabulary_)
    for t, i in vec.vocabulary_.items():
        terms[i] = t
    idf = vec.idf_ if vec.use_idf else np.ones(len(terms))
    spec = {
        "format": FORMAT,
        **extra,
        "vectorizer": {
            "analyzer": vec.analyzer, "ngram_range": list(vec.ngram_range), "lowercase": bool(vec.lowercase),
            "token_pattern": vec.token_pattern, "binary": bool(vec.binary), "sublinear_tf": bool(vec.sublinear_tf),
            "norm": vec.norm,
        },
        "classes": [c.item() if hasattr(c, "item") else c for c in clf.classes_],
        "link": "logistic" if len(clf.classes_) == 2 else "softmax",
        "intercept": [_round(b) for b in clf.intercept_],
        "terms": terms,
        "idf": [_round(v) for v in idf],
        "coef": [[_round(v) for v in row] for row in clf.coef_],
    }
    docs = list(check_docs)
    if docs:
        diff = np.abs(LinearTextModel(spec).predict_proba(docs) - pipeline.predict_proba(docs)).max()
        if diff > 1e-5:
            raise AssertionError(f"stored model differs from the fitted estimator by {diff}")
    return spec


class LinearTextModel:
    """The probabilities of a stored tf-idf + logistic-regression model, in plain Python."""

    def __init__(self, spec: dict):
        if spec.get("format") != FORMAT:
            raise ValueError(f"not a {FORMAT} model: {spec.get('format')!r}")
        v = spec["vectorizer"]
        self.spec = spec
        self.analyzer = v["analyzer"]
        self.min_n, self.max_n = v["ngram_range"]
        self.lowercase = v["lowercase"]
        self.token_re = re.compile(v["token_pattern"]) if v.get("token_pattern") else None
        self.binary = v["binary"]
        self.sublinear = v["sublinear_tf"]
        self.norm = v["norm"]
        self.index = {t: i for i, t in enumerate(spec["terms"])}
        self.idf = [float(v) for v in spec["idf"]]
        self.coef = [[float(v) for v in row] for row in spec["coef"]]
        self.intercept = [float(v) for v in spec["intercept"]]
        self.classes_ = list(spec["classes"])
        self.link = spec["link"]
        if any(len(row) != len(self.idf) for row in self.coef) or len(self.intercept) != len(self.coef):
            raise ValueError("inconsistent model arrays")

    @classmethod
    def load(cls, path: str | Path) -> LinearTextModel:
        return cls(json.loads(Path(path).read_text(encoding="utf-8")))

    def analyze(self, doc: str) -> list[str]:
        """The n-grams scikit-learn's TfidfVectorizer builds for `doc` with these settings."""
        if self.lowercase:
            doc = doc.lower()
        lo, hi = self.min_n, self.max_n
        out: list[str] = []
        if self.analyzer == "word":
            toks = self.token_re.findall(doc)
            if lo == 1:
                out.extend(toks)
                lo = 2
            for n in range(lo, min(hi + 1, len(toks) + 1)):  # toks[i:i + n] for each i, joined
                out.extend(map(" ".join, zip(*(toks[k:] for k in range(n)), strict=False)))
        elif self.analyzer == "char_wb":
            for w in _WHITE.sub(" ", doc).split():
                w = " " + w + " "
                for n in range(lo, hi + 1):
                    off = 0
                    out.append(w[off:off + n])
                    while off + n < len(w):
                        off += 1
                        out.append(w[off:off + n])
                    if off == 0:
                        break
        else:  # char
            doc = _WHITE.sub(" ", doc)
            if lo == 1:
                out.extend(doc)
                lo = 2
            for n in range(lo, min(hi + 1, len(doc) + 1)):
                out.extend(doc[i:i + n] for i in range(len(doc) - n + 1))
        return out

    def scores(self, doc: str) -> list[float]:
        """The linear scores of one text, one per row of coefficients."""
        out = list(self.intercept)
        counts = Counter(map(self.index.get, self.analyze(doc)))
        counts.pop(None, None)  # n-grams out of the vocabulary (the others keep their first-seen order)
        if not counts:
            return out
        idx = list(counts)
        if self.binary:
            tf = [1.0] * len(idx)
        elif self.sublinear:
            tf = [1.0 + math.log(c) for c in counts.values()]
        else:
            tf = [float(c) for c in counts.values()]
        gather = itemgetter(*idx) if len(idx) > 1 else (lambda row: (row[idx[0]],))  # the columns, picked in C
        x = list(map(mul, tf, gather(self.idf)))
        if self.norm == "l2":
            n = math.sqrt(math.fsum(map(mul, x, x)))
            if n:
                x = [v / n for v in x]
        for r, row in enumerate(self.coef):
            out[r] += math.fsum(map(mul, gather(row), x))
        return out

    def probabilities(self, doc: str) -> list[float]:
        """P(class) for each of `classes_`, for one text."""
        d = self.scores(doc)
        if self.link == "logistic":
            p = 1.0 / (1.0 + math.exp(-d[0])) if d[0] > -709.0 else 0.0  # exp(709+) overflows: p is 0 there
            return [1.0 - p, p]
        top = max(d)
        e = [math.exp(v - top) for v in d]
        total = math.fsum(e)
        return [v / total for v in e]

    def decision_function(self, docs: list[str]):
        import numpy as np

        return np.asarray([self.scores(doc) for doc in docs], dtype=float)

    def predict_proba(self, docs: list[str]):
        """The probabilities as scikit-learn gives them: an array, one row per text."""
        import numpy as np

        return np.asarray([self.probabilities(doc) for doc in docs], dtype=float)
