"""The one entry for writing fragments and their codings, all or nothing."""

from __future__ import annotations

import pytest

from krachtvansamen.coding.models import Coding, Fragment
from krachtvansamen.coding.services import NewFragment, fragments_delete, fragments_record
from krachtvansamen.framework.selectors import code_get_current
from tests.factories import NeighbourhoodFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_fragments_are_recorded_with_their_codes_once_each_in_the_order_given(codebook):
    neighbourhood = NeighbourhoodFactory()
    coder = UserFactory()
    speaker = PersonFactory(neighbourhood=neighbourhood)
    nature = code_get_current(key="vitality.nature")
    first, second = fragments_record(
        neighbourhood_id=neighbourhood.pk,
        year=2025,
        instrument="wijkwaardenkaart",
        fragments=[
            NewFragment(
                text="De moestuin.",
                speaker_role="resident",
                consent_level="pseudonymised",
                speaker=speaker,
                codes=[nature, "vitality.nature", "vitality.environment"],
            ),
            NewFragment(text="Zonder codes."),
        ],
        user=coder,
    )
    assert (first.text, second.text) == ("De moestuin.", "Zonder codes.")
    assert (first.neighbourhood, first.year, first.instrument) == (neighbourhood, 2025, "wijkwaardenkaart")
    assert (first.speaker, first.speaker_role, first.consent_level) == (speaker, "resident", "pseudonymised")
    assert (second.speaker, second.speaker_role, second.consent_level) == (None, "unknown", "internal")
    assert first.recorded_by == coder
    codings = Coding.objects.filter(fragment=first).order_by("pk")
    assert [c.code.key for c in codings] == ["vitality.nature", "vitality.environment"]
    assert {(c.coder, c.origin) for c in codings} == {(coder, "human")}
    assert not Coding.objects.filter(fragment=second).exists()


def test_a_failure_halfway_leaves_no_fragment_and_no_coding(codebook, monkeypatch):
    neighbourhood = NeighbourhoodFactory()

    def broken(*args, **kwargs):  # the fragments are written, then the codings fail
        raise RuntimeError("disk full")

    monkeypatch.setattr(Coding.objects, "bulk_create", broken)
    with pytest.raises(RuntimeError):
        fragments_record(
            neighbourhood_id=neighbourhood.pk,
            year=2025,
            instrument="interview",
            fragments=[NewFragment(text="Een", codes=["vitality.nature"]), NewFragment(text="Twee")],
            user=None,
        )
    assert Fragment.objects.count() == 0 and Coding.objects.count() == 0


def test_a_code_key_outside_the_current_codebook_records_nothing(codebook):
    neighbourhood = NeighbourhoodFactory()
    with pytest.raises(ValueError, match="vitality.nonsense"):
        fragments_record(
            neighbourhood_id=neighbourhood.pk,
            year=2025,
            instrument="interview",
            fragments=[NewFragment(text="Een", codes=["vitality.nonsense"])],
            user=None,
        )
    assert Fragment.objects.count() == 0


def test_nothing_to_record_writes_nothing():
    assert (
        fragments_record(neighbourhood_id=1, year=2025, instrument="interview", fragments=[], user=None) == []
    )


def test_deleting_fragments_deletes_their_codings_and_counts_the_fragments(codebook):
    neighbourhood = NeighbourhoodFactory()
    fragments_record(
        neighbourhood_id=neighbourhood.pk,
        year=2025,
        instrument="interview",
        fragments=[NewFragment(text="Een", codes=["vitality.nature"]), NewFragment(text="Twee")],
        user=None,
    )
    assert fragments_delete(fragments=Fragment.objects.filter(neighbourhood=neighbourhood)) == 2
    assert Fragment.objects.count() == 0 and Coding.objects.count() == 0
