#!/usr/bin/env python3
"""plot.py - draw bench.csv as SVG charts: ns/op against map size, one line per map.

    python3 bench/plot.py bench/results/bench.csv bench/results/

One SVG per load a (bench-a0.50.svg, ...): a grid of panels, one row per
operation and one column per key type, log-log axes (x: raw capacity C,
y: ns per operation, or bytes per entry for the memory row).  ohm is the
thick black line.  Standard library only: the machine has no pip packages.
"""
import csv
import math
import os
import sys
from collections import defaultdict
from xml.sax.saxutils import escape

OPS = ["insert", "hit", "miss", "churn", "hit-after-churn", "miss-after-churn", "erase", "iterate",
       "clone", "memory"]
PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
           "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]
PANEL_W, PANEL_H = 330, 190
LEFT, TOP, GAP_X, GAP_Y = 70, 110, 60, 50


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

    width = LEFT + len(keys) * (PANEL_W + GAP_X) + 20
    height = TOP + len(ops) * (PANEL_H + GAP_Y) + 20
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'font-family="sans-serif" font-size="12">',
           f'<rect width="{width}" height="{height}" fill="#fafafa"/>',
           f'<text x="{LEFT}" y="24" font-size="16" font-weight="bold">ohm benchmark: '
           f'ns per operation against capacity C, load a = {escape(load)}</text>']
    context = "; ".join(m for m in meta if m.split(":")[0] in ("date", "machine", "nproc", "cc"))
    out.append(f'<text x="{LEFT}" y="42" font-size="11" fill="#555">{escape(context)}</text>')
    # Legend.
    x = LEFT
    for m in maps:
        out.append(f'<rect x="{x}" y="56" width="14" height="4" fill="{colors[m]}"/>')
        out.append(f'<text x="{x + 18}" y="62" font-size="11">{escape(m)}</text>')
        x += 24 + 7 * len(m)
    out.append(f'<text x="{LEFT}" y="82" font-size="11" fill="#555">log-log; iterate and clone are '
               'per entry of the map; memory is bytes per entry</text>')

    for oi, op in enumerate(ops):
        for ki, bits in enumerate(keys):
            series = defaultdict(dict)
            unit = "ns/op"
            for r in rows:
                if r["op"] == op and int(r["key_bits"]) == bits and r["load"] == load:
                    series[r["map"]][int(r["capacity"])] = float(r["value"])
                    unit = r["unit"]
            x0 = LEFT + ki * (PANEL_W + GAP_X)
            y0 = TOP + oi * (PANEL_H + GAP_Y)
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
