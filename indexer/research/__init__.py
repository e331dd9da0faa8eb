"""Research views: an opened index (and the search filters) in, the numbers of each view out: concordance lines,
trends by year and province, coverage of topics per report, cited-law statistics, near-copied passages, a
reviewer's check of required contents, a township across years and two reports compared, figures stated
next to a phrase, and the newest passages for feeds.
"""
from indexer.research.concordance import (
    CONCORDANCE_SORTS,
    Concordance,
    ConcordanceLine,
    concordance,
    concordance_lines,
    concordance_to_json,
    line_to_json,
)
from indexer.research.concordance import MAX_PER_PAGE as CONCORDANCE_MAX_PER_PAGE
from indexer.research.copying import (
    Comparison,
    compare_reports,
    comparison_to_json,
    stored_report,
)
from indexer.research.coverage import (
    DEFAULT_TOPICS,
    MAX_TOPICS,
    Coverage,
    CoverageRow,
    coverage,
    coverage_rows,
    coverage_to_json,
    split_topics,
)
from indexer.research.duplicate_stats import (
    DuplicateGroup,
    DuplicateOverview,
    ReportShare,
    copies_in_report,
    duplicate_group,
    duplicate_overview,
    is_known_passage,
    iter_group_members,
    report_shares,
)
from indexer.research.feeds import MAX_ENTRIES as FEED_MAX_ENTRIES
from indexer.research.feeds import Feed, FeedEntry, feed
from indexer.research.figures import (
    Figure,
    Figures,
    figure_to_json,
    figures,
    figures_to_json,
    iter_figures,
)
from indexer.research.law_stats import (
    LAW_SORTS,
    CitingPassage,
    CitingSentence,
    LawDetail,
    LawSummary,
    citation_years,
    cited_documents,
    cited_laws,
    find_law,
    law_categories,
    law_detail,
    law_events,
)
from indexer.research.passage_arrays import passage_row_of, report_row_of
from indexer.research.report_facts import deadlines
from indexer.research.review import (
    FLAGS,
    MIN_PROBLEM_CHARS,
    ReportReview,
    Review,
    iter_reviews,
    report_review_to_json,
    required_parts,
    review,
    review_to_json,
)
from indexer.research.townships import (
    RepeatingTownship,
    TownshipHistory,
    repeating_to_json,
    repeating_townships,
    township_histories,
    township_to_json,
)
from indexer.research.trends import (
    FEW_REPORTS,
    MAX_QUERIES,
    Trends,
    trends,
    trends_to_json,
)
from indexer.research.work_limit import WorkLimit

__all__ = [
    "FEED_MAX_ENTRIES", "FLAGS", "MIN_PROBLEM_CHARS", "Comparison", "Feed", "FeedEntry", "Figure", "Figures",
    "RepeatingTownship", "ReportReview", "Review", "TownshipHistory", "compare_reports", "comparison_to_json",
    "deadlines", "feed", "figure_to_json", "figures", "figures_to_json", "iter_figures", "iter_reviews",
    "repeating_to_json", "repeating_townships", "report_review_to_json", "required_parts", "review",
    "review_to_json", "stored_report", "township_histories", "township_to_json",
    "CONCORDANCE_MAX_PER_PAGE", "FEW_REPORTS", "CONCORDANCE_SORTS", "DEFAULT_TOPICS", "LAW_SORTS", "MAX_QUERIES", "MAX_TOPICS",
    "CitingPassage", "CitingSentence", "Concordance", "ConcordanceLine", "Coverage", "CoverageRow", "DuplicateGroup",
    "DuplicateOverview", "LawDetail", "LawSummary", "ReportShare", "Trends", "WorkLimit", "citation_years", "cited_documents",
    "cited_laws", "concordance", "concordance_lines", "concordance_to_json", "copies_in_report", "coverage", "coverage_rows",
    "coverage_to_json", "duplicate_group", "duplicate_overview", "find_law", "is_known_passage", "iter_group_members",
    "law_categories", "law_detail", "law_events", "line_to_json", "passage_row_of", "report_row_of", "report_shares", "split_topics", "trends", "trends_to_json",
]
