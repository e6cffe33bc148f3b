"""Progress of long work, for a person at a terminal and for a log file alike.

On a terminal :func:`progress` is a tqdm bar (count, rate, time left). When standard error is
not a terminal (a log file, ``nohup``, CI) tqdm would print nothing or redraw one line with
carriage returns, so plain lines are printed instead: one when the stage starts, one at most every
:data:`LINE_EVERY` seconds with the count and the time left, and one when it ends.
"""

from __future__ import annotations

import contextlib
import sys
import time

LINE_EVERY = 20.0
"""Seconds between two plain progress lines of one stage."""


def say(line: str) -> None:
    """One line for the user on standard error."""
    print(line, file=sys.stderr, flush=True)


def duration(seconds: float) -> str:
    """``42 s``, ``3 min 05 s``, ``1 h 02 min``: a duration for people."""
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60:02d} s"
    return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min"


class PlainProgress:
    """A progress counter that prints plain lines (see the module's docstring)."""

    def __init__(self, total: int, desc: str, *, every: float = LINE_EVERY, clock=time.monotonic):
        self.total, self.desc, self.every, self.clock = total, desc, every, clock
        self.n = 0
        self.start = self.last = clock()
        say(f"themes: {desc}: {total} to do")

    def update(self, n: int = 1) -> None:
        self.n += n
        now = self.clock()
        if self.n < self.total and now - self.last >= self.every:
            self.last = now
            elapsed = now - self.start
            left = elapsed / self.n * (self.total - self.n) if self.n else float("nan")
            say(
                f"themes: {self.desc}: {self.n}/{self.total} ({100 * self.n / self.total:.0f}%), "
                f"{duration(elapsed)} so far, about {duration(left)} left"
            )

    def close(self) -> None:
        if self.total:
            say(f"themes: {self.desc}: {self.n}/{self.total} done in {duration(self.clock() - self.start)}")


class _Silent:
    def update(self, n: int = 1) -> None:
        pass


@contextlib.contextmanager
def progress(total: int, desc: str, *, enabled: bool = True):
    """A counter for ``total`` steps of a stage: ``with progress(n, "K sweep") as bar: bar.update()``.

    A tqdm bar when standard error is a terminal, plain lines otherwise, nothing when not
    ``enabled`` or when there is nothing to do.
    """
    if not enabled or total <= 0:
        yield _Silent()
    elif sys.stderr.isatty():
        from tqdm import tqdm

        with tqdm(total=total, desc=desc, leave=False, file=sys.stderr) as bar:
            yield bar
    else:
        bar = PlainProgress(total, desc)
        try:
            yield bar
        finally:
            bar.close()


@contextlib.contextmanager
def stage(desc: str, *, enabled: bool = True):
    """One step of work without a count of its own, reported as a stage of one step."""
    with progress(1, desc, enabled=enabled) as bar:
        yield
        bar.update(1)
