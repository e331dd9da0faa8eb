"""Shares per category in, a self-contained SVG chart out (no JavaScript), readable without colour.

Each series differs by dash pattern and marker shape (lines) or fill pattern (bars) as well as colour,
and is labelled directly; every point carries its numbers in a <title> for pointers and screen readers.
Every category shows n, its number of reports; a share resting on fewer than `few` of them is ringed (lines)
or drawn pale with a dashed outline (bars), and a note under the chart says why.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from markupsafe import escape

_COLOURS = ("#0b5cad", "#b35900", "#1a7f37", "#8250df", "#cf222e", "#57606a")
_DASHES = ("", "8 4", "2 3", "10 3 2 3", "4 4", "1 5")
_MARKERS = ("circle", "square", "triangle", "diamond", "plus", "cross")
_SCALE_TOPS = (0.05, 0.1, 0.2, 0.25, 0.5, 1.0)
_LABEL_CHARS = 12
_FONT = 'font-family="Noto Sans CJK SC, Microsoft YaHei, sans-serif" font-size="12"'


@dataclass(frozen=True)
class ChartSeries:
    """One line or set of bars: a label, a share (0–1) per category or None, and a note per point."""

    label: str
    values: tuple[float | None, ...]
    notes: tuple[str, ...]  # e.g. "1/4 篇报告", shown with the share when pointing at the point


def share_line_chart(
    chart_id: str, title: str, categories: tuple[str, ...], series: tuple[ChartSeries, ...], totals: tuple[int, ...], few: int
) -> str:
    """A line per series over the categories (years), shares on a 0–top % axis, labels at the line ends; n under
    each category (`totals`: its reports), points resting on fewer than `few` reports ringed."""
    left, right, top, plot_height, bottom = 56, 170, 44, 220, 76
    width = 720
    plot_width = width - left - right
    height = top + plot_height + bottom
    scale_top = _scale_top(series)

    def x_of(position: int) -> float:
        if len(categories) == 1:
            return left + plot_width / 2
        return left + position * plot_width / (len(categories) - 1)

    def y_of(value: float) -> float:
        return top + plot_height - value / scale_top * plot_height

    parts = [_open(chart_id, title, width, height, _describe(categories, series))]
    parts += _value_axis(left, left + plot_width, y_of, scale_top)
    for position, category in enumerate(categories):
        parts.append(
            f'<text x="{x_of(position):.1f}" y="{top + plot_height + 18}" text-anchor="middle">{escape(category)}</text>'
        )
        parts.append(_n_label(x_of(position), top + plot_height + 34, totals[position], few, "middle"))
    ends = []
    for number, one in enumerate(series):
        style = number % len(_COLOURS)
        colour = _COLOURS[style]
        points = [(x_of(position), y_of(value)) if value is not None else None for position, value in enumerate(one.values)]
        path = _line_path(points)
        dash = f' stroke-dasharray="{_DASHES[style]}"' if _DASHES[style] else ""
        if path:
            parts.append(f'<path d="{path}" fill="none" stroke="{colour}" stroke-width="2.5"{dash}/>')
        for position, point in enumerate(points):
            if point is not None:
                note = f"{one.label} · {categories[position]}：{_percent(one.values[position])}（{one.notes[position]}）"
                if totals[position] < few:
                    parts.append(
                        f'<circle class="few-reports" cx="{point[0]:.1f}" cy="{point[1]:.1f}" r="10" fill="none" '
                        f'stroke="#59636e" stroke-width="1.5" stroke-dasharray="3 2"/>'
                    )
                parts.append(_marker(_MARKERS[style], point[0], point[1], colour, note))
        last = [point for point in points if point is not None]
        if last:
            ends.append([last[-1][1], last[-1][0], one.label, colour])
    for y, x, label, colour in _spread(ends, top, top + plot_height):
        parts.append(f'<text x="{x + 10:.1f}" y="{y + 4:.1f}" fill="{colour}" font-weight="bold">{escape(_short(label))}</text>')
    if any(total < few for total in totals):
        parts.append(_few_note(left, height - 10, few, "虚线圈出的点"))
    parts.append("</svg>")
    return "\n".join(parts)


def share_bar_chart(
    chart_id: str, title: str, categories: tuple[str, ...], series: tuple[ChartSeries, ...], totals: tuple[int, ...], few: int
) -> str:
    """Horizontal bars per category (provinces), one per series told apart by fill pattern, the share written at each
    bar's end; n beside each category (`totals`: its reports), bars resting on fewer than `few` reports pale and dashed."""
    left, right, top = 150, 70, 44 + 18 * ((len(series) + 2) // 3)
    width = 720
    plot_width = width - left - right
    bar, gap = 12, 10
    group = bar * max(len(series), 1) + gap
    height = top + group * len(categories) + 30 + (22 if any(total < few for total in totals) else 0)
    axis_bottom = top + group * len(categories) + 30
    scale_top = _scale_top(series)

    def x_of(value: float) -> float:
        return left + value / scale_top * plot_width

    parts = [_open(chart_id, title, width, height, _describe(categories, series)), "<defs>"]
    for number in range(len(series)):
        parts.append(_fill_pattern(f"{chart_id}-fill-{number}", number % len(_COLOURS)))
    parts.append("</defs>")
    for number, one in enumerate(series):
        x = left + (number % 3) * 190
        y = 38 + 18 * (number // 3)
        parts.append(f'<rect x="{x}" y="{y - 10}" width="22" height="12" fill="url(#{chart_id}-fill-{number})" stroke="#1f2328"/>')
        parts.append(f'<text x="{x + 28}" y="{y}">{escape(_short(one.label))}</text>')
    for tick in range(5):
        value = scale_top * tick / 4
        x = x_of(value)
        parts.append(f'<line x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{axis_bottom - 26}" stroke="#d8dee4"/>')
        parts.append(f'<text x="{x:.1f}" y="{axis_bottom - 10}" text-anchor="middle" fill="#59636e">{_percent(value)}</text>')
    for position, category in enumerate(categories):
        group_top = top + position * group
        parts.append(f'<text x="{left - 52}" y="{group_top + group / 2:.1f}" text-anchor="end">{escape(category)}</text>')
        parts.append(_n_label(left - 8, group_top + group / 2, totals[position], few, "end"))
        for number, one in enumerate(series):
            value = one.values[position]
            if value is None:
                continue
            y = group_top + number * bar
            note = f"{one.label} · {category}：{_percent(value)}（{one.notes[position]}）"
            few_reports = ' class="few-reports" fill-opacity="0.4" stroke-dasharray="3 2"' if totals[position] < few else ""
            parts.append(
                f'<rect x="{left}" y="{y}" width="{max(x_of(value) - left, 0.5):.1f}" height="{bar - 2}" '
                f'fill="url(#{chart_id}-fill-{number})" stroke="#1f2328" stroke-width="0.5"{few_reports}><title>{escape(note)}</title></rect>'
            )
            parts.append(f'<text x="{x_of(value) + 4:.1f}" y="{y + bar - 3}" font-size="10">{_percent(value)}</text>')
    if any(total < few for total in totals):
        parts.append(_few_note(8, height - 8, few, "浅色虚线框的条"))
    parts.append("</svg>")
    return "\n".join(parts)


def _n_label(x: float, y: float, total: int, few: int, anchor: str) -> str:
    """n=12 (the reports a share is taken of), in grey, with an asterisk when they are fewer than `few`."""
    mark = "*" if total < few else ""
    return f'<text x="{x:.1f}" y="{y + 4:.1f}" text-anchor="{anchor}" fill="#59636e" font-size="11">n={total}{mark}</text>'


def _few_note(x: float, y: float, few: int, what: str) -> str:
    return f'<text x="{x}" y="{y}" fill="#59636e" font-size="11">* {what}：该类报告少于 {few} 篇，占比仅供参考。</text>'


def _open(chart_id: str, title: str, width: int, height: int, description: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{escape(chart_id)}" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc" {_FONT}>\n'
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>\n'
        f'<desc id="{escape(chart_id)}-desc">{escape(description)}</desc>\n'
        f'<text x="8" y="20" font-size="14" font-weight="bold">{escape(title)}</text>'
    )


def _describe(categories: tuple[str, ...], series: tuple[ChartSeries, ...]) -> str:
    """The chart in words: 枫桥经验：2023 100%，2024 25%。"""
    sentences = []
    for one in series:
        points = "，".join(
            f"{category} {_percent(value)}" for category, value in zip(categories, one.values) if value is not None
        )
        sentences.append(f"{one.label}：{points or '无数据'}。")
    return "".join(sentences)


def _value_axis(x_start: float, x_end: float, y_of: Callable[[float], float], scale_top: float) -> list[str]:
    parts = []
    for tick in range(5):
        value = scale_top * tick / 4
        y = y_of(value)
        parts.append(f'<line x1="{x_start}" y1="{y:.1f}" x2="{x_end}" y2="{y:.1f}" stroke="#d8dee4"/>')
        parts.append(f'<text x="{x_start - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#59636e">{_percent(value)}</text>')
    return parts


def _line_path(points: list[tuple[float, float] | None]) -> str:
    """Move to each run's first point and draw through the rest; a missing value breaks the line."""
    commands = []
    previous = None
    for point in points:
        if point is not None:
            commands.append(f"{'L' if previous is not None else 'M'}{point[0]:.1f},{point[1]:.1f}")
        previous = point
    return " ".join(commands)


def _marker(shape: str, x: float, y: float, colour: str, note: str) -> str:
    title = f"<title>{escape(note)}</title>"
    size = 5
    if shape == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{size}" fill="{colour}">{title}</circle>'
    if shape == "square":
        return f'<rect x="{x - size:.1f}" y="{y - size:.1f}" width="{2 * size}" height="{2 * size}" fill="{colour}">{title}</rect>'
    if shape == "triangle":
        points = f"{x:.1f},{y - size - 1:.1f} {x + size + 1:.1f},{y + size:.1f} {x - size - 1:.1f},{y + size:.1f}"
        return f'<polygon points="{points}" fill="{colour}">{title}</polygon>'
    if shape == "diamond":
        points = f"{x:.1f},{y - size - 1:.1f} {x + size + 1:.1f},{y:.1f} {x:.1f},{y + size + 1:.1f} {x - size - 1:.1f},{y:.1f}"
        return f'<polygon points="{points}" fill="#fff" stroke="{colour}" stroke-width="2">{title}</polygon>'
    # plus and cross: two strokes, with a transparent square under them to point at.
    if shape == "plus":
        strokes = f"M{x - size:.1f},{y:.1f} H{x + size:.1f} M{x:.1f},{y - size:.1f} V{y + size:.1f}"
    else:
        strokes = f"M{x - size:.1f},{y - size:.1f} L{x + size:.1f},{y + size:.1f} M{x - size:.1f},{y + size:.1f} L{x + size:.1f},{y - size:.1f}"
    return (
        f'<g><rect x="{x - size:.1f}" y="{y - size:.1f}" width="{2 * size}" height="{2 * size}" fill="transparent"/>'
        f'<path d="{strokes}" stroke="{colour}" stroke-width="2.5"/>{title}</g>'
    )


def _fill_pattern(pattern_id: str, style: int) -> str:
    """Solid, diagonal hatching, dots, cross-hatching, horizontal and vertical stripes, in the series' colour."""
    colour = _COLOURS[style]
    drawings = (
        f'<rect width="6" height="6" fill="{colour}"/>',
        f'<path d="M0,6 L6,0 M-1,1 L1,-1 M5,7 L7,5" stroke="{colour}" stroke-width="1.5"/>',
        f'<circle cx="3" cy="3" r="1.4" fill="{colour}"/>',
        f'<path d="M0,0 L6,6 M6,0 L0,6" stroke="{colour}" stroke-width="1"/>',
        f'<path d="M0,3 H6" stroke="{colour}" stroke-width="1.5"/>',
        f'<path d="M3,0 V6" stroke="{colour}" stroke-width="1.5"/>',
    )
    return (
        f'<pattern id="{escape(pattern_id)}" width="6" height="6" patternUnits="userSpaceOnUse">'
        f'<rect width="6" height="6" fill="#fff"/>{drawings[style]}</pattern>'
    )


def _spread(ends: list[list], lowest: float, highest: float) -> list[list]:
    """Line-end labels moved apart vertically so that no two overlap (14 px apart at least)."""
    ends = sorted(ends, key=lambda end: end[0])
    for position in range(1, len(ends)):
        ends[position][0] = max(ends[position][0], ends[position - 1][0] + 14)
    overflow = ends[-1][0] - highest if ends else 0
    if overflow > 0:
        for end in ends:
            end[0] = max(end[0] - overflow, lowest)
    return ends


def _scale_top(series: tuple[ChartSeries, ...]) -> float:
    largest = max((value for one in series for value in one.values if value is not None), default=0.0)
    return next(top for top in _SCALE_TOPS if largest <= top)


def _short(label: str) -> str:
    return label if len(label) <= _LABEL_CHARS else label[: _LABEL_CHARS - 1] + "…"


def _percent(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value * 100:.0f}%" if value * 100 == round(value * 100) or value >= 0.1 else f"{value * 100:.1f}%"
