"""A cap on the upload size that acts while the request is read, not after.

Django writes an uploaded file to memory (small) or a temporary file (large) and only then calls the view.
This handler sits first in the chain and stops the file as soon as it passes the limit: the rest of the
request is read and thrown away, so an oversized upload never fills memory or the disk. The view then
sees ``request.kvs_upload_too_big`` and answers with a message instead of a file.
"""

from __future__ import annotations

import os

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload

DEFAULT_MAX_UPLOAD_MB = 10
# Set on the request (True) when the handler stopped an upload; the view reads it with getattr.
UPLOAD_TOO_BIG = "kvs_upload_too_big"


def max_upload_mb() -> float:
    # Settings first (KVS_MAX_UPLOAD_MB in settings.py), the environment when settings do not say.
    value = getattr(settings, "KVS_MAX_UPLOAD_MB", None) or os.environ.get("KVS_MAX_UPLOAD_MB")
    try:
        number = float(value) if value else DEFAULT_MAX_UPLOAD_MB
    except ValueError:
        number = DEFAULT_MAX_UPLOAD_MB
    return number if number > 0 else DEFAULT_MAX_UPLOAD_MB


def max_upload_bytes() -> int:
    return int(max_upload_mb() * 1024 * 1024)


class SizeLimitedUploadHandler(FileUploadHandler):
    def __init__(self, request=None, *, limit: int) -> None:
        super().__init__(request)
        self.limit = limit
        self.received = 0

    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.received > self.limit:
            setattr(self.request, UPLOAD_TOO_BIG, True)
            # connection_reset=False: Django reads the rest of the request without keeping it, so the
            # browser gets our page with a message instead of a broken connection.
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handler (memory or temporary file) makes the file
