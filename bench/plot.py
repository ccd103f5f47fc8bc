#!/usr/bin/env python3
"""plot.py - draw bench.csv as SVG charts: ns/op against map size, one line per map.

    python3 bench/plot.py bench/results/bench.csv bench/results/

One SVG per load a (bench-a0.50.svg, ...): a header (title, context,
legend, wrapped to the canvas, which is at least MIN_WIDTH wide), then a
grid of panels, one row per operation and one column per key type (two
columns of operations when the run has one key type), log-log axes (x: raw
capacity C, y: ns per operation, or bytes per entry for the memory row).
ohm is the thick black line.  Standard library only: no pip packages.
"""
import csv
import math
import os
import sys
from collections import defaultdict
from xml.sax.saxutils import escape

OPS = ["insert", "hit", "get-many", "miss", "churn", "hit-after-churn", "miss-after-churn", "erase",
       "remove-if", "iterate", "clone", "memory"]
PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
           "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]
PANEL_W, PANEL_H = 330, 190
LEFT, RIGHT, GAP_X, GAP_Y = 70, 30, 70, 64
# Never narrower than this: the title, the context line and the legend
# need the room even when the chart has a single column of panels.
MIN_WIDTH = 900


def read_rows(path):
    """The data rows and the '#' context lines of bench.csv."""
    meta, lines = [], []
    with open(path, newline="") as f:
        for line in f:
            if line.startswith("#"):
                meta.append(line[1:].strip())
            else:
                lines.append(line)
    return list(csv.DictReader(lines)), meta


def size_label(c):
    for unit, div in (("M", 1 << 20), ("K", 1 << 10)):
        if c >= div and c % div == 0:
            return f"{c // div}{unit}"
    return str(c)


def decade_ticks(lo, hi):
    """1-2-5 ticks covering [lo, hi] on a log axis."""
    ticks = []
    e = math.floor(math.log10(lo))
    while 10 ** e <= hi * 10:
        for m in (1, 2, 5):
            v = m * 10 ** e
            if lo <= v <= hi:
                ticks.append(v)
        e += 1
    return ticks


def fmt(v):
    return f"{v:g}" if v < 1e4 else f"{v:.0e}".replace("e+0", "e")


def panel(out, x0, y0, title, sizes, series, colors, unit):
    """One log-log panel at (x0, y0): `series` maps name -> {C: value}."""
    vals = [v for s in series.values() for v in s.values() if v > 0]
    out.append(f'<rect x="{x0}" y="{y0}" width="{PANEL_W}" height="{PANEL_H}" '
               'fill="#fff" stroke="#999"/>')
    out.append(f'<text x="{x0 + PANEL_W / 2}" y="{y0 - 8}" text-anchor="middle" '
               f'font-weight="bold">{escape(title)}</text>')
    if not vals or not sizes:
        return
    lo, hi = min(vals) / 1.3, max(vals) * 1.3
    ly0, ly1 = math.log10(lo), math.log10(hi)
    if ly1 - ly0 < 0.5:  # a flat panel still gets a readable span
        mid = (ly0 + ly1) / 2
        ly0, ly1 = mid - 0.25, mid + 0.25
    lx = [math.log2(c) for c in sizes]
    lx0, lx1 = min(lx) - 0.5, max(lx) + 0.5

    def px(c):
        return x0 + (math.log2(c) - lx0) / (lx1 - lx0) * PANEL_W

    def py(v):
        return y0 + PANEL_H - (math.log10(v) - ly0) / (ly1 - ly0) * PANEL_H

    for t in decade_ticks(10 ** ly0, 10 ** ly1):
        y = py(t)
        out.append(f'<line x1="{x0}" x2="{x0 + PANEL_W}" y1="{y:.1f}" y2="{y:.1f}" stroke="#eee"/>')
        out.append(f'<text x="{x0 - 4}" y="{y + 4:.1f}" text-anchor="end" font-size="10">{fmt(t)}</text>')
    for c in sizes:
        x = px(c)
        out.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{y0}" y2="{y0 + PANEL_H}" stroke="#eee"/>')
        out.append(f'<text x="{x:.1f}" y="{y0 + PANEL_H + 13}" text-anchor="middle" '
                   f'font-size="10">{size_label(c)}</text>')
    out.append(f'<text x="{x0 + PANEL_W / 2}" y="{y0 + PANEL_H + 27}" font-size="10" '
               'text-anchor="middle" fill="#555">capacity C (slots)</text>')
    out.append(f'<text x="{x0 - 45}" y="{y0 + PANEL_H / 2}" font-size="10" text-anchor="middle" '
               f'transform="rotate(-90 {x0 - 45} {y0 + PANEL_H / 2})">{unit}</text>')
    # ohm last, so its line is drawn on top.
    for name in sorted(series, key=lambda n: n == "ohm"):
        pts = sorted((c, v) for c, v in series[name].items() if v > 0)
        if not pts:
            continue
        width = 3 if name == "ohm" else 1.5
        path = " ".join(f"{px(c):.1f},{py(v):.1f}" for c, v in pts)
        out.append(f'<polyline points="{path}" fill="none" stroke="{colors[name]}" '
                   f'stroke-width="{width}"><title>{escape(name)}</title></polyline>')
        for c, v in pts:
            out.append(f'<circle cx="{px(c):.1f}" cy="{py(v):.1f}" r="2.5" fill="{colors[name]}">'
                       f'<title>{escape(name)} C={c}: {v:g}</title></circle>')


def text_width(text, size, bold=False):
    """A generous estimate of the width of `text` in a sans-serif font."""
    return len(text) * size * (0.64 if bold else 0.58)


def wrap(text, size, width, bold=False, sep=" "):
    """Split `text` at `sep` into lines no wider than `width` (estimated)."""
    lines, line = [], ""
    for word in text.split(sep):
        cand = word if not line else line + sep + word
        if line and text_width(cand, size, bold) > width:
            lines.append(line)
            line = word
        else:
            line = cand
    if line:
        lines.append(line)
    return lines


def chart(rows, meta, load, path):
    keys = sorted({int(r["key_bits"]) for r in rows})
    maps = []
    for r in rows:
        if r["map"] not in maps:
            maps.append(r["map"])
    colors = {m: ("#000" if m == "ohm" else PALETTE[i % len(PALETTE)])
              for i, m in enumerate(m for m in maps if m != "ohm")}
    colors["ohm"] = "#000"
    ops = [op for op in OPS if any(r["op"] == op for r in rows)]
    sizes = sorted({int(r["capacity"]) for r in rows})

    # Panels: one column per key type; with a single key type the
    # operations fill two columns, so the chart is not one tall strip.
    if len(keys) > 1:
        ncols = len(keys)
        cells = [(op, bits, oi, ki) for oi, op in enumerate(ops) for ki, bits in enumerate(keys)]
    else:
        ncols = 2
        cells = [(op, keys[0], i // 2, i % 2) for i, op in enumerate(ops)]
    nrows = max(r for _, _, r, _ in cells) + 1 if cells else 0
    width = max(MIN_WIDTH, LEFT + ncols * PANEL_W + (ncols - 1) * GAP_X + RIGHT)
    avail = width - LEFT - RIGHT

    head = []  # the header's SVG elements, placed from the top down
    y = 10
    title = f"ohm benchmark: ns per operation against capacity C, load a = {load}"
    for line in wrap(title, 16, avail, bold=True):
        y += 20
        head.append(f'<text x="{LEFT}" y="{y}" font-size="16" font-weight="bold">{escape(line)}</text>')
    context = "; ".join(m for m in meta if m.split(":")[0] in ("date", "machine", "nproc", "cc"))
    for line in wrap(context, 11, avail, sep="; "):
        y += 16
        head.append(f'<text x="{LEFT}" y="{y}" font-size="11" fill="#555">{escape(line)}</text>')
    # Legend: as many entries per row as fit, then the next row.
    y += 10
    x = LEFT
    row_y = y + 14
    for m in maps:
        w = 22 + text_width(m, 11) + 16
        if x > LEFT and x + w > LEFT + avail:
            x = LEFT
            row_y += 18
        thick = 4 if m == "ohm" else 2
        head.append(f'<rect x="{x}" y="{row_y - 5 - thick / 2}" width="16" height="{thick}" '
                    f'fill="{colors[m]}"/>')
        head.append(f'<text x="{x + 20}" y="{row_y}" font-size="11">{escape(m)}</text>')
        x += w
    y = row_y + 8
    note = ("log-log axes. ohm is the thick black line. iterate and clone are per entry of the "
            "map; memory is bytes per entry; the after-churn rows follow two full churn turnovers.")
    for line in wrap(note, 11, avail):
        y += 16
        head.append(f'<text x="{LEFT}" y="{y}" font-size="11" fill="#555">{escape(line)}</text>')
    top = y + 40  # room for the first panel's title

    height = top + nrows * (PANEL_H + GAP_Y) + 10
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">',
           f'<rect width="{width}" height="{height}" fill="#fafafa"/>']
    out.extend(head)

    for op, bits, r, col in cells:
        series = defaultdict(dict)
        unit = "ns/op"
        for row in rows:
            if row["op"] == op and int(row["key_bits"]) == bits and row["load"] == load:
                series[row["map"]][int(row["capacity"])] = float(row["value"])
                unit = row["unit"]
        x0 = LEFT + col * (PANEL_W + GAP_X)
        y0 = top + r * (PANEL_H + GAP_Y)
        panel(out, x0, y0, f"{op}, u{bits} -> u{bits}", sizes, series, colors, unit)
    out.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: plot.py bench.csv OUTDIR")
    rows, meta = read_rows(sys.argv[1])
    if not rows:
        sys.exit("plot.py: no rows in " + sys.argv[1])
    # Charts left from an earlier run with other loads would mislead.
    for name in os.listdir(sys.argv[2]):
        if name.startswith("bench-a") and name.endswith(".svg"):
            os.remove(os.path.join(sys.argv[2], name))
    for load in sorted({r["load"] for r in rows}, key=float):
        path = os.path.join(sys.argv[2], f"bench-a{load}.svg")
        chart(rows, meta, load, path)
        print(f"plot.py: wrote {path}", file=sys.stderr)


if __name__ == "__main__":
    main()
