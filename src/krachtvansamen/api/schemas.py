"""What each endpoint returns (the OpenAPI schema is made from these)."""

from __future__ import annotations

import datetime
from typing import Any

from ninja import Schema


class Message(Schema):
    detail: str


class Invalid(Schema):
    """A parameter is missing or wrong (422): pydantic's list of what is wrong where."""

    detail: list[dict[str, Any]]


class ProgrammeOut(Schema):
    slug: str
    name: str
    description: str


class NeighbourhoodOut(Schema):
    cbs_code: str
    name: str
    municipality_code: str
    municipality_name: str
    programme: str | None  # the programme's slug
    is_focus: bool

    @staticmethod
    def resolve_programme(obj: Any) -> str | None:
        return obj.programme.slug if obj.programme_id else None


class CbsFiguresOut(Schema):
    year: int
    region_code: str
    kind: str
    name: str
    municipality_name: str
    table_id: str
    population: int | None
    men: int | None
    women: int | None
    age_0_15: int | None
    age_15_25: int | None
    age_25_45: int | None
    age_45_65: int | None
    age_65_plus: int | None
    origin_netherlands: int | None
    origin_europe: int | None
    origin_outside_europe: int | None
    extra: dict[str, Any]
    suppressed: list[Any]


class FragmentOut(Schema):
    id: int
    neighbourhood: str  # CBS code
    year: int
    instrument: str
    speaker_role: str
    speaker: str | None  # the speaker's pseudonym; never a name
    consent_level: str
    special_category: bool
    coding_state: str
    text: str
    source: str
    position: int
    created_at: datetime.datetime

    @staticmethod
    def resolve_neighbourhood(obj: Any) -> str:
        return str(obj.neighbourhood.cbs_code)

    @staticmethod
    def resolve_speaker(obj: Any) -> str | None:
        return obj.speaker.pseudonym if obj.speaker_id else None


class CodingOut(Schema):
    id: int
    fragment: int
    code: str  # the code's key, e.g. "vitality.trust"
    origin: str
    confidence: float | None
    start: int | None
    end: int | None
    settled: bool

    @staticmethod
    def resolve_fragment(obj: Any) -> int:
        return int(obj.fragment_id)

    @staticmethod
    def resolve_code(obj: Any) -> str:
        return str(obj.code.key)
