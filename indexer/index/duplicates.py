"""Folded passage texts in, near-duplicate groups across reports out (the template language reports copy).

A passage's signature is a MinHash of its character 5-grams, made by one-permutation hashing: every
5-gram is hashed once and the smallest hash in each of 64 bins is kept (empty bins borrow a fixed
other bin's value). LSH bands of the signatures find candidate pairs; a passage joins the group whose
leader it resembles most if their estimated Jaccard similarity is at least 0.6, or leads a group of
its own. A group counts only when it spans two or more reports. Signatures are kept beside each index generation
(write_signatures, one packed array) so the next build hashes only new and changed passages.
"""
from __future__ import annotations

import hashlib
import heapq
import math
import os
import re
import zlib
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain, islice
from pathlib import Path

import numpy as np

# Characters per shingle: 5-grams of Chinese text are specific enough that two unrelated passages
# rarely share many, and short enough that one changed character spoils only five of them.
SHINGLE_CHARACTERS = 5
SIGNATURE_BINS = 64
BANDS = 16  # of 4 bins each: pairs of similarity 0.6 share a band with probability 0.89, pairs of 0.3 with 0.12
# Measured on the benchmark corpus: passages at estimated similarity 0.6 and above are one template with
# names and numbers changed (云南省…大林乡 / 广西壮族自治区…北塘乡 is 0.65); around 0.5 two passages only
# share one of their paragraphs.
SIMILARITY_THRESHOLD = 0.6
# Letters and digits a passage needs for a signature: shorter ones are headings or one-line remarks.
MIN_CHARACTERS = 20
# A passage with near-copies in at least this many other reports is boilerplate (hidden on request).
BOILERPLATE_REPORTS = 3
# Bump when anything above or the hashing changes: stored signatures of another format (file) are recomputed.
SIGNATURE_FORMAT = 2
SIGNATURE_TYPE = "I"
# The name (before .order.npy and .leaders.npy) of a generation's kept grouping (see Grouping).
_GROUPING_FILE = f"duplicate-groups-{SIGNATURE_FORMAT}"
NO_GROUP = -1

_BAND_BINS = SIGNATURE_BINS // BANDS
_BAND_BYTES = _BAND_BINS * array(SIGNATURE_TYPE).itemsize
_MATCHES_NEEDED = math.ceil(SIMILARITY_THRESHOLD * SIGNATURE_BINS)
# A passage is compared with at most this many candidate leaders (the first ones found, band by band).
_MAX_CANDIDATES = 48
_NOT_WORD = re.compile(r"[\W_]+")
# A signature read as one integer has a 32-bit lane per bin; these masks hold each lane's low 31 bits
# and its top bit, for counting equal bins with a few big-integer operations instead of 64 comparisons.
_LANE_LOW_BITS = int.from_bytes(b"\xff\xff\xff\x7f" * SIGNATURE_BINS, "little")
_LANE_TOP_BITS = int.from_bytes(b"\x00\x00\x00\x80" * SIGNATURE_BINS, "little")
_LOW_64_BITS = (1 << 64) - 1
_BIN_MASK = SIGNATURE_BINS - 1


def _fixed_bytes(label: str, size: int) -> bytes:
    """Constants from a fixed seed, the same in every process and Python version."""
    return hashlib.blake2b(f"fazhi-duplicates {label}".encode("utf-8"), digest_size=size).digest()


# Multiply-shift hashing (the high 32 bits of an odd 64-bit multiple) spreads the CRC-32 of a shingle
# over the 32-bit range; CRC-32 alone is linear and keeps the structure of overlapping shingles.
_MULTIPLIER = int.from_bytes(_fixed_bytes("multiplier", 8), "little") | 1
# Each bin's fixed sequence of other bins to borrow from when it is empty ("optimal densification").
_PROBES = tuple(tuple(byte & _BIN_MASK for byte in _fixed_bytes(f"probes {number}", 64)) for number in range(SIGNATURE_BINS))


def comparable_text(folded_text: str) -> str:
    """The folded text with punctuation and white space removed: 依法行政，严格执法 → 依法行政严格执法."""
    return _NOT_WORD.sub("", folded_text)


def passage_signature(folded_text: str) -> bytes:
    """The MinHash signature of a folded passage text, SIGNATURE_BINS unsigned 32-bit values; b"" when too short."""
    text = comparable_text(folded_text)
    if len(text) < MIN_CHARACTERS:
        return b""
    shingles = {text[start:start + SHINGLE_CHARACTERS] for start in range(len(text) - SHINGLE_CHARACTERS + 1)}
    multiplier = _MULTIPLIER
    # A comprehension, not a chain of map calls: measured 10 % faster on the benchmark passages.
    hashes = sorted(
        ((multiplier * value) & _LOW_64_BITS) >> 32 for value in map(zlib.crc32, map(str.encode, shingles))
    )
    hashes.reverse()
    # Largest first, so each bin keeps the last value written to it: its smallest.
    smallest = dict(zip(map(_BIN_MASK.__and__, hashes), hashes))
    values = array(SIGNATURE_TYPE, bytes(array(SIGNATURE_TYPE).itemsize * SIGNATURE_BINS))
    for number in range(SIGNATURE_BINS):
        value = smallest.get(number)
        if value is None:
            value = next((smallest[probe] for probe in _PROBES[number] if probe in smallest), hashes[-1])
        values[number] = value
    return values.tobytes()


def estimated_similarity(first: bytes, second: bytes) -> float:
    """The Jaccard similarity of two passages' shingle sets, estimated from their signatures (0 if one has none)."""
    if not first or not second:
        return 0.0
    return _equal_bins(int.from_bytes(first, "little"), int.from_bytes(second, "little")) / SIGNATURE_BINS


def _equal_bins(first: int, second: int) -> int:
    """How many bins two signatures (as integers) agree on."""
    difference = first ^ second
    # A lane is non-zero exactly when adding 0x7FFFFFFF to its low 31 bits, or its own top bit, sets the
    # top bit; the sum never carries into the next lane.
    different = (((difference & _LANE_LOW_BITS) + _LANE_LOW_BITS) | difference) & _LANE_TOP_BITS
    return SIGNATURE_BINS - different.bit_count()


def signature_array(signatures: Sequence[bytes] | np.ndarray) -> np.ndarray:
    """Signatures as one array, a row of SIGNATURE_BINS uint32 per passage; a row of zeros for none (b"")."""
    if isinstance(signatures, np.ndarray):
        return signatures
    packed = np.zeros((len(signatures), SIGNATURE_BINS), dtype=np.uint32)
    for row, signature in enumerate(signatures):
        if signature:
            packed[row] = np.frombuffer(signature, dtype=np.uint32)
    return packed


@dataclass(frozen=True)
class Grouping:
    """How a generation's passages were grouped, kept for the next build to take up where its changes begin."""

    order: np.ndarray  # the documents with a signature, in passage-id order (the order they were taken in)
    leaders: np.ndarray  # per document, the leader it joined (itself when it leads; NO_GROUP without a signature)


def group_near_duplicates(
    signatures: Sequence[bytes] | np.ndarray, report_rows: Sequence[int] | np.ndarray, passage_ids: Sequence[str]
) -> np.ndarray:
    """Per document, the document number of its group's leader, or NO_GROUP when no other report has a near-copy."""
    return groups_of(find_leaders(signatures, passage_ids), report_rows)


def groups_of(grouping: Grouping, report_rows: Sequence[int] | np.ndarray) -> np.ndarray:
    """Per document, its leader when the group spans two reports or more, NO_GROUP otherwise."""
    leader_of = np.asarray(grouping.leaders)
    report_rows = np.asarray(report_rows, dtype=np.int64)
    members = np.flatnonzero(leader_of != NO_GROUP)
    pairs = np.unique(np.stack([leader_of[members].astype(np.int64), report_rows[members]]), axis=1)
    leaders, reports = np.unique(pairs[0], return_counts=True)
    spanning = np.zeros(len(leader_of), dtype=bool)
    spanning[leaders[reports > 1]] = True
    return np.where((leader_of != NO_GROUP) & spanning[np.maximum(leader_of, 0)], leader_of, NO_GROUP).astype(np.int32)


def find_leaders(
    signatures: Sequence[bytes] | np.ndarray,
    passage_ids: Sequence[str],
    earlier: Grouping | None = None,
    kept: int = 0,
) -> Grouping:
    """Each document's leader: documents are taken in passage-id order, so an incremental build groups exactly as
    a full rebuild. Each joins the most similar leader among those sharing a band with it (at least
    SIMILARITY_THRESHOLD), or leads a new group; comparing with leaders only keeps a group's members close to one text.

    With the previous generation's `earlier` grouping (its documents keep their numbers), the first `kept` of its
    documents in order (those before the first passage id added or deleted since, see `documents_before`) are
    taken as they were then, and only the rest are taken in turn: an update adding reports whose ids sort last
    costs only their passages.

    Of the documents taken in turn, those sharing no band value with another (found with numpy) neither join a
    leader nor are joined, and lead a group of one; only band values held by two documents or more are remembered.
    """
    signatures = signature_array(signatures)
    leader_of = np.full(len(signatures), NO_GROUP, dtype=np.int32)
    if earlier is not None:
        old = len(earlier.leaders)
        prefix = np.asarray(earlier.order[:kept], dtype=np.int64)
        leader_of[prefix] = earlier.leaders[prefix]
        known_leaders = prefix[leader_of[prefix] == prefix]
        tail = np.asarray(earlier.order[kept:], dtype=np.int64)
        tail = tail[signatures[tail].any(axis=1)].tolist()  # less those deleted now
        added = sorted((old + np.flatnonzero(signatures[old:].any(axis=1))).tolist(), key=passage_ids.__getitem__)
        todo = list(heapq.merge(tail, added, key=passage_ids.__getitem__))
    else:
        prefix = known_leaders = np.zeros(0, dtype=np.int64)
        todo = sorted(np.flatnonzero(signatures.any(axis=1)).tolist(), key=passage_ids.__getitem__)
    order = np.concatenate([prefix, np.asarray(todo, dtype=np.int64)]).astype(np.int32)
    needed = np.concatenate([known_leaders, np.asarray(todo, dtype=np.int64)])
    if not len(needed):
        return Grouping(order, leader_of)
    # Per band, each needed document's band value as a number (equal numbers, equal values) and whether another has it.
    band_values = np.empty((len(needed), BANDS), dtype=np.int64)
    shared_values = np.zeros((len(needed), BANDS), dtype=bool)
    for band in range(BANDS):
        part = np.ascontiguousarray(signatures[needed, band * _BAND_BINS:(band + 1) * _BAND_BINS])
        _unique, inverse, counts = np.unique(part.view(f"V{_BAND_BYTES}").ravel(), return_inverse=True, return_counts=True)
        band_values[:, band] = inverse.ravel() * BANDS + band
        shared_values[:, band] = counts[inverse.ravel()] > 1
    leaders_by_band: dict[int, list[int]] = {}
    leader_values: dict[int, int] = {}
    for place, row in enumerate(needed.tolist()):
        if not shared_values[place].any():
            leader_of[row] = row
            continue
        keys = band_values[place][shared_values[place]].tolist()
        values = int.from_bytes(signatures[row].tobytes(), "little")
        best, best_matches = NO_GROUP, _MATCHES_NEEDED - 1
        if place >= len(known_leaders):
            candidates = dict.fromkeys(chain.from_iterable(leaders_by_band.get(key, ()) for key in keys))
            for leader in islice(candidates, _MAX_CANDIDATES):
                matches = _equal_bins(leader_values[leader], values)
                if matches > best_matches:
                    best, best_matches = leader, matches
        if best == NO_GROUP:
            best = row
            leader_values[row] = values
            for key in keys:
                leaders_by_band.setdefault(key, []).append(row)
        leader_of[row] = best
    return Grouping(order, leader_of)


def documents_before(order: np.ndarray, passage_ids: Sequence[str], passage_id: str) -> int:
    """How many of the documents in `order` (ascending in `passage_ids`) have a passage id before `passage_id`."""
    low, high = 0, len(order)
    while low < high:
        middle = (low + high) // 2
        if passage_ids[int(order[middle])] < passage_id:
            low = middle + 1
        else:
            high = middle
    return low


def write_grouping(folder: Path, grouping: Grouping) -> None:
    """Keep a generation's grouping beside its signatures, for the next build."""
    for name in ("order", "leaders"):
        with open(folder / f"{_GROUPING_FILE}.{name}.npy", "wb") as file:
            np.save(file, getattr(grouping, name))
            file.flush()
            os.fsync(file.fileno())


def read_grouping(folder: Path, documents: int) -> Grouping | None:
    """A generation's grouping (mapped), or None when missing or not of its `documents`."""
    try:
        order = np.load(folder / f"{_GROUPING_FILE}.order.npy", mmap_mode="r")
        leaders = np.load(folder / f"{_GROUPING_FILE}.leaders.npy", mmap_mode="r")
    except (OSError, ValueError):
        return None
    if len(leaders) != documents or order.dtype != np.int32 or leaders.dtype != np.int32:
        return None
    return Grouping(order, leaders)


def count_other_reports(groups: Sequence[int], report_rows: Sequence[int]) -> list[int]:
    """Per document, how many other reports hold a passage of its group (0 outside any group)."""
    reports_of: dict[int, set[int]] = {}
    for leader, report_row in zip(groups, report_rows):
        if leader != NO_GROUP:
            reports_of.setdefault(leader, set()).add(report_row)
    sizes = {leader: len(reports) - 1 for leader, reports in reports_of.items()}
    return [sizes.get(leader, 0) for leader in groups]


def write_signatures(path: Path, signatures: np.ndarray | Sequence[np.ndarray]) -> None:
    """Keep a generation's signatures by document number (a row of zeros for none), given whole or in parts."""
    parts = [signatures] if isinstance(signatures, np.ndarray) else list(signatures)
    total = sum(len(part) for part in parts)
    with open(path, "wb") as file:
        np.lib.format.write_array_header_1_0(
            file, {"descr": np.dtype(np.uint32).str, "fortran_order": False, "shape": (total, SIGNATURE_BINS)}
        )
        for part in parts:
            file.write(memoryview(np.ascontiguousarray(part, dtype=np.uint32)).cast("B"))
        file.flush()
        os.fsync(file.fileno())


def read_signatures(path: Path) -> np.ndarray | None:
    """A generation's signatures by document number (mapped), or None when missing or of another format."""
    try:
        found = np.load(path, mmap_mode="r")
    except (OSError, ValueError):
        return None
    if found.dtype != np.uint32 or found.ndim != 2 or found.shape[1] != SIGNATURE_BINS:
        return None
    return found
