"""vanban: Vietnamese administrative documents to structured records.

Stages, top to bottom: `ingest` (any file → raw text and layout blocks),
`normalise` (one spelling convention, offsets kept), `segment` (header,
preamble, body tree, signature), `extractors` (header, references, tasks,
deadlines, budgets), `store` (SQLite or PostgreSQL).
"""

__version__ = "0.1.0"
