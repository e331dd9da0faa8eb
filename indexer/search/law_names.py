"""A law name someone typed and an opened index in; whether any passage cites it and the nearest names, out.

`law:行政处法` finds nothing because nothing is called that; saying so, with 中华人民共和国行政处罚法 offered,
beats an empty page.
"""
from __future__ import annotations

import difflib
from bisect import bisect_left
from dataclasses import dataclass

from indexer.parse import law_catalogue
from indexer.search.notices import Notice, make_notice
from indexer.search.opened_index import SearchIndex
from indexer.search.query import canonical_law_name

NEAREST_LAW_NAMES = 3


@dataclass(frozen=True)
class LawNameCheck:
    """What a law filter's value is: the name it resolves to, whether the catalogue knows it and any passage cites it."""

    name: str
    catalogued: bool
    cited: bool
    nearest: tuple[str, ...]


def check_law_name(index: SearchIndex, value: str) -> LawNameCheck:
    """Resolve a law filter's value; for a name no passage cites, the nearest catalogued or cited names."""
    name = canonical_law_name(value)
    catalogued = law_catalogue().resolve(name) is not None
    # index.law_names is sorted: a binary search, not a set of every cited name built for each search.
    position = bisect_left(index.law_names, name)
    cited = position < len(index.law_names) and index.law_names[position] == name
    nearest = () if cited else nearest_law_names(index, value.strip().strip("《》<>"))
    return LawNameCheck(name, catalogued, cited, nearest)


def nearest_law_names(index: SearchIndex, typed: str, limit: int = NEAREST_LAW_NAMES) -> tuple[str, ...]:
    """Catalogue names (matched by name or alias) and cited names closest to `typed`; cited ones first on a tie."""
    canonical_of: dict[str, str] = {}
    for entry in law_catalogue().entries:
        for alias in (entry.canonical_name, entry.short_name, *entry.aliases):
            canonical_of.setdefault(alias, entry.canonical_name)
    cited = set(index.law_names)
    for name in cited:
        canonical_of.setdefault(name, name)
    containing = sorted((alias for alias in canonical_of if typed and typed in alias), key=len)
    close = difflib.get_close_matches(typed, list(canonical_of), n=limit * 4, cutoff=0.5)
    ranked = sorted(dict.fromkeys([*close, *containing]), key=lambda alias: (
        -difflib.SequenceMatcher(None, typed, alias).ratio(), canonical_of[alias] not in cited))
    names = dict.fromkeys(canonical_of[alias] for alias in ranked)
    return tuple(names)[:limit]


def unknown_law_notices(index: SearchIndex, names: tuple[str, ...]) -> list[Notice]:
    """A notice for each law filter no passage cites, naming the nearest laws that are catalogued or cited."""
    notices = []
    for name in names:
        check = check_law_name(index, name)
        if check.cited:
            continue
        nearest = "、".join(name for name in check.nearest if name != check.name)
        if check.catalogued:
            notices.append(make_notice("uncited_law", value=check.name, nearest=nearest))
        else:
            notices.append(make_notice("unknown_law", value=name, nearest=nearest))
    return notices
