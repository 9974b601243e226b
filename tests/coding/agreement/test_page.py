"""The agreement page: figures from codings and passes made with the factories, access, and the CSV file."""

from __future__ import annotations

import csv
import io
import re
from types import SimpleNamespace

import pytest
from django.urls import NoReverseMatch, reverse

from krachtvansamen.coding.models import Coding, CodingPass, ProgrammeCode
from krachtvansamen.framework.models import Code
from krachtvansamen.people.models import Role
from tests.factories import (
    CodingFactory,
    FragmentFactory,
    FundingFactory,
    MembershipFactory,
    NeighbourhoodFactory,
    ProgrammeFactory,
    UserFactory,
)

URL = "/coderen/overeenstemming/"
RELATIONS = "abcd.relations"
# The worked example: both give the code on fragment 0, only Anna on fragment 19 (see test_measures).
EXAMPLE_ANNA = [1] + [0] * 18 + [1]
EXAMPLE_BAS = [1] + [0] * 18 + [0]


def member(username: str, first_name: str = "", **kwargs) -> object:
    user = UserFactory(username=username, first_name=first_name)
    MembershipFactory(user=user, **kwargs)
    return user


def code(key: str) -> Code:
    return Code.objects.get(codebook__is_current=True, key=key)


def coded(fragment, coder, *keys: str) -> None:
    """``coder`` went through ``fragment`` and gave these codes (none: a pass without codes)."""
    CodingPass.objects.create(fragment=fragment, coder=coder)
    for key in keys:
        CodingFactory(fragment=fragment, coder=coder, code=code(key))


@pytest.fixture
def world(codebook) -> SimpleNamespace:
    programme = ProgrammeFactory(name="Programma Oost")
    neighbourhood = NeighbourhoodFactory(name="Oostbuurt", programme=programme)
    w = SimpleNamespace(programme=programme, neighbourhood=neighbourhood)
    w.anna = member("anna", "Anna", role=Role.RESEARCHER, programme=programme)
    w.bas = member("bas", "Bas", role=Role.RESEARCHER, programme=programme)
    w.lead = member("lead", "Lies", role=Role.RESEARCHER, programme=programme)
    w.fragments = [FragmentFactory(neighbourhood=neighbourhood, year=2025) for _ in range(20)]
    for fragment, a, b in zip(w.fragments, EXAMPLE_ANNA, EXAMPLE_BAS, strict=True):
        coded(fragment, w.anna, *([RELATIONS] if a else []))
        coded(fragment, w.bas, *([RELATIONS] if b else []))
    # Not a coder's own work: a settled outcome and an unconfirmed suggestion do not count.
    CodingFactory(fragment=w.fragments[5], coder=w.lead, code=code(RELATIONS), settled=True)
    CodingFactory(fragment=w.fragments[6], coder=None, code=code(RELATIONS), origin=Coding.Origin.SUGGESTED)
    return w


def page(client, user, **params):
    client.force_login(user)
    return client.get(URL, params)


@pytest.mark.django_db
def test_the_worked_example_through_the_page(client, world):
    response = page(client, world.lead, group="abcd")
    assert response.status_code == 200
    row = next(r for r in response.context["compared_rows"] if r.key == RELATIONS)
    assert row.figures.kappa.value == pytest.approx(0.6429, abs=1e-4)
    assert row.figures.alpha.value == pytest.approx(0.6486, abs=1e-4)
    assert row.figures.ac1.value == pytest.approx(0.9419, abs=1e-4)
    assert row.figures.fragments == 20 and row.figures.given == 3
    html = response.content.decode()
    assert "Berekend over 20 fragmenten die Anna en Bas allebei codeerden." in html
    # Dutch decimal comma, and the percentage of the same answer.
    for text in ("0,64", "0,65", "0,94", "95%", "Overeenstemming per code", "Wat de cijfers betekenen"):
        assert text in html
    assert '<th class="utrecht-table__header-cell" scope="row">' in html and "<caption" in html
    # Codes of the group nobody gave are listed apart, in words.
    assert "codes die geen van deze codeurs gaf" in html
    assert "Te weinig fragmenten (minder dan" not in html


@pytest.mark.django_db
def test_a_coder_without_a_pass_is_missing_not_absent(client, world):
    # Bas went through 10 more fragments without giving the code; Anna never saw them.
    for _ in range(10):
        coded(FragmentFactory(neighbourhood=world.neighbourhood, year=2025), world.bas)
    response = page(client, world.lead, group="abcd", coder=[world.anna.pk, world.bas.pk])
    row = next(r for r in response.context["compared_rows"] if r.key == RELATIONS)
    assert row.figures.fragments == 20
    assert row.figures.kappa.value == pytest.approx(0.6429, abs=1e-4)


@pytest.mark.django_db
def test_the_default_pair_is_the_two_coders_who_share_the_most_fragments(client, world):
    chris = member("chris", "Chris", role=Role.RESEARCHER, programme=world.programme)
    for fragment in world.fragments[:3]:
        coded(fragment, chris)
    response = page(client, world.lead)
    assert [c.name for c in response.context["chosen"]] == ["Anna", "Bas"]
    names = [c.name for c in response.context["coders"]]
    assert names == ["Anna", "Bas", "Chris"]


@pytest.mark.django_db
def test_undefined_figures_are_said_in_words(client, codebook):
    programme = ProgrammeFactory()
    neighbourhood = NeighbourhoodFactory(programme=programme)
    anna = member("anna2", "Anna", role=Role.RESEARCHER, programme=programme)
    bas = member("bas2", "Bas", role=Role.RESEARCHER, programme=programme)
    # Both give the same code to all three fragments: kappa and alpha have nothing to compare against.
    for _ in range(3):
        fragment = FragmentFactory(neighbourhood=neighbourhood)
        coded(fragment, anna, RELATIONS)
        coded(fragment, bas, RELATIONS)
    response = page(client, anna, group="abcd")
    row = response.context["compared_rows"][0]
    assert row.figures.kappa.value is None and row.figures.alpha.value is None
    html = response.content.decode()
    assert "altijd hetzelfde antwoord" in html
    assert "Waarom sommige cijfers ontbreken" in html and "kan deze maat niet berekend worden" in html
    assert "Te weinig fragmenten (minder dan 10)" in html
    assert not re.search(r"\bnan\b", html, re.IGNORECASE)


@pytest.mark.django_db
def test_pairwise_kappa_table_for_three_coders(client, world):
    chris = member("chris", "Chris", role=Role.RESEARCHER, programme=world.programme)
    for fragment, a in zip(world.fragments, EXAMPLE_ANNA, strict=True):
        coded(fragment, chris, *([RELATIONS] if a else []))
    response = page(client, world.lead, group="abcd", all_coders="on")
    assert [c.name for c in response.context["chosen"]] == ["Anna", "Bas", "Chris"]
    pairs = response.context["pairs"]
    assert [p.coder.name for p in pairs] == ["Anna", "Bas", "Chris"]
    anna, bas, chris_row = pairs
    assert anna.cells[0] is None and anna.cells[2].value == pytest.approx(1.0)
    assert anna.cells[1].value == pytest.approx(0.6429, abs=1e-4) and anna.cells[1].n == 20
    assert bas.cells[2].value == pytest.approx(0.6429, abs=1e-4)
    row = response.context["compared_rows"][0]
    # Three coders: no Cohen's kappa per code, said in words; alpha and AC1 for all three.
    assert row.figures.kappa.value is None
    html = response.content.decode()
    assert "alleen voor twee codeurs" in html and "Kappa voor elk paar codeurs" in html
    assert "minstens twee van deze 3 codeurs" in html


@pytest.mark.django_db
def test_disagreement_links_go_to_the_workbench_when_it_is_there(client, world):
    response = page(client, world.lead, group="abcd", year=2025)
    row = next(r for r in response.context["compared_rows"] if r.key == RELATIONS)
    try:
        base = reverse("coding:disputes")
    except NoReverseMatch:
        assert row.disputes_url == ""
    else:
        assert row.disputes_url.startswith(base) and f"code={RELATIONS}" in row.disputes_url
        assert "year=2025" in row.disputes_url
        assert row.disputes_url.replace("&", "&amp;") in response.content.decode()


@pytest.mark.django_db
def test_a_few_queries_whatever_the_number_of_fragments(client, world, django_assert_max_num_queries):
    client.force_login(world.lead)
    with django_assert_max_num_queries(25):
        client.get(URL, {"group": "abcd"})
    for _ in range(30):
        fragment = FragmentFactory(neighbourhood=world.neighbourhood)
        coded(fragment, world.anna, RELATIONS)
        coded(fragment, world.bas)
    with django_assert_max_num_queries(25):
        client.get(URL, {"group": "abcd"})


# --- access ----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_funders_connectors_and_strangers_do_not_get_in(client, world):
    funding = FundingFactory(neighbourhood=world.neighbourhood)
    funder = member("funder", role=Role.FUNDER, organisation=funding.funder)
    connector = member("connector", role=Role.CONNECTOR, neighbourhood=world.neighbourhood)
    assert page(client, funder).status_code == 403
    assert page(client, connector).status_code == 403
    client.logout()
    assert client.get(URL).status_code == 302


@pytest.mark.django_db
def test_a_researcher_of_another_programme_sees_none_of_these_coders(client, world):
    elsewhere = member("elders", "Els", role=Role.RESEARCHER, programme=ProgrammeFactory())
    response = page(client, elsewhere, group="abcd", coder=[world.anna.pk, world.bas.pk])
    assert response.status_code == 200
    assert response.context["coders"] == [] and response.context["result"] is None
    html = response.content.decode()
    assert "Anna" not in html and "Bas" not in html and "Oostbuurt" not in html
    assert "Nog niet genoeg om te vergelijken" in html
    # Asking for their neighbourhood by id is refused, not answered.
    response = page(client, elsewhere, neighbourhood=world.neighbourhood.pk, coder=[world.anna.pk])
    assert response.context["result"] is None and response.context["form"].errors
    csv_text = page(client, elsewhere, group="abcd", format="csv").content.decode("utf-8-sig")
    assert "abcd.relations" not in csv_text and "Anna" not in csv_text


@pytest.mark.django_db
def test_a_programme_manager_reads_the_figures(client, world):
    manager = member("manager", role=Role.PROGRAMME_MANAGER, programme=world.programme)
    response = page(client, manager, group="abcd")
    assert response.status_code == 200 and response.context["result"].fragments == 20


# --- CSV -------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_csv_of_the_table_per_code_is_formula_safe(client, world):
    own = Code.objects.create(
        codebook=code(RELATIONS).codebook, key="abcd.relations.own", parent=code(RELATIONS), group="abcd",
        depth=2, position=10_000, label_nl='=HYPERLINK("http://evil.example","klik")', label_en="own",
        is_user_defined=True,
    )  # fmt: skip
    ProgrammeCode.objects.create(programme=world.programme, key=own.key)
    CodingFactory(fragment=world.fragments[3], coder=world.anna, code=own)
    response = page(client, world.lead, group="abcd", format="csv")
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:5] == ["code", "sleutel", "alpha", "kappa", "AC1"]
    by_key = {row[1]: row for row in rows[1:]}
    assert by_key[RELATIONS][2:6] == ["0,649", "0,643", "0,942", "95,0"]
    assert by_key[RELATIONS][6:8] == ["20", "3"]
    assert by_key[own.key][0] == '\'=HYPERLINK("http://evil.example","klik")'
    assert rows[-1][0] == "Alle codes samen"
    # Codes nobody gave: no figures, with the reason in words.
    never = by_key["abcd.whats_strong"]
    assert never[2:6] == ["", "", "", ""] and "niet gegeven" in never[8]


def test_csv_safe_quotes_every_formula_start():
    from krachtvansamen.coding.agreement.views import csv_safe

    for text in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert csv_safe(text) == "'" + text
    assert csv_safe("Relaties") == "Relaties"
