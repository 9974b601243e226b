"""Work a server process starts beside serving: apps register it (in AppConfig.ready), ``kvs serve`` runs it.

The core knows no app; an app that wants something ready before the first request (the coding app trains its
suggestion engine) registers a function here. Each runs once, in its own background thread, so the server
answers from its first second.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from django.db import close_old_connections

logger = logging.getLogger(__name__)

_on_start: list[Callable[[], None]] = []


def register_on_serve_start(task: Callable[[], None]) -> None:
    if task not in _on_start:
        _on_start.append(task)


def serve_start_tasks_run() -> list[threading.Thread]:
    threads = []
    for task in _on_start:

        def run(task: Callable[[], None] = task) -> None:
            try:
                task()
            except Exception:  # the server serves without it; the task's own page says what is missing
                logger.exception("Start task %s failed", getattr(task, "__name__", task))
            finally:
                close_old_connections()

        thread = threading.Thread(
            target=run, name=f"kvs-start-{getattr(task, '__name__', 'task')}", daemon=True
        )
        thread.start()
        threads.append(thread)
    return threads
