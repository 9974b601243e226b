"""The start page of a researcher who sees every buurt of the country, on the national data set.

    .venv/bin/python benchmarks/start_page_national.py [--database-url postgres://postgres@127.0.0.1:5432/kvs_national]

Needs the data set of `benchmarks/national_dataset.py`. Prints, per URL (first page, a deep page, a search by
municipality, a search by CBS code), the median server time of 5 requests in-process (Django test client,
logged in as the demo `researcher`) and the size of the page. Before paging this page listed all 14,574 buurten.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/kvs_national")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "krachtvansamen.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(get_user_model().objects.get(username="researcher"))
    print(f"{'url':24} {'status':>6} {'median':>9} {'size':>8}")
    for path in ["/", "/?pagina=150", "/?zoek=Arnhem", "/?zoek=BU02021990"]:
        client.get(path)  # warm up
        times = []
        for _ in range(args.runs):
            started = time.perf_counter()
            response = client.get(path)
            times.append(time.perf_counter() - started)
        print(
            f"{path:24} {response.status_code:>6} {statistics.median(times) * 1000:>6.0f} ms "
            f"{len(response.content) / 1024:>5.0f} KB"
        )


if __name__ == "__main__":
    main()
