from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.utils.translation import gettext as _
from waitress import serve

from krachtvansamen.core.serving import serve_start_tasks_run
from krachtvansamen.wsgi import application

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def without_body_for_head(app: WSGIApp) -> WSGIApp:
    """A HEAD request gets the headers of the GET (Content-Length included) and no body (RFC 9110 9.3.2).

    Django leaves removing the body to the server (its runserver and test client do); waitress sends what
    the application returns, so a client that reuses the connection read the body as the next response."""

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        body = app(environ, start_response)
        if environ.get("REQUEST_METHOD", "").upper() != "HEAD":
            return body
        close = getattr(body, "close", None)
        if close is not None:
            close()
        return []

    return application


def several_processes_possible() -> bool:
    """gunicorn forks worker processes: Linux only here. Windows cannot fork, and on macOS forking a process that
    loaded numpy and the system libraries is unsafe; there each `kvs serve` is one process (see the README)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import gunicorn  # noqa: F401, PLC0415 - installed on Linux only (pyproject.toml)
    except ImportError:
        return False
    return True


def bind_address(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def start_tasks_in_first_worker(worker: Any) -> None:
    """gunicorn's post_worker_init: the start tasks run once, in the first worker, not in each (N trainings of
    the suggestion engine at once would slow every worker). The engine is kept on disk, so the other workers load
    it instead of training; a worker that replaces a stopped one has a higher age and runs nothing."""
    if worker.age == 1:
        serve_start_tasks_run()


def gunicorn_options(*, host: str, port: int, workers: int, threads: int) -> dict[str, Any]:
    """The gunicorn settings of ``kvs serve --workers N``. GUNICORN_CMD_ARGS may change any of them."""
    return {
        "bind": [bind_address(host, port)],
        "workers": workers,
        # More than one thread makes gunicorn use its gthread worker: a slow page (a PDF) does not hold up the
        # worker's heartbeat, so `timeout` only ends a worker that hangs as a whole.
        "threads": threads,
        "timeout": 120,
        # The app is loaded once, here, before the workers fork: they share its memory and start at once.
        "preload_app": True,
        "proc_name": "krachtvansamen",
        # gunicorn's control socket ($HOME/.gunicorn/gunicorn.ctl) would be one for every server on the machine.
        "control_socket_disable": True,
        "post_worker_init": start_tasks_in_first_worker,
    }


def gunicorn_application(app: WSGIApp, options: dict[str, Any]) -> Any:
    from gunicorn.app.base import BaseApplication  # noqa: PLC0415 - installed on Linux only

    class KrachtVanSamenServer(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            for name, value in options.items():
                self.cfg.set(name, value)
            # The operator's own gunicorn settings (GUNICORN_CMD_ARGS="--max-requests 1000") come last.
            from_env = self.cfg.parser().parse_args(self.cfg.get_cmd_args_from_env())
            for name, value in vars(from_env).items():
                if value is not None and name != "args":
                    self.cfg.set(name.lower(), value)

        def load(self) -> WSGIApp:
            return app

    return KrachtVanSamenServer()


def gunicorn_serve(app: WSGIApp, options: dict[str, Any]) -> None:
    server = gunicorn_application(app, options)
    # A connection opened here (system checks) would be shared by every forked worker.
    connections.close_all()
    server.run()


class Command(BaseCommand):
    help = (
        "Serve the app: one process with waitress (also on Windows and macOS), or with --workers N, N processes "
        "with gunicorn (Linux)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")
        # Per process: Python runs one thread at a time, so threads beyond waitress's own default (4) do not
        # serve more requests, they only lengthen the slowest ones (coding page p95 300 -> 240 ms at 10
        # clients, benchmarks/coding_vs_taguette.py). More requests at once: more processes (--workers).
        parser.add_argument("--threads", type=int, default=4)
        # Sessions, throttles and the cache are shared between processes (settings.CACHES), so any number works;
        # about one per CPU core, as the pages spend their time in Python.
        parser.add_argument("--workers", type=int, default=1)

    def handle(self, *args: Any, **options: Any) -> None:
        workers, threads = options["workers"], options["threads"]
        if workers < 1 or threads < 1:
            raise CommandError(_("--workers and --threads must be 1 or more."))
        if workers > 1 and not several_processes_possible():
            raise CommandError(
                _(
                    "Several processes (--workers) work on Linux only, with gunicorn. Here, start kvs serve "
                    "without --workers, or start several kvs serve on different ports behind the proxy."
                )
            )
        self.stdout.write(
            _("Kracht van Samen runs at http://%(host)s:%(port)s/ (stop: Ctrl+C)")
            % {"host": options["host"], "port": options["port"]}
        )
        self.stdout.flush()
        app = without_body_for_head(application)
        if workers > 1:
            gunicorn_serve(
                app,
                gunicorn_options(
                    host=options["host"], port=options["port"], workers=workers, threads=threads
                ),
            )
            return
        serve_start_tasks_run()
        serve(app, host=options["host"], port=options["port"], threads=threads, ident="krachtvansamen")
