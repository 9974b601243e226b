"""Importing REFI-QDA: our own exports come back exactly; Taguette's codebook is repaired and nested; broken
files are refused with a clear message and change nothing."""

from __future__ import annotations

import io
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from krachtvansamen.coding.models import Coding, Fragment, Memo, ProgrammeCode
from krachtvansamen.coding.qda import ids
from krachtvansamen.coding.qda import importer as importer_module
from krachtvansamen.coding.qda.export import codebook_qdc, project_qdpx
from krachtvansamen.coding.qda.importer import ImportOptions, qda_import
from krachtvansamen.coding.qda.validate import QdaError
from krachtvansamen.coding.services import NewFragment, coding_add, fragments_record
from krachtvansamen.framework.models import Code
from krachtvansamen.framework.selectors import code_get_current
from krachtvansamen.neighbourhoods.models import Neighbourhood
from tests.coding.qda.helpers import FIXTURES, coded_neighbourhood, counts, project_zip, researcher, snapshot
from tests.factories import NeighbourhoodFactory, UserFactory

pytestmark = pytest.mark.django_db


def _export(neighbourhood) -> bytes:
    return project_qdpx(neighbourhoods=Neighbourhood.objects.filter(pk=neighbourhood.pk), name="Test")


def _admin():
    return UserFactory(is_superuser=True, username="beheer")


# --- round trips ------------------------------------------------------------------------------------------


def test_a_project_round_trip_into_a_fresh_neighbourhood_reproduces_texts_codes_offsets_and_coders(codebook):
    neighbourhood, _fragments, _users = coded_neighbourhood()
    fresh = NeighbourhoodFactory(programme=neighbourhood.programme)
    result = qda_import(
        data=_export(neighbourhood),
        name="test.qdpx",
        user=_admin(),
        options=ImportOptions(neighbourhood=fresh),
    )
    assert snapshot(fresh) == snapshot(neighbourhood)
    assert result.fragments == 3 and result.codes_created == 0
    assert result.codings == Coding.objects.filter(fragment__neighbourhood=neighbourhood).count()
    assert result.memos == 1 + 1  # the fragment's memo and the settling memo; the code's memo was there
    assert Memo.objects.filter(code__key="vitality.nature.moestuin").count() == 1
    assert Fragment.objects.filter(neighbourhood=fresh).first().source.startswith("qda:")
    settled = Fragment.objects.get(neighbourhood=fresh, text__startswith="De buurtkamer")
    assert settled.coding_state == "settled" and settled.settled_by.username == "anna"


def test_our_own_export_says_where_it_belongs_and_is_not_imported_twice(codebook):
    neighbourhood, _fragments, _users = coded_neighbourhood()
    content = _export(neighbourhood)
    before = counts()
    with pytest.raises(QdaError, match="al in buurt"):
        qda_import(data=content, name="test.qdpx", user=_admin())
    assert counts() == before
    fresh = NeighbourhoodFactory(programme=neighbourhood.programme)
    admin = _admin()
    qda_import(data=content, name="t.qdpx", user=admin, options=ImportOptions(neighbourhood=fresh))
    with pytest.raises(QdaError, match="al in buurt"):
        qda_import(data=content, name="t.qdpx", user=admin, options=ImportOptions(neighbourhood=fresh))


EMOJI = ["😀", "👩‍👩‍👧", "🇳🇱", "🌳"]
CHARACTERS = st.characters(codec="utf-8", exclude_categories=("Cs",), exclude_characters="\x00")
TEXTS = st.lists(
    st.one_of(CHARACTERS, st.sampled_from(EMOJI), st.sampled_from(["é", "ĳ", "\r\n", "\r"])),
    min_size=1,
    max_size=30,
).map("".join)


@st.composite
def fragments_with_spans(draw):
    # Stored texts have one kind of line break (fragments_record); "\r\n" from other tools: see below.
    texts = [
        t.replace("\r\n", "\n").replace("\r", "\n") for t in draw(st.lists(TEXTS, min_size=1, max_size=3))
    ]
    spans = []
    for number, text in enumerate(texts):
        for _ in range(draw(st.integers(0, 3))):
            start = draw(st.integers(0, len(text) - 1))
            end = draw(st.integers(start + 1, len(text)))
            spans.append((number, start, end))
    return texts, spans


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(case=fragments_with_spans())
def test_selection_offsets_survive_a_round_trip_exactly(codebook, case):
    texts, spans = case
    neighbourhood = NeighbourhoodFactory()
    coder = researcher(neighbourhood.programme)
    saved = fragments_record(
        neighbourhood_id=neighbourhood.pk, year=2024, instrument="interview",
        fragments=[NewFragment(text=text) for text in texts], user=coder, source="document:1",
    )  # fmt: skip
    trust = code_get_current(key="effect.individual.trust")
    for number, start, end in spans:
        coding_add(fragment=saved[number], code=trust, user=coder, start=start, end=end)
    fresh = NeighbourhoodFactory(programme=neighbourhood.programme)
    qda_import(
        data=_export(neighbourhood), name="x.qdpx", user=coder, options=ImportOptions(neighbourhood=fresh)
    )
    assert snapshot(fresh) == snapshot(neighbourhood)
    for coding in Coding.objects.filter(fragment__neighbourhood=fresh, start__isnull=False):
        original = Coding.objects.get(
            fragment__neighbourhood=neighbourhood, fragment__position=coding.fragment.position,
            start=coding.start, end=coding.end,
        )  # fmt: skip
        assert (
            coding.fragment.text[coding.start : coding.end]
            == original.fragment.text[original.start : original.end]
        )


def test_the_codebook_round_trip_maps_every_code_back_onto_ours(codebook):
    neighbourhood, _fragments, _users = coded_neighbourhood()
    before = counts()
    result = qda_import(data=codebook_qdc(), name="codeboek.qdc", user=_admin())
    assert counts() == before
    assert (
        result.codes_created == 0 and result.codes_matched == Code.objects.filter(codebook=codebook).count()
    )


# --- codes from other tools -------------------------------------------------------------------------------


def test_taguettes_own_codebook_is_repaired_nested_and_reported(codebook):
    neighbourhood = NeighbourhoodFactory()
    programme = neighbourhood.programme
    admin = _admin()
    data = (FIXTURES / "taguette_codebook.qdc").read_bytes()
    result = qda_import(
        data=data, name="taguette.qdc", user=admin, options=ImportOptions(programme=programme, under="abcd")
    )
    assert "lege <Sets/> verwijderd" in result.adjustments
    assert "8 codes genest gemaakt uit namen met '/'" in result.adjustments
    assert result.codes_created == 12
    effect = Code.objects.get(codebook=codebook, key="abcd.effect")
    assert effect.label_nl == "Effect" and effect.is_user_defined
    children = set(Code.objects.filter(parent=effect).values_list("label_nl", flat=True))
    assert children == {
        "individueel – zelfvertrouwen",
        "individueel – eigen regie",
        "collectief – saamhorigheid",
    }
    assert (
        Code.objects.get(key="abcd.omgevingsfactor.sociaal_netwerk_buurt").label_nl
        == "sociaal – netwerk & buurt"
    )
    assert ProgrammeCode.objects.filter(programme=programme).count() == 12
    # the same file again: the codes are found, none is added
    before = counts()
    again = qda_import(
        data=data, name="taguette.qdc", user=admin, options=ImportOptions(programme=programme, under="abcd")
    )
    assert counts() == before and again.codes_reused == 12 and again.codes_created == 0


def test_new_codes_without_a_programme_or_a_place_are_refused_by_name(codebook):
    neighbourhood = NeighbourhoodFactory()
    data = (FIXTURES / "taguette_codebook.qdc").read_bytes()
    before = counts()
    with pytest.raises(QdaError, match="Kies het programma") as error:
        qda_import(data=data, name="taguette.qdc", user=_admin())
    assert "“Effect”" in str(error.value)
    with pytest.raises(QdaError, match="geen bovenliggende code") as error:
        qda_import(
            data=data, name="t.qdc", user=_admin(), options=ImportOptions(programme=neighbourhood.programme)
        )
    assert "“Bewoners in the lead”" in str(error.value) and "“eigen initiatief”" not in str(error.value)
    assert counts() == before


def test_a_researcher_cannot_add_codes_to_another_programme(codebook):
    mine, other = NeighbourhoodFactory(), NeighbourhoodFactory()
    user = researcher(mine.programme)
    with pytest.raises(QdaError, match="geen codes toevoegen"):
        qda_import(
            data=(FIXTURES / "taguette_codebook.qdc").read_bytes(), name="t.qdc", user=user,
            options=ImportOptions(programme=other.programme, under="abcd"),
        )  # fmt: skip


FOREIGN_PROJECT = """<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="Elders" origin="QualCoder 3.5">
  <Users><User guid="11111111-1111-1111-1111-111111111111" name="anna"/>
         <User guid="22222222-2222-2222-2222-222222222222" name="onbekende"/></Users>
  <CodeBook><Codes>
    <Code guid="{trust}" name="vertrouwen" isCodable="true"/>
    <Code guid="aaaaaaaa-0000-0000-0000-000000000001" name="Thema" isCodable="true">
      <Code guid="aaaaaaaa-0000-0000-0000-000000000002" name="Buurtkamer" isCodable="true"/>
    </Code>
  </Codes></CodeBook>
  <Sets/>
  <Sources>
    {sources}
  </Sources>
  <Notes><Note guid="bbbbbbbb-0000-0000-0000-000000000001" creatingUser="22222222-2222-2222-2222-222222222222"><PlainTextContent>Let op dit stuk.</PlainTextContent></Note></Notes>
</Project>"""

SOURCE = """<TextSource guid="{guid}" name="{name}" plainTextPath="{path}">
      <PlainTextSelection guid="{sel}" startPosition="{start}" endPosition="{end}">
        <Coding guid="{coding}" creatingUser="11111111-1111-1111-1111-111111111111"><CodeRef targetGUID="{code}"/></Coding>
        <Coding guid="{coding2}" creatingUser="22222222-2222-2222-2222-222222222222"><CodeRef targetGUID="aaaaaaaa-0000-0000-0000-000000000002"/></Coding>
        <NoteRef targetGUID="bbbbbbbb-0000-0000-0000-000000000001"/>
      </PlainTextSelection>
    </TextSource>"""


def _foreign(sources: list[dict], files: dict[str, str | bytes]) -> bytes:
    trust = ids.code_guid("effect.individual.trust").upper()
    xml = "".join(
        SOURCE.format(
            code=trust,
            **{
                "coding": f"cccccccc-0000-0000-0000-00000000000{n}",
                "coding2": f"cccccccc-0000-0000-0001-00000000000{n}",
                **s,
            },
        )
        for n, s in enumerate(sources)
    )
    return project_zip(FOREIGN_PROJECT.format(trust=trust, sources=xml).encode("utf-8"), files)


def _source(
    n: int, *, start: int = 5, end: int = 10, file: str | None = None, path: str | None = None
) -> dict:
    return {
        "guid": f"dddddddd-0000-0000-0000-00000000000{n}", "name": f"Interview {n}",
        "path": path or f"internal://{file or f'i{n}.txt'}",
        "sel": f"eeeeeeee-0000-0000-0000-00000000000{n}", "start": start, "end": end,
    }  # fmt: skip


def test_a_project_from_another_tool_becomes_fragments_with_codings_and_new_own_codes(codebook):
    neighbourhood = NeighbourhoodFactory()
    researcher(neighbourhood.programme, username="anna")
    importer = researcher(neighbourhood.programme, username="importeur")
    data = _foreign([_source(1)], {"sources/i1.txt": "\ufeffHallo, wij 😀 koken samen."})
    result = qda_import(
        data=data, name="elders.qdpx", user=importer,
        options=ImportOptions(neighbourhood=neighbourhood, year=2025, instrument="interview", under="vitality"),
    )  # fmt: skip
    fragment = Fragment.objects.get(neighbourhood=neighbourhood)
    assert fragment.text == "Hallo, wij 😀 koken samen."
    assert (fragment.year, fragment.instrument, fragment.consent_level) == (2025, "interview", "internal")
    codings = {(c.code.key, c.coder.username, c.start, c.end) for c in fragment.codings.all()}
    assert codings == {
        ("effect.individual.trust", "anna", 5, 10),
        ("vitality.thema.buurtkamer", "importeur", 5, 10),
    }
    assert fragment.memos.get().author == importer
    assert "lege <Sets/> verwijderd" in result.adjustments
    assert any("“onbekende”" in note for note in result.notes)
    assert any(
        "byte order mark" in a or "BOM" in a or "bytevolgorde" in a.lower() for a in result.adjustments
    )
    assert result.codes_created == 2 and fragment.coding_state == "disputed"


def test_selections_of_another_tool_move_with_its_line_breaks(codebook):
    neighbourhood = NeighbourhoodFactory()
    importer = researcher(neighbourhood.programme, username="importeur")
    data = _foreign([_source(1)], {"sources/i1.txt": "Hal\r\nlo, wij 😀 koken samen."})
    qda_import(
        data=data, name="elders.qdpx", user=importer,
        options=ImportOptions(neighbourhood=neighbourhood, year=2025, instrument="interview", under="vitality"),
    )  # fmt: skip
    fragment = Fragment.objects.get(neighbourhood=neighbourhood)
    assert fragment.text == "Hal\nlo, wij 😀 koken samen."
    # The other tool's selection 5..10 was "lo, w" in its own text; it still is.
    assert {fragment.text[c.start : c.end] for c in fragment.codings.all()} == {"lo, w"}


def test_a_project_from_another_tool_needs_a_neighbourhood_year_and_instrument(codebook):
    neighbourhood = NeighbourhoodFactory()
    admin = _admin()
    data = _foreign([_source(1)], {"sources/i1.txt": "Hallo, wij koken samen."})
    before = counts()
    with pytest.raises(QdaError, match="Kies de buurt"):
        qda_import(data=data, name="x.qdpx", user=admin, options=ImportOptions(under="vitality"))
    with pytest.raises(QdaError, match="Kies het jaar"):
        qda_import(
            data=data,
            name="x.qdpx",
            user=admin,
            options=ImportOptions(neighbourhood=neighbourhood, under="vitality"),
        )
    with pytest.raises(QdaError, match="Kies het instrument"):
        qda_import(
            data=data, name="x.qdpx", user=admin,
            options=ImportOptions(neighbourhood=neighbourhood, year=2024, under="vitality"),
        )  # fmt: skip
    assert counts() == before


def test_importing_into_a_neighbourhood_one_may_not_code_is_refused(codebook):
    mine, other = NeighbourhoodFactory(), NeighbourhoodFactory()
    user = researcher(mine.programme)
    data = _foreign([_source(1)], {"sources/i1.txt": "Hallo, wij koken samen."})
    with pytest.raises(QdaError, match="niet coderen"):
        qda_import(
            data=data, name="x.qdpx", user=user,
            options=ImportOptions(neighbourhood=other, year=2024, instrument="interview", under="vitality"),
        )  # fmt: skip


# --- broken files: a clear message, nothing changed -------------------------------------------------------


def _refused(data: bytes, match: str, **options) -> None:
    neighbourhood = NeighbourhoodFactory()
    before = counts()
    with pytest.raises(QdaError, match=match):
        qda_import(
            data=data, name="kapot.qdpx", user=_admin(),
            options=ImportOptions(neighbourhood=neighbourhood, year=2024, instrument="interview", under="vitality"),
        )  # fmt: skip
    assert counts() == before


def test_bad_xml_is_refused(codebook):
    _refused(b"<CodeBook xmlns='urn:QDA-XML:codebook:1.0'><Codes>", "geen leesbare XML")
    _refused(project_zip(b"<Project", {}), "geen leesbare XML")


def test_a_schema_error_that_is_not_harmless_is_refused_with_the_schemas_words(codebook):
    no_guid = b"<CodeBook xmlns='urn:QDA-XML:codebook:1.0'><Codes><Code name='x' isCodable='true'/></Codes></CodeBook>"
    _refused(no_guid, "voldoet niet aan de REFI-QDA-standaard.*guid")
    no_codes = b"<CodeBook xmlns='urn:QDA-XML:codebook:1.0'><Codes/></CodeBook>"
    _refused(no_codes, "voldoet niet aan de REFI-QDA-standaard")
    _refused(b"<html><body/></html>", "geen REFI-QDA-codeboek")


def test_entities_and_doctypes_are_refused(codebook):
    bomb = b"""<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code guid="aaaaaaaa-0000-0000-0000-000000000001" name="&lol2;" isCodable="true"/></Codes></CodeBook>"""
    _refused(bomb, "DOCTYPE")
    external = b"""<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code guid="aaaaaaaa-0000-0000-0000-000000000001" name="&xxe;" isCodable="true"/></Codes></CodeBook>"""
    _refused(external, "DOCTYPE|external entity")  # lxml itself stops at the external entity


def test_a_source_file_missing_from_the_zip_is_refused(codebook):
    data = _foreign([_source(1), _source(2)], {"sources/i1.txt": "Hallo, wij koken samen."})
    _refused(data, "sources/i2.txt .*ontbreekt")


def test_offsets_out_of_range_are_refused(codebook):
    data = _foreign(
        [_source(1), _source(2, start=5, end=99)],
        {"sources/i1.txt": "Hallo, wij koken.", "sources/i2.txt": "Kort."},
    )
    _refused(data, "buiten de tekst")
    backwards = _foreign([_source(1, start=8, end=4)], {"sources/i1.txt": "Hallo, wij koken."})
    _refused(backwards, "buiten de tekst")


def test_a_file_that_breaks_halfway_through_the_writes_changes_nothing(codebook):
    """The first source is written, then a coding of the second uses a group code: all is rolled back."""
    source_two = _source(2)
    data = _foreign(
        [_source(1), source_two],
        {"sources/i1.txt": "Hallo, wij koken.", "sources/i2.txt": "Nog een tekst hier."},
    )
    group = ids.code_guid("effect").upper()
    trust = ids.code_guid("effect.individual.trust").upper()
    project = zipfile.ZipFile(io.BytesIO(data)).read("project.qde").decode()
    project = project.replace(
        '<Code guid="aaaaaaaa-0000-0000-0000-000000000001"',
        f'<Code guid="{group}" name="Effect" isCodable="false"/><Code guid="aaaaaaaa-0000-0000-0000-000000000001"',
    )
    # the second source's first coding points at the group
    head, tail = project.split('name="Interview 2"')
    tail = tail.replace(f'<CodeRef targetGUID="{trust}"/>', f'<CodeRef targetGUID="{group}"/>', 1)
    broken = project_zip(
        (head + 'name="Interview 2"' + tail).encode(),
        {"sources/i1.txt": "Hallo, wij koken.", "sources/i2.txt": "Nog een tekst hier."},
    )
    _refused(broken, "kan niet gebruikt worden")


def test_unsafe_zips_are_refused(codebook, monkeypatch):
    traversal = project_zip(b"<x/>", {"../../etc/evil.txt": "x"})
    _refused(traversal, "onveilige bestandsnaam")
    outside = _foreign([_source(1, file="../geheim.txt")], {})
    _refused(outside, "onveilige bestandsnaam")
    absolute = _foreign([_source(1, path="absolute:///etc/passwd")], {})
    _refused(absolute, "buiten het QDPX-bestand")
    monkeypatch.setattr(importer_module, "MAX_UNPACKED_BYTES", 1000)
    bomb = _foreign([_source(1)], {"sources/i1.txt": "a" * 5000})
    _refused(bomb, "te groot")
    _refused(b"PK\x03\x04 geen zip", "geen leesbaar QDPX")


def test_slash_paths_without_their_parents_get_the_parents_made_and_reported(codebook):
    programme = NeighbourhoodFactory().programme
    data = b"""<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>
      <Code guid="aaaaaaaa-0000-0000-0000-000000000001" name="Thema / Groen / Bomen" isCodable="true"/>
      <Code guid="aaaaaaaa-0000-0000-0000-000000000002" name="Thema/Groen/Perken" isCodable="true"/>
    </Codes></CodeBook>"""
    result = qda_import(
        data=data,
        name="paden.qdc",
        user=_admin(),
        options=ImportOptions(programme=programme, under="vitality"),
    )
    assert "2 codes genest gemaakt uit namen met '/'" in result.adjustments
    assert "2 ontbrekende bovenliggende codes toegevoegd voor namen met '/'" in result.adjustments
    keys = set(Code.objects.filter(key__startswith="vitality.thema").values_list("key", flat=True))
    assert keys == {
        "vitality.thema", "vitality.thema.groen", "vitality.thema.groen.bomen", "vitality.thema.groen.perken",
    }  # fmt: skip
    assert Code.objects.get(key="vitality.thema.groen.bomen").label_nl == "Bomen"


def test_a_codebook_that_is_nested_already_keeps_slashes_in_its_names(codebook):
    programme = NeighbourhoodFactory().programme
    data = b"""<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>
      <Code guid="aaaaaaaa-0000-0000-0000-000000000001" name="Thema" isCodable="true">
        <Code guid="aaaaaaaa-0000-0000-0000-000000000002" name="in/exclusie" isCodable="true"/>
      </Code></Codes></CodeBook>"""
    result = qda_import(
        data=data,
        name="genest.qdc",
        user=_admin(),
        options=ImportOptions(programme=programme, under="vitality"),
    )
    assert result.adjustments == []
    assert Code.objects.get(key="vitality.thema.in_exclusie").label_nl == "in/exclusie"
