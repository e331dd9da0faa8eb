"""Report text (header and body) in, a `Place` out: the township, county, city and province it names, found
in the MCA divisions table (data/divisions.tsv), with pre-2025 names (data/divisions_historical.tsv) as a fallback.

Conventions for the returned `Place`:
- `county` is the unit directly above the township (鲁山县; 济源市 for a 省直辖县级 unit; 东莞市 where a
  prefecture-level city has no counties).
- `city` is the prefecture-level unit above that; for counties of a 直辖市 it is the 直辖市 (重庆市), and for
  a 省直辖县级 unit or a city without counties it is the unit itself (济源市, 东莞市).
- `division_code` is the township's 9-digit MCA code, and only set when the township itself is resolved.
"""
from __future__ import annotations

import re
import sys
from collections import Counter
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources
from typing import NamedTuple

from indexer.normalize import fold_char, fold_for_matching
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
    longest_township: int
    area_lengths: tuple[int, ...]  # the lengths of the keys of both area tables, longest first
    area_first_characters: frozenset[str]


def resolve_place(header: str, body: str) -> Place:
    """The place a report comes from, from its header (title, issuer, addressee, signature) and its body."""
    tables = _tables()
    header, body = fold_for_matching(header), fold_for_matching(body)
    header_mentions = _find_township_mentions(header, tables)
    body_mentions = [
        mention
        for mention in _find_township_mentions(body, tables)
        if len(mention.name) >= _SHORTEST_SAFE_BODY_NAME or _area_name_ends_at(body, mention.start, tables)
    ]
    clues = _Clues(
        header=_find_area_codes(header, tables, header_mentions),
        body=_find_area_codes(body, tables, body_mentions),
    )
    name = _most_mentioned(header_mentions) or _most_mentioned(body_mentions)
    if not name:
        return _place_of_only_area(clues.header, tables, warnings=(NO_TOWNSHIP_WARNING,))
    return _resolve_township(_candidates(name, tables), clues, tables, source="the text")


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


def _find_township_mentions(text: str, tables: _Tables) -> list[_Mention]:
    """Township names in the text, each the longest name that ends at a 镇/乡/道/木/所."""
    found = []
    for end, character in enumerate(text, start=1):
        if character not in _TOWNSHIP_LAST_CHARACTERS:
            continue
        for length in range(min(tables.longest_township, end), 1, -1):
            name = text[end - length : end]
            if name in tables.townships or name in tables.historical:
                if text[end - 1 : end + 1] not in _NOT_AFTER_TOWNSHIP:
                    found.append(_Mention(name, end - length, end))
                break
    return _without_overlaps(found)


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


def _most_mentioned(mentions: list[_Mention]) -> str:
    """The name mentioned most often; on a tie, the one mentioned first."""
    if not mentions:
        return ""
    counts = Counter(mention.name for mention in sorted(mentions, key=lambda item: item.start))
    return counts.most_common(1)[0][0]


def _find_area_codes(text: str, tables: _Tables, township_mentions: list[_Mention]) -> frozenset[str]:
    """Codes of the counties, cities and provinces named in the text outside its township names."""
    covered = bytearray(len(text) + 1)
    for mention in township_mentions:
        covered[mention.start : mention.end] = b"\x01" * (mention.end - mention.start)
    codes: set[str] = set()
    position = 0
    while position < len(text):
        if text[position] in tables.area_first_characters and not covered[position]:
            for length in tables.area_lengths:
                found = _area_codes_at(text, position, length, tables)
                if found and not any(covered[position : position + length]):
                    codes.update(found)
                    position += length - 1
                    break
        position += 1
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


def _resolve_township(candidates: list[_Candidate], clues: _Clues, tables: _Tables, source: str) -> Place:
    """The one candidate the clues favour, or the township name alone with a warning when several tie."""

    def rank(candidate: _Candidate) -> tuple[int, bool]:
        # Header clues outweigh body clues; a county outweighs its city, a city its province.
        # A current township beats a pre-2025 name only when the clues leave them level.
        header_score = body_score = 0
        for weight, code in zip((4, 2, 1), _ancestors(candidate.county_code, tables)):
            header_score += weight * (code in clues.header)
            body_score += weight * (code in clues.body)
        return (8 * header_score + body_score, bool(candidate.code))

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
        longest_township=max(map(len, [*townships, *historical])),
        area_lengths=tuple(sorted({len(key) for key in [*areas, *short_areas]}, reverse=True)),
        area_first_characters=frozenset(key[0] for key in [*areas, *short_areas]),
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
