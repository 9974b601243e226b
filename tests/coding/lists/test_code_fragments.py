"""The page "fragments with code X": sub-codes, ?with=, paging, counted or all codings, access, cheapness."""

from __future__ import annotations

import re

import pytest

from krachtvansamen.coding.models import Coding, CodingPass, CodingState, Fragment
from krachtvansamen.coding.services import fragment_settle
from krachtvansamen.framework.selectors import code_get_current
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

URL = "/coderen/codes/{}/"


def listed_texts(html: str) -> list[str]:
    """The fragment texts on the page, in order (marks taken out)."""
    quotes = re.findall(r'<blockquote class="kvs-ls-text">(.*?)</blockquote>', html, re.S)
    return [re.sub(r"</?mark[^>]*>", "", quote) for quote in quotes]


def test_a_code_lists_its_fragments_and_those_of_its_sub_codes(world, as_user, fragment, code_it):
    trust = fragment(world.north, "Ik vertrouw mijn buren weer.")
    confidence = fragment(world.south, "Ik durf nu te spreken.")
    contact = fragment(world.north, "We drinken koffie samen.")
    code_it(trust, "effect.individual.trust", coder=world.researcher)
    code_it(confidence, "effect.individual.confidence", coder=world.researcher)
    code_it(contact, "effect.social.contact", coder=world.researcher)
    client = as_user(world.researcher)

    response = client.get(URL.format("effect.individual"))
    html = response.content.decode()
    assert response.status_code == 200
    assert sorted(listed_texts(html)) == sorted([trust.text, confidence.text])
    assert "Individuele effecten" in html and "effect.individual.trust" in html  # the code and its sub-codes
    assert "2 fragmenten" in html

    html = client.get(URL.format("effect.individual.trust")).content.decode()
    assert listed_texts(html) == [trust.text]
    assert f'href="/coderen/fragment/{trust.pk}/"' in html  # to the workbench


def test_with_lists_the_fragments_that_have_both_codes(world, as_user, fragment, code_it):
    both = fragment(world.north, "Samen koken gaf me moed.")
    one = fragment(world.north, "Ik durf meer.")
    code_it(both, "effect.individual.confidence", "effect.social.contact", coder=world.researcher)
    code_it(one, "effect.individual.confidence", coder=world.researcher)
    client = as_user(world.researcher)

    html = client.get(URL.format("effect.individual.confidence") + "?with=effect.social").content.decode()
    assert listed_texts(html) == [both.text]
    assert "Alleen fragmenten met zowel" in html
    assert client.get(URL.format("effect.individual.confidence") + "?with=no.such.code").status_code == 404


def test_a_selection_is_highlighted_and_the_row_says_where_it_comes_from(world, as_user, fragment, code_it):
    speaker = PersonFactory(neighbourhood=world.north, pseudonym="Bewoner Één")
    text = "Vroeger zat ik thuis. Nu ga ik naar het café <samen>."
    f = fragment(world.north, text, year=2025, speaker=speaker, consent_level="pseudonymised")
    start = text.index("Nu")
    code_it(f, "effect.individual.confidence", coder=world.researcher, start=start, end=len(text))
    html = as_user(world.researcher).get(URL.format("effect.individual.confidence")).content.decode()
    assert '<mark class="kvs-ls-mark">Nu ga ik naar het café &lt;samen&gt;.</mark>' in html
    assert "Noord" in html and "2025" in html and "Diepte-interview" in html
    assert "Bewoner (Bewoner Één)" in html
    assert "researcher" in html  # the coder
    assert "mag geciteerd worden" in html


@pytest.mark.parametrize(("count", "pages"), [(50, 1), (51, 2)])
def test_fifty_fragments_to_a_page(world, as_user, codebook, count, pages):
    code = code_get_current(key="vitality.nature")
    fragments = Fragment.objects.bulk_create(
        [
            Fragment(neighbourhood=world.north, year=2024, text=f"Groen {i:03d}", instrument="interview",
                     source="document:9", position=i, coding_state=CodingState.CODED)
            for i in range(count)
        ]
    )  # fmt: skip
    Coding.objects.bulk_create([Coding(fragment=f, code=code, coder=world.researcher) for f in fragments])
    client = as_user(world.researcher)

    html = client.get(URL.format("vitality.nature")).content.decode()
    texts = listed_texts(html)
    assert len(texts) == 50 and texts[0] == "Groen 000" and texts[-1] == "Groen 049"
    assert f"{count} fragmenten" in html
    assert ('rel="next"' in html) == (pages == 2)
    if pages == 2:
        html = client.get(URL.format("vitality.nature") + "?pagina=2").content.decode()
        assert listed_texts(html) == ["Groen 050"]
        assert 'rel="prev"' in html and 'rel="next"' not in html
        assert "51 tot en met 51" in html
        # past the end: the last page
        assert listed_texts(client.get(URL.format("vitality.nature") + "?pagina=9").content.decode()) == [
            "Groen 050"
        ]


def test_a_settled_fragment_lists_only_its_outcome_unless_all_codings_are_asked(
    world, as_user, fragment, code_it
):
    f = fragment(world.north, "Het buurtfeest bracht iedereen samen.")
    code_it(f, "effect.social.contact", coder=world.researcher)
    code_it(f, "effect.neighbourhood.cohesion", coder=world.researcher2)
    fragment_settle(fragment=f, user=world.researcher, codes=[code_get_current(key="effect.social.contact")])
    client = as_user(world.researcher)

    assert listed_texts(client.get(URL.format("effect.neighbourhood.cohesion")).content.decode()) == []
    html = client.get(URL.format("effect.neighbourhood.cohesion") + "?alle=1").content.decode()
    assert listed_texts(html) == [f.text]
    assert "researcher2" in html

    html = client.get(URL.format("effect.social.contact")).content.decode()
    assert listed_texts(html) == [f.text]
    assert html.count('class="kvs-code"') == 1 and "vastgelegd" in html  # only the settled outcome
    html = client.get(URL.format("effect.social.contact") + "?alle=1").content.decode()
    assert html.count('class="kvs-code"') == 2  # the settled coding and the coder's own


def test_filters_narrow_the_list(world, as_user, fragment, code_it):
    north = fragment(world.north, "Noord 2024", year=2024)
    south = fragment(world.south, "Zuid 2025", year=2025, speaker_role="professional")
    for f in (north, south):
        code_it(f, "vitality.nature", coder=world.researcher)
    client = as_user(world.researcher)
    url = URL.format("vitality.nature")
    assert listed_texts(client.get(url + f"?buurt={world.south.pk}").content.decode()) == [south.text]
    assert listed_texts(client.get(url + "?jaar=2024").content.decode()) == [north.text]
    assert listed_texts(client.get(url + "?spreker=professional").content.decode()) == [south.text]
    assert listed_texts(client.get(url + "?instrument=buurtscan").content.decode()) == []
    assert sorted(listed_texts(client.get(url + "?jaar=nonsense&spreker=x").content.decode())) == sorted(
        [north.text, south.text]
    )
    # closed, the filters are a link; open (or in use), a form with the user's own options
    html = client.get(url).content.decode()
    assert f'href="{url}?filteren=1">Fragmenten filteren</a>' in html and 'name="buurt"' not in html
    html = client.get(url + "?filteren=1").content.decode()
    assert f'<option value="{world.south.pk}">Zuid (Arnhem)</option>' in html
    assert "Elders" not in html  # another programme's neighbourhood
    html = client.get(url + f"?jaar=2025&buurt={world.south.pk}").content.decode()
    assert f'<option value="{world.south.pk}" selected>' in html


@pytest.mark.parametrize(
    ("user", "status"),
    [("researcher", 200), ("manager", 200), ("builder", 200), ("funder", 403), ("connector", 403)],
)
def test_who_may_read_the_list(world, as_user, user, status):
    assert as_user(getattr(world, user)).get(URL.format("vitality.nature")).status_code == status
    assert (
        as_user(getattr(world, user)).get(URL.format("vitality.nature") + "?format=csv").status_code == status
    )


def test_anonymous_is_sent_to_log_in(world, client):
    response = client.get(URL.format("vitality.nature"))
    assert response.status_code == 302 and "/inloggen/" in response["Location"]


def test_another_programmes_fragments_are_not_listed(world, as_user, fragment, code_it):
    mine = fragment(world.north, "In ons programma.")
    theirs = fragment(world.elsewhere, "In een ander programma.")
    code_it(mine, "vitality.nature", coder=world.researcher)
    code_it(theirs, "vitality.nature", coder=world.outsider)
    html = as_user(world.researcher).get(URL.format("vitality.nature")).content.decode()
    assert listed_texts(html) == [mine.text]
    csv = b"".join(as_user(world.researcher).get(URL.format("vitality.nature") + "?format=csv")).decode()
    assert mine.text in csv and theirs.text not in csv
    # the community builder sees only their own neighbourhood
    code_it(fragment(world.south, "In Zuid."), "vitality.nature", coder=world.researcher)
    assert listed_texts(as_user(world.builder).get(URL.format("vitality.nature")).content.decode()) == [
        mine.text
    ]


def test_an_unknown_code_is_404(world, as_user):
    assert as_user(world.researcher).get(URL.format("no.such.code")).status_code == 404


def test_the_list_page_stays_cheap(world, as_user, codebook, django_assert_max_num_queries):
    codes = [code_get_current(key=key) for key in ("vitality.nature", "vitality.housing")]
    fragments = Fragment.objects.bulk_create(
        [
            Fragment(neighbourhood=world.north if i % 2 else world.south, year=2024, text=f"Tekst {i}",
                     instrument="interview", speaker=None, coding_state=CodingState.CODED)
            for i in range(120)
        ]
    )  # fmt: skip
    Coding.objects.bulk_create(
        [
            Coding(fragment=f, code=code, coder=world.researcher, start=0, end=3)
            for f in fragments
            for code in codes
        ]
    )
    CodingPass.objects.bulk_create([CodingPass(fragment=f, coder=world.researcher) for f in fragments])
    client = as_user(world.researcher)
    client.get(URL.format("vitality"))  # the session is warm
    # session, user, memberships; the code and the ?with= code; the ids in order; the page's codings (quotable:
    # none of these fragments may be quoted, so no query); the access log's one INSERT. The filters' options only
    # when they are open; the menu's count of unfinished jobs (Mijn taken).
    with django_assert_max_num_queries(9):
        response = client.get(URL.format("vitality") + "?with=vitality.housing&alle=1")
    assert response.status_code == 200 and len(listed_texts(response.content.decode())) == 50
    with django_assert_max_num_queries(9):
        response = client.get(URL.format("vitality") + "?format=csv")
        assert len(b"".join(response).decode().splitlines()) == 1 + 240
