"""Township facet values in, the same values grouped under their province and county out (for the sidebar)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from indexer.search import FacetValue, SearchIndex
from webui.index_holder import current_index


@dataclass(frozen=True)
class TownshipGroup:
    """The townships of one county, under its province."""

    province: str
    county: str
    townships: tuple[FacetValue, ...]


@dataclass(frozen=True)
class _TownshipRows:
    """Each township name's code in the table, and per code its first report row (made once per opened index)."""

    codes: dict[str, int]
    first_rows: np.ndarray


def township_place(index: SearchIndex, township: str) -> tuple[str, str]:
    """A township's (province, county), as its first report in the index has them; ("", "") when unknown.

    Only the townships a page shows are looked up: a national index has tens of thousands.
    """
    found = index._cache.get("township rows")
    if found is None:
        column = index.table.townships
        first_rows = np.full(len(column.names), -1, dtype=np.int64)
        codes, first = np.unique(column.codes, return_index=True)
        first_rows[codes] = first
        found = index._cache["township rows"] = _TownshipRows(
            {name: code for code, name in enumerate(column.names) if name}, first_rows
        )
    code = found.codes.get(township)
    row = int(found.first_rows[code]) if code is not None else -1
    return (index.table.provinces[row], index.table.counties[row]) if row >= 0 else ("", "")


def group_townships(values: tuple[FacetValue, ...]) -> list[TownshipGroup]:
    """Townships grouped by province and county, groups ordered by their largest count, as facets are."""
    index = current_index()
    groups: dict[tuple[str, str], list[FacetValue]] = {}
    for value in values:
        groups.setdefault(township_place(index, value.value), []).append(value)
    return [TownshipGroup(province, county, tuple(items)) for (province, county), items in groups.items()]
