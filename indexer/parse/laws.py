"""The laws cited in a text: 《》 titles, and catalogue names in running text (宣传宪法、民法典…), each with the article
that follows it, looked up in the law catalogue (law_catalogue.py) and told apart by kind (citation_kinds.py).
"""
from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass

from indexer.parse.citation_kinds import classify_citations
from indexer.parse.law_catalogue import (
    UNCATALOGUED,
    LawCatalogue,
    LawEntry,
    law_catalogue,
    law_matching_text,
)
from indexer.report import LawCitation

# A 《》 title (after folding 〈〉 to 《》), holding at most one level of nested titles.
_TITLE = re.compile(r"《((?:[^《》\n]|《[^《》\n]*》){1,150})》")

_ARTICLE = re.compile(
    r"[ \u3000]?(第[零〇一二三四五六七八九十百千两\d]+条(?:之[一二三四五六七八九十]+)?"
    r"(?:第[零〇一二三四五六七八九十百\d]+款)?(?:第[零〇一二三四五六七八九十百\d]+项)?)"
)

# Quotation marks are transparent to bare names: 按照“八五”普法规划 cites 八五普法规划.
_QUOTES = "“”‘’\"'「」『』"

_UNQUOTED_RUN = re.compile("[^" + _QUOTES + "]+")

_QUOTE_PAIRS = {"“": "”", "‘": "’", "「": "」", "『": "』"}

_MASK = "\x00"

# Words that begin with 法. A name ending in 法 and followed by one of these characters is the first half of
# another word, not a law: 防溺水法治 is not 水法, 人大代表法律 is not 代表法, 行政执法监督法规 is not 监督法.
# 宣 is glued only as 法宣 (法治宣传); 禁毒法宣传 and 宪法宣传周 still name the law.
_GLUED_AFTER_FA = frozenset("治律规制院官人学庭定理务医网纪则条案警令宝益援外典宣")

# 土地管理法实施条例 names the implementing regulation, not the law.
_IMPLEMENTING_DOCUMENTS = ("实施条例", "实施细则", "实施办法")

# 济源市信访条例 is a local regulation, not the national 信访条例; only 法 are national by their kind alone.
# 全市 / 各县 are not place names.
_LOCAL_KINDS = ("条例", "办法", "规定", "细则", "规则")

_PLACE_SUFFIXES = frozenset("省市县区州盟旗")

_NOT_PLACE_NAMES = frozenset("全各")

# Two-character names (宪法, 刑法, 水法, 党章) are common word parts, so they count only when they stand alone:
# each side is a boundary (punctuation, digit, start or end, a joiner such as 、和及与等) or one of the words
# below that often sit next to a law name. 宣传宪法、 / 宪法宣传周 / 国家宪法日 / 学习党章党规 count;
# 防溺水法治 / 刑法学 / 节水法 do not.
_JOINERS = frozenset("和及与等或暨并同")

_LEAD_IN_WORDS = (
    "宣传", "学习", "学", "贯彻", "遵守", "遵循", "依据", "根据", "按照", "依照", "违反", "维护", "普及",
    "解读", "讲解", "实施", "落实", "弘扬", "尊崇", "践行", "对照", "研读", "重温", "开展", "组织", "举办",
    "推进", "深化", "加强", "结合", "围绕", "了", "以", "将", "把", "对", "在", "国家", "新",
)

_FOLLOW_ON_WORDS = (
    "宣传", "宣誓", "日", "周", "月", "精神", "规定", "知识", "第", "的", "修正", "修订", "修改", "条文", "进",
    "法律", "党规", "党纪", "学习", "实施", "赋予", "要求", "明确", "专题", "中", "有关", "相关", "为", "是",
)

# Bare near-misses are only tried on a whole clause between these marks: 、妇女权益保护法、.
_CLAUSE = re.compile(r"[^\s、，,。.；;：:！!？?（）()《》【】\[\]和及与等或暨]{5,}")

_BARE_NEAR_MISS_ENDINGS = ("法", "条例")

_LONGEST_BARE_NEAR_MISS = 30



@dataclass(frozen=True)
class CitedLawCount:
    """How often one law is cited."""

    name: str
    category: str
    short_name: str
    count: int


def find_cited_laws(text: str) -> tuple[LawCitation, ...]:
    """Every law cited in `text`, in text order: 《》 titles and bare catalogue names, each with its article and
    kind (an event named after a law, 宪法宣传周, is told apart; see citation_kinds.py)."""
    catalogue = law_catalogue()
    folded = law_matching_text(text)
    citations: list[LawCitation] = []
    masked_pieces: list[str] = []
    covered_until = 0
    for match in _TITLE.finditer(folded):
        citation = _title_citation(catalogue, text, match)
        if citation is None:
            continue
        citations.append(citation)
        masked_pieces += [folded[covered_until:match.start()], _MASK * (match.end() - match.start())]
        covered_until = match.end()
    masked = "".join(masked_pieces) + folded[covered_until:]
    citations += _bare_citations(catalogue, text, masked)
    return classify_citations(text, tuple(sorted(citations, key=lambda citation: citation.start)))


def summarise_citations(citations: Iterable[LawCitation]) -> tuple[CitedLawCount, ...]:
    """One row per cited law with its number of citations, most cited first, then by name."""
    counts: dict[str, int] = {}
    first_citation: dict[str, LawCitation] = {}
    for citation in citations:
        counts[citation.name] = counts.get(citation.name, 0) + 1
        first_citation.setdefault(citation.name, citation)
    rows = [
        CitedLawCount(name=name, category=first_citation[name].category,
                      short_name=first_citation[name].short_name, count=count)
        for name, count in counts.items()
    ]
    return tuple(sorted(rows, key=lambda row: (-row.count, row.name)))


def _title_citation(catalogue: LawCatalogue, text: str, match: re.Match[str]) -> LawCitation | None:
    title = text[match.start(1):match.end(1)].strip()
    if not title:
        return None
    entry = catalogue.resolve(title) or catalogue.resolve_near_miss(title)
    return _citation(text, entry, title, match.start(), match.end())


def _citation(text: str, entry: LawEntry | None, name_as_written: str, start: int, end: int) -> LawCitation:
    as_written = text[start:end]
    article = _ARTICLE.match(text, end)
    if article is not None:
        end = article.end()
    if entry is None:
        return LawCitation(
            name=name_as_written, category=UNCATALOGUED, short_name=name_as_written,
            article=article.group(1) if article else "", start=start, end=end,
            as_written=as_written, uncatalogued=True,
        )
    return LawCitation(
        name=entry.canonical_name, category=entry.category, short_name=entry.short_name,
        article=article.group(1) if article else "", start=start, end=end, as_written=as_written,
    )


def _bare_citations(catalogue: LawCatalogue, text: str, masked: str) -> list[LawCitation]:
    """Catalogue names (and clause-long near-misses) outside 《》 in `masked`, the folded text with titles masked."""
    skeleton, runs = _without_quotes(masked)
    found = _bare_names(catalogue, skeleton)
    for start, end, _entry in found:
        skeleton = skeleton[:start] + _MASK * (end - start) + skeleton[end:]
    found += _bare_near_misses(catalogue, skeleton)
    citations = []
    for start, end, entry in found:
        original_start = _offset_with_quotes(runs, start)
        original_end = _offset_with_quotes(runs, end - 1) + 1
        original_start, original_end = _balance_quotes(text, original_start, original_end)
        citations.append(_citation(text, entry, text[original_start:original_end], original_start, original_end))
    return citations


def _without_quotes(masked: str) -> tuple[str, list[tuple[int, int]]]:
    """`masked` without quotation marks, and where each unquoted run starts: (offset in result, offset in masked)."""
    runs = []
    pieces = []
    length = 0
    for run in _UNQUOTED_RUN.finditer(masked):
        runs.append((length, run.start()))
        pieces.append(run.group())
        length += run.end() - run.start()
    return "".join(pieces), runs


def _offset_with_quotes(runs: list[tuple[int, int]], offset: int) -> int:
    run_start, masked_start = runs[bisect_right(runs, (offset, float("inf"))) - 1]
    return masked_start + offset - run_start


def _bare_names(catalogue: LawCatalogue, skeleton: str) -> list[tuple[int, int, LawEntry]]:
    """Longest catalogue names that read as law names; scanned backwards from each possible last character."""
    candidates: list[tuple[int, int, LawEntry]] = []
    for match in catalogue._last_characters.finditer(skeleton):
        end = match.end()
        lengths = []
        length = 1
        while length <= end and skeleton[end - length:end] in catalogue._key_tails:
            if skeleton[end - length:end] in catalogue._by_key:
                lengths.append(length)
            length += 1
        for length in reversed(lengths):
            if _reads_as_law_name(skeleton, end - length, end):
                candidates.append((end - length, end, catalogue._by_key[skeleton[end - length:end]]))
                break
    chosen: list[tuple[int, int, LawEntry]] = []
    for start, end, entry in sorted(candidates, key=lambda candidate: (candidate[0] - candidate[1], candidate[0])):
        if all(end <= other_start or start >= other_end for other_start, other_end, _ in chosen):
            chosen.append((start, end, entry))
    return chosen


def _reads_as_law_name(skeleton: str, start: int, end: int) -> bool:
    """Whether skeleton[start:end], a catalogue name, is meant as that name here and not as part of other words."""
    name = skeleton[start:end]
    before = skeleton[max(0, start - 2):start]
    after = skeleton[end:end + 4]
    if len(name) == 2:
        glued_before = _is_word_character(before[-1:]) and not before.endswith(_LEAD_IN_WORDS)
        glued_after = _is_word_character(after[:1]) and not after.startswith(_FOLLOW_ON_WORDS)
        return not (glued_before or glued_after)
    if name.endswith("法"):
        if after[:1] in _GLUED_AFTER_FA and not after.startswith("宣传"):
            return False
        if after.startswith(_IMPLEMENTING_DOCUMENTS):
            return False
    if name.endswith(_LOCAL_KINDS) and before[-1:] in _PLACE_SUFFIXES and before[:1] not in _NOT_PLACE_NAMES:
        return False
    return True


def _is_word_character(character: str) -> bool:
    return "\u4e00" <= character <= "\u9fff" and character not in _JOINERS


def _bare_near_misses(catalogue: LawCatalogue, skeleton: str) -> list[tuple[int, int, LawEntry]]:
    """Whole clauses such as 、妇女权益保护法、 that are one character or two off a single law's name."""
    found = []
    for clause in _CLAUSE.finditer(skeleton):
        text = clause.group()
        if len(text) <= _LONGEST_BARE_NEAR_MISS and text.endswith(_BARE_NEAR_MISS_ENDINGS) and _MASK not in text:
            entry = catalogue.resolve_near_miss(text)
            if entry is not None:
                found.append((clause.start(), clause.end(), entry))
    return found


def _balance_quotes(text: str, start: int, end: int) -> tuple[int, int]:
    """The span widened to take in a quotation mark opened before or closed after it: “八五”普法规划."""
    span = text[start:end]
    for opening, closing in _QUOTE_PAIRS.items():
        if span.count(closing) > span.count(opening) and start > 0 and text[start - 1] == opening:
            start -= 1
        elif span.count(opening) > span.count(closing) and text[end:end + 1] == closing:
            end += 1
    return start, end
