"""Benchmark: "fragments with code X" (page 1) and its full CSV, against Taguette's highlights of a tag.

Run (from the project root; Taguette is installed into /tmp/taguette-work/venv first if it is not there):

    .venv/bin/python benchmarks/coding_vs_taguette.py [--documents 500] [--codings 10000] [--requests 200]
        [--concurrency 10] [--rounds 3] [--threads N] [--ours-only] [--c1] [--keep]

What it does:

1. **Seeds our app** in a temporary ``KVS_DATA_DIR`` (SQLite; ``DATABASE_URL`` is ignored, an existing database
   is never touched): migrate, the shipped codebook, one programme with 10 neighbourhoods, a researcher of
   that programme, and ``--documents`` documents made with the same generator and seed as Taguette's
   ``seed_and_time.py`` (one fragment per paragraph, ``source`` ``document:N``), then ``--codings`` codings on
   random 3-12-word spans of a random sentence, coding ``i`` getting code ``i mod 12`` of 12 codes, so that
   ``effect.individual.confidence`` (Taguette's ``Effect/individueel – zelfvertrouwen``) gets ~833. Bulk
   writes consistent with the models: every coded fragment has the coder's pass and ``coding_state`` "coded".
2. **Seeds Taguette** (unless ``--ours-only``): starts an unmodified Taguette offline on a free port with an
   empty database of its own, as ``../shared/bench/taguette/README.md`` says, and runs its ``seed_and_time.py``
   with the same numbers (that first timing, right after seeding, is not used).
3. **Times both, in turn**, ``--rounds`` times, both servers up all the while: our ``kvs serve`` (waitress)
   through ``../shared/bench/http_compare.py`` (logged in as the researcher), once per target, ``--requests``
   requests at ``--concurrency``: page 1 of ``/coderen/codes/effect.individual.confidence/`` and its CSV
   (``?format=csv``: every coding, one row each); then Taguette's ``seed_and_time.py --project-id`` (its
   ``highlights_api_page1`` and ``highlights_csv_all`` are the equivalents). ``--c1`` also times ours at
   concurrency 1 (the service time of one request).
4. Prints both tools' p50/p95 side by side per round, the p95 ratio ours/Taguette, and its median over the
   rounds. The target: at most 0.5 for both. Exit status 0 when met (and no request failed), else 1.

Our client (http_compare) opens a new connection per request; Taguette's opens one keep-alive connection per
worker: if anything that weighs against us. Both servers and their clients share this machine: run it on a
quiet one, and read the ratios (measured in turn, under the same load) rather than the absolute times.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import ExitStack
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED_BENCH = (ROOT / ".." / "shared" / "bench").resolve()
TAGUETTE_DIR = SHARED_BENCH / "taguette"
TAGUETTE_WORK = Path("/tmp/taguette-work")
TAGUETTE_PYTHON = TAGUETTE_WORK / "venv" / "bin" / "python"
PASSWORD = "bench-kracht-123"
TAGUETTE_PASSWORD = "bench-pass-123"
CODE = "effect.individual.confidence"
# Our 12 codes, in the order of Taguette's 12 tags (make_fixtures.CODEBOOK): code i mod 12 for coding i,
# so index 5 (Taguette's "Effect/individueel – zelfvertrouwen") is CODE.
CODES = [
    "abcd.residents_lead", "abcd.from_within", "abcd.relations", "effect.individual.trust", "effect.social",
    CODE, "effect.neighbourhood.resident_control", "effect.social.contact", "factor.physical",
    "factor.societal", "factor.relational", "factor.governance",
]  # fmt: skip


def log(message: str) -> None:
    print(f"[coding_vs_taguette] {message}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(url: str, process: subprocess.Popen[bytes], log_path: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise RuntimeError(
                    f"{url} did not come up: {log_path.read_text(errors='replace')[-2000:]}"
                ) from None
            time.sleep(0.2)


# --- 1. seed our app ------------------------------------------------------------------------------------------


def seed_ours(*, documents: int, codings: int, random_seed: int) -> dict[str, Any]:
    """Fill the (empty, temporary) database. Runs in this process: KVS_DATA_DIR is set before Django starts."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection, transaction

    from krachtvansamen.coding.models import Coding, CodingPass, CodingState, Fragment
    from krachtvansamen.framework.selectors import codes_current_by_key
    from krachtvansamen.framework.services import codebook_load_shipped
    from krachtvansamen.neighbourhoods.models import MeasurementYear, Neighbourhood, Programme
    from krachtvansamen.people.models import Consent, Membership, Person, Role

    sys.path.insert(0, str(TAGUETTE_DIR))
    from seed_and_time import make_document  # the same documents Taguette gets

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    codebook_load_shipped()
    by_key = codes_current_by_key()
    codes = [by_key[key] for key in CODES]
    rng = random.Random(random_seed)
    with transaction.atomic():
        for year in (2023, 2024, 2025):
            MeasurementYear.objects.get_or_create(year=year)
        programme = Programme.objects.create(slug="bench", name="Benchmarkprogramma")
        neighbourhoods = Neighbourhood.objects.bulk_create(
            [
                Neighbourhood(
                    cbs_code=f"BU0363{n:04d}", name=f"Buurt {n}", municipality_name="Amsterdam",
                    municipality_code="GM0363", programme=programme,
                )
                for n in range(10)
            ]
        )  # fmt: skip
        persons = Person.objects.bulk_create(
            [Person(pseudonym=f"Bewoner {n}", neighbourhood=neighbourhoods[n % 10]) for n in range(100)]
        )
        Consent.objects.bulk_create(
            [
                Consent(
                    person=person, scope=Consent.Scope.QUOTES, given=True, level=Consent.Level.PSEUDONYMISED
                )
                for person in persons[::2]
            ]
        )
        user = get_user_model().objects.create_user(username="researcher", password=PASSWORD)
        Membership.objects.create(user=user, role=Role.RESEARCHER, programme=programme)
        levels = [Consent.Level.INTERNAL, Consent.Level.PSEUDONYMISED, Consent.Level.NAMED]
        docs = [make_document(rng, i) for i in range(documents)]
        rows = []
        for d, (_name, text, _sentences) in enumerate(docs):
            neighbourhood = neighbourhoods[d % 10]
            for position, paragraph in enumerate(text.strip().split("\n\n"), start=1):
                speaker = persons[(d * 7 + position) % 100] if position > 1 else None
                rows.append(
                    Fragment(
                        neighbourhood=neighbourhood, year=2023 + d % 3, text=paragraph, instrument="interview",
                        speaker_role="resident" if speaker else "professional", speaker=speaker,
                        consent_level=levels[(d + position) % 3], recorded_by=user, source=f"document:{d + 1}",
                        position=position,
                    )
                )  # fmt: skip
        fragments = Fragment.objects.bulk_create(rows, batch_size=2000)
        by_doc: dict[int, list[Fragment]] = {}
        for fragment in fragments:
            by_doc.setdefault(int(fragment.source.split(":")[1]) - 1, []).append(fragment)
        new_codings = []
        for i in range(codings):
            d = rng.randrange(len(docs))
            body = by_doc[d][1:]  # the paragraphs with sentences (the first is the heading)
            fragment = rng.choice(body)
            sentence = rng.choice([s for s in docs[d][2] if s in fragment.text] or [fragment.text])
            words = sentence.split(" ")
            a = rng.randrange(len(words))
            b = min(len(words), a + rng.randint(3, 12))
            phrase = " ".join(words[a:b])
            start = fragment.text.index(sentence) + len(" ".join(words[:a])) + (1 if a else 0)
            new_codings.append(
                Coding(
                    fragment=fragment, code=codes[i % len(codes)], coder=user, origin=Coding.Origin.HUMAN,
                    start=start, end=start + len(phrase),
                )
            )  # fmt: skip
        Coding.objects.bulk_create(new_codings, batch_size=2000)
        coded = sorted({coding.fragment.pk for coding in new_codings})
        CodingPass.objects.bulk_create(
            [CodingPass(fragment_id=pk, coder=user) for pk in coded], batch_size=2000
        )
        Fragment.objects.filter(pk__in=coded).update(coding_state=CodingState.CODED)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    connection.close()
    on_code = sum(1 for coding in new_codings if coding.code.key == CODE)
    return {
        "documents": documents,
        "fragments": len(fragments),
        "codings": len(new_codings),
        "codings_on_code": on_code,
        "fragments_on_code": len({c.fragment.pk for c in new_codings if c.code.key == CODE}),
        "seed_s": round(time.perf_counter() - started, 1),
    }


# --- 2. time our pages ---------------------------------------------------------------------------------------


OUR_TARGETS = {"page1": f"/coderen/codes/{CODE}/", "csv": f"/coderen/codes/{CODE}/?format=csv"}


def http_compare(*, base: str, path: str, requests: int, concurrency: int) -> dict[str, Any]:
    """One run of ../shared/bench/http_compare.py for one URL; its figures for that URL."""
    command = [
        sys.executable, str(SHARED_BENCH / "http_compare.py"), "--base", base, "--login-path", "/inloggen/",
        "--user", "researcher", "--password", PASSWORD, "--url", path, "--requests", str(requests),
        "--concurrency", str(concurrency), "--warmup", str(max(10, concurrency)), "--quiet",
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=900)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if not lines:
        raise RuntimeError(f"http_compare failed ({done.returncode}): {done.stderr[-2000:]}")
    result = json.loads(lines[-1])
    figures = result["urls"][0]
    if figures["errors"]:
        log(f"errors on {path}: {figures['error_kinds']}")
    return figures


def start_ours(*, data_dir: Path, stack: ExitStack, threads: int | None = None) -> str:
    """``kvs serve`` (waitress) on our seeded data; stopped when ``stack`` closes. Returns its base URL."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update({"KVS_DATA_DIR": str(data_dir), "DJANGO_SETTINGS_MODULE": "krachtvansamen.settings"})
    port = free_port()
    log_path = data_dir / "serve.log"
    server_log = stack.enter_context(log_path.open("wb"))
    server = subprocess.Popen(
        [sys.executable, "-m", "krachtvansamen.cli", "serve", "--port", str(port),
         *(["--threads", str(threads)] if threads else [])],
        env=env, stdout=server_log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    stack.callback(stop, server)
    base = f"http://127.0.0.1:{port}"
    wait_for(f"{base}/gezond/", server, log_path)
    return base


def stop(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()


def time_ours(*, base: str, requests: int, concurrency: int, c1: bool) -> dict[str, dict[str, Any]]:
    results = {}
    for name, path in OUR_TARGETS.items():
        log(f"ours: {name} {path}, {requests} requests, {concurrency} concurrent")
        results[name] = http_compare(base=base, path=path, requests=requests, concurrency=concurrency)
        if c1:
            results[f"{name}_c1"] = http_compare(base=base, path=path, requests=50, concurrency=1)
    return results


# --- 3. time Taguette ----------------------------------------------------------------------------------------


def taguette_install() -> None:
    if TAGUETTE_PYTHON.exists():
        return
    log("installing Taguette into /tmp/taguette-work/venv (README step 1)")
    TAGUETTE_WORK.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "venv", str(TAGUETTE_WORK / "venv")], check=True)
    subprocess.run(
        [str(TAGUETTE_WORK / "venv" / "bin" / "pip"), "install", "--quiet", "taguette"], check=True
    )


def start_taguette(*, stack: ExitStack) -> str:
    """An unmodified Taguette, offline, on an empty database of its own (README step 2). Returns its URL."""
    taguette_install()
    port = free_port()
    folder = Path(tempfile.mkdtemp(prefix="taguette-bench-"))
    stack.callback(shutil.rmtree, folder, ignore_errors=True)
    env = dict(os.environ)
    env.update({
        "TAGUETTE_ADMIN_PASSWORD": TAGUETTE_PASSWORD, "TAGUETTE_DATABASE": f"sqlite:///{folder / 'bench.sqlite3'}",
        "TAGUETTE_PORT": str(port), "TAGUETTE_PIDFILE": str(folder / "server.pid"),
    })  # fmt: skip
    log_path = folder / "server.log"
    server_log = stack.enter_context(log_path.open("wb"))
    server = subprocess.Popen(
        [str(TAGUETTE_PYTHON), "-W", "ignore", "bench/taguette/run_taguette_local.py", "--no-browser",
         "server", "bench/taguette/taguette_server_config.py"],
        cwd=SHARED_BENCH.parent, env=env, stdout=server_log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    stack.callback(stop, server)
    base = f"http://127.0.0.1:{port}"
    wait_for(f"{base}/health", server, log_path, seconds=120)
    return base


def seed_and_time_taguette(
    *, base: str, documents: int, codings: int, requests: int, concurrency: int, project_id: int | None
) -> dict[str, Any]:
    """Taguette's own ``seed_and_time.py``: seeds (unless ``project_id``) and times its three reads."""
    command = [
        sys.executable, str(TAGUETTE_DIR / "seed_and_time.py"), "--url", base, "--login", "admin",
        "--password", TAGUETTE_PASSWORD, "--documents", str(documents), "--highlights", str(codings),
        "--requests", str(requests), "--concurrency", str(concurrency),
    ]  # fmt: skip
    if project_id is not None:
        command += ["--project-id", str(project_id)]
    for attempt in range(3):  # a fresh Taguette may still be creating its admin user when /health answers
        done = subprocess.run(command, capture_output=True, text=True, timeout=3600)
        if "login failed" not in done.stderr:
            break
        log(f"Taguette: login failed, trying again ({attempt + 1})")
        time.sleep(3)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if not lines:
        raise RuntimeError(f"seed_and_time failed ({done.returncode}): {done.stderr[-2000:]}")
    return json.loads(lines[-1])


# --- 4. report -----------------------------------------------------------------------------------------------

PAIRS = [
    ("page 1 (50 fragments)", "page1", "highlights_api_page1"),
    ("full CSV", "csv", "highlights_csv_all"),
]


def report(
    rounds: list[dict[str, Any]], seeded: dict[str, Any], taguette_info: dict[str, Any] | None
) -> bool:
    """Per round both tools side by side, then the median over the rounds. True if every target is met."""
    print(
        f"\nData: {seeded['documents']} documents, {seeded['fragments']} fragments, {seeded['codings']} codings, "
        f"{seeded['codings_on_code']} on {CODE} ({seeded['fragments_on_code']} fragments); seeded in "
        f"{seeded['seed_s']} s"
    )
    if taguette_info:
        print(
            f"Taguette {taguette_info.get('taguette_version')}: {taguette_info['documents']} documents, "
            f"{taguette_info['highlights_total']} highlights, {taguette_info['tag_highlights']} on the tag"
        )
    header = f"{'':30}{'ours p50':>10}{'ours p95':>10}{'KB':>8}"
    if taguette_info:
        header += f"{'Tag. p50':>10}{'Tag. p95':>10}{'KB':>8}{'p95 ratio':>11}"
    print(header)
    ok = True
    for label, mine, theirs in PAIRS:
        ratios = []
        for number, one in enumerate(rounds, start=1):
            o = one["ours"][mine]
            line = f"{label + f' (round {number})':30}{o['p50_ms']:>10.1f}{o['p95_ms']:>10.1f}"
            line += f"{(o['bytes_mean'] or 0) / 1000:>8.1f}"
            ok = ok and not o["errors"]
            if one.get("taguette"):
                t = one["taguette"]["results"][theirs]
                ratios.append(o["p95_ms"] / t["p95_ms"])
                line += (
                    f"{t['p50_ms']:>10.1f}{t['p95_ms']:>10.1f}{t['bytes'] / 1000:>8.1f}{ratios[-1]:>11.2f}"
                )
            print(line)
        if ratios:
            ratio = statistics.median(ratios)
            ok = ok and ratio <= 0.5
            verdict = "ok" if ratio <= 0.5 else "ABOVE TARGET"
            print(f"{label + ': median p95 ratio':30}{ratio:>10.2f}  (target <= 0.50: {verdict})")
    for name in ("page1_c1", "csv_c1"):
        for number, one in enumerate(rounds, start=1):
            if name in one["ours"]:
                figures = one["ours"][name]
                print(
                    f"{f'ours {name} (round {number})':30}{figures['p50_ms']:>10.1f}{figures['p95_ms']:>10.1f}"
                )
    print(json.dumps({"rounds": rounds, "seeded": seeded, "taguette": taguette_info}, ensure_ascii=False))
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=500)
    parser.add_argument("--codings", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--random-seed", type=int, default=1)
    parser.add_argument(
        "--rounds", type=int, default=3, help="time both tools this many times, in turn (median is reported)"
    )
    parser.add_argument("--threads", type=int, help="waitress threads of our server (default: kvs serve's)")
    parser.add_argument("--ours-only", action="store_true", help="do not start and time Taguette")
    parser.add_argument(
        "--c1", action="store_true", help="also time our pages with one client (service time)"
    )
    parser.add_argument("--keep", action="store_true", help="keep our temporary data folder (printed)")
    args = parser.parse_args(argv)

    data_dir = Path(tempfile.mkdtemp(prefix="kvs-bench-lists-"))
    os.environ.pop("DATABASE_URL", None)
    os.environ["KVS_DATA_DIR"] = str(data_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "krachtvansamen.settings"
    try:
        with ExitStack() as stack:
            log(f"seeding our app in {data_dir}")
            seeded = seed_ours(documents=args.documents, codings=args.codings, random_seed=args.random_seed)
            log(f"seeded: {seeded}")
            taguette_base, taguette_info, project_id = None, None, None
            if not args.ours_only:
                taguette_base = start_taguette(stack=stack)
                log(
                    f"Taguette: seeding {args.documents} documents and {args.codings} highlights (a few minutes)"
                )
                taguette_info = seed_and_time_taguette(
                    base=taguette_base, documents=args.documents, codings=args.codings, requests=args.requests,
                    concurrency=args.concurrency, project_id=None,
                )  # fmt: skip
                project_id = taguette_info["project_id"]
            ours_base = start_ours(data_dir=data_dir, stack=stack, threads=args.threads)
            rounds = []
            for number in range(1, args.rounds + 1):
                log(f"round {number} of {args.rounds}")
                one: dict[str, Any] = {
                    "ours": time_ours(
                        base=ours_base, requests=args.requests, concurrency=args.concurrency, c1=args.c1
                    )
                }
                if taguette_base:
                    log("Taguette: timing")
                    one["taguette"] = seed_and_time_taguette(
                        base=taguette_base, documents=args.documents, codings=args.codings,
                        requests=args.requests, concurrency=args.concurrency, project_id=project_id,
                    )  # fmt: skip
                rounds.append(one)
        ok = report(rounds, seeded, taguette_info)
    finally:
        if args.keep:
            log(f"kept {data_dir}")
        else:
            shutil.rmtree(data_dir, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
