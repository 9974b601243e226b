"""A programme of four neighbourhoods (two of them focus neighbourhoods) with its people, and helpers that
record an instrument as done the way the instruments themselves do."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone

from krachtvansamen.coding.models import Instrument
from krachtvansamen.documents.models import Document
from krachtvansamen.effectenplein.models import Meeting
from krachtvansamen.instruments.models import Form, FormVersion, Submission
from krachtvansamen.neighbourhoods.models import Neighbourhood, Programme
from krachtvansamen.people.models import Role
from tests.factories import (
    FundingFactory,
    MembershipFactory,
    NeighbourhoodFactory,
    OrganisationFactory,
    ProgrammeFactory,
    UserFactory,
)


@dataclass
class World:
    programme: Programme
    other_programme: Programme
    focus: list[Neighbourhood]
    plain: list[Neighbourhood]
    elsewhere: Neighbourhood
    manager: object
    builder: object  # community builder of focus[0] and plain[0]
    builder_elsewhere: object  # community builder of a neighbourhood in the other programme
    funder: object
    admin: object

    @property
    def all(self) -> list[Neighbourhood]:
        return [*self.focus, *self.plain]


@pytest.fixture
def world(db) -> World:
    programme = ProgrammeFactory(slug="sterk", name="Sterke Buurten")
    other = ProgrammeFactory(slug="ander", name="Ander Programma")
    focus = [NeighbourhoodFactory(programme=programme, is_focus=True, name=f"Focus {i}") for i in (1, 2)]
    plain = [NeighbourhoodFactory(programme=programme, name=f"Gewoon {i}") for i in (1, 2)]
    elsewhere = NeighbourhoodFactory(programme=other, name="Elders")
    manager = UserFactory(username="pm", first_name="Petra", email="pm@example.org")
    MembershipFactory(user=manager, role=Role.PROGRAMME_MANAGER, programme=programme)
    builder = UserFactory(username="cb", first_name="Karim", email="cb@example.org")
    MembershipFactory(user=builder, role=Role.COMMUNITY_BUILDER, neighbourhood=focus[0])
    MembershipFactory(user=builder, role=Role.COMMUNITY_BUILDER, neighbourhood=plain[0])
    builder_elsewhere = UserFactory(username="cb2", email="cb2@example.org")
    MembershipFactory(user=builder_elsewhere, role=Role.COMMUNITY_BUILDER, neighbourhood=elsewhere)
    funder = UserFactory(username="fund")
    organisation = OrganisationFactory()
    MembershipFactory(user=funder, role=Role.FUNDER, organisation=organisation)
    FundingFactory(funder=organisation, neighbourhood=focus[0], programme=programme)
    admin = UserFactory(username="beheer", is_superuser=True, is_staff=True)
    return World(
        programme, other, focus, plain, elsewhere, manager, builder, builder_elsewhere, funder, admin
    )


def form_version(instrument: str) -> FormVersion:
    form, _created = Form.objects.get_or_create(key=f"test-{instrument}", defaults={"instrument": instrument})
    version, _created = FormVersion.objects.get_or_create(
        form=form, version=1, defaults={"definition": {"title": instrument}, "content_hash": instrument}
    )
    return version


def submit(neighbourhood: Neighbourhood, year: int, instrument: str = Instrument.VRAGENLIJST, *, draft=False):
    status = Submission.Status.DRAFT if draft else Submission.Status.SUBMITTED
    return Submission.objects.create(
        form_version=form_version(instrument), neighbourhood=neighbourhood, year=year, status=status
    )


def hold_effectenplein(neighbourhood: Neighbourhood, year: int, *, closed: bool = True) -> Meeting:
    return Meeting.objects.create(
        neighbourhood=neighbourhood,
        year=year,
        title="Effectenplein",
        code=f"AB{neighbourhood.pk:04d}"[:6],
        status=Meeting.Status.CLOSED if closed else Meeting.Status.OPEN,
        expires_at=timezone.now() + datetime.timedelta(hours=3),
    )


def add_document(neighbourhood: Neighbourhood, year: int, instrument: str) -> Document:
    return Document.objects.create(
        neighbourhood=neighbourhood,
        year=year,
        instrument=instrument,
        title="Verslag",
        kind=Document.Kind.PASTED,
        sha256=f"{neighbourhood.pk:064d}",
        size=10,
    )
