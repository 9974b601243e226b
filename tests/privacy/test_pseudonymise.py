"""Pseudonymising Dutch text with deduce (the real library, its real name lists): what a quote must lose, and
what it must keep."""

from __future__ import annotations

import pytest

from krachtvansamen.privacy.pseudonymise import pseudonymise


def test_the_study_quote_loses_the_volunteers_name_and_keeps_the_story():
    # The funder report quoted this with the name in it; the person named never consented.
    text = "Het taalcafé loopt, maar het is kwetsbaar. Het hangt op Anouk, en als zij ziek is gaat het niet door."
    result = pseudonymise(text)
    assert "Anouk" not in result.text
    assert result.text == text.replace("Anouk", "[naam]")
    assert [(r.kind, r.original, r.placeholder) for r in result.replacements] == [
        ("persoon", "Anouk", "[naam]")
    ]


def test_phone_e_mail_and_address_are_replaced_by_what_they_were():
    text = "Bel Henk op 06-12345678 of mail henk@voorbeeld.nl; hij woont op de Hoogstraat 12."
    result = pseudonymise(text)
    for private in ("Henk", "06-12345678", "henk@voorbeeld.nl", "Hoogstraat 12"):
        assert private not in result.text
    assert "[telefoonnummer]" in result.text
    assert "[e-mailadres]" in result.text
    assert "[adres]" in result.text


def test_two_people_get_two_numbers_and_the_same_person_keeps_hers():
    result = pseudonymise("Anouk belde Fatima. Later kwam Anouk zelf langs.")
    assert result.text == "[naam 1] belde [naam 2]. Later kwam [naam 1] zelf langs."


def test_place_names_stay_and_a_kept_word_is_taken_off_a_joined_find():
    # deduce joins "Kronenburg. Anouk" into one name; the buurt's name is no one's name.
    result = pseudonymise("Het hangt op Anouk in Kronenburg. Anouk doet alles.", keep=["Kronenburg"])
    assert result.text == "Het hangt op [naam] in Kronenburg. [naam] doet alles."
    # A city or a country is not an address.
    assert pseudonymise("Ze zijn verhuisd naar Groningen, haar zus woont in Polen.").text == (
        "Ze zijn verhuisd naar Groningen, haar zus woont in Polen."
    )


def test_what_is_left_of_a_find_after_a_kept_place_is_not_replaced():
    # "van Groningen" reads as a surname; with Groningen kept, "van" alone is no name.
    text = "Ze zijn verhuisd naar de andere kant van Groningen."
    assert pseudonymise(text, keep=["Groningen"]).text == text


def test_dates_and_ages_stay_they_name_no_one():
    text = "Ik ben 80 jaar en sinds 12 maart 2024 kom ik elke week."
    assert pseudonymise(text).text == text


@pytest.mark.parametrize("text", ["", "   ", "Gewoon een verhaal zonder namen."])
def test_text_without_anything_personal_comes_back_unchanged(text):
    result = pseudonymise(text)
    assert result.text == text
    assert not result.changed
