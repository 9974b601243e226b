"""Importing KoboToolbox/ODK answers retires the cached reports of the neighbourhood (reports.report_cache)."""

from __future__ import annotations

import pytest
from django.db import transaction

from krachtvansamen.instruments.answers_import import answers_import
from krachtvansamen.instruments.definition import canonical_hash, validate_definition
from krachtvansamen.instruments.models import Form, FormVersion
from krachtvansamen.neighbourhoods.data_versions import neighbourhood_key
from tests.data_version_helpers import commit_bumps, version

pytestmark = pytest.mark.django_db

DEFINITION = validate_definition({
    "title": {"nl": "Buurtteller", "en": "Neighbourhood counter"},
    "questions": [{"name": "place", "type": "text", "required": True, "label": {"nl": "Plek"}}],
})  # fmt: skip


@pytest.fixture
def counter(codebook):
    form = Form.objects.create(key="buurtteller", instrument="buurtscan")
    return FormVersion.objects.create(
        form=form, version=1, definition=DEFINITION, content_hash=canonical_hash(DEFINITION)
    )


def _import(counter, builder, content: bytes):
    user, neighbourhood = builder
    return answers_import(form_version=counter, content=content, file_name="export.csv",
                          neighbourhood=neighbourhood, year=2024, user=user)  # fmt: skip


def test_an_answers_import_bumps_the_neighbourhood(counter, builder):
    _user, neighbourhood = builder
    commit_bumps()
    before = version(neighbourhood_key(neighbourhood.pk))
    _import(counter, builder, b"place\nHet Plein\nDe Kade\n")
    commit_bumps()
    assert version(neighbourhood_key(neighbourhood.pk))[0] == before[0] + 1


def test_an_import_that_fails_halfway_bumps_nothing(counter, builder):
    _user, neighbourhood = builder
    commit_bumps()
    before = version(neighbourhood_key(neighbourhood.pk))
    with pytest.raises(RuntimeError), transaction.atomic():
        _import(counter, builder, b"place\nHet Plein\n")
        raise RuntimeError("the caller's transaction fails after the import")
    commit_bumps()
    assert version(neighbourhood_key(neighbourhood.pk)) == before
