"""tasks extractor (being written)."""

from __future__ import annotations


def extract(doc, seg, ex) -> list:
    return []
