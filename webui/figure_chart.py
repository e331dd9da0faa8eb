"""Values per category in, a self-contained SVG bar chart out (no JavaScript, readable without colour):
one horizontal bar per year or province, its value and note written at the bar's end.
"""
from __future__ import annotations

from markupsafe import escape

_FONT = 'font-family="Noto Sans CJK SC, Microsoft YaHei, sans-serif" font-size="12"'


def value_bar_chart(chart_id: str, title: str, categories: tuple[str, ...], values: tuple[float, ...],
                    notes: tuple[str, ...]) -> str:
    """Bars from zero to each value (scaled to the largest), the value and note written beside each bar."""
    left, right, top, bar, gap = 120, 190, 40, 16, 8
    width = 720
    plot_width = width - left - right
    height = top + len(categories) * (bar + gap) + 20
    largest = max(values, default=0) or 1
    described = "；".join(f"{category}：{_format(value)}（{note}）" for category, value, note in zip(categories, values, notes))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" id="{escape(chart_id)}" class="chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" aria-labelledby="{escape(chart_id)}-title" {_FONT}>',
        f'<title id="{escape(chart_id)}-title">{escape(title)}：{escape(described)}</title>',
        f'<text x="{left}" y="24" font-weight="bold">{escape(title)}</text>',
        f'<line x1="{left}" y1="{top - 6}" x2="{left}" y2="{height - 14}" stroke="#59636e"/>',
    ]
    for position, (category, value, note) in enumerate(zip(categories, values, notes)):
        y = top + position * (bar + gap)
        length = value / largest * plot_width
        parts.append(f'<text x="{left - 8}" y="{y + bar - 3}" text-anchor="end">{escape(category)}</text>')
        parts.append(
            f'<rect x="{left}" y="{y}" width="{length:.1f}" height="{bar}" fill="#0b5cad" stroke="#1f2328">'
            f'<title>{escape(category)}：{escape(_format(value))}（{escape(note)}）</title></rect>'
        )
        parts.append(f'<text x="{left + length + 6:.1f}" y="{y + bar - 3}">{escape(_format(value))} · {escape(note)}</text>')
    parts.append("</svg>")
    return "\n".join(parts)


def _format(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"
