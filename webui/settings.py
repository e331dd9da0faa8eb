"""The one settings object of the web app: every field has a default and a line of help."""
from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from indexer.pipeline import DEFAULT_CORPUS, DEFAULT_INDEX


@dataclass(frozen=True)
class Settings:
    """Where the index and corpus are and how much a page shows."""

    index_dir: Path = field(default=DEFAULT_INDEX, metadata={"help": "folder of the search index built by `fazhi index`"})
    corpus_dir: Path = field(default=DEFAULT_CORPUS, metadata={"help": "folder of report files, for original downloads"})
    per_page: int = field(default=20, metadata={"help": "search hits per page"})
    max_per_page: int = field(default=100, metadata={"help": "the most hits a page or API call may ask for"})
    facet_size: int = field(default=30, metadata={"help": "how many values each facet lists (the most frequent, plus any selected)"})
    snippet_chars: int = field(default=160, metadata={"help": "about how many characters a hit's excerpt shows"})
    max_query_chars: int = field(default=500, metadata={"help": "longer queries are refused with a sentence"})
    filter_cache_mb: int = field(default=64, metadata={"help": "memory kept for the passages each set of filter values selects, least recently used dropped first (MB)"})
    max_export_rows: int = field(default=20_000, metadata={"help": "rows a web export (CSV or JSON lines) gives at most, then a line saying it was cut; the `fazhi` commands have no cap"})
    max_export_mb: int = field(default=50, metadata={"help": "bytes a web export gives at most, then a line saying it was cut (MB)"})
    max_request_seconds: int = field(default=20, metadata={"help": "seconds a web export or concordance may work before it stops with a sentence saying so"})
    max_heavy_requests: int = field(default=1, metadata={"help": "exports, concordances, trends and coverage grids computed at once; one more waits a second, then is refused with a sentence, so searches keep a thread"})
    heavy_worker: int = field(default=1, metadata={"help": "1: exports, concordances, trends and coverage grids are computed in `max_heavy_requests` worker processes of their own, so plain searches do not wait for them; 0: on the server's threads"})
    max_concordance_lines: int = field(default=100_000, metadata={"help": "occurrences a concordance page or export sorts by context at most (the first ones in document order)"})


def setting_help() -> dict[str, str]:
    """Each setting's name and help text, for the README and `--help`."""
    return {item.name: item.metadata["help"] for item in fields(Settings)}


def settings_from_environment(environ: dict[str, str] | None = None) -> Settings:
    """Settings with FAZHI_INDEX_DIR / FAZHI_CORPUS_DIR / FAZHI_PER_PAGE … applied (read only by the app factory)."""
    environ = dict(os.environ if environ is None else environ)
    changes: dict[str, object] = {}
    for item in fields(Settings):
        value = environ.get(f"FAZHI_{item.name.upper()}")
        if value is None:
            continue
        changes[item.name] = Path(value) if item.type in ("Path", Path) else int(value)
    return replace(Settings(), **changes)
