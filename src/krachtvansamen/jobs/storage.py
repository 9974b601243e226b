"""Where a job's files live: KVS_DATA_DIR/jobs/<id>/ (the upload it works on, the result it leaves).

With Celery on more machines, every worker and the web process need the same KVS_DATA_DIR (a shared volume).
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

from django.conf import settings


def jobs_dir() -> Path:
    return Path(settings.DATA_DIR) / "jobs"


def job_dir(job_id: int) -> Path:
    return jobs_dir() / str(job_id)


def safe_name(name: str) -> str:
    """A file name without folders or odd characters, for the disk and a download."""
    base = os.path.basename(name.replace("\\", "/")).strip() or "bestand"
    return re.sub(r"[^A-Za-z0-9._-]+", "_", base)[:120]


def _write_private(path: Path, content: bytes) -> None:
    # Uploads and results may hold personal data: readable by the service account only.
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(content)


def input_save(job_id: int, name: str, content: bytes) -> str:
    relative = f"{job_id}/input/{safe_name(name)}"
    _write_private(jobs_dir() / relative, content)
    return relative


def input_read(relative: str) -> bytes:
    return (jobs_dir() / relative).read_bytes()


def input_remove(job_id: int) -> None:
    shutil.rmtree(job_dir(job_id) / "input", ignore_errors=True)


def jobs_files_remove(job_ids: list[int]) -> None:
    """Everything these jobs left on disk: their uploads and their results."""
    for job_id in job_ids:
        shutil.rmtree(job_dir(job_id), ignore_errors=True)


def result_save(job_id: int, name: str, content: bytes) -> str:
    relative = f"{job_id}/{safe_name(name)}"
    _write_private(jobs_dir() / relative, content)
    return relative


def result_path(relative: str) -> Path | None:
    """The result file, or None when it is gone. Never a path outside the jobs folder."""
    root = jobs_dir().resolve()
    path = (root / relative).resolve()
    if root not in path.parents or not path.is_file():
        return None
    return path
