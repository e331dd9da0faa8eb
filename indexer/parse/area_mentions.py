"""Names of counties, cities and provinces in a folded text: where they start, the chains they form
(四川省巴中市南江县) and the division codes they name, each found at a word boundary.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from itertools import compress, count
from operator import add

from indexer.parse.divisions import DivisionTables, ancestors, division_tables

# Most short forms of cities and counties are also ordinary words (资源, 平安, 振兴, 共和, 公安 are counties),
# so in a text they count only before one of these (彭水县, 济源示范区, 恩施州) and not before 区域, 市场 ….
# Provinces' short forms (安徽, 广西) count anywhere.
_SHORT_FORM_FOLLOWERS = frozenset("县区市州旗盟示")


_NOT_AFTER_SHORT_FORM = frozenset({"区域", "区块", "区间", "市场", "市民", "州府"})


# A name the table does not list is trusted only at a stronger boundary, since 和 and 同 often begin names
# (和峰街道, 同安镇): these characters hardly ever occur in township names.
STRONG_BOUNDARY_CHARACTERS = frozenset("在由与及把从为是了的据按使被给到至以")


# Words after which a name starts (中共和县委员会, 关于叶县桃坝街道…).
WORD_START_WORDS = ("中共", "其中", "关于", "同时")


@dataclass(frozen=True)
class Chain:
    """Area names written one after another, each inside the one before (四川省巴中市南江县, 恩施州)."""

    start: int
    end: int
    codes: frozenset[str]  # the last area's codes that lie inside the areas before it


def is_two_character_county(name: str) -> bool:
    """和县, 城区, 雄县: a full name short enough to arise from a word and a level (province short forms like 河南
    are not meant)."""
    return len(name) == 2 and name[-1] in "县区市旗"


def starts_a_word(text: str, position: int) -> bool:
    """Whether a two-character name (和县, 城区) may start here: where a word surely starts, not after any
    ideograph (「省政府和县委」 is 和 + 县委)."""
    return (
        position == 0
        or not is_ideograph(text[position - 1])
        or text[position - 1] in STRONG_BOUNDARY_CHARACTERS
        or text.endswith(WORD_START_WORDS, 0, position)
    )


def is_ideograph(character: str) -> bool:
    # CJK Unified Ideographs and Extension A; 〇 and punctuation are not name characters.
    return "\u3400" <= character <= "\u9fff"


def find_area_chains(text: str, tables: DivisionTables) -> dict[int, Chain]:
    """Runs of area names, each inside the one before (吉安市井冈山市), keyed by where they end."""
    chains: dict[int, Chain] = {}
    resume = 0
    for position in area_openings_in(text):
        if position < resume:
            continue
        length, codes = area_at(text, position, tables, inside=frozenset())
        if not length or (is_two_character_county(text[position:position + length]) and not starts_a_word(text, position)):
            continue
        end = position + length
        while True:
            length, inner_codes = area_at(text, end, tables, inside=codes)
            if not length:
                break
            end, codes = end + length, inner_codes
        chains[end] = Chain(position, end, codes)
        resume = end
    return chains


@lru_cache(maxsize=4)
def area_openings_in(text: str) -> tuple[int, ...]:
    """Where the text has the first two characters of an area name: the only places one can start.

    Found without a Python loop over the text (pairs made, looked up and selected in C): reports run to
    thousands of characters and only a few percent of positions pass. Remembered for the few texts of the
    report being resolved, which are scanned for chains of areas and for area codes.
    """
    openings = division_tables().area_openings
    return tuple(compress(count(), map(openings.__contains__, map(add, text, text[1:]))))


def area_at(text: str, position: int, tables: DivisionTables, inside: frozenset[str]) -> tuple[int, frozenset[str]]:
    """The longest area name at `position` (a full name, or a short form with its own last character: 恩施州),
    and its codes; only areas inside `inside` when that is given. (0, ∅) when there is none."""
    for key in area_keys_at(text, position, tables):
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
                codes = [code for code in codes if inside.intersection(ancestors(code, tables)[1:])]
            if codes:
                return found_length, frozenset(codes)
    return 0, frozenset()


def area_keys_at(text: str, position: int, tables: DivisionTables) -> list[str]:
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


def codes_ending_at(position: int, chains: dict[int, Chain]) -> frozenset[str]:
    chain = chains.get(position)
    return chain.codes if chain else frozenset()


def area_name_ends_at(text: str, end: int, tables: DivisionTables) -> bool:
    """Whether a full county, city or province name stands right before `end` (桐乡市乌镇)."""
    return any(text[end - length : end] in tables.areas for length in tables.area_lengths if length <= end)


def area_codes_at(text: str, position: int, length: int, tables: DivisionTables) -> tuple[str, ...]:
    key = text[position : position + length]
    codes = tables.areas.get(key, ())
    after = text[position + length : position + length + 2]
    if key in tables.short_areas and after[:1] in _SHORT_FORM_FOLLOWERS and after not in _NOT_AFTER_SHORT_FORM:
        codes += tables.short_areas[key]
    return codes

