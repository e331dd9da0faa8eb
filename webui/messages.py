"""Every sentence the web UI and API say to people, in one place (Chinese, the page's language)."""
from __future__ import annotations

from indexer.parse import SECTION_LABELS
from indexer.search import Notice

NO_INDEX = "还没有可用的检索索引。请先运行 `fazhi index` 建立索引（或用 `fazhi serve`，它会自动建立）。"
UNKNOWN_REPORT = "没有编号为 {report_id} 的报告。它可能已从语料中移除；请回到检索页重新查找。"
UNKNOWN_PASSAGE = "没有编号为 {passage_id} 的段落。它可能已随报告更新而改变；请回到检索页重新查找。"
NO_ORIGINAL = "这份报告的原始文件已不在语料目录中。"
NOT_FOUND = "没有这个页面。请从首页开始检索。"
SERVER_ERROR = "服务器处理这个请求时出错了。请稍后重试；如果一再出现，请把网址告诉管理员。"
BAD_PAGE = "页码 page 必须是 1 到 {limit} 之间的整数，而不是“{value}”。"
BAD_PER_PAGE = "每页条数 per_page 必须是 1 到 {limit} 之间的整数，而不是“{value}”。"
BAD_YEAR = "年份 year 应写作 2023 或 2021..2024，而不是“{value}”。"
BAD_SECTION = "章节类型 section 应是 {keys} 之一，而不是“{value}”。"
BAD_SORT = "排序 sort 应是 relevance、year 或 township，而不是“{value}”。"
BAD_MATCH = "匹配方式 match 应是 words（只要整词匹配）或 substring（任何位置），而不是“{value}”。"
BAD_FORMAT = "导出格式 format 应是 csv 或 jsonl，而不是“{value}”。"
QUERY_TOO_LONG = "检索词太长（{length} 个字符）；请把它缩短到 {limit} 个字符以内。"
VALUE_TOO_LONG = "参数 {name} 的值太长；请把它缩短到 {limit} 个字符以内。"
BAD_REQUEST = "这个请求无法处理；请检查网址中的参数。"

# What a search did with syntax it could not read (indexer/search/notices.py), by notice code. The JSON twins
# (and `fazhi search --json`) carry the same sentences.
NOTICES = {
    "unclosed_quote": "引号没有闭合，引号后面的词已逐个检索。",
    "lone_minus": "单独的减号已忽略；要排除含某词的段落，请写成 -词语。",
    "dangling_or": "OR 两边都要有检索词，多余的 OR 已忽略。",
    "dangling_not": "NOT 后面要有检索词，多余的 NOT 已忽略。",
    "negated_filter": "筛选条件“{word}”不能排除，已忽略；请改为选择要保留的值。",
    "empty_filter": "“{word}”冒号后面没有值，已忽略。",
    "unknown_field": "没有“{field}”这个筛选字段（可用 township、county、province、year、section、law），“{word}”已按正文检索。",
    "bad_year": "“{value}”不是年份（应写作 2023 或 2021..2024），“{word}”已按正文检索。",
    "bad_section": "“{value}”不是章节类型（{keys}），“{word}”已按正文检索。",
    "bad_sort": "没有“{value}”这种排序，已按相关度排序。",
    "bad_concordance_sort": "没有“{value}”这种语境排序，已按文档顺序列出。",
    "uncited_law": "本索引中没有段落引用《{value}》。",
    "unknown_law": "没有名为“{value}”的被引法律。",
    "concordance_cut_lines": "出现次数太多：只统计并排列了文档顺序中前 {count} 处（网页上限 {limit} 处），总数不全。请加上筛选条件缩小范围，或在命令行运行 fazhi kwic 取得全部。",
    "concordance_cut_time": "统计用时超过 {seconds} 秒：只统计并排列了文档顺序中前 {count} 处，总数不全。请加上筛选条件缩小范围，或在命令行运行 fazhi kwic 取得全部。",
}
# Added after uncited_law / unknown_law when the catalogue has names close to what was typed.
NEAREST_LAWS = "最接近的名称：{nearest}。"


def notice_text(notices: tuple[Notice, ...]) -> str:
    """The notices of a search as one Chinese paragraph ("" when the query was read as written)."""
    keys = "、".join(f"{key}（{label}）" for key, label in SECTION_LABELS.items())
    return "".join(_worded(notice, keys) for notice in notices)


def _worded(notice: Notice, keys: str) -> str:
    sentence = NOTICES[notice.code].format(keys=keys, **notice.parameters)
    if notice.parameters.get("nearest"):
        sentence += NEAREST_LAWS.format(nearest=notice.parameters["nearest"])
    return sentence
EXPORT_CUT = "导出到此为止：已达到网页导出的上限（{limit}）。要导出全部，请缩小检索范围，或在命令行运行 {command}（命令行导出没有上限）。"
EXPORT_CUT_NO_COMMAND = "导出到此为止：已达到网页导出的上限（{limit}）。如需全部，请管理员在设置中调高上限（max_export_rows、max_export_mb、max_request_seconds）。"
ROWS_LIMIT = "{rows} 行"
BYTES_LIMIT = "{megabytes} MB"
TIME_LIMIT = "{seconds} 秒"
BUSY = "服务器正在处理其他导出或统计，暂时不能再接这一项；请过几秒再试。检索不受影响。"
HEAVY_WORKER_FAILED = "这一项导出或统计没有完成：计算它的进程出错或超时，已重新启动。请稍后再试，或缩小检索范围。检索不受影响。"
