"""Documents only go into an open measurement year: at upload, and again at saving (the year may have been
closed while the preview was open). Nothing is saved into a closed year (issue #13, row 8)."""

from __future__ import annotations

import pytest

from krachtvansamen.coding.models import Fragment
from krachtvansamen.documents.extraction import DocumentInputError
from krachtvansamen.documents.models import Document
from krachtvansamen.documents.services import document_create, document_prepare
from krachtvansamen.neighbourhoods.models import MeasurementYear
from tests.documents.test_views import TRANSCRIPT, builder, client_cb, neighbourhood, preview_url_of, upload

__all__ = ["builder", "client_cb", "neighbourhood"]  # fixtures shared with test_views

pytestmark = pytest.mark.django_db

CLOSED = "Het jaar %s is gesloten: je kunt er geen nieuwe gegevens meer aan toevoegen."


def _prepare(neighbourhood, year: int):
    return document_prepare(
        neighbourhood=neighbourhood, year=year, instrument="interview", title="Interview",
        consent_level="internal", pasted=TRANSCRIPT,
    )  # fmt: skip


def test_prepare_refuses_a_closed_year(neighbourhood):
    with pytest.raises(DocumentInputError) as refused:
        _prepare(neighbourhood, 2024)
    assert CLOSED % 2024 in refused.value.message


def test_saving_into_a_year_closed_after_the_preview_is_refused_and_saves_nothing(neighbourhood, builder):
    pending = _prepare(neighbourhood, 2025)
    MeasurementYear.objects.filter(year=2025).update(is_open=False)
    with pytest.raises(DocumentInputError, match=CLOSED % 2025):
        document_create(pending=pending, neighbourhood=neighbourhood, user=builder)
    assert Document.objects.count() == 0 and Fragment.objects.count() == 0


def test_the_preview_page_says_the_year_was_closed(client_cb, neighbourhood):
    preview = preview_url_of(upload(client_cb, neighbourhood, text=TRANSCRIPT))
    MeasurementYear.objects.filter(year=2025).update(is_open=False)
    response = client_cb.post(preview, {"action": "save", "role_0": "professional", "role_1": "resident"})
    assert response.status_code == 400 and CLOSED % 2025 in response.content.decode()
    assert Document.objects.count() == 0 and Fragment.objects.count() == 0


def test_the_upload_form_refuses_a_closed_year(client_cb, neighbourhood):
    response = upload(client_cb, neighbourhood, text=TRANSCRIPT, year="2024")
    assert response.status_code == 400
    assert Document.objects.count() == 0
