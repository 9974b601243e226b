"""Quotes for a report: the fragments residents allowed to be quoted (``privacy.selectors.quotable``), in the
words a person approved with others' names pseudonymised (``Fragment.quote_text``), the most representative first, and a pick that does not repeat a text or, where it can, a speaker.

The stories residents themselves chose as most significant at an Effectenplein come first among the candidates
(issue 12: residents' voice in the loop): still only when ``quotable`` lets them through."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import Exists, OuterRef

from krachtvansamen.coding.models import Fragment, Instrument, SpeakerRole
from krachtvansamen.coding.selectors import codings_counted
from krachtvansamen.effectenplein.models import Story
from krachtvansamen.privacy.selectors import quotable


@dataclass(frozen=True)
class Quote:
    fragment_id: int
    text: str
    year: int
    instrument: str
    role: str  # the speaker's role, as shown to everyone
    speaker: str  # the pseudonym: shown only to those who see the raw data, never to funders
    speaker_id: int | None
    code_keys: frozenset[str]
    is_resident: bool
    chosen_at_plein: bool = False  # residents chose it as most significant at an Effectenplein

    @property
    def weight(self) -> int:
        """How representative: the effects and values it speaks of."""
        return sum(1 for k in self.code_keys if k.startswith(("effect.", "value.")))

    @property
    def attribution(self) -> str:
        who = f"{self.speaker}, {self.role}" if self.speaker else self.role.capitalize()
        return f"{who} · {self.instrument} · {self.year}"


RESIDENT_ROLES = ("resident", "connector")


def quotes_for(*, neighbourhood_ids: Sequence[int], years: Sequence[int], show_speaker: bool) -> list[Quote]:
    """Quotable fragments with the keys of their (human) codes: first what residents chose as most significant
    at an Effectenplein, then the most representative: the most effects and values, residents and connectors
    before professionals, the latest year first, shorter before longer."""
    rows = quotable(Fragment.objects.filter(neighbourhood_id__in=neighbourhood_ids, year__in=years)).order_by(
        "pk"
    )
    chosen = Exists(Story.objects.filter(fragment=OuterRef("pk"), is_most_significant=True))
    by_fragment: dict[int, set[str]] = {}
    for fragment_id, key in (
        codings_counted().filter(fragment__in=rows.values("pk")).values_list("fragment_id", "code__key")
    ):
        by_fragment.setdefault(fragment_id, set()).add(key)
    # Labels once: get_FOO_display() rebuilds and translates the choices on every call (80 ms per 600 rows).
    instruments = {value: str(label) for value, label in Instrument.choices}
    roles = {value: str(label) for value, label in SpeakerRole.choices}
    quotes = [
        Quote(fragment_id=pk, text=text, year=year, instrument=instruments.get(instrument, instrument),
              role=roles.get(role, role), speaker=(pseudonym or "") if show_speaker else "",
              speaker_id=speaker_id, code_keys=frozenset(by_fragment.get(pk, ())), is_resident=role in RESIDENT_ROLES,
              chosen_at_plein=chosen_at_plein)
        for pk, text, year, instrument, role, speaker_id, pseudonym, chosen_at_plein in rows.annotate(
            chosen_at_plein=chosen).values_list("pk", "quote_text", "year", "instrument", "speaker_role", "speaker_id",
                                                "speaker__pseudonym", "chosen_at_plein")
    ]  # fmt: skip
    quotes.sort(
        key=lambda q: (
            not q.chosen_at_plein,
            -q.weight,
            not q.is_resident,
            -q.year,
            len(q.text),
            q.fragment_id,
        )
    )
    return quotes


def _same(text: str) -> str:
    """Texts that differ only in case, spacing or names (of people and places: capitalised words) are the same
    quote: "Ze komen uit Hatert." and "Ze komen uit Spangen." tell one story twice."""
    return " ".join(re.sub(r"\b[A-ZÀ-ÖØ-Þ][\w'’-]*", "", text).casefold().split())


def pick_quotes(
    quotes: Sequence[Quote],
    *,
    count: int,
    used: set[int],
    prefixes: Sequence[str] = (),
    among: Iterable[int] | None = None,
    max_length: int | None = None,
    residents_first: bool = False,
) -> list[Quote]:
    """Up to ``count`` quotes not used before in the report (neither the fragment nor its words), each with another
    text and, where possible, another speaker. ``prefixes``: only quotes coded with such a code; ``among``: only these fragments."""
    allowed = set(among) if among is not None else None
    # The same words said twice (by two speakers, or copied into two records) are one quote in a report.
    used_texts = {_same(q.text) for q in quotes if q.fragment_id in used}
    candidates = [
        q for q in quotes
        if q.fragment_id not in used and _same(q.text) not in used_texts
        and (allowed is None or q.fragment_id in allowed)
        and (not prefixes or any(k.startswith(tuple(prefixes)) for k in q.code_keys))
        and (max_length is None or len(q.text) <= max_length)
    ]  # fmt: skip
    if residents_first:  # stable: keeps the residents' own choice first, then the representative order within
        candidates.sort(key=lambda q: (not q.chosen_at_plein, not q.is_resident))
    chosen: list[Quote] = []
    texts: set[str] = set()
    speakers: set[int] = set()
    for strict in (True, False):  # first different speakers, then anyone
        for q in candidates:
            if len(chosen) == count:
                break
            if (
                q in chosen
                or _same(q.text) in texts
                or (strict and q.speaker_id is not None and q.speaker_id in speakers)
            ):
                continue
            chosen.append(q)
            texts.add(_same(q.text))
            if q.speaker_id is not None:
                speakers.add(q.speaker_id)
    used.update(q.fragment_id for q in chosen)
    return chosen
