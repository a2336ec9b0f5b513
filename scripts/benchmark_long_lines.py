"""Time of segmentation and header extraction on one very long line, at growing lengths.

Crawled and flattened documents put a whole header, a whole "Nơi nhận" list or a
whole table on one line. Each doubling of the line should about double the time
(linear); a figure that quadruples names a quadratic step.

    python scripts/benchmark_long_lines.py [--rows 1000,2000,4000]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from extractors import header  # noqa: E402
from pipeline.document import Document  # noqa: E402
from pipeline.records import Extraction  # noqa: E402
from pipeline.segment import segment  # noqa: E402

LINES = {
    "Nơi nhận of title rows": ("Số: 1/QĐ-UBND\nNơi nhận: ",
                               "- Văn phòng Sở (Bố trí kinh phí, phương TRƯỞNG ĐOÀN tiện Phục vụ); GIÁM ĐỐC - UBND tỉnh; "),
    "header cells in capitals": ("", "ỦY BAN NHÂN DÂN TỈNH AN GIANG ------- CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM "),
    "body sentences": ("Số: 2/KH-UBND\n", "Giao Sở Công Thương chủ trì, phối hợp với Sở Tài chính báo cáo trước ngày "
                                         "15/9/2025; "),
}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", default="1000,2000,4000")
    counts = [int(x) for x in ap.parse_args().rows.split(",")]
    print(f"{'line':<28}" + "".join(f"{n:>10} rows" for n in counts) + "   (seconds)")
    for name, (head, row) in LINES.items():
        cells = []
        for n in counts:
            doc = Document(source_path="x.txt", format="txt", text=head + row * n + "\n")
            t0 = time.perf_counter()
            seg = segment(doc)
            header.extract(doc, seg, Extraction())
            cells.append(time.perf_counter() - t0)
        print(f"{name:<28}" + "".join(f"{c:>15.2f}" for c in cells))


if __name__ == "__main__":
    main()
