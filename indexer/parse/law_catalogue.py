"""The law catalogue (data/laws.tsv) in, loaded once: every law, regulation and document by its canonical name and
aliases, looked up by a folded key, with the near-misses a title may be (a character or two off, same kind and numbers).
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from types import MappingProxyType

from indexer.parse.normalize import fold_for_matching

UNCATALOGUED = "未收录"

DICTIONARY_CATEGORIES = ("宪法", "法律", "行政法规", "监察法规", "党内法规", "政策文件", "规范性文件")

_NAME_PREFIXES = ("中华人民共和国", "中国共产党")

# One character to one character, so a key made of folded text keeps the text's offsets:
# （2021—2025年）, （2021－2025年） and (2021-2025年) become one key, and a nested 〈〉 reads as 《》.
_KEY_TABLE = str.maketrans({**{dash: "-" for dash in "‐‑‒–—―−~〜"}, "〈": "《", "〉": "》"})

_KEY_CHARACTERS = re.compile("[‐‑‒–—―−~〜〈〉]")

_WHITE_SPACE = re.compile(r"\s+")

# 《中国共产党支部工作条例（试行）》, 《中华人民共和国土地管理法（2019年修正）》: the edition is not part of the name.
_EDITION = re.compile(r"\([^()]*(?:试行|修订|修正|修改)[^()]*\)$")

# A near-miss may differ in wording, never in the kind of document or in a number: 刑法修正案（十一） is
# not 刑法修正案（十二）, and 条例 is not 法. Nor in its first two characters (after 中华人民共和国): they name
# the subject that tells laws apart (耕地保护法 is not 湿地保护法, 长江保护法 is not 黄河保护法).
_KINDS = ("办法", "法典", "条例", "规定", "规则", "细则", "准则", "决定", "解释", "意见", "纲要", "规划", "计划",
          "通知", "决议", "章程", "法")

_NUMERALS = frozenset("0123456789零〇一二三四五六七八九十百千")

# Local regulations and judicial interpretations have formulaic names (河南省…条例, 最高人民法院关于审理…的解释)
# in which a character or two is all that tells two documents apart.
_NO_NEAR_MISS_CATEGORIES = frozenset({"地方性法规", "司法解释"})



@dataclass(frozen=True)
class LawEntry:
    """One law, regulation or policy document of the catalogue."""

    canonical_name: str
    category: str
    short_name: str  # 民法典 for 中华人民共和国民法典, 党章 for 中国共产党章程
    aliases: tuple[str, ...] = ()
    status: str = ""  # 现行有效 / 已废止 / 尚未生效, or "" where unknown


@dataclass(frozen=True)
class _NearMissCandidate:
    key: str
    characters: frozenset[str]
    entry: LawEntry


@dataclass(frozen=True, eq=False)
class LawCatalogue:
    """Every catalogue entry with look-up tables keyed by folded names; build it with `law_catalogue()`."""

    entries: tuple[LawEntry, ...]
    _by_key: Mapping[str, LawEntry] = field(repr=False)
    # Every tail of every key: scanning backwards from a name's last character stops as soon as it leaves them.
    _key_tails: frozenset[str] = field(repr=False)
    _last_characters: re.Pattern[str] = field(repr=False)
    # Keys without 中华人民共和国 / 中国共产党, by kind of document and first two characters.
    _near_miss_candidates: Mapping[tuple[str, str], tuple[_NearMissCandidate, ...]] = field(repr=False)

    def resolve(self, name: str) -> LawEntry | None:
        """The entry whose canonical name or alias is `name` (with or without 《》), or None."""
        key = _lookup_key(name)
        entry = self._by_key.get(key)
        if entry is None:
            # 《中华人民共和国民法典》 is 《民法典》, but only where the catalogue's own name has the prefix.
            without_prefix = _without_name_prefix(key)
            prefix = key[:len(key) - len(without_prefix)]
            entry = self._by_key.get(without_prefix) if prefix else None
            if entry is not None and not entry.canonical_name.startswith(prefix):
                entry = None
        if entry is None and _EDITION.search(key):
            return self.resolve(_EDITION.sub("", key))
        return entry

    def resolve_near_miss(self, name: str) -> LawEntry | None:
        """The one law whose name is within a character or two of `name`, or None (also when several are).

        Names of 5–8 characters (without 中华人民共和国) may differ by one edit and longer names by two; shorter
        names never match. The kind of document, the first two characters and any numbers must agree, and a
        prefix 中华人民共和国 / 中国共产党 only matches a law whose canonical name has it.
        """
        exact = self.resolve(name)
        if exact is not None:
            return exact
        full_key = _lookup_key(name)
        key = _without_name_prefix(full_key)
        prefix = full_key[:len(full_key) - len(key)]
        limit = _near_miss_limit(len(key))
        if limit == 0:
            return None
        characters = frozenset(key)
        found: dict[str, LawEntry] = {}
        for candidate in self._near_miss_candidates.get((_kind_of(key), key[:2]), ()):
            # Each edit adds or removes at most one distinct character: a cheap test before the real one.
            if len(characters - candidate.characters) > limit or len(candidate.characters - characters) > limit:
                continue
            if (characters ^ candidate.characters) & _NUMERALS:
                continue
            if not candidate.entry.canonical_name.startswith(prefix):
                continue
            if _within_edits(key, candidate.key, limit):
                found[candidate.entry.canonical_name] = candidate.entry
        if len(found) == 1:
            return next(iter(found.values()))
        return None


@lru_cache(maxsize=1)
def law_catalogue() -> LawCatalogue:
    """The catalogue from data/laws.tsv, read once."""
    text = (resources.files("indexer") / "data" / "laws.tsv").read_text(encoding="utf-8")
    return _build_catalogue(_read_entries(text.splitlines()))


def law_names_for_dictionary() -> list[str]:
    """Short and canonical names of national laws, regulations and policy documents, for a jieba dictionary.

    Names with brackets, spaces or other punctuation are left out: jieba never joins them into one word.
    """
    names: dict[str, None] = {}
    for entry in law_catalogue().entries:
        if entry.category in DICTIONARY_CATEGORIES:
            for name in (entry.short_name, entry.canonical_name):
                if re.fullmatch(r"[\u4e00-\u9fffA-Za-z0-9]+", name):
                    names[name] = None
    return list(names)


def _read_entries(lines: list[str]) -> list[LawEntry]:
    header = lines[0].split("\t")
    column = {name: position for position, name in enumerate(header)}
    entries = []
    for line in lines[1:]:
        if not line.strip():
            continue
        values = line.split("\t")
        canonical_name = values[column["canonical_name"]]
        aliases = tuple(alias for alias in values[column["aliases"]].split("|") if alias)
        entries.append(LawEntry(
            canonical_name=canonical_name,
            category=values[column["category"]],
            short_name=_short_name(canonical_name, aliases),
            aliases=aliases,
            status=values[column["status"]],
        ))
    return entries


def _short_name(canonical_name: str, aliases: tuple[str, ...]) -> str:
    for prefix in _NAME_PREFIXES:
        if canonical_name.startswith(prefix) and aliases:
            without_prefix = canonical_name[len(prefix):]
            # 中国共产党章程 has only 党章: the table gives a short form where the prefix leaves too little.
            return without_prefix if without_prefix in aliases else aliases[0]
    return canonical_name


def _build_catalogue(entries: list[LawEntry]) -> LawCatalogue:
    by_key: dict[str, LawEntry] = {}
    near_miss_candidates: dict[tuple[str, str], dict[str, _NearMissCandidate]] = {}
    for entry in entries:
        for name in (entry.canonical_name, *entry.aliases):
            key = _lookup_key(name)
            if key in by_key:
                continue
            by_key[key] = entry
            if entry.category not in _NO_NEAR_MISS_CATEGORIES:
                short_key = _without_name_prefix(key)
                candidate = _NearMissCandidate(key=short_key, characters=frozenset(short_key), entry=entry)
                near_miss_candidates.setdefault((_kind_of(short_key), short_key[:2]), {})[short_key] = candidate
    key_tails = {key[-length:] for key in by_key for length in range(1, len(key) + 1)}
    last_characters = "".join(sorted({key[-1] for key in by_key}))
    return LawCatalogue(
        entries=tuple(entries),
        _by_key=MappingProxyType(by_key),
        _key_tails=frozenset(key_tails),
        _last_characters=re.compile("[" + re.escape(last_characters) + "]"),
        _near_miss_candidates=MappingProxyType(
            {bucket: tuple(candidates.values()) for bucket, candidates in near_miss_candidates.items()}
        ),
    )


def law_matching_text(text: str) -> str:
    """`text` folded for matching, character for character, so that offsets in it are offsets in `text`."""
    folded = fold_for_matching(text)
    # Translating a whole report is slow next to looking for the few characters that need it.
    if _KEY_CHARACTERS.search(folded):
        folded = folded.translate(_KEY_TABLE)
    return folded


def _lookup_key(name: str) -> str:
    """`name` folded for matching, without white space and without the 《》 around it."""
    key = _WHITE_SPACE.sub("", law_matching_text(name))
    if key.startswith("《") and key.endswith("》"):
        key = key[1:-1]
    return key


def _without_name_prefix(key: str) -> str:
    for prefix in _NAME_PREFIXES:
        if key.startswith(prefix):
            return key[len(prefix):]
    return key


def _kind_of(key: str) -> str:
    """法, 条例, 规定, 纲要 … of a folded name, read before a trailing (试行) or (2021-2025年)."""
    stem = re.sub(r"\([^()]*\)$", "", key)
    for kind in _KINDS:
        if stem.endswith(kind):
            return kind
    return stem[-1:]


def _near_miss_limit(length: int) -> int:
    if length < 5:
        return 0
    return 1 if length <= 8 else 2


def _within_edits(first: str, second: str, limit: int) -> bool:
    """Whether the Levenshtein distance of the two strings is at most `limit`."""
    if abs(len(first) - len(second)) > limit:
        return False
    previous = list(range(len(second) + 1))
    for row, first_character in enumerate(first, start=1):
        current = [row]
        for column, second_character in enumerate(second, start=1):
            current.append(min(
                previous[column] + 1,
                current[column - 1] + 1,
                previous[column - 1] + (first_character != second_character),
            ))
        if min(current) > limit:
            return False
        previous = current
    return previous[-1] <= limit
