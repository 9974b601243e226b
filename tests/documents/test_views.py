"""Upload or paste → preview → save, the document page, delete; bad input and access."""

from __future__ import annotations

import hashlib
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from krachtvansamen.coding.models import Coding, Fragment
from krachtvansamen.documents import services
from krachtvansamen.documents.models import Document, DocumentFragment
from krachtvansamen.neighbourhoods.models import MeasurementYear
from krachtvansamen.people.models import Role
from tests.documents.conftest import TRANSCRIPT_LINES, encrypt_pdf, make_docx
from tests.factories import (
    FragmentFactory,
    FundingFactory,
    MembershipFactory,
    NeighbourhoodFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

TRANSCRIPT = "\n".join(TRANSCRIPT_LINES)


@pytest.fixture
def neighbourhood():
    MeasurementYear.objects.create(year=2024, is_open=False)
    MeasurementYear.objects.create(year=2025, is_open=True)
    return NeighbourhoodFactory(cbs_code="BU02021990", name="Kronenburg")


@pytest.fixture
def builder(neighbourhood):
    user = UserFactory(username="cb")
    MembershipFactory(user=user, role=Role.COMMUNITY_BUILDER, neighbourhood=neighbourhood)
    return user


@pytest.fixture
def client_cb(client, builder):
    client.force_login(builder)
    return client


def url(name, neighbourhood, *args):
    return reverse(f"documents:{name}", args=[neighbourhood.cbs_code, *args])


def form_data(**extra):
    data = {
        "instrument": "interview",
        "year": "2025",
        "title": "Interview bewoner maart",
        "consent_level": "internal",
    }
    data.update(extra)
    return data


def upload(client, neighbourhood, **extra):
    return client.post(url("upload", neighbourhood), form_data(**extra))


def preview_url_of(response):
    assert response.status_code == 302, response.content.decode()[:2000]
    assert re.search(r"/documenten/BU\d+/nieuw/[\w-]+/$", response["Location"])
    return response["Location"]


def error_text(response) -> str:
    html = response.content.decode()
    alerts = re.findall(r'role="alert">(.*?)</div>', html, re.DOTALL) + re.findall(
        r'utrecht-form-field-error-message"[^>]*>(.*?)</p>', html, re.DOTALL
    )
    return " ".join(re.sub(r"<[^>]+>", " ", a) for a in alerts)


# --- the main flow ---------------------------------------------------------------------------------------


def test_upload_page_is_dutch_and_offers_the_three_instruments(client_cb, neighbourhood):
    html = client_cb.get(url("upload", neighbourhood) + "?jaar=2025").content.decode()
    assert "Verslag of transcript toevoegen" in html
    for label in ("Buurtbezoek", "Diepte-interview", "Reflectiesessie"):
        assert label.lower() in html.lower()
    # Only open measurement years can get new material.
    assert '<option value="2025" selected>' in html and 'value="2024"' not in html
    assert "Alleen voor intern gebruik" in html


def test_paste_preview_save_shows_fragments_on_the_document_and_neighbourhood_page(
    client_cb, neighbourhood, builder
):
    preview = preview_url_of(upload(client_cb, neighbourhood, text=TRANSCRIPT))
    # Nothing is saved before "Opslaan".
    assert Document.objects.count() == 0 and Fragment.objects.count() == 0
    html = client_cb.get(preview).content.decode()
    assert "<strong>4</strong> fragmenten gevonden" in html
    assert "Interviewer" in html and "Professional" in html and "Bewoner" in html
    assert "Hoe lang woon je al in de buurt?" in html

    response = client_cb.post(preview, {"action": "save", "role_0": "professional", "role_1": "resident"})
    document = Document.objects.get()
    assert response.status_code == 302 and response["Location"] == url("detail", neighbourhood, document.pk)
    assert (document.kind, document.instrument, document.year, document.uploaded_by) == (
        "pasted",
        "interview",
        2025,
        builder,
    )
    assert document.sha256 == hashlib.sha256(TRANSCRIPT.encode()).hexdigest()
    parts = list(document.parts.select_related("fragment").order_by("position"))
    assert [p.position for p in parts] == [1, 2, 3, 4]
    assert [p.fragment.speaker_role for p in parts] == [
        "professional",
        "resident",
        "professional",
        "resident",
    ]
    assert [p.speaker_label for p in parts] == ["Interviewer", "R", "Interviewer", "R"]
    assert parts[1].fragment.text == "Al twintig jaar. Sinds de moestuin ken ik mijn buren beter."
    assert all(
        p.fragment.neighbourhood == neighbourhood and p.fragment.consent_level == "internal" for p in parts
    )
    assert all(p.fragment.recorded_by == builder for p in parts)
    assert services.SESSION_KEY not in client_cb.session or not client_cb.session[services.SESSION_KEY]

    detail = client_cb.get(response["Location"]).content.decode()
    assert "Opgeslagen: 4 fragmenten." in detail
    assert "Al twintig jaar. Sinds de moestuin ken ik mijn buren beter." in detail
    page = client_cb.get(reverse("neighbourhood", args=[neighbourhood.cbs_code])).content.decode()
    assert (
        "Verslagen en transcripten" in page and "Interview bewoner maart" in page and "4 fragmenten" in page
    )
    assert "De koffieochtend in het buurthuis." in page  # in "Recent stories and quotes" too


def test_docx_upload_keeps_name_kind_and_hash_and_the_chosen_consent(client_cb, neighbourhood):
    data = make_docx(["Bezoek aan de moestuin", *TRANSCRIPT_LINES])
    preview = preview_url_of(
        upload(
            client_cb,
            neighbourhood,
            instrument="buurtbezoek",
            title="",
            consent_level="pseudonymised",
            file=SimpleUploadedFile("bezoek moestuin.docx", data),
        )
    )
    client_cb.post(
        preview, {"action": "save", "role_0": "professional", "role_1": "resident", "role_2": "unknown"}
    )
    document = Document.objects.get()
    assert (document.kind, document.original_name, document.title, document.size) == (
        "docx",
        "bezoek moestuin.docx",
        "bezoek moestuin",
        len(data),
    )
    assert document.sha256 == hashlib.sha256(data).hexdigest()
    assert set(Fragment.objects.values_list("consent_level", flat=True)) == {"pseudonymised"}
    assert Fragment.objects.filter(instrument="buurtbezoek").count() == 5


def test_pdf_upload(client_cb, neighbourhood, text_pdf):
    preview = preview_url_of(
        upload(client_cb, neighbourhood, file=SimpleUploadedFile("interview.pdf", text_pdf))
    )
    client_cb.post(preview, {"action": "save"})
    document = Document.objects.get()
    assert document.kind == "pdf" and document.page_count == 1 and document.parts.count() == 4


def test_names_typed_as_speakers_are_not_stored(client_cb, neighbourhood):
    text = (
        "Sandra (buurtverbinder): Welkom Ahmed, fijn dat je er bent.\n"
        "Ahmed: Dank je Sandra. Ik woon hier sinds 2010.\n"
        "Sandra: Wat vind je van het plein?\n"
        "Ahmed: Het plein is van ons allemaal.\n"
    )
    preview = preview_url_of(upload(client_cb, neighbourhood, text=text))
    html = client_cb.get(preview).content.decode()
    assert "bewaard als Spreker 1" in html and "namen zijn vervangen" in html
    client_cb.post(preview, {"action": "save", "role_0": "connector", "role_1": "resident"})
    texts = list(Fragment.objects.values_list("text", flat=True))
    assert not any("Sandra" in t or "Ahmed" in t for t in texts)
    assert "Dank je [Spreker 1]. Ik woon hier sinds 2010." in texts
    links = DocumentFragment.objects.order_by("position")
    assert [(link.speaker_label, link.speaker_number) for link in links] == [
        ("", 1),
        ("", 2),
        ("", 1),
        ("", 2),
    ]
    assert [link.fragment.speaker_role for link in links] == [
        "connector",
        "resident",
        "connector",
        "resident",
    ]
    detail = client_cb.get(url("detail", neighbourhood, Document.objects.get().pk)).content.decode()
    assert "Spreker 2" in detail and "Ahmed" not in detail


def test_an_unknown_role_is_refused_and_nothing_saved(client_cb, neighbourhood):
    preview = preview_url_of(upload(client_cb, neighbourhood, text=TRANSCRIPT))
    response = client_cb.post(preview, {"action": "save", "role_0": "burgemeester"})
    assert response.status_code == 400 and "burgemeester" in error_text(response)
    assert Document.objects.count() == 0 and Fragment.objects.count() == 0


def test_timestamps_are_kept_on_the_link(client_cb, neighbourhood):
    text = "[00:12:31] Interviewer: Hoe gaat het?\n[00:12:40] R: Goed, de buurt leeft."
    client_cb.post(preview_url_of(upload(client_cb, neighbourhood, text=text)), {"action": "save"})
    assert list(DocumentFragment.objects.order_by("position").values_list("timestamp", flat=True)) == [
        "00:12:31",
        "00:12:40",
    ]


def test_back_drops_the_preview_and_keeps_what_was_typed(client_cb, neighbourhood):
    preview = preview_url_of(upload(client_cb, neighbourhood, text=TRANSCRIPT, title="Mijn titel"))
    response = client_cb.post(preview, {"action": "back"})
    assert response.status_code == 302 and response["Location"].startswith(url("upload", neighbourhood))
    assert 'value="Mijn titel"' in client_cb.get(response["Location"]).content.decode()
    assert client_cb.get(preview).status_code == 302  # gone: "Deze voorvertoning is verlopen"
    assert Document.objects.count() == 0


def test_notes_that_only_look_like_a_transcript_can_be_split_by_paragraph(client_cb, neighbourhood):
    text = (
        "Observaties: veel kinderen op het plein, ook na het eten.\n"
        "Observaties: ouders kletsen bij het hek en maken afspraken voor de zomer."
    )
    preview = preview_url_of(upload(client_cb, neighbourhood, text=text))
    assert (
        "Dit zijn geen sprekers" not in client_cb.get(preview).content.decode()
    )  # "Observaties" is not a name
    text = "Mevrouw: ik kom hier elke dag.\nMevrouw: het plein is fijn.\n\nMeneer: ik ook."
    preview = preview_url_of(upload(client_cb, neighbourhood, text=text))
    assert "Sprekers" in client_cb.get(preview).content.decode()
    client_cb.post(preview, {"action": "paragraphs"})
    html = client_cb.get(preview).content.decode()
    assert "Gesplitst per alinea." in html and "Toch sprekers zoeken" in html
    client_cb.post(preview, {"action": "save"})
    assert Fragment.objects.filter(text__startswith="Mevrouw: ik kom hier elke dag.").exists()


# --- bad input: a Dutch message and nothing saved -----------------------------------------------------------


def assert_refused(response, message):
    assert response.status_code == 400
    assert message in error_text(response), error_text(response)
    assert Document.objects.count() == 0 and Fragment.objects.count() == 0


def test_wrong_file_type(client_cb, neighbourhood):
    response = upload(client_cb, neighbourhood, file=SimpleUploadedFile("verslag.odt", b"PK\x03\x04..."))
    assert_refused(
        response, "Dit soort bestand kunnen we niet lezen. Kies een .txt-, .docx- of .pdf-bestand."
    )
    assert not client_cb.session.get(services.SESSION_KEY)


def test_oversized_upload_is_stopped_while_reading(client_cb, neighbourhood, settings):
    settings.KVS_MAX_UPLOAD_MB = 1
    big = SimpleUploadedFile("groot.txt", b"woord " * 200_000)  # 1.2 MB
    response = upload(client_cb, neighbourhood, file=big)
    assert_refused(response, "Het bestand is te groot: het mag maximaal 1 MB zijn.")
    html = response.content.decode()
    assert 'value="Interview bewoner maart"' in html  # what was typed stays
    assert "verplicht" not in html


def test_upload_without_csrf_token_is_refused(neighbourhood, builder):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(builder)
    response = client.post(url("upload", neighbourhood), form_data(text=TRANSCRIPT))
    assert response.status_code == 403 and not client.session.get(services.SESSION_KEY)


def test_size_limited_upload_handler_stops_at_the_limit():
    from django.core.files.uploadhandler import StopUpload
    from django.test import RequestFactory

    from krachtvansamen.documents.upload import SizeLimitedUploadHandler

    request = RequestFactory().post("/")
    handler = SizeLimitedUploadHandler(request, limit=10)
    handler.new_file("file", "a.txt", "text/plain", 20)
    assert handler.receive_data_chunk(b"12345", 0) == b"12345"
    with pytest.raises(StopUpload):
        handler.receive_data_chunk(b"123456", 5)
    assert request.kvs_upload_too_big is True


def test_pasted_text_beyond_djangos_request_limit(client_cb, neighbourhood, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2000
    response = upload(client_cb, neighbourhood, text="Een zin over de buurt. " * 200)
    assert_refused(response, "De tekst is te lang. Deel hem op in delen.")


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("leeg.txt", b"", "Het bestand is leeg."),
        ("spaties.txt", b"  \n\n ... \n", "Er staat geen tekst in dit bestand."),
        ("kapot.docx", b"PK\x03\x04 niet meer dan een begin", "Dit Word-bestand is beschadigd"),
        ("nep.pdf", b"\x00\x01willekeurige bytes" * 50, "Deze pdf is beschadigd of is geen echte pdf."),
        (
            "windows.txt",
            "Wij gaan naar het café.".encode("cp1252") + b"\x81",
            "We kunnen de tekens in dit bestand niet lezen.",
        ),
    ],
)
def test_unreadable_files(client_cb, neighbourhood, name, data, message):
    assert_refused(upload(client_cb, neighbourhood, file=SimpleUploadedFile(name, data)), message)


def test_encrypted_pdf(client_cb, neighbourhood, text_pdf):
    response = upload(
        client_cb, neighbourhood, file=SimpleUploadedFile("g.pdf", encrypt_pdf(text_pdf, user_password="x"))
    )
    assert_refused(response, "Deze pdf is beveiligd met een wachtwoord.")


def test_windows_text_gets_a_note_in_the_preview(client_cb, neighbourhood):
    data = "R: Wij gaan naar het café, één keer per week.".encode("cp1252")
    preview = preview_url_of(upload(client_cb, neighbourhood, file=SimpleUploadedFile("w.txt", data)))
    html = client_cb.get(preview).content.decode()
    assert "niet als UTF-8 opgeslagen" in html and "café, één keer" in html


def test_file_and_text_together_or_neither(client_cb, neighbourhood):
    both = upload(
        client_cb, neighbourhood, text="Tekst", file=SimpleUploadedFile("a.txt", b"Tekst over de buurt")
    )
    assert_refused(both, "Kies een bestand óf plak tekst, niet allebei.")
    assert_refused(upload(client_cb, neighbourhood, text="   "), "Kies een bestand of plak de tekst.")


def test_pasted_text_without_words(client_cb, neighbourhood):
    assert_refused(
        upload(client_cb, neighbourhood, text="... --- !!!"), "Er staan geen woorden in de geplakte tekst."
    )


def test_closed_year_and_missing_instrument(client_cb, neighbourhood):
    response = upload(client_cb, neighbourhood, text=TRANSCRIPT, year="2024", instrument="")
    assert response.status_code == 400
    assert "Kies wat voor document het is." in error_text(response)
    assert "2024" in error_text(
        response
    )  # Django: "Selecteer een geldige keuze. 2024 is geen beschikbare keuze."


def test_same_file_twice_is_refused_with_the_date(client_cb, neighbourhood):
    client_cb.post(preview_url_of(upload(client_cb, neighbourhood, text=TRANSCRIPT)), {"action": "save"})
    response = upload(client_cb, neighbourhood, text=TRANSCRIPT, title="Nog eens")
    assert response.status_code == 400
    assert "Dit document is al geüploaded op" in error_text(response)
    assert "„Interview bewoner maart”" in error_text(response)
    assert Document.objects.count() == 1


def test_same_file_in_two_previews_is_saved_once(client_cb, neighbourhood):
    first = preview_url_of(upload(client_cb, neighbourhood, text=TRANSCRIPT))
    second = preview_url_of(upload(client_cb, neighbourhood, text=TRANSCRIPT))
    client_cb.post(first, {"action": "save"})
    response = client_cb.post(second, {"action": "save"})
    assert response.status_code == 400 and "Dit document is al geüploaded op" in error_text(response)
    assert Document.objects.count() == 1 and Fragment.objects.count() == 4


def test_same_file_in_another_neighbourhood_is_fine(client_cb, neighbourhood, builder):
    other = NeighbourhoodFactory()
    MembershipFactory(user=builder, role=Role.COMMUNITY_BUILDER, neighbourhood=other)
    client_cb.post(preview_url_of(upload(client_cb, neighbourhood, text=TRANSCRIPT)), {"action": "save"})
    client_cb.post(preview_url_of(upload(client_cb, other, text=TRANSCRIPT)), {"action": "save"})
    assert Document.objects.count() == 2


def test_save_is_all_or_nothing(neighbourhood, builder, monkeypatch):
    pending = services.document_prepare(
        neighbourhood=neighbourhood,
        year=2025,
        instrument="interview",
        title="t",
        consent_level="internal",
        pasted=TRANSCRIPT,
    )

    def fail(*args, **kwargs):
        raise RuntimeError("database gone half-way")

    # The document and the fragments are written; then the links fail.
    monkeypatch.setattr(DocumentFragment.objects, "bulk_create", fail)
    with pytest.raises(RuntimeError):
        services.document_create(pending=pending, neighbourhood=neighbourhood, user=builder)
    assert (
        Document.objects.count() == 0
        and Fragment.objects.count() == 0
        and DocumentFragment.objects.count() == 0
    )


def test_expired_or_foreign_preview(client_cb, neighbourhood, builder):
    response = client_cb.get(url("preview", neighbourhood, "bestaat-niet"), follow=True)
    assert "Deze voorvertoning is verlopen." in response.content.decode()
    other = NeighbourhoodFactory()
    MembershipFactory(user=builder, role=Role.COMMUNITY_BUILDER, neighbourhood=other)
    preview = preview_url_of(upload(client_cb, neighbourhood, text=TRANSCRIPT))
    token = preview.rstrip("/").rsplit("/", 1)[1]
    # A preview made for one neighbourhood cannot be saved into another.
    client_cb.post(url("preview", other, token), {"action": "save"})
    assert Document.objects.count() == 0


# --- access --------------------------------------------------------------------------------------------------


@pytest.fixture
def saved_document(client_cb, neighbourhood):
    client_cb.post(preview_url_of(upload(client_cb, neighbourhood, text=TRANSCRIPT)), {"action": "save"})
    return Document.objects.get()


def test_someone_elses_neighbourhood_is_403_everywhere(client, neighbourhood, saved_document):
    stranger = UserFactory()
    MembershipFactory(user=stranger, role=Role.COMMUNITY_BUILDER, neighbourhood=NeighbourhoodFactory())
    client.force_login(stranger)
    for target in (
        url("list", neighbourhood),
        url("upload", neighbourhood),
        url("preview", neighbourhood, "x"),
        url("detail", neighbourhood, saved_document.pk),
        url("delete", neighbourhood, saved_document.pk),
    ):
        assert client.get(target).status_code == 403, target
    assert client.post(url("upload", neighbourhood), form_data(text="Iets over de buurt")).status_code == 403
    assert client.post(url("delete", neighbourhood, saved_document.pk)).status_code == 403
    assert Document.objects.count() == 1


def test_funder_never_sees_documents(client, neighbourhood, saved_document):
    funding = FundingFactory(neighbourhood=neighbourhood)
    funder = UserFactory()
    MembershipFactory(user=funder, role=Role.FUNDER, organisation=funding.funder)
    client.force_login(funder)
    assert client.get(url("list", neighbourhood)).status_code == 403
    assert client.get(url("detail", neighbourhood, saved_document.pk)).status_code == 403


def test_anonymous_is_sent_to_login(client, neighbourhood):
    response = client.get(url("upload", neighbourhood))
    assert response.status_code == 302 and response["Location"].startswith("/inloggen/")
    response = client.post(url("upload", neighbourhood), form_data(text="x"))
    assert response.status_code == 302


def test_document_of_another_neighbourhood_is_404(client_cb, neighbourhood, builder, saved_document):
    other = NeighbourhoodFactory()
    MembershipFactory(user=builder, role=Role.COMMUNITY_BUILDER, neighbourhood=other)
    assert client_cb.get(url("detail", other, saved_document.pk)).status_code == 404


def test_researcher_and_connector_can_upload(client, neighbourhood):
    for role in (Role.RESEARCHER, Role.CONNECTOR):
        user = UserFactory()
        MembershipFactory(
            user=user, role=role, neighbourhood=neighbourhood if role == Role.CONNECTOR else None
        )
        client.force_login(user)
        assert client.get(url("upload", neighbourhood)).status_code == 200


# --- delete --------------------------------------------------------------------------------------------------


def test_delete_asks_first_then_removes_the_document_its_fragments_and_their_codings(
    client_cb, neighbourhood, saved_document, codebook
):
    other_fragment = FragmentFactory(neighbourhood=neighbourhood)
    fragment = saved_document.parts.first().fragment
    Coding.objects.create(fragment=fragment, code=codebook.codes.filter(depth__gt=0).first())
    html = client_cb.get(url("delete", neighbourhood, saved_document.pk)).content.decode()
    assert "de 4 fragmenten" in html and "Ook 1 codering wordt verwijderd." in html
    assert Document.objects.count() == 1  # a GET deletes nothing
    response = client_cb.post(url("delete", neighbourhood, saved_document.pk), follow=True)
    assert "en de 4 fragmenten zijn verwijderd." in response.content.decode()
    assert (
        Document.objects.count() == 0
        and DocumentFragment.objects.count() == 0
        and Coding.objects.count() == 0
    )
    assert list(Fragment.objects.all()) == [other_fragment]


def test_connector_may_delete_only_own_uploads(client, neighbourhood, saved_document):
    connector = UserFactory()
    MembershipFactory(user=connector, role=Role.CONNECTOR, neighbourhood=neighbourhood)
    client.force_login(connector)
    assert (
        "Dit document verwijderen"
        not in client.get(url("detail", neighbourhood, saved_document.pk)).content.decode()
    )
    assert client.post(url("delete", neighbourhood, saved_document.pk)).status_code == 403
    client.post(
        preview_url_of(upload(client, neighbourhood, text="R: Mijn eigen verhaal over de buurt.")),
        {"action": "save"},
    )
    own = Document.objects.get(uploaded_by=connector)
    assert client.post(url("delete", neighbourhood, own.pk)).status_code == 302
    assert Document.objects.count() == 1


def test_list_page_and_neighbourhood_section_count_fragments(client_cb, neighbourhood, saved_document):
    html = client_cb.get(url("list", neighbourhood)).content.decode()
    assert "Interview bewoner maart" in html and ">4<" in html
    page = client_cb.get(reverse("neighbourhood", args=[neighbourhood.cbs_code])).content.decode()
    assert url("upload", neighbourhood) in page and url("detail", neighbourhood, saved_document.pk) in page
