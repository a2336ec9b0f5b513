"""Throughput of each extractor alone, in documents per second.

Documents are read and segmented once, outside the clock; each extractor is
then timed on its own over the whole set, with the `Extraction` filled by the
extractors that run before it in the pipeline (as `pipeline.run` does), so
every figure is the cost of that one module.

    python scripts/benchmark_extract.py [PATHS...] [--repeat N] [--only NAME]

Add a section for another extractor by adding it to `SECTIONS` (in pipeline
order); the prerequisites are run untimed.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from extractors import budgets, deadlines, header, references, tasks  # noqa: E402
from pipeline.document import Document  # noqa: E402
from pipeline.ingest import load  # noqa: E402
from pipeline.records import Extraction  # noqa: E402
from pipeline.segment import segment  # noqa: E402
from pipeline.segments import Segments  # noqa: E402


def _set(field: str, fn: Callable) -> Callable[[Document, Segments, Extraction], None]:
    def run(doc: Document, seg: Segments, ex: Extraction) -> None:
        setattr(ex, field, fn(doc, seg, ex))
    return run


# name -> (runs the extractor and stores its result in the Extraction), in pipeline order.
SECTIONS: dict[str, Callable[[Document, Segments, Extraction], None]] = {
    "header": _set("header", header.extract),
    "references": _set("references", references.extract),
    "deadlines": _set("deadlines", deadlines.extract),
    "tasks": _set("tasks", tasks.extract),
    "budgets": _set("budgets", budgets.extract),
}


def load_corpus(paths: list[str]) -> list[tuple[Document, Segments]]:
    from pipeline.ingest import find_files

    files, _ = find_files(paths)
    out = []
    for f in files:
        try:
            doc = load(f)
        except Exception:  # unreadable files are not what is measured here
            continue
        if doc.text.strip():
            out.append((doc, segment(doc)))
    return out


def bench(corpus: list[tuple[Document, Segments]], name: str, repeat: int) -> tuple[float, int, float]:
    """Docs/s of section `name` over the median of `repeat` runs, the records it produced, that median."""
    names = list(SECTIONS)
    before = names[: names.index(name)]
    prepared = []
    for doc, seg in corpus:
        ex = Extraction()
        for b in before:
            SECTIONS[b](doc, seg, ex)
        prepared.append((doc, seg, ex))
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        for doc, seg, ex in prepared:
            SECTIONS[name](doc, seg, ex)
        times.append(time.perf_counter() - t0)
    n_records = sum(len(v) if isinstance(v := getattr(ex, name), list) else 1 for _, _, ex in prepared)
    med = statistics.median(times)
    return (len(prepared) / med if med else float("inf")), n_records, med


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("paths", nargs="*", default=["corpus/docs"])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--only", action="append", choices=list(SECTIONS), help="time only these sections")
    args = ap.parse_args(argv)
    corpus = load_corpus(args.paths)
    chars = sum(len(d.text) for d, _ in corpus)
    print(f"{len(corpus)} documents, {chars / 1e6:.2f} M characters, median of {args.repeat} runs")
    print(f"{'extractor':<12}{'docs/s':>10}{'median s':>10}{'records':>9}")
    for name in args.only or list(SECTIONS):
        rate, n, med = bench(corpus, name, args.repeat)
        print(f"{name:<12}{rate:>10.1f}{med:>10.3f}{n:>9}")


if __name__ == "__main__":
    main()
