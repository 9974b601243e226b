"""The palet: which codes of a group occur together in one fragment, counted by hand on a small set."""

from __future__ import annotations

import re

import pytest

from krachtvansamen.coding.services import own_code_add
from krachtvansamen.framework.selectors import code_get_current

pytestmark = pytest.mark.django_db

CONFIDENCE, TRUST, CONTACT = (
    "effect.individual.confidence",
    "effect.individual.trust",
    "effect.social.contact",
)


def cell(html: str, row: str, column: int) -> str:
    """The text of a cell: the row whose header holds ``row``, column ``column`` (from 1)."""
    rows = re.findall(r"<tr class=\"utrecht-table__row\">(.*?)</tr>", html, re.S)
    found = next(r for r in rows if 'scope="row"' in r and row in r.split("</th>")[0])
    cells = re.findall(r"<td[^>]*>(.*?)</td>", found, re.S)
    return re.sub(r"<[^>]+>", "", cells[column - 1]).strip()


def test_palet_counts_fragments_with_both_codes(world, as_user, fragment, code_it):
    # F1: confidence + contact; F2: confidence + contact + trust (trust through an own code under it);
    # F3: confidence; F4: trust; F5 (another programme): confidence + contact, not counted.
    own = own_code_add(
        programme=world.programme, parent=code_get_current(key=TRUST), suffix="buren", label_nl="Buren",
        user=world.researcher,
    )  # fmt: skip
    f1, f2, f3, f4 = (fragment(world.north, f"F{i}") for i in range(1, 5))
    code_it(f1, CONFIDENCE, CONTACT, coder=world.researcher)
    code_it(f2, CONFIDENCE, CONTACT, own.key, coder=world.researcher)
    code_it(f2, CONTACT, coder=world.researcher2)  # two coders, one code: still one fragment
    code_it(f3, CONFIDENCE, coder=world.researcher)
    code_it(f4, TRUST, coder=world.researcher)
    code_it(fragment(world.elsewhere, "F5"), CONFIDENCE, CONTACT, coder=world.outsider)

    response = as_user(world.researcher).get("/coderen/palet/")
    html = response.content.decode()
    assert response.status_code == 200
    # effect indicators in codebook order: 1 confidence, 2 participation, 3 wellbeing, 4 trust, 5 activities,
    # 6 contact, ...
    assert cell(html, "Zelfvertrouwen", 1) == "3"  # the diagonal: fragments with the code
    assert cell(html, "Zelfvertrouwen", 6) == "2"  # confidence and contact: F1, F2
    assert cell(html, "Zelfvertrouwen", 4) == "1"  # confidence and trust: F2
    assert cell(html, "Onderling vertrouwen", 4) == "2"  # trust: F2 (own code), F4
    assert cell(html, "Onderling vertrouwen", 6) == "1"  # trust and contact: F2
    assert cell(html, "Contact tussen bewoners", 6) == "2"
    assert cell(html, "Contact tussen bewoners", 1) == "2"  # symmetric
    assert cell(html, "Welzijn", 1) == "·"  # nothing: no link
    assert "4 fragmenten met een van deze codes" in html and "2 ervan met twee of meer" in html
    link = f'href="/coderen/codes/{CONFIDENCE}/?with={CONTACT}"'
    assert link in html

    # the cell's link opens exactly those fragments
    listed = as_user(world.researcher).get(f"/coderen/codes/{CONFIDENCE}/?with={CONTACT}").content.decode()
    assert re.findall(r'<blockquote class="kvs-ls-text">(.*?)</blockquote>', listed) == ["F1", "F2"]


def test_palet_follows_the_filters_and_the_group(world, as_user, fragment, code_it):
    code_it(
        fragment(world.north, "N", year=2024), "vitality.nature", "vitality.housing", coder=world.researcher
    )
    code_it(fragment(world.south, "Z", year=2025), "vitality.nature", coder=world.researcher)
    client = as_user(world.researcher)
    html = client.get("/coderen/palet/?groep=vitality").content.decode()
    assert cell(html, "Natuur en groen", 7) == "2" and cell(html, "Wonen", 7) == "1"
    html = client.get(f"/coderen/palet/?groep=vitality&jaar=2025&buurt={world.south.pk}").content.decode()
    assert cell(html, "Natuur en groen", 7) == "1" and cell(html, "Wonen", 7) == "·"
    assert f'href="/coderen/codes/vitality.nature/?buurt={world.south.pk}&amp;jaar=2025"' in html
    # an unknown group falls back to the effects
    assert "Zelfvertrouwen" in client.get("/coderen/palet/?groep=nonsense").content.decode()


@pytest.mark.parametrize(
    ("user", "status"), [("researcher", 200), ("manager", 200), ("funder", 403), ("connector", 403)]
)
def test_who_may_see_the_palet(world, as_user, user, status):
    assert as_user(getattr(world, user)).get("/coderen/palet/").status_code == status
