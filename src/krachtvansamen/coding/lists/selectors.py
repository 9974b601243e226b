"""Reads for the lists: fragments with a code (and its sub-codes), the palet of co-occurring codes, and the
rows of their CSV/XLSX downloads.

Cheap by design: a handful of queries per page, whatever the number of codings. Codes are matched by their
stable key in every codebook version (codings keep pointing at the code rows of the version they were made
in), resolved once to code ids so that the database answers through the index on Coding(code, fragment).
Access is decided by the caller: it passes the neighbourhoods ``people.access`` allows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from itertools import combinations

from django.db import connections
from django.db.models import Q, QuerySet
from django.utils.translation import get_language

from krachtvansamen.coding.models import Coding, CodingState, Fragment, ProgrammeCode, QuoteReview
from krachtvansamen.coding.quotes.services import places_kept
from krachtvansamen.coding.selectors import QueueFilters, codings_counted, fragments_filtered
from krachtvansamen.framework.models import Code
from krachtvansamen.framework.selectors import codes_current
from krachtvansamen.neighbourhoods.models import Neighbourhood
from krachtvansamen.privacy.pseudonymise import pseudonymise
from krachtvansamen.privacy.selectors import QUOTABLE_LEVELS, quotable

PAGE_SIZE = 50


def _english() -> bool:
    return (get_language() or "nl").startswith("en")


def under(key: str) -> Q:
    """A code key and the keys of its sub-codes (``effect.individual`` → ``effect.individual.trust``)."""
    return Q(key=key) | Q(key__startswith=f"{key}.")


# --- the code and its sub-codes -------------------------------------------------------------------------


@dataclass(frozen=True)
class CodeInfo:
    key: str
    label: str
    definition: str
    depth: int
    is_user_defined: bool
    own_of: str = ""  # the programme whose own code it is
    level: int = 0  # depth below the code a list is about


@dataclass(frozen=True)
class CodeFamily:
    """A code with its sub-codes as the newest codebook that has it describes them, and the ids of the rows
    with these keys in every codebook version (what codings point at)."""

    code: CodeInfo
    sub_codes: tuple[CodeInfo, ...]
    ids: tuple[int, ...]
    in_current: bool


def code_family(*, key: str) -> CodeFamily | None:
    """The code ``key`` and everything under it; None if no codebook version has that key. Two queries."""
    rows = list(
        Code.objects.filter(under(key))
        .order_by("-codebook__is_current", "-codebook__loaded_at", "position")
        .values_list(
            "pk", "key", "codebook_id", "codebook__is_current", "depth", "is_user_defined",
            "label_nl", "label_en", "definition_nl", "definition_en",
        )
    )  # fmt: skip
    shown_in = next((row[2] for row in rows if row[1] == key), None)
    if shown_in is None:
        return None
    own = dict(
        ProgrammeCode.objects.filter(key__in={row[1] for row in rows if row[5]}).values_list(
            "key", "programme__name"
        )
    ) if any(row[5] for row in rows) else {}  # fmt: skip
    english = _english()
    infos = [
        CodeInfo(
            key=row[1],
            label=(row[7] if english and row[7] else row[6]),
            definition=(row[9] if english and row[9] else row[8]),
            depth=row[4],
            is_user_defined=row[5],
            own_of=own.get(row[1], ""),
        )
        for row in rows
        if row[2] == shown_in
    ]
    code = next(info for info in infos if info.key == key)
    return CodeFamily(
        code=code,
        sub_codes=tuple(replace(info, level=info.depth - code.depth) for info in infos if info.key != key),
        ids=tuple(row[0] for row in rows),
        in_current=any(row[3] for row in rows if row[1] == key),
    )


def code_ids_under(*, key: str) -> list[int]:
    return list(Code.objects.filter(under(key)).values_list("pk", flat=True))


# --- fragments with a code --------------------------------------------------------------------------------


def codings_base(*, all_codings: bool) -> QuerySet[Coding]:
    """What the lists look at: the counted codings (what analyses count), or every coding of every coder."""
    return Coding.objects.all() if all_codings else codings_counted()


def fragments_with_code(
    *,
    neighbourhoods: QuerySet[Neighbourhood],
    filters: QueueFilters,
    code_ids: Iterable[int],
    with_ids: Iterable[int] | None = None,
    all_codings: bool = False,
) -> QuerySet[Fragment]:
    """The fragments in these neighbourhoods carrying one of ``code_ids`` (and one of ``with_ids`` if given),
    newest year first, in the order they were said."""
    base = codings_base(all_codings=all_codings)
    fragments = Fragment.objects.filter(
        neighbourhood__in=neighbourhoods, pk__in=base.filter(code_id__in=list(code_ids)).values("fragment_id")
    )
    if with_ids is not None:
        fragments = fragments.filter(pk__in=base.filter(code_id__in=list(with_ids)).values("fragment_id"))
    return fragments_filtered(fragments, filters).order_by("-year", "source", "position", "pk")


@dataclass
class ListedCoding:
    key: str
    label: str
    coder: str
    start: int | None
    end: int | None
    settled: bool
    origin: str


@dataclass
class ListedFragment:
    pk: int
    text: str
    year: int
    instrument: str
    speaker_role: str
    pseudonym: str
    neighbourhood: str
    cbs_code: str
    consent_level: str
    quotable: bool = False
    codings: list[ListedCoding] = field(default_factory=list)

    @property
    def coders(self) -> list[str]:
        return sorted({coding.coder for coding in self.codings if coding.coder})

    @property
    def spans(self) -> list[tuple[int, int]]:
        """The coded parts, merged where they overlap; empty when a coding covers the whole fragment."""
        if any(coding.start is None for coding in self.codings):
            return []
        merged: list[tuple[int, int]] = []
        for start, end in sorted((c.start, c.end) for c in self.codings if c.start is not None and c.end):
            if merged and start <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], end))
            else:
                merged.append((start, end))
        return merged

    @property
    def pieces(self) -> list[tuple[str, bool]]:
        """The text in pieces, each with whether it is a coded part (to highlight)."""
        out: list[tuple[str, bool]] = []
        at = 0
        for start, end in self.spans:
            if start > at:
                out.append((self.text[at:start], False))
            out.append((self.text[start:end], True))
            at = end
        if at < len(self.text):
            out.append((self.text[at:], False))
        return out


def fragments_page(
    *, fragments: QuerySet[Fragment], code_ids: Iterable[int], all_codings: bool, page: int
) -> tuple[int, int, list[ListedFragment]]:
    """Page ``page`` (from 1; past the end: the last page) of ``fragments``, with their codings of
    ``code_ids`` and whether they may be quoted. Returns (number of fragments, the page, its fragments).

    Three queries whatever the page size: the ids of all the fragments in order (a list of numbers, cheaper
    than a count and a page apart), the page's codings with their fragments, and which may be quoted.
    """
    ordered = list(fragments.values_list("pk", flat=True))
    total = len(ordered)
    page = min(page, max(1, -(-total // PAGE_SIZE)))  # past the end: the last page
    on_page = ordered[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    return total, page, _listed(on_page, code_ids=list(code_ids), all_codings=all_codings)


def _listed(on_page: list[int], *, code_ids: list[int], all_codings: bool) -> list[ListedFragment]:
    if not on_page:
        return []
    english = _english()
    listed: dict[int, ListedFragment] = {}
    rows = (
        codings_base(all_codings=all_codings)
        .filter(fragment_id__in=on_page, code_id__in=code_ids)
        .order_by("fragment_id", "settled", "start", "pk")
        .values_list(
            "fragment_id", "code__key", "code__label_nl", "code__label_en", "coder__username", "start", "end",
            "settled", "origin", "fragment__text", "fragment__year", "fragment__instrument",
            "fragment__speaker_role", "fragment__speaker__pseudonym", "fragment__neighbourhood__name",
            "fragment__neighbourhood__cbs_code", "fragment__consent_level",
        )
    )  # fmt: skip
    for (
        fragment_id, key, label_nl, label_en, coder, start, end, settled, origin, text, year, instrument, role,
        pseudonym, neighbourhood, cbs_code, consent,
    ) in rows:  # fmt: skip
        fragment = listed.get(fragment_id)
        if fragment is None:
            fragment = listed[fragment_id] = ListedFragment(
                pk=fragment_id, text=text, year=year, instrument=instrument, speaker_role=role,
                pseudonym=pseudonym or "", neighbourhood=neighbourhood, cbs_code=cbs_code, consent_level=consent,
            )  # fmt: skip
        fragment.codings.append(
            ListedCoding(
                key=key, label=(label_en if english and label_en else label_nl), coder=coder or "",
                start=start, end=end, settled=settled, origin=origin,
            )
        )  # fmt: skip
    candidates = [pk for pk, f in listed.items() if f.consent_level in QUOTABLE_LEVELS]
    if candidates:  # no query when no fragment on the page was recorded as quotable at all
        for pk in quotable(Fragment.objects.filter(pk__in=candidates)).values_list("pk", flat=True):
            listed[pk].quotable = True
    return [listed[pk] for pk in on_page if pk in listed]


class _Pseudonymiser:
    """Each fragment's text pseudonymised once, however many codings it has."""

    def __init__(self) -> None:
        self._texts: dict[int, str] = {}

    def whole(self, fragment_id: int, text: str, approved_quote: str, places: tuple[str, str]) -> str:
        if fragment_id not in self._texts:
            self._texts[fragment_id] = approved_quote or pseudonymise(text, keep=places_kept(*places)).text
        return self._texts[fragment_id]

    def coded(self, part: str, places: tuple[str, str]) -> str:
        return pseudonymise(part, keep=places_kept(*places)).text


# --- downloads: one row per coding -------------------------------------------------------------------------

EXPORT_FIELDS = (
    "fragment_id", "cbs_code", "neighbourhood", "year", "instrument", "speaker_role", "speaker_pseudonym",
    "consent_level", "quotable", "code_key", "code_label", "own_code_programme", "coder", "origin", "settled",
    "counts_in_analyses", "start", "end", "coded_text", "fragment_text",
)  # fmt: skip


def _text(value: str | None) -> str:
    """Text for a spreadsheet cell: one that would start a formula gets a leading ' (see ``export``)."""
    if not value:
        return ""
    return f"'{value}" if value[0] in FORMULA_STARTS else value


FORMULA_STARTS = frozenset("=+-@\t\r")


def export_rows(
    *,
    fragments: QuerySet[Fragment],
    code_ids: Iterable[int],
    all_codings: bool,
    pseudonymised: bool = False,
) -> Iterator[tuple[object, ...]]:
    """Every coding of ``code_ids`` on ``fragments``, one row per coding (fields: ``EXPORT_FIELDS``), ready
    for a spreadsheet: text made formula-safe, yes/no as 1/0, nothing as "".

    ``pseudonymised``: for sharing outside the team. Every text as it may leave the team: an approved quote's
    reviewed words, any other text with names, addresses, phone numbers and e-mail addresses replaced
    (``privacy.pseudonymise``); a coded part pseudonymised on its own, its offsets left empty (they point into
    the words as said).

    Three queries: which fragments may be quoted, the programmes' own codes, and the codings themselves (read
    straight from the cursor: thousands of rows, no model conversions needed). Only pseudonyms, never names:
    a fragment's speaker is a pseudonymous person.
    """
    ids = list(code_ids)
    allowed = fragments.order_by().values("pk")
    quotable_ids = set(quotable(Fragment.objects.filter(pk__in=allowed)).values_list("pk", flat=True))
    own = {key: _text(name) for key, name in ProgrammeCode.objects.values_list("key", "programme__name")}
    english = _english()
    rows = (
        codings_base(all_codings=all_codings)
        .filter(code_id__in=ids, fragment_id__in=allowed)
        .order_by("-fragment__year", "fragment__source", "fragment__position", "fragment_id", "settled", "pk")
        .values_list(
            "fragment_id", "fragment__neighbourhood__cbs_code", "fragment__neighbourhood__name", "fragment__year",
            "fragment__instrument", "fragment__speaker_role", "fragment__speaker__pseudonym",
            "fragment__consent_level", "code__key", "code__label_en" if english else "code__label_nl",
            "code__label_nl", "coder__username", "origin", "settled", "fragment__coding_state", "start", "end",
            "fragment__text", "fragment__quote_review", "fragment__quote_text",
            "fragment__neighbourhood__municipality_name",
        )
    )  # fmt: skip
    sql, params = rows.query.sql_with_params()
    human, suggested = Coding.Origin.HUMAN.value, Coding.Origin.SUGGESTED.value
    approved = QuoteReview.APPROVED.value
    shared = _Pseudonymiser()
    settled_state = CodingState.SETTLED.value
    with connections[rows.db].cursor() as cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(2000):
            for (
                fragment_id, cbs_code, name, year, instrument, role, pseudonym, consent, key, label, label_nl,
                coder, origin, settled, state, start, end, text, quote_review, quote_text, municipality,
            ) in batch:  # fmt: skip
                by_a_person = origin == human or (origin == suggested and coder is not None)
                counts = by_a_person and (bool(settled) or state != settled_state)
                if pseudonymised:
                    places = (name, municipality)
                    coded = None if start is None else shared.coded(text[start:end], places)
                    text = shared.whole(
                        fragment_id, text, quote_text if quote_review == approved else "", places
                    )
                    if coded is not None:
                        start, end, text_of_span = None, None, coded
                    else:
                        text_of_span = text
                else:
                    text_of_span = text[start:end] if start is not None else text
                yield (
                    fragment_id, _text(cbs_code), _text(name), year, instrument, role, _text(pseudonym), consent,
                    int(fragment_id in quotable_ids), _text(key), _text(label or label_nl), own.get(key, ""),
                    _text(coder), origin, int(bool(settled)), int(counts), "" if start is None else start,
                    "" if end is None else end, _text(text_of_span), _text(text),
                )  # fmt: skip


# --- the palet: which codes occur together -----------------------------------------------------------------


@dataclass(frozen=True)
class PaletRow:
    key: str
    label: str
    number: int
    cells: tuple[int, ...]


@dataclass(frozen=True)
class Palet:
    group: str
    keys: tuple[str, ...]
    rows: tuple[PaletRow, ...]
    fragment_count: int  # fragments with at least one of the codes
    multi_count: int  # fragments with two or more


def palet_codes(*, group: str) -> list[tuple[str, str]]:
    """(key, label) of the codes a palet of ``group`` counts: the codebook's finest codes of the group (its
    leaves, not counting codes of one's own, which count for the code they were added under)."""
    english = _english()
    rows = list(
        codes_current()
        .filter(group=group, depth__gt=0, is_user_defined=False)
        .order_by("position")
        .values_list("key", "parent__key", "label_nl", "label_en")
    )
    parents = {parent for _key, parent, _nl, _en in rows}
    return [(key, (en if english and en else nl)) for key, _parent, nl, en in rows if key not in parents]


def palet_build(*, neighbourhoods: QuerySet[Neighbourhood], filters: QueueFilters, group: str) -> Palet:
    """Codes × codes: the number of fragments (counted codings) carrying both; the diagonal, the fragments
    with the code. Sub-codes (and codes of one's own) count for the code they sit under. Two queries."""
    codes = palet_codes(group=group)
    keys = tuple(key for key, _label in codes)
    fragments = fragments_filtered(Fragment.objects.filter(neighbourhood__in=neighbourhoods), filters)
    coded = (
        codings_counted()
        .filter(code__group=group, fragment_id__in=fragments.order_by().values("pk"))
        .values_list("fragment_id", "code__key")
        .distinct()
    )
    roll: dict[str, str | None] = {}

    def rollup(key: str) -> str | None:
        if key not in roll:
            roll[key] = next((k for k in keys if key == k or key.startswith(f"{k}.")), None)
        return roll[key]

    per_fragment: dict[int, set[str]] = defaultdict(set)
    for fragment_id, key in coded:
        target = rollup(key)
        if target is not None:
            per_fragment[fragment_id].add(target)
    index = {key: i for i, key in enumerate(keys)}
    counts = [[0] * len(keys) for _ in keys]
    for found in per_fragment.values():
        positions = sorted(index[key] for key in found)
        for i in positions:
            counts[i][i] += 1
        for i, j in combinations(positions, 2):
            counts[i][j] += 1
            counts[j][i] += 1
    rows = tuple(
        PaletRow(key=key, label=label, number=i + 1, cells=tuple(counts[i]))
        for i, (key, label) in enumerate(codes)
    )
    return Palet(
        group=group,
        keys=keys,
        rows=rows,
        fragment_count=len(per_fragment),
        multi_count=sum(1 for found in per_fragment.values() if len(found) > 1),
    )


def code_groups() -> list[tuple[str, str]]:
    """(key, label) of the current codebook's groups, in codebook order."""
    english = _english()
    return [
        (key, (en if english and en else nl))
        for key, nl, en in codes_current().filter(depth=0).order_by("position").values_list(
            "key", "label_nl", "label_en"
        )
    ]  # fmt: skip
