"""Request arguments in, a checked `SearchRequest` out, or `BadParameter` with a sentence for a 400."""
from __future__ import annotations

from dataclasses import dataclass

from werkzeug.datastructures import MultiDict

from indexer.parse import SECTION_LABELS
from indexer.search import (
    MATCH_MODES,
    SearchFilters,
    build_filters,
    parse_year,
    section_type_key,
)
from webui import law_messages, messages
from webui.settings import Settings

SORTS = ("relevance", "year", "township")
# The URL parameter of each facet; `section` is the short form people type, `section_type` the JSON key.
FACET_PARAMETERS = {
    "township": "township",
    "county": "county",
    "province": "province",
    "year": "year",
    "section_type": "section",
    "law": "law",
}
_MAX_VALUE_CHARS = 200
_MAX_PAGE = 10_000


class BadParameter(ValueError):
    """A request argument we cannot use; the message is a sentence for the person who sent it."""


@dataclass(frozen=True)
class SearchRequest:
    """What a search page or API call asks for."""

    query: str
    filters: SearchFilters
    page: int
    per_page: int
    sort: str
    hide_boilerplate: bool = False  # leave out passages copied into many other reports
    match_words: bool = False  # match=words: only passages holding the query as whole words


def read_search_request(args: MultiDict, settings: Settings) -> SearchRequest:
    """Check the arguments of /search, /api/search and the exports."""
    query = args.get("q", "").strip()
    if len(query) > settings.max_query_chars:
        raise BadParameter(messages.QUERY_TOO_LONG.format(length=len(query), limit=settings.max_query_chars))
    page = _whole_number(args.get("page", "1"), _MAX_PAGE, messages.BAD_PAGE)
    per_page = _whole_number(args.get("per_page", str(settings.per_page)), settings.max_per_page, messages.BAD_PER_PAGE)
    sort = args.get("sort", "relevance") or "relevance"
    if sort not in SORTS:
        raise BadParameter(messages.BAD_SORT.format(value=sort[:50]))
    return SearchRequest(
        query=query, filters=read_filters(args), page=page, per_page=per_page, sort=sort,
        hide_boilerplate=read_toggle(args, "hide_boilerplate"), match_words=read_match(args),
    )


def read_match(args: MultiDict) -> bool:
    """match=words keeps only whole-word matches; match=substring (or none) keeps every exact match."""
    value = args.get("match", "").strip().lower()
    if value not in ("", *MATCH_MODES):
        raise BadParameter(messages.BAD_MATCH.format(value=value[:20]))
    return value == "words"


def read_toggle(args: MultiDict, name: str) -> bool:
    """A yes/no parameter: 1 (or on, as a checkbox sends it) is yes; 0 or absent is no; anything else is a 400."""
    value = args.get(name, "").strip().lower()
    if value in ("1", "on", "true"):
        return True
    if value in ("", "0", "off", "false"):
        return False
    raise BadParameter(law_messages.BAD_TOGGLE.format(name=name, value=value[:20]))


def read_filters(args: MultiDict) -> SearchFilters:
    """The facet filters of a request: each facet parameter may repeat (values ORed); a bad value is a 400."""
    values = {name: [value.strip() for value in args.getlist(parameter) if value.strip()] for name, parameter in FACET_PARAMETERS.items()}
    values["section_type"] += [value.strip() for value in args.getlist("section_type") if value.strip()]
    for name, items in values.items():
        if any(len(value) > _MAX_VALUE_CHARS for value in items):
            raise BadParameter(messages.VALUE_TOO_LONG.format(name=FACET_PARAMETERS[name], limit=_MAX_VALUE_CHARS))
    for value in values["year"]:
        if parse_year(value) is None:
            raise BadParameter(messages.BAD_YEAR.format(value=value[:50]))
    for value in values["section_type"]:
        if section_type_key(value) is None:
            raise BadParameter(messages.BAD_SECTION.format(keys="、".join(SECTION_LABELS), value=value[:50]))
    filters, _ = build_filters(**values)
    return filters


def _whole_number(value: str, limit: int, message: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if not 1 <= number <= limit:
        raise BadParameter(message.format(limit=limit, value=value[:50]))
    return number
