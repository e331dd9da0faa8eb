"""The five bundled reports, parsed: metadata, full outline and cited laws pinned, plus the passage invariants.

The expectations were checked by hand against the report texts in corpus/.
"""
import json
import re

import pytest
from bundled import bundled_corpus

from indexer.cli import main
from indexer.parse import DOCUMENT, counts_as_law
from indexer.pipeline import iter_report_files, parse_report
from indexer.report import EVENT

CORPUS = bundled_corpus()

EXPECTED = {
    "anhui-duji-duanyuan-2024.txt": {
        "metadata": {'title': '关于2024年法治政府建设情况的报告', 'township': '段园镇', 'county': '杜集区', 'city': '淮北市', 'province': '安徽省', 'division_code': '340602104', 'year': 2024, 'date': '2025-02-11', 'issuer': '中共淮北市段园镇委员会 淮北市段园镇人民政府'},
        "outline": [
            (1, '1、', '主要举措和成效', 'measures'),
            (2, '（一）', '坚持思想引领，夯实理论基础', 'measures'),
            (2, '（二）', '加强组织领导，压实主体责任', 'measures'),
            (2, '（三）', '严格依法执政，营造良好环境', 'measures'),
            (3, '1.', '依法落实行政决策程序规范', 'measures'),
            (3, '2.', '推进政务公开标准化规范化建设', 'measures'),
            (3, '3.', '优化办事流程，健全服务体系', 'measures'),
            (3, '4.', '优化营商环境，谋定高质量发展', 'measures'),
            (2, '（四）', '强化工作举措，维护社会稳定', 'measures'),
            (3, '1.', '强化治安防控体系建设', 'measures'),
            (3, '2.', '开展重点领域矛盾隐患排查', 'measures'),
            (3, '3.', '持续完善公共法律服务体系', 'measures'),
            (3, '4.', '大力推进基层矛盾纠纷多元化解体系', 'measures'),
            (3, '5.', '严格落实信访工作法治化要求', 'measures'),
            (3, '6.', '稳步做好特殊人群安置帮教工作', 'measures'),
            (1, '2、', '存在的不足和原因', 'problems'),
            (2, '（1）', '法治人才队伍建设存在短板', 'problems'),
            (2, '（2）', '依法行政能力水平需要提升', 'problems'),
            (1, '3、', '下一步工作建议', 'next_steps'),
            (2, '（1）', '加快法治人才队伍建设', 'next_steps'),
            (2, '（2）', '是树立依法行政考核导向', 'next_steps'),
        ],
        "laws": { '中华人民共和国保守国家秘密法', '中华人民共和国反电信网络诈骗法', '中华人民共和国土地管理法', '中华人民共和国政府信息公开条例', '中华人民共和国民法典', '中华人民共和国法律援助法', '中华人民共和国环境保护法', '中华人民共和国统计法', '中华人民共和国道路交通安全法', '中国共产党宣传工作条例', '中国共产党巡视工作条例', '中国共产党章程', '中国共产党纪律处分条例', '中国共产党统一战线工作条例' },
        # 民法典宣传月 and 宪法宣传周 are events; the study outline and the task list are documents.
        "events": {'中华人民共和国宪法', '中华人民共和国民法典'},
        "documents": {'习近平法治思想学习纲要', '段园镇法治建设任务清单'},
    },
    "chongqing-pengshui-shangan-2024.txt": {
        "metadata": {'title': '2024年法治政府建设工作年度报告', 'township': '善感乡', 'county': '彭水苗族土家族自治县', 'city': '重庆市', 'province': '重庆市', 'division_code': '500243222', 'year': 2024, 'date': '', 'issuer': '彭水苗族土家族自治县善感乡人民政府'},
        "outline": [
            (1, '一、', '指导思想', 'guiding_principles'),
            (1, '2、', '主要做法和具体措施', 'measures'),
            (2, '（一）', '加强组织领导，严格落实工作制度', 'measures'),
            (2, '（二）', '深化法治体系建设，着力提升法治水平', 'measures'),
            (2, '（三）', '深入开展“大排查大起底大化解”活动', 'measures'),
            (2, '（四）', '多途径法治宣传，营造平安和谐氛围', 'measures'),
            (2, '（5）', '巧用“积分制”，创新法治工作', 'measures'),
            (1, '三、', '存在的不足', 'problems'),
            (2, '（一）', '协调机制不完善，跨部门合作存在障碍', 'problems'),
            (2, '（二）', '法治宣传形式单一', 'problems'),
            (2, '（三）', '执法人员专业素养有待进一步提高', 'problems'),
            (1, '四、', '下步工作打算', 'next_steps'),
            (2, '（一）', '牢固树立法治理念', 'next_steps'),
            (2, '（二）', '加强部门间的协调与合作', 'next_steps'),
            (2, '（三）', '提升法律思维运用能力', 'next_steps'),
            (2, '（四）', '丰富法治宣传途径', 'next_steps'),
            (2, '（五）', '加强法律知识培训', 'next_steps'),
        ],
        "laws": { '法治政府建设实施纲要（2021－2025年）' },
        "events": {'中华人民共和国宪法'},  # 宪法宣传活动
    },
    "fujian-jianning-junkou-2023.txt": {
        "metadata": {'title': '2023年法治政府建设情况的报告', 'township': '均口镇', 'county': '建宁县', 'city': '三明市', 'province': '福建省', 'division_code': '350430103', 'year': 2023, 'date': '', 'issuer': '中共均口镇委员会 均口镇人民政府'},
        "outline": [
            (1, '一、', '主要举措和成效', 'measures'),
            (2, '（一）', '提高政治站位，强化组织领导', 'measures'),
            (2, '（二）', '坚持宣传教育，提升法治意识', 'measures'),
            (2, '（三）', '坚持依法行政，促进行政规范', 'measures'),
            (2, '（四）', '加强矛盾化解，维护社会稳定', 'measures'),
            (1, '二、', '存在的不足', 'problems'),
            (1, '三、', '2024年度主要工作安排', 'next_steps'),
            (2, '一是', '深化制度保障', 'next_steps'),
            (2, '二是', '注重源头化解', 'next_steps'),
            (2, '三是', '推进“一体建设”', 'next_steps'),
        ],
        "laws": { '中华人民共和国国家安全法', '中华人民共和国宪法', '中华人民共和国民法典', '关于开展法治宣传教育的第八个五年规划（2021－2025年）' },
    },
    "henan-jiyuan-sili-2024.txt": {
        "metadata": {'title': '关于2024年法治政府建设情况的报告', 'township': '思礼镇', 'county': '济源市', 'city': '济源市', 'province': '河南省', 'division_code': '419001108', 'year': 2024, 'date': '', 'issuer': ''},
        "outline": [
            (1, '一、', '全面履行法治建设第一责任人职责', 'responsibility'),
            (2, '一是', '加强领导干部带头深入学习贯彻法治思想', 'responsibility'),
            (2, '二是', '全面履行政府职能规范权力运行', 'responsibility'),
            (2, '三是', '严格执行党内各项民主制度，推进民主政治建设', 'responsibility'),
            (1, '二、', '依法行政，高效推动矛盾纠纷化解', 'measures'),
            (2, '一是', '多元高效排查化解矛盾纠纷', 'measures'),
            (2, '二是', '全面维护重点地域和谐稳定', 'measures'),
            (2, '三是', '全力做好关键节点护航工作', 'measures'),
            (1, '三、', '强化管理，全力促进基层治理能力提升', 'measures'),
            (2, '一是', '推动平安思礼综治中心精细化服务', 'measures'),
            (2, '二是', '积极提升网格化管理水平', 'measures'),
            (2, '三是', '扎实做好特殊人群管控服务', 'measures'),
            (1, '四、', '深化法治，积极营造基层普法教育氛围', 'measures'),
            (2, '一是', '大力提高普法教育的覆盖面和渗透力', 'measures'),
            (2, '二是', '抓好重点对象学法', 'measures'),
            (2, '三是', '充分利用6.26禁毒日等重要时间节点开展法治宣传活动', 'measures'),
            (1, '五、', '存在问题', 'problems'),
            (1, '六、', '下一步工作措施', 'next_steps'),
        ],
        "laws": { '中华人民共和国反家庭暴力法', '中华人民共和国妇女权益保障法', '中华人民共和国宪法', '中华人民共和国民法典', '法治政府建设实施纲要（2021－2025年）' },
        "documents": {'济源示范区2024年度法治政府建设工作安排'},
    },
    "henan-lushan-wawu-2024.txt": {
        "metadata": {'title': '关于2024年法治政府建设情况的报告', 'township': '瓦屋镇', 'county': '鲁山县', 'city': '平顶山市', 'province': '河南省', 'division_code': '410423107', 'year': 2024, 'date': '', 'issuer': '鲁山县瓦屋镇人民政府'},
        "outline": [
            (1, '一、', '2024年度党政主要负责人履行推进法治建设第一责任人职责，加强法治政府建设的有关情况', 'responsibility'),
            (2, '（一）', '思想高度重视', 'responsibility'),
            (2, '（二）', '带头学法知法', 'responsibility'),
            (2, '（三）', '坚持守法护法', 'responsibility'),
            (2, '（四）', '严格依法行政', 'responsibility'),
            (1, '二、', '2024年度推进法治政府建设的主要举措和成效', 'measures'),
            (2, '（一）', '加强法治宣传，推进依法治理', 'measures'),
            (2, '（二）', '规范依法行政，提升法治能力', 'measures'),
            (2, '（三）', '法律服务支撑，依法按章办事', 'measures'),
            (2, '（四）', '依法调解纠纷，筑牢维稳防线', 'measures'),
            (1, '三、', '2024年度推进法治政府建设存在的不足、原因和问题整改情况', 'problems'),
            (2, '（一）', '法治素养还不够高', 'problems'),
            (2, '（二）', '法治思维还不够强', 'problems'),
            (2, '（三）', '依法治理还不够好', 'problems'),
            (1, '四、', '下一年度推进法治政府建设的初步安排', 'next_steps'),
            (2, '（一）', '加强法治培训', 'next_steps'),
            (2, '（二）', '加强依法行政', 'next_steps'),
        ],
        "laws": { '中华人民共和国政府信息公开条例', '中华人民共和国民法典', '中华人民共和国行政处罚法', '信访工作条例' },
        "events": {'中华人民共和国宪法'},  # 宪法日暨全国法治宣传日
    },
}


def flatten(sections):
    rows = []
    for section in sections:
        rows.append((section.level, section.number, section.title, section.section_type))
        rows.extend(flatten(section.children))
    return rows


@pytest.fixture(scope="module")
def reports():
    return {path.name: parse_report(path, CORPUS) for path in iter_report_files(CORPUS)}


def test_bundled_corpus_has_the_five_reports(reports):
    assert sorted(reports) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_metadata_of_bundled_report(reports, name):
    report = reports[name]
    actual = {key: getattr(report, key) for key in EXPECTED[name]["metadata"]}
    assert actual == EXPECTED[name]["metadata"]
    assert report.warnings == ()


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_outline_of_bundled_report(reports, name):
    assert flatten(reports[name].sections) == EXPECTED[name]["outline"]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_cited_laws_of_bundled_report(reports, name):
    cited = reports[name].cited_laws
    assert {law.name for law in cited if counts_as_law(law)} == EXPECTED[name]["laws"]
    assert {law.name for law in cited if law.kind == EVENT} == EXPECTED[name].get("events", set())
    assert {law.name for law in cited if law.category == DOCUMENT} == EXPECTED[name].get("documents", set())


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_passages_tile_the_body_of_bundled_report(reports, name):
    report = reports[name]
    passages = report.passages
    assert passages[0].start == report.body_start
    assert passages[-1].end == report.body_end
    assert "".join(p.text for p in passages) == report.text[report.body_start:report.body_end]
    assert len({p.passage_id for p in passages}) == len(passages)
    assert all(re.fullmatch(r"[A-Za-z0-9_-]+", p.passage_id) for p in passages)


def test_title_addressee_and_signature_are_not_body_text(reports):
    report = reports["anhui-duji-duanyuan-2024.txt"]
    body = report.text[report.body_start:report.body_end]
    assert not body.startswith("中共淮北市")
    assert "杜集区委、区政府：" not in body
    assert "2025年2月11日" not in body
    assert body.endswith("自觉将依法行政意识落实到各项工作中。")


def test_bookmark_debris_is_gone_and_broken_line_joined(reports):
    report = reports["anhui-duji-duanyuan-2024.txt"]
    assert "[bookmark" not in report.text
    assert "“每周四理论学习”24次" in report.text


def test_run_in_heading_keeps_its_body_in_the_passage(reports):
    report = reports["fujian-jianning-junkou-2023.txt"]
    passage = report.passages[1]
    assert passage.heading_path == ("主要举措和成效", "提高政治站位，强化组织领导")
    assert "党政主要负责人切实履行推进法治政府建设第一责任人职责" in passage.text


def test_citation_spans_point_at_the_citation(reports):
    for report in reports.values():
        for citation in report.cited_laws:
            assert report.text[citation.start:citation.end].startswith(citation.as_written)


def test_passage_ids_are_stable_across_parses():
    path = CORPUS / "henan-lushan-wawu-2024.txt"
    first, second = parse_report(path, CORPUS), parse_report(path, CORPUS)
    assert [(p.passage_id, p.start, p.end) for p in first.passages] == [(p.passage_id, p.start, p.end) for p in second.passages]


def test_inspect_json_has_the_documented_keys(capsys):
    assert main(["inspect", str(CORPUS / "anhui-duji-duanyuan-2024.txt"), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) >= {"report_id", "title", "township", "county", "city", "province", "division_code", "year",
                         "date", "issuer", "sections", "passages", "cited_laws", "warnings"}
    assert set(data["sections"][0]) == {"number", "title", "level", "section_type", "children"}
    assert set(data["passages"][0]) >= {"passage_id", "heading_path", "section_type", "text", "start", "end", "cited_laws"}
    # p2 names 民法典 twice: 《民法典》 cited, and 民法典宣传月, an event named after it (counted apart).
    assert {"name": "中华人民共和国民法典", "category": "法律", "short_name": "民法典", "kind": "citation",
            "counts_as_law": True, "count": 1, "mentions": 1} in data["cited_laws"]
    assert {"name": "中华人民共和国民法典", "category": "法律", "short_name": "民法典", "kind": "event",
            "counts_as_law": False, "count": 1, "mentions": 1} in data["cited_laws"]
    assert data["date"] == "2025-02-11"


def test_inspect_prints_a_readable_outline(capsys):
    assert main(["inspect", str(CORPUS / "henan-jiyuan-sili-2024.txt")]) == 0
    out = capsys.readouterr().out
    assert "思礼镇 · 济源市" in out
    assert "五、存在问题   [存在问题和不足]" in out
