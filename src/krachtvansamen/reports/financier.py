"""The Financiersrapport: one page for a funder about one neighbourhood and year — what changed beyond
counts, who is not reached yet, three quotes residents allowed and one about what is hard, and what the work
needs to last. A funder sees no raw data: only these figures, the fragments residents allowed to be quoted,
and counts of the rest (``reports.evidence``).

Every figure uses the definition the Buurtbeeld uses: participants from ``analysis.participants``, the value
rows from the effect codes (``analysis.value``), change between years only over the instruments used in both
years (``analysis.compare``), said in a sentence.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from krachtvansamen.analysis.duurzaamheid import FundingHorizon, Structures
from krachtvansamen.analysis.inclusion import Inclusion
from krachtvansamen.analysis.services import analyse_neighbourhood
from krachtvansamen.analysis.synthesis import NeighbourhoodAnalysis
from krachtvansamen.analysis.years import check_year, data_years
from krachtvansamen.assessments.models import FactorObservation
from krachtvansamen.instruments.models import SubmissionFragment
from krachtvansamen.neighbourhoods.models import Neighbourhood
from krachtvansamen.reports.links import Linker, Num, change_text, neighbourhood_linker, pct
from krachtvansamen.reports.pieces import VALUE_PLAIN
from krachtvansamen.reports.quotes import Quote, pick_quotes, quotes_for

LEVEL_PLAIN = {
    "effect.individual": gettext_lazy("change in people themselves (confidence, taking part, wellbeing)"),
    "effect.social": gettext_lazy("change in contacts between people"),
    "effect.neighbourhood": gettext_lazy("change in the neighbourhood as a whole"),
}
QUOTES = 2  # and one about what is hard: three on the page
QUOTE_MAX_LENGTH = 260  # short enough for one page


@dataclass(frozen=True)
class Need:
    title: str
    text: SafeString


@dataclass(frozen=True)
class ValueFigure:
    """One value row as the funder reads it: the year's fragments (from the effect codes) and the change."""

    key: str
    label: str
    plain: str
    num: Num  # fragments of the year
    change: str  # like with like (``Financier.value_comparison``); empty when not comparable


@dataclass(frozen=True)
class NotReached:
    """A group that takes part less than it lives in the neighbourhood, in words with its n."""

    label: str  # the group, e.g. "65 and older"
    dimension: str  # age group / origin / gender
    num: Num  # participants in the group
    known: int  # participants whose value in this dimension is known
    participant_share: str
    inhabitant_share: str


@dataclass(frozen=True)
class Financier:
    neighbourhood: Neighbourhood
    year: int
    years: list[int]
    previous_year: int | None
    funders: list[str]
    participants: Num  # residents who took part (``analysis.participants``): the Buurtbeeld's number
    attendances: Num  # bezoeken: activity participant counts added up, not people
    activities: Num
    resident_share: Num
    new_ties: Num
    meeting_places: Num
    values: list[ValueFigure]
    value_comparison: str  # which instruments the value changes compare, in a sentence
    levels: list[tuple[str, Num, str]]  # plain words, fragments this year, change (like with like)
    effects_comparison: str  # which instruments the level changes compare, in a sentence
    not_reached: list[NotReached]
    quotes: list[Quote]
    difficulty: Quote | None  # one quote about what hinders
    needs: list[Need]
    strong: list[str]  # horizontal structures in place


def financier_report(*, neighbourhood: Neighbourhood, year: int, site: str = "") -> Financier:
    """The one page for a funder: what changed beyond counts, three quotes, what it needs to last."""
    years = data_years(neighbourhood_ids=[neighbourhood.pk])
    check_year(year=year, years=years)
    a = analyse_neighbourhood(neighbourhood_id=neighbourhood.pk, year=year)
    link = neighbourhood_linker(cbs_code=neighbourhood.cbs_code, year=year, site=site)
    verandering, duurzaamheid, leadership = a.verandering, a.duurzaamheid, a.aanpak.leadership
    previous_year = a.years[-2] if len(a.years) > 1 else None
    levels = []
    for level in verandering.effects.levels:
        cell = level.cells[-1]
        levels.append((str(LEVEL_PLAIN.get(level.key, level.label)), link.count(cell.count, f"effect:{level.key}:{year}"),
                       change_text(cell.change)))  # fmt: skip
    effects_comparison = verandering.effects.comparison(year)
    value_comparison = a.value.comparison.sentence if a.value.comparison else ""
    effects_sentence = effects_comparison.sentence if effects_comparison else ""
    quotes, difficulty = _quotes(neighbourhood, a)
    return Financier(
        neighbourhood=neighbourhood, year=year, years=years, previous_year=previous_year,
        funders=sorted({line.funder_name for line in duurzaamheid.funding.lines}),
        participants=link.count(verandering.participants, "participants"),
        attendances=link.count(verandering.attendances, "activities:attendances"),
        activities=link.count(leadership.total, "activities"),
        resident_share=link.percent(leadership.resident_share, "activities:residents:share" if leadership.total else ""),
        new_ties=link.count(verandering.network_current.new_ties, f"new_ties:{year}"),
        meeting_places=link.count(a.aanpak.assets.meeting_place_count, "meeting_places"),
        values=value_figures(a, link),
        value_comparison=value_comparison, levels=levels,
        # Said once when both compare the same instruments (they do when all codings are of the year's rows).
        effects_comparison="" if effects_sentence == value_comparison else effects_sentence,
        not_reached=not_reached(verandering.inclusion, link),
        quotes=quotes, difficulty=difficulty, needs=needs_to_last(a, link),
        strong=[s.label for s in duurzaamheid.structures.horizontal if s.status == "present"],
    )  # fmt: skip


def value_figures(a: NeighbourhoodAnalysis, link: Linker) -> list[ValueFigure]:
    """The value rows of the year, from the effect codes (``analysis.value``), with the like-with-like change."""
    out = []
    for row in a.value.rows:
        cell = row.cells[-1]
        out.append(ValueFigure(
            key=row.key, label=row.label, plain=str(VALUE_PLAIN.get(row.key, "")),
            num=link.count(cell.count, f"value:{row.key}:{cell.year}", f"{row.label}, {cell.year}"),
            change=change_text(row.change),
        ))  # fmt: skip
    return out


def not_reached(inclusion: Inclusion, link: Linker) -> list[NotReached]:
    """The groups that take part less than they live in the neighbourhood (the inclusion analysis)."""
    out = []
    for dimension in inclusion.dimensions:
        for g in dimension.groups:
            if g.under_represented:
                out.append(NotReached(
                    label=g.label, dimension=dimension.label,
                    num=link.count(g.participants, f"group:{dimension.key}:{g.key}", g.label),
                    known=dimension.known, participant_share=pct(g.participant_share),
                    inhabitant_share=pct(g.inhabitant_share),
                ))  # fmt: skip
    return out


def hindering_fragment_ids(*, neighbourhood_id: int, years: list[int]) -> set[int]:
    """Fragments that say what hinders: recorded with a hindering environment factor, or answering a question
    asked as "what hinders"."""
    observed = FactorObservation.objects.filter(
        neighbourhood_id=neighbourhood_id,
        year__in=years,
        direction=FactorObservation.Direction.HINDERS,
        fragment__isnull=False,
    ).values_list("fragment_id", flat=True)
    answered = SubmissionFragment.objects.filter(
        fragment__neighbourhood_id=neighbourhood_id,
        fragment__year__in=years,
        stance=SubmissionFragment.Stance.HINDERS,
    ).values_list("fragment_id", flat=True)
    return {i for i in observed if i is not None} | set(answered)


def _quotes(neighbourhood: Neighbourhood, a: NeighbourhoodAnalysis) -> tuple[list[Quote], Quote | None]:
    """Residents' own words about what changed, short enough for one page, filled up from earlier years; and
    one about what is hard (coded with an environment factor, said as hindering), the year's first."""
    used: set[int] = set()
    this_year = quotes_for(neighbourhood_ids=[neighbourhood.pk], years=[a.year], show_speaker=False)
    all_years = quotes_for(neighbourhood_ids=[neighbourhood.pk], years=list(a.years), show_speaker=False)
    hindering = hindering_fragment_ids(neighbourhood_id=neighbourhood.pk, years=list(a.years))
    difficulty = None
    for pool, prefixes in ((this_year, ("factor.",)), (all_years, ("factor.",)), (all_years, ())):
        found = pick_quotes(pool, count=1, used=used, prefixes=prefixes, among=hindering,
                            max_length=QUOTE_MAX_LENGTH, residents_first=True)  # fmt: skip
        if found:
            difficulty = found[0]
            break
    quotes = pick_quotes(
        this_year, count=QUOTES, used=used, max_length=QUOTE_MAX_LENGTH, residents_first=True
    )
    if len(quotes) < QUOTES:
        quotes += pick_quotes(
            all_years,
            count=QUOTES - len(quotes),
            used=used,
            max_length=QUOTE_MAX_LENGTH,
            residents_first=True,
        )
    return quotes, difficulty


def needs_to_last(a: NeighbourhoodAnalysis, link: Linker) -> list[Need]:
    """What the work needs to last, in plain words, from the funding horizon, the structures and the risk
    signals (the one-pager: multi-year funding, funding for the connecting work, support that fits)."""
    d = a.duurzaamheid
    needs = [_funding_need(d.funding, a.year, link)]
    support = _support_need(d.structures, link)
    if support is not None:
        needs.append(support)
    plain = _risk_words()
    for risk in d.risks:
        if risk.key in plain:
            needs.append(
                Need(
                    risk.title,
                    format_html(
                        "{} ({})", plain[risk.key], link.count(len(risk.evidence_ids), f"risk:{risk.key}")
                    ),
                )
            )
    return needs


def _funding_need(funding: FundingHorizon, year: int, link: Linker) -> Need:
    if funding.horizon_years is None:
        return Need(
            _("Multi-year funding"),
            format_html(
                _(
                    "No funding is recorded for {year} or later ({n}). Multi-year support helps to hold on to what is "
                    "growing."
                ),
                year=year,
                n=link.count(0, "funding"),
            ),
        )
    if funding.horizon_years <= 1:
        return Need(
            _("Multi-year funding"),
            format_html(
                _(
                    "The funding ({n}) stops in {last}. Relations and trust take years: multi-year support helps to hold "
                    "on to what is growing."
                ),
                n=link.count(len(funding.lines), "funding"),
                last=funding.last_year,
            ),
        )
    return Need(
        _("Funding"),
        format_html(
            _("The funding ({n}) runs until {last}. Agree in time what comes after."),
            n=link.count(len(funding.lines), "funding"),
            last=funding.last_year,
        ),
    )


def _support_need(structures: Structures, link: Linker) -> Need | None:
    missing = [s.label for s in structures.vertical if s.status in ("absent", "partly")]
    if not missing:
        return None
    return Need(
        _("Support from municipality and organisations"),
        format_html(
            _("Not (fully) in place yet: {missing} ({n} assessed)."),
            missing=", ".join(missing).lower(),
            n=link.count(len(structures.assessment_ids), "structures"),
        ),
    )


def _risk_words() -> dict[str, str]:
    """What a funder can do about each risk signal, in plain words (translated when asked)."""
    return {
        "factors_stack": _(
            "Several kinds of factors work against the neighbourhood at the same time. Help to "
            "remove what hinders, such as rules and procedures."
        ),
        "community_builder_changed": _(
            "Another community builder started. Steady support keeps the connecting work going."
        ),
        "no_community_builder": _(
            "No community builder was active this year. Fund the connecting work behind the activities."
        ),
        "professional_led": _(
            "Professionals organise most activities. Give residents room to organise things themselves."
        ),
        "roles_concentrated": _(
            "A small group of residents carries most of the work. Support for training and "
            "guidance helps more people to join in."
        ),
        "no_vertical_structure": _("No support from policy, funding or procedures is fully in place yet."),
    }
