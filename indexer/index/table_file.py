"""The passage table file: every column as a packed array, written once by a build and memory-mapped by readers.

Layout: a magic line, then each array in turn (aligned to 8 bytes), then a JSON header saying where each
column's arrays lie and holding the small things (value names of coded columns, law labels, skipped
files), then a trailer with the header's place and the magic again, so a file cut short is never misread.

Opening maps the file and makes numpy views of it: nothing is read or copied until touched, so opening
costs the same at any corpus size, and every process serving the generation shares one copy of its
pages through the page cache (they are clean file pages the kernel can evict, not a process's own memory).
"""
from __future__ import annotations

import json
import mmap
import os
import struct
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import chain
from pathlib import Path

import numpy as np

from indexer.index.columns import (
    BlobColumn,
    CodedColumn,
    Column,
    NumberColumn,
    TextColumn,
    TupleColumn,
    stretch_positions,
)
from indexer.index.postings import CHARACTER_BITS, Merged, Packed, bigram_code
from indexer.index.schema import INDEX_FORMAT, TABLE_COLUMNS, PassageTable

_MAGIC = b"FZTABLE\x00"
_TRAILER = struct.Struct("<QQ8s")
_ALIGN = 8

# How each column is kept: numbers in an array, few distinct texts as codes, texts and bytes in one blob,
# tuples of few distinct texts as codes behind offsets. Years use 0 for "none".
COLUMN_KINDS = {
    "passage_ids": "text", "report_rows": "int32", "section_types": "coded", "laws": "tuple",
    "law_events": "tuple", "documents": "tuple", "duplicate_groups": "int32", "match_texts": "text",
    "heading_ends": "int32", "word_boundaries": "blob", "text_lengths": "int32", "heading_lengths": "int32",
    "report_ids": "text", "titles": "text", "townships": "coded", "counties": "coded", "cities": "coded",
    "provinces": "coded", "years": "year", "source_paths": "text", "source_hashes": "text",
    "content_hashes": "text", "report_warnings": "tuple", "dates": "text", "indexed_at": "float64",
}
# Kept in the header, not as arrays.
_HEADER_FIELDS = ("format", "document_count", "law_labels", "skipped_files")
assert set(COLUMN_KINDS) | set(_HEADER_FIELDS) == set(TABLE_COLUMNS)


class BigramPostings:
    """Bigram → the documents whose match text holds it, ascending, in packed arrays (mapped from the file)."""

    def __init__(self, keys: np.ndarray, starts: np.ndarray, documents: np.ndarray) -> None:
        self.keys = keys  # sorted bigram codes
        self.starts = starts  # where each key's documents start in `documents`; one more than the keys
        self.documents_array = documents

    def _span(self, key: str) -> tuple[int, int]:
        if len(key) != 2:
            return 0, 0
        code = bigram_code(key)
        place = int(np.searchsorted(self.keys, code))
        if place >= len(self.keys) or int(self.keys[place]) != code:
            return 0, 0
        return int(self.starts[place]), int(self.starts[place + 1])

    def documents(self, key: str) -> np.ndarray:
        """The document numbers under a bigram (empty when no document has it)."""
        start, end = self._span(key)
        return self.documents_array[start:end]

    def count(self, key: str) -> int:
        """How many documents hold the bigram."""
        start, end = self._span(key)
        return end - start

    def character_documents(self, character: str, documents: int) -> np.ndarray:
        """The documents (ascending, below `documents`) whose match text holds the character: those under a key it
        begins (its pairs, and its LONE key: one stretch of keys, so one slice of the postings) or ends (keys found
        by their low bits, each a stretch of its own)."""
        code = ord(character)
        first, last = np.searchsorted(self.keys, [code << CHARACTER_BITS, (code + 1) << CHARACTER_BITS]).tolist()
        marked = np.zeros(documents, dtype=bool)
        marked[self.documents_array[int(self.starts[first]):int(self.starts[last])]] = True
        ending = np.flatnonzero((self.keys & np.uint64((1 << CHARACTER_BITS) - 1)) == np.uint64(code))
        starts, ends = self.starts[ending].astype(np.int64), self.starts[ending + 1].astype(np.int64)
        # A common character ends tens of thousands of keys with tens of millions of postings in all: their
        # positions are made a batch of keys at a time, so the scratch memory stays near _POSITIONS_AT_ONCE.
        reach = np.cumsum(ends - starts)
        batch_ends = np.searchsorted(reach, np.arange(_POSITIONS_AT_ONCE, int(reach[-1]) if len(reach) else 0,
                                                       _POSITIONS_AT_ONCE), side="right")
        for begin, end in zip([0, *batch_ends.tolist()], [*batch_ends.tolist(), len(ending)]):
            if end > begin:
                marked[self.documents_array[stretch_positions(starts[begin:end], ends[begin:end] - starts[begin:end])]] = True
        return np.flatnonzero(marked)

    def packed(self) -> Packed:
        """All the postings, as a build merges them."""
        return Packed(self.keys, self.starts, self.documents_array)


# Postings positions made at once when a character's keys are gathered (8 bytes each, and as many documents).
_POSITIONS_AT_ONCE = 1 << 21


class WordPostings:
    """Ranking word → the documents holding it, ascending, with the word's count in each (mapped from the file)."""

    def __init__(self, words: TextColumn, starts: np.ndarray, documents: np.ndarray, counts: np.ndarray) -> None:
        self.words = words  # ascending
        self.starts = starts
        self.documents_array = documents
        self.counts_array = counts

    def _span(self, word: str) -> tuple[int, int]:
        low, high = 0, len(self.words)
        while low < high:
            middle = (low + high) // 2
            if self.words.value(middle) < word:
                low = middle + 1
            else:
                high = middle
        if low < len(self.words) and self.words.value(low) == word:
            return int(self.starts[low]), int(self.starts[low + 1])
        return 0, 0

    def postings(self, word: str) -> tuple[np.ndarray, np.ndarray]:
        """The documents holding the word and its count in each (empty when none does)."""
        start, end = self._span(word)
        return self.documents_array[start:end], self.counts_array[start:end]

    def frequency(self, word: str) -> int:
        """How many documents hold the word."""
        start, end = self._span(word)
        return end - start

    def packed(self) -> Packed:
        """All the postings, as a build merges them."""
        return Packed(
            np.arange(len(self.words), dtype=np.uint64), self.starts, self.documents_array, self.counts_array, list(self.words)
        )


class _Writer:
    """Appends aligned arrays to the open file and remembers where each went."""

    def __init__(self, file) -> None:
        self.file = file
        self.place = 0

    def write(self, data: bytes | memoryview | np.ndarray) -> None:
        view = memoryview(data).cast("B") if not isinstance(data, np.ndarray) else memoryview(np.ascontiguousarray(data)).cast("B")
        self.file.write(view)
        self.place += len(view)

    def array(self, values: np.ndarray) -> list:
        """Write one array; its [offset, dtype, count] for the header."""
        self.pad()
        start = self.place
        self.write(values)
        return [start, values.dtype.str, int(values.size)]

    def chunks(self, dtype: str, chunks: Iterable[np.ndarray | bytes]) -> list:
        """Write one array given in pieces (to keep no whole copy of it); its [offset, dtype, count]."""
        self.pad()
        start = self.place
        for chunk in chunks:
            self.write(chunk)
        return [start, np.dtype(dtype).str, (self.place - start) // np.dtype(dtype).itemsize]

    def pad(self) -> None:
        extra = -self.place % _ALIGN
        if extra:
            self.write(b"\0" * extra)


def _code_type(count: int) -> np.dtype:
    return np.dtype(np.uint8 if count <= 1 << 8 else np.uint16 if count <= 1 << 16 else np.uint32)


def _offsets(lengths: np.ndarray) -> np.ndarray:
    offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    return offsets


@dataclass(frozen=True)
class Part:
    """A stretch of a column as it is written: a column's rows, less those `keep` leaves out, with those
    `blank` flags written empty (0, "", (), the one byte of no boundaries: a deleted document's row)."""

    column: Column
    keep: np.ndarray | None = None  # bool per row of the column
    blank: np.ndarray | None = None  # bool per row of the column (of the kept rows when both are given)


# What a blanked row holds, per kind.
_BLANK_BYTES = {"text": b"", "blob": b"\x01"}


def used_names(parts: Sequence[Part]) -> set[str]:
    """The names a coded or tuple column's parts use in their kept rows that are not blanked."""
    found: set[str] = set()
    for part in parts:
        codes = _part_codes(part)[0]
        found.update(part.column.names[code] for code in np.unique(codes).tolist())
    return found


def _part_codes(part: Part) -> tuple[np.ndarray, np.ndarray | None]:
    """A coded or tuple part's codes of its kept, unblanked rows, and (tuples) the length of each written row."""
    column = part.column
    if isinstance(column, CodedColumn):
        codes = np.asarray(column.codes)
        if part.keep is not None:
            codes = codes[part.keep]
        return (codes[~part.blank] if part.blank is not None else codes), None
    offsets = np.asarray(column.offsets)
    lengths = np.diff(offsets)
    codes = np.asarray(column.codes[offsets[0]:offsets[-1]])
    if part.keep is not None:
        codes = codes[np.repeat(part.keep, lengths)]
        lengths = lengths[part.keep]
    if part.blank is not None:
        codes = codes[np.repeat(~part.blank, lengths)]
        lengths = np.where(part.blank, 0, lengths)
    return codes, lengths


def _write_parts(writer: _Writer, kind: str, parts: Sequence[Part]) -> dict:
    """Write one column given in parts, as one column of the kind."""
    if kind in ("int32", "float64", "year"):
        arrays = []
        for part in parts:
            values = np.asarray(part.column.array)
            if part.keep is not None:
                values = values[part.keep]
            arrays.append(np.where(part.blank, 0, values) if part.blank is not None else values)
        joined = np.concatenate(arrays).astype(np.int32 if kind == "year" else kind) if arrays else np.zeros(0, kind if kind != "year" else np.int32)
        if kind == "year":
            return {"kind": "number", "missing": 0, "array": writer.array(joined)}
        return {"kind": "number", "array": writer.array(joined)}
    if kind in ("coded", "tuple"):
        names = sorted(used_names(parts) | ({""} if kind == "coded" and any(p.blank is not None and p.blank.any() for p in parts) else set()))
        number = {name: code for code, name in enumerate(names)}
        all_codes, all_lengths = [], []
        for part in parts:
            recode = np.fromiter((number.get(name, 0) for name in part.column.names), dtype=np.uint32, count=len(part.column.names))
            codes, lengths = _part_codes(part)
            codes = recode[codes] if len(recode) else codes.astype(np.uint32)
            if kind == "coded" and part.blank is not None:
                rows = np.full(len(part.blank), number.get("", 0), dtype=np.uint32)
                rows[~part.blank] = codes
                codes = rows
            all_codes.append(codes)
            all_lengths.append(lengths)
        if kind == "coded":
            joined = np.concatenate(all_codes) if all_codes else np.zeros(0, np.uint32)
            return {"kind": "coded", "names": names, "codes": writer.array(joined.astype(_code_type(len(names))))}
        offsets = _offsets(np.concatenate(all_lengths)) if all_lengths else np.zeros(1, np.int64)
        joined = np.concatenate(all_codes).astype(np.uint32) if all_codes else np.zeros(0, np.uint32)
        return {"kind": "tuple", "names": names, "offsets": writer.array(offsets), "codes": writer.array(joined)}
    blank_bytes = _BLANK_BYTES[kind]
    lengths = []
    for part in parts:
        found = np.diff(np.asarray(part.column.offsets))
        if part.keep is not None:
            found = found[part.keep]
        lengths.append(np.where(part.blank, len(blank_bytes), found) if part.blank is not None else found)
    offsets = writer.array(_offsets(np.concatenate(lengths)) if lengths else np.zeros(1, np.int64))
    blob = writer.chunks("u1", chain.from_iterable(_blob_pieces(part, blank_bytes) for part in parts))
    return {"kind": kind, "offsets": offsets, "blob": blob}


def _blob_pieces(part: Part, blank_bytes: bytes) -> Iterator[memoryview | bytes]:
    """The bytes of a text or blob part's written rows, in stretches of rows written alike (never copied whole)."""
    offsets = np.asarray(part.column.offsets)
    rows = len(offsets) - 1
    # Each row's place among the column's rows, and whether it is written blank, for the kept rows.
    kept = np.arange(rows) if part.keep is None else np.flatnonzero(part.keep)
    blank = np.zeros(len(kept), dtype=bool) if part.blank is None else np.asarray(part.blank, dtype=bool)
    if not len(kept):
        return
    # Stretches of consecutive kept rows with the same blankness.
    breaks = np.flatnonzero((np.diff(kept) != 1) | (np.diff(blank.astype(np.int8)) != 0)) + 1
    starts = np.concatenate([[0], breaks]).tolist()
    ends = np.concatenate([breaks, [len(kept)]]).tolist()
    blob = part.column.blob
    for start, end in zip(starts, ends):
        if blank[start]:
            if blank_bytes:
                yield blank_bytes * (end - start)
            continue
        first, last = int(offsets[kept[start]]), int(offsets[kept[end - 1] + 1])
        for place in range(first, last, _BLOB_PIECE):
            yield blob[place:min(place + _BLOB_PIECE, last)]


# Bytes of a blob written at once.
_BLOB_PIECE = 1 << 24


def write_table_file(
    path: Path,
    columns: dict[str, Sequence[Part]],
    small: dict,
    bigrams: Merged,
    words: dict[str, Merged],
) -> None:
    """Write the table (each column given in parts; `small` the header's fields: format, document count, law
    labels, skipped files), its bigram postings and its ranking words' postings (per field) to `path`, fsynced.

    The postings' documents are written as the merge makes them; a ranking field's counts go to a scratch
    file meanwhile and are copied in after, so neither is ever held whole; nor is any text column.
    """
    with open(path, "wb") as file:
        writer = _Writer(file)
        writer.write(_MAGIC)
        written = {name: _write_parts(writer, kind, columns[name]) for name, kind in COLUMN_KINDS.items()}
        header = {
            **{field: small[field] for field in _HEADER_FIELDS},
            "columns": written,
            "postings": {
                "keys": writer.array(bigrams.keys.astype(np.uint64)),
                "starts": writer.array(bigrams.starts),
                "documents": writer.chunks("u4", (documents for documents, _counts in bigrams.pieces)),
            },
            "words": {field: _write_words(writer, path, merged) for field, merged in words.items()},
        }
        writer.pad()
        header_place = writer.place
        encoded = json.dumps(header, ensure_ascii=False).encode("utf-8")
        writer.write(encoded)
        writer.write(_TRAILER.pack(header_place, len(encoded), _MAGIC))
        file.flush()
        os.fsync(file.fileno())


def _write_words(writer: _Writer, path: Path, merged: Merged) -> dict:
    words = _write_words_column(writer, merged.words or [])
    starts = writer.array(merged.starts)
    scratch = path.with_name(path.name + ".counts")
    try:
        with open(scratch, "w+b") as counts_file:
            def documents() -> Iterator[np.ndarray]:
                for found, counts in merged.pieces:
                    counts_file.write(memoryview(np.ascontiguousarray(counts)).cast("B"))
                    yield found

            documents_part = writer.chunks("u4", documents())
            counts_file.seek(0)
            counts_part = writer.chunks("u2", iter(lambda: counts_file.read(1 << 24), b""))
    finally:
        scratch.unlink(missing_ok=True)
    return {"words": words, "starts": starts, "documents": documents_part, "counts": counts_part}


def _write_words_column(writer: _Writer, words: list[str]) -> dict:
    encoded = [word.encode("utf-8") for word in words]
    offsets = writer.array(_offsets(np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded))))
    return {"kind": "text", "offsets": offsets, "blob": writer.chunks("u1", encoded)}


def read_table_file(path: Path) -> tuple[PassageTable, BigramPostings, dict[str, WordPostings]] | None:
    """The table and postings of a table file, mapped; None when it is missing, cut short or of another format."""
    try:
        with open(path, "rb") as file:
            mapped = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError):
        return None
    try:
        header = _header(mapped)
    except (ValueError, KeyError, TypeError, UnicodeDecodeError, struct.error):
        header = None
    if header is None or header.get("format") != INDEX_FORMAT:
        mapped.close()
        return None

    try:
        return _mapped_table(header, mapped)
    except (ValueError, KeyError, TypeError, IndexError):
        mapped.close()
        return None


def _mapped_table(header: dict, mapped: mmap.mmap) -> tuple[PassageTable, BigramPostings, dict[str, WordPostings]]:
    def array(part: list) -> np.ndarray:
        offset, dtype, count = part
        if count == 0:
            return np.zeros(0, dtype=dtype)
        return np.frombuffer(mapped, dtype=dtype, count=count, offset=offset)

    def blob(part: list) -> memoryview:
        offset, _dtype, count = part
        return memoryview(mapped)[offset:offset + count]

    columns: dict[str, Column] = {}
    for name, column in header["columns"].items():
        kind = column["kind"]
        if kind == "number":
            columns[name] = NumberColumn(array(column["array"]), column.get("missing"))
        elif kind == "coded":
            columns[name] = CodedColumn(array(column["codes"]), column["names"])
        elif kind == "tuple":
            columns[name] = TupleColumn(array(column["offsets"]), array(column["codes"]), column["names"])
        elif kind == "text":
            columns[name] = TextColumn(array(column["offsets"]), blob(column["blob"]), mapped, column["blob"][0])
        else:
            columns[name] = BlobColumn(array(column["offsets"]), blob(column["blob"]))
    table = PassageTable(
        format=header["format"],
        document_count=header["document_count"],
        law_labels=header["law_labels"],
        skipped_files={key: tuple(value) for key, value in header["skipped_files"].items()},
        **columns,
    )
    found = header["postings"]
    bigrams = BigramPostings(array(found["keys"]), array(found["starts"]), array(found["documents"]))
    words = {
        field: WordPostings(
            TextColumn(array(part["words"]["offsets"]), blob(part["words"]["blob"]), mapped, part["words"]["blob"][0]),
            array(part["starts"]), array(part["documents"]), array(part["counts"]),
        )
        for field, part in header["words"].items()
    }
    return table, bigrams, words


def _header(mapped: mmap.mmap) -> dict | None:
    size = len(mapped)
    if size < len(_MAGIC) + _TRAILER.size or mapped[:len(_MAGIC)] != _MAGIC:
        return None
    place, length, magic = _TRAILER.unpack(mapped[size - _TRAILER.size:])
    if magic != _MAGIC or place + length != size - _TRAILER.size:
        return None
    return json.loads(mapped[place:place + length].decode("utf-8"))
