"""The sentences of the cited-law and copied-passage views, in one place (Chinese, the page's language)."""
from __future__ import annotations

UNKNOWN_LAW = "法规目录和语料中都没有“{name}”。请从引用法规列表中选择，或检查名称的写法。"
UNKNOWN_GROUP_PASSAGE = "没有编号为 {passage_id} 的段落。它可能已随报告更新而改变；请回到相近段落列表重新查找。"
NO_COPIES = "段落 {passage_id} 在其他报告中没有相近的段落。请回到相近段落列表查看有相近段落的段落。"
BAD_CATEGORY = "类别 category 应是 {categories} 之一，而不是“{value}”。"
BAD_LAW_SORT = "排序 sort 应是 reports、passages 或 name，而不是“{value}”。"
BAD_TOGGLE = "参数 {name} 应是 1（是）或 0（否），而不是“{value}”。"
BAD_REPORT_PAGE = "报告页码 report_page 必须是 1 到 {limit} 之间的整数，而不是“{value}”。"
