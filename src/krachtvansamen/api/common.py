"""What every endpoint module shares: paging, the bounds of parameters and the error responses."""

from __future__ import annotations

from typing import Any

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

from krachtvansamen.api.schemas import Invalid, Message

# Larger numbers than these only make the database overflow (a 500); they are refused as invalid (422).
MAX_ID = 2**31 - 1
MAX_OFFSET = 10**9
# A CBS region code: BU (buurt), WK (wijk) or GM (gemeente) and digits.
CBS_CODE = r"^[A-Z]{2}[0-9]{4,8}$"
# Measurement years: anything outside is no year of this programme, and a 422 rather than an empty list.
MIN_YEAR, MAX_YEAR = 1900, 2200

UNAUTHORISED = {401: Message, 422: Invalid, 429: Message}
READ_ERRORS = {**UNAUTHORISED, 403: Message, 404: Message}


class Paging(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(50, ge=1, le=500, description="Rows per page (1–500).")
        offset: int = Field(0, ge=0, le=MAX_OFFSET, description="Rows to skip.")


def text_filter(max_length: int, description: str) -> Any:
    """An optional text filter: at most ``max_length`` characters and no NUL character (PostgreSQL refuses those
    in text, which would be a 500 instead of a 422)."""
    return Field(None, max_length=max_length, pattern=r"^[^\x00]*$", description=description)
