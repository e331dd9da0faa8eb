"""An opened index in, its near-duplicate groups as people read them out: the largest groups (the
boilerplate) with a representative text, the passages of one group, and per report the share of its
text that other reports hold near-copies of.

The groups themselves are found at index time (duplicates.py); a group is named by its leader passage,
whose text stands for the group.
"""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from indexer.index import BOILERPLATE_REPORTS, NO_GROUP
from indexer.research.passage_arrays import (
    cached,
    live_report_rows,
    passage_row_of,
    report_characters,
    report_column,
    report_passages,
    report_row_of,
)
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
        groups_total=len(groups.leaders),
        passages_total=len(index.live_rows),
        passages_in_groups=len(groups.rows),
        boilerplate_passages=int(np.count_nonzero(index.duplicate_reports[index.live_rows] >= BOILERPLATE_REPORTS)),
        page=page,
        per_page=per_page,
        groups=tuple(
            _group(index, leader, groups.members(leader), 1, members_shown) for leader in groups.leaders[first:first + per_page]
        ),
        reports_total=len(shares),
        report_page=report_page,
        reports=shares[first_report:first_report + per_page],
    )


def duplicate_group(index: SearchIndex, passage_id: str, page: int = 1, per_page: int = 100) -> DuplicateGroup | None:
    """The group of a passage with one page of its members, or None when the passage is unknown or no other
    report holds a near-copy of it."""
    row = passage_row_of(index, passage_id)
    if row is None or index.table.duplicate_groups[row] == NO_GROUP:
        return None
    leader = index.table.duplicate_groups[row]
    return _group(index, leader, _groups(index).members(leader), page, per_page)


def is_known_passage(index: SearchIndex, passage_id: str) -> bool:
    """Whether the index holds a passage with this id."""
    return passage_row_of(index, passage_id) is not None


def iter_group_members(index: SearchIndex) -> Iterator[tuple[str, int, int, GroupMember]]:
    """Every passage of every group, largest group first: (group, its reports, its passages, the member).

    Members here leave out the heading path, which would cost a stored-field read each.
    """
    table = index.table
    groups = _groups(index)
    for leader in groups.leaders:
        rows = groups.members(leader)
        reports = len(np.unique(index.report_rows[rows]))
        for row in rows.tolist():
            yield table.passage_ids[leader], reports, len(rows), _member(index, row, None)


def report_shares(index: SearchIndex) -> Sequence[ReportShare]:
    """Every report with the share of its passage text that has near-copies elsewhere, most copied first.

    The order is found once per index; a report's ReportShare is made when it is read (a page reads 20).
    """
    return cached(index, "report shares", lambda: _ReportShares(index))


class _ReportShares(Sequence):
    """The reports most copied first, each read as a ReportShare."""

    def __init__(self, index: SearchIndex) -> None:
        characters, copied = report_characters(index)
        report_rows = live_report_rows(index).tolist()
        self.characters, self.copied = characters[report_rows].tolist(), copied[report_rows].tolist()
        self.shares = [round(copied / total, 4) if total else 0.0 for copied, total in zip(self.copied, self.characters)]
        ids = report_column(index, "report_ids")
        order = sorted(range(len(report_rows)), key=lambda at: (-self.shares[at], -self.copied[at], ids[report_rows[at]]))
        self.order, self.report_rows, self.table = order, report_rows, index.table

    def __len__(self) -> int:
        return len(self.order)

    def __getitem__(self, item):
        if isinstance(item, slice):
            return tuple(map(self._share, self.order[item]))
        return self._share(self.order[item])

    def _share(self, at: int) -> ReportShare:
        table, row = self.table, self.report_rows[at]
        return ReportShare(
            report_id=table.report_ids[row],
            title=table.titles[row],
            township=table.townships[row],
            county=table.counties[row],
            province=table.provinces[row],
            year=table.years[row],
            characters=self.characters[at],
            copied_characters=self.copied[at],
            share=self.shares[at],
        )


def copies_in_report(index: SearchIndex, report_id: str) -> dict[str, int]:
    """Per passage of a report, how many other reports hold a near-copy of it (passages without any left out)."""
    report_row = report_row_of(index, report_id)
    rows = report_passages(index).of(report_row).tolist() if report_row is not None else []
    return {
        index.table.passage_ids[row]: int(index.duplicate_reports[row]) for row in rows if index.duplicate_reports[row]
    }


@dataclass(frozen=True)
class _Groups:
    """The near-duplicate groups: leaders, groups spanning the most reports first, and each one's rows (newest
    reports first) as `rows[span[leader][0]:span[leader][1]]`."""

    leaders: list[int]
    span: dict[int, tuple[int, int]]
    rows: np.ndarray

    def members(self, leader: int) -> np.ndarray:
        start, end = self.span[leader]
        return self.rows[start:end]


def _groups(index: SearchIndex) -> _Groups:
    """The groups of the live passages; once per index."""
    return cached(index, "duplicate groups", lambda: _grouped(index))


def _grouped(index: SearchIndex) -> _Groups:
    table = index.table
    live = index.live_rows
    leaders_of = table.duplicate_groups.array[live].astype(np.int64)
    rows = live[leaders_of != NO_GROUP]
    leaders_of = leaders_of[leaders_of != NO_GROUP]
    order = np.lexsort((rows, index.township_ranks[rows], index.negative_years[rows], leaders_of))
    rows, leaders_of = rows[order], leaders_of[order]
    leaders, starts, sizes = np.unique(leaders_of, return_index=True, return_counts=True)
    leaders, starts, sizes = leaders.tolist(), starts.tolist(), sizes.tolist()
    reports = index.duplicate_reports[leaders].tolist() if leaders else []
    ids = [table.passage_ids[leader] for leader in leaders]
    ordered = sorted(range(len(leaders)), key=lambda at: (-reports[at], -sizes[at], ids[at]))
    return _Groups(
        leaders=[leaders[at] for at in ordered],
        span={leader: (start, start + size) for leader, start, size in zip(leaders, starts, sizes)},
        rows=rows,
    )


def _group(index: SearchIndex, leader: int, rows: np.ndarray, page: int, per_page: int) -> DuplicateGroup:
    """A group with one page of its members."""
    searcher = index.searcher()
    stored = searcher.stored_fields(leader)
    shown = rows[(page - 1) * per_page:page * per_page].tolist()
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
