"""Pictures drawn on the server as inline SVG: no script, no chart library.

Every label passes through `escape`, so a document title with markup is drawn
as text. Sizes are in user units; the SVG scales with its container.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from markupsafe import Markup, escape

PALETTE = ("#2b6cb0", "#dd6b20", "#38a169", "#c53030", "#805ad5", "#d69e2e", "#319795", "#718096")


@dataclass
class Node:
    label: str  # "QĐ 2211/QĐ-UBND"
    sublabel: str = ""  # date or short title
    href: str | None = None  # set when the document is in the database
    mark: str | None = None  # "thay thế", "bãi bỏ" when the document is no longer in force


@dataclass
class Edge:
    node: Node
    relation: str


def _clip(s: str, n: int) -> str:
    return s if len(s) <= n else s[: n - 1] + "…"


def _node(x: float, y: float, w: float, h: float, node: Node, css: str) -> str:
    label = escape(_clip(node.label, 30))
    sub = escape(_clip(node.sublabel, 40))
    marked = f' <tspan class="mark">({escape(node.mark)})</tspan>' if node.mark else ""
    cls = f"node {css}" + (" linked" if node.href else "") + (" dead" if node.mark else "")
    body = (
        f'<g class="{cls}"><title>{escape(node.label)} {escape(node.sublabel)}</title>'
        f'<rect x="{x - w / 2:.1f}" y="{y - h / 2:.1f}" width="{w}" height="{h}" rx="6"/>'
        f'<text x="{x:.1f}" y="{y - 3:.1f}" text-anchor="middle" class="nl">{label}{marked}</text>'
        f'<text x="{x:.1f}" y="{y + 13:.1f}" text-anchor="middle" class="ns">{sub}</text></g>'
    )
    return f'<a href="{escape(node.href)}">{body}</a>' if node.href else body


def neighbourhood(center: Node, cited: list[Edge], citing: list[Edge]) -> Markup:
    """The document in the middle, what it cites on the left, what cites it on the right."""
    w, h, gap = 250, 40, 16
    rows = max(len(cited), len(citing), 1)
    height = max(140, rows * (h + gap) + gap + 20)
    width = 1000
    cx, cy = width / 2, height / 2
    parts = [
        f'<svg class="graph" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-label="Sơ đồ trích dẫn" xmlns="http://www.w3.org/2000/svg">',
        '<defs><marker id="arr" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#718096"/></marker></defs>',
    ]
    nodes: list[str] = []
    for side, edges in (("cited", cited), ("citing", citing)):
        x = 140 if side == "cited" else width - 140
        top = cy + 10 - (len(edges) * (h + gap) - gap) / 2 + h / 2
        for i, e in enumerate(edges):
            y = top + i * (h + gap)
            # arrows point from the citing document to the cited one
            if side == "cited":
                x1, y1, x2, y2 = cx - w / 2, cy, x + w / 2, y
            else:
                x1, y1, x2, y2 = x - w / 2, y, cx + w / 2, cy
            parts.append(f'<line class="edge" x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
                         f'marker-end="url(#arr)"/>')
            # the label sits by the outer node, where edges are still apart
            lx, anchor = (x + w / 2 + 8, "start") if side == "cited" else (x - w / 2 - 8, "end")
            parts.append(f'<text class="el" x="{lx:.1f}" y="{y - 5:.1f}" text-anchor="{anchor}">{escape(e.relation)}</text>')
            nodes.append(_node(x, y, w, h, e.node, side))
    nodes.append(_node(cx, cy, w, h + 8, center, "center"))
    parts.extend(nodes)
    if not cited and not citing:
        parts.append(f'<text x="{cx}" y="{cy + 50}" text-anchor="middle" class="ns">Chưa có liên kết trích dẫn</text>')
    else:
        for edges, x, words in ((cited, 140, "Không dẫn chiếu văn bản nào"),
                                (citing, width - 140, "Chưa có văn bản nào dẫn chiếu đến")):
            if not edges:
                parts.append(f'<text x="{x}" y="{cy}" text-anchor="middle" class="ns">{words}</text>')
    parts.append(f'<text x="140" y="14" text-anchor="middle" class="ns">Văn bản được dẫn chiếu</text>'
                 f'<text x="{width - 140}" y="14" text-anchor="middle" class="ns">Văn bản dẫn chiếu đến</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


@dataclass
class Chart:
    """Stacked horizontal bars: one row per category, one segment per series."""

    title: str
    categories: list[str]
    series: dict[str, list[float]] = field(default_factory=dict)
    unit: str = ""
    colours: dict[str, str] = field(default_factory=dict)  # series name → colour; PALETTE otherwise

    def colour(self, i: int, name: str) -> str:
        return self.colours.get(name) or PALETTE[i % len(PALETTE)]


def _fmt(v: float) -> str:
    """Vietnamese number format: 1.234,5."""
    s = f"{v:,.0f}" if abs(v - round(v)) < 1e-9 else f"{v:,.2f}"
    return s.translate(str.maketrans(",.", ".,"))


def bar_chart(chart: Chart, narrow: bool = False) -> Markup:
    """Stacked horizontal bars. `narrow`: a phone's layout (each label on its own line above its bar, 420
    units wide), so that at 390 px the text stays at least ~11 px high instead of shrinking to 4 px."""
    if narrow:
        label_w, bar_w, row_h, pad, per_row, label_h = 0, 330, 18, 8, 2, 16
    else:
        label_w, bar_w, row_h, pad, per_row, label_h = 300, 560, 24, 8, 4, 0
    names = list(chart.series)
    totals = [sum(chart.series[s][i] for s in names) for i in range(len(chart.categories))]
    top = max(totals, default=0) or 1
    legend_h = 22 * ((len(names) + per_row - 1) // per_row)
    height = legend_h + len(chart.categories) * (row_h + pad + label_h) + 30
    width = 420 if narrow else label_w + bar_w + 120
    out = [f'<svg class="chart {"narrow" if narrow else "wide"}" viewBox="0 0 {width} {height}" width="100%" '
           f'role="img" aria-label="{escape(chart.title)}" xmlns="http://www.w3.org/2000/svg">']
    for i, name in enumerate(names):
        lx, ly = 10 + (i % per_row) * (205 if narrow else 220), 6 + (i // per_row) * 22
        out.append(f'<rect x="{lx}" y="{ly}" width="12" height="12" fill="{chart.colour(i, name)}"/>'
                   f'<text x="{lx + 18}" y="{ly + 11}" class="lg">{escape(_clip(name, 24 if narrow else 28))}</text>')
    for r, cat in enumerate(chart.categories):
        y = legend_h + 10 + r * (row_h + pad + label_h) + label_h
        if narrow:
            out.append(f'<text x="2" y="{y - 4}" class="cl"><title>{escape(cat)}</title>{escape(_clip(cat, 56))}</text>')
        else:
            out.append(f'<text x="{label_w - 8}" y="{y + row_h * 0.7:.1f}" text-anchor="end" class="cl">'
                       f'<title>{escape(cat)}</title>{escape(_clip(cat, 44))}</text>')
        x = float(label_w)
        for i, name in enumerate(names):
            v = chart.series[name][r]
            if v <= 0:
                continue
            bw = bar_w * v / top
            out.append(f'<rect x="{x:.1f}" y="{y}" width="{bw:.1f}" height="{row_h}" fill="{chart.colour(i, name)}">'
                       f'<title>{escape(cat)} — {escape(name)}: {_fmt(v)} {escape(chart.unit)}</title></rect>')
            x += bw
        out.append(f'<text x="{x + 6:.1f}" y="{y + row_h * 0.75:.1f}" class="tv">{_fmt(totals[r])} {escape(chart.unit)}</text>')
    if not chart.categories:
        out.append(f'<text x="{width / 2}" y="{height - 8}" text-anchor="middle" class="cl">Chưa có dữ liệu</text>')
    out.append("</svg>")
    return Markup("".join(out))
