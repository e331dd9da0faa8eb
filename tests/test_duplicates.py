"""Copied passages: signatures, grouping across reports, the build that keeps them, and the views that show them.

A small corpus written here: one paragraph copied (names changed) into four reports, one shared by two
reports with a few characters changed, and a report of its own words only.
"""
from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from indexer.index.build import build_index
from indexer.index.duplicates import (
    NO_GROUP,
    SIMILARITY_THRESHOLD,
    count_other_reports,
    estimated_similarity,
    documents_before,
    find_leaders,
    group_near_duplicates,
    passage_signature,
    read_signatures,
    write_signatures,
)
from indexer.index.schema import POINTER_FILE, SIGNATURE_FILE
from indexer.parse.normalize import fold_for_matching
from indexer.search.opened_index import open_search_index
from indexer.search.results import export_passages, search
from webui import create_app
from webui.settings import Settings

LEADERSHIP = (
    "（一）强化组织领导\n{town}党委政府高度重视法治政府建设工作，成立以党委书记为组长、{head}为副组长的法治政府建设工作领导小组，"
    "定期召开专题会议研究部署法治建设工作，将法治政府建设纳入年度目标考核体系，形成了主要领导亲自抓、分管领导具体抓、各部门协同推进的工作格局。"
)
MEDIATION = (
    "（二）深化矛盾纠纷化解\n坚持和发展新时代“枫桥经验”，依托综治中心整合司法所、派出所、信访办等力量，{verb}矛盾纠纷多元化解机制，"
    "全年排查化解各类矛盾纠纷{count}件，调解成功率达到98%，实现了小事不出村、大事不出镇、矛盾不上交。"
)
OWN_MEDIATION = (
    "（二）深化矛盾纠纷化解\n乙镇聘请两名退休法官担任专职调解员，在集镇设立“老娘舅”调解室，周末轮流坐班，"
    "重点调处宅基地边界、赡养老人和邻里用水方面的纠纷。"
)


def report(town: str, year: int, opening: str, sections: list[str]) -> str:
    return f"{town}人民政府关于{year}年度法治政府建设情况的报告\n\n{opening}\n一、主要举措和成效\n" + "\n".join(sections) + "\n"


CORPUS = {
    "jia-2023.txt": report("甲镇", 2023, "甲镇今年把依法行政摆在突出位置，各项工作稳步推进。", [
        LEADERSHIP.format(town="甲镇", head="镇长"),
        MEDIATION.format(verb="建立", count=86),
        "二、存在的问题\n部分村干部依法办事意识不强，行政执法人员数量不足，执法装备较为落后，普法宣传的针对性和实效性有待进一步提高。",
    ]),
    "yi-2024.txt": report("乙镇", 2024, "一年来乙镇紧扣省市县部署，在基层治理上下了不少功夫。", [
        LEADERSHIP.format(town="乙镇", head="镇长"),
        MEDIATION.format(verb="健全", count=112),
        "二、存在的问题\n法治宣传形式比较单一，群众参与度不高，基层调解员专业素养参差不齐，部分重大行政决策的合法性审查流于形式。",
    ]),
    "bing-2024.txt": report("丙乡", 2024, "丙乡地处山区，交通不便，法治建设起步较晚。", [
        LEADERSHIP.format(town="丙乡", head="乡长"),
        "（二）推进政务公开\n全面梳理乡级政务公开事项清单，在政府网站和村务公开栏同步发布财政预决算、惠民资金发放和重点项目建设信息，全年主动公开信息三百余条。",
    ]),
    "ding-2023.txt": report("丁镇", 2023, "丁镇是全县的工业重镇，企业多、外来人口多。", [
        LEADERSHIP.format(town="丁镇", head="镇长"),
        "（二）规范行政执法\n全面落实行政执法公示、执法全过程记录和重大执法决定法制审核三项制度，组织执法人员参加业务培训四次，办理行政处罚案件十二件。",
    ]),
    "wu-2024.txt": report("戊镇", 2024, "戊镇有十一个行政村，常住人口两万余人。", [
        "（一）开展法治宣传\n利用赶集日在集镇广场设置咨询台，邀请律师讲解婚姻家庭、土地承包和劳动报酬方面的法律知识，发放宣传资料两千份，接待群众咨询一百五十人次。",
        "（二）建设法治乡村\n指导各村修订村规民约，培育农村学法用法示范户四十户，创建县级民主法治示范村两个，村级法律顾问实现全覆盖。",
    ]),
}


def write_corpus(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def passage_of(index, report_id: str, heading: str) -> str:
    """The id of the passage of a report whose heading path ends with `heading`."""
    found = [hit.passage_id for hit in export_passages(index) if hit.report_id == report_id and hit.heading_path[-1:] == (heading,)]
    assert len(found) == 1, found
    return found[0]


def groups_by_passage(index) -> dict[str, int]:
    table = index.table
    return {table.passage_ids[row]: table.duplicate_groups[row] for row in index.live_rows}


def partition(index) -> set[frozenset[str]]:
    """The groups as sets of passage ids (leader numbers differ between generations)."""
    members: dict[int, set[str]] = {}
    for passage_id, leader in groups_by_passage(index).items():
        if leader != NO_GROUP:
            members.setdefault(leader, set()).add(passage_id)
    return {frozenset(group) for group in members.values()}


def current_signature_file(index_dir: Path) -> Path:
    return index_dir / (index_dir / POINTER_FILE).read_text(encoding="utf-8").strip() / SIGNATURE_FILE


@pytest.fixture(scope="module")
def copied(tmp_path_factory):
    folder = tmp_path_factory.mktemp("copied")
    corpus = write_corpus(folder / "corpus", CORPUS)
    build_index(corpus, folder / "index", workers=1)
    with open_search_index(folder / "index") as index:
        yield folder, index


@pytest.fixture(scope="module")
def copied_client(copied):
    folder, _ = copied
    app = create_app(Settings(heavy_worker=0, index_dir=folder / "index", corpus_dir=folder / "corpus"))
    yield app.test_client()
    app.extensions["fazhi_index"].close()


# Signatures


def test_signature_ignores_punctuation_width_and_white_space():
    written = "坚持和发展新时代“枫桥经验”，依托综治中心整合司法所、派出所、信访办等力量。"
    retyped = "坚持和发展新时代 \"枫桥经验\", 依托综治中心整合司法所 派出所 信访办等力量."
    assert passage_signature(fold_for_matching(written)) == passage_signature(fold_for_matching(retyped))


def test_a_copy_with_a_few_characters_changed_is_estimated_similar_and_other_text_is_not():
    original = passage_signature(fold_for_matching(MEDIATION.format(verb="建立", count=86)))
    copy = passage_signature(fold_for_matching(MEDIATION.format(verb="健全", count=112)))
    other = passage_signature(fold_for_matching(OWN_MEDIATION))
    assert estimated_similarity(original, copy) >= SIMILARITY_THRESHOLD
    assert estimated_similarity(original, other) < 0.3
    assert estimated_similarity(original, original) == 1.0


def test_headings_and_one_line_remarks_get_no_signature():
    assert passage_signature(fold_for_matching("一、主要举措和成效")) == b""
    assert estimated_similarity(b"", b"") == 0.0


def test_signatures_are_the_same_in_every_process():
    # Python's str hash changes from process to process; stored signatures must not.
    text = fold_for_matching(LEADERSHIP.format(town="甲镇", head="镇长"))
    program = f"from indexer.index.duplicates import passage_signature; print(passage_signature({text!r}).hex())"
    output = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True).stdout.strip()
    assert output == passage_signature(text).hex()


def test_near_copies_within_one_report_only_make_no_group():
    signature = passage_signature(fold_for_matching(LEADERSHIP.format(town="甲镇", head="镇长")))
    retold = passage_signature(fold_for_matching(LEADERSHIP.format(town="乙镇", head="镇长")))
    other = passage_signature(fold_for_matching(OWN_MEDIATION))
    groups = group_near_duplicates([signature, retold, other, b""], [0, 0, 1, 1], ["a-p1", "a-p2", "b-p1", "b-p2"])
    assert groups.tolist() == [NO_GROUP] * 4
    groups = group_near_duplicates([signature, retold, other, b""], [0, 1, 1, 1], ["a-p1", "b-p1", "b-p2", "b-p3"]).tolist()
    assert groups == [0, 0, NO_GROUP, NO_GROUP]
    assert count_other_reports(groups, [0, 1, 1, 1]) == [1, 1, 0, 0]


# The build


def test_build_groups_the_shared_paragraph_and_leaves_the_report_of_its_own_words_alone(copied):
    _, index = copied
    groups = groups_by_passage(index)
    jia = passage_of(index, "jia-2023", "深化矛盾纠纷化解")
    yi = passage_of(index, "yi-2024", "深化矛盾纠纷化解")
    assert groups[jia] == groups[yi] != NO_GROUP
    leadership = {passage_of(index, report_id, "强化组织领导") for report_id in ("jia-2023", "yi-2024", "bing-2024", "ding-2023")}
    assert len({groups[passage_id] for passage_id in leadership}) == 1
    assert groups[jia] != groups[next(iter(leadership))]
    assert all(leader == NO_GROUP for passage_id, leader in groups.items() if passage_id.startswith("wu-2024"))
    assert partition(index) == {frozenset({jia, yi}), frozenset(leadership)}


def test_hide_boilerplate_leaves_out_passages_copied_into_three_other_reports(copied):
    _, index = copied
    assert search(index, "强化组织领导").total == 4
    assert search(index, "强化组织领导", hide_boilerplate=True).total == 0
    assert search(index, "枫桥经验", hide_boilerplate=True).total == 2
    assert {hit.duplicate_reports for hit in search(index, "枫桥经验").hits} == {1}
    assert len(list(export_passages(index, "", hide_boilerplate=True))) == len(index.live_rows) - 4


def test_incremental_rebuild_updates_the_groups_as_a_full_rebuild_would(tmp_path):
    corpus = write_corpus(tmp_path / "corpus", CORPUS)
    build_index(corpus, tmp_path / "index", workers=1)
    changed = CORPUS["yi-2024.txt"].replace(MEDIATION.format(verb="健全", count=112), OWN_MEDIATION)
    (corpus / "yi-2024.txt").write_text(changed, encoding="utf-8")
    summary = build_index(corpus, tmp_path / "index", workers=1)
    assert (summary.reports_indexed, summary.reports_unchanged) == (1, 4)
    build_index(corpus, tmp_path / "fresh", workers=1)
    with open_search_index(tmp_path / "index") as updated, open_search_index(tmp_path / "fresh") as fresh:
        assert partition(updated) == partition(fresh)
        assert groups_by_passage(updated)[passage_of(updated, "jia-2023", "深化矛盾纠纷化解")] == NO_GROUP
        assert len(partition(updated)) == 1  # the leadership paragraph, still in four reports
        assert search(updated, "强化组织领导", hide_boilerplate=True).total == 0


def test_incremental_build_reuses_the_stored_signatures_of_unchanged_passages(tmp_path):
    corpus = write_corpus(tmp_path / "corpus", CORPUS)
    build_index(corpus, tmp_path / "index", workers=1)
    with open_search_index(tmp_path / "index") as index:
        rows = {passage_id: row for row, passage_id in enumerate(index.table.passage_ids)}
        jia = rows[passage_of(index, "jia-2023", "深化矛盾纠纷化解")]
        wu = rows[passage_of(index, "wu-2024", "建设法治乡村")]
        wu_id = index.table.passage_ids[wu]
    # Give 戊镇's own paragraph the stored signature of 甲镇's mediation paragraph: a build that re-hashed
    # the unchanged report would not see it.
    signature_file = current_signature_file(tmp_path / "index")
    signatures = np.array(read_signatures(signature_file))
    signatures[wu] = signatures[jia]
    write_signatures(signature_file, signatures)
    (corpus / "bing-2024.txt").write_text(CORPUS["bing-2024.txt"] + "二、存在的问题\n山区村组分散，普法活动难以覆盖到每家每户。\n", encoding="utf-8")
    assert build_index(corpus, tmp_path / "index", workers=1).reports_indexed == 1
    with open_search_index(tmp_path / "index") as index:
        groups = groups_by_passage(index)
        assert groups[wu_id] == groups[passage_of(index, "jia-2023", "深化矛盾纠纷化解")] != NO_GROUP


def test_a_build_without_duplicates_is_followed_by_one_that_groups_every_passage(tmp_path):
    corpus = write_corpus(tmp_path / "corpus", CORPUS)
    build_index(corpus, tmp_path / "index", workers=1, find_duplicates=False)
    with open_search_index(tmp_path / "index") as index:
        assert partition(index) == set()
    assert not current_signature_file(tmp_path / "index").exists()
    (corpus / "wu-2024.txt").write_text(CORPUS["wu-2024.txt"] + "二、存在的问题\n村级法律顾问服务时间偏少。\n", encoding="utf-8")
    build_index(corpus, tmp_path / "index", workers=1)
    build_index(corpus, tmp_path / "fresh", workers=1)
    with open_search_index(tmp_path / "index") as updated, open_search_index(tmp_path / "fresh") as fresh:
        assert partition(updated) == partition(fresh) != set()


# The views


def test_a_hit_says_in_how_many_other_reports_its_passage_is_copied(copied, copied_client):
    _, index = copied
    jia = passage_of(index, "jia-2023", "深化矛盾纠纷化解")
    page = copied_client.get("/search?q=矛盾纠纷多元化解").get_data(as_text=True)
    assert "另见于 1 篇其他报告" in page
    assert f'href="/duplicates/{jia}"' in page
    hits = copied_client.get("/api/search?q=矛盾纠纷多元化解").get_json()["hits"]
    assert [hit["duplicate_reports"] for hit in hits] == [1, 1]


def test_the_search_toggle_hides_boilerplate_and_keeps_it_in_the_links(copied_client):
    assert copied_client.get("/api/search?q=强化组织领导").get_json()["total"] == 4
    assert copied_client.get("/api/search?q=强化组织领导&hide_boilerplate=1").get_json()["total"] == 0
    page = copied_client.get("/search?q=枫桥经验&hide_boilerplate=1").get_data(as_text=True)
    assert 'aria-pressed="true"' in page and "隐藏套话段落" in page
    facets = page.split('<aside class="facets"', 1)[1].split("</aside>", 1)[0]
    assert "hide_boilerplate=1" in facets  # choosing a facet value keeps the toggle
    csv_text = copied_client.get("/export.csv?q=强化组织领导&hide_boilerplate=1").get_data().decode("utf-8")
    assert len(list(csv.DictReader(io.StringIO(csv_text.lstrip("\ufeff"))))) == 0


def test_report_page_marks_each_copied_passage(copied, copied_client):
    _, index = copied
    page = copied_client.get("/reports/jia-2023").get_data(as_text=True)
    assert "另见于 3 篇其他报告" in page
    assert "另见于 1 篇其他报告" in page
    assert "另见于" not in copied_client.get("/reports/wu-2024").get_data(as_text=True)


def test_group_page_shows_the_representative_text_and_every_report_holding_a_copy(copied, copied_client):
    _, index = copied
    yi = passage_of(index, "yi-2024", "深化矛盾纠纷化解")
    data = copied_client.get(f"/api/duplicates/{yi}").get_json()
    assert (data["reports"], data["passages"]) == (2, 2)
    assert {member["report_id"] for member in data["members"]} == {"jia-2023", "yi-2024"}
    assert "矛盾不上交" in data["text"]
    page = copied_client.get(f"/duplicates/{yi}").get_data(as_text=True)
    assert "2 篇报告中有 2 个相近段落" in page
    assert "甲镇 · 2023年" in page and 'aria-current="true"' in page  # reports are named by place and year


def test_duplicates_overview_lists_the_largest_group_first_and_each_reports_share(copied_client):
    data = copied_client.get("/api/duplicates").get_json()
    assert (data["groups_total"], data["boilerplate_passages"]) == (2, 4)
    assert [(group["reports"], group["passages"]) for group in data["groups"]] == [(4, 4), (2, 2)]
    shares = {share["report_id"]: share["share"] for share in data["reports"]}
    assert shares["wu-2024"] == 0.0
    assert 0 < shares["ding-2023"] < shares["jia-2023"] < 1
    page = copied_client.get("/duplicates").get_data(as_text=True)
    assert f"相近段落：{data['groups_total']} 组" in page
    assert f'data-share="{shares["jia-2023"]}"' in page


def test_duplicates_exports_list_every_group_member_and_every_report(copied_client):
    members = copied_client.get("/duplicates.csv").get_data().decode("utf-8")
    assert members.startswith("\ufeffgroup,")
    rows = list(csv.DictReader(io.StringIO(members.lstrip("\ufeff"))))
    assert sorted(int(row["group_reports"]) for row in rows) == [2, 2, 4, 4, 4, 4]
    shares = list(csv.DictReader(io.StringIO(copied_client.get("/duplicates/reports.csv").get_data().decode("utf-8").lstrip("\ufeff"))))
    assert {row["report_id"] for row in shares} == {name.removesuffix(".txt") for name in CORPUS}


def test_a_passage_without_copies_or_unknown_gets_404_with_a_sentence(copied, copied_client):
    _, index = copied
    wu = passage_of(index, "wu-2024", "建设法治乡村")
    response = copied_client.get(f"/api/duplicates/{wu}")
    assert response.status_code == 404
    assert response.get_json() == {"ok": False, "status": 404, "error": response.get_json()["error"]}
    assert "没有相近的段落" in response.get_json()["error"]
    page = copied_client.get("/duplicates/nowhere-p1")
    assert page.status_code == 404 and "没有编号为 nowhere-p1 的段落" in page.get_data(as_text=True)


@pytest.mark.parametrize("url", [
    "/api/duplicates?page=0",  # pages count from 1
    "/api/duplicates?report_page=x",
    "/api/duplicates?per_page=100000",  # more than max_per_page
    "/api/search?q=信访&hide_boilerplate=maybe",  # a toggle is 1 or 0
])
def test_bad_parameters_get_400_with_a_sentence(copied_client, url):
    response = copied_client.get(url)
    assert response.status_code == 400
    body = response.get_json()
    assert body["ok"] is False and body["status"] == 400 and body["error"].endswith("。")


def _varied_passages(count, seed):
    """Passages from two templates with names and numbers changed, and a few of their own words, by passage id."""
    towns = "甲乙丙丁戊己庚辛壬癸"
    passages = {}
    for number in range(count):
        town, other = towns[(number * seed) % 10] + "镇", towns[(number + seed) % 10] + "乡"
        own = f"{town}{other}第{number}号专项工作：" + "".join(towns[(number * k + seed) % 10] for k in range(30))
        template = (LEADERSHIP.format(town=town, head="镇长") if number % 3 else MEDIATION.format(verb="健全", count=number)) if number % 4 else own
        passages[f"r{number:03d}-p{seed}"] = fold_for_matching(template)
    return passages


def test_grouping_taken_up_where_the_changes_begin_equals_grouping_from_scratch():
    old = _varied_passages(60, 1)
    old_ids = list(old)
    old_signatures = [passage_signature(text) for text in old.values()]
    earlier = find_leaders(old_signatures, old_ids)
    # An update: passages whose ids sort in the middle go (their documents stay, blank), others come after.
    removed = {old_ids[20], old_ids[21], old_ids[45]}
    added = {key: text for key, text in _varied_passages(80, 2).items() if key[1:4] in {"020", "021", "070", "075"}}
    ids = ["" if passage_id in removed else passage_id for passage_id in old_ids] + list(added)
    signatures = [b"" if passage_id in removed else signature for passage_id, signature in zip(old_ids, old_signatures)]
    signatures += [passage_signature(text) for text in added.values()]
    kept = documents_before(earlier.order, old_ids, min([*removed, *added]))
    assert kept > 10  # some documents before the change are taken as they were
    resumed = find_leaders(signatures, ids, earlier, kept)
    scratch = find_leaders(signatures, ids)
    assert resumed.leaders.tolist() == scratch.leaders.tolist()
    assert resumed.order.tolist() == scratch.order.tolist()
    assert len({leader for leader in scratch.leaders.tolist() if leader != NO_GROUP}) > 2
    # With nothing changed, everything is taken as it was.
    unchanged = find_leaders(signatures, ids, scratch, len(scratch.order))
    assert unchanged.leaders.tolist() == scratch.leaders.tolist()
