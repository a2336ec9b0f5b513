"""vanban: Vietnamese administrative documents to structured records.

Stages, top to bottom: `ingest` (any file → raw text and layout blocks),
`normalise` (one spelling convention, offsets kept), `segment` (header,
preamble, body tree, signature), `extractors` (header, references, tasks,
deadlines, budgets), `store` (SQLite or PostgreSQL).
"""

__version__ = "0.1.0"

from pipeline import regexcache as _regexcache  # noqa: E402

_regexcache.install()  # compiled patterns from the last run: a fast start (pipeline/regexcache.py)
