"""A query string in, a plain structure out: groups of phrases (ORed inside, ANDed together), excluded phrases, filters.

Any input parses. What we cannot read as syntax is searched as literal text, or left out when it is
only an operator, and a notice (notices.py: a code and the words concerned) says which.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, fields

from indexer.parse import SECTION_LABELS, fold_for_matching, law_catalogue
from indexer.search.notices import Notice, make_notice

# The field names a query may use, and the facet each one filters.
QUERY_FIELDS = {
    "township": "township",
    "county": "county",
    "province": "province",
    "year": "year",
    "section": "section_type",
    "section_type": "section_type",
    "law": "law",
}
_OPEN_END = 9999
_FIELD = re.compile(r"([a-z_]+):(.*)", re.DOTALL)
_YEAR = re.compile(r"(\d{4})年?")
_YEAR_RANGE = re.compile(r"(\d{4})?年?(?:\.\.|-|~|至|到)(\d{4})?年?")



@dataclass(frozen=True)
class YearRange:
    """Report years from `first` to `last`, both included."""

    first: int
    last: int

    def includes(self, year: int | None) -> bool:
        """Whether a report year lies in the range (an unknown year never does)."""
        return year is not None and self.first <= year <= self.last

    def __str__(self) -> str:
        if self.first == self.last:
            return str(self.first)
        first = "" if self.first == 0 else str(self.first)
        last = "" if self.last == _OPEN_END else str(self.last)
        return f"{first}..{last}"


@dataclass(frozen=True)
class SearchFilters:
    """Facet values to keep: values of one facet are ORed, different facets ANDed."""

    township: tuple[str, ...] = ()
    county: tuple[str, ...] = ()
    province: tuple[str, ...] = ()
    year: tuple[YearRange, ...] = ()
    section_type: tuple[str, ...] = ()
    law: tuple[str, ...] = ()

    def combined(self, other: SearchFilters) -> SearchFilters:
        """Both sets of filters, values of the same facet ORed."""
        return SearchFilters(
            **{
                name: tuple(dict.fromkeys(getattr(self, name) + getattr(other, name)))
                for name in (item.name for item in fields(SearchFilters))
            }
        )

    def is_empty(self) -> bool:
        """Whether no facet is filtered."""
        return not any(getattr(self, item.name) for item in fields(SearchFilters))


@dataclass(frozen=True)
class ParsedQuery:
    """What to search: every group must match (one phrase of it is enough), no excluded phrase may."""

    groups: tuple[tuple[str, ...], ...] = ()
    excluded: tuple[str, ...] = ()
    filters: SearchFilters = SearchFilters()
    notices: tuple[Notice, ...] = ()

    @property
    def phrases(self) -> tuple[str, ...]:
        """Every phrase a hit may contain, for highlighting."""
        return tuple(dict.fromkeys(phrase for group in self.groups for phrase in group))


@dataclass(frozen=True)
class _Piece:
    kind: str  # phrase | filter | or | not
    text: str = ""
    negated: bool = False
    field: str = ""
    value: str = ""


def parse_query(text: str) -> ParsedQuery:
    """Read a query: words and "quoted phrases" ANDed, OR between them, -word or NOT word, field:value filters."""
    pieces, notices = _scan(text)
    groups: list[tuple[str, ...]] = []
    excluded: list[str] = []
    filters: dict[str, list] = {item.name: [] for item in fields(SearchFilters)}
    pending_or = pending_not = last_was_phrase = False
    for piece in pieces:
        if piece.kind == "or":
            if pending_or or pending_not or not last_was_phrase:
                notices.append(make_notice("dangling_or"))
            else:
                pending_or = True
            last_was_phrase = False
            continue
        if piece.kind == "not":
            if pending_not:
                notices.append(make_notice("dangling_not"))
            pending_not = True
            last_was_phrase = False
            continue
        negated = piece.negated or pending_not
        pending_not = False
        phrase = piece.text
        if piece.kind == "filter":
            if negated:
                notices.append(make_notice("negated_filter", word=piece.text))
                phrase = ""
            else:
                phrase = _apply_filter(piece, filters, notices)
            if not phrase:
                if pending_or:
                    notices.append(make_notice("dangling_or"))
                pending_or = last_was_phrase = False
                continue
        if negated:
            if pending_or:
                notices.append(make_notice("dangling_or"))
            excluded.append(phrase)
            pending_or = last_was_phrase = False
            continue
        if pending_or:
            groups[-1] = groups[-1] + (phrase,)
        else:
            groups.append((phrase,))
        pending_or = False
        last_was_phrase = True
    if pending_or:
        notices.append(make_notice("dangling_or"))
    if pending_not:
        notices.append(make_notice("dangling_not"))
    return ParsedQuery(
        groups=tuple(tuple(dict.fromkeys(group)) for group in dict.fromkeys(groups)),
        excluded=tuple(dict.fromkeys(excluded)),
        filters=SearchFilters(**{name: tuple(dict.fromkeys(values)) for name, values in filters.items()}),
        notices=tuple(dict.fromkeys(notices)),
    )


def parse_year(value: str) -> YearRange | None:
    """2023, 2023年 or a range 2021..2024 (also 2021-2024, 2021.. and ..2024) as a YearRange, else None."""
    folded = fold_for_matching(value).strip()
    single = _YEAR.fullmatch(folded)
    if single:
        return YearRange(int(single.group(1)), int(single.group(1)))
    ranged = _YEAR_RANGE.fullmatch(folded)
    if not ranged or not (ranged.group(1) or ranged.group(2)):
        return None
    first = int(ranged.group(1)) if ranged.group(1) else 0
    last = int(ranged.group(2)) if ranged.group(2) else _OPEN_END
    return YearRange(min(first, last), max(first, last))


def section_type_key(value: str) -> str | None:
    """The section type for a key (problems), a label (存在问题和不足) or part of just one label (问题), else None."""
    folded = fold_for_matching(value).strip()
    if folded in SECTION_LABELS:
        return folded
    labels = {key: fold_for_matching(label) for key, label in SECTION_LABELS.items()}
    for key, label in labels.items():
        if folded == label:
            return key
    containing = [key for key, label in labels.items() if len(folded) >= 2 and folded in label]
    return containing[0] if len(containing) == 1 else None


def canonical_law_name(value: str) -> str:
    """The catalogue name for a law's name or alias (民法典 → 中华人民共和国民法典), else the name as typed."""
    name = value.strip().strip("《》<>")
    entry = law_catalogue().resolve(name)
    return entry.canonical_name if entry is not None else name


def build_filters(
    township: Iterable[str] = (),
    county: Iterable[str] = (),
    province: Iterable[str] = (),
    year: Iterable[str] = (),
    section_type: Iterable[str] = (),
    law: Iterable[str] = (),
) -> tuple[SearchFilters, tuple[str, ...]]:
    """Filters from option or URL values, with a notice for each value that could not be read (and was dropped)."""
    notices: list[str] = []
    years = []
    for value in year:
        parsed = parse_year(value)
        if parsed is None:
            notices.append(f"{value} is not a year like 2023 or a range like 2021..2024, so it was ignored.")
        else:
            years.append(parsed)
    sections = []
    for value in section_type:
        key = section_type_key(value)
        if key is None:
            notices.append(f"{value} is not a section type ({', '.join(SECTION_LABELS)}), so it was ignored.")
        else:
            sections.append(key)
    filters = SearchFilters(
        township=_cleaned(township),
        county=_cleaned(county),
        province=_cleaned(province),
        year=tuple(dict.fromkeys(years)),
        section_type=tuple(dict.fromkeys(sections)),
        law=tuple(dict.fromkeys(canonical_law_name(value) for value in law if value.strip())),
    )
    return filters, tuple(notices)


def _cleaned(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(value.strip() for value in values if value.strip()))


def _scan(text: str) -> tuple[list[_Piece], list[Notice]]:
    """Split the query into pieces. Syntax is read on the folded text (＂ and " alike), values from the text as typed."""
    folded = fold_for_matching(text)
    pieces: list[_Piece] = []
    notices: list[Notice] = []
    index = 0
    length = len(text)
    while index < length:
        if folded[index].isspace():
            index += 1
            continue
        negated = False
        if folded[index] == "-":
            if index + 1 >= length or folded[index + 1].isspace():
                notices.append(make_notice("lone_minus"))
                index += 1
                continue
            negated = True
            index += 1
        if folded[index] == '"':
            close = folded.find('"', index + 1)
            if close < 0:
                notices.append(make_notice("unclosed_quote"))
                index += 1
                continue
            phrase = text[index + 1:close].strip()
            index = close + 1
            if phrase:
                pieces.append(_Piece("phrase", phrase, negated))
            continue
        end = index
        while end < length and not folded[end].isspace():
            end += 1
        word, folded_word = text[index:end], folded[index:end]
        field_match = _FIELD.fullmatch(folded_word)
        if field_match and field_match.group(2).startswith('"'):
            # township:"段园 镇": the value runs to the closing quote, spaces included.
            value_start = index + field_match.start(2)
            close = folded.find('"', value_start + 1)
            if close >= 0:
                end = close + 1
                word = text[index:end]
        index = end
        if not negated and folded_word in ("or", "not") and word.upper() == word:
            pieces.append(_Piece(folded_word))
        elif field_match:
            name = field_match.group(1)
            value = word[len(name) + 1:].strip().strip('"＂')
            pieces.append(_Piece("filter", word, negated, field=name, value=value))
        else:
            pieces.append(_Piece("phrase", word, negated))
    return pieces, notices


def _apply_filter(piece: _Piece, filters: dict[str, list], notices: list[Notice]) -> str:
    """Add a field:value piece to the filters; returns the text to search instead when it is not a filter."""
    facet = QUERY_FIELDS.get(piece.field)
    if facet is None:
        notices.append(make_notice("unknown_field", field=piece.field, word=piece.text))
        return piece.text
    if not piece.value:
        notices.append(make_notice("empty_filter", word=piece.text))
        return ""
    if facet == "year":
        year_range = parse_year(piece.value)
        if year_range is None:
            notices.append(make_notice("bad_year", value=piece.value, word=piece.text))
            return piece.text
        filters["year"].append(year_range)
    elif facet == "section_type":
        key = section_type_key(piece.value)
        if key is None:
            notices.append(make_notice("bad_section", value=piece.value, word=piece.text))
            return piece.text
        filters["section_type"].append(key)
    elif facet == "law":
        name = canonical_law_name(piece.value)
        if not name:
            notices.append(make_notice("empty_filter", word=piece.text))
            return ""
        filters["law"].append(name)
    else:
        filters[facet].append(piece.value)
    return ""
