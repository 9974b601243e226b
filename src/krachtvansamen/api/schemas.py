"""What each endpoint returns (the OpenAPI schema is made from these)."""

from __future__ import annotations

import datetime
from typing import Any

from ninja import Schema

from krachtvansamen.api.answers import answers_shown


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


# --- Raw data of a neighbourhood: persons, assets, activities, relations, instrument answers ---------------------


class PersonOut(Schema):
    """A participant, by pseudonym only. Never a name, contact details, an account, or their age group, origin
    and gender one by one: the web pages show those to nobody but the person themselves (``/mijn-gegevens/``)
    and count them only together, with consent (``privacy.selectors.demographics_consented``)."""

    id: int
    neighbourhood: str  # CBS code
    pseudonym: str
    role: str  # resident, connector, community_builder, professional

    @staticmethod
    def resolve_neighbourhood(obj: Any) -> str:
        return str(obj.neighbourhood.cbs_code)


class AssetOut(Schema):
    id: int
    neighbourhood: str  # CBS code
    year: int  # the year it was recorded; the inventory of a year is every asset recorded up to it
    category: str
    name: str
    description: str
    is_meeting_place: bool
    person: str | None  # the pseudonym of whose talent it is
    organisation: str | None  # the organisation's name

    @staticmethod
    def resolve_neighbourhood(obj: Any) -> str:
        return str(obj.neighbourhood.cbs_code)

    @staticmethod
    def resolve_person(obj: Any) -> str | None:
        return obj.person.pseudonym if obj.person_id else None

    @staticmethod
    def resolve_organisation(obj: Any) -> str | None:
        return obj.organisation.name if obj.organisation_id else None


class ActivityOut(Schema):
    id: int
    neighbourhood: str  # CBS code
    year: int
    title: str
    description: str
    initiated_by: str  # residents, professionals, together
    initiator_person: str | None  # pseudonym
    initiator_organisation: str | None  # name
    meeting_place: int | None  # an asset's id
    started_on: datetime.date | None
    participant_count: int  # everyone who took part, most of them never registered
    participants: list[int]  # the ids of the persons registered by pseudonym (``/api/persons``)

    @staticmethod
    def resolve_neighbourhood(obj: Any) -> str:
        return str(obj.neighbourhood.cbs_code)

    @staticmethod
    def resolve_initiator_person(obj: Any) -> str | None:
        return obj.initiator_person.pseudonym if obj.initiator_person_id else None

    @staticmethod
    def resolve_initiator_organisation(obj: Any) -> str | None:
        return obj.initiator_organisation.name if obj.initiator_organisation_id else None

    @staticmethod
    def resolve_meeting_place(obj: Any) -> int | None:
        return int(obj.meeting_place_id) if obj.meeting_place_id else None

    @staticmethod
    def resolve_participants(obj: Any) -> list[int]:
        return sorted(person.pk for person in obj.participants.all())


class PartyOut(Schema):
    """One end of a relation: a person (by pseudonym) or an organisation (by name)."""

    kind: str  # person or organisation
    id: int
    name: str


def _party(person: Any, organisation: Any) -> dict[str, Any]:
    if person is not None:
        return {"kind": "person", "id": person.pk, "name": person.pseudonym}
    return {"kind": "organisation", "id": organisation.pk, "name": organisation.name}


class RelationOut(Schema):
    """A tie between two parties, and the 'haakje' that brought them together. The free-text note is left out:
    the relations page does not show it either."""

    id: int
    neighbourhood: str  # CBS code
    year: int
    source: PartyOut
    target: PartyOut
    capital_type: str  # bonding, bridging, linking
    is_new: bool
    hook_activity: int | None  # an activity's id
    hook_place: int | None  # an asset's id
    hook_person: str | None  # pseudonym

    @staticmethod
    def resolve_neighbourhood(obj: Any) -> str:
        return str(obj.neighbourhood.cbs_code)

    @staticmethod
    def resolve_source(obj: Any) -> dict[str, Any]:
        return _party(obj.source_person, obj.source_organisation)

    @staticmethod
    def resolve_target(obj: Any) -> dict[str, Any]:
        return _party(obj.target_person, obj.target_organisation)

    @staticmethod
    def resolve_hook_activity(obj: Any) -> int | None:
        return int(obj.hook_activity_id) if obj.hook_activity_id else None

    @staticmethod
    def resolve_hook_place(obj: Any) -> int | None:
        return int(obj.hook_place_id) if obj.hook_place_id else None

    @staticmethod
    def resolve_hook_person(obj: Any) -> str | None:
        return obj.hook_person.pseudonym if obj.hook_person_id else None


class CodedAnswerOut(Schema):
    question: str
    code: str  # the code's key
    value: int | None  # 1–5 on a scale; empty for a chosen code

    @staticmethod
    def resolve_code(obj: Any) -> str:
        return str(obj.code.key)


class InstrumentAnswersOut(Schema):
    """One submitted form (a questionnaire, a Wijkwaardenkaart conversation, a Buurtscan …) and its answers."""

    id: int
    neighbourhood: str  # CBS code
    year: int
    form: str  # the form's key, e.g. wijkwaardenkaart
    form_version: int
    instrument: str
    source: str  # web or import
    submitted_at: datetime.datetime | None
    person: str | None  # the pseudonym of the resident the conversation was with
    answers: dict[str, Any]  # question name → answer, as given (see ``api.raw_data.answers_shown``)
    coded_answers: list[CodedAnswerOut]  # the scales and chosen codes the analyses count
    fragments: list[int]  # the fragments its long answers became (``/api/fragments``)

    @staticmethod
    def resolve_neighbourhood(obj: Any) -> str:
        return str(obj.neighbourhood.cbs_code)

    @staticmethod
    def resolve_form(obj: Any) -> str:
        return str(obj.form_version.form.key)

    @staticmethod
    def resolve_form_version(obj: Any) -> int:
        return int(obj.form_version.version)

    @staticmethod
    def resolve_instrument(obj: Any) -> str:
        return str(obj.form_version.form.instrument)

    @staticmethod
    def resolve_person(obj: Any) -> str | None:
        return obj.person.pseudonym if obj.person_id else None

    @staticmethod
    def resolve_answers(obj: Any) -> dict[str, Any]:
        return answers_shown(obj)

    @staticmethod
    def resolve_coded_answers(obj: Any) -> list[Any]:
        return sorted(obj.coded_answers.all(), key=lambda answer: (answer.question, answer.pk))

    @staticmethod
    def resolve_fragments(obj: Any) -> list[int]:
        return sorted(link.fragment_id for link in obj.fragment_links.all())


# --- Reports: the figures of the report pages ---------------------------------------------------------------------


class ReportFigureOut(Schema):
    """One number of the report, as the page shows it."""

    section: str  # the part of the report, e.g. "figures", "principles", "asset_rows", "not_reached"
    question: str | None  # approach, change or sustainability: the analysis it answers; None for key figures
    neighbourhood: (
        str | None
    )  # CBS code, where a report about several neighbourhoods has a row per neighbourhood
    label: str  # the row it is in (in the reader's language), or else the field's name
    field: str  # which column of the row, or which figure of the report
    key: str | None  # the evidence key (``?n=`` of the evidence page); empty for a count that links nowhere
    kind: str  # count, percent, decimal (a mean) or status (a word such as "present")
    value: int | float | None  # None: too little data ("—")
    text: str  # as printed
    n: int | None  # what it rests on: a count is its own n; a mean its answers; a share what it is a share of
    evidence: str | None  # the evidence page behind the number (open to you where the page links it)


class ReportQuoteOut(Schema):
    """Residents' own words, only where they allowed quoting and a person approved the words (names of others
    pseudonymised); never a special category of personal data (``privacy.selectors.quotable``)."""

    section: str
    text: str
    year: int
    instrument: str
    role: str
    speaker: str | None  # the pseudonym, only in the reports for the team (the Buurtbeeld)
    neighbourhood: str | None  # the neighbourhood's name, in a report about several


class ReportOut(Schema):
    kind: str  # buurtbeeld, financier, beleidssignalen or programmasynthese
    subject: str  # the CBS code, municipality code or programme slug
    name: str
    year: int
    years: list[int]  # the years with data
    findings: list[str]  # "In short" (Buurtbeeld) or the signals (Beleidssignalen), each with its n
    not_known: list[str]  # what the data cannot tell yet
    figures: list[ReportFigureOut]
    quotes: list[ReportQuoteOut]
