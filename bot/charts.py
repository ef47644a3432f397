"""Server-rendered SVG charts for the console: stacked bars per day and horizontal bars per
label. Markup is built with escaped text only; no script, no assets from anywhere."""

from __future__ import annotations

from datetime import date

from markupsafe import Markup, escape

PALETTE = ("#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1")


def stacked_days(series: dict[str, dict[date, int]], days: list[date], *, title: str,
                 width: int = 720, height: int = 220) -> Markup:
    """One bar per day, stacked by series, with a legend."""
    left, bottom, top = 36, 28, 24
    names = sorted(series)
    totals = [sum(series[name].get(day, 0) for name in names) for day in days]
    peak = max(totals, default=0) or 1
    step = (width - left - 10) / max(len(days), 1)
    bar = max(step * 0.8, 1)
    scale = (height - bottom - top) / peak
    parts = [f'<text x="{left}" y="16" font-size="13">{escape(title)}</text>',
             f'<text x="4" y="{top + 4}" font-size="10">{peak}</text>',
             f'<line x1="{left}" y1="{height - bottom}" x2="{width - 10}" '
             f'y2="{height - bottom}" stroke="#999"/>']
    for i, day in enumerate(days):
        x, y = left + i * step, height - bottom
        for n, name in enumerate(names):
            count = series[name].get(day, 0)
            if count:
                h = count * scale
                y -= h
                parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" '
                             f'height="{h:.1f}" fill="{PALETTE[n % len(PALETTE)]}">'
                             f'<title>{escape(name)} {day.isoformat()}: {count}</title></rect>')
        if len(days) <= 14 or i % 7 == 0:
            parts.append(f'<text x="{x:.1f}" y="{height - 10}" font-size="9">'
                         f'{day.strftime("%m-%d")}</text>')
    for n, name in enumerate(names):
        x = width - 10 - (len(names) - n) * 80
        parts.append(f'<rect x="{x}" y="6" width="10" height="10" '
                     f'fill="{PALETTE[n % len(PALETTE)]}"/>'
                     f'<text x="{x + 14}" y="15" font-size="11">{escape(name)}</text>')
    return _svg(width, height, title, parts)


def bars(values: dict[str, float], *, title: str, unit: str = "", width: int = 720) -> Markup:
    """One horizontal bar per label."""
    row, left = 22, 160
    height = 30 + row * max(len(values), 1)
    peak = max(values.values(), default=0) or 1
    parts = [f'<text x="4" y="16" font-size="13">{escape(title)}</text>']
    if not values:
        parts.append('<text x="4" y="40" font-size="11">No data in this period.</text>')
    for i, (label, value) in enumerate(values.items()):
        y = 26 + i * row
        w = (width - left - 80) * value / peak
        parts.append(f'<text x="4" y="{y + 13}" font-size="11">{escape(label)}</text>'
                     f'<rect x="{left}" y="{y}" width="{w:.1f}" height="{row - 6}" '
                     f'fill="{PALETTE[0]}"/><text x="{left + w + 4:.1f}" y="{y + 13}" '
                     f'font-size="11">{value:g}{escape(unit)}</text>')
    return _svg(width, height, title, parts)


def _svg(width: int, height: int, title: str, parts: list[str]) -> Markup:
    return Markup(f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
                  f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}">'
                  + "".join(parts) + "</svg>")
