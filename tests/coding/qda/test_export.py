"""Exports are valid REFI-QDA: the codebook against Codebook.xsd, a project against Project.xsd."""

from __future__ import annotations

import pytest
from lxml import etree

from krachtvansamen.coding.qda import ids
from krachtvansamen.coding.qda.export import codebook_qdc, export_scope, project_qdpx
from krachtvansamen.coding.qda.validate import CODEBOOK_NS, QdaError, schema_errors, xml_parse
from krachtvansamen.framework.selectors import codes_current
from krachtvansamen.neighbourhoods.models import Neighbourhood
from tests.coding.qda.helpers import NS, coded_neighbourhood, read_qdpx, researcher
from tests.factories import MembershipFactory, NeighbourhoodFactory, OrganisationFactory, UserFactory
from tests.factories.coding import FragmentFactory

pytestmark = pytest.mark.django_db


def test_the_codebook_export_is_valid_and_nests_every_current_code_by_its_key(codebook):
    root = xml_parse(codebook_qdc(), what="qdc")
    assert schema_errors(root) == []
    codes = root.findall(f".//{{{CODEBOOK_NS}}}Code")
    current = list(codes_current())
    assert len(codes) == len(current)
    by_guid = {code.get("guid"): code for code in codes}
    trust = by_guid[ids.code_guid("effect.individual.trust")]
    assert trust.getparent().get("guid") == ids.code_guid("effect.individual")
    assert trust.get("isCodable") == "true"
    assert "[kvs:key=effect.individual.trust]" in trust.findtext(f"{{{CODEBOOK_NS}}}Description")
    group = by_guid[ids.code_guid("effect")]
    assert group.get("isCodable") == "false" and group.getparent().tag == f"{{{CODEBOOK_NS}}}Codes"


def test_own_codes_travel_in_the_codebook_with_their_programme_and_only_to_whom_may_see_them(codebook):
    neighbourhood, _fragments, _users = coded_neighbourhood()
    programme = neighbourhood.programme
    everything = codebook_qdc().decode()
    assert "vitality.nature.moestuin" in everything
    assert f"Eigen code van programma {programme.name}" in everything
    other = NeighbourhoodFactory().programme
    assert "moestuin" not in codebook_qdc(programmes=[other]).decode()
    assert schema_errors(xml_parse(codebook_qdc(programmes=[programme]), what="qdc")) == []


def test_the_project_export_is_valid_and_selections_point_at_exactly_the_fragments_and_parts(codebook):
    neighbourhood, fragments, (anna, bram) = coded_neighbourhood()
    content = project_qdpx(neighbourhoods=Neighbourhood.objects.filter(pk=neighbourhood.pk), name="Test")
    root, files = read_qdpx(content)
    assert schema_errors(root) == []
    sources = root.findall("q:Sources/q:TextSource", NS)
    assert len(sources) == 2
    texts = {}
    for source in sources:
        path = source.get("plainTextPath")
        assert path.startswith("internal://")
        texts[source.get("guid")] = files["sources/" + path.removeprefix("internal://")].decode("utf-8")
    first, second, loose = fragments
    selection = root.find(f".//q:PlainTextSelection[@guid='{ids.fragment_guid(first.pk)}']", NS)
    source_text = texts[selection.getparent().get("guid")]
    start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
    assert source_text[start:end] == first.text
    # the emoji coded on its own: one code point
    emoji = root.find(f".//q:PlainTextSelection[@guid='{ids.span_guid(first.pk, 36, 37)}']", NS)
    assert source_text[int(emoji.get("startPosition")) : int(emoji.get("endPosition"))] == "😀"
    second_selection = root.find(f".//q:PlainTextSelection[@guid='{ids.fragment_guid(second.pk)}']", NS)
    assert (
        source_text[int(second_selection.get("startPosition")) : int(second_selection.get("endPosition"))]
        == second.text
    )
    # coders by username; the settled outcome refers to the settled note
    users = {u.get("guid"): u.get("name") for u in root.findall("q:Users/q:User", NS)}
    assert set(users.values()) >= {"anna", "bram"}
    settled = [c for c in second_selection.findall("q:Coding", NS) if c.find("q:NoteRef", NS) is not None]
    assert len(settled) == 1 and users[settled[0].get("creatingUser")] == "anna"
    assert settled[0].find("q:NoteRef", NS).get("targetGUID") == ids.SETTLED_NOTE_GUID
    # the case: variables, sources and the fragments' selections
    case = root.find("q:Cases/q:Case", NS)
    assert case.get("guid") == ids.case_guid(neighbourhood.cbs_code)
    variables = {v.get("guid"): v.get("name") for v in root.findall("q:Variables/q:Variable", NS)}
    values = {
        variables[v.find("q:VariableRef", NS).get("targetGUID")]: v[1].text
        for v in case.findall("q:VariableValue", NS)
    }
    assert values["CBS-code"] == neighbourhood.cbs_code
    assert values["Focusbuurt"] == "true"
    assert values["Inwoners"] == "1234" and values["Programma"] == neighbourhood.programme.name
    assert len(case.findall("q:SelectionRef", NS)) == 3
    # memos as notes, the speaker by pseudonym only
    notes = [n.findtext("q:PlainTextContent", namespaces=NS) for n in root.findall("q:Notes/q:Note", NS)]
    assert "Mooi citaat." in notes and "Wat hoort hier allemaal bij?" in notes
    assert "Spreker: Bewoner Zon" in selection.findtext("q:Description", namespaces=NS)


def test_an_empty_neighbourhood_exports_a_valid_project(codebook):
    neighbourhood = NeighbourhoodFactory()
    root, _files = read_qdpx(
        project_qdpx(neighbourhoods=Neighbourhood.objects.filter(pk=neighbourhood.pk), name="x")
    )
    assert schema_errors(root) == []


def test_texts_with_characters_xml_cannot_hold_still_export_validly(codebook):
    neighbourhood = NeighbourhoodFactory()
    # Written directly: new fragments get one kind of line break, older rows may still hold "\r\n".
    FragmentFactory(
        neighbourhood=neighbourhood, year=2024, instrument="interview", text="bel\x07 en \x1b escape\r\nregel",
        source="document:1", position=1,
    )  # fmt: skip
    root, files = read_qdpx(
        project_qdpx(neighbourhoods=Neighbourhood.objects.filter(pk=neighbourhood.pk), name="x")
    )
    assert schema_errors(root) == []
    (text,) = [v for k, v in files.items() if k.startswith("sources/")]
    assert text.decode() == "bel\x07 en \x1b escape\r\nregel"


def test_the_export_scope_is_what_the_user_may_see(codebook):
    neighbourhood, _fragments, (anna, _bram) = coded_neighbourhood()
    elsewhere = NeighbourhoodFactory()
    found, _name = export_scope(user=anna, programme=neighbourhood.programme.slug)
    assert list(found) == [neighbourhood]
    with pytest.raises(QdaError):
        export_scope(user=anna, neighbourhood=elsewhere.cbs_code)
    with pytest.raises(QdaError):
        export_scope(user=anna, programme=elsewhere.programme.slug)
    with pytest.raises(QdaError):
        export_scope(user=anna)
    funder = UserFactory()
    MembershipFactory(
        user=funder,
        role="funder",
        organisation=OrganisationFactory(),
    )
    with pytest.raises(QdaError):
        export_scope(user=funder, neighbourhood=neighbourhood.cbs_code)
    manager = researcher(neighbourhood.programme)
    assert export_scope(user=manager, neighbourhood=neighbourhood.cbs_code)[0].get() == neighbourhood


def test_element_order_follows_the_schema_even_with_every_part_present(codebook):
    neighbourhood, _fragments, _users = coded_neighbourhood()
    root, _files = read_qdpx(
        project_qdpx(neighbourhoods=Neighbourhood.objects.filter(pk=neighbourhood.pk), name="x")
    )
    assert [etree.QName(child).localname for child in root] == [
        "Users", "CodeBook", "Variables", "Cases", "Sources", "Notes",
    ]  # fmt: skip
