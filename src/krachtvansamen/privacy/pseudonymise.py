"""Pseudonymising Dutch text before words leave the team: names, addresses, phone numbers, e-mail addresses, BSN
numbers and web addresses are replaced by a placeholder ("[naam]", "[adres]", ...).

The finding is done by ``deduce`` (rule- and list-based de-identification made for Dutch, offline). Its lookup
lists cost ~7 s and ~1 GB to load, and the very first load after installing builds them (~70 s, written into the
package's own directory), so one instance is kept per process, loaded on first use or at server start
(``warm_up``), and never per request. Deduce is made for medical records: dates and ages are left alone here (a
story's "sinds 2023" or "ik ben 80" does not name anyone), and so are institutions.

It finds most, not all, and it also flags words that are no one's name (a street-like buurt name): which is why a
person reviews every quote before it becomes quotable (``coding.quotes``). Place names the caller knows are not
personal (the buurt's own name, its municipality) can be passed as ``keep``.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

# deduce's tags → the placeholder put in the text. In Dutch whatever the reader's language: the quote is Dutch.
# Tags not listed (datum, leeftijd, instelling, ziekenhuis, ...) are kept as written.
PLACEHOLDERS = {
    "persoon": "naam",
    "patient": "naam",
    "locatie": "adres",
    "telefoonnummer": "telefoonnummer",
    "emailadres": "e-mailadres",
    "bsn": "BSN",
    "url": "website",
}
# Only what is replaced is looked for: less work, and no overlap with kept kinds such as dates.
# Place names (a city, a country) are no one's address: only streets, house numbers and postcodes are replaced.
_DEDUCE_DISABLED = {"dates", "ages", "institutions", "identifier", "placename"}

logger = logging.getLogger(__name__)
_lock = threading.Lock()
_instance: Any = None


@dataclass(frozen=True)
class Replacement:
    kind: str  # a deduce tag: persoon, locatie, ...
    original: str
    placeholder: str
    start: int
    end: int


@dataclass(frozen=True)
class Pseudonymised:
    text: str
    replacements: tuple[Replacement, ...]

    @property
    def changed(self) -> bool:
        return bool(self.replacements)


def _deduce() -> Any:
    global _instance
    if _instance is None:
        with _lock:
            if _instance is None:
                # Imported here: importing deduce already reads part of its lists, and most processes never need it.
                from deduce import Deduce  # noqa: PLC0415

                logger.info(
                    "Loading deduce's name and address lists (the first time after installing: ~1 minute)"
                )
                _instance = Deduce()
    return _instance


def warm_up() -> None:
    """Load deduce now (in a server's start thread), so the first review page does not wait for it."""
    _deduce()


def _annotations(text: str) -> list[Any]:
    deduce = _deduce()
    with _lock:  # one deidentification at a time: deduce's processors are not documented as thread-safe
        try:
            document = deduce.deidentify(text, disabled=_DEDUCE_DISABLED)
        except Exception:  # an unknown processor name in another deduce version: run them all
            document = deduce.deidentify(text)
    return list(document.annotations)


def _normal(word: str) -> str:
    return " ".join(word.casefold().split())


@dataclass(frozen=True)
class _Span:
    tag: str
    start_char: int
    end_char: int
    text: str


def _without_kept(text: str, tag: str, start: int, end: int, kept: list[str]) -> _Span | None:
    """The found span with kept words taken off its edges: deduce joins neighbouring finds, so "Kronenburg. Anouk"
    can come as one name; what is left is "Anouk". None when nothing but kept words (and punctuation) is left."""
    changed = True
    while changed and start < end:
        changed = False
        for word in kept:
            head = re.match(rf"\s*{re.escape(word)}(?![\w])[\W_]*", text[start:end], re.IGNORECASE)
            if head and head.end() > 0:
                start, changed = start + head.end(), True
            tail = re.search(rf"(?<![\w]){re.escape(word)}[\W_]*$", text[start:end], re.IGNORECASE)
            if tail and start + tail.start() < end:
                end, changed = start + tail.start(), True
        while start < end and not text[end - 1].isalnum():
            end -= 1
    rest = text[start:end]
    # Nothing left but a lowercase word ("van" of "van Groningen", Groningen kept): no name, no address.
    if not any(ch.isupper() or ch.isdigit() or ch == "@" for ch in rest) and tag in ("persoon", "locatie"):
        return None
    if not any(ch.isalnum() for ch in rest):
        return None
    return _Span(tag, start, end, text[start:end])


def pseudonymise(text: str, *, keep: Iterable[str] = ()) -> Pseudonymised:
    """``text`` with every name, address, phone number, e-mail address, BSN and web address replaced.

    Placeholders are numbered when a text names more than one different person (or address, ...): "[naam 1]"
    and "[naam 2]", the same original always the same number, so a quote still reads as a story. Words in
    ``keep`` (compared without case) are not replaced, nor is a found span that is only such a word.
    """
    if not text.strip():
        return Pseudonymised(text=text, replacements=())
    kept = [word.strip() for word in keep if word.strip()]
    found = [span for a in _annotations(text) if a.tag in PLACEHOLDERS
             if (span := _without_kept(text, a.tag, a.start_char, a.end_char, kept)) is not None]  # fmt: skip
    # Overlapping finds: the longest wins ("Jan de Vries" over "Vries").
    found.sort(key=lambda a: (a.start_char, -(a.end_char - a.start_char)))
    chosen: list[_Span] = []
    for a in found:
        if chosen and a.start_char < chosen[-1].end_char:
            continue
        chosen.append(a)
    numbers: dict[str, dict[str, int]] = {}
    for a in chosen:
        per_kind = numbers.setdefault(str(PLACEHOLDERS[a.tag]), {})
        per_kind.setdefault(_normal(a.text), len(per_kind) + 1)
    parts: list[str] = []
    replacements: list[Replacement] = []
    position = 0
    for a in chosen:
        word = str(PLACEHOLDERS[a.tag])
        per_kind = numbers[word]
        placeholder = f"[{word} {per_kind[_normal(a.text)]}]" if len(per_kind) > 1 else f"[{word}]"
        parts.append(text[position : a.start_char])
        parts.append(placeholder)
        position = a.end_char
        replacements.append(Replacement(a.tag, a.text, placeholder, a.start_char, a.end_char))
    parts.append(text[position:])
    return Pseudonymised(text="".join(parts), replacements=tuple(replacements))
