"""An opened index in, its near-duplicate groups as people read them out: the largest groups (the
boilerplate) with a representative text, the passages of one group, and per report the share of its
text that other reports hold near-copies of.

The groups themselves are found at index time (duplicates.py); a group is named by its leader passage,
whose text stands for the group.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from indexer.index import BOILERPLATE_REPORTS, NO_GROUP
from indexer.search import SearchIndex, passage_fields, passage_url


@dataclass(frozen=True)
class GroupMember:
    """One passage of a group."""

    passage_id: str
    report_id: str
    title: str
    township: str
    county: str
    province: str
    year: int | None
    section_type: str
    section_label: str
    heading_path: tuple[str, ...]
    url: str


@dataclass(frozen=True)
class DuplicateGroup:
    """Passages of different reports that are near-copies of one text, the representative's."""

    passage_id: str  # the representative passage, which names the group
    reports: int
    passages: int
    representative: GroupMember
    text: str  # the representative's text
    page: int
    per_page: int
    members: tuple[GroupMember, ...]  # newest reports first: one page of them, or the first few in a list


@dataclass(frozen=True)
class ReportShare:
    """How much of one report's passage text other reports hold near-copies of."""

    report_id: str
    title: str
    township: str
    county: str
    province: str
    year: int | None
    characters: int
    copied_characters: int
    share: float  # copied_characters / characters, 0 to 1


@dataclass(frozen=True)
class DuplicateOverview:
    """One page of the largest groups and one page of the most copied reports, with totals."""

    groups_total: int
    passages_total: int
    passages_in_groups: int
    boilerplate_passages: int  # passages with near-copies in BOILERPLATE_REPORTS or more other reports
    page: int
    per_page: int
    groups: tuple[DuplicateGroup, ...]
    reports_total: int
    report_page: int
    reports: tuple[ReportShare, ...]


def duplicate_overview(
    index: SearchIndex, page: int = 1, per_page: int = 20, report_page: int = 1, members_shown: int = 10
) -> DuplicateOverview:
    """The groups spanning the most reports, each with its first `members_shown` passages, and the reports most copied."""
    groups = _groups(index)
    shares = report_shares(index)
    first = (page - 1) * per_page
    first_report = (report_page - 1) * per_page
    return DuplicateOverview(
        groups_total=len(groups),
        passages_total=len(index.live_rows),
        passages_in_groups=sum(len(rows) for rows in groups.values()),
        boilerplate_passages=sum(1 for row in index.live_rows.tolist() if index.duplicate_reports[row] >= BOILERPLATE_REPORTS),
        page=page,
        per_page=per_page,
        groups=tuple(
            _group(index, leader, groups[leader], 1, members_shown) for leader in list(groups)[first:first + per_page]
        ),
        reports_total=len(shares),
        report_page=report_page,
        reports=shares[first_report:first_report + per_page],
    )


def duplicate_group(index: SearchIndex, passage_id: str, page: int = 1, per_page: int = 100) -> DuplicateGroup | None:
    """The group of a passage with one page of its members, or None when the passage is unknown or no other
    report holds a near-copy of it."""
    row = _rows_by_passage(index).get(passage_id)
    if row is None or index.table.duplicate_groups[row] == NO_GROUP:
        return None
    leader = index.table.duplicate_groups[row]
    return _group(index, leader, _groups(index)[leader], page, per_page)


def is_known_passage(index: SearchIndex, passage_id: str) -> bool:
    """Whether the index holds a passage with this id."""
    return passage_id in _rows_by_passage(index)


def iter_group_members(index: SearchIndex) -> Iterator[tuple[str, int, int, GroupMember]]:
    """Every passage of every group, largest group first: (group, its reports, its passages, the member).

    Members here leave out the heading path, which would cost a stored-field read each.
    """
    table = index.table
    for leader, rows in _groups(index).items():
        reports = len({table.report_rows[row] for row in rows})
        for row in rows:
            yield table.passage_ids[leader], reports, len(rows), _member(index, row, None)


def report_shares(index: SearchIndex) -> tuple[ReportShare, ...]:
    """Every report with the share of its passage text that has near-copies elsewhere, most copied first."""
    key = "report shares"
    if key not in index._cache:
        table = index.table
        characters = [0] * len(table.report_ids)
        copied = [0] * len(table.report_ids)
        for row in index.live_rows.tolist():
            # The match text is the folded heading path, a line break, then the folded passage text.
            length = len(table.match_texts[row]) - table.heading_ends[row] - 1
            report_row = table.report_rows[row]
            characters[report_row] += length
            if table.duplicate_groups[row] != NO_GROUP:
                copied[report_row] += length
        shares = [
            ReportShare(
                report_id=table.report_ids[report_row],
                title=table.titles[report_row],
                township=table.townships[report_row],
                county=table.counties[report_row],
                province=table.provinces[report_row],
                year=table.years[report_row],
                characters=characters[report_row],
                copied_characters=copied[report_row],
                share=round(copied[report_row] / characters[report_row], 4) if characters[report_row] else 0.0,
            )
            for report_row in sorted(set(table.report_rows[row] for row in index.live_rows.tolist()))
        ]
        index._cache[key] = tuple(sorted(shares, key=lambda share: (-share.share, -share.copied_characters, share.report_id)))
    return index._cache[key]


def copies_in_report(index: SearchIndex, report_id: str) -> dict[str, int]:
    """Per passage of a report, how many other reports hold a near-copy of it (passages without any left out)."""
    rows = _rows_by_report(index).get(report_id, ())
    return {
        index.table.passage_ids[row]: int(index.duplicate_reports[row]) for row in rows if index.duplicate_reports[row]
    }


def _groups(index: SearchIndex) -> dict[int, list[int]]:
    """Leader → its group's rows (newest reports first), groups spanning the most reports first; once per index."""
    key = "duplicate groups"
    if key not in index._cache:
        table = index.table
        groups: dict[int, list[int]] = {}
        for row in index.live_rows.tolist():
            leader = table.duplicate_groups[row]
            if leader != NO_GROUP:
                groups.setdefault(leader, []).append(row)
        for rows in groups.values():
            rows.sort(key=lambda row: (index.negative_years[row], index.township_ranks[row], row))
        order = sorted(
            groups,
            key=lambda leader: (-index.duplicate_reports[leader], -len(groups[leader]), table.passage_ids[leader]),
        )
        index._cache[key] = {leader: groups[leader] for leader in order}
    return index._cache[key]


def _rows_by_passage(index: SearchIndex) -> dict[str, int]:
    key = "rows by passage id"
    if key not in index._cache:
        index._cache[key] = {index.table.passage_ids[row]: row for row in index.live_rows.tolist()}
    return index._cache[key]


def _rows_by_report(index: SearchIndex) -> dict[str, list[int]]:
    key = "rows by report id"
    if key not in index._cache:
        table = index.table
        rows: dict[str, list[int]] = {}
        for row in index.live_rows.tolist():
            rows.setdefault(table.report_ids[table.report_rows[row]], []).append(row)
        index._cache[key] = rows
    return index._cache[key]


def _group(index: SearchIndex, leader: int, rows: list[int], page: int, per_page: int) -> DuplicateGroup:
    """A group with one page of its members."""
    searcher = index.searcher()
    stored = searcher.stored_fields(leader)
    shown = rows[(page - 1) * per_page:page * per_page]
    return DuplicateGroup(
        passage_id=index.table.passage_ids[leader],
        reports=int(index.duplicate_reports[leader]) + 1,
        passages=len(rows),
        representative=_member(index, leader, stored),
        text=stored.get("text", ""),
        page=page,
        per_page=per_page,
        members=tuple(_member(index, row, searcher.stored_fields(row)) for row in shown),
    )


def _member(index: SearchIndex, row: int, stored: dict | None) -> GroupMember:
    """A group member from the table, with its heading path when its stored fields are given."""
    fields = passage_fields(index, row)
    return GroupMember(
        **fields,
        heading_path=tuple(stored.get("heading_path", ())) if stored else (),
        url=passage_url(fields["report_id"], fields["passage_id"]),
    )
