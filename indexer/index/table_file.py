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
)
from indexer.index.postings import Merged, Packed, bigram_code
from indexer.index.schema import INDEX_FORMAT, TABLE_COLUMNS, PassageTable

_MAGIC = b"FZTABLE\x00"
_TRAILER = struct.Struct("<QQ8s")
_ALIGN = 8

# How each column is kept: numbers in an array, few distinct texts as codes, texts and bytes in one blob,
# tuples of few distinct texts as codes behind offsets. Years use 0 for "none".
_KINDS = {
    "passage_ids": "text", "report_rows": "int32", "section_types": "coded", "laws": "tuple",
    "law_events": "tuple", "documents": "tuple", "duplicate_groups": "int32", "match_texts": "text",
    "heading_ends": "int32", "word_boundaries": "blob", "text_lengths": "int32", "heading_lengths": "int32",
    "report_ids": "text", "titles": "text", "townships": "coded", "counties": "coded", "cities": "coded",
    "provinces": "coded", "years": "year", "source_paths": "text", "source_hashes": "text",
    "content_hashes": "text", "report_warnings": "tuple", "dates": "text", "indexed_at": "float64",
}
# Kept in the header, not as arrays.
_HEADER_FIELDS = ("format", "document_count", "law_labels", "skipped_files")
assert set(_KINDS) | set(_HEADER_FIELDS) == set(TABLE_COLUMNS)


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

    def packed(self) -> Packed:
        """All the postings, as a build merges them."""
        return Packed(self.keys, self.starts, self.documents_array)


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


def _offsets(lengths: Iterable[int]) -> np.ndarray:
    lengths = np.fromiter(lengths, dtype=np.int64)
    offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    return offsets


def _write_column(writer: _Writer, kind: str, values: Sequence) -> dict:
    if isinstance(values, Column):
        values = list(values)
    if kind in ("int32", "float64"):
        return {"kind": "number", "array": writer.array(np.asarray(values, dtype=kind))}
    if kind == "year":
        return {"kind": "number", "missing": 0, "array": writer.array(np.asarray([v or 0 for v in values], dtype=np.int32))}
    if kind == "coded":
        names = sorted(set(values))
        number = {name: code for code, name in enumerate(names)}
        codes = np.fromiter(map(number.__getitem__, values), dtype=_code_type(len(names)), count=len(values))
        return {"kind": "coded", "names": names, "codes": writer.array(codes)}
    if kind == "tuple":
        names = sorted(set(chain.from_iterable(values)))
        number = {name: code for code, name in enumerate(names)}
        offsets = _offsets(map(len, values))
        codes = np.fromiter(map(number.__getitem__, chain.from_iterable(values)), dtype=np.uint32, count=int(offsets[-1]))
        return {"kind": "tuple", "names": names, "offsets": writer.array(offsets), "codes": writer.array(codes)}
    encoded = [value.encode("utf-8") for value in values] if kind == "text" else list(values)
    offsets = writer.array(_offsets(map(len, encoded)))
    blob = writer.chunks("u1", encoded)
    return {"kind": kind, "offsets": offsets, "blob": blob}


def write_table_file(path: Path, table: PassageTable, bigrams: Merged, words: dict[str, Merged]) -> None:
    """Write the table, its bigram postings and its ranking words' postings (per field) to `path`, fsynced.

    The postings' documents are written as the merge makes them; a ranking field's counts go to a scratch
    file meanwhile and are copied in after, so neither is ever held whole.
    """
    with open(path, "wb") as file:
        writer = _Writer(file)
        writer.write(_MAGIC)
        columns = {name: _write_column(writer, kind, getattr(table, name)) for name, kind in _KINDS.items()}
        header = {
            "format": INDEX_FORMAT,
            "document_count": table.document_count,
            "law_labels": table.law_labels,
            "skipped_files": table.skipped_files,
            "columns": columns,
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
    words = _write_column(writer, "text", merged.words or [])
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
