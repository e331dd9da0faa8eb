"""Score the parser on real reports gathered from portals: a folder of texts in, per-field scores and misses out.

    python3 bench/real_reports.py /path/to/dev [--facts bench/real_reports/facts.jsonl] [--scores-only]

Each file of the folder is parsed as `fazhi inspect` would (`parse_report`) and compared with its record in
the facts file (matched by file name); the texts themselves stay outside the repository. A field is scored
over the reports whose facts give it (province and county), or over all reports where an empty answer can be
right too (title, date, issuer: a page without a title must not get one). Headings and items are scored as
precision/recall/F over the lines in order (a longest common subsequence of the compared forms); a heading on
the excerpt's cut last line counts only if the facts record it.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from indexer.parse import fold_for_matching  # noqa: E402
from indexer.pipeline import parse_report  # noqa: E402
from indexer.report import Report, Section  # noqa: E402

DEFAULT_FACTS = Path(__file__).resolve().parent / "real_reports" / "facts.jsonl"
# A lowest-level item's numbering: 一是 / 二是 …
_ITEM_NUMBER = re.compile(r"^[一二三四五六七八九十]+是$")


@dataclass
class FieldScore:
    """Right answers over the reports a field was scored on, and the misses."""

    right: int = 0
    scored: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, name: str, expected: object, got: object, is_right: bool) -> None:
        self.scored += 1
        if is_right:
            self.right += 1
        else:
            self.misses.append(f"{name}: expected {expected!r}, got {got!r}")

    def __str__(self) -> str:
        share = 100 * self.right / self.scored if self.scored else 0.0
        return f"{self.right}/{self.scored} = {share:.0f} %"


@dataclass
class SequenceScore:
    """Precision, recall and F over lines in order, summed over reports."""

    matched: int = 0
    found: int = 0
    expected: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, name: str, expected: list[str], got: list[str]) -> None:
        matched = _common_in_order([_compared(line) for line in expected], [_compared(line) for line in got])
        self.matched += matched
        self.found += len(got)
        self.expected += len(expected)
        if matched != len(expected) or matched != len(got):
            wanted = {_compared(line) for line in expected}
            extra = [line for line in got if _compared(line) not in wanted]
            gotten = {_compared(line) for line in got}
            missing = [line for line in expected if _compared(line) not in gotten]
            self.misses.append(f"{name}: missing {missing}, extra {extra}")

    def __str__(self) -> str:
        precision = self.matched / self.found if self.found else 1.0
        recall = self.matched / self.expected if self.expected else 1.0
        f_score = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return f"P {100 * precision:.0f} % R {100 * recall:.0f} % F {100 * f_score:.0f} %"


def _compared(text: str | None) -> str:
    """The form two answers are compared in: half-width, simplified, no spaces, no closing stop."""
    text = unicodedata.normalize("NFKC", fold_for_matching(text or ""))
    return re.sub(r"\s+", "", text).rstrip("。.,;:，；：")


def _place(name: str | None) -> str:
    """A division's name without its level word; 屏边苗族自治县 and 屏边县 are one county."""
    name = re.sub(r"^(.{2,}?)(?:[\u4e00-\u9fff]{1,2}族)+自治([县旗州])$", r"\1\2", _compared(name))
    return re.sub(r"(?:省|市|自治区|壮族自治区|回族自治区|维吾尔自治区)$", "", name)


def _common_in_order(left: list[str], right: list[str]) -> int:
    previous = [0] * (len(right) + 1)
    for item in left:
        current = [0]
        for index, other in enumerate(right):
            current.append(previous[index] + 1 if item == other else max(previous[index + 1], current[-1]))
        previous = current
    return previous[-1]


def _flatten(sections: tuple[Section, ...]) -> list[Section]:
    lines: list[Section] = []
    for section in sections:
        lines.append(section)
        lines.extend(_flatten(section.children))
    return lines


def outline_lines(report: Report) -> tuple[list[str], list[str]]:
    """The report's numbered heading lines and its 一是/二是 items (their lead sentences), in order."""
    headings, items = [], []
    for section in _flatten(report.sections):
        if _ITEM_NUMBER.match(section.number):
            items.append(section.title)
        elif section.number:
            headings.append(section.number + section.title)
    return headings, items


def _on_last_line(report: Report) -> bool:
    """Whether the report's last heading sits on the last line of its text."""
    last = _flatten(report.sections)[-1] if report.sections else None
    return last is not None and "\n" not in report.text[last.start:].rstrip("\n")


def score_folder(folder: Path, facts_path: Path) -> dict[str, FieldScore | SequenceScore]:
    """Parse every gathered text in the folder that has a facts record and score it field by field."""
    facts = {}
    for line in facts_path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            record = json.loads(line)
            facts[record["file"]] = record
    scores: dict[str, FieldScore | SequenceScore] = {
        name: FieldScore() for name in ("township", "year", "province", "county", "title", "date", "issuer")
    }
    scores["headings"] = SequenceScore()
    scores["items"] = SequenceScore()
    for path in sorted(folder.glob("*.txt")):
        record = facts.get(path.name)
        if record is None:
            continue
        report = parse_report(path)
        name = path.name
        scores["township"].add(name, record["township"], report.township,
                               _compared(record["township"]) == _compared(report.township))
        scores["year"].add(name, record["year"], report.year, record["year"] == report.year)
        if record.get("province"):
            scores["province"].add(name, record["province"], report.province,
                                   _place(record["province"]) == _place(report.province))
        if record.get("county"):
            scores["county"].add(name, record["county"], report.county,
                                 _place(record["county"]) == _place(report.county))
        for key in ("title", "date", "issuer"):
            expected, got = record.get(key) or "", getattr(report, key) or ""
            is_right = _compared(expected) == _compared(got)
            if key == "title" and not is_right and got:
                # We keep the issuer lines above 「关于…的报告」 as the issuer (as the bundled reports' pins
                # do); the facts read them into the title.
                is_right = _compared(expected) == _compared(report.issuer + got)
            scores[key].add(name, expected, got, is_right)
        headings, items = outline_lines(report)
        if headings and _on_last_line(report) and _compared(headings[-1]) not in map(_compared, record["headings"]):
            # The excerpt is cut at its end; a heading on that cut line is recorded only when whole.
            headings = headings[:-1]
        scores["headings"].add(name, record["headings"], headings)
        scores["items"].add(name, record.get("items") or [], items)
    return scores


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path, help="a folder of gathered report texts (<file>.txt)")
    parser.add_argument("--facts", type=Path, default=DEFAULT_FACTS, help="the facts file (JSON lines)")
    parser.add_argument("--scores-only", action="store_true", help="print the scores without the misses")
    arguments = parser.parse_args()
    if not arguments.folder.is_dir():
        print(f"No folder {arguments.folder}: give the folder of gathered texts.", file=sys.stderr)
        return 2
    scores = score_folder(arguments.folder, arguments.facts)
    for name, score in scores.items():
        print(f"{name:9} {score}")
    if not arguments.scores_only:
        for name, score in scores.items():
            for miss in score.misses:
                print(f"  [{name}] {miss}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
