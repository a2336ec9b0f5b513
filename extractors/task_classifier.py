"""The sentence classifier beside the task rules: task-bearing sentence or narration.

Trained by models/train_task_classifier.py on the gold records; features are
underthesea word tokens (a Vietnamese word is often two syllables, "chủ trì",
"báo cáo", so whole words carry the directive sense better than characters).
The model is stored as plain JSON (models/linear.py: tf-idf vocabulary and idf,
logistic-regression weights), so it loads under any scikit-learn version or
none. It is loaded lazily, once per process; without a readable model file
every sentence gets the neutral 0.5 and the rules decide alone (a model that
fails to load or to predict says so in a warning, it never stops extraction).
"""

from __future__ import annotations

import warnings
from functools import lru_cache
from pathlib import Path

MODEL_PATH = Path(__file__).resolve().parent.parent / "models" / "task_classifier.model.json"
NEUTRAL = 0.5


def tokens(s: str) -> str:
    """Word-segmented, lowercased text ("chủ_trì phối_hợp ..."), the classifier's input."""
    from underthesea import word_tokenize

    return " ".join(w.replace(" ", "_") for w in word_tokenize(s.lower()))


_override: list = []  # a model set by `use_model` (cross-validation of the whole extractor)
_cache: dict[str, float] = {}
_CACHE_MAX = 50_000


def _warn(what: str, err: Exception) -> None:
    warnings.warn(f"task classifier {what} failed ({type(err).__name__}: {err}); the task rules decide alone",
                  RuntimeWarning, stacklevel=3)


@lru_cache(maxsize=1)
def _model():
    if _override:
        return _override[0]
    if not MODEL_PATH.exists():
        return None
    try:
        from models.linear import LinearTextModel

        return LinearTextModel.load(MODEL_PATH)
    except Exception as err:  # a damaged or foreign model file: rules only
        _warn(f"model {MODEL_PATH.name}", err)
        return None


def use_model(model) -> None:
    """Use `model` (anything with predict_proba over `tokens` strings) instead of the shipped file
    (None: back to the file)."""
    _override[:] = [model] if model is not None else []
    _model.cache_clear()
    _cache.clear()


def task_probabilities(sentences: list[str]) -> list[float]:
    """P(sentence assigns a task) for each sentence, 0.5 each when no model is installed.
    Sentences not seen before are tokenised once and scored in one predict call."""
    model = _model()
    if model is None:
        return [NEUTRAL] * len(sentences)
    missing = [s for s in dict.fromkeys(sentences) if s not in _cache]
    if missing:
        try:
            probs = model.predict_proba([tokens(s) for s in missing])[:, 1]
        except Exception as err:
            _warn("prediction", err)
            return [_cache.get(s, NEUTRAL) for s in sentences]
        if len(_cache) + len(missing) > _CACHE_MAX:
            _cache.clear()
        _cache.update(zip(missing, map(float, probs), strict=True))
    return [_cache[s] for s in sentences]


def task_probability(sentence: str) -> float:
    """P(sentence assigns a task), 0.5 when no model is installed."""
    return task_probabilities([sentence])[0]
