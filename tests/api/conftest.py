"""The API's world: two programmes, three neighbourhoods in two municipalities, a fragment and a coding in each
neighbourhood (one of the codings an open suggestion, which never counts), CBS figures, and one user per role,
each with a token.

- Programma A: Noord (BU90100001, Arnhem GM0202), Zuid (BU90100002, Nijmegen GM0268).
- Programma B: West (BU90100003, Arnhem GM0202), funded by the funder's organisation.
- connector of Noord; community builder of Zuid; researcher of A; programme manager of B; funder (funds West);
  policy officer of Nijmegen (GM0268: only Zuid); admin (superuser); an outsider with no membership.
- In each neighbourhood, in 2024: a person, an asset (a meeting place), an activity there with the person
  registered, and a relation of the person with an organisation (``world.records[code]``).
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model

from krachtvansamen.api.tokens import token_create
from krachtvansamen.coding.models import Coding
from krachtvansamen.framework.models import Code
from krachtvansamen.instruments.selectors import form_version_current
from krachtvansamen.instruments.services import submission_save_draft, submission_submit
from krachtvansamen.neighbourhoods.models import CbsRecord
from krachtvansamen.people.models import Organisation, Role
from tests.factories import (
    ActivityFactory,
    AssetFactory,
    CodingFactory,
    FragmentFactory,
    FundingFactory,
    MembershipFactory,
    NeighbourhoodFactory,
    OrganisationFactory,
    PersonFactory,
    ProgrammeFactory,
    RelationFactory,
    UserFactory,
)

NOORD, ZUID, WEST = "BU90100001", "BU90100002", "BU90100003"


def cbs(code: str, year: int, population: int) -> CbsRecord:
    return CbsRecord.objects.create(
        year=year, region_code=code, kind="buurt", name=code, municipality_name="Arnhem", table_id="85984NED",
        source_row=1, population=population, extra={"Woningvoorraad": 100}, suppressed=["men"],
    )  # fmt: skip


def neighbourhood_records(n, suffix: str = "") -> SimpleNamespace:
    person = PersonFactory(neighbourhood=n, pseudonym=f"Deelnemer {n.name}{suffix}")
    welfare = OrganisationFactory(name=f"Welzijn {n.name}{suffix}", neighbourhood=n)
    asset = AssetFactory(
        neighbourhood=n, name=f"Buurthuis {n.name}{suffix}", is_meeting_place=True, year=2024
    )
    activity = ActivityFactory(neighbourhood=n, title=f"Koffie in {n.name}{suffix}", meeting_place=asset, year=2024,
                               participant_count=12, initiator_person=person)  # fmt: skip
    activity.participants.add(person)
    relation = RelationFactory(neighbourhood=n, year=2024, source_person=person, target_person=None,
                               target_organisation=welfare, hook_activity=activity, capital_type="linking")  # fmt: skip
    return SimpleNamespace(
        person=person, asset=asset, activity=activity, relation=relation, organisation=welfare
    )


@pytest.fixture
def world(codebook):
    a = ProgrammeFactory(slug="programma-a", name="Programma A")
    b = ProgrammeFactory(slug="programma-b", name="Programma B")
    noord = NeighbourhoodFactory(cbs_code=NOORD, name="Noord", programme=a)
    zuid = NeighbourhoodFactory(
        cbs_code=ZUID, name="Zuid", programme=a, municipality_code="GM0268", municipality_name="Nijmegen"
    )
    west = NeighbourhoodFactory(cbs_code=WEST, name="West", programme=b)
    for n, population in ((noord, 1000), (zuid, 2000), (west, 3000)):
        cbs(n.cbs_code, 2023, population)
        cbs(n.cbs_code, 2024, population + 1)
    speaker = PersonFactory(neighbourhood=zuid, pseudonym="Bewoner Zuid")
    fragments = {
        NOORD: FragmentFactory(neighbourhood=noord, year=2024, text="Noord: intern verhaal.", consent_level="internal"),
        ZUID: FragmentFactory(neighbourhood=zuid, year=2025, text="Zuid: citeerbaar.", speaker=speaker,
                              consent_level="pseudonymised", instrument="interview"),
        WEST: FragmentFactory(neighbourhood=west, year=2024, text="West: verhaal.", consent_level="named"),
    }  # fmt: skip
    code = Code.objects.filter(depth__gt=0, codebook=codebook).order_by("position").first()
    codings = {
        NOORD: CodingFactory(fragment=fragments[NOORD], code=code, origin=Coding.Origin.HUMAN),
        WEST: CodingFactory(fragment=fragments[WEST], code=code, origin=Coding.Origin.HUMAN),
    }
    # An open suggestion (no coder): never counted, never shown.
    CodingFactory(fragment=fragments[ZUID], code=code, origin=Coding.Origin.SUGGESTED, coder=None)
    records = {n.cbs_code: neighbourhood_records(n) for n in (noord, zuid, west)}
    fund = OrganisationFactory(name="Fonds", kind=Organisation.Kind.FUND)
    FundingFactory(funder=fund, neighbourhood=west)
    nijmegen = OrganisationFactory(
        name="Gemeente Nijmegen", kind=Organisation.Kind.MUNICIPALITY, municipality_code="GM0268"
    )
    users = {
        "connector": dict(role=Role.CONNECTOR, neighbourhood=noord),
        "community_builder": dict(role=Role.COMMUNITY_BUILDER, neighbourhood=zuid),
        "researcher": dict(role=Role.RESEARCHER, programme=a),
        "programme_manager": dict(role=Role.PROGRAMME_MANAGER, programme=b),
        "funder": dict(role=Role.FUNDER, organisation=fund),
        "gemeente": dict(role=Role.MUNICIPALITY, organisation=nijmegen),
    }
    tokens: dict[str, str] = {}
    for name, membership in users.items():
        user = UserFactory(username=name)
        MembershipFactory(user=user, **membership)
        tokens[name] = token_create(user=user).token
    admin = UserFactory(username="admin", is_superuser=True, is_staff=True)
    tokens["admin"] = token_create(user=admin).token
    tokens["outsider"] = token_create(user=UserFactory(username="outsider")).token
    return SimpleNamespace(
        a=a, b=b, noord=noord, zuid=zuid, west=west, fragments=fragments, codings=codings, tokens=tokens,
        records=records,
        users={name: get_user_model().objects.get(username=name) for name in tokens},
    )  # fmt: skip


def get(client, path: str, token: str | None, **params):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.get(path, params, headers=headers)


@pytest.fixture
def submissions(world):
    """A Wijkwaardenkaart conversation in Noord (2024) with a resident who allowed quoting and keeping age group and
    origin, and a draft in Zuid, which nobody but its writer sees."""
    form = form_version_current(key="wijkwaardenkaart")
    connector = world.users["connector"]
    raw = {"values": "Het bankje bij de vijver.", "hinders": "De bus rijdt niet meer.", "themes": ["vitality.nature"],
           "consent": "pseudonymised", "pseudonym": "Vijverman", "demographics": "yes", "age_band": "65+",
           "origin": "netherlands"}  # fmt: skip
    sent = submission_submit(form_version=form, neighbourhood=world.noord, year=2024, raw=raw, user=connector)
    draft, _errors = submission_save_draft(
        form_version=form, neighbourhood=world.zuid, year=2024, raw={"values": "Half af."},
        user=world.users["community_builder"],
    )  # fmt: skip
    return SimpleNamespace(sent=sent, draft=draft)
