"""Names in a folded text: the township names it mentions (listed in the divisions table, or unlisted where the
shape is sure) and the codes of the counties, cities and provinces it names outside them, each found at a word
boundary (the area names themselves are found by area_mentions.py).
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from itertools import compress, count

from indexer.parse.area_mentions import (
    STRONG_BOUNDARY_CHARACTERS,
    WORD_START_WORDS,
    Chain,
    area_codes_at,
    area_keys_at,
    area_name_ends_at,
    area_openings_in,
    codes_ending_at,
    find_area_chains,
    is_ideograph,
    is_two_character_county,
    starts_a_word,
)
from indexer.parse.divisions import TOWNSHIP_LAST_CHARACTERS, DivisionTables

# Two-character names (新镇, 法镇, 口镇 …) hide inside ordinary words (新镇区建设, 依法镇压), so in the body
# they count only when a county or city name stands right before them (佳县乌镇).
_SHORTEST_SAFE_BODY_NAME = 3


# A township name followed by 村 / 街 / 镇 / 乡 is usually the tail of a phrase (规范化建设镇村两级, 各乡镇).
_NOT_AFTER_TOWNSHIP = frozenset({"镇村", "镇街", "镇乡", "乡镇", "乡村"})


# A township name starts where a word can start: at the start of the text or after punctuation, a space or
# a digit; right after an area name (南江县青峪镇, 我县城关镇); after 中共 or 其中; or after one of these
# characters, which end a word and are rarely the last character of a place name (由均口镇牵头, 和里心镇).
# This is what keeps the listed 口镇 from being read inside the unlisted 丰口镇.
_BOUNDARY_CHARACTERS = frozenset("在由对和与及同向把将从经据于为是了的至到给让使被按即并而但且也都又还就年月日时县市区州省旗盟")


# A township may also follow its government straight away: 鲤城区人民政府金龙街道办事处.
_BOUNDARY_WORDS = WORD_START_WORDS + ("政府", "管委会")


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


_NOT_IN_NAME = (
    "我", "不", "人民", "政府", "委员", "党委", "工委", "办事", "关于", "法治", "报告", "情况", "工作", "县委", "市委", "区委",
    "召开", "举办", "开展",
)


# A verb (or a verb after an adverb) that a clause opens with, glued to the township it acts on: 一是完成中长街道
# 幼儿园改建, 是督促新桥镇…, 了联合白沙镇…. The name starts after it; a name that itself begins with one of these
# (联合乡, 建设镇) is left alone because the suffix follows the word straight away.
_GLUED_ADVERBS = ("已经", "已", "均", "并", "又", "再", "还", "先后", "相继", "共同", "共", "累计", "正在", "全面",
                  "积极", "持续", "主动", "及时", "协调")
_GLUED_VERBS = (
    "完成", "推进", "推动", "开展", "组织", "指导", "督促", "联合", "协助", "配合", "帮助", "支持", "走访", "深入",
    "前往", "会同", "牵头", "带领", "召集", "服务", "覆盖", "实现", "建成", "打造", "获评", "荣获", "成为", "包括",
    "涉及", "位于", "地处", "加强", "加快", "落实", "强化", "提升", "完善", "健全", "规范", "统筹", "聚焦", "围绕",
    "结合", "按照", "通过", "促进", "建设", "成立", "坚持", "深化", "参加", "参与", "召开", "举办", "邀请", "联系",
    "对接", "派驻", "进驻", "进入", "检查", "督查", "调研", "考核", "表彰",
)
_GLUED_BEFORE_NAME = re.compile(
    "(?:" + "|".join(_GLUED_ADVERBS) + ")?(?:" + "|".join(_GLUED_VERBS) + ")"
)


# 对全镇, 维护本乡, 该街道: a word right before the suffix that points at "this township" makes a reference, not a name.
_REFERENCE_BEFORE_SUFFIX = frozenset("全本我该各此每其")


# A listed name this long is no tail of an ordinary word (强化伊金霍洛镇法治建设), wherever it starts.
_LONG_LISTED_NAME = 5


# 我街, 全街, 本街: a 街道 that shortens its own name to 街.
_CALLS_ITSELF_JIE = re.compile(r"[我全本]街(?!道)")
# Organs only a 街道 has: 黄石街党工委, 黄石街办事处 name 黄石街道 even where the report never calls itself 我街.
_STREET_ORGANS = ("党工委", "办事处", "工委")


# 2024年丰口镇, 2024年度东湾镇: a year written in digits ends a word.
_YEAR_BEFORE = re.compile(r"\d年度?$")


@dataclass(frozen=True)
class Mention:
    """A township name found in a text, with its span in that text."""

    name: str  # as folded for matching, which is how the lookup tables are keyed
    start: int
    end: int
    within: frozenset[str] = frozenset()  # codes of the area written right before it (南江县 in 南江县青峪镇)


def find_townships(text: str, tables: DivisionTables, in_header: bool) -> list[Mention]:
    """Listed township names that start at a boundary, and unlisted ones where the text makes them safe to take."""
    chains = find_area_chains(text, tables)
    listed = _find_township_mentions(text, tables, chains)
    if in_header:
        unlisted = _find_unlisted_in_header(text, chains)
    else:
        listed = [
            mention
            for mention in listed
            if len(mention.name) >= _SHORTEST_SAFE_BODY_NAME
            or mention.within
            or area_name_ends_at(text, mention.start, tables)
        ]
        unlisted = _find_unlisted_in_opening(text, tables, chains)
        listed += _find_street_short_forms(text, tables, chains)
    # A listed name wins over an unlisted reading around it (思礼镇 in 济源示范区思礼镇).
    unlisted = [
        mention
        for mention in unlisted
        if all(mention.end <= other.start or other.end <= mention.start for other in listed)
    ]
    return _without_overlaps(listed + unlisted)


def _find_township_mentions(text: str, tables: DivisionTables, chains: dict[int, Chain]) -> list[Mention]:
    """Listed township names in the text: the longest name ending at each 镇/乡/道/木/所, if it starts at a boundary."""
    found = []
    for end in _positions_after(text, TOWNSHIP_LAST_CHARACTERS.__contains__):
        for length in range(min(tables.longest_township, end), 1, -1):
            name = text[end - length : end]
            if name in tables.townships or name in tables.historical:
                start = end - length
                if text[end - 1 : end + 1] not in _NOT_AFTER_TOWNSHIP and _starts_at_boundary(
                    text, start, chains, tables, length
                ):
                    found.append(Mention(name, start, end, codes_ending_at(start, chains)))
                break
    return found


def _find_street_short_forms(text: str, tables: DivisionTables, chains: dict[int, Chain]) -> list[Mention]:
    """Listed 街道 written as 街: in a report that calls itself 我街 (《珠江街理论学习计划》 for 珠江街道), or right
    before an organ only a 街道 has (黄石街党工委 for 黄石街道)."""
    calls_itself_jie = bool(_CALLS_ITSELF_JIE.search(text))
    found = []
    for end in _positions_after(text, "街".__eq__):
        if text[end : end + 1] == "道":
            continue
        if not calls_itself_jie and not text.startswith(_STREET_ORGANS, end):
            continue
        for length in range(_LONGEST_BODY_STEM + 1, 2, -1):
            start = end - length
            if start >= 0 and text[start:end] + "道" in tables.townships and _starts_at_strong_boundary(text, start, chains):
                found.append(Mention(text[start:end] + "道", start, end, codes_ending_at(start, chains)))
                break
    return found


def _find_unlisted_in_header(text: str, chains: dict[int, Chain]) -> list[Mention]:
    """Township-shaped names in a header that open a line or follow an area, each followed by an organ or title."""
    chain_starts = {chain.start: chain.end for chain in chains.values()}
    found = []
    position = 0
    while position < len(text):
        if position in chain_starts:
            position = chain_starts[position]  # 将乐县 in 将乐县东湾镇 is the county, not part of the name
            continue
        if _starts_at_strong_boundary(text, position, chains):
            start, name = _name_after_glued_verb(text, position, shortest_stem=1, longest_stem=_LONGEST_UNLISTED_STEM)
            if name and _is_followed_by_organ_or_title(text, start + len(name)):
                found.append(Mention(name, start, start + len(name), codes_ending_at(start, chains)))
                position = start + len(name)
                continue
        position += 1
    return found


def _find_unlisted_in_opening(text: str, tables: DivisionTables, chains: dict[int, Chain]) -> list[Mention]:
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
            start, name = _name_after_glued_verb(text, position, _SHORTEST_BODY_STEM, _LONGEST_BODY_STEM)
            if name:
                name = _name_standing_alone(text, start, name, chains)
                if not name or name in tables.townships or name in tables.historical:
                    return []  # a listed name, which the listed search has found, or no name we can be sure of
                return [
                    Mention(name, start, start + len(name), codes_ending_at(start, chains))
                    for start in _occurrences(text, name)
                ]
        position += 1
    return []


def _name_after_glued_verb(text: str, start: int, shortest_stem: int, longest_stem: int) -> tuple[int, str]:
    """Where the name at `start` begins and what it is, past a verb glued before it (完成中长街道 → 中长街道)."""
    glued = _GLUED_BEFORE_NAME.match(text, start)
    if glued is None or text.startswith(_TOWNSHIP_SUFFIXES, glued.end()):
        return start, _unlisted_name_at(text, start, shortest_stem, longest_stem)
    return glued.end(), _unlisted_name_at(text, glued.end(), max(shortest_stem, _SHORTEST_BODY_STEM), longest_stem)


def _name_standing_alone(text: str, start: int, name: str, chains: dict[int, Chain]) -> str:
    """The name, or its shorter tail where only the tail stands on its own elsewhere in the text; "" on a conflict.

    In 是已建中长街道幼儿园…。中长街道坚持… the first reading glues a word to the name, and the name standing
    after the full stop shows where it starts. If the longer reading also stands on its own elsewhere, nothing
    decides between the two, and the report is left without a township (with the usual warning) rather than guessed.
    """
    suffix = next(suffix for suffix in _TOWNSHIP_SUFFIXES if name.endswith(suffix))
    tails = [
        name[cut:]
        for cut in range(1, len(name) - len(suffix) - _SHORTEST_BODY_STEM + 1)
        if _looks_like_township_name(name[cut:], suffix)
        and any(_starts_at_strong_boundary(text, other, chains) for other in _occurrences(text, name[cut:]))
    ]
    if not tails:
        return name
    if any(other != start and _starts_at_strong_boundary(text, other, chains) for other in _occurrences(text, name)):
        return ""
    return tails[0]


def _unlisted_name_at(text: str, start: int, shortest_stem: int, longest_stem: int) -> str:
    """The name ending at the first 镇/乡/街道/苏木 after `start` that is not a phrase (镇村), or "" if that is no name."""
    for stem_length in range(1, longest_stem + 1):
        stem_end = start + stem_length
        if stem_end > len(text) or not is_ideograph(text[stem_end - 1]):
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


def is_township_shaped(name: str) -> bool:
    """Whether a word ending in 镇/乡/街道/苏木 reads as a township's name (岚溪街道), not a phrase (不断规范街道)."""
    suffix = next((suffix for suffix in _TOWNSHIP_SUFFIXES if name.endswith(suffix)), "")
    return bool(suffix) and len(name) > len(suffix) and _looks_like_township_name(name, suffix)


def _looks_like_township_name(name: str, suffix: str) -> bool:
    """Whether a township-shaped word is a name rather than a general word (全镇, 城乡) or a phrase (依法镇压)."""
    stem = name[: -len(suffix)]
    return not (
        stem[0] in _NOT_FIRST_IN_NAME
        or stem[-1] in _REFERENCE_BEFORE_SUFFIX
        or stem.startswith(_NOT_FIRST_WORDS + _BOUNDARY_WORDS)
        or not STRONG_BOUNDARY_CHARACTERS.isdisjoint(stem)
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
    return end == len(text) or not is_ideograph(text[end]) or text.startswith(_AFTER_HEADER_TOWNSHIP, end)


def _starts_at_boundary(text: str, start: int, chains: dict[int, Chain], tables: DivisionTables, length: int) -> bool:
    """Whether a listed name may start here: not inside a longer word (口镇 in 丰口镇).

    A two-character name (口镇, 和镇) is most often the tail of a longer one, so it needs a strong boundary.
    """
    return (
        _starts_at_strong_boundary(text, start, chains)
        or area_name_ends_at(text, start, tables)
        or (length > 2 and (text[start - 1] in _BOUNDARY_CHARACTERS or text.endswith(_GLUED_VERBS, 0, start)))
        or length >= _LONG_LISTED_NAME
    )


def _starts_at_strong_boundary(text: str, start: int, chains: dict[int, Chain]) -> bool:
    """Whether any name may start here: a line start, punctuation, an area name, 中共, 在 or a year."""
    if start == 0 or start in chains:
        return True
    before = text[start - 1]
    return (
        not is_ideograph(before)
        or before in STRONG_BOUNDARY_CHARACTERS
        or text.endswith(_BOUNDARY_WORDS, 0, start)
        or _YEAR_BEFORE.search(text, max(0, start - 4), start) is not None
    )


def _positions_after(text: str, wanted: Callable[[str], bool]) -> list[int]:
    """The position after each character of the text that `wanted` accepts, found without a Python loop."""
    return list(compress(count(1), map(wanted, text)))


def _without_overlaps(mentions: list[Mention]) -> list[Mention]:
    """Keep the longer of two overlapping names (大乡镇 over 大乡), then the earlier."""
    kept: list[Mention] = []
    for mention in sorted(mentions, key=lambda item: (item.start - item.end, item.start)):
        if all(mention.end <= other.start or other.end <= mention.start for other in kept):
            kept.append(mention)
    return sorted(kept, key=lambda item: item.start)


def chosen_mention(mentions: list[Mention]) -> Mention | None:
    """A mention of the name mentioned most often (on a tie, the one mentioned first), with its area if written."""
    if not mentions:
        return None
    counts = Counter(mention.name for mention in mentions)
    name = counts.most_common(1)[0][0]
    of_name = [mention for mention in mentions if mention.name == name]
    return next((mention for mention in of_name if mention.within), of_name[0])


def find_area_codes(text: str, tables: DivisionTables, township_mentions: list[Mention]) -> frozenset[str]:
    """Codes of the counties, cities and provinces named in the text outside its township names."""
    covered = bytearray(len(text) + 1)
    for mention in township_mentions:
        covered[mention.start : mention.end] = b"\x01" * (mention.end - mention.start)
    codes: set[str] = set()
    resume = 0
    for position in area_openings_in(text):
        if position < resume or covered[position]:
            continue
        for key in area_keys_at(text, position, tables):
            length = len(key)
            if is_two_character_county(key) and not (
                starts_a_word(text, position) or area_name_ends_at(text, position, tables)
            ):
                continue  # 和县 in 「在县委领导和县依法治县委员会指导下」 is 和 + 县
            found = area_codes_at(text, position, length, tables)
            if found and not any(covered[position : position + length]):
                codes.update(found)
                resume = position + length
                break
    return frozenset(codes)

