"""Static inline SVG charts for the HTML report: horizontal bars and a line (no scripts).

Each function returns an ``<svg>`` element as text, scaled by its ``viewBox`` to the page
width; every label is HTML-escaped here.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from html import escape

from sourceopt import theme

WIDTH = 720
LABEL_W = 190
VALUE_W = 96
ROW_GAP = 10
BAR_H = 18
COLORS = theme.SERIES
NEGATIVE = theme.BAD
Fmt = Callable[[float], str]


def money(x: float) -> str:
    """``1,234,567`` (whole currency units; the tables carry the cents)."""
    return f"{x:,.0f}"


def _ellipsis(text: str, n: int = 26) -> str:
    return text if len(text) <= n else text[: n - 1] + "\u2026"


def bars(
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    fmt: Fmt = money,
    width: int = 560,
    colors: Sequence[str] = COLORS,
) -> str:
    """Horizontal bars, one group per label and one bar per series; negatives go left in red.

    `width` is the drawing's own width (its text scales with the page width it is shown at).
    """
    values = [v for _, vs in series for v in vs if v is not None]
    if not labels or not values:
        return ""
    lo, hi = min(0.0, *values), max(0.0, *values)
    span = (hi - lo) or 1.0
    label_w = min(LABEL_W, width // 3)
    plot_w = width - label_w - VALUE_W
    zero = label_w + plot_w * (-lo / span)
    group_h = BAR_H * len(series) + ROW_GAP
    legend = 22 if len(series) > 1 else 0
    height = 34 + legend + group_h * len(labels) + 6
    out = [_open(height, title, width), _text(10, 20, title, "title")]
    for k, (name, _) in enumerate(series if legend else []):
        lx = label_w + 150 * k
        out.append(f'<rect x="{lx}" y="30" width="12" height="12" fill="{colors[k]}"/>')
        out.append(_text(lx + 18, 40, name, "legend"))
    for row, label in enumerate(labels):
        y0: float = 34 + legend + row * group_h
        out.append(_text(label_w - 8, y0 + group_h / 2 + 2, _ellipsis(label), "label", "end"))
        for k, (_, vs) in enumerate(series):
            v = vs[row]
            if v is None:
                continue
            w = plot_w * abs(v) / span
            x = zero if v >= 0 else zero - w
            y = y0 + k * BAR_H
            color = NEGATIVE if v < 0 else colors[k % len(colors)]
            out.append(
                f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{max(w, 0.5):.1f}" '
                f'height="{BAR_H - 3}" fill="{color}"><title>{escape(label)}: {escape(fmt(v))}'
                "</title></rect>"
            )
            tx = (x + w + 5) if v >= 0 else (x - 5)
            out.append(_text(tx, y + BAR_H - 6, fmt(v), "value", "start" if v >= 0 else "end"))
    top, bottom = 34 + legend, height - 6
    out.append(f'<line x1="{zero:.1f}" y1="{top}" x2="{zero:.1f}" y2="{bottom}" class="axis"/>')
    out.append("</svg>")
    return "".join(out)


def _ticks(lo: float, hi: float, n: int = 6) -> list[float]:
    if hi <= lo:
        return [lo]
    step = 10 ** math.floor(math.log10((hi - lo) / n))
    for m in (1, 2, 5, 10):
        if (hi - lo) / (step * m) <= n:
            step *= m
            break
    start = math.ceil(lo / step) * step
    return [start + k * step for k in range(int((hi - start) / step) + 1)]


def line(
    title: str,
    points: Sequence[tuple[float, float]],
    x_label: str,
    y_label: str,
    knee: int | None = None,
    x_fmt: Fmt = lambda x: f"{x:.3g}",
) -> str:
    """A line through `points` (x, y) with axes and ticks; the `knee` point marked."""
    if not points:
        return ""
    height, left, right, top, bottom = 380, 96, 24, 40, 56
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    x0, x1 = min(xs), max(xs)
    y0, y1 = min(ys), max(ys)
    pad_x, pad_y = (x1 - x0) * 0.05 or 1.0, (y1 - y0) * 0.08 or 1.0
    x0, x1, y0, y1 = x0 - pad_x, x1 + pad_x, y0 - pad_y, y1 + pad_y
    pw, ph = WIDTH - left - right, height - top - bottom

    def px(x: float) -> float:
        return left + pw * (x - x0) / (x1 - x0)

    def py(y: float) -> float:
        return top + ph * (1 - (y - y0) / (y1 - y0))

    out = [_open(height, title), _text(10, 20, title, "title")]
    out += _grid(_ticks(y0, y1), py, left, WIDTH - right)
    for t in _ticks(x0, x1):
        out.append(_text(px(t), top + ph + 18, x_fmt(t), "value", "middle"))
    out.append(f'<rect x="{left}" y="{top}" width="{pw}" height="{ph}" class="frame"/>')
    path = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in points)
    out.append(f'<polyline points="{path}" class="series" fill="none" stroke="{COLORS[0]}"/>')
    for k, (x, y) in enumerate(points):
        mark = k == knee
        r, color = (7, NEGATIVE) if mark else (4.5, COLORS[0])
        out.append(
            f'<circle cx="{px(x):.1f}" cy="{py(y):.1f}" r="{r}" fill="{color}"><title>'
            f"{escape(x_fmt(x))}: {escape(money(y))}{' (knee)' if mark else ''}</title></circle>"
        )
        if mark:
            out.append(_text(px(x) + 10, py(y) - 10, "knee", "legend"))
    out.append(_text(left + pw / 2, height - 12, x_label, "label", "middle"))
    out.append(
        f'<text transform="translate(16 {top + ph / 2:.0f}) rotate(-90)" class="label" '
        f'text-anchor="middle">{escape(y_label)}</text></svg>'
    )
    return "".join(out)


def _grid(ticks: Sequence[float], py: Callable[[float], float], x0: float, x1: float) -> list[str]:
    """Horizontal grid lines at the y `ticks`, labelled as money on the left."""
    out = []
    for t in ticks:
        y = py(t)
        out.append(f'<line x1="{x0}" x2="{x1}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>')
        out.append(_text(x0 - 6, y + 4, money(t), "value", "end"))
    return out


def _open(height: float, title: str, width: int = WIDTH) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height:.0f}" '
        f'role="img" aria-label="{escape(title)}" class="chart">'
    )


def _text(x: float, y: float, text: str, cls: str, anchor: str = "start") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" class="{cls}" text-anchor="{anchor}">{escape(text)}</text>'
    )
