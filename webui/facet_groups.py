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


def township_places(index: SearchIndex) -> dict[str, tuple[str, str]]:
    """Each township's (province, county), as the index has them (cached per opened index)."""
    places = index._cache.get("township_places")
    if places is None:
        table = index.table
        # The first report row of each township code (codes are per report row), in report order.
        codes, first = np.unique(table.townships.codes, return_index=True)
        places = {}
        for code, row in sorted(zip(codes.tolist(), first.tolist()), key=lambda item: item[1]):
            township = table.townships.names[code]
            if township:
                places.setdefault(township, (table.provinces[row], table.counties[row]))
        index._cache["township_places"] = places
    return places


def group_townships(values: tuple[FacetValue, ...]) -> list[TownshipGroup]:
    """Townships grouped by province and county, groups ordered by their largest count, as facets are."""
    places = township_places(current_index())
    groups: dict[tuple[str, str], list[FacetValue]] = {}
    for value in values:
        groups.setdefault(places.get(value.value, ("", "")), []).append(value)
    return [TownshipGroup(province, county, tuple(items)) for (province, county), items in groups.items()]
