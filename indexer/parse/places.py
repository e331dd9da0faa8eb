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
from dataclasses import dataclass, replace

from indexer.parse.divisions import (
    CITY,
    COUNTY,
    LEVEL_WORDS,
    PROVINCE,
    DivisionTables,
    ancestors,
    codes_of_area,
    common_area,
    division_tables,
    holds_townships,
    label_of,
    names_above,
    place_of_area,
)
from indexer.parse.normalize import fold_for_matching
from indexer.parse.place_mentions import (
    Mention,
    chosen_mention,
    find_area_codes,
    find_townships,
)
from indexer.report import Place

NO_TOWNSHIP_WARNING = "No township name found in the report; set it in the catalogue."

# 在县委、县政府的领导下 / 区委、区政府 / 旗委 / 省委: the level of the bodies a township answers to. Not the
# 县委 inside 依法治县委员会, nor 社区委员会.
_PARENT_BODY = re.compile(r"(?<![治社])(县|区|旗|省)(?:委(?!员会)|人民政府|政府)")
_MUNICIPALITIES = frozenset({"北京市", "天津市", "上海市", "重庆市"})





@dataclass(frozen=True)
class _Candidate:
    """One place a township name may refer to: a current township, or a county that had a township of that name."""

    name: str
    code: str  # the township's MCA code, or "" for a pre-2025 name
    county_code: str


@dataclass(frozen=True)
class _Clues:
    """Division codes of the counties, cities and provinces a report names, in its header and in its body."""

    header: frozenset[str]
    body: frozenset[str]
    parent_bodies: frozenset[str] = frozenset()  # 县 / 区 / 旗 / 省: the kinds of 委 and 政府 the report answers to


def resolve_place(header: str, body: str) -> Place:
    """The place a report comes from, from its header (title, issuer, addressee, signature) and its body."""
    tables = division_tables()
    header, body = fold_for_matching(header), fold_for_matching(body)
    header_mentions = find_townships(header, tables, in_header=True)
    body_mentions = find_townships(body, tables, in_header=False)
    clues = _Clues(
        header=find_area_codes(header, tables, header_mentions),
        body=find_area_codes(body, tables, body_mentions),
        parent_bodies=frozenset(match.group(1) for match in _PARENT_BODY.finditer(header + "\n" + body)),
    )
    # A township written after its county in the header (南江县青峪镇人民政府) is the surest clue of all.
    mention = (
        chosen_mention([mention for mention in header_mentions if mention.within])
        or chosen_mention(header_mentions)
        or chosen_mention(body_mentions)
    )
    if mention is None:
        # Counties and cities named in the body (《XX县法治政府建设实施方案》) still place the report.
        return _place_of_only_area(clues.header or clues.body, tables, warnings=(NO_TOWNSHIP_WARNING,))
    return _resolve_mention(mention, clues, tables)


def lookup_division(township: str = "", county: str = "", city: str = "", province: str = "") -> Place:
    """The full place for names a person typed (any may be empty), with a warning where they do not decide it."""
    tables = division_tables()
    typed = Place(township.strip(), county.strip(), city.strip(), province.strip())
    # Most specific first: the first one is the area to look up when no township is typed.
    typed_areas = [
        (level, name)
        for level, name in ((COUNTY, typed.county), (CITY, typed.city), (PROVINCE, typed.province))
        if name
    ]
    for level, name in typed_areas:
        if not codes_of_area(name, tables):
            message = f"{name} is not a {LEVEL_WORDS[level]} name in the 2025 divisions table; check its spelling."
            return _with_warning(typed, message)
    if typed.township:
        return _lookup_township(typed, typed_areas, tables)
    if typed_areas:
        return _lookup_area(typed, typed_areas, tables)
    return typed


def _candidates(name: str, tables: DivisionTables) -> list[_Candidate]:
    current = [
        _Candidate(tables.divisions[code].name, code, tables.divisions[code].parent_code)
        for code in tables.townships.get(name, ())
    ]
    historical = [_Candidate(name, "", county_code) for county_code in tables.historical.get(name, ())]
    return current + historical


def _resolve_mention(mention: Mention, clues: _Clues, tables: DivisionTables) -> Place:
    """The place of the township mentioned: listed in the area written before it, listed elsewhere, or not listed."""
    candidates = _candidates(mention.name, tables)
    inside = [
        candidate
        for candidate in candidates
        if not mention.within or mention.within.intersection(ancestors(candidate.county_code, tables))
    ]
    if inside and not _text_favours_another_area(inside, mention.within, clues, tables):
        return _resolve_township(inside, clues, tables, source="the text")
    return _place_of_unlisted(mention.name, mention.within, candidates, clues, tables)


def _text_favours_another_area(
    candidates: list[_Candidate], within: frozenset[str], clues: _Clues, tables: DivisionTables
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
    counties = [code for code in named if holds_townships(code, tables)]
    return any(_clue_score(code, clues, tables) > best_listed for code in counties)


def _lies_within(code: str, within: frozenset[str], tables: DivisionTables) -> bool:
    """Whether the unit lies inside one of the areas written before a township (any, when none was written)."""
    return not within or bool(within.intersection(ancestors(code, tables)))


def _resolve_township(candidates: list[_Candidate], clues: _Clues, tables: DivisionTables, source: str) -> Place:
    """The one candidate the clues favour, or the township name alone with a warning when several tie."""

    def rank(candidate: _Candidate) -> tuple[int, bool, bool]:
        # The parent bodies the report names (县委 or 区委) decide between candidates the named areas leave
        # level; a current township beats a pre-2025 name only when both leave them level.
        return (
            _clue_score(candidate.county_code, clues, tables),
            _answers_to(candidate.county_code, clues.parent_bodies, tables),
            bool(candidate.code),
        )

    best = max(rank(candidate) for candidate in candidates)
    winners = [candidate for candidate in candidates if rank(candidate) == best]
    if len(winners) == 1:
        return _place_of_candidate(winners[0], tables)
    township = winners[0].name
    counties = "、".join(label_of(candidate.county_code, tables) for candidate in winners)
    warning = (
        f"{township} names {len(winners)} townships ({counties}); no county or city in {source} decides "
        "between them; set county in the catalogue."
    )
    # All of them in one province (or city, or county): keep the levels they share.
    shared = common_area([candidate.county_code for candidate in winners], tables)
    place = place_of_area(shared, tables) if shared else Place()
    return replace(place, township=township, warnings=(warning,))


def _answers_to(county_code: str, parent_bodies: frozenset[str], tables: DivisionTables) -> bool:
    """Whether a county fits the parent bodies a report names: 县委 a 县, 区委 a 区, 旗委 a 旗 (内蒙古), and
    省委 a province's county rather than a 直辖市's (重庆's 区县 answer to 市委)."""
    if not parent_bodies:
        return False
    name = tables.divisions[county_code].name
    province_code = ancestors(county_code, tables)[-1]
    if "省" in parent_bodies and tables.divisions[province_code].name in _MUNICIPALITIES:
        return False
    kinds = parent_bodies - {"省"}
    if not kinds:
        return True
    if len(kinds) > 1:
        return False  # 县委 and 区委 both named: they decide nothing
    return name.endswith(next(iter(kinds)))


def _clue_score(county_code: str, clues: _Clues, tables: DivisionTables) -> int:
    """How strongly the text points at a county: header over body, and a county over its city over its province."""
    header_score = body_score = 0
    for weight, code in zip((4, 2, 1), ancestors(county_code, tables)):
        header_score += weight * (code in clues.header)
        body_score += weight * (code in clues.body)
    return 8 * header_score + body_score


def _place_of_unlisted(
    name: str, within: frozenset[str], candidates: list[_Candidate], clues: _Clues, tables: DivisionTables
) -> Place:
    """A township the table does not list where the text puts it: in the county written before it, else in the
    county the clues favour (inside the area written before it), with an empty code and a warning."""
    counties = sorted(code for code in within if holds_townships(code, tables))
    if not counties:
        named = clues.header | clues.body
        counties = sorted(
            code for code in named if holds_townships(code, tables) and _lies_within(code, within, tables)
        )
    scores = {code: _clue_score(code, clues, tables) for code in counties}
    winners = [code for code in counties if scores[code] == max(scores.values())]
    if len(winners) == 1:
        county, city, province = names_above(winners[0], tables)
        warning = (
            f"{name} is not listed under {county} in the 2025 divisions table{_which_has_it_in(candidates, tables)}; "
            "it was kept as written without a division code, so check its spelling or set it in the catalogue."
        )
        return Place(name, county, city, province, "", (warning,))
    area = common_area(winners or sorted(within), tables)
    place = place_of_area(area, tables) if area else _place_of_only_area(clues.header or clues.body, tables, ())
    warning = _no_single_county_warning(name, place, winners, candidates, tables)
    return replace(place, township=name, warnings=(warning,))


def _no_single_county_warning(
    name: str, place: Place, tied_counties: list[str], candidates: list[_Candidate], tables: DivisionTables
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
        undecided = "the text does not decide between " + "、".join(label_of(code, tables) for code in tied_counties)
    else:
        undecided = "the text names no single county for it"
    return f"{not_listed}, and {undecided}; set county in the catalogue."


def _which_has_it_in(candidates: list[_Candidate], tables: DivisionTables) -> str:
    """, which has it only in 福建省三明市建宁县, or "" when the table has no township of the name."""
    return f", which has it only in {_places_of(candidates, tables)}" if candidates else ""


def _places_of(candidates: list[_Candidate], tables: DivisionTables) -> str:
    """福建省三明市建宁县、河北省廊坊市固安县 …: the counties of up to four candidates."""
    places = "、".join(label_of(candidate.county_code, tables) for candidate in candidates[:4])
    return places + (" and others" if len(candidates) > 4 else "")


def _place_of_candidate(candidate: _Candidate, tables: DivisionTables) -> Place:
    county, city, province = names_above(candidate.county_code, tables)
    if candidate.code:
        return Place(candidate.name, county, city, province, candidate.code)
    warning = (
        f"{candidate.name} is a pre-2025 township name (2019–2023 statistical lists) that the 2025 divisions "
        f"table no longer has; it was placed in {county} without a division code, so check it in the catalogue."
    )
    return Place(candidate.name, county, city, province, "", (warning,))


def _place_of_only_area(codes: frozenset[str], tables: DivisionTables, warnings: tuple[str, ...]) -> Place:
    """The place of the one county the codes name; failing that, of the one city, or the one province."""
    for level in (COUNTY, CITY, PROVINCE):
        at_level = [code for code in codes if tables.divisions[code].level == level]
        if len(at_level) == 1:
            place = place_of_area(at_level[0], tables)
            return Place(county=place.county, city=place.city, province=place.province, warnings=warnings)
        if at_level:
            break
    return Place(warnings=warnings)


def _lookup_township(typed: Place, typed_areas: list[tuple[int, str]], tables: DivisionTables) -> Place:
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


def _lookup_area(typed: Place, typed_areas: list[tuple[int, str]], tables: DivisionTables) -> Place:
    """The most specific area typed (a county, else a city, else a province), among the others typed."""
    (level, name), *wider = typed_areas
    codes = [code for code in codes_of_area(name, tables) if _fits(code, wider, tables)]
    # 吉林 is both 吉林省 and 吉林市: typed as a city, it means the city.
    codes = [code for code in codes if tables.divisions[code].level == level] or codes
    if len(codes) == 1:
        return _merge_typed(place_of_area(codes[0], tables), typed)
    if not codes:
        message = f"No {LEVEL_WORDS[level]} {name} lies in {_joined(wider)}; check the names typed."
        return _with_warning(typed, message)
    places = "、".join(label_of(code, tables) for code in codes)
    message = f"{name} names {len(codes)} places ({places}); set the city or province in the catalogue."
    return _with_warning(typed, message)


def _fits(code: str, typed_areas: list[tuple[int, str]], tables: DivisionTables) -> bool:
    """Whether the division lies in every area typed (in 淮北 and 安徽省, say)."""
    chain = set(ancestors(code, tables))
    return all(codes_of_area(name, tables) & chain for _, name in typed_areas)


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
