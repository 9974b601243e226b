"""The facilitator's "Check the stories" as a download: every story of this meeting (not only the newest the page
lists), its state in the page's words, formula-safe, and closed to those who may not facilitate it."""

from __future__ import annotations

import csv
import io

import openpyxl

from krachtvansamen.effectenplein import selectors
from krachtvansamen.effectenplein.models import Level, Meeting, Story
from krachtvansamen.people.models import Role
from tests.factories import MembershipFactory, NeighbourhoodFactory, UserFactory


def _story(meeting, participant, text, **kwargs) -> Story:
    return Story.objects.create(meeting=meeting, participant=participant, text=text, level=Level.SOCIAL,
                                submission_key=f"k{Story.objects.count()}", **kwargs)  # fmt: skip


def read_csv(response) -> list[list[str]]:
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


def test_the_download_has_every_story_of_this_meeting_with_its_state(client, facilitator, meeting, join):
    anna = join("Anna")
    _story(meeting, anna, "=1+1 wij koken samen")
    _story(meeting, anna, "Weg ermee", hidden=True, keep=False)
    _story(meeting, anna, "Niet bewaren", keep=False)
    other = Meeting.objects.create(neighbourhood=meeting.neighbourhood, year=meeting.year, title="Ander plein",
                                   code="ZZZZ99", expires_at=meeting.expires_at)  # fmt: skip
    _story(other, join("Bert"), "Van een andere avond")  # another meeting: not in this download
    client.force_login(facilitator)
    rows = read_csv(client.get(f"/plein/bijeenkomst/{meeting.pk}/", {"format": "csv"}))
    assert rows[0] == [
        "Tijd",
        "Verandering in",
        "Bijnaam",
        "Verhaal",
        "Status",
        "Verhalen van deze deelnemer",
    ]
    by_text = {row[3]: row for row in rows[1:]}
    assert set(by_text) == {"'=1+1 wij koken samen", "Weg ermee", "Niet bewaren"}
    assert by_text["Weg ermee"][4] == "verborgen: niet op het scherm, wordt niet bewaard"
    assert by_text["Niet bewaren"][4] == "op het scherm, wordt niet bewaard"
    assert by_text["'=1+1 wij koken samen"][4] == "op het scherm, wordt bewaard bij afsluiten"
    assert by_text["Weg ermee"][2] == "Anna" and by_text["Weg ermee"][5] == "3"


def test_the_download_has_more_stories_than_the_page_lists(client, facilitator, meeting, join, monkeypatch):
    participant = join("Cas")
    for i in range(4):
        _story(meeting, participant, f"Verhaal {i}")
    shown = selectors.stories_for_moderation
    monkeypatch.setattr(selectors, "stories_for_moderation",
                        lambda *, meeting, limit=2: shown(meeting=meeting, limit=limit))  # fmt: skip
    client.force_login(facilitator)
    page = client.get(f"/plein/bijeenkomst/{meeting.pk}/").content.decode()
    assert "Je ziet de nieuwste 2 van de 4 verhalen." in page
    assert 'href="?format=xlsx"' in page
    response = client.get(f"/plein/bijeenkomst/{meeting.pk}/", {"format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert sheet.max_row == 1 + 4


def test_someone_from_another_neighbourhood_gets_no_download(client, meeting):
    outsider = UserFactory(username="buiten")
    MembershipFactory(user=outsider, role=Role.COMMUNITY_BUILDER, neighbourhood=NeighbourhoodFactory())
    client.force_login(outsider)
    assert client.get(f"/plein/bijeenkomst/{meeting.pk}/", {"format": "csv"}).status_code == 403
