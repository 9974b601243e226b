"""Splitting notes and transcripts into fragments (a pure function: no database)."""

from __future__ import annotations

import pytest

from krachtvansamen.coding.models import SpeakerRole
from krachtvansamen.documents.splitting import MAX_CHARS, role_of_word, split_text


def speakers_of(result):
    return [(result.speaker(p.speaker).display if p.speaker else None) for p in result.pieces]


def test_interviewer_and_respondent_turns_with_a_heading_before_them():
    result = split_text(
        "Interview met een bewoner, maart 2025\n\n"
        "Interviewer: Hoe lang woon je al hier?\n"
        "R: Al twintig jaar. Vroeger kende ik niemand.\n"
        "Interviewer: En nu?\n"
        "R: Nu groet iedereen elkaar,\n"
        "sinds de moestuin er is.\n\n"
        "Dat vind ik fijn.\n"
    )
    assert [p.text for p in result.pieces] == [
        "Interview met een bewoner, maart 2025",
        "Hoe lang woon je al hier?",
        "Al twintig jaar. Vroeger kende ik niemand.",
        "En nu?",
        # A hard line break inside a sentence is undone; the answer's second paragraph stays in the turn.
        "Nu groet iedereen elkaar, sinds de moestuin er is.\n\nDat vind ik fijn.",
    ]
    assert speakers_of(result) == [None, "Interviewer", "R", "Interviewer", "R"]
    roles = {s.stored_label: s.role for s in result.speakers}
    assert roles == {"Interviewer": SpeakerRole.PROFESSIONAL, "R": SpeakerRole.RESIDENT}


def test_wrapped_lines_join_with_a_space_when_the_sentence_goes_on_and_hyphens_are_undone():
    result = split_text("R: we hebben samen\ngekookt in het buurt-\nhuis.\nDaarna gingen we naar huis.")
    assert result.pieces[0].text == "we hebben samen gekookt in het buurthuis.\nDaarna gingen we naar huis."


@pytest.mark.parametrize(
    "label, role",
    [
        ("Interviewer", SpeakerRole.PROFESSIONAL),
        ("I", SpeakerRole.PROFESSIONAL),
        ("Onderzoeker", SpeakerRole.PROFESSIONAL),
        ("V", SpeakerRole.PROFESSIONAL),
        ("R", SpeakerRole.RESIDENT),
        ("R1", SpeakerRole.RESIDENT),
        ("Respondent", SpeakerRole.RESIDENT),
        ("Bewoner 1", SpeakerRole.RESIDENT),
        ("Geïnterviewde", SpeakerRole.RESIDENT),
        ("Buurtverbinder", SpeakerRole.CONNECTOR),
        ("CB", SpeakerRole.COMMUNITY_BUILDER),
        ("Community builder", SpeakerRole.COMMUNITY_BUILDER),
        ("Projectleider", SpeakerRole.COMMUNITY_BUILDER),
        ("Deelnemer B", SpeakerRole.UNKNOWN),
    ],
)
def test_role_words_map_to_speaker_roles(label, role):
    assert role_of_word(label) == role
    result = split_text(f"{label}: Eerste beurt.\nInterviewer: Vraag.\n{label}: Tweede beurt.")
    speaker = result.speaker(result.pieces[0].speaker)
    assert speaker.role == role and speaker.stored_label == label and not speaker.is_name


def test_names_as_speakers_become_numbered_speakers_and_are_replaced_in_the_text():
    result = split_text(
        "[Sandra] Welkom allemaal bij de reflectie.\n"
        "[Ahmed] Dank je Sandra. Ik begin.\n"
        "[Sandra] Ga je gang, Ahmed.\n"
    )
    assert speakers_of(result) == ["Spreker 1", "Spreker 2", "Spreker 1"]
    assert result.pieces[1].text == "Dank je [Spreker 1]. Ik begin."
    assert result.pieces[2].text == "Ga je gang, [Spreker 2]."
    assert result.names_replaced == 2
    assert all(s.stored_label == "" and s.is_name for s in result.speakers)
    assert not any("Sandra" in p.text or "Ahmed" in p.text for p in result.pieces)


def test_name_with_role_in_brackets_gets_that_role_and_loses_the_name():
    result = split_text(
        "Sandra de Vries (buurtverbinder): Ik ken hier veel mensen.\n"
        "Interviewer (Karin): Hoe kwam dat?\n"
        "Sandra de Vries: Door de koffieochtend. Karin weet dat.\n"
    )
    first = result.speaker(result.pieces[0].speaker)
    assert first.role == SpeakerRole.CONNECTOR and first.is_name and first.display == "Spreker 1"
    interviewer = result.speaker(result.pieces[1].speaker)
    assert interviewer.role == SpeakerRole.PROFESSIONAL and interviewer.stored_label == "Interviewer"
    assert result.pieces[2].text == "Door de koffieochtend. [Interviewer] weet dat."
    assert result.pieces[0].speaker == result.pieces[2].speaker


@pytest.mark.parametrize(
    "line_format",
    [
        "{time} {label}: {text}",
        "[{time}] {label}: {text}",
        "({time}) {label}: {text}",
        "{time} - {label}: {text}",
        "{label} ({time}): {text}",
    ],
)
def test_timestamps_in_several_formats(line_format):
    lines = [
        line_format.format(time="00:12:31", label="Interviewer", text="Wat betekent de buurt voor je?"),
        line_format.format(time="00:12:40", label="Bewoner 1", text="Alles. Hier woont mijn familie."),
    ]
    result = split_text("\n".join(lines))
    assert [p.text for p in result.pieces] == [
        "Wat betekent de buurt voor je?",
        "Alles. Hier woont mijn familie.",
    ]
    assert [p.time for p in result.pieces] == ["00:12:31", "00:12:40"]
    assert speakers_of(result) == ["Interviewer", "Bewoner 1"]


def test_teams_transcript_with_name_and_time_on_their_own_line():
    result = split_text(
        "Marja Jansen   0:03\nGoedemorgen, fijn dat je er bent.\n\n"
        "Piet Bakker   0:09\nGraag gedaan.\n\n"
        "Marja Jansen   0:15\nZullen we beginnen?\n"
    )
    assert [p.text for p in result.pieces] == [
        "Goedemorgen, fijn dat je er bent.",
        "Graag gedaan.",
        "Zullen we beginnen?",
    ]
    assert [p.time for p in result.pieces] == ["0:03", "0:09", "0:15"]
    assert speakers_of(result) == ["Spreker 1", "Spreker 2", "Spreker 1"]


def test_timestamp_alone_on_a_line_belongs_to_the_next_turn_and_same_speaker_turns_join():
    result = split_text(
        "[00:01:00]\nR: Eerste deel van mijn antwoord.\n[00:01:30] R: En het tweede deel.\nI: Dank je."
    )
    assert [p.text for p in result.pieces] == [
        "Eerste deel van mijn antwoord.\n\nEn het tweede deel.",
        "Dank je.",
    ]
    assert result.pieces[0].time == "00:01:00"


def test_timestamps_without_speakers_split_but_very_short_ones_join():
    result = split_text(
        "[00:00:05] Welkom bij deze reflectiesessie over wat we dit jaar samen hebben gedaan in de buurt.\n"
        "[00:00:20] Ja.\n"
        "[00:00:25] Ik wil beginnen met de moestuin, want daar is het meeste gebeurd dit voorjaar en zomer.\n"
    )
    assert len(result.pieces) == 2
    assert result.pieces[0].text.endswith("\n\nJa.")
    assert all(p.speaker is None for p in result.pieces)


def test_notes_without_speakers_split_on_paragraphs_and_headers_are_not_speakers():
    result = split_text(
        "Datum: 12 maart\nAanwezig: vier bewoners\n\n"
        "Bezoek aan de moestuin\n\n"
        "Er waren veel mensen bij de moestuin, vooral ouderen. Ze vertelden dat ze elkaar vroeger niet kenden.\n\n"
        "Kort.\n\n"
        "Daarna liepen we naar het buurthuis. Daar was de koffieochtend net afgelopen en werd opgeruimd.\n"
    )
    assert result.speakers == []
    texts = [p.text for p in result.pieces]
    assert texts[0] == "Datum: 12 maart\nAanwezig: vier bewoners"
    # A short heading goes with the paragraph it introduces; a short remark joins the one before it.
    assert texts[1].startswith("Bezoek aan de moestuin\nEr waren veel mensen")
    assert texts[1].endswith("niet kenden.\n\nKort.")
    assert texts[2].startswith("Daarna liepen we")
    assert len(texts) == 3


def test_a_label_that_occurs_once_in_notes_is_text_not_a_speaker():
    result = split_text(
        "Opvallend: de bewoners kwamen zelf met ideeën voor het plein en wilden meteen beginnen."
    )
    assert result.speakers == [] and result.pieces[0].text.startswith("Opvallend:")


def test_long_paragraph_is_split_at_sentence_ends_under_the_maximum():
    sentence = "De bewoners van de Kronenburg vertelden uitgebreid over de moestuin en het buurthuis. "
    result = split_text(sentence * 40)
    assert len(result.pieces) >= 3
    assert all(len(p.text) <= MAX_CHARS for p in result.pieces)
    assert all(p.text.endswith(".") for p in result.pieces)
    assert " ".join(p.text for p in result.pieces) == (sentence * 40).strip()


def test_abbreviations_are_not_sentence_ends():
    text = (
        "Dhr. Jansen kwam ook. "
        + "We spraken bijv. over de tuin en o.a. over het plein met de bewoners. " * 30
    )
    result = split_text(text)
    assert all(not p.text.startswith(("over", "Jansen")) for p in result.pieces)


def test_long_turn_keeps_its_speaker_in_every_piece():
    answer = "Ik woon hier al heel lang en ik heb veel zien veranderen in de straat. " * 40
    result = split_text(f"Interviewer: Vertel eens.\nR: {answer}")
    assert len(result.pieces) > 2
    assert speakers_of(result)[1:] == ["R"] * (len(result.pieces) - 1)
    assert all(len(p.text) <= MAX_CHARS for p in result.pieces)


def test_text_without_full_stops_is_cut_between_words():
    result = split_text("woord " * 600)
    assert all(len(p.text) <= MAX_CHARS for p in result.pieces)
    assert all(not p.text.startswith("oord") for p in result.pieces)


@pytest.mark.parametrize("text", ["", "   \n\n  ", "...\n\n---\n", "\ufeff\u200b"])
def test_empty_or_contentless_text_gives_no_pieces(text):
    assert split_text(text).pieces == []


def test_windows_line_ends_and_no_break_spaces():
    result = split_text("Interviewer:\u00a0Hoe gaat het?\r\nR: Goed.\r\n")
    assert [p.text for p in result.pieces] == ["Hoe gaat het?", "Goed."]


def test_label_alone_on_its_line_with_the_words_below():
    result = split_text("INTERVIEWER:\nHoe gaat het met de buurt?\n\nRESPONDENT:\nBeter dan vorig jaar.")
    assert [p.text for p in result.pieces] == ["Hoe gaat het met de buurt?", "Beter dan vorig jaar."]
    assert speakers_of(result) == ["INTERVIEWER", "RESPONDENT"]


def test_switching_speaker_detection_off_splits_on_paragraphs_only():
    text = "Observatie: het plein was vol.\nObservatie: kinderen speelden buiten tot het donker werd."
    assert split_text(text, detect_speakers=False).speakers == []
    assert "Observatie" in split_text(text, detect_speakers=False).pieces[0].text
