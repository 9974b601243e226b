"""The learning log (issue 12, item 4): the Pas-op-de-plaats answers to "Wat doen we nu?" per date, with n, in the
Buurtbeeld and in the Programmasynthese; "nog geen …" when there are none."""

from __future__ import annotations

import datetime
import re
from html import unescape

import pytest

from krachtvansamen.coding.models import Fragment
from krachtvansamen.instruments.models import Submission
from krachtvansamen.instruments.selectors import form_version_current
from krachtvansamen.instruments.services import forms_load_defaults, submission_submit
from krachtvansamen.reports.learning import learning_log

BUURTBEELD = "/rapporten/buurtbeeld/BU90000001/2025/"
SYNTHESE = "/rapporten/programmasynthese/programma-a/2025/"
NONE_YET = "Nog geen Pas-op-de-plaats-gesprek met een antwoord op 'Wat doen we nu?' (n = 0)."
MARCH = "We gaan de jongeren zelf vragen wat ze willen."
JUNE = "We zoeken een tweede trekker voor de moestuin."


@pytest.fixture
def pas(world):
    forms_load_defaults()
    form = form_version_current(key="pas_op_de_plaats")

    def _send(neighbourhood, next_step: str | None, held_on: str | None = "2025-03-12", year: int = 2025):
        raw = {"done": "Een buurtmaaltijd en een schoonmaakactie."}
        if held_on:
            raw["held_on"] = held_on
        if next_step is not None:
            raw["next"] = next_step
        return submission_submit(
            form_version=form, neighbourhood=neighbourhood, year=year, user=None, raw=raw
        )

    return _send


def _section(page: str, prefix: str) -> str:
    start = page.index(f'id="{prefix}-leren"')
    return page[start : page.index("</section>", start)]


def _text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_nothing_yet_says_so_with_n(as_user):
    page = as_user("community_builder").get(BUURTBEELD).content.decode()
    assert NONE_YET in _text(_section(page, "bb"))
    synthese = as_user("researcher").get(SYNTHESE).content.decode()
    assert NONE_YET in _text(_section(synthese, "ps"))


def test_the_buurtbeeld_lists_what_the_team_will_do_next_per_date_newest_first(as_user, world, pas):
    pas(world.own, MARCH, "2025-03-12")
    pas(world.own, JUNE, "2025-06-03")
    pas(world.own, None, "2025-07-01")  # no answer to "Wat doen we nu?": not a line, not counted
    section = _text(_section(as_user("community_builder").get(BUURTBEELD).content.decode(), "bb"))
    assert "Leerlog: wat doen we nu?" in section and "n = 2 gesprekken" in section
    assert (
        section.index("3 juni 2025")
        < section.index(JUNE)
        < section.index("12 maart 2025")
        < section.index(MARCH)
    )
    assert "1 juli 2025" not in section and NONE_YET not in section


def test_only_sent_in_answers_of_this_buurt_up_to_the_year(as_user, world, pas):
    pas(world.own, MARCH, "2024-11-20", year=2024)
    pas(world.same, "Elders: meer koffieochtenden.")
    later = pas(world.own, "Volgend jaar pas.", "2026-01-10", year=2026)
    Submission.objects.filter(pk=pas(world.own, "Nog een concept.").pk).update(status=Submission.Status.DRAFT)
    log = learning_log(neighbourhood_ids=[world.own.pk], years=[2024, 2025])
    assert [(d.date.isoformat(), [e.text for e in d.entries]) for d in log.dates] == [("2024-11-20", [MARCH])]
    assert log.conversations == 1
    assert later.year == 2026  # later years stay out of the 2025 Buurtbeeld


def test_without_a_date_the_day_it_was_sent_in_counts(world, pas):
    """The day as it was in the Netherlands: sent in at 23:30 UTC on 14 March is 15 March in Arnhem."""
    submission = pas(world.own, MARCH, held_on=None)
    sent = datetime.datetime(2025, 3, 14, 23, 30, tzinfo=datetime.UTC)
    Submission.objects.filter(pk=submission.pk).update(submitted_at=sent)
    log = learning_log(neighbourhood_ids=[world.own.pk], years=[2025])
    assert log.dates[0].date == datetime.date(2025, 3, 15)


def test_an_answer_that_reveals_sensitive_data_is_counted_not_shown(as_user, world, pas):
    pas(world.own, MARCH)
    pas(world.own, "Mevrouw X is ziek, we gaan bij haar langs.", "2025-04-01")
    Fragment.objects.filter(text__startswith="Mevrouw X").update(special_category=True)
    section = _text(_section(as_user("community_builder").get(BUURTBEELD).content.decode(), "bb"))
    assert "Mevrouw X" not in section
    assert "n = 2 gesprekken" in section and "1 antwoord niet getoond" in section and MARCH in section


def test_the_synthesis_lists_each_buurt_by_name_and_only_what_the_reader_may_see(as_user, world, pas):
    pas(world.own, MARCH)
    pas(world.same, JUNE, "2025-06-03")
    pas(world.other, "Ander programma: niet hier.")
    section = _text(_section(as_user("researcher").get(SYNTHESE).content.decode(), "ps"))
    assert "Eigen Buurt: " + MARCH in section and "Buurt Zelfde Programma: " + JUNE in section
    assert "Ander programma" not in section and "n = 2 gesprekken" in section
