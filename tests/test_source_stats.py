"""A build reads and hashes only the report files whose stat changed since the last build (sources.py)."""
from __future__ import annotations

import os
import shutil
import time

from bundled import bundled_corpus

from indexer.index.build import build_index
from indexer.index.sources import (
    SOURCE_STATS_FILE,
    FileStat,
    hash_sources,
    read_source_stats,
    write_source_stats,
)
from indexer.parse.catalogue import load_catalogue
from indexer.pipeline import iter_report_files
from indexer.search.opened_index import open_search_index
from indexer.search.results import search

LATER = time.time_ns() + 3600 * 10**9  # a build starting an hour from now: every file's times are settled


def _corpus(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(bundled_corpus(), corpus)
    return corpus


def _hashed(corpus, known=None, started_ns=LATER):
    return hash_sources(iter_report_files(corpus), corpus, load_catalogue(corpus), known, started_ns)


def test_a_file_whose_stat_is_unchanged_keeps_its_remembered_hash_without_being_read(tmp_path):
    corpus = _corpus(tmp_path)
    first = _hashed(corpus)
    assert first.files_read == 5 and len(first.stats) == 5
    assert len({source.source_hash for source in first.sources}) == 5
    # A remembered hash that no reading of the file could give: taken over, the file was not read.
    name = first.stats[0].relative_path
    known = {stat.relative_path: stat for stat in first.stats}
    known[name] = FileStat(**{**known[name].__dict__, "source_hash": "f" * 64})
    second = _hashed(corpus, known)
    assert second.files_read == 0
    hashes = {source.relative_path: source.source_hash for source in second.sources}
    assert hashes[name] == "f" * 64
    assert {path: value for path, value in hashes.items() if path != name} == {
        source.relative_path: source.source_hash for source in first.sources if source.relative_path != name
    }


def test_a_file_changed_in_place_is_read_again_even_with_its_size_and_modification_time_restored(tmp_path):
    corpus = _corpus(tmp_path)
    first = _hashed(corpus)
    known = {stat.relative_path: stat for stat in first.stats}
    target = corpus / first.stats[0].relative_path
    before = target.stat()
    content = target.read_bytes()
    target.write_bytes(content[:-3] + b"XYZ")  # same size
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))
    second = _hashed(corpus, known)
    assert second.files_read == 1  # the change time moved
    changed = {source.relative_path: source.source_hash for source in second.sources}[first.stats[0].relative_path]
    assert changed != known[first.stats[0].relative_path].source_hash


def test_a_new_parser_or_catalogue_correction_changes_the_salt_and_the_file_is_read_again(tmp_path):
    corpus = _corpus(tmp_path)
    first = _hashed(corpus)
    known = {stat.relative_path: stat for stat in first.stats}
    name = first.stats[0].relative_path
    known[name] = FileStat(**{**known[name].__dict__, "salt": "0" * 32})
    second = _hashed(corpus, known)
    assert second.files_read == 1
    assert {source.relative_path: source.source_hash for source in second.sources} == {
        source.relative_path: source.source_hash for source in first.sources
    }


def test_files_changed_just_before_the_build_are_not_remembered(tmp_path):
    corpus = _corpus(tmp_path)
    now = time.time_ns()
    hashed = _hashed(corpus, started_ns=now)  # copied a moment ago: their change times are not settled
    assert hashed.files_read == 5 and hashed.stats == []


def test_stats_are_written_and_read_back_and_a_broken_file_means_none(tmp_path):
    corpus = _corpus(tmp_path)
    stats = _hashed(corpus).stats
    write_source_stats(tmp_path, stats)
    assert sorted(read_source_stats(tmp_path).values(), key=lambda stat: stat.relative_path) == sorted(
        stats, key=lambda stat: stat.relative_path
    )
    for broken in ("{", '{"format": 1, "files": [[1, 2]]}', '{"format": 99, "files": []}', "[]"):
        (tmp_path / SOURCE_STATS_FILE).write_text(broken, encoding="utf-8")
        assert read_source_stats(tmp_path) == {}
    assert read_source_stats(tmp_path / "missing") == {}


def test_updates_read_only_the_files_that_changed_and_still_see_every_change(tmp_path):
    corpus = _corpus(tmp_path)
    index = tmp_path / "index"
    first = build_index(corpus, index, workers=1, find_duplicates=False)
    assert first.files_read == 5
    time.sleep(3.2)  # the copies' change times settle (a hash is remembered only for files older than 3 s)
    # Nothing changed: every file is read again (the first build could not remember them), then remembered.
    second = build_index(corpus, index, workers=1, find_duplicates=False)
    assert (second.files_read, second.generation, second.reports_indexed) == (5, first.generation, 0)
    third = build_index(corpus, index, workers=1, find_duplicates=False)
    assert (third.files_read, third.reports_indexed, third.reports_unchanged) == (0, 0, 5)
    # A report edited in place, keeping its size and modification time, is still found changed and indexed.
    target = sorted(corpus.iterdir())[0]
    before = target.stat()
    text = target.read_text(encoding="utf-8")
    assert "法治" in text
    place = text.rindex("法治")  # in the body, not the title
    edited = (text[:place] + "治法" + text[place + 2:]).encode("utf-8")
    assert len(edited) == before.st_size
    target.write_bytes(edited)
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))
    fourth = build_index(corpus, index, workers=1, find_duplicates=False)
    assert (fourth.files_read, fourth.reports_indexed, fourth.reports_unchanged) == (1, 1, 4)
    with open_search_index(index) as opened:
        assert search(opened, "治法").total >= 1
    # A rebuild reads every file whatever their stats say.
    assert build_index(corpus, index, rebuild=True, workers=1, find_duplicates=False).files_read == 5
