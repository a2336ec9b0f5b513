"""Header extractor (being written)."""

from __future__ import annotations

from pipeline.records import Header


def extract(doc, seg, ex) -> Header:
    return Header()
