"""The MCA divisions table (data/divisions.tsv, with pre-2025 names from data/divisions_historical.tsv) loaded once
into lookup tables, and walks over it: a code's ancestors, the names above it, the place of an area.
"""
from __future__ import annotations

import re
import sys
from functools import lru_cache
from importlib import resources
from typing import NamedTuple

from indexer.parse.normalize import fold_char, fold_for_matching
from indexer.report import Place

PROVINCE, CITY, COUNTY, TOWNSHIP = 1, 2, 3, 4
LEVEL_WORDS = {PROVINCE: "province", CITY: "city", COUNTY: "county"}

# A township name is found by looking back from one of these characters (the last characters of
# 镇 / 乡 / 街道 / 苏木 and the two 区公所), so ordinary words are never taken for names.
TOWNSHIP_LAST_CHARACTERS = frozenset("镇乡道木所")

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

# Full county names that are ordinary words in these reports (老城区, 城郊区, 新城区建设), never clues.
_GENERIC_AREA_WORDS = frozenset({"城区", "郊区", "矿区", "东区", "西区", "新城区"})



class Division(NamedTuple):
    name: str
    level: int
    parent_code: str


class DivisionTables(NamedTuple):
    """The divisions and the lookup tables built from them, loaded once per process."""

    divisions: dict[str, Division]
    townships: dict[str, tuple[str, ...]]  # folded name → township codes
    historical: dict[str, tuple[str, ...]]  # folded pre-2025 name → county codes
    areas: dict[str, tuple[str, ...]]  # folded full name, or province short form → codes
    short_areas: dict[str, tuple[str, ...]]  # folded short form of a city or county → codes
    township_parents: frozenset[str]  # codes of the units townships hang from: counties, and 东莞市 and the like
    longest_township: int
    area_lengths: tuple[int, ...]  # the lengths of the keys of both area tables, longest first
    area_prefixes: frozenset[str]  # every beginning of a key of both area tables, to stop looking early
    area_openings: frozenset[str]  # the first two characters of every key: most positions of a text fail this at once


def township_names() -> frozenset[str]:
    """Every township-level name in the 2025 divisions table (镇, 乡, 街道, 苏木 …)."""
    return frozenset(division.name for division in division_tables().divisions.values() if division.level == TOWNSHIP)


def county_names() -> frozenset[str]:
    """Every county-level name in the 2025 divisions table (县, 区, 县级市, 旗 …)."""
    return frozenset(division.name for division in division_tables().divisions.values() if division.level == COUNTY)


def ancestors(code: str, tables: DivisionTables) -> list[str]:
    """The code and the codes above it, nearest first."""
    chain = []
    while code:
        chain.append(code)
        code = tables.divisions[code].parent_code
    return chain


def names_above(code: str, tables: DivisionTables) -> tuple[str, str, str]:
    """County, city and province names for the unit directly above a township, by the module's conventions."""
    chain = [tables.divisions[ancestor] for ancestor in ancestors(code, tables)]
    names = {division.level: division.name for division in chain}
    county, province = tables.divisions[code].name, names[PROVINCE]
    if CITY in names:
        city = names[CITY]
    elif province.endswith("市"):
        city = province  # a 直辖市 county: 重庆市 彭水苗族土家族自治县
    else:
        city = county  # a 省直辖县级 unit: 河南省 济源市
    return county, city, province


def label_of(code: str, tables: DivisionTables) -> str:
    """安徽省淮北市杜集区, without repeating a name (重庆市彭水苗族土家族自治县)."""
    names: list[str] = []
    for ancestor in reversed(ancestors(code, tables)):
        name = tables.divisions[ancestor].name
        if not names or names[-1] != name:
            names.append(name)
    return "".join(names)


def codes_of_area(typed: str, tables: DivisionTables) -> frozenset[str]:
    """Codes a typed name may mean; a person typing 鲁山 means 鲁山县, so short forms count here without a follower."""
    key = fold_for_matching(typed)
    return frozenset(tables.areas.get(key, ()) + tables.short_areas.get(key, ()))


def holds_townships(code: str, tables: DivisionTables) -> bool:
    """Whether townships hang directly from this unit: a county, or a city without counties (东莞市)."""
    return tables.divisions[code].level == COUNTY or code in tables.township_parents


def common_area(codes: list[str], tables: DivisionTables) -> str:
    """The smallest area holding all the codes (their city when two counties tie), or ""."""
    if not codes:
        return ""
    shared = set.intersection(*(set(ancestors(code, tables)) for code in codes))
    return next((code for code in ancestors(codes[0], tables) if code in shared), "")


def place_of_area(code: str, tables: DivisionTables) -> Place:
    """County, city and province for a county, a city or a province code."""
    level = tables.divisions[code].level
    if level == COUNTY:
        county, city, province = names_above(code, tables)
        return Place(county=county, city=city, province=province)
    if level == CITY:
        return Place(city=tables.divisions[code].name, province=tables.divisions[ancestors(code, tables)[-1]].name)
    return Place(province=tables.divisions[code].name)


@lru_cache(maxsize=1)
def division_tables() -> DivisionTables:
    folder = resources.files("indexer") / "data"
    divisions: dict[str, Division] = {}
    for line in (folder / "divisions.tsv").read_text(encoding="utf-8").splitlines()[1:]:
        code, name, level, parent_code = line.split("\t")
        # Interned, a parent code is one string shared by all its children's rows instead of a copy in each.
        divisions[sys.intern(code)] = Division(name, int(level), sys.intern(parent_code))
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
        if row[5] == "yes" and row[0] in divisions and row[1][-1:] in TOWNSHIP_LAST_CHARACTERS and row[1] != "街道"
    ]
    for (county_code, *_), name in zip(rows, _fold_names([row[1] for row in rows])):
        counties = historical.setdefault(name, [])
        if county_code not in counties:
            counties.append(county_code)

    return DivisionTables(
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
