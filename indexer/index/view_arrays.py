"""Per-document arrays the research views read, computed by the build from the passage table and kept beside the
search arrays (search_arrays.py), so that no view decodes every passage of a national corpus on its first call:

- `text_characters`: the characters of each passage's text (its match text less the heading path and the line
  break after it; a deleted document counts -1), for report lengths and copied shares;
- `heading_parts`: the required parts (parse/required_parts.py) that each passage's subsection headings name, as
  bits, for the reviewer's check of reports that fold a part into another section.

Document numbers outlive an update (kept segments are never merged), so an update takes the previous
generation's values for the documents it kept and computes only its new documents'.
"""
from __future__ import annotations

import numpy as np

from indexer.index.schema import PassageTable
from indexer.parse import part_bits

VIEW_ARRAYS = ("text_characters", "heading_parts")
# Text bytes examined at a time when counting characters (small enough to stay in the CPU cache: 30 ms for 75 MB,
# where 32 MB at a time took 120 ms).
_CHUNK_BYTES = 1 << 20


def compute_view_arrays(table: PassageTable, previous: dict[str, np.ndarray] | None = None) -> dict[str, np.ndarray]:
    """The view arrays of a table read from a generation (mapped columns); `previous` are the previous generation's,
    when this one kept its documents under their numbers."""
    count = table.document_count
    kept = min(_kept_documents(previous), count)
    column = table.match_texts
    offsets = np.asarray(column.offsets, dtype=np.int64)
    heading_ends = np.asarray(table.heading_ends.array, dtype=np.int64)
    characters = np.empty(count, dtype=np.int64)
    parts = np.zeros(count, dtype=np.uint8)
    if kept:
        characters[:kept] = previous["text_characters"][:kept]
        parts[:kept] = previous["heading_parts"][:kept]
    start = int(offsets[kept])
    characters[kept:] = utf8_lengths(offsets[kept:] - start, column.blob[start:]) - heading_ends[kept:] - 1
    parts[kept:] = heading_part_bits(table, range(kept, count))
    deleted = np.asarray(table.report_rows.array) < 0
    characters[deleted], parts[deleted] = -1, 0
    return {"text_characters": characters, "heading_parts": parts}


def heading_part_bits(table: PassageTable, documents) -> np.ndarray:
    """`part_bits` of the folded heading path of each document in `documents`."""
    column = table.match_texts
    blob, offsets, heading_ends = column.blob, column.offsets, table.heading_ends.array
    documents = np.asarray(documents, dtype=np.int64)
    found = np.zeros(len(documents), dtype=np.uint8)
    bits_of: dict[bytes, int] = {}
    for position, (start, end) in enumerate(zip(offsets[documents].tolist(), heading_ends[documents].tolist())):
        # A heading path of `end` characters lies within its first 4·end bytes; a character cut there lies after
        # it. Only a path with a subsection (a line break) can name a part: the first heading is the section's own.
        path = str(blob[start:start + 4 * end], "utf-8", "ignore")[:end]
        if "\n" not in path:
            continue
        bits = bits_of.get(path)
        if bits is None:
            bits = bits_of[path] = part_bits(path)
        found[position] = bits
    return found


def utf8_lengths(offsets: np.ndarray, blob) -> np.ndarray:
    """The characters of each UTF-8 text `blob[offsets[i]:offsets[i + 1]]`."""
    offsets = np.asarray(offsets, dtype=np.int64)
    signed = np.frombuffer(blob, dtype=np.int8)
    # Continuation bytes before each offset, a chunk of bytes at a time: 8 flags (0 or 1) are summed as one word.
    before = np.zeros(len(offsets), dtype=np.int64)
    ones = np.uint64(0x0101010101010101)
    total = 0
    for start in range(0, len(signed), _CHUNK_BYTES):
        part = signed[start:start + _CHUNK_BYTES]
        flags = np.zeros((len(part) + 7) // 8 * 8, dtype=np.uint8)
        np.less(part, -64, out=flags[:len(part)].view(bool))
        words = flags.view(np.uint64)
        per_word = words * ones
        per_word >>= np.uint64(56)
        prefix = np.cumsum(per_word, dtype=np.int64)
        total_here = int(prefix[-1]) if len(prefix) else 0
        prefix -= per_word.view(np.int64)
        low, high = np.searchsorted(offsets, [start, start + len(part)])
        inside = offsets[low:high] - start
        word = inside >> 3
        mask = (np.uint64(1) << ((inside & 7).astype(np.uint64) * np.uint64(8))) - np.uint64(1)
        partial = (((words[word] & mask) * ones) >> np.uint64(56)).astype(np.int64)
        before[low:high] = total + prefix[word] + partial
        total += total_here
    before[offsets >= len(signed)] = total
    return np.diff(offsets) - np.diff(before)


def _kept_documents(previous: dict[str, np.ndarray] | None) -> int:
    if not previous or any(name not in previous for name in VIEW_ARRAYS):
        return 0
    return min(len(previous[name]) for name in VIEW_ARRAYS)
