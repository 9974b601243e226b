"""Speaker labels in transcripts: which line starts a turn, and who speaks ("Interviewer: …", "R: …",
"[Sandra] …", "Sandra (buurtverbinder): …", "00:12:31 Interviewer: …", Teams' "Sandra de Vries 0:03").
A label is only taken as a speaker when it is clearly one: a known role word, a label with a role in brackets,
or a label that comes back at least twice. Used by ``documents.splitting``; pure, no database.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from krachtvansamen.coding.models import SpeakerRole

_TIME = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?"
_TIME_RE = re.compile(rf"^{_TIME}$")
# A timestamp opening a line: "00:12:31", "[00:12:31]", "(12:31)", "00:12:31 -".
_LEADING_TIME_RE = re.compile(rf"^[\[(]?(?P<time>{_TIME})[\])]?(?:\s*[-–—|]\s*|\s+|$)")
# "[Sandra] text" or "[Sandra]: text".
_BRACKET_RE = re.compile(r"^\[(?P<label>[^\[\]\n]{1,50})\]\s*:?\s*(?P<rest>.*)$")
# "Interviewer: text", "Bewoner 1: text", "Sandra (buurtverbinder): text", or the label alone on its line.
_COLON_RE = re.compile(
    r"^(?P<label>[^\W\d_][\w.'’\- ]{0,40}?(?:\s*\([^()\n]{1,40}\))?)\s*:(?:\s+(?P<rest>.*)|\s*$)"
)
# Teams: "Sandra de Vries   0:03" on a line of its own, the words on the next lines.
_LABEL_TIME_RE = re.compile(rf"^(?P<label>[^\W\d_][\w.'’\- ]{{0,40}}?)\s+[\[(]?(?P<time>{_TIME})[\])]?$")

_PROFESSIONAL = (
    "interviewer",
    "interviewster",
    "int",
    "i",
    "onderzoeker",
    "researcher",
    "gespreksleider",
    "gespreksleidster",
    "moderator",
    "facilitator",
    "notulist",
    "vraag",
    "v",
    "q",
    "professional",
    "opbouwwerker",
    "sociaal werker",
    "welzijnswerker",
    "wijkagent",
    "ambtenaar",
    "beleidsmedewerker",
    "wijkregisseur",
    "gemeente",
)
_RESIDENT = (
    "r",
    "resp",
    "respondent",
    "geinterviewde",
    "bewoner",
    "bewoonster",
    "buurtbewoner",
    "antwoord",
    "a",
    "resident",
)
_CONNECTOR = ("buurtverbinder", "verbinder", "bv", "connector")
_COMMUNITY_BUILDER = (
    "community builder",
    "communitybuilder",
    "community-builder",
    "cb",
    "projectleider",
    "kwartiermaker",
)
_UNKNOWN = ("deelnemer", "participant", "spreker", "speaker", "onbekend")
ROLE_WORDS: dict[str, str] = {
    **dict.fromkeys(_PROFESSIONAL, SpeakerRole.PROFESSIONAL),
    **dict.fromkeys(_RESIDENT, SpeakerRole.RESIDENT),
    **dict.fromkeys(_CONNECTOR, SpeakerRole.CONNECTOR),
    **dict.fromkeys(_COMMUNITY_BUILDER, SpeakerRole.COMMUNITY_BUILDER),
    **dict.fromkeys(_UNKNOWN, SpeakerRole.UNKNOWN),
}
# Words that open a line of notes with a colon without being a speaker ("Datum: 12 maart").
_NOT_SPEAKERS = {
    "datum",
    "tijd",
    "locatie",
    "plaats",
    "aanwezig",
    "aanwezigen",
    "afwezig",
    "onderwerp",
    "notulen",
    "titel",
    "thema",
    "duur",
    "let op",
    "nb",
    "n.b",
    "ps",
    "conclusie",
    "samenvatting",
    "actiepunten",
    "actiepunt",
    "actie",
    "acties",
    "tip",
    "tips",
    "doel",
    "wie",
    "wat",
    "waar",
    "wanneer",
    "waarom",
    "hoe",
    "opmerking",
    "opmerkingen",
    "bron",
    "zie",
    "noot",
    "link",
    "email",
    "e-mail",
    "tel",
    "telefoon",
    "adres",
    "www",
    "http",
    "https",
    "buurt",
    "wijk",
    "gemeente",
    "dag",
    "maandag",
    "dinsdag",
    "woensdag",
    "donderdag",
    "vrijdag",
    "zaterdag",
    "zondag",
    "vooraf",
    "achteraf",
    "terugblik",
    "vervolg",
    "afspraken",
    "agenda",
    "verslag",
    "gelach",
    "lacht",
    "stilte",
    "pauze",
    "onverstaanbaar",
    "inaudible",
    "laughs",
    "crosstalk",
    "observatie",
    "observaties",
    "indruk",
    "sfeer",
    "citaat",
    "quote",
    "vragen",
    "antwoorden",
    "inleiding",
    "afsluiting",
}


def pseudonym(number: int) -> str:
    # Dutch on purpose: it is written into the (Dutch) fragment text, not shown as interface text.
    return f"Spreker {number}"


def _fold(text: str) -> str:
    """Lower case, accents off, spaces collapsed: "Geïnterviewde " → "geinterviewde"."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"\s+", " ", plain).strip().strip(".").casefold()


def role_of_word(word: str) -> str | None:
    """The role a label names, allowing a number or letter after it ("Bewoner 2", "R1", "Deelnemer B")."""
    folded = _fold(word)
    if folded in ROLE_WORDS:
        return ROLE_WORDS[folded]
    numbered = re.match(r"^(.*?)[\s\-_]*\d{1,3}$", folded) or re.match(r"^(.*?)\s+[a-z]$", folded)
    if numbered and numbered.group(1) in ROLE_WORDS:
        return ROLE_WORDS[numbered.group(1)]
    return None


@dataclass(frozen=True)
class Label:
    main: str  # "Sandra" in "Sandra (buurtverbinder)"
    hint: str  # "buurtverbinder"
    time: str  # a timestamp written inside the label: "Interviewer (00:12:31)"


def parse_label(raw: str) -> Label:
    raw = re.sub(r"\s+", " ", raw).strip()
    main, hint, time = raw, "", ""
    bracketed = re.match(r"^(.*?)\s*\(([^()]*)\)$", raw)
    if bracketed:
        main, hint = bracketed.group(1).strip(), bracketed.group(2).strip()
    else:
        separated = re.match(r"^(.*?)\s*(?:,|\s[-–—]\s)\s*(.+)$", raw)
        if separated:
            main, hint = separated.group(1).strip(), separated.group(2).strip()
    if _TIME_RE.match(hint):
        hint, time = "", hint
    return Label(main=main, hint=hint, time=time)


def _could_be_speaker(label: Label, *, bracketed: bool) -> bool:
    main = label.main
    if not main or _fold(main) in _NOT_SPEAKERS or len(main.split()) > 4:
        return False
    if role_of_word(main) is not None:
        return True
    # Names start with a capital; "maar ik zei: …" is a sentence, not a speaker.
    return main[0].isupper() or bracketed


@dataclass
class Mark:
    label: Label | None
    rest: str
    time: str
    after_time: str = ""  # the whole line after its timestamp, for when the label turns out not to be one
    bracketed: bool = False
    time_after_label: bool = False  # Teams: "Sandra de Vries 0:03" on a line of its own


def line_mark(line: str) -> Mark | None:
    """What opens this line: a timestamp, a speaker label, both, or nothing (None)."""
    stripped = line.strip()
    time = ""
    timed = _LEADING_TIME_RE.match(stripped)
    if timed:
        time, stripped = timed.group("time"), stripped[timed.end() :].strip()
    bracket = _BRACKET_RE.match(stripped)
    if bracket and not _TIME_RE.match(bracket.group("label").strip()):
        label = parse_label(bracket.group("label"))
        if _could_be_speaker(label, bracketed=True):
            return Mark(
                label=label,
                rest=bracket.group("rest") or "",
                time=time or label.time,
                after_time=stripped,
                bracketed=True,
            )
    colon = _COLON_RE.match(stripped)
    if colon:
        label = parse_label(colon.group("label"))
        if _could_be_speaker(label, bracketed=False):
            return Mark(
                label=label, rest=colon.group("rest") or "", time=time or label.time, after_time=stripped
            )
    if not time:
        alone = _LABEL_TIME_RE.match(stripped)
        if alone:
            label = parse_label(alone.group("label"))
            if _could_be_speaker(label, bracketed=False):
                return Mark(label=label, rest="", time=alone.group("time"), time_after_label=True)
    if time:
        return Mark(label=None, rest=stripped, time=time, after_time=stripped)
    return None


def speaker_key(label: Label) -> str:
    # "Sandra (buurtverbinder)" and later plain "Sandra" are the same person.
    return _fold(label.main)


def accepted_keys(marks: list[Mark]) -> set[str]:
    """Labels that really are speakers.

    Certain: a role word, a role in brackets, or a label right after a timestamp. Then a label that comes
    back. Once the text is clearly a transcript (two speakers or more), also a short label that occurs once:
    someone who spoke only once.
    """
    counts: dict[str, int] = {}
    short: set[str] = set()
    certain: set[str] = set()
    teams: set[str] = set()
    for mark in marks:
        if mark.label is None:
            continue
        key = speaker_key(mark.label)
        counts[key] = counts.get(key, 0) + 1
        if len(mark.label.main.split()) <= 2:
            short.add(key)
        if mark.time_after_label:
            teams.add(key)
        if (
            role_of_word(mark.label.main) is not None
            or role_of_word(mark.label.hint) is not None
            or (mark.time and not mark.time_after_label)
            or (mark.bracketed and mark.label.main[0].isupper())
        ):
            certain.add(key)
    accepted = certain | {key for key, count in counts.items() if count >= 2}
    if accepted & teams:
        accepted |= teams  # Teams' "name  time" lines are unmistakable once one speaker uses them twice
    if len(accepted) >= 2:
        accepted |= short
    return accepted
