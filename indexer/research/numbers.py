"""A (folded) sentence and a phrase in, the figures the sentence states for that phrase out.

"排查调处各类矛盾纠纷410件，调处成功410件" states 410件 for 矛盾纠纷 once: a figure belongs to the phrase
when it follows the phrase in the same clause with nothing but filler words between (共, 达, 活动, quotes…),
or when it comes right before the phrase (开展12场次法治讲座). The second 410件 belongs to 调处成功.
Numbers are read as written in Arabic (410, 97.8, 1.2万) or Chinese numerals (一百二十, 两千).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

# Longest first, so 人次 wins over 人 and 万元 over 元.
UNITS = ("人次", "场次", "万元", "万人", "件", "次", "场", "名", "人", "份", "个", "起", "项", "期", "户", "条", "篇", "元", "%")
# Between a phrase and its figure only these may stand (and quotes, brackets, spaces).
_FILLERS = re.compile(r"共计|累计|合计|总计|总数|数量|共|达到|达|约|计|为|有|了|等|活动|案件|工作|各类|人员")
_QUOTES = re.compile(r"[\"'“”‘’《》〈〉()（）\[\]【】\s]")
# 审查合同（协议）20份: a short aside in brackets does not part a phrase from its figure.
_BRACKETED = re.compile(r"[（(][^（()）]{0,10}[）)]")
_MAX_FILLER_LEFT = 0  # characters of other words allowed between phrase and figure once fillers are taken out
_MAX_GAP = 8
_MAX_GAP_BEFORE = 2
_CHINESE_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CHINESE_UNITS = {"十": 10, "百": 100, "千": 1000}
_ARABIC = r"\d+(?:,\d{3})*(?:\.\d+)?(?:万(?!元|人))?"
_CHINESE = r"[零〇一二两三四五六七八九十百千万]+"
_UNIT_PATTERN = "|".join(map(re.escape, UNITS))
FIGURE = re.compile(
    rf"(?P<before>近|约|超过|逾)?(?P<number>{_ARABIC}|{_CHINESE})(?P<approx>余|多)?(?P<unit>{_UNIT_PATTERN})"
)
_UNIT_ENDS = frozenset(unit[-1] for unit in UNITS)
_CLAUSE_BREAK = re.compile(r"[，,。；;！!？?：:\n]")
_SENTENCE_BREAK = re.compile(r"[。；;！!？?\n]")


@dataclass(frozen=True)
class StatedFigure:
    """A number stated for a phrase: its value, unit, whether it is approximate, and where it stands."""

    value: float
    unit: str
    as_written: str
    is_approximate: bool  # 3000余人次, 100多名, 近万人, 约200份
    start: int  # span of the figure in the text searched
    end: int


def read_number(written: str) -> float | None:
    """The value of a number as written: 410, 1,200, 97.8, 1.2万, 一百二十, 两千, 十二, 三万五千 (None when unreadable)."""
    multiplier = 1
    if written.endswith("万") and written[:-1] and not re.fullmatch(_CHINESE, written):
        written, multiplier = written[:-1], 10_000
    if re.fullmatch(r"\d+(?:,\d{3})*(?:\.\d+)?", written):
        return float(written.replace(",", "")) * multiplier
    if re.fullmatch(_CHINESE, written):
        return _chinese_number(written)
    return None


def _chinese_number(written: str) -> float | None:
    total, section, digit = 0, 0, None
    for character in written:
        if character in "零〇" and digit is None and (section or total):
            continue  # 一百零五: the zero only holds the tens' place
        if character in _CHINESE_DIGITS:
            if digit is not None:  # 二零二四: a digit string, not a count
                return None
            digit = _CHINESE_DIGITS[character]
        elif character in _CHINESE_UNITS:
            section += (1 if digit is None else digit) * _CHINESE_UNITS[character]
            digit = None
        elif character == "万":
            total += (section + (digit or 0)) * 10_000
            section, digit = 0, None
    value = total + section + (digit or 0)
    return float(value) if value else None


def figures_for_phrase(text: str, phrase: str) -> list[tuple[int, StatedFigure]]:
    """(where the phrase stands, its figure) for each occurrence of the phrase that states one, in text order."""
    found = []
    start = text.find(phrase)
    while start != -1:
        figure = _figure_after(text, start + len(phrase)) or _figure_before(text, start)
        if figure is not None and all(figure.start != known.start for _, known in found):
            found.append((start, figure))
        start = text.find(phrase, start + len(phrase))
    return found


def sentence_around(text: str, start: int, end: int) -> tuple[int, int]:
    """The span of the sentence holding text[start:end] (up to and including its closing mark)."""
    before = max((match.end() for match in _SENTENCE_BREAK.finditer(text, 0, start)), default=0)
    after = _SENTENCE_BREAK.search(text, end)
    return before, after.end() if after else len(text)


def _figure_after(text: str, position: int) -> StatedFigure | None:
    clause_end = _CLAUSE_BREAK.search(text, position)
    limit = min(clause_end.start() if clause_end else len(text), position + _MAX_GAP + 12)
    match = FIGURE.search(text, position, limit)
    if match is None or not _is_filler(text[position:match.start()], _MAX_GAP):
        return None
    return _figure(match)


def _figure_before(text: str, position: int) -> StatedFigure | None:
    # Most phrases have no figure right before them: a unit must end within the allowed gap.
    if not any(character in _UNIT_ENDS for character in text[max(0, position - _MAX_GAP_BEFORE - 1):position]):
        return None
    clause_start = max((match.end() for match in _CLAUSE_BREAK.finditer(text, max(0, position - 30), position)), default=max(0, position - 30))
    last = None
    for match in FIGURE.finditer(text, clause_start, position):
        last = match
    if last is None or not _is_filler(text[last.end():position], _MAX_GAP_BEFORE):
        return None
    return _figure(last)


def _is_filler(gap: str, max_gap: int) -> bool:
    """Whether the words between a phrase and a number are only fillers (so the number is the phrase's)."""
    if len(gap) > max_gap:
        return False
    rest = _FILLERS.sub("", _QUOTES.sub("", _BRACKETED.sub("", gap)))
    return len(rest) <= _MAX_FILLER_LEFT


def _figure(match: re.Match[str]) -> StatedFigure | None:
    value = read_number(match["number"])
    if value is None:
        return None
    return StatedFigure(
        value=value,
        unit=match["unit"],
        as_written=match.group(0),
        is_approximate=bool(match["approx"] or match["before"]),
        start=match.start(),
        end=match.end(),
    )
