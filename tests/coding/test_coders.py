"""Several coders on one fragment: each coder's work is their own, the state follows the rule, settling decides
what analyses count, and every write is whole or not at all."""

from __future__ import annotations

import pytest

from krachtvansamen.coding.models import Coding, CodingPass, CodingState, Fragment, Memo, ProgrammeCode
from krachtvansamen.coding.selectors import (
    QueueFilters,
    codes_usable,
    codings_counted,
    fragment_context,
    fragments_queue,
)
from krachtvansamen.coding.services import (
    CodingError,
    NewFragment,
    coding_add,
    coding_remove,
    fragment_mark_coded,
    fragment_settle,
    fragment_unsettle,
    fragments_record,
    fragments_state_refresh,
    memo_save,
    own_code_add,
)
from krachtvansamen.framework.models import Code
from krachtvansamen.framework.selectors import code_get_current
from krachtvansamen.neighbourhoods.models import Neighbourhood
from tests.factories import NeighbourhoodFactory, ProgrammeFactory, UserFactory
from tests.factories.coding import FragmentFactory

pytestmark = pytest.mark.django_db


def _state(fragment: Fragment) -> str:
    fragment.refresh_from_db()
    return fragment.coding_state


@pytest.fixture
def codes(codebook):
    return {
        key: code_get_current(key=key)
        for key in ("vitality.nature", "vitality.environment", "abcd.whats_strong")
    }


def test_state_follows_the_coders_from_uncoded_to_disputed_to_agreed(codes):
    fragment = FragmentFactory(text="De moestuin aan de Kronenburgstraat.")
    anna, bert = UserFactory(), UserFactory()
    assert _state(fragment) == CodingState.UNCODED
    coding_add(fragment=fragment, code=codes["vitality.nature"], user=anna)
    assert _state(fragment) == CodingState.CODED
    # A second coder who finds no code applies disagrees with one who gave a code.
    fragment_mark_coded(fragment=fragment, user=bert)
    assert _state(fragment) == CodingState.DISPUTED
    coding_add(fragment=fragment, code=codes["vitality.nature"], user=bert)
    assert _state(fragment) == CodingState.AGREED
    # Agreement is on the set of codes: one more code by one coder is a disagreement again.
    coding_add(fragment=fragment, code=codes["vitality.environment"], user=bert)
    assert _state(fragment) == CodingState.DISPUTED
    assert set(CodingPass.objects.filter(fragment=fragment).values_list("coder", flat=True)) == {
        anna.pk,
        bert.pk,
    }


def test_the_same_code_on_the_same_part_twice_is_one_coding_and_a_part_is_its_own(codes):
    fragment = FragmentFactory(text="abcdef")
    anna = UserFactory()
    first = coding_add(fragment=fragment, code=codes["vitality.nature"], user=anna)
    again = coding_add(fragment=fragment, code=codes["vitality.nature"], user=anna)
    part = coding_add(fragment=fragment, code=codes["vitality.nature"], user=anna, start=0, end=6)
    assert first.pk == again.pk != part.pk
    assert Coding.objects.filter(fragment=fragment).count() == 2


@pytest.mark.parametrize(
    ("start", "end", "allowed"),
    [
        (0, 6, True),
        (5, 6, True),
        (0, 7, False),
        (3, 3, False),
        (4, 3, False),
        (None, 3, False),
        (3, None, False),
    ],
)
def test_a_selection_lies_within_the_text_and_is_not_empty(codes, start, end, allowed):
    fragment = FragmentFactory(text="abcdef")
    user = UserFactory()
    if allowed:
        coding = coding_add(fragment=fragment, code=codes["vitality.nature"], user=user, start=start, end=end)
        assert (coding.start, coding.end) == (start, end)
    else:
        with pytest.raises(CodingError, match="selectie"):
            coding_add(fragment=fragment, code=codes["vitality.nature"], user=user, start=start, end=end)
        assert not Coding.objects.filter(fragment=fragment).exists()
        assert _state(fragment) == CodingState.UNCODED


def test_offsets_count_characters_not_bytes(codes):
    fragment = FragmentFactory(text="Café 🌳 buurt")
    coding = coding_add(fragment=fragment, code=codes["vitality.nature"], user=UserFactory(), start=5, end=6)
    assert fragment.text[coding.start : coding.end] == "🌳"
    coding_add(fragment=fragment, code=codes["vitality.nature"], user=UserFactory(), start=7, end=12)
    with pytest.raises(CodingError):
        coding_add(fragment=fragment, code=codes["vitality.nature"], user=UserFactory(), start=7, end=13)


def test_nobody_removes_another_coders_work_nor_a_settled_coding(codes):
    fragment = FragmentFactory()
    anna, bert = UserFactory(), UserFactory()
    annas = coding_add(fragment=fragment, code=codes["vitality.nature"], user=anna)
    with pytest.raises(CodingError):
        coding_remove(coding=annas, user=bert)
    coding_add(fragment=fragment, code=codes["vitality.environment"], user=bert)
    settled = fragment_settle(fragment=fragment, user=bert, codes=[codes["vitality.nature"]])[0]
    with pytest.raises(CodingError):
        coding_remove(coding=settled, user=bert)
    coding_remove(coding=annas, user=anna)
    assert not Coding.objects.filter(pk=annas.pk).exists()
    # Anna's pass stays: she has been through the fragment, and now finds no code applies.
    assert CodingPass.objects.filter(fragment=fragment, coder=anna).exists()


def test_group_codes_and_old_codebook_codes_cannot_be_given(codes):
    fragment = FragmentFactory()
    group = Code.objects.get(codebook__is_current=True, key="vitality")
    with pytest.raises(CodingError):
        coding_add(fragment=fragment, code=group, user=UserFactory())
    old = Code.objects.filter(codebook__is_current=False, depth__gt=0).first()
    if old is not None:
        with pytest.raises(CodingError):
            coding_add(fragment=fragment, code=old, user=UserFactory())


def test_settling_decides_what_analyses_count_and_keeps_everyones_codings(codes):
    fragment = FragmentFactory()
    anna, bert, chair = UserFactory(), UserFactory(), UserFactory()
    coding_add(fragment=fragment, code=codes["vitality.nature"], user=anna)
    coding_add(fragment=fragment, code=codes["vitality.environment"], user=bert)
    counted = lambda: sorted(codings_counted().filter(fragment=fragment).values_list("code__key", flat=True))  # noqa: E731
    # Unsettled: every coder's codes count (each fragment once per code in the analyses).
    assert counted() == ["vitality.environment", "vitality.nature"]
    fragment_settle(
        fragment=fragment, user=chair, codes=[codes["vitality.environment"]], memo="Het gaat om de straat."
    )
    assert _state(fragment) == CodingState.SETTLED
    assert counted() == ["vitality.environment"]
    assert Coding.objects.filter(fragment=fragment, settled=False).count() == 2
    assert Memo.objects.get(fragment=fragment).text == "Het gaat om de straat."
    # Settling again replaces the outcome; settling on no code at all means nothing counts.
    fragment_settle(fragment=fragment, user=chair, codes=[])
    assert counted() == []
    assert _state(fragment) == CodingState.SETTLED
    # A later coding by a coder does not undo the settlement.
    coding_add(fragment=fragment, code=codes["abcd.whats_strong"], user=anna)
    assert _state(fragment) == CodingState.SETTLED and counted() == []
    fragment_unsettle(fragment=fragment)
    assert _state(fragment) == CodingState.DISPUTED
    assert counted() == ["abcd.whats_strong", "vitality.environment", "vitality.nature"]


def test_one_coder_alone_cannot_settle(codes):
    fragment = FragmentFactory()
    anna = UserFactory()
    coding_add(fragment=fragment, code=codes["vitality.nature"], user=anna)
    with pytest.raises(CodingError):
        fragment_settle(fragment=fragment, user=anna, codes=[codes["vitality.environment"]])
    assert _state(fragment) == CodingState.CODED
    assert not Coding.objects.filter(settled=True).exists()


def test_a_failure_halfway_through_settling_leaves_the_earlier_outcome(codes, monkeypatch):
    fragment = FragmentFactory()
    anna, bert = UserFactory(), UserFactory()
    coding_add(fragment=fragment, code=codes["vitality.nature"], user=anna)
    coding_add(fragment=fragment, code=codes["vitality.environment"], user=bert)
    fragment_settle(fragment=fragment, user=anna, codes=[codes["vitality.nature"]])

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Coding.objects, "bulk_create", broken)
    with pytest.raises(RuntimeError):
        fragment_settle(fragment=fragment, user=bert, codes=[codes["vitality.environment"]])
    assert list(Coding.objects.filter(settled=True).values_list("code__key", flat=True)) == [
        "vitality.nature"
    ]
    fragment.refresh_from_db()
    assert fragment.settled_by == anna


def test_recorded_fragments_get_their_source_positions_and_state(codes):
    neighbourhood = NeighbourhoodFactory()
    user = UserFactory()
    first, second, third = fragments_record(
        neighbourhood_id=neighbourhood.pk, year=2025, instrument="interview", user=user, source="document:7",
        fragments=[NewFragment(text="Een"), NewFragment(text="Twee", codes=["vitality.nature"]), NewFragment(text="Drie")],
    )  # fmt: skip
    assert [(f.source, f.position) for f in (first, second, third)] == [("document:7", i) for i in (1, 2, 3)]
    assert [_state(f) for f in (first, second, third)] == ["uncoded", "coded", "uncoded"]
    before, after = fragment_context(fragment=second)
    assert [f.text for f in before] == ["Een"] and [f.text for f in after] == ["Drie"]
    assert fragment_context(fragment=first)[0] == []


def test_bulk_writers_refresh_the_state_once(codes):
    anna, bert = UserFactory(), UserFactory()
    fragments = FragmentFactory.create_batch(3)
    Coding.objects.bulk_create([
        Coding(fragment=fragments[0], code=codes["vitality.nature"], coder=anna),
        Coding(fragment=fragments[1], code=codes["vitality.nature"], coder=anna),
        Coding(fragment=fragments[1], code=codes["vitality.nature"], coder=bert),
        Coding(fragment=fragments[2], code=codes["vitality.nature"], coder=None),
    ])  # fmt: skip
    assert fragments_state_refresh(fragment_ids=[f.pk for f in fragments]) == 3
    assert [_state(f) for f in fragments] == ["coded", "agreed", "coded"]
    assert fragments_state_refresh(fragment_ids=[f.pk for f in fragments]) == 0


def test_the_queue_puts_uncoded_first_and_blind_mode_hides_others_work(codes):
    neighbourhood = NeighbourhoodFactory()
    anna, bert = UserFactory(), UserFactory()
    coded, uncoded, disputed = FragmentFactory.create_batch(3, neighbourhood=neighbourhood)
    coding_add(fragment=coded, code=codes["vitality.nature"], user=anna)
    coding_add(fragment=disputed, code=codes["vitality.nature"], user=anna)
    coding_add(fragment=disputed, code=codes["vitality.environment"], user=bert)
    scope = Neighbourhood.objects.filter(pk=neighbourhood.pk)
    queue = fragments_queue(neighbourhoods=scope, filters=QueueFilters(), user=bert)
    assert list(queue) == [uncoded, disputed, coded]
    assert list(fragments_queue(neighbourhoods=scope, filters=QueueFilters(state="disputed"), user=bert)) == [
        disputed
    ]
    # Blind: not yet coded by me first; a filter on another coder's code finds only my own codings.
    blind = fragments_queue(neighbourhoods=scope, filters=QueueFilters(), user=bert, blind=True)
    assert list(blind)[-1] == disputed
    by_code = QueueFilters(code_key="vitality.nature")
    assert list(fragments_queue(neighbourhoods=scope, filters=by_code, user=bert, blind=True)) == []
    assert set(fragments_queue(neighbourhoods=scope, filters=by_code, user=bert)) == {coded, disputed}
    # The code filter includes sub-codes: the group key finds every vitality code.
    assert set(fragments_queue(neighbourhoods=scope, filters=QueueFilters(code_key="vitality"), user=bert)) == {
        coded, disputed,
    }  # fmt: skip


def test_memos_belong_to_their_author(codes):
    fragment = FragmentFactory()
    anna, bert = UserFactory(), UserFactory()
    memo = memo_save(user=anna, text=" Let op: ironie. ", fragment=fragment)
    assert memo is not None and memo.text == "Let op: ironie."
    with pytest.raises(CodingError):
        memo_save(user=bert, text="Weg ermee", memo=memo)
    with pytest.raises(CodingError):
        memo_save(user=anna, text="   ", fragment=fragment)
    assert memo_save(user=anna, text="", memo=memo) is None
    assert not Memo.objects.exists()


def test_a_programmes_own_code_is_usable_only_in_that_programme(codes):
    ours, theirs = ProgrammeFactory(), ProgrammeFactory()
    own = own_code_add(
        programme=ours,
        parent=codes["vitality.nature"],
        suffix="moestuin",
        label_nl="Moestuin",
        user=UserFactory(),
    )
    assert own.is_user_defined and own.key == "vitality.nature.moestuin"
    assert ProgrammeCode.objects.get(key=own.key).programme == ours
    assert codes_usable(programme_id=ours.pk).filter(pk=own.pk).exists()
    assert not codes_usable(programme_id=theirs.pk).filter(pk=own.pk).exists()
    mine = FragmentFactory(neighbourhood=NeighbourhoodFactory(programme=ours))
    other = FragmentFactory(neighbourhood=NeighbourhoodFactory(programme=theirs))
    coding_add(fragment=mine, code=own, user=UserFactory())
    with pytest.raises(CodingError):
        coding_add(fragment=other, code=own, user=UserFactory())
    # The same key twice: refused, and nothing half-made.
    with pytest.raises(Exception, match="bestaat al"):
        own_code_add(
            programme=theirs, parent=codes["vitality.nature"], suffix="moestuin", label_nl="X", user=None
        )
    assert ProgrammeCode.objects.count() == 1


def test_recorded_text_has_one_kind_of_line_break_so_browser_offsets_match(codes):
    neighbourhood = NeighbourhoodFactory()
    (fragment,) = fragments_record(
        neighbourhood_id=neighbourhood.pk, year=2025, instrument="interview", user=None,
        fragments=[NewFragment(text="Een\r\nTwee\rDrie")],
    )  # fmt: skip
    fragment.refresh_from_db()
    assert fragment.text == "Een\nTwee\nDrie"
