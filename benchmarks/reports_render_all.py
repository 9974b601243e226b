"""Render every report of the demo, as a page and as a PDF, and time it.

Run:  .venv/bin/python benchmarks/reports_render_all.py [--data-dir DIR] [--pdf-dir DIR] [--limit N]

Sets the app up as a user does (`kvs demo --no-serve` into a throw-away KVS_DATA_DIR, or an existing one with
--data-dir), then, through the same views a browser uses (Django's test client, logged in as the demo admin):

- the Buurtbeeld and the Financiersrapport of every demo neighbourhood for its latest year, page and PDF;
- the Programmasynthese of every programme, page and PDF;
- the Financiersrapport PDF must have exactly one page (pypdf), and the demo funder must be able to open it
  for every neighbourhood it funds and get 403 for the Buurtbeeld.

Prints how many were rendered, the failures, and the time per report kind (p50 and max, page and PDF).
With --pdf-dir the PDFs are kept there (to look at them, e.g. with pdftoppm -png -r 60).
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def build_demo(data_dir: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "KVS_DEMO_PASSWORD")}
    env.update({"KVS_DATA_DIR": str(data_dir), "DJANGO_SETTINGS_MODULE": "krachtvansamen.settings"})
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "krachtvansamen.cli", "demo", "--no-serve"],
        env=env,
        check=True,
        capture_output=True,
        timeout=900,
    )
    print(f"demo built in {time.perf_counter() - started:.1f} s ({data_dir})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", help="an existing KVS_DATA_DIR with the demo (default: build one)")
    parser.add_argument("--pdf-dir", help="keep the PDFs in this folder")
    parser.add_argument("--limit", type=int, default=0, help="only the first N neighbourhoods")
    args = parser.parse_args()

    temporary = None
    if args.data_dir:
        data_dir = Path(args.data_dir)
    else:
        temporary = tempfile.mkdtemp(prefix="kvs-reports-bench-")
        data_dir = Path(temporary)
        build_demo(data_dir)
    os.environ.pop("DATABASE_URL", None)
    os.environ["KVS_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "krachtvansamen.settings")
    sys.path.insert(0, str(ROOT / "src"))
    try:
        return run(args)
    finally:
        if temporary:
            shutil.rmtree(temporary, ignore_errors=True)


def run(args: argparse.Namespace) -> int:
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client
    from pypdf import PdfReader

    from krachtvansamen.analysis.years import data_years
    from krachtvansamen.neighbourhoods.models import Neighbourhood, Programme
    from krachtvansamen.people.access import neighbourhoods_funded_by_user

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    users = get_user_model().objects
    admin, funder = Client(), Client()
    admin.force_login(users.get(username="admin"))
    funder.force_login(users.get(username="funder"))
    funded = set(
        neighbourhoods_funded_by_user(user=users.get(username="funder")).values_list("cbs_code", flat=True)
    )
    pdf_dir = Path(args.pdf_dir) if args.pdf_dir else None
    if pdf_dir:
        pdf_dir.mkdir(parents=True, exist_ok=True)

    timings: dict[tuple[str, str], list[float]] = defaultdict(list)
    failures: list[str] = []
    pages_per_kind: dict[str, list[int]] = defaultdict(list)
    rendered = 0

    def fetch(client: Client, kind: str, what: str, url: str, expect: int = 200) -> bytes | None:
        started = time.perf_counter()
        response = client.get(url)
        elapsed = time.perf_counter() - started
        if response.status_code != expect:
            failures.append(f"{url}: {response.status_code}, expected {expect}")
            return None
        if expect == 200:
            timings[kind, what].append(elapsed)
        return response.content

    def pdf(kind: str, url: str, name: str) -> None:
        nonlocal rendered
        content = fetch(admin, kind, "pdf", url)
        if content is None:
            return
        pages = len(PdfReader(io.BytesIO(content)).pages)
        pages_per_kind[kind].append(pages)
        if kind == "financier" and pages != 1:
            failures.append(f"{url}: {pages} pages, the funder report must fit one page")
        if pdf_dir:
            (pdf_dir / name).write_bytes(content)
        rendered += 1

    neighbourhoods = list(Neighbourhood.objects.order_by("programme__slug", "-is_focus", "cbs_code"))
    if args.limit:
        neighbourhoods = neighbourhoods[: args.limit]
    for n in neighbourhoods:
        years = data_years(neighbourhood_ids=[n.pk])
        if not years:
            failures.append(f"{n.cbs_code}: no year with data")
            continue
        year = years[-1]
        for kind, path in (("buurtbeeld", "buurtbeeld"), ("financier", "financiersrapport")):
            url = f"/rapporten/{path}/{n.cbs_code}/{year}/"
            if fetch(admin, kind, "page", url) is not None:
                rendered += 1
            pdf(kind, url + "pdf/", f"{path}-{n.cbs_code}-{year}.pdf")
        if n.cbs_code in funded:
            fetch(funder, "funder", "financier", f"/rapporten/financiersrapport/{n.cbs_code}/{year}/")
            fetch(funder, "funder", "buurtbeeld", f"/rapporten/buurtbeeld/{n.cbs_code}/{year}/", expect=403)
        print(f"  {n.cbs_code} {n.name}: done", flush=True)
    for programme in Programme.objects.order_by("slug"):
        ids = list(Neighbourhood.objects.filter(programme=programme).values_list("pk", flat=True))
        year = data_years(neighbourhood_ids=ids)[-1]
        url = f"/rapporten/programmasynthese/{programme.slug}/{year}/"
        if fetch(admin, "synthese", "page", url) is not None:
            rendered += 1
        pdf("synthese", url + "pdf/", f"programmasynthese-{programme.slug}-{year}.pdf")
        print(f"  {programme.slug}: done", flush=True)

    print(f"\nrendered: {rendered} (pages and PDFs), failures: {len(failures)}")
    for failure in failures:
        print("  FAILED", failure)
    print(f"\n{'report':<12}{'kind':<6}{'n':>4}{'p50 s':>9}{'max s':>9}   pages (PDF)")
    for kind in ("buurtbeeld", "financier", "synthese"):
        for what in ("page", "pdf"):
            values = timings.get((kind, what), [])
            if not values:
                continue
            pages = pages_per_kind.get(kind, []) if what == "pdf" else []
            page_text = f"{min(pages)}–{max(pages)}" if pages else ""
            print(
                f"{kind:<12}{what:<6}{len(values):>4}{statistics.median(values):>9.2f}{max(values):>9.2f}   {page_text}"
            )
    checks = timings.get(("funder", "financier"), [])
    print(
        f"\nfunder: opened {len(checks)} funder reports of funded neighbourhoods; Buurtbeeld refused (403) for each"
    )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
