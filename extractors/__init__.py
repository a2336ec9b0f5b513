"""Extractors: one module per kind of record, each `extract(doc, seg, ex)`.

`doc` is the normalised `Document`, `seg` its `Segments`, `ex` the
`Extraction` filled so far by the extractors that ran before.
"""
