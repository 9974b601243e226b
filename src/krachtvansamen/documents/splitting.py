"""Split notes and transcripts into fragments: one per speaker turn, or per paragraph when nobody is marked.

Pure functions, no database: every rule is unit-tested in tests/documents/test_splitting.py.

Transcripts mark speakers in many ways ("Interviewer: …", "R: …", "Bewoner 1: …", "[Sandra] …",
"Sandra (buurtverbinder): …", "00:12:31 Interviewer: …", "[00:12:31] R: …", Teams' "Sandra de Vries 0:03"
on a line of its own). A label is only taken as a speaker when it is clearly one: a known role word, a label
with a role in brackets, or a label that comes back at least twice — so "Datum: 12 maart" in notes is text.

Privacy: a label that is not a role word is treated as a personal name. It is never stored: the speaker
becomes "Spreker 1", "Spreker 2", … (numbered per document) and the name is replaced in the text too.
Role words ("Interviewer", "R", "Bewoner 2") identify nobody and are kept, so coders can tell speakers apart.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from krachtvansamen.coding.models import SpeakerRole
from krachtvansamen.documents.speaker_labels import (
    Label,
    accepted_keys,
    line_mark,
    pseudonym,
    role_of_word,
    speaker_key,
)

MAX_CHARS = 1200  # longest fragment; longer turns and paragraphs are cut at paragraph or sentence ends
MIN_CHARS = 60  # a shorter paragraph in notes joins its neighbour instead of standing alone

_NAME_PARTICLES = {"van", "de", "der", "den", "ter", "ten", "het", "el", "al", "bin", "le", "la", "da", "di"}
_ABBREVIATIONS = {
    "bijv",
    "bv",
    "o.a",
    "d.w.z",
    "m.a.w",
    "dhr",
    "mevr",
    "mw",
    "ca",
    "nr",
    "enz",
    "evt",
    "incl",
    "excl",
    "i.p.v",
    "t.o.v",
    "z.s.m",
    "e.d",
    "jl",
    "a.s",
    "st",
    "drs",
    "dr",
    "ir",
    "mr",
    "prof",
    "ing",
    "vs",
    "zgn",
}
_SENTENCE_END_RE = re.compile(r"[.!?…]+[\"'”’)\]]*\s+")


@dataclass
class Speaker:
    """One speaker of a document. ``label`` is what the transcript says; it is shown while previewing only."""

    key: str
    label: str
    role: str
    is_name: bool
    number: int = 0  # 1, 2, … among the pseudonymised speakers; 0 for role words
    stored_label: str = ""  # what is kept: the role word, or "" for a name
    names: list[str] = field(default_factory=list)  # names to replace in the text ("Interviewer (Sandra)")

    @property
    def display(self) -> str:
        return self.stored_label or pseudonym(self.number)


@dataclass(frozen=True)
class Piece:
    text: str
    speaker: str | None = None  # Speaker.key
    time: str = ""  # the timestamp the turn started at, when the transcript gives one


@dataclass
class SplitResult:
    pieces: list[Piece]
    speakers: list[Speaker] = field(default_factory=list)
    names_replaced: int = 0

    @property
    def has_speakers(self) -> bool:
        return bool(self.speakers)

    def speaker(self, key: str | None) -> Speaker | None:
        return next((s for s in self.speakers if s.key == key), None)


def normalise_text(text: str) -> str:
    """One kind of line break, no invisible characters, no trailing spaces."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "").replace("\u00a0", " ")
    text = re.sub(r"[\u200b\u200c\u200d\u2060]", "", text).replace("\t", " ")
    text = "".join(ch for ch in text if ch == "\n" or unicodedata.category(ch) != "Cc")
    return "\n".join(line.rstrip() for line in text.split("\n")).strip()


def has_content(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


def _join_lines(lines: list[str]) -> str:
    """Lines of one paragraph: a hard wrap inside a sentence (common in pdfs) becomes a space again."""
    out = ""
    for raw in lines:
        line = re.sub(r" {2,}", " ", raw.strip())
        if not line:
            continue
        if not out:
            out = line
        elif out.endswith("-") and len(out) > 1 and out[-2].isalpha() and line[0].islower():
            out = out[:-1] + line  # "gemeen-" + "schap"
        elif out[-1] not in '.!?:;"”’)…' and line[0].islower():
            out += " " + line
        else:
            out += "\n" + line
    return out


def _paragraphs(lines: list[str]) -> list[str]:
    paragraphs: list[str] = []
    current: list[str] = []
    for line in [*lines, ""]:
        if line.strip():
            current.append(line)
        elif current:
            joined = _join_lines(current)
            if has_content(joined):
                paragraphs.append(joined)
            current = []
    return paragraphs


def _sentences(text: str) -> list[str]:
    sentences: list[str] = []
    start = 0
    for match in _SENTENCE_END_RE.finditer(text):
        end = match.end()
        before = text[start : match.start() + 1]
        word = re.split(r"\s", before.strip())[-1].rstrip(".!?…").casefold()
        following = text[end : end + 1]
        if word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
            continue  # "bijv. Marja", "J. de Vries"
        if following and not (following.isupper() or following.isdigit() or following in "\"'“‘([-–•"):
            continue
        sentences.append(text[start:end].strip())
        start = end
    if text[start:].strip():
        sentences.append(text[start:].strip())
    return sentences


def _hard_cut(text: str) -> list[str]:
    """A single 'sentence' longer than the maximum (a pdf without full stops): cut between words."""
    chunks: list[str] = []
    while len(text) > MAX_CHARS:
        cut = text.rfind(" ", 0, MAX_CHARS)
        cut = cut if cut > MAX_CHARS // 2 else MAX_CHARS
        chunks.append(text[:cut].strip())
        text = text[cut:].strip()
    if text:
        chunks.append(text)
    return chunks


def _pack(parts: list[str], separator: str) -> list[str]:
    """Greedily put parts together up to the maximum length."""
    chunks: list[str] = []
    for part in parts:
        if chunks and len(chunks[-1]) + len(separator) + len(part) <= MAX_CHARS:
            chunks[-1] += separator + part
        else:
            chunks.append(part)
    return chunks


def _limit(paragraph: str) -> list[str]:
    if len(paragraph) <= MAX_CHARS:
        return [paragraph]
    pieces: list[str] = []
    for sentence in _sentences(paragraph):
        pieces.extend(_hard_cut(sentence) if len(sentence) > MAX_CHARS else [sentence])
    return _pack(pieces, " ")


def _turn_chunks(lines: list[str]) -> list[str]:
    """One speaker turn: whole, unless it is too long; then cut at paragraph ends, then at sentence ends."""
    paragraphs = _paragraphs(lines)
    if not paragraphs:
        return []
    whole = "\n\n".join(paragraphs)
    if len(whole) <= MAX_CHARS:
        return [whole]
    parts: list[str] = []
    for paragraph in paragraphs:
        parts.extend(_limit(paragraph))
    return _pack(parts, "\n\n")


def _looks_like_heading(text: str) -> bool:
    return "\n" not in text and text[-1] not in '.!?…"”’)'


def _note_chunks(lines: list[str]) -> list[str]:
    """Notes without speakers: a fragment per paragraph; very short ones join a neighbour."""
    chunks: list[str] = []
    carry = ""  # a short heading waiting for the paragraph it introduces
    for paragraph in _paragraphs(lines):
        if carry:
            paragraph, carry = carry + "\n" + paragraph, ""
        if len(paragraph) < MIN_CHARS:
            if _looks_like_heading(paragraph):
                carry = paragraph
                continue
            if chunks and len(chunks[-1]) + 2 + len(paragraph) <= MAX_CHARS:
                chunks[-1] += "\n\n" + paragraph
                continue
        chunks.extend(_limit(paragraph))
    if carry:
        if chunks and len(chunks[-1]) + 2 + len(carry) <= MAX_CHARS:
            chunks[-1] += "\n\n" + carry
        else:
            chunks.append(carry)
    return chunks


@dataclass
class _Turn:
    key: str | None
    time: str
    lines: list[str]


def _name_tokens(name: str) -> list[str]:
    """What to replace for a name label: the whole name, then each part that is a name on its own."""
    tokens = [name]
    words = name.split()
    if len(words) > 1:
        tokens += [w for w in words if len(w) >= 3 and w[0].isupper() and w.casefold() not in _NAME_PARTICLES]
    return tokens


def _replace_names(text: str, replacements: list[tuple[str, str]]) -> tuple[str, int]:
    count = 0
    for name, replacement in replacements:
        text, found = re.subn(rf"(?<!\w){re.escape(name)}(?!\w)", replacement, text)
        count += found
    return text, count


def split_text(text: str, *, detect_speakers: bool = True) -> SplitResult:
    """Split extracted text into pieces, with a speaker per piece where the transcript marks one.

    ``detect_speakers=False`` is the way out when notes happen to look like a transcript ("Observatie: …"
    twice): then only paragraphs count.
    """
    lines = normalise_text(text).split("\n")
    if not detect_speakers:
        return SplitResult(pieces=[Piece(text=chunk) for chunk in _note_chunks(lines)])
    marks = [line_mark(line) for line in lines]
    accepted = accepted_keys([m for m in marks if m is not None])

    speakers: dict[str, Speaker] = {}
    turns: list[_Turn] = []
    current = _Turn(key=None, time="", lines=[])
    for line, mark in zip(lines, marks, strict=True):
        rejected = mark is not None and mark.label is not None and speaker_key(mark.label) not in accepted
        if mark is None or (rejected and (not mark.time or mark.time_after_label)):
            current.lines.append(line)  # text, or a label that turned out not to be a speaker
            continue
        turns.append(current)
        if mark.label is not None and speaker_key(mark.label) in accepted:
            key = speaker_key(mark.label)
            _remember_speaker(speakers, key, mark.label)
            current = _Turn(key=key, time=mark.time, lines=[mark.rest] if mark.rest else [])
        else:
            # A timestamp opens the line: a new turn, speaker unknown; a rejected label stays in the text.
            rest = mark.after_time if mark.label is not None else mark.rest
            current = _Turn(key=None, time=mark.time, lines=[rest] if rest else [])
    turns.append(current)

    _number_names(speakers)
    pieces = _pieces(turns)
    replacements = [
        (token, f"[{s.display}]")
        for s in speakers.values()
        for name in s.names
        for token in _name_tokens(name)
    ]
    replaced = 0
    if replacements:
        # Longest first, so "Sandra de Vries" goes before "Sandra".
        replacements.sort(key=lambda pair: len(pair[0]), reverse=True)
        cleaned = []
        for piece in pieces:
            new_text, found = _replace_names(piece.text, replacements)
            replaced += found
            cleaned.append(Piece(text=new_text, speaker=piece.speaker, time=piece.time))
        pieces = cleaned
    used = {piece.speaker for piece in pieces}
    return SplitResult(
        pieces=pieces, speakers=[s for s in speakers.values() if s.key in used], names_replaced=replaced
    )


def _remember_speaker(speakers: dict[str, Speaker], key: str, label: Label) -> None:
    main_role = role_of_word(label.main)
    hint_role = role_of_word(label.hint) if label.hint else None
    role = main_role or hint_role or SpeakerRole.UNKNOWN
    # A name in the hint ("Interviewer (Sandra)") is not kept either.
    hint_name = label.hint if label.hint and hint_role is None else ""
    known = speakers.get(key)
    if known is None:
        is_name = main_role is None
        known = speakers[key] = Speaker(
            key=key,
            label=label.main,
            role=role,
            is_name=is_name,
            stored_label="" if is_name else label.main,
            names=[label.main] if is_name else [],
        )
    elif known.role == SpeakerRole.UNKNOWN and role != SpeakerRole.UNKNOWN:
        known.role = role  # "Sandra:" first, "Sandra (buurtverbinder):" later
    if hint_name and hint_name not in known.names:
        known.names.append(hint_name)


def _number_names(speakers: dict[str, Speaker]) -> None:
    number = 0
    for speaker in speakers.values():
        if speaker.is_name:
            number += 1
            speaker.number = number


def _pieces(turns: list[_Turn]) -> list[Piece]:
    pieces: list[Piece] = []
    pending_time = ""
    for turn in turns:
        time = turn.time or pending_time
        chunks = _turn_chunks(turn.lines) if turn.key else _note_chunks(turn.lines)
        if not chunks:
            pending_time = time  # "[00:12:31]" alone on a line: the time belongs to the next turn
            continue
        pending_time = ""
        previous = pieces[-1] if pieces else None
        if (
            previous is not None
            and turn.key
            and previous.speaker == turn.key
            and len(previous.text) + 2 + len(chunks[0]) <= MAX_CHARS
        ):
            # The same speaker again (a timestamp in the middle of an answer): one turn, one fragment.
            pieces[-1] = Piece(text=previous.text + "\n\n" + chunks[0], speaker=turn.key, time=previous.time)
            chunks = chunks[1:]
        elif (
            previous is not None
            and not turn.key
            and previous.speaker is None
            and turn.time
            and len(chunks[0]) < MIN_CHARS
            and len(previous.text) + 2 + len(chunks[0]) <= MAX_CHARS
        ):
            # Timestamped lines without speakers every few seconds: short ones join the one before.
            pieces[-1] = Piece(text=previous.text + "\n\n" + chunks[0], speaker=None, time=previous.time)
            chunks = chunks[1:]
        for index, chunk in enumerate(chunks):
            pieces.append(Piece(text=chunk, speaker=turn.key, time=time if index == 0 else ""))
    return pieces
