"""The engine itself, with a small word-hashing encoder so every rule is checked in milliseconds (the real
encoder is exercised by the command and workbench tests)."""

from __future__ import annotations

import zlib

import numpy as np
import pytest

from krachtvansamen.coding.suggest.engine import (
    CORE_CODES,
    MIN_POSITIVES_FOR_EXTRA_CODE,
    CueMatcher,
    Encoder,
    Engine,
    Example,
    Settings,
    top_level,
)


def hashed(texts: list[str]) -> np.ndarray:
    out = np.zeros((len(texts), 512), dtype=np.float32)
    for i, text in enumerate(texts):
        for word in text.lower().replace(".", " ").split():
            out[i, zlib.crc32(word.encode()) % 512] += 1.0
    return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)


GOVERNANCE = [
    "De gemeente stopt de subsidie voor het buurthuis.",
    "Het wijkbudget van de gemeente is op, de subsidie komt pas volgend jaar.",
    "De regels van de gemeente voor een vergunning zijn ingewikkeld.",
    "Zonder subsidie van de gemeente kan het buurtfeest niet doorgaan.",
    "De wethouder beloofde subsidie maar de gemeente houdt de regels strak.",
    "Voor de vergunning moet je naar de gemeente en dat duurt maanden.",
]
PHYSICAL = [
    "Het buurthuis is gesloopt en er is geen ruimte meer om samen te komen.",
    "De moestuin ligt op een braakliggend stuk grond naast de flat.",
    "Het plein is opnieuw ingericht met bankjes en bomen.",
    "Er is geen ruimte in de wijk, het gebouw is te klein.",
    "De speeltuin is afgesloten omdat het gebouw wordt gerenoveerd.",
    "In het park staan nu bankjes en er is een nieuwe ontmoetingsplek.",
]
NEUTRAL = [
    "Het spreekuur is op dinsdag van negen tot twaalf.",
    "Morgen regent het de hele dag.",
    "Het telefoonnummer staat op de achterkant van de folder.",
    "De koffie kost een euro.",
]


def examples() -> list[Example]:
    return (
        [Example(t, frozenset({"factor.governance"})) for t in GOVERNANCE]
        + [Example(t, frozenset({"factor.physical"})) for t in PHYSICAL]
        + [Example(t, frozenset()) for t in NEUTRAL]
    )


def engine(extra: list[Example] | None = None, **settings) -> Engine:
    return Engine(encoder=Encoder(embed=hashed), settings=Settings(**settings)).fit(
        [*examples(), *(extra or [])]
    )


def suggested(e: Engine, text: str) -> set[str]:
    (row,) = e.suggest([text])
    return {s.code for s in row if s.suggested}


def test_it_suggests_what_a_text_carries_several_codes_or_none():
    e = engine()
    assert "factor.governance" in suggested(e, "De gemeente geeft geen subsidie meer.")
    assert suggested(e, "De gemeente geeft geen subsidie meer voor het gebouw en de ruimte is te klein.") >= {
        "factor.governance",
        "factor.physical",
    }
    assert suggested(e, "De koffie kost een euro op dinsdag.") == set()


def test_every_code_gets_a_score_between_0_and_1_and_suggested_means_at_least_half():
    e = engine()
    rows = e.suggest(["De gemeente geeft geen subsidie meer.", "", "Koffie en thee."])
    for row in rows:
        assert [s.code for s in row] == list(CORE_CODES)
        for s in row:
            assert 0.0 <= s.score <= 1.0
            assert s.suggested == (s.score >= 0.5)


def test_a_rejection_lowers_the_score_for_that_text_and_code():
    text = "De gemeente organiseert een informatieavond over de nieuwe regels voor afval."
    before = dict((s.code, s.score) for s in engine().suggest([text])[0])
    rejected = Example(text, frozenset(), rejected=frozenset({"factor.governance"}))
    after = dict((s.code, s.score) for s in engine([rejected]).suggest([text])[0])
    plain_negative = dict((s.code, s.score) for s in engine([Example(text, frozenset())]).suggest([text])[0])
    assert after["factor.governance"] < plain_negative["factor.governance"] < before["factor.governance"]


def test_a_child_code_teaches_its_parent():
    assert top_level("effect.individual.trust") == "effect.individual"
    assert top_level("factor.governance") == "factor.governance"
    trust = [
        Example(f"Ik vertrouw mijn buren nu {i} keer meer.", frozenset({"effect.individual.trust"}))
        for i in range(6)
    ]
    e = engine(trust)
    assert e.positives["effect.individual"] == 6
    assert "effect.individual.trust" not in e.codes


@pytest.mark.parametrize(
    "count, joins", [(MIN_POSITIVES_FOR_EXTRA_CODE - 1, False), (MIN_POSITIVES_FOR_EXTRA_CODE, True)]
)
def test_another_code_joins_once_people_gave_it_often_enough(count, joins):
    nature = [
        Example(f"Het park met bomen nummer {i} is groen.", frozenset({"vitality.nature"}))
        for i in range(count)
    ]
    e = engine(nature)
    assert ("vitality.nature" in e.codes) is joins
    assert e.codes[: len(CORE_CODES)] == list(CORE_CODES)


def test_an_engine_that_was_not_trained_says_so():
    with pytest.raises(RuntimeError):
        Engine(encoder=Encoder(embed=hashed)).suggest(["tekst"])


def test_cue_words_prefixes_phrases_and_accents():
    matcher = CueMatcher({"factor.governance": ["subsidie*", "eigen regie"], "abcd.whats_strong": ["ideeën"]})
    counts = matcher.counts(
        ["Onze subsidieaanvraag en de subsidie.", "Bewoners hebben eigen  regie.", "Goede ideeen!", "regie"],
        ["factor.governance", "abcd.whats_strong"],
    )
    assert counts.tolist() == [[2, 0], [1, 0], [0, 1], [0, 0]]


def test_the_encoder_embeds_each_distinct_text_once():
    calls: list[list[str]] = []

    def counting(texts: list[str]) -> np.ndarray:
        calls.append(list(texts))
        return hashed(texts)

    encoder = Encoder(
        embed=counting, known=lambda: {Encoder.key("al bekend"): np.ones(512, dtype=np.float32)}
    )
    first = encoder.encode(["een", "twee", "een", "al bekend"])
    encoder.encode(["twee", "drie"])
    assert sorted(t for batch in calls for t in batch) == ["drie", "een", "twee"]
    assert np.allclose(first[0], first[2]) and np.allclose(first[3], 1.0)
