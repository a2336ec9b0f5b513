"""The sentence classifier beside the task rules: task-bearing sentence or narration.

Trained by models/train_task_classifier.py on the gold records; features are
lowercased syllables and syllable pairs (a Vietnamese word is often two
syllables, "chủ trì", "báo cáo", so the pairs carry the words). underthesea's
word segmentation was the input before: cross-validated by document it scored
the same (extractor task F1 0.9011 against 0.9000) at 2-3 s of CPU per corpus
pass, a fifth of the whole extraction, so the training script keeps the
comparison and ships the cheaper features unless words win clearly.
The model is stored as plain JSON (models/linear.py: tf-idf vocabulary and idf,
logistic-regression weights), so it loads under any scikit-learn version or
none. It is loaded lazily, once per process; without a readable model file
every sentence gets the neutral 0.5 and the rules decide alone. A model that
fails to load or to predict (a damaged file, model of another shape) turns the
classifier off for the process: the reason is logged and warned once, kept in
`failure()`, and each document read without it says so in its warnings.
"""

from __future__ import annotations

import logging
import warnings
from functools import lru_cache
from pathlib import Path

MODEL_PATH = Path(__file__).resolve().parent.parent / "models" / "task_classifier.model.json"
NEUTRAL = 0.5


def tokens(s: str) -> str:
    """Lowercased syllables, one space apart ("chủ trì phối hợp ..."), the classifier's input."""
    return " ".join(s.lower().split())


_override: list = []  # a model set by `use_model` (cross-validation of the whole extractor)
_cache: dict[str, float] = {}
_CACHE_MAX = 50_000
_failure: list[str] = []  # why the classifier is off for this process (recorded once, see `failure`)
log = logging.getLogger(__name__)


def _fail(what: str, err: Exception) -> None:
    """Turn the classifier off for the rest of the process, saying why once (log and warning)."""
    if _failure:
        return
    msg = f"task classifier {what} failed ({type(err).__name__}: {err}); the task rules decide alone"
    _failure.append(msg)
    log.warning(msg)
    warnings.warn(msg, RuntimeWarning, stacklevel=3)


def failure() -> str | None:
    """Why the classifier is off (a model that could not be loaded or run), None while it works."""
    return _failure[0] if _failure else None


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
        _fail(f"model {MODEL_PATH.name}", err)
        return None


def use_model(model) -> None:
    """Use `model` (anything with predict_proba over `tokens` strings) instead of the shipped file
    (None: back to the file). Clears the scores kept and any recorded failure."""
    _override[:] = [model] if model is not None else []
    _model.cache_clear()
    _cache.clear()
    _failure.clear()


def _task_column(model, texts: list[str]) -> list[float]:
    """P(task) for each text: the shipped model's plain-Python rows, or a stand-in's predict_proba (one call)."""
    if hasattr(model, "probabilities"):
        return [model.probabilities(t)[1] for t in texts]
    return list(model.predict_proba(texts)[:, 1])


def task_probabilities(sentences: list[str]) -> list[float]:
    """P(sentence assigns a task) for each sentence, 0.5 each when no model is installed or it failed.
    Sentences not seen before are tokenised once and scored together (a stand-in model in one predict call). The model is
    loaded on the first call, so documents that never ask do not pay for them."""
    if _failure:
        return [NEUTRAL] * len(sentences)
    model = _model()
    if model is None:
        return [NEUTRAL] * len(sentences)
    missing = [s for s in dict.fromkeys(sentences) if s not in _cache]
    if missing:
        try:
            probs = _task_column(model, [tokens(s) for s in missing])
        except Exception as err:  # a model of another shape: rules only from now on
            _fail("prediction", err)
            return [NEUTRAL] * len(sentences)
        if len(_cache) + len(missing) > _CACHE_MAX:
            _cache.clear()
        _cache.update(zip(missing, map(float, probs), strict=True))
    return [_cache[s] for s in sentences]


def task_probability(sentence: str) -> float:
    """P(sentence assigns a task), 0.5 when no model is installed."""
    return task_probabilities([sentence])[0]
