"""Report text (header and body) in, a `Place` out: the township, county, city and province it names, found
in the MCA divisions table (data/divisions.tsv), with pre-2025 names (data/divisions_historical.tsv) as a fallback.

Conventions for the returned `Place`:
- `county` is the unit directly above the township (鲁山县; 济源市 for a 省直辖县级 unit; 东莞市 where a
  prefecture-level city has no counties).
- `city` is the prefecture-level unit above that; for counties of a 直辖市 it is the 直辖市 (重庆市), and for
  a 省直辖县级 unit or a city without counties it is the unit itself (济源市, 东莞市).
- `division_code` is the township's 9-digit MCA code, and only set when the township itself is resolved.
- A township the table does not list (new, renamed, merged or misspelt) is kept as written, placed in the county the
  text names (南江县青峪镇, or the addressee 中共江山市委), with an empty code and a warning.

Explicit chains come first: in 四川省巴中市南江县青峪镇 the county written right before the township decides, even
when a 青峪镇 is listed elsewhere. A township name starts at a boundary (start of a line, punctuation, an area name,
a word like 在 or 和), so 口镇 is never read inside 丰口镇.
"""
from __future__ import annotations

import re
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources
from itertools import compress, count
from operator import add
from typing import NamedTuple

from indexer.parse.normalize import fold_char, fold_for_matching
from indexer.report import Place

PROVINCE, CITY, COUNTY, TOWNSHIP = 1, 2, 3, 4

_LEVEL_WORDS = {PROVINCE: "province", CITY: "city", COUNTY: "county"}

NO_TOWNSHIP_WARNING = "No township name found in the report; set it in the catalogue."

# A township name is found by looking back from one of these characters (the last characters of
# 镇 / 乡 / 街道 / 苏木 and the two 区公所), so ordinary words are never taken for names.
_TOWNSHIP_LAST_CHARACTERS = frozenset("镇乡道木所")

# Two-character names (新镇, 法镇, 口镇 …) hide inside ordinary words (新镇区建设, 依法镇压), so in the body
# they count only when a county or city name stands right before them (佳县乌镇).
_SHORTEST_SAFE_BODY_NAME = 3

# Suffixes dropped to make the short forms people write (建宁 for 建宁县, 济源 in 济源示范区, 淮北 for 淮北市).
_AREA_SUFFIXES = {
    PROVINCE: ("特别行政区", "自治区", "省", "市"),
    CITY: ("自治州", "地区", "市", "盟"),
    COUNTY: ("自治县", "自治旗", "新区", "林区", "县", "区", "市", "旗"),
}

# The 55 minority peoples, to shorten 彭水苗族土家族自治县 to 彭水 and 广西壮族自治区 to 广西.
_PEOPLES = (
    "蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山 拉祜 水 东乡 纳西 景颇"
    " 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒 乌孜别克 俄罗斯 鄂温克 德昂 保安 裕固"
    " 京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺"
).split()
_TRAILING_PEOPLE = re.compile("(?:" + "|".join(sorted(_PEOPLES, key=len, reverse=True)) + ")族$")

# Most short forms of cities and counties are also ordinary words (资源, 平安, 振兴, 共和, 公安 are counties),
# so in a text they count only before one of these (彭水县, 济源示范区, 恩施州) and not before 区域, 市场 ….
# Provinces' short forms (安徽, 广西) count anywhere.
_SHORT_FORM_FOLLOWERS = frozenset("县区市州旗盟示")
_NOT_AFTER_SHORT_FORM = frozenset({"区域", "区块", "区间", "市场", "市民", "州府"})

# Full county names that are ordinary words in these reports (老城区, 城郊区, 新城区建设), never clues.
_GENERIC_AREA_WORDS = frozenset({"城区", "郊区", "矿区", "东区", "西区", "新城区"})

# A township name followed by 村 / 街 / 镇 / 乡 is usually the tail of a phrase (规范化建设镇村两级, 各乡镇).
_NOT_AFTER_TOWNSHIP = frozenset({"镇村", "镇街", "镇乡", "乡镇", "乡村"})

# A township name starts where a word can start: at the start of the text or after punctuation, a space or
# a digit; right after an area name (南江县青峪镇, 我县城关镇); after 中共 or 其中; or after one of these
# characters, which end a word and are rarely the last character of a place name (由均口镇牵头, 和里心镇).
# This is what keeps the listed 口镇 from being read inside the unlisted 丰口镇.
_BOUNDARY_CHARACTERS = frozenset("在由对和与及同向把将从经据于为是了的至到给让使被按即并而但且也都又还就年月日时县市区州省旗盟")
_BOUNDARY_WORDS = ("中共", "其中", "关于", "同时")

# A name the table does not list is trusted only at a stronger boundary, since 和 and 同 often begin names
# (和峰街道, 同安镇): these characters hardly ever occur in township names.
_STRONG_BOUNDARY_CHARACTERS = frozenset("在由与及把从为是了的据按使被给到至以")

# How people write a township after its name; 民族乡 ends in 乡, 街道办事处 starts with 街道.
_TOWNSHIP_SUFFIXES = ("街道", "苏木", "镇", "乡")
_LONGEST_UNLISTED_STEM = 8  # 1 to 8 characters before the suffix cover all but a few dozen listed names

# In the body an unlisted name is looked for only in the opening, where a report names its own township as the
# subject (2020年以来，和峰街道在…), and only with the 2 to 4 characters before the suffix that nearly all names have.
_OPENING_CHARS = 600
_SHORTEST_BODY_STEM, _LONGEST_BODY_STEM = 2, 4

# In a header an unlisted name must be followed by an organ of the township or the start of the title
# (丰口镇人民政府, 中共宝川乡委员会, 柳庄街道办事处, 东湾镇2021年度…); after a county these rule out
# 城乡建设局 and the like.
_AFTER_HEADER_TOWNSHIP = ("人民", "人大", "政府", "党委", "党工委", "委员会", "工委", "办事处", "纪委", "关于", "法治", "机关")

# An unlisted name followed by these is a phrase (镇村两级, 城镇化, 新镇区, 乡级, 街道区域).
_NOT_AFTER_UNLISTED = frozenset("村镇乡街级化区域")

# What an unlisted name cannot look like: a word for townships in general (全镇, 我镇, 各乡镇, 城乡, 特色小镇),
# a clause that opens with a verb or adverb (依法镇压, 推进城乡), or a phrase with an organ or function word in it.
_GENERIC_TOWNSHIP_WORDS = frozenset({"城乡", "城镇", "乡镇", "村镇", "集镇", "小镇", "古镇", "名镇", "重镇", "强镇"})
_NOT_FIRST_IN_NAME = frozenset("全各本该每此这那其某诸两多年度")
_NOT_FIRST_WORDS = (
    "依法", "推进", "推动", "加强", "加快", "深入", "全面", "积极", "坚持", "落实", "开展", "打造", "建设", "强化",
    "提升", "完善", "健全", "规范", "持续", "不断", "进一步", "切实", "着力", "大力", "努力", "认真", "扎实", "统筹",
    "聚焦", "围绕", "结合", "按照", "通过", "实现", "促进", "美丽", "特色", "新型", "现将", "组织", "要求", "成立",
    "镇长", "乡长",
)
_NOT_IN_NAME = ("我", "不", "人民", "政府", "委员", "党委", "工委", "办事", "关于", "法治", "报告", "情况", "工作", "县委", "市委", "区委")

# 2024年丰口镇, 2024年度东湾镇: a year written in digits ends a word.
_YEAR_BEFORE = re.compile(r"\d年度?$")


class _Division(NamedTuple):
    name: str
    level: int
    parent_code: str


@dataclass(frozen=True)
class _Candidate:
    """One place a township name may refer to: a current township, or a county that had a township of that name."""

    name: str
    code: str  # the township's MCA code, or "" for a pre-2025 name
    county_code: str


@dataclass(frozen=True)
class _Mention:
    """A township name found in a text, with its span in that text."""

    name: str  # as folded for matching, which is how the lookup tables are keyed
    start: int
    end: int
    within: frozenset[str] = frozenset()  # codes of the area written right before it (南江县 in 南江县青峪镇)


@dataclass(frozen=True)
class _Chain:
    """Area names written one after another, each inside the one before (四川省巴中市南江县, 恩施州)."""

    start: int
    end: int
    codes: frozenset[str]  # the last area's codes that lie inside the areas before it


@dataclass(frozen=True)
class _Clues:
    """Division codes of the counties, cities and provinces a report names, in its header and in its body."""

    header: frozenset[str]
    body: frozenset[str]


class _Tables(NamedTuple):
    """The divisions and the lookup tables built from them, loaded once per process."""

    divisions: dict[str, _Division]
    townships: dict[str, tuple[str, ...]]  # folded name → township codes
    historical: dict[str, tuple[str, ...]]  # folded pre-2025 name → county codes
    areas: dict[str, tuple[str, ...]]  # folded full name, or province short form → codes
    short_areas: dict[str, tuple[str, ...]]  # folded short form of a city or county → codes
    township_parents: frozenset[str]  # codes of the units townships hang from: counties, and 东莞市 and the like
    longest_township: int
    area_lengths: tuple[int, ...]  # the lengths of the keys of both area tables, longest first
    area_prefixes: frozenset[str]  # every beginning of a key of both area tables, to stop looking early
    area_openings: frozenset[str]  # the first two characters of every key: most positions of a text fail this at once


def resolve_place(header: str, body: str) -> Place:
    """The place a report comes from, from its header (title, issuer, addressee, signature) and its body."""
    tables = _tables()
    header, body = fold_for_matching(header), fold_for_matching(body)
    header_mentions = _find_townships(header, tables, in_header=True)
    body_mentions = _find_townships(body, tables, in_header=False)
    clues = _Clues(
        header=_find_area_codes(header, tables, header_mentions),
        body=_find_area_codes(body, tables, body_mentions),
    )
    # A township written after its county in the header (南江县青峪镇人民政府) is the surest clue of all.
    mention = (
        _chosen_mention([mention for mention in header_mentions if mention.within])
        or _chosen_mention(header_mentions)
        or _chosen_mention(body_mentions)
    )
    if mention is None:
        return _place_of_only_area(clues.header, tables, warnings=(NO_TOWNSHIP_WARNING,))
    return _resolve_mention(mention, clues, tables)


def lookup_division(township: str = "", county: str = "", city: str = "", province: str = "") -> Place:
    """The full place for names a person typed (any may be empty), with a warning where they do not decide it."""
    tables = _tables()
    typed = Place(township.strip(), county.strip(), city.strip(), province.strip())
    # Most specific first: the first one is the area to look up when no township is typed.
    typed_areas = [
        (level, name)
        for level, name in ((COUNTY, typed.county), (CITY, typed.city), (PROVINCE, typed.province))
        if name
    ]
    for level, name in typed_areas:
        if not _codes_of_area(name, tables):
            message = f"{name} is not a {_LEVEL_WORDS[level]} name in the 2025 divisions table; check its spelling."
            return _with_warning(typed, message)
    if typed.township:
        return _lookup_township(typed, typed_areas, tables)
    if typed_areas:
        return _lookup_area(typed, typed_areas, tables)
    return typed


def township_names() -> frozenset[str]:
    """Every township-level name in the 2025 divisions table (镇, 乡, 街道, 苏木 …)."""
    return frozenset(division.name for division in _tables().divisions.values() if division.level == TOWNSHIP)


def county_names() -> frozenset[str]:
    """Every county-level name in the 2025 divisions table (县, 区, 县级市, 旗 …)."""
    return frozenset(division.name for division in _tables().divisions.values() if division.level == COUNTY)


# Finding names in a text


def _find_townships(text: str, tables: _Tables, in_header: bool) -> list[_Mention]:
    """Listed township names that start at a boundary, and unlisted ones where the text makes them safe to take."""
    chains = _find_area_chains(text, tables)
    listed = _find_township_mentions(text, tables, chains)
    if in_header:
        unlisted = _find_unlisted_in_header(text, chains)
    else:
        listed = [
            mention
            for mention in listed
            if len(mention.name) >= _SHORTEST_SAFE_BODY_NAME
            or mention.within
            or _area_name_ends_at(text, mention.start, tables)
        ]
        unlisted = _find_unlisted_in_opening(text, tables, chains)
    # A listed name wins over an unlisted reading around it (思礼镇 in 济源示范区思礼镇).
    unlisted = [
        mention
        for mention in unlisted
        if all(mention.end <= other.start or other.end <= mention.start for other in listed)
    ]
    return _without_overlaps(listed + unlisted)


def _find_township_mentions(text: str, tables: _Tables, chains: dict[int, _Chain]) -> list[_Mention]:
    """Listed township names in the text: the longest name ending at each 镇/乡/道/木/所, if it starts at a boundary."""
    found = []
    for end in _positions_after(text, _TOWNSHIP_LAST_CHARACTERS.__contains__):
        for length in range(min(tables.longest_township, end), 1, -1):
            name = text[end - length : end]
            if name in tables.townships or name in tables.historical:
                start = end - length
                if text[end - 1 : end + 1] not in _NOT_AFTER_TOWNSHIP and _starts_at_boundary(
                    text, start, chains, tables, is_short=length <= 2
                ):
                    found.append(_Mention(name, start, end, _codes_ending_at(start, chains)))
                break
    return found


def _find_unlisted_in_header(text: str, chains: dict[int, _Chain]) -> list[_Mention]:
    """Township-shaped names in a header that open a line or follow an area, each followed by an organ or title."""
    chain_starts = {chain.start: chain.end for chain in chains.values()}
    found = []
    position = 0
    while position < len(text):
        if position in chain_starts:
            position = chain_starts[position]  # 将乐县 in 将乐县东湾镇 is the county, not part of the name
            continue
        if _starts_at_strong_boundary(text, position, chains):
            name = _unlisted_name_at(text, position, shortest_stem=1, longest_stem=_LONGEST_UNLISTED_STEM)
            if name and _is_followed_by_organ_or_title(text, position + len(name)):
                found.append(_Mention(name, position, position + len(name), _codes_ending_at(position, chains)))
                position += len(name)
                continue
        position += 1
    return found


def _find_unlisted_in_opening(text: str, tables: _Tables, chains: dict[int, _Chain]) -> list[_Mention]:
    """Every mention of the first township-shaped name in the opening, if the table does not list it.

    The opening of a report names its own township as the subject (2020年以来，和峰街道在…, 2025年，丰口镇始终…),
    so the first name there that starts at a strong boundary and is no general word is the report's own.
    """
    chain_starts = {chain.start: chain.end for chain in chains.values()}
    opening_end = min(len(text), _OPENING_CHARS)
    position = 0
    while position < opening_end:
        if position in chain_starts:
            position = chain_starts[position]
            continue
        if _starts_at_strong_boundary(text, position, chains):
            name = _unlisted_name_at(text, position, _SHORTEST_BODY_STEM, _LONGEST_BODY_STEM)
            if name:
                if name in tables.townships or name in tables.historical:
                    return []  # a listed name, which the listed search has found
                return [
                    _Mention(name, start, start + len(name), _codes_ending_at(start, chains))
                    for start in _occurrences(text, name)
                ]
        position += 1
    return []


def _unlisted_name_at(text: str, start: int, shortest_stem: int, longest_stem: int) -> str:
    """The name ending at the first 镇/乡/街道/苏木 after `start` that is not a phrase (镇村), or "" if that is no name."""
    for stem_length in range(1, longest_stem + 1):
        stem_end = start + stem_length
        if stem_end > len(text) or not _is_ideograph(text[stem_end - 1]):
            return ""
        suffix = next((suffix for suffix in _TOWNSHIP_SUFFIXES if text.startswith(suffix, stem_end)), "")
        if not suffix:
            continue
        end = stem_end + len(suffix)
        if text[end : end + 1] in _NOT_AFTER_UNLISTED:
            continue  # 大乡 in 大乡镇 is not the end of the name
        name = text[start:end]
        return name if stem_length >= shortest_stem and _looks_like_township_name(name, suffix) else ""
    return ""


def _looks_like_township_name(name: str, suffix: str) -> bool:
    """Whether a township-shaped word is a name rather than a general word (全镇, 城乡) or a phrase (依法镇压)."""
    stem = name[: -len(suffix)]
    return not (
        stem[0] in _NOT_FIRST_IN_NAME
        or stem.startswith(_NOT_FIRST_WORDS + _BOUNDARY_WORDS)
        or not _STRONG_BOUNDARY_CHARACTERS.isdisjoint(stem)
        or any(word in stem for word in _NOT_IN_NAME)
        or name in _GENERIC_TOWNSHIP_WORDS
    )


def _occurrences(text: str, word: str) -> list[int]:
    starts = []
    start = text.find(word)
    while start >= 0:
        starts.append(start)
        start = text.find(word, start + len(word))
    return starts


def _is_followed_by_organ_or_title(text: str, end: int) -> bool:
    """丰口镇人民政府, 宝川乡委员会, 东湾镇2021年度…, or the end of the line."""
    return end == len(text) or not _is_ideograph(text[end]) or text.startswith(_AFTER_HEADER_TOWNSHIP, end)


def _starts_at_boundary(text: str, start: int, chains: dict[int, _Chain], tables: _Tables, is_short: bool) -> bool:
    """Whether a listed name may start here: not inside a longer word (口镇 in 丰口镇).

    A two-character name (口镇, 和镇) is most often the tail of a longer one, so it needs a strong boundary.
    """
    return (
        _starts_at_strong_boundary(text, start, chains)
        or _area_name_ends_at(text, start, tables)
        or (not is_short and text[start - 1] in _BOUNDARY_CHARACTERS)
    )


def _starts_at_strong_boundary(text: str, start: int, chains: dict[int, _Chain]) -> bool:
    """Whether any name may start here: a line start, punctuation, an area name, 中共, 在 or a year."""
    if start == 0 or start in chains:
        return True
    before = text[start - 1]
    return (
        not _is_ideograph(before)
        or before in _STRONG_BOUNDARY_CHARACTERS
        or text.endswith(_BOUNDARY_WORDS, 0, start)
        or _YEAR_BEFORE.search(text, max(0, start - 4), start) is not None
    )


def _is_ideograph(character: str) -> bool:
    # CJK Unified Ideographs and Extension A; 〇 and punctuation are not name characters.
    return "\u3400" <= character <= "\u9fff"


def _find_area_chains(text: str, tables: _Tables) -> dict[int, _Chain]:
    """Runs of area names, each inside the one before (吉安市井冈山市), keyed by where they end."""
    chains: dict[int, _Chain] = {}
    resume = 0
    for position in _area_openings_in(text):
        if position < resume:
            continue
        length, codes = _area_at(text, position, tables, inside=frozenset())
        if not length:
            continue
        end = position + length
        while True:
            length, inner_codes = _area_at(text, end, tables, inside=codes)
            if not length:
                break
            end, codes = end + length, inner_codes
        chains[end] = _Chain(position, end, codes)
        resume = end
    return chains


@lru_cache(maxsize=4)
def _area_openings_in(text: str) -> tuple[int, ...]:
    """Where the text has the first two characters of an area name: the only places one can start.

    Found without a Python loop over the text (pairs made, looked up and selected in C): reports run to
    thousands of characters and only a few percent of positions pass. Remembered for the few texts of the
    report being resolved, which are scanned for chains of areas and for area codes.
    """
    openings = _tables().area_openings
    return tuple(compress(count(), map(openings.__contains__, map(add, text, text[1:]))))


def _positions_after(text: str, wanted: Callable[[str], bool]) -> list[int]:
    """The position after each character of the text that `wanted` accepts, found without a Python loop."""
    return list(compress(count(1), map(wanted, text)))


def _area_at(text: str, position: int, tables: _Tables, inside: frozenset[str]) -> tuple[int, frozenset[str]]:
    """The longest area name at `position` (a full name, or a short form with its own last character: 恩施州),
    and its codes; only areas inside `inside` when that is given. (0, ∅) when there is none."""
    for key in _area_keys_at(text, position, tables):
        length = len(key)
        after = position + length
        # A short form counts with its own suffix only: 恩施州 is the prefecture, 恩施市 the county.
        # 济源示范区 is how 济源市 names itself.
        short_codes = tables.short_areas.get(key, ())
        suffixed_codes = [code for code in short_codes if text.startswith(tables.divisions[code].name[-1], after)]
        demonstration_codes = list(short_codes) if text.startswith("示范区", after) else []
        for found_length, codes in (
            (length + 3, demonstration_codes),
            (length + 1, suffixed_codes),
            (length, list(tables.areas.get(key, ()))),
        ):
            if inside:
                codes = [code for code in codes if inside.intersection(_ancestors(code, tables)[1:])]
            if codes:
                return found_length, frozenset(codes)
    return 0, frozenset()


def _area_keys_at(text: str, position: int, tables: _Tables) -> list[str]:
    """The keys of either area table that the text has at `position`, longest first."""
    keys = []
    if text[position : position + 2] not in tables.area_openings:
        return keys
    end = position + 2
    while end <= len(text) and text[position:end] in tables.area_prefixes:
        key = text[position:end]
        if key in tables.areas or key in tables.short_areas:
            keys.append(key)
        end += 1
    return keys[::-1]


def _codes_ending_at(position: int, chains: dict[int, _Chain]) -> frozenset[str]:
    chain = chains.get(position)
    return chain.codes if chain else frozenset()


def _area_name_ends_at(text: str, end: int, tables: _Tables) -> bool:
    """Whether a full county, city or province name stands right before `end` (桐乡市乌镇)."""
    return any(text[end - length : end] in tables.areas for length in tables.area_lengths if length <= end)


def _without_overlaps(mentions: list[_Mention]) -> list[_Mention]:
    """Keep the longer of two overlapping names (大乡镇 over 大乡), then the earlier."""
    kept: list[_Mention] = []
    for mention in sorted(mentions, key=lambda item: (item.start - item.end, item.start)):
        if all(mention.end <= other.start or other.end <= mention.start for other in kept):
            kept.append(mention)
    return sorted(kept, key=lambda item: item.start)


def _chosen_mention(mentions: list[_Mention]) -> _Mention | None:
    """A mention of the name mentioned most often (on a tie, the one mentioned first), with its area if written."""
    if not mentions:
        return None
    counts = Counter(mention.name for mention in mentions)
    name = counts.most_common(1)[0][0]
    of_name = [mention for mention in mentions if mention.name == name]
    return next((mention for mention in of_name if mention.within), of_name[0])


def _find_area_codes(text: str, tables: _Tables, township_mentions: list[_Mention]) -> frozenset[str]:
    """Codes of the counties, cities and provinces named in the text outside its township names."""
    covered = bytearray(len(text) + 1)
    for mention in township_mentions:
        covered[mention.start : mention.end] = b"\x01" * (mention.end - mention.start)
    codes: set[str] = set()
    resume = 0
    for position in _area_openings_in(text):
        if position < resume or covered[position]:
            continue
        for key in _area_keys_at(text, position, tables):
            length = len(key)
            found = _area_codes_at(text, position, length, tables)
            if found and not any(covered[position : position + length]):
                codes.update(found)
                resume = position + length
                break
    return frozenset(codes)


def _area_codes_at(text: str, position: int, length: int, tables: _Tables) -> tuple[str, ...]:
    key = text[position : position + length]
    codes = tables.areas.get(key, ())
    after = text[position + length : position + length + 2]
    if key in tables.short_areas and after[:1] in _SHORT_FORM_FOLLOWERS and after not in _NOT_AFTER_SHORT_FORM:
        codes += tables.short_areas[key]
    return codes


# Choosing among candidates


def _candidates(name: str, tables: _Tables) -> list[_Candidate]:
    current = [
        _Candidate(tables.divisions[code].name, code, tables.divisions[code].parent_code)
        for code in tables.townships.get(name, ())
    ]
    historical = [_Candidate(name, "", county_code) for county_code in tables.historical.get(name, ())]
    return current + historical


def _resolve_mention(mention: _Mention, clues: _Clues, tables: _Tables) -> Place:
    """The place of the township mentioned: listed in the area written before it, listed elsewhere, or not listed."""
    candidates = _candidates(mention.name, tables)
    inside = [
        candidate
        for candidate in candidates
        if not mention.within or mention.within.intersection(_ancestors(candidate.county_code, tables))
    ]
    if inside and not _text_favours_another_area(inside, mention.within, clues, tables):
        return _resolve_township(inside, clues, tables, source="the text")
    return _place_of_unlisted(mention.name, mention.within, candidates, clues, tables)


def _text_favours_another_area(
    candidates: list[_Candidate], within: frozenset[str], clues: _Clues, tables: _Tables
) -> bool:
    """Whether the text points away from every listed township of the name, to an area none of them lies in.

    A report names the county above it (中共将乐县委, 在遂川县委…领导下), so when the only 东湾镇 the table
    lists are in counties the text never names while it does name 将乐县, the township is new, renamed or
    misspelt; likewise when the text names only a province (关于广西工作) that no listed 马关镇 lies in.
    """
    named = [code for code in clues.header | clues.body if _lies_within(code, within, tables)]
    if not named or any(candidate.county_code in named for candidate in candidates):
        return False
    best_listed = max(_clue_score(candidate.county_code, clues, tables) for candidate in candidates)
    if best_listed == 0:
        return True
    counties = [code for code in named if _holds_townships(code, tables)]
    return any(_clue_score(code, clues, tables) > best_listed for code in counties)


def _lies_within(code: str, within: frozenset[str], tables: _Tables) -> bool:
    """Whether the unit lies inside one of the areas written before a township (any, when none was written)."""
    return not within or bool(within.intersection(_ancestors(code, tables)))


def _resolve_township(candidates: list[_Candidate], clues: _Clues, tables: _Tables, source: str) -> Place:
    """The one candidate the clues favour, or the township name alone with a warning when several tie."""

    def rank(candidate: _Candidate) -> tuple[int, bool]:
        # A current township beats a pre-2025 name only when the clues leave them level.
        return (_clue_score(candidate.county_code, clues, tables), bool(candidate.code))

    best = max(rank(candidate) for candidate in candidates)
    winners = [candidate for candidate in candidates if rank(candidate) == best]
    if len(winners) == 1:
        return _place_of_candidate(winners[0], tables)
    township = winners[0].name
    counties = "、".join(_label(candidate.county_code, tables) for candidate in winners)
    warning = (
        f"{township} names {len(winners)} townships ({counties}); no county or city in {source} decides "
        "between them; set county in the catalogue."
    )
    return Place(township=township, warnings=(warning,))


def _clue_score(county_code: str, clues: _Clues, tables: _Tables) -> int:
    """How strongly the text points at a county: header over body, and a county over its city over its province."""
    header_score = body_score = 0
    for weight, code in zip((4, 2, 1), _ancestors(county_code, tables)):
        header_score += weight * (code in clues.header)
        body_score += weight * (code in clues.body)
    return 8 * header_score + body_score


def _place_of_unlisted(
    name: str, within: frozenset[str], candidates: list[_Candidate], clues: _Clues, tables: _Tables
) -> Place:
    """A township the table does not list where the text puts it: in the county written before it, else in the
    county the clues favour (inside the area written before it), with an empty code and a warning."""
    counties = sorted(code for code in within if _holds_townships(code, tables))
    if not counties:
        named = clues.header | clues.body
        counties = sorted(
            code for code in named if _holds_townships(code, tables) and _lies_within(code, within, tables)
        )
    scores = {code: _clue_score(code, clues, tables) for code in counties}
    winners = [code for code in counties if scores[code] == max(scores.values())]
    if len(winners) == 1:
        county, city, province = _names_above(winners[0], tables)
        warning = (
            f"{name} is not listed under {county} in the 2025 divisions table{_which_has_it_in(candidates, tables)}; "
            "it was kept as written without a division code, so check its spelling or set it in the catalogue."
        )
        return Place(name, county, city, province, "", (warning,))
    area = _common_area(winners or sorted(within), tables)
    place = _place_of_area(area, tables) if area else _place_of_only_area(clues.header or clues.body, tables, ())
    warning = _no_single_county_warning(name, place, winners, candidates, tables)
    return replace(place, township=name, warnings=(warning,))


def _no_single_county_warning(
    name: str, place: Place, tied_counties: list[str], candidates: list[_Candidate], tables: _Tables
) -> str:
    """The warning for an unlisted township placed no deeper than a city or province, or nowhere."""
    # 安徽省淮北市, without repeating a name (重庆市重庆市).
    where = "".join(dict.fromkeys(area for area in (place.province, place.city, place.county) if area))
    if where:
        elsewhere = _which_has_it_in(candidates, tables)
        not_listed = f"{name} is not listed under {where} in the 2025 divisions table{elsewhere}"
    elif candidates:
        listed_in = _places_of(candidates, tables)
        not_listed = f"{name} is not listed in any area the text names (the 2025 divisions table has it in {listed_in})"
    else:
        not_listed = f"{name} is not listed in the 2025 divisions table"
    if len(tied_counties) > 1:
        undecided = "the text does not decide between " + "、".join(_label(code, tables) for code in tied_counties)
    else:
        undecided = "the text names no single county for it"
    return f"{not_listed}, and {undecided}; set county in the catalogue."


def _which_has_it_in(candidates: list[_Candidate], tables: _Tables) -> str:
    """, which has it only in 福建省三明市建宁县, or "" when the table has no township of the name."""
    return f", which has it only in {_places_of(candidates, tables)}" if candidates else ""


def _places_of(candidates: list[_Candidate], tables: _Tables) -> str:
    """福建省三明市建宁县、河北省廊坊市固安县 …: the counties of up to four candidates."""
    places = "、".join(_label(candidate.county_code, tables) for candidate in candidates[:4])
    return places + (" and others" if len(candidates) > 4 else "")


def _holds_townships(code: str, tables: _Tables) -> bool:
    """Whether townships hang directly from this unit: a county, or a city without counties (东莞市)."""
    return tables.divisions[code].level == COUNTY or code in tables.township_parents


def _common_area(codes: list[str], tables: _Tables) -> str:
    """The smallest area holding all the codes (their city when two counties tie), or ""."""
    if not codes:
        return ""
    shared = set.intersection(*(set(_ancestors(code, tables)) for code in codes))
    return next((code for code in _ancestors(codes[0], tables) if code in shared), "")


def _place_of_candidate(candidate: _Candidate, tables: _Tables) -> Place:
    county, city, province = _names_above(candidate.county_code, tables)
    if candidate.code:
        return Place(candidate.name, county, city, province, candidate.code)
    warning = (
        f"{candidate.name} is a pre-2025 township name (2019–2023 statistical lists) that the 2025 divisions "
        f"table no longer has; it was placed in {county} without a division code, so check it in the catalogue."
    )
    return Place(candidate.name, county, city, province, "", (warning,))


def _place_of_only_area(codes: frozenset[str], tables: _Tables, warnings: tuple[str, ...]) -> Place:
    """The place of the one county the codes name; failing that, of the one city, or the one province."""
    for level in (COUNTY, CITY, PROVINCE):
        at_level = [code for code in codes if tables.divisions[code].level == level]
        if len(at_level) == 1:
            place = _place_of_area(at_level[0], tables)
            return Place(county=place.county, city=place.city, province=place.province, warnings=warnings)
        if at_level:
            break
    return Place(warnings=warnings)


def _place_of_area(code: str, tables: _Tables) -> Place:
    """County, city and province for a county, a city or a province code."""
    level = tables.divisions[code].level
    if level == COUNTY:
        county, city, province = _names_above(code, tables)
        return Place(county=county, city=city, province=province)
    if level == CITY:
        return Place(city=tables.divisions[code].name, province=tables.divisions[_ancestors(code, tables)[-1]].name)
    return Place(province=tables.divisions[code].name)


def _lookup_township(typed: Place, typed_areas: list[tuple[int, str]], tables: _Tables) -> Place:
    """The township typed, among those in the areas typed."""
    every_candidate = _candidates(fold_for_matching(typed.township), tables)
    if not every_candidate:
        message = (
            f"{typed.township} is not a township name in the 2025 divisions table or the 2019–2023 lists; "
            "check its spelling."
        )
        return _with_warning(typed, message)
    candidates = [candidate for candidate in every_candidate if _fits(candidate.county_code, typed_areas, tables)]
    if not candidates:
        message = f"No township {typed.township} lies in {_joined(typed_areas)}; check the names typed."
        return _with_warning(typed, message)
    resolved = _resolve_township(candidates, _Clues(frozenset(), frozenset()), tables, source="the names typed")
    return _merge_typed(resolved, typed)


def _lookup_area(typed: Place, typed_areas: list[tuple[int, str]], tables: _Tables) -> Place:
    """The most specific area typed (a county, else a city, else a province), among the others typed."""
    (level, name), *wider = typed_areas
    codes = [code for code in _codes_of_area(name, tables) if _fits(code, wider, tables)]
    # 吉林 is both 吉林省 and 吉林市: typed as a city, it means the city.
    codes = [code for code in codes if tables.divisions[code].level == level] or codes
    if len(codes) == 1:
        return _merge_typed(_place_of_area(codes[0], tables), typed)
    if not codes:
        message = f"No {_LEVEL_WORDS[level]} {name} lies in {_joined(wider)}; check the names typed."
        return _with_warning(typed, message)
    places = "、".join(_label(code, tables) for code in codes)
    message = f"{name} names {len(codes)} places ({places}); set the city or province in the catalogue."
    return _with_warning(typed, message)


def _fits(code: str, typed_areas: list[tuple[int, str]], tables: _Tables) -> bool:
    """Whether the division lies in every area typed (in 淮北 and 安徽省, say)."""
    chain = set(_ancestors(code, tables))
    return all(_codes_of_area(name, tables) & chain for _, name in typed_areas)


# Walking the table


def _ancestors(code: str, tables: _Tables) -> list[str]:
    """The code and the codes above it, nearest first."""
    chain = []
    while code:
        chain.append(code)
        code = tables.divisions[code].parent_code
    return chain


def _names_above(code: str, tables: _Tables) -> tuple[str, str, str]:
    """County, city and province names for the unit directly above a township, by the module's conventions."""
    chain = [tables.divisions[ancestor] for ancestor in _ancestors(code, tables)]
    names = {division.level: division.name for division in chain}
    county, province = tables.divisions[code].name, names[PROVINCE]
    if CITY in names:
        city = names[CITY]
    elif province.endswith("市"):
        city = province  # a 直辖市 county: 重庆市 彭水苗族土家族自治县
    else:
        city = county  # a 省直辖县级 unit: 河南省 济源市
    return county, city, province


def _label(code: str, tables: _Tables) -> str:
    """安徽省淮北市杜集区, without repeating a name (重庆市彭水苗族土家族自治县)."""
    names: list[str] = []
    for ancestor in reversed(_ancestors(code, tables)):
        name = tables.divisions[ancestor].name
        if not names or names[-1] != name:
            names.append(name)
    return "".join(names)


def _codes_of_area(typed: str, tables: _Tables) -> frozenset[str]:
    """Codes a typed name may mean; a person typing 鲁山 means 鲁山县, so short forms count here without a follower."""
    key = fold_for_matching(typed)
    return frozenset(tables.areas.get(key, ()) + tables.short_areas.get(key, ()))


def _joined(typed_areas: list[tuple[int, str]]) -> str:
    """鲁山县, 河南省 typed as county and province → 河南省鲁山县."""
    return "".join(name for _, name in reversed(typed_areas))


def _with_warning(place: Place, warning: str) -> Place:
    return replace(place, warnings=place.warnings + (warning,))


def _merge_typed(place: Place, typed: Place) -> Place:
    """The resolved place, keeping what a person typed where the resolution left a field empty."""
    return replace(
        place,
        township=place.township or typed.township,
        county=place.county or typed.county,
        city=place.city or typed.city,
        province=place.province or typed.province,
    )


# Loading the tables, once


@lru_cache(maxsize=1)
def _tables() -> _Tables:
    folder = resources.files("indexer") / "data"
    divisions: dict[str, _Division] = {}
    for line in (folder / "divisions.tsv").read_text(encoding="utf-8").splitlines()[1:]:
        code, name, level, parent_code = line.split("\t")
        # Interned, a parent code is one string shared by all its children's rows instead of a copy in each.
        divisions[sys.intern(code)] = _Division(name, int(level), sys.intern(parent_code))
    folded = dict(zip(divisions, _fold_names([division.name for division in divisions.values()])))

    townships: dict[str, list[str]] = {}
    areas: dict[str, list[str]] = {}
    short_areas: dict[str, list[str]] = {}
    for code, division in divisions.items():
        name = folded[code]
        if division.level == TOWNSHIP:
            townships.setdefault(name, []).append(code)
            continue
        if name not in _GENERIC_AREA_WORDS:
            areas.setdefault(name, []).append(code)
        for short_form in _short_forms(name, division.level):
            (areas if division.level == PROVINCE else short_areas).setdefault(short_form, []).append(code)

    historical: dict[str, list[str]] = {}
    lines = (folder / "divisions_historical.tsv").read_text(encoding="utf-8").splitlines()[1:]
    rows = [line.split("\t") for line in lines]
    # Only names that end like a township can be found in a text, and only counties that still exist can take
    # them; a few rows are named just 街道 (七星区街道 with its county prefix removed).
    rows = [
        row
        for row in rows
        if row[5] == "yes" and row[0] in divisions and row[1][-1:] in _TOWNSHIP_LAST_CHARACTERS and row[1] != "街道"
    ]
    for (county_code, *_), name in zip(rows, _fold_names([row[1] for row in rows])):
        counties = historical.setdefault(name, [])
        if county_code not in counties:
            counties.append(county_code)

    return _Tables(
        divisions=divisions,
        townships={name: tuple(codes) for name, codes in townships.items()},
        historical={name: tuple(codes) for name, codes in historical.items()},
        areas={key: tuple(codes) for key, codes in areas.items()},
        short_areas={key: tuple(codes) for key, codes in short_areas.items()},
        township_parents=frozenset(
            division.parent_code for division in divisions.values() if division.level == TOWNSHIP
        ),
        longest_township=max(map(len, [*townships, *historical])),
        area_lengths=tuple(sorted({len(key) for key in [*areas, *short_areas]}, reverse=True)),
        area_prefixes=frozenset(key[:length] for key in [*areas, *short_areas] for length in range(1, len(key) + 1)),
        area_openings=frozenset(key[:2] for key in [*areas, *short_areas]),
    )


def _fold_names(names: list[str]) -> list[str]:
    """fold_for_matching for many names at once: fold each distinct character once, then translate in C."""
    joined = "\n".join(names)
    table = {ord(character): fold_char(character) for character in set(joined)}
    # Keep the original string where folding changed nothing, so the tables hold one copy of each name.
    return [name if name == folded else folded for name, folded in zip(names, joined.translate(table).split("\n"))]


def _short_forms(name: str, level: int) -> set[str]:
    """建宁 for 建宁县, 彭水 for 彭水苗族土家族自治县, 广西 for 广西壮族自治区; at least two characters."""
    forms = set()
    for suffix in _AREA_SUFFIXES[level]:
        if name.endswith(suffix):
            stem = _without_peoples(name[: -len(suffix)])
            if len(stem) >= 2:
                forms.add(stem)
    return forms


def _without_peoples(stem: str) -> str:
    while (match := _TRAILING_PEOPLE.search(stem)) and match.start() >= 2:
        stem = stem[: match.start()]
    return stem
