"""Compare our portal-page reader with trafilatura on saved portal pages: checks passed per reader, and misses.

    python3 bench/html_readers.py [FOLDER]   (default bench/html_pages; trafilatura must be importable)

Each page in the folder has its truth in truth.json: title, date (成文日期, else the only date), issuer, the
first words of the body, the numbered headings, the last body line and any table rows. Both readers' text goes
through our parser (`parse_text`), so the comparison is of getting the article out of the page; trafilatura's
own title and date (its metadata extraction) are scored where they are better than what its text gives.
The pages in bench/html_pages are written by us in the shapes county portals use (gkmlpt, [ 索引号 ] lists,
old layout tables in GBK, "- 索 引 号：" lists, traditional-script mirrors, a bare #zoom div).
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from indexer.parse import fold_for_matching  # noqa: E402
from indexer.pipeline import parse_text  # noqa: E402
from indexer.read import read_document  # noqa: E402
from indexer.report import Report  # noqa: E402

DEFAULT_FOLDER = Path(__file__).resolve().parent / "html_pages"
# Page furniture that must not reach the report body.
_DEBRIS = re.compile(r"当前位置|所在位置|网站地图|ICP备|分享到|版权所有|字号|打印本页|无障碍|主办")
CHECKS = ("title", "date", "issuer", "first", "headings", "last", "clean", "rows")


def _compact(text: str) -> str:
    return re.sub(r"[\s。]", "", fold_for_matching(text or ""))


def _headings(report: Report) -> list[str]:
    found = []

    def walk(sections):
        for section in sections:
            found.append(section.number + section.title)
            walk(section.children)

    walk(report.sections)
    return found


def check(report: Report, truth: dict, title: str = "", date: str = "") -> dict[str, bool]:
    """Which checks a reader's result passes (title and date may come from the reader's own metadata)."""
    body = report.text[report.body_start:report.body_end]
    wanted_headings = [_compact(heading) for heading in truth["headings"]]
    got_headings = {_compact(heading) for heading in _headings(report)}
    results = {
        "title": _compact(title or report.title) == _compact(truth["title"]),
        "date": (date or report.date) == truth["date"],
        "issuer": _compact(report.issuer) == _compact(truth["issuer"]),
        "first": _compact(body).startswith(_compact(truth["first"])),
        "headings": all(heading in got_headings for heading in wanted_headings),
        "last": _compact(truth["last"]) in _compact(body),
        "clean": not _DEBRIS.search(fold_for_matching(body)),
    }
    if "rows" in truth:
        results["rows"] = all(row in report.text.split("\n") for row in truth["rows"])
    return results


def ours(path: Path) -> dict[str, bool]:
    document = read_document(path)
    report = parse_text(document.text, path.stem, source_format="html", page_metadata=document.page_metadata)
    return check(report, TRUTH[path.name])


def trafilatura_reader(path: Path) -> dict[str, bool]:
    import trafilatura

    data = path.read_bytes()
    text = trafilatura.extract(data, include_tables=True, include_formatting=False) or ""
    metadata = trafilatura.extract_metadata(data)
    title = (metadata.title if metadata else "") or ""
    date = (metadata.date if metadata else "") or ""
    report = parse_text(f"{title}\n{text}", path.stem, source_format="html")
    return check(report, TRUTH[path.name], title=title, date=date)


TRUTH: dict[str, dict] = {}


def main() -> int:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_FOLDER
    TRUTH.update(json.loads((folder / "truth.json").read_text(encoding="utf-8")))
    readers = {"ours": ours}
    try:
        import trafilatura  # noqa: F401

        readers["trafilatura"] = trafilatura_reader
    except ImportError:
        print("trafilatura is not importable; only our reader is scored.")
    totals = {name: [0, 0] for name in readers}
    for name in sorted(TRUTH):
        for reader, function in readers.items():
            results = function(folder / name)
            totals[reader][0] += sum(results.values())
            totals[reader][1] += len(results)
            misses = [key for key in CHECKS if key in results and not results[key]]
            print(f"{name:18} {reader:12} {sum(results.values())}/{len(results)}  misses: {', '.join(misses) or '-'}")
    for reader, (passed, checked) in totals.items():
        print(f"{reader:12} {passed}/{checked} checks passed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
