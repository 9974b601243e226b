"""Reads for the agreement page: the coders' passes and their own codings on a chosen set of fragments.

Only the neighbourhoods the caller passes (``people.access.neighbourhoods_for_user``) are read. A few
``values_list`` queries, whatever the number of fragments: no query per fragment or per coder.
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from krachtvansamen.coding.agreement.measures import AgreementInput
from krachtvansamen.coding.models import Coding, CodingPass, Fragment, ProgrammeCode
from krachtvansamen.coding.selectors import fragments_filtered
from krachtvansamen.framework.selectors import codes_current
from krachtvansamen.neighbourhoods.models import Neighbourhood, Programme


@dataclass(frozen=True)
class AgreementFilters:
    """Which fragments to compare on, and which codes (``group``: a codebook group such as ``abcd``)."""

    programme_id: int | None = None
    neighbourhood_id: int | None = None
    instrument: str = ""
    year: int | None = None
    speaker_role: str = ""
    group: str = ""


@dataclass(frozen=True)
class CoderCount:
    coder_id: int
    name: str
    passes: int  # fragments in the set this coder has been through


def fragments_for_agreement(
    *, neighbourhoods: QuerySet[Neighbourhood], filters: AgreementFilters
) -> QuerySet[Fragment]:
    return fragments_filtered(Fragment.objects.filter(neighbourhood__in=neighbourhoods), filters)


def _own_codings(*, fragments: QuerySet[Fragment], group: str) -> QuerySet[Coding]:
    """The coders' own codings (not the outcome of settling, not unconfirmed suggestions)."""
    codings = Coding.objects.filter(
        Coding.by_a_person(), fragment__in=fragments, settled=False, coder__isnull=False
    )
    return codings.filter(code__key__startswith=f"{group}.") if group else codings


def _passes(*, fragments: QuerySet[Fragment]) -> set[tuple[int, int]]:
    """(fragment, coder) for every pass; a coder who gave a code on a fragment has been through it too."""
    passes = set(CodingPass.objects.filter(fragment__in=fragments).values_list("fragment_id", "coder_id"))
    own = Coding.objects.filter(
        Coding.by_a_person(), fragment__in=fragments, settled=False, coder__isnull=False
    )
    passes.update((f, c) for f, c in own.values_list("fragment_id", "coder_id").distinct() if c is not None)
    return passes


def _name(user: object) -> str:
    full = getattr(user, "get_full_name", lambda: "")()
    return str(full or getattr(user, "username", ""))


def agreement_coders(
    *, neighbourhoods: QuerySet[Neighbourhood], filters: AgreementFilters
) -> tuple[list[CoderCount], list[int]]:
    """The coders with passes in the set (most passes first) and the two who share the most fragments
    (fewer if there are not two)."""
    passes = _passes(fragments=fragments_for_agreement(neighbourhoods=neighbourhoods, filters=filters))
    per_coder = Counter(coder for _fragment, coder in passes)
    users = {u.pk: u for u in get_user_model().objects.filter(pk__in=per_coder)}
    coders = sorted(
        (
            CoderCount(coder_id=pk, name=_name(users[pk]), passes=n)
            for pk, n in per_coder.items()
            if pk in users
        ),
        key=lambda c: (-c.passes, c.name.lower(), c.coder_id),
    )
    by_fragment: dict[int, list[int]] = defaultdict(list)
    for fragment, coder in passes:
        by_fragment[fragment].append(coder)
    shared: Counter[tuple[int, int]] = Counter()
    for fragment_coders in by_fragment.values():
        shared.update(itertools.combinations(sorted(fragment_coders), 2))
    if shared:
        (first, second), _n = min(shared.items(), key=lambda item: (-item[1], item[0]))
        return coders, [first, second]
    return coders, [c.coder_id for c in coders[:2]]


def agreement_input(
    *,
    neighbourhoods: QuerySet[Neighbourhood],
    filters: AgreementFilters,
    coder_ids: list[int],
) -> AgreementInput:
    """What ``measures.agreement_measure`` needs for these coders on the chosen fragments: their passes,
    the codes each gave, and the codes to compare (the group's codes in codebook order, then codes that
    were given but are no longer in the current codebook)."""
    fragments = fragments_for_agreement(neighbourhoods=neighbourhoods, filters=filters)
    passes = {(f, c) for f, c in _passes(fragments=fragments) if c in coder_ids}
    given: dict[tuple[int, int], set[str]] = {key: set() for key in passes}
    rows = _own_codings(fragments=fragments, group=filters.group).filter(coder_id__in=coder_ids)
    for fragment, coder, key in rows.values_list("fragment_id", "coder_id", "code__key"):
        given[(fragment, coder)].add(key)
    if filters.programme_id:
        programme_ids = {filters.programme_id}
    else:
        programme_ids = set(neighbourhoods.values_list("programme_id", flat=True).distinct())
    in_codebook = codes_to_compare(group=filters.group, programme_ids=programme_ids)
    used = {key for keys in given.values() for key in keys}
    codes = in_codebook + sorted(used - set(in_codebook))
    return AgreementInput(
        coders=tuple(coder_ids),
        fragments=tuple(sorted({fragment for fragment, _coder in passes})),
        given={key: frozenset(keys) for key, keys in given.items()},
        codes=tuple(codes),
    )


def codes_to_compare(*, group: str, programme_ids: set[int]) -> list[str]:
    """Keys of the current codebook's codes below the groups (of one group if given), in codebook order;
    of the programmes' own codes only those of ``programme_ids`` (the user's or the chosen programme)."""
    codes = codes_current().filter(depth__gt=0)
    if group:
        codes = codes.filter(group=group)
    others = ProgrammeCode.objects.exclude(programme_id__in=programme_ids).values("key")
    codes = codes.exclude(is_user_defined=True, key__in=others)
    return list(codes.order_by("position").values_list("key", flat=True))


def code_labels(*, keys: list[str]) -> dict[str, str]:
    """Key → label (in the current language) of the current codebook's codes; a key no longer there keeps
    its key as label."""
    labels = {code.key: code.label for code in codes_current().filter(key__in=keys)}
    return {key: labels.get(key, key) for key in keys}


def code_groups() -> list[tuple[str, str]]:
    """(key, label) of the current codebook's groups, in codebook order."""
    return [(code.key, code.label) for code in codes_current().filter(depth=0).order_by("position")]


def agreement_filter_choices(*, neighbourhoods: QuerySet[Neighbourhood]) -> dict[str, list]:
    """What the filters offer: only neighbourhoods (and their programmes, years) where someone has coded."""
    coded = neighbourhoods.filter(Q(fragments__passes__isnull=False)).distinct()
    programmes = Programme.objects.filter(pk__in=coded.values("programme_id")).order_by("name")
    years = (
        Fragment.objects.filter(neighbourhood__in=coded, passes__isnull=False)
        .values_list("year", flat=True)
        .distinct()
        .order_by("-year")
    )
    return {
        "neighbourhoods": list(coded.order_by("name").values_list("pk", "name")),
        "programmes": list(programmes.values_list("pk", "name")),
        "years": list(years),
    }
