"""Every sentence the concordance, trends and coverage views say to people, in one place (Chinese, the page's language)."""
from __future__ import annotations

BAD_CONCORDANCE_SORT = "排序 sort 应是 document（文档顺序）、left（按左侧语境）或 right（按右侧语境），而不是“{value}”。"
TOO_MANY_QUERIES = "一张趋势图最多比较 {limit} 个检索词，这里有 {count} 个；请去掉一些 q 参数。"
TOO_MANY_TOPICS = "覆盖表最多列 {limit} 个主题，这里有 {count} 个；请在 topics 中去掉一些。"
TOPIC_TOO_LONG = "主题“{topic}…”太长；请把每个主题缩短到 {limit} 个字符以内。"
BAD_CHART = "图表 chart 应是 year（按年份）或 province（按省份），而不是“{value}”。"

CONCORDANCE_SUMMARY = "“{query}”：{total} 处出现，见于 {reports} 篇报告的 {passages} 个段落"
CONCORDANCE_PROMPT = "输入检索词，逐条列出它在报告正文中的每一处出现及前后文。"
CONCORDANCE_CUT_OCCURRENCES = "出现次数太多：只统计并排列了文档顺序中前 {count} 处（网页上限 {limit} 处），总数不全。请加上筛选条件缩小范围，或在命令行运行 fazhi kwic 取得全部。"
CONCORDANCE_CUT_TIME = "统计用时超过 {seconds} 秒：只统计并排列了文档顺序中前 {count} 处，总数不全。请加上筛选条件缩小范围，或在命令行运行 fazhi kwic 取得全部。"
CONCORDANCE_EMPTY = "报告正文中没有找到这个词。可以换一个词，或去掉筛选条件。"
TRENDS_SUMMARY = "“{query}”：{reports} 篇报告、{passages} 个段落"
TRENDS_PROMPT = "输入一个或几个检索词，看它们逐年、分省在报告中出现的多少；占比是命中报告占当年（当省）全部报告的比例。"
COVERAGE_SUMMARY = "{total} 篇报告 × {topics} 个主题"
COVERAGE_EMPTY = "没有符合筛选条件的报告。请去掉一些筛选条件。"
