"""A one-line progress bar for long management commands (a rebuild, a warm-up): redrawn at most five times a second,
with the rate so far."""

import time


class ProgressBar:
    def __init__(self, stream, total, label, width=30, unit="docs"):
        self.stream, self.total, self.label, self.width, self.unit = stream, max(total, 1), label, width, unit
        self.started = time.perf_counter()
        self.last = 0.0

    def __call__(self, done):
        now = time.perf_counter()
        if done < self.total and now - self.last < 0.2:
            return
        self.last = now
        filled = int(self.width * min(done, self.total) / self.total)
        rate = done / max(now - self.started, 1e-9)
        self.stream.write(
            f"\r{self.label} [{'#' * filled}{'.' * (self.width - filled)}] {done}/{self.total}"
            f" ({rate:,.0f} {self.unit}/s)"
        )
        self.stream.flush()

    def close(self):
        self.stream.write("\n")
