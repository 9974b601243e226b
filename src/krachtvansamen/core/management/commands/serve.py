from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.core.management.base import BaseCommand
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


class Command(BaseCommand):
    help = "Serve the app with waitress (a production WSGI server that also runs on Windows and macOS)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")
        # One process: Python runs one thread at a time, so threads beyond waitress's own default (4) do not
        # serve more requests, they only lengthen the slowest ones (coding page p95 300 -> 240 ms at 10
        # clients, benchmarks/coding_vs_taguette.py). Several processes: the serving issue.
        parser.add_argument("--threads", type=int, default=4)

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(
            f"Kracht van Samen draait op http://{options['host']}:{options['port']}/ (stoppen: Ctrl+C)"
        )
        self.stdout.flush()
        serve_start_tasks_run()
        serve(
            without_body_for_head(application),
            host=options["host"],
            port=options["port"],
            threads=options["threads"],
            ident="krachtvansamen",
        )
