"""The passage table a build assembles column by column from the previous generation and its runs: after any
sequence of updates (a report removed from the middle, one changed twice, runs whose files are all skipped)
every live passage has the row a build from scratch gives it, deleted documents are blank, report rows never
decrease, and a report version keeps the time it was first indexed."""
import shutil

import numpy as np
from bundled import bundled_corpus

from indexer.index.build import build_index
from indexer.index.duplicates import NO_GROUP
from indexer.index.schema import POINTER_FILE
from indexer.index.passage_table import PASSAGE_COLUMNS, REPORT_COLUMNS, read_passage_table

# Differ between two builds of the same reports by design: when each version was first indexed.
_BUILD_TIMES = {"indexed_at"}


def table_of(index_dir):
    generation = (index_dir / POINTER_FILE).read_text(encoding="utf-8").strip()
    return read_passage_table(index_dir / generation, False)[0]


def rows_by_passage(table):
    """Live passage id → its passage-level values and its report's values."""
    found = {}
    for document, passage_id in enumerate(table.passage_ids):
        report = table.report_rows[document]
        if report < 0:
            continue
        passage = tuple(getattr(table, column)[document] for column in PASSAGE_COLUMNS)
        values = tuple(getattr(table, column)[report] for column in REPORT_COLUMNS if column not in _BUILD_TIMES)
        found[passage_id] = (passage, table.report_ids[report], values)
    return found


def groups(table):
    members = {}
    for document, leader in enumerate(table.duplicate_groups):
        if leader != NO_GROUP:
            members.setdefault(leader, set()).add(table.passage_ids[document])
    return {frozenset(group) for group in members.values()}


def check_against_fresh(corpus, updated, fresh):
    shutil.rmtree(fresh, ignore_errors=True)
    build_index(corpus, fresh, workers=1)
    new, scratch = table_of(updated), table_of(fresh)
    assert rows_by_passage(new) == rows_by_passage(scratch)
    assert new.law_labels == scratch.law_labels
    assert {key: value[1:] for key, value in new.skipped_files.items()} == {key: value[1:] for key, value in scratch.skipped_files.items()}
    assert groups(new) == groups(scratch)
    assert sorted(new.report_ids) == sorted(scratch.report_ids)
    rows = np.asarray(new.report_rows.array)
    live = rows[rows >= 0]
    assert np.all(np.diff(live) >= 0), "report rows decrease in document order"
    assert set(live.tolist()) == set(range(len(new.report_ids))), "a listed report without passages"
    for document in np.flatnonzero(rows < 0).tolist():
        assert (new.passage_ids[document], new.match_texts[document], new.laws[document]) == ("", "", ())
        assert new.section_types[document] == "" and new.word_boundaries[document] == b"\x01"
        assert new.duplicate_groups[document] == NO_GROUP
    return new


def test_updates_in_steps_give_the_rows_of_a_build_from_scratch(tmp_path):
    corpus, updated, fresh = tmp_path / "corpus", tmp_path / "updated", tmp_path / "fresh"
    shutil.copytree(bundled_corpus(), corpus)
    names = sorted(path.name for path in corpus.iterdir())
    middle, twice = corpus / names[2], corpus / names[1]
    middle_text = middle.read_text(encoding="utf-8")
    build_index(corpus, updated, workers=1)
    # The middle report goes, another changes and a file that cannot be read comes: its run has no passages.
    middle.unlink()
    twice.write_text(twice.read_text(encoding="utf-8") + "\n二、存在的问题\n基层法治队伍力量依然薄弱。\n", encoding="utf-8")
    (corpus / "broken.pdf").write_bytes(b"hello, not a pdf at all")
    summary = build_index(corpus, updated, workers=1)
    assert (summary.reports_indexed, summary.reports_removed, len(summary.skipped)) == (1, 1, 1)
    table = check_against_fresh(corpus, updated, fresh)
    assert "基层法治队伍力量依然薄弱" in "".join(table.match_texts)
    # The same report changed again, the middle one back.
    twice.write_text(twice.read_text(encoding="utf-8").replace("依然薄弱", "有待充实"), encoding="utf-8")
    middle.write_text(middle_text, encoding="utf-8")
    assert build_index(corpus, updated, workers=1).reports_indexed == 2
    table = check_against_fresh(corpus, updated, fresh)
    text = "".join(table.match_texts)
    assert "有待充实" in text and "依然薄弱" not in text
    # Only unreadable files new: a build whose one run is all skipped, and whose table is the previous one's.
    (corpus / "also-broken.pdf").write_bytes(b"not a pdf either")
    summary = build_index(corpus, updated, workers=1)
    assert (summary.reports_indexed, len(summary.skipped)) == (0, 2)
    check_against_fresh(corpus, updated, fresh)
    # Every report removed but one: the other documents stay, blank.
    for name in names[1:]:
        (corpus / name).unlink()
    summary = build_index(corpus, updated, workers=1)
    assert summary.reports_total == 1 and summary.reports_removed == len(names) - 1
    table = check_against_fresh(corpus, updated, fresh)
    assert table.document_count > summary.passages_total


def test_a_report_version_keeps_the_time_it_was_first_indexed(tmp_path):
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    shutil.copytree(bundled_corpus(), corpus)
    build_index(corpus, index, workers=1)
    first = dict(zip(table_of(index).report_ids, table_of(index).indexed_at))
    changed = next(path for path in corpus.iterdir() if path.stem == sorted(first)[0])
    changed.write_text(changed.read_text(encoding="utf-8") + "\n二、存在的问题\n普法宣传形式单一。\n", encoding="utf-8")
    build_index(corpus, index, workers=1)
    second = dict(zip(table_of(index).report_ids, table_of(index).indexed_at))
    assert second[changed.stem] > first[changed.stem]
    assert {key: value for key, value in second.items() if key != changed.stem} == {
        key: value for key, value in first.items() if key != changed.stem
    }
    # A rebuild parses every file again but keeps each unchanged version's time.
    build_index(corpus, index, rebuild=True, workers=1)
    assert dict(zip(table_of(index).report_ids, table_of(index).indexed_at)) == second
