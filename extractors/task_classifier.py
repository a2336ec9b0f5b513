"""The sentence classifier beside the task rules: task-bearing sentence or narration.

Trained by models/train_task_classifier.py on the gold records; features are
underthesea word tokens (a Vietnamese word is often two syllables, "chủ trì",
"báo cáo", so whole words carry the directive sense better than characters).
The model is loaded lazily, once per process; without the model file every
sentence gets the neutral 0.5 and the rules decide alone.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

MODEL_PATH = Path(__file__).resolve().parent.parent / "models" / "task_classifier.joblib"


def tokens(s: str) -> str:
    """Word-segmented, lowercased text ("chủ_trì phối_hợp ..."), the classifier's input."""
    from underthesea import word_tokenize

    return " ".join(w.replace(" ", "_") for w in word_tokenize(s.lower()))


_override: list = []  # a model set by `use_model` (cross-validation of the whole extractor)


@lru_cache(maxsize=1)
def _model():
    if _override:
        return _override[0]
    if not MODEL_PATH.exists():
        return None
    import joblib

    return joblib.load(MODEL_PATH)


def use_model(model) -> None:
    """Use `model` instead of the shipped file (None: back to the file)."""
    _override[:] = [model] if model is not None else []
    _model.cache_clear()
    task_probability.cache_clear()


@lru_cache(maxsize=4096)
def task_probability(sentence: str) -> float:
    """P(sentence assigns a task), 0.5 when no model is installed."""
    model = _model()
    if model is None:
        return 0.5
    return float(model.predict_proba([tokens(sentence)])[0][1])
