"""Shared set-up for the REFI-QDA tests: a small coded neighbourhood, and reading a QDPX back."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from lxml import etree

from krachtvansamen.coding.models import Coding, Fragment, Memo
from krachtvansamen.coding.qda.validate import PROJECT_NS, xml_parse
from krachtvansamen.coding.services import (
    NewFragment,
    coding_add,
    fragment_settle,
    fragments_record,
    memo_save,
    own_code_add,
)
from krachtvansamen.framework.selectors import code_get_current
from krachtvansamen.neighbourhoods.models import CbsRecord
from tests.factories import MembershipFactory, NeighbourhoodFactory, PersonFactory, UserFactory

FIXTURES = Path(__file__).resolve().parent / "fixtures"
NS = {"q": PROJECT_NS}


def researcher(programme=None, **kwargs):
    user = UserFactory(**kwargs)
    MembershipFactory(user=user, role="researcher", programme=programme)
    return user


def coded_neighbourhood(*, programme=None):
    """A neighbourhood with two sources, whole and part codings by two coders, a settled fragment, an own
    code, memos, a speaker with a pseudonym, CBS figures."""
    neighbourhood = NeighbourhoodFactory(**({"programme": programme} if programme else {}), is_focus=True)
    programme = neighbourhood.programme
    anna, bram = researcher(programme, username="anna"), researcher(programme, username="bram")
    speaker = PersonFactory(neighbourhood=neighbourhood, pseudonym="Bewoner Zon")
    CbsRecord.objects.create(
        year=2024, region_code=neighbourhood.cbs_code, kind="buurt", name=neighbourhood.name,
        table_id="85984NED", source_row=1, population=1234, age_65_plus=200,
    )  # fmt: skip
    first = fragments_record(
        neighbourhood_id=neighbourhood.pk,
        year=2024,
        instrument="interview",
        fragments=[
            NewFragment(
                text="We koken samen – één keer per week. 😀", speaker=speaker, consent_level="pseudonymised"
            ),
            NewFragment(text="De buurtkamer is ons hart.\nIedereen is welkom.", speaker_role="connector"),
        ],
        user=anna,
        source="document:7",
    )
    loose = fragments_record(
        neighbourhood_id=neighbourhood.pk, year=2025, instrument="wijkwaardenkaart",
        fragments=[NewFragment(text="Groen rond de flat 🌳🌳 maakt blij.")], user=bram,
    )  # fmt: skip
    trust = code_get_current(key="effect.individual.trust")
    contact = code_get_current(key="effect.social.contact")
    own = own_code_add(
        programme=programme, parent=code_get_current(key="vitality.nature"), suffix="moestuin",
        label_nl="Moestuin", definition_nl="De moestuin als plek.", user=anna,
    )  # fmt: skip
    coding_add(fragment=first[0], code=contact, user=anna)
    coding_add(fragment=first[0], code=trust, user=bram, start=3, end=14)
    coding_add(fragment=first[0], code=contact, user=bram, start=36, end=37)  # the emoji
    coding_add(fragment=first[1], code=contact, user=anna, start=0, end=13)
    coding_add(fragment=first[1], code=trust, user=bram)
    fragment_settle(fragment=first[1], user=anna, codes=[trust], memo="Samen besloten: vertrouwen.")
    coding_add(fragment=loose[0], code=own, user=bram, start=0, end=5)
    memo_save(user=anna, text="Mooi citaat.", fragment=first[0])
    memo_save(user=bram, text="Wat hoort hier allemaal bij?", code=own, programme=programme)
    return neighbourhood, [*first, *loose], (anna, bram)


def read_qdpx(content: bytes) -> tuple[etree._Element, dict[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    return xml_parse(files["project.qde"], what="project.qde"), files


def snapshot(neighbourhood):
    """What a round trip must reproduce: per source, in order, each fragment's text with its codings."""
    result = []
    fragments = Fragment.objects.filter(neighbourhood=neighbourhood).order_by(
        "year", "instrument", "source", "position"
    )
    for fragment in fragments:
        codings = sorted(
            (c.code.key, c.coder.username if c.coder else None, c.start, c.end, c.settled)
            for c in Coding.objects.filter(fragment=fragment).select_related("code", "coder")
        )
        result.append(
            (fragment.year, fragment.instrument, fragment.position, fragment.text, fragment.speaker_role,
             fragment.consent_level, fragment.coding_state, codings,
             sorted(m.text for m in Memo.objects.filter(fragment=fragment)))
        )  # fmt: skip
    return result


def counts():
    from krachtvansamen.coding.models import CodingPass, ProgrammeCode
    from krachtvansamen.framework.models import Code

    return {
        model.__name__: model.objects.count()
        for model in (Fragment, Coding, CodingPass, Memo, Code, ProgrammeCode)
    }


def project_zip(project: bytes, sources: dict[str, bytes | str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("project.qde", project)
        for name, content in sources.items():
            archive.writestr(name, content)
    return buffer.getvalue()
