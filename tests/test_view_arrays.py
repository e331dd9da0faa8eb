"""The research views' per-document arrays the build keeps (index/view_arrays.py): each passage's text length in
characters and the required parts its subsection headings name. Checked against the passages themselves on the
bundled reports and on small reports written here, through a rebuild and an update that adds and removes reports,
and the views' answers checked to be the same for a generation written before the build kept them."""
import shutil

import numpy as np
import pytest

from bundled import bundled_corpus
from indexer.index import SEARCH_ARRAYS_FOLDER, VIEW_ARRAYS, build_index, compute_view_arrays, current_generation
from indexer.parse import required_parts, subsection_parts
from indexer.research import repeating_townships, review, review_to_json
from indexer.search import open_search_index

# A report that folds its problems and its plans into subsections of its first section.
FOLDED = """清溪镇2024年法治政府建设情况的报告
县委、县政府：
现将有关情况报告如下。
一、工作开展情况
（一）压实第一责任人职责
镇党委书记认真履行推进法治建设第一责任人职责，全年召开专题会议4次。
（二）存在的不足
行政执法人员专业素质不高，执法程序不够规范，案卷制作质量有待提升，村级法律顾问作用发挥不充分。
（三）下一步打算
加强行政执法人员培训，规范执法程序，提高案卷质量。
清溪镇人民政府
2025年1月20日
"""
ADDED = """石门乡2024年法治政府建设情况报告
一、主要举措和成效
全年开展普法宣传活动12次，化解矛盾纠纷37件，培育法律明白人八十名。
二、存在的问题和不足
普法形式较为单一，群众参与度不高。
三、下一步工作安排
创新普法形式，提高群众参与度。
石门乡人民政府
2025年2月1日
"""


def expected_arrays(index):
    """Each live document's text characters and part bits, from its match text read as a Python string."""
    table = index.table
    characters, parts = {}, {}
    for row in index.live_rows.tolist():
        text = table.match_texts[row]
        heading_end = table.heading_ends[row]
        characters[row] = len(text) - heading_end - 1
        named = {key for key, _ in subsection_parts(text[:heading_end])}
        parts[row] = sum(1 << bit for bit, part in enumerate(required_parts()) if part.key in named)
    return characters, parts


def assert_arrays_match_passages(index):
    assert set(index.view_arrays) == set(VIEW_ARRAYS)
    characters, parts = expected_arrays(index)
    live = index.live_rows
    assert index.view_arrays["text_characters"][live].tolist() == [characters[row] for row in live.tolist()]
    assert index.view_arrays["heading_parts"][live].tolist() == [parts[row] for row in live.tolist()]
    return parts


@pytest.fixture
def corpus(tmp_path):
    folder = tmp_path / "corpus"
    shutil.copytree(bundled_corpus(), folder)
    (folder / "qingxi-2024.txt").write_text(FOLDED, encoding="utf-8")
    return folder


def test_a_build_keeps_each_passages_characters_and_named_parts(corpus, tmp_path):
    build_index(corpus, tmp_path / "index", workers=1)
    index = open_search_index(tmp_path / "index")
    try:
        parts = assert_arrays_match_passages(index)
        # The folded report's problems and plans subsections are marked; bits of other passages stay 0 or name parts.
        problems_bit = 1 << [part.key for part in required_parts()].index("problems")
        assert any(bits & problems_bit for bits in parts.values())
    finally:
        index.close()


def test_an_update_carries_the_kept_documents_arrays_and_computes_the_new_ones(corpus, tmp_path):
    index_dir = tmp_path / "index"
    build_index(corpus, index_dir, workers=1)
    (corpus / "shimen-2024.txt").write_text(ADDED, encoding="utf-8")
    (corpus / "qingxi-2024.txt").unlink()
    build_index(corpus, index_dir, workers=1)
    index = open_search_index(index_dir)
    try:
        assert_arrays_match_passages(index)
        # Carried or computed, the arrays equal those computed afresh from the whole table, deleted documents included.
        fresh = compute_view_arrays(index.table)
        for name in VIEW_ARRAYS:
            assert np.array_equal(index.view_arrays[name], fresh[name]), name
        deleted = index.report_rows < 0
        assert deleted.any()
        assert set(index.view_arrays["text_characters"][deleted].tolist()) == {-1}
    finally:
        index.close()


def test_a_generation_without_the_arrays_answers_the_views_the_same(corpus, tmp_path):
    index_dir = tmp_path / "index"
    build_index(corpus, index_dir, workers=1)
    index = open_search_index(index_dir)
    try:
        with_arrays = (review_to_json(review(index, per_page=200)), repeating_townships(index))
    finally:
        index.close()
    arrays = index_dir / current_generation(index_dir) / SEARCH_ARRAYS_FOLDER
    for name in VIEW_ARRAYS:
        (arrays / f"{name}.npy").unlink()
    index = open_search_index(index_dir)
    try:
        assert index.view_arrays == {}
        assert (review_to_json(review(index, per_page=200)), repeating_townships(index)) == with_arrays
        folded = next(one for one in review(index, per_page=200).reports if one.township == "清溪镇")
        levels = {part.key: (part.level, part.heading) for part in folded.parts}
        assert levels["problems"] == ("subsection", "存在的不足")
        assert "problems" not in folded.missing
    finally:
        index.close()
