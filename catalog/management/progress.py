"""A plain-text progress bar for the ingestion commands (stderr, no dependency)."""

import sys


class ProgressBar:
    """`bar(done, total, result)` fits catalog.ingest's progress callbacks.

    On a terminal the bar redraws in place; in a log file it writes a line
    every tenth of the way, so cron mails stay short.
    """

    WIDTH = 30

    def __init__(self, stream=None, *, enabled=True):
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self._last_tenth = -1

    def __call__(self, done, total, result):
        if not self.enabled:
            return
        label = f"{done}/{total}" if total else str(done)
        if total and self.tty:
            filled = self.WIDTH * done // total
            bar = "#" * filled + "." * (self.WIDTH - filled)
            end = "\n" if done == total else ""
            self.stream.write(f"\r[{bar}] {label} {result.outcome}".ljust(60) + end)
            self.stream.flush()
        elif not total or done * 10 // total != self._last_tenth:
            self._last_tenth = done * 10 // total if total else -1
            self.stream.write(f"{label} done\n")
