"""The build date: the one place cohub reads the clock.

Reproducible builds (https://reproducible-builds.org/specs/source-date-epoch/) set
SOURCE_DATE_EPOCH; everything date-dependent (a round's state, the roadmap's 90-day
window, `cohub new`'s dates) derives from the value returned here, so the same content
and the same epoch always give the same site.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from datetime import UTC, date, datetime

from .errors import UsageError


def build_date(environ: Mapping[str, str] | None = None) -> date:
    """The UTC date of SOURCE_DATE_EPOCH when set, else today in UTC."""
    env = os.environ if environ is None else environ
    raw = env.get("SOURCE_DATE_EPOCH")
    if raw is None or raw == "":
        return datetime.now(UTC).date()
    try:
        seconds = int(raw.strip())
        return datetime.fromtimestamp(seconds, UTC).date()
    except (ValueError, OverflowError, OSError):
        raise UsageError(
            f"SOURCE_DATE_EPOCH must be a whole number of seconds since 1970, found {raw!r}"
        ) from None


class Stopwatch:
    """Elapsed wall time, for the build summary and the progress line; never a date."""

    def __init__(self) -> None:
        self.start = self.last = time.perf_counter()
        self.laps: list[tuple[str, float]] = []

    @property
    def seconds(self) -> float:
        return time.perf_counter() - self.start

    def lap(self, stage: str) -> None:
        """Record the time since the last lap as `stage`'s (`cohub build --timings`)."""
        now = time.perf_counter()
        self.laps.append((stage, now - self.last))
        self.last = now
