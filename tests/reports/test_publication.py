"""A Buurtbeeld goes out only after the neighbourhood has seen it (issue 12, item 4): draft → checked with residents
(comments recorded, corrections made) → published; a published version stays exactly as it was."""

from __future__ import annotations

from html import unescape
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from krachtvansamen.people.models import Role
from krachtvansamen.privacy.erasure import person_erase
from krachtvansamen.reports import publication
from krachtvansamen.reports.models import BuurtbeeldComment, BuurtbeeldVersion
from krachtvansamen.reports.publication import PublicationError
from tests.factories import ActivityFactory, MembershipFactory, UserFactory
from tests.reports.conftest import QUOTE_NAMED, QUOTE_OK

OWN = "BU90000001"
LIVE = f"/rapporten/buurtbeeld/{OWN}/2025/"
NOT_CHECKED = (
    "Dit buurtbeeld kan nog niet gepubliceerd worden: het is nog niet met bewoners nagekeken. Loop het concept "
    "eerst met bewoners door, schrijf hun opmerkingen op en markeer het als nagekeken."
)


def _url(number: int, step: str = "") -> str:
    return f"/rapporten/buurtbeeld/{OWN}/2025/versie/{number}/" + (f"{step}/" if step else "")


def _fresh(version: BuurtbeeldVersion) -> BuurtbeeldVersion:
    return BuurtbeeldVersion.objects.get(pk=version.pk)


def _start(world, who: str = "community_builder") -> BuurtbeeldVersion:
    return publication.version_start(neighbourhood=world.own, year=2025, user=world.users[who])


def _checked(world, who: str = "community_builder") -> BuurtbeeldVersion:
    version = _start(world, who)
    publication.comment_add(
        version=version, user=world.users[who], text="De moestuin ontbreekt.", correction_made=True
    )
    return publication.version_check(version=version, user=world.users[who], note="Bewonersavond, 9 bewoners")


def _published(world) -> BuurtbeeldVersion:
    return publication.version_publish(version=_checked(world), user=world.users["community_builder"])


def _snapshot(version: BuurtbeeldVersion) -> tuple:
    v = _fresh(version)
    return (
        v.status,
        v.content_html,
        v.content_hash,
        v.checked_at,
        v.checked_by_id,
        v.published_at,
        v.published_by_id,
    )


# --- a draft is never published -------------------------------------------------------------------------------


def test_a_draft_cannot_be_published_with_a_clear_dutch_error_and_nothing_changes(world):
    draft = _start(world)
    before = _snapshot(draft)
    with translation.override("nl"), pytest.raises(PublicationError) as refused:
        publication.version_publish(version=draft, user=world.users["community_builder"])
    assert str(refused.value) == NOT_CHECKED
    assert _snapshot(draft) == before
    assert _fresh(draft).status == "draft" and _fresh(draft).published_at is None


def test_publishing_a_draft_through_the_page_says_why_and_publishes_nothing(as_user, world):
    client = as_user("community_builder")
    client.post(f"/rapporten/buurtbeeld/{OWN}/2025/versies/")
    page = unescape(client.post(_url(1, "publiceren"), follow=True).content.decode())
    assert NOT_CHECKED in page
    version = BuurtbeeldVersion.objects.get(neighbourhood=world.own, year=2025, number=1)
    assert version.status == "draft" and version.published_at is None and version.content_html == ""


def test_the_database_itself_refuses_a_published_version_that_was_never_checked(world):
    draft = _start(world)
    with pytest.raises(IntegrityError), transaction.atomic():
        BuurtbeeldVersion.objects.filter(pk=draft.pk).update(status="published", published_at=timezone.now())


# --- check, then publish --------------------------------------------------------------------------------------


def test_check_freezes_the_buurtbeeld_in_dutch_and_publish_puts_out_exactly_that(world, as_user):
    with translation.override("en"):  # the community builder works in English; the buurt reads Dutch
        checked = _checked(world)
    assert checked.status == "checked" and checked.checked_by == world.users["community_builder"]
    assert '<h1 class="utrecht-heading-1">Eigen Buurt 2025</h1>' in checked.content_html
    assert "in het kort" in checked.content_html and "in short" not in checked.content_html
    assert "kvs-publication" not in checked.content_html  # the state panel is no part of what goes out
    frozen = checked.content_html
    published = publication.version_publish(version=checked, user=world.users["community_builder"])
    assert published.status == "published" and published.published_by == world.users["community_builder"]
    assert _fresh(published).content_html == frozen
    page = as_user("connector").get(_url(1)).content.decode()
    assert frozen in page  # the version page shows the frozen content, byte for byte


def test_a_checked_version_takes_no_more_comments(world):
    checked = _checked(world)
    with translation.override("nl"), pytest.raises(PublicationError) as refused:
        publication.comment_add(version=checked, user=world.users["community_builder"], text="Nog iets.")
    assert str(refused.value) == (
        "Versie 1 is al met bewoners nagekeken: er kunnen geen opmerkingen meer bij."
    )
    assert list(checked.comments.values_list("text", flat=True)) == ["De moestuin ontbreekt."]


def test_checking_needs_a_note_on_how_it_was_checked(world):
    draft = _start(world)
    with translation.override("nl"), pytest.raises(PublicationError) as refused:
        publication.version_check(version=draft, user=world.users["community_builder"], note="   ")
    assert str(refused.value) == "Schrijf op hoe het buurtbeeld is nagekeken: met wie, waar en wanneer."
    assert _fresh(draft).status == "draft"


def test_a_comment_is_marked_corrected_later(world):
    draft = _start(world)
    comment = publication.comment_add(
        version=draft, user=world.users["community_builder"], text="Klopt niet."
    )
    assert comment.correction_made is False
    publication.comment_mark_corrected(comment=comment, user=world.users["community_builder"])
    assert BuurtbeeldComment.objects.get(pk=comment.pk).correction_made is True


# --- a published version stays as it was ----------------------------------------------------------------------


def test_published_content_stays_identical_after_new_data_and_the_next_version_shows_them(world, as_user):
    published = _published(world)
    frozen = _fresh(published).content_html
    assert "Nieuwe moestuin" not in frozen
    ActivityFactory(neighbourhood=world.own, title="Nieuwe moestuin", year=2025, participant_count=12)
    client = as_user("community_builder")
    live = unescape(client.get(LIVE).content.decode())
    assert "De gegevens zijn veranderd sinds versie 1 gepubliceerd werd" in live
    assert _fresh(published).content_html == frozen
    assert frozen in client.get(_url(1)).content.decode()

    second = _start(world)
    assert second.number == 2 and second.status == "draft"
    checked = publication.version_check(
        version=second, user=world.users["community_builder"], note="Buurtkoffie"
    )
    assert checked.content_html != frozen
    assert _fresh(published).content_html == frozen and _fresh(published).status == "published"


def test_without_new_data_no_new_version_is_started(world, as_user):
    _published(world)
    with translation.override("nl"), pytest.raises(PublicationError) as refused:
        _start(world)
    assert str(refused.value) == (
        "Er is niets veranderd sinds versie 1 gepubliceerd werd: er is niets nieuws om na te kijken."
    )
    assert BuurtbeeldVersion.objects.filter(neighbourhood=world.own).count() == 1
    live = unescape(as_user("community_builder").get(LIVE).content.decode())
    assert "Wat u hier ziet is gelijk aan gepubliceerde versie 1." in live
    assert "Begin een nieuwe versie met bewoners" not in live


def test_one_version_at_a_time_is_on_its_way(world):
    first = _start(world)
    with translation.override("nl"), pytest.raises(PublicationError) as refused:
        _start(world)
    assert str(refused.value) == (
        "Versie 1 van dit buurtbeeld is nog onderweg (concept): maak die eerst af voordat u een nieuwe begint."
    )
    publication.version_check(version=first, user=world.users["community_builder"], note="Op de markt")
    with pytest.raises(PublicationError):  # checked, not yet published: still on its way
        _start(world)
    assert list(BuurtbeeldVersion.objects.values_list("number", flat=True)) == [1]


def test_versions_are_numbered_per_buurt_and_year(world):
    _published(world)
    ActivityFactory(neighbourhood=world.own, title="Straatfeest", year=2025)
    assert _start(world).number == 2
    assert (
        publication.version_start(neighbourhood=world.own, year=2024, user=world.users["admin"]).number == 1
    )


# --- who may -------------------------------------------------------------------------------------------------

CHECKERS = {"community_builder", "admin"}
PUBLISHERS = {"community_builder", "programme_manager", "admin"}


@pytest.mark.parametrize(
    "role", ["community_builder", "admin", "connector", "researcher", "programme_manager"]
)
def test_who_may_start_comment_and_check(world, role):
    user = world.users[role]
    if role not in CHECKERS:
        with pytest.raises(PermissionDenied):
            publication.version_start(neighbourhood=world.own, year=2025, user=user)
        draft = _start(world)
        with pytest.raises(PermissionDenied):
            publication.comment_add(version=draft, user=user, text="Iets")
        with pytest.raises(PermissionDenied):
            publication.version_check(version=draft, user=user, note="Iets")
        assert _fresh(draft).status == "draft" and not draft.comments.exists()
        return
    draft = publication.version_start(neighbourhood=world.own, year=2025, user=user)
    publication.comment_add(version=draft, user=user, text="Iets")
    assert publication.version_check(version=draft, user=user, note="Iets").status == "checked"


@pytest.mark.parametrize(
    "role", ["community_builder", "programme_manager", "admin", "connector", "researcher"]
)
def test_who_may_publish(world, role):
    checked = _checked(world)
    if role in PUBLISHERS:
        assert publication.version_publish(version=checked, user=world.users[role]).status == "published"
    else:
        with pytest.raises(PermissionDenied):
            publication.version_publish(version=checked, user=world.users[role])
        assert _fresh(checked).status == "checked"


def test_a_community_builder_or_programme_manager_elsewhere_may_not(world):
    elsewhere = UserFactory(username="opbouwwerker_elders")
    MembershipFactory(user=elsewhere, role=Role.COMMUNITY_BUILDER, neighbourhood=world.same)
    manager_b = UserFactory(username="manager_b")
    MembershipFactory(user=manager_b, role=Role.PROGRAMME_MANAGER, programme=world.programme_b)
    with pytest.raises(PermissionDenied):
        publication.version_start(neighbourhood=world.own, year=2025, user=elsewhere)
    checked = _checked(world)
    for user in (elsewhere, manager_b):
        with pytest.raises(PermissionDenied):
            publication.version_publish(version=checked, user=user)
    assert _fresh(checked).status == "checked"


def test_an_inactive_community_builder_may_not_check(world):
    user = world.users["community_builder"]
    user.is_active = False
    assert publication.may_check(user=user, neighbourhood=world.own) is False


def test_the_pages_keep_the_buurtbeelds_own_access_rule(as_user, client, world):
    _published(world)
    assert as_user("funder").get(_url(1)).status_code == 403  # a funder never sees the Buurtbeeld
    assert as_user("researcher_b").get(_url(1)).status_code == 403
    assert as_user("connector").get(_url(1)).status_code == 200
    assert as_user("connector").post(_url(1, "publiceren")).status_code == 403
    assert as_user("community_builder").get(_url(9)).status_code == 404


def test_a_year_without_data_gets_no_version(as_user, world):
    response = as_user("community_builder").post(f"/rapporten/buurtbeeld/{OWN}/2023/versies/")
    assert response.status_code == 404
    assert not BuurtbeeldVersion.objects.exists()


# --- all or nothing -----------------------------------------------------------------------------------------


def test_a_failure_while_freezing_leaves_the_draft_as_it_was(world):
    draft = _start(world)
    publication.comment_add(version=draft, user=world.users["community_builder"], text="Klopt.")
    before = _snapshot(draft)
    with mock.patch.object(publication, "current_content", side_effect=RuntimeError("render failed")):
        with pytest.raises(RuntimeError):
            publication.version_check(
                version=draft, user=world.users["community_builder"], note="Bewonersavond"
            )
    assert _snapshot(draft) == before
    assert _fresh(draft).check_note == ""


def test_a_failure_while_saving_the_publication_leaves_the_checked_version_as_it_was(world):
    checked = _checked(world)
    before = _snapshot(checked)
    with mock.patch.object(BuurtbeeldVersion, "save", side_effect=IntegrityError("disk full")):
        with pytest.raises(IntegrityError):
            publication.version_publish(version=checked, user=world.users["community_builder"])
    assert _snapshot(checked) == before


# --- the PDF of a version -------------------------------------------------------------------------------------


def test_a_published_version_as_pdf_and_a_draft_has_none(as_user, world):
    client = as_user("community_builder")
    client.post(f"/rapporten/buurtbeeld/{OWN}/2025/versies/")
    assert client.get(_url(1, "pdf")).status_code == 404
    client.post(_url(1, "nagekeken"), {"note": "Bewonersavond"})
    client.post(_url(1, "publiceren"))
    response = client.get(_url(1, "pdf"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert 'filename="buurtbeeld-BU90000001-2025-versie-1.pdf"' in response["Content-Disposition"]


# --- erasure goes before the frozen words ----------------------------------------------------------------------


def test_erasing_a_person_removes_their_words_and_pseudonym_from_published_versions(world):
    published = _published(world)
    frozen = _fresh(published).content_html
    assert QUOTE_OK in frozen and "Ans Schuilnaam" in frozen and QUOTE_NAMED in frozen
    record = person_erase(world.ans, world.users["admin"], "Verzoek van de bewoner")
    after = _fresh(published)
    assert QUOTE_OK not in after.content_html and "Ans Schuilnaam" not in after.content_html
    assert "[verwijderd op verzoek]" in after.content_html
    assert QUOTE_NAMED in after.content_html and after.status == "published"  # the rest stays as it was
    assert record.counts.get("reports.BuurtbeeldVersion") == 1
