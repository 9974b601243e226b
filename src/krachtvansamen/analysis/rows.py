"""The rows the analyses read: one ``typing.NamedTuple`` per kind of record.

Immutable and typed like a frozen dataclass, but a tuple underneath, so a million of them are built several
times faster and unpack at C speed in the analysis loops. ``analysis.data`` builds them straight from
``values_list`` tuples (``tuple.__new__``), without a Python call per row. Codes travel as ids (an int per
row instead of a string); ``analysis.data.Codebook`` turns them into keys.
"""

from __future__ import annotations

from typing import NamedTuple


class NeighbourhoodRow(NamedTuple):
    neighbourhood_id: int
    cbs_code: str
    name: str
    municipality_name: str
    programme_id: int | None
    is_focus: bool


class CodeRow(NamedTuple):
    """A code of the current codebook version (the rows and columns of the analyses)."""

    code_id: int
    key: str
    parent_key: str | None
    group: str
    depth: int
    position: int
    label_nl: str
    label_en: str


class CodingRow(NamedTuple):
    """One code applied to one fragment by a person (suggested, unconfirmed codings are not evidence)."""

    fragment_id: int
    neighbourhood_id: int
    year: int
    code_id: int  # any codebook version: ``Codebook.key_of`` gives the stable key
    instrument: str


class FragmentGroupRow(NamedTuple):
    """How many fragments one speaker (or no known speaker) gave in one instrument, neighbourhood and year."""

    neighbourhood_id: int
    year: int
    instrument: str
    speaker_id: int | None
    fragment_count: int


class FragmentStanceRow(NamedTuple):
    """A fragment that answered a question asked as 'what helps' or 'what hinders' (instrument forms)."""

    fragment_id: int
    neighbourhood_id: int
    year: int
    stance: str  # helps / hinders


class ActivityRow(NamedTuple):
    activity_id: int
    neighbourhood_id: int
    year: int
    initiated_by: str  # residents / professionals / together
    initiator_person_id: int | None
    participant_count: int


class ActivityParticipantRow(NamedTuple):
    activity_id: int
    neighbourhood_id: int
    year: int
    person_id: int


class RelationRow(NamedTuple):
    relation_id: int
    neighbourhood_id: int
    year: int
    source_person_id: int | None
    target_person_id: int | None
    capital_type: str  # bonding / bridging / linking
    is_new: bool
    hook_activity_id: int | None
    hook_place_id: int | None
    hook_person_id: int | None
    # An end that is an organisation (then the person id of that end is None); with the person ids these
    # name the pair, so a tie recorded again in a later year is told apart from a new one.
    source_organisation_id: int | None = None
    target_organisation_id: int | None = None

    @property
    def pair(self) -> frozenset[tuple[str, int]] | None:
        """The two ends, in either direction; None when an end is not known."""
        ends = []
        for person, organisation in (
            (self.source_person_id, self.source_organisation_id),
            (self.target_person_id, self.target_organisation_id),
        ):
            if person is not None:
                ends.append(("person", person))
            elif organisation is not None:
                ends.append(("organisation", organisation))
            else:
                return None
        return frozenset(ends)


class AssetRow(NamedTuple):
    asset_id: int
    neighbourhood_id: int
    year: int
    category: str
    is_meeting_place: bool


class FactorRow(NamedTuple):
    observation_id: int
    neighbourhood_id: int
    year: int
    code_id: int
    direction: str  # helps / hinders
    fragment_id: int | None


class SustainabilityRow(NamedTuple):
    assessment_id: int
    neighbourhood_id: int
    year: int
    code_id: int
    status: str  # present / partly / absent


class PersonRow(NamedTuple):
    """A participant. Demographics are blank unless the person's newest demographics consent is 'given'."""

    person_id: int
    neighbourhood_id: int
    role: str  # resident / connector / community_builder / professional
    age_band: str
    origin: str
    gender: str


class CbsRow(NamedTuple):
    """CBS Kerncijfers of one region and year; None = not published (secret or missing)."""

    record_id: int
    region_code: str
    year: int
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


class FundingRow(NamedTuple):
    funding_id: int
    neighbourhood_id: int
    funder_id: int
    funder_name: str
    start_year: int
    end_year: int


class ScaleAnswerRow(NamedTuple):
    """A 1–5 questionnaire answer to a question linked to a codebook code (e.g. ``abcd.residents_lead``)."""

    submission_id: int
    neighbourhood_id: int
    year: int
    code_key: str
    value: int
