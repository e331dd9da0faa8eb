"""How much work a research view may take on for one request: a count and a deadline in, whether to go on out."""
from __future__ import annotations

import time
from dataclasses import dataclass


@dataclass
class WorkLimit:
    """How much a concordance may take on: at most `occurrences`, until `deadline` (time.monotonic()); None for no cap.

    Filled in as it goes: `stopped` says why it stopped early ("occurrences" or "time"), "" when it saw everything.
    The web views set one (`的 OR 法 OR 治` sorted by context is over a million lines); the command line does not.
    """

    occurrences: int | None = None
    deadline: float | None = None
    stopped: str = ""

    def allows(self, done: int) -> bool:
        """Whether work may go on after `done` occurrences; records the reason when not."""
        if self.occurrences is not None and done >= self.occurrences:
            self.stopped = "occurrences"
        elif self.deadline is not None and time.monotonic() > self.deadline:
            self.stopped = "time"
        return not self.stopped
