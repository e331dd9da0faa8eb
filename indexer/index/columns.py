"""Read-only columns over numpy arrays, as the passage table file holds them: a sequence per column that reads
one value at a time as the Python value the rest of the code expects (int, str, tuple), and exposes its
arrays for the searches that count, filter and gather in numpy instead of a Python loop per row.

A column read from a table file is a view into the memory-mapped file: nothing is copied when the index
opens, the pages are read when touched and shared between every process serving the same generation.
"""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from itertools import repeat
from typing import Generic, TypeVar

import numpy as np

Value = TypeVar("Value")

# Values are decoded this many at a time when a column is iterated whole.
_CHUNK = 65536


class Column(Sequence, Generic[Value]):
    """A read-only sequence of a table column; `column[row]` is a Python value, a slice a list."""

    def __len__(self) -> int:
        raise NotImplementedError

    def value(self, row: int) -> Value:
        raise NotImplementedError

    def values(self, start: int, end: int) -> list[Value]:
        return [self.value(row) for row in range(start, end)]

    def __getitem__(self, item):  # type: ignore[override]
        if isinstance(item, slice):
            return [self.value(row) for row in range(*item.indices(len(self)))]
        row = int(item)
        if row < 0:
            row += len(self)
        if not 0 <= row < len(self):
            raise IndexError(f"row {item} is outside a column of {len(self)}")
        return self.value(row)

    def __iter__(self) -> Iterator[Value]:
        for start in range(0, len(self), _CHUNK):
            yield from self.values(start, min(start + _CHUNK, len(self)))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (Column, list, tuple)):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"<{type(self).__name__} of {len(self)}>"


class NumberColumn(Column[int]):
    """Integers (or floats) in one array; `missing` reads as None (a year of 0 is no year)."""

    def __init__(self, array: np.ndarray, missing: int | None = None) -> None:
        self.array = array
        self.missing = missing

    def __len__(self) -> int:
        return len(self.array)

    def value(self, row: int):
        found = self.array[row].item()
        return None if self.missing is not None and found == self.missing else found

    def values(self, start: int, end: int) -> list:
        found = self.array[start:end].tolist()
        if self.missing is None:
            return found
        return [None if value == self.missing else value for value in found]


class CodedColumn(Column[str]):
    """Few distinct texts (section types, townships, provinces): a code per row into a list of the values."""

    def __init__(self, codes: np.ndarray, names: list[str]) -> None:
        self.codes = codes
        self.names = names

    def __len__(self) -> int:
        return len(self.codes)

    def value(self, row: int) -> str:
        return self.names[self.codes[row]]

    def values(self, start: int, end: int) -> list[str]:
        return list(map(self.names.__getitem__, self.codes[start:end].tolist()))


class BlobColumn(Column[bytes]):
    """Byte strings of any length: offsets (one more than the rows) into one blob."""

    def __init__(self, offsets: np.ndarray, blob: memoryview | bytes) -> None:
        self.offsets = offsets
        self.blob = blob

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def value(self, row: int) -> bytes:
        return bytes(self.blob[self.offsets[row]:self.offsets[row + 1]])

    def values(self, start: int, end: int) -> list[bytes]:
        bounds = self.offsets[start:end + 1].tolist()
        blob = self.blob
        return [bytes(blob[begin:finish]) for begin, finish in zip(bounds, bounds[1:])]


class TextColumn(BlobColumn):
    """Texts of any length, UTF-8 in one blob (a text's characters are decoded only when it is read).

    `source` is what the blob is a part of (the mapped file, or the blob itself) and `base` where it starts
    there: a substring test runs on the bytes in place (`find` of an mmap or bytes takes a range), with no
    text decoded or copied. UTF-8 is self-synchronising, so the bytes of a text hold a phrase's bytes
    exactly when the text holds the phrase.
    """

    def __init__(self, offsets: np.ndarray, blob: memoryview | bytes, source=None, base: int = 0) -> None:
        super().__init__(offsets, blob)
        self.source = blob if source is None else source
        self.base = base

    def rows_containing(self, rows: np.ndarray, phrase: str) -> np.ndarray:
        """The rows (ascending or not, kept in their order) whose text contains the phrase; the tests run in C."""
        if not len(rows):
            return rows
        needle = phrase.encode("utf-8")
        starts = (self.offsets[rows] + self.base).tolist()
        ends = (self.offsets[rows + 1] + self.base).tolist()
        found = np.fromiter(map(self.source.find, repeat(needle), starts, ends), dtype=np.int64, count=len(starts))
        return rows[found >= 0]

    def value(self, row: int) -> str:  # type: ignore[override]
        return str(self.blob[self.offsets[row]:self.offsets[row + 1]], "utf-8")

    def values(self, start: int, end: int) -> list[str]:  # type: ignore[override]
        bounds = self.offsets[start:end + 1].tolist()
        blob = self.blob
        return [str(blob[begin:finish], "utf-8") for begin, finish in zip(bounds, bounds[1:])]


class TupleColumn(Column[tuple]):
    """A tuple of few distinct texts per row (cited laws, warnings): offsets into one array of codes."""

    def __init__(self, offsets: np.ndarray, codes: np.ndarray, names: list[str]) -> None:
        self.offsets = offsets
        self.codes = codes
        self.names = names

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def value(self, row: int) -> tuple:
        start, end = self.offsets[row], self.offsets[row + 1]
        if start == end:
            return ()
        return tuple(map(self.names.__getitem__, self.codes[start:end].tolist()))

    def values(self, start: int, end: int) -> list[tuple]:
        bounds = self.offsets[start:end + 1].tolist()
        codes = self.codes[bounds[0]:bounds[-1]].tolist()
        names = self.names
        first = bounds[0]
        return [
            tuple(map(names.__getitem__, codes[begin - first:finish - first])) if finish > begin else ()
            for begin, finish in zip(bounds, bounds[1:])
        ]

    def rows_of_codes(self) -> np.ndarray:
        """The row of each entry of `codes` (a row cited twice appears twice), for counting over many rows at once."""
        return np.repeat(np.arange(len(self), dtype=np.int64), np.diff(self.offsets))


def stretch_positions(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Every position of the stretches [starts[i], starts[i] + lengths[i]), stretch after stretch, made at once: the
    entries of many rows (or keys) of offset-indexed arrays gathered without a loop."""
    starts, lengths = np.asarray(starts, dtype=np.int64), np.asarray(lengths, dtype=np.int64)
    return np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(int(lengths.sum()))
