"""Progress of long command-line work in the terminal (``kvs demo``, ``kvs national-dataset``, imports ...).

Work that takes more than a few seconds accepts ``progress(done, total, step)``; the command passes a
``TerminalProgress``, a background job passes its own (jobs.progress). The bar only shows on a terminal or
with ``--progress``, so test runs and CI logs stay clean.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, TextIO

from tqdm import tqdm

ProgressCallback = Callable[[int, int, str], None]


def progress_none(done: int, total: int, step: str = "") -> None:
    """For callers that do not want to know."""


def progress_wanted(options: dict[str, Any], stream: TextIO | None = None) -> bool:
    """``--progress`` or a terminal on the command's output."""
    if options.get("progress"):
        return True
    stream = stream or sys.stderr
    return bool(getattr(stream, "isatty", lambda: False)())


class TerminalProgress:
    """One bar on stderr that follows ``progress(done, total, step)``; the step text is its description."""

    def __init__(self, *, enabled: bool, stream: TextIO | None = None) -> None:
        self.enabled = enabled
        self.stream = stream or sys.stderr
        self.bar: Any = None

    def __call__(self, done: int, total: int, step: str = "") -> None:
        if not self.enabled:
            return
        if self.bar is None or (total and self.bar.total != total):
            self.close()
            self.bar = tqdm(
                total=total or None,
                desc=step or None,
                file=self.stream,
                leave=False,
                dynamic_ncols=True,
                unit="",
            )
        if step:
            self.bar.set_description_str(step, refresh=False)
        self.bar.n = done
        self.bar.refresh()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None

    def __enter__(self) -> TerminalProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def command_progress(command: Any, options: dict[str, Any]) -> TerminalProgress:
    """The bar of a management command, on its stderr (the plain stream under Django's OutputWrapper)."""
    stream = getattr(command.stderr, "_out", None) or sys.stderr
    return TerminalProgress(enabled=progress_wanted(options, stream), stream=stream)


def add_progress_argument(parser: Any) -> None:
    parser.add_argument(
        "--progress", action="store_true", help="Show a progress bar even when the output is not a terminal."
    )
