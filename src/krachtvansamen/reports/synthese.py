"""The Programmasynthese: across the neighbourhoods of a programme the reader may see, between years, and
compared with the other programmes the reader may see.

The figures come from ``analysis.analyse_neighbourhoods`` (summaries per neighbourhood and the aggregate);
this module arranges them for reading and links every number to its evidence (``reports.links``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from krachtvansamen.analysis.aggregate import ProgrammeAggregate, StructureSummary
from krachtvansamen.analysis.figures import percent
from krachtvansamen.analysis.parallel import synthesis_workers
from krachtvansamen.analysis.services import analyse_neighbourhoods
from krachtvansamen.analysis.summary import NeighbourhoodSummary
from krachtvansamen.analysis.synthesis import ProgrammeAnalysis
from krachtvansamen.analysis.verandering import EffectRow
from krachtvansamen.analysis.years import check_year, data_years
from krachtvansamen.neighbourhoods.models import Neighbourhood, Programme
from krachtvansamen.neighbourhoods.years import years_up_to
from krachtvansamen.reports import charts
from krachtvansamen.reports.learning import LearningLog, learning_log
from krachtvansamen.reports.links import (
    Linker,
    Num,
    mean,
    neighbourhood_linker,
    pct,
    programme_linker,
)
from krachtvansamen.reports.pieces import (
    Chart,
    EffectTableRow,
    Figure,
    GapTable,
    PairRow,
    ValueLine,
    code_labels,
    effect_table,
    effects_chart,
    inclusion_tables,
    pair_rows,
    palette_chart,
    value_lines,
)
from krachtvansamen.reports.quotes import Quote, pick_quotes, quotes_for


@dataclass(frozen=True)
class SynthesisRow:
    summary: NeighbourhoodSummary
    href: str  # the neighbourhood's Buurtbeeld
    fragments: Num
    activities: Num
    resident_share: str
    relations: Num
    growth: str  # new ties that year ("" for none or the first year): ties recorded again are not growth
    new_ties: Num
    hindering: Num
    stacking: bool
    not_reached: list[str]
    risks: list[str]


@dataclass(frozen=True)
class GroupComparison:
    label: str
    neighbourhoods: Num
    fragments: str  # mean per neighbourhood
    activities: str
    resident_share: str
    relations: str
    new_ties: str
    stacking: Num
    risks: str


@dataclass(frozen=True)
class ProgrammeComparison:
    programme: Programme
    href: str
    neighbourhoods: int
    focus: int
    fragments: str
    activities: str
    resident_share: str
    relations: str
    stacking: str
    effects: str  # fragments with an effect per neighbourhood
    top_risk: str


@dataclass(frozen=True)
class YearRow:
    year: int
    fragments: Num
    activities: Num
    relations: Num
    new_ties: Num
    levels: list[Num]
    values: Num  # fragments with any value beyond counts


@dataclass(frozen=True)
class Synthese:
    programme: Programme
    year: int
    years: list[int]
    analysis: ProgrammeAnalysis
    total_in_programme: int
    partial: bool
    figures: list[Figure]
    rows: list[SynthesisRow]
    groups: list[GroupComparison]
    year_rows: list[YearRow]
    level_labels: list[str]
    trend_chart: Chart
    effects_chart: Chart
    effect_table: list[EffectTableRow]
    pairs: list[PairRow]
    palette_chart: Chart
    factor_rows: list[tuple[str, Num, Num, Num]]  # type, helps, hinders, neighbourhoods where it hinders
    factors_chart: Chart
    principle_rows: list[tuple[str, Num, Num, Num, Num, Num, str]]
    structure_rows: list[tuple[str, str, Num, Num, Num]]
    risk_rows: list[tuple[str, Num]]
    inclusion_tables: list[GapTable]
    vitality_rows: list[tuple[str, Num]]
    vitality_chart: Chart | None
    values: list[ValueLine]
    others: list[ProgrammeComparison]
    stories: list[tuple[str, list[Quote]]]  # per theme, the residents' own words (quotable only)
    learning: LearningLog | None = None  # the Pas-op-de-plaats "Wat doen we nu?" answers up to the year


# The themes of the stories section: a heading and the codes whose quotes tell it.
STORY_THEMES: tuple[tuple[Any, tuple[str, ...]], ...] = (
    (gettext_lazy("For residents themselves"), ("effect.individual",)),
    (gettext_lazy("Between people"), ("effect.social",)),
    (gettext_lazy("For the neighbourhood"), ("effect.neighbourhood",)),
    (gettext_lazy("What gets in the way"), ("factor.",)),
    (gettext_lazy("What it needs to last"), ("sustainability.",)),
)


def _stories(ids: Sequence[int], year: int) -> list[tuple[str, list[Quote]]]:
    """Two quotes per theme from the year, never the same words twice, never the speaker's pseudonym (the
    synthesis goes to funders too)."""
    quotes = quotes_for(neighbourhood_ids=ids, years=[year], show_speaker=False)
    used: set[int] = set()
    return [(str(title), pick_quotes(quotes, count=2, used=used, prefixes=prefixes, residents_first=True))
            for title, prefixes in STORY_THEMES]  # fmt: skip


def synthese_report(
    *,
    programme: Programme,
    neighbourhoods: Sequence[Neighbourhood],
    year: int,
    other_programmes: Sequence[tuple[Programme, Sequence[Neighbourhood]]] = (),
    site: str = "",
) -> Synthese:
    """Across the given neighbourhoods of a programme (those the reader may see), between years and with the
    other programmes the reader may see (raises ``NoDataForYear``)."""
    ids = [n.pk for n in neighbourhoods]
    years_with_data = data_years(neighbourhood_ids=ids)
    check_year(year=year, years=years_with_data)
    p = analyse_neighbourhoods(
        neighbourhood_ids=ids, years=years_up_to(up_to=year), workers=synthesis_workers(len(ids))
    )
    agg = p.aggregate
    link = programme_linker(slug=programme.slug, year=year, site=site)
    year_rows = _year_rows(agg, link)
    pairs = pair_rows(agg.palet, code_labels(), link)
    total = Neighbourhood.objects.filter(programme=programme).count()
    return Synthese(
        programme=programme, year=year, years=years_with_data, analysis=p, total_in_programme=total,
        partial=total > len(ids), figures=_figures(agg, link), rows=_rows(p, site), groups=_groups(p, link),
        year_rows=year_rows, level_labels=[level.label for level in agg.effects.levels],
        trend_chart=_trend_chart(year_rows),
        effects_chart=effects_chart(chart_id="p-effecten", effects=agg.effects, linker=link,
                                    title=_("Effects per year, all neighbourhoods together")),
        effect_table=effect_table(agg.effects, link), pairs=pairs,
        palette_chart=palette_chart(chart_id="p-palet", pairs=pairs,
                                    title=_("Palette: effects that occur together in %(year)s") % {"year": year}),
        factor_rows=[(f.label, link.count(f.helps, f"factor:{f.key}:helps"), link.count(f.hinders, f"factor:{f.key}:hinders"),
                      link.count(f.hindering.count, f"hindering:{f.key}")) for f in agg.factor_types],
        factors_chart=_factors_chart(agg, link), principle_rows=_principle_rows(agg, link),
        structure_rows=[_structure_row(st, link) for st in agg.structures],
        risk_rows=[(r.title, link.count(r.count, f"risk:{r.key}")) for r in agg.risks],
        inclusion_tables=inclusion_tables(agg.inclusion, link, "p-inclusie", link_unknown=False),
        vitality_rows=[(t.label, link.count(t.count, f"vitality:{t.key}")) for t in agg.vitality.themes],
        vitality_chart=_vitality_chart(agg, link), values=value_lines(agg.value, link),
        others=[_comparison(programme, p, href=""), *_others(other_programmes, year=year, site=site)],
        stories=_stories(ids, year),
        learning=learning_log(neighbourhood_ids=ids, years=[y for y in years_with_data if y <= year]),
    )  # fmt: skip


def _figures(agg: ProgrammeAggregate, link: Linker) -> list[Figure]:
    year = agg.year
    totals = {t.year: t for t in agg.year_totals}
    network = {n.year: n for n in agg.network}
    return [
        Figure(
            link.count(agg.neighbourhood_count, "neighbourhoods"),
            _("neighbourhoods"),
            _("of which %(focus)s focus neighbourhoods") % {"focus": agg.focus_count},
        ),
        Figure(
            link.count(totals[year].fragments if year in totals else 0, f"fragments:{year}"),
            _("fragments (stories and quotes)"),
        ),
        Figure(
            link.count(totals[year].activities if year in totals else 0, f"activities:{year}"),
            _("activities"),
            _("%(share)s started by residents") % {"share": pct(agg.leadership.resident_share)},
        ),
        Figure(
            link.count(network[year].relations if year in network else 0, f"relations:{year}"),
            _("relations recorded"),
            _("of which %(new)s new") % {"new": network[year].new_ties if year in network else 0},
        ),
        Figure(
            link.count(agg.stacking.count, "stacking"), _("neighbourhoods where hindering factors stack up")
        ),
        Figure(link.count(agg.inclusion.participants, "participants"), _("residents took part")),
    ]


def _rows(p: ProgrammeAnalysis, site: str) -> list[SynthesisRow]:
    """One row per neighbourhood, linked to its own evidence and Buurtbeeld."""
    year = p.year
    rows = []
    for s in p.summaries:
        n_link = neighbourhood_linker(cbs_code=s.neighbourhood.cbs_code, year=year, site=site)
        rows.append(SynthesisRow(
            summary=s, href=site + reverse("reports:buurtbeeld", args=[s.neighbourhood.cbs_code, year]),
            fragments=n_link.count(s.fragments, "fragments"), activities=n_link.count(s.leadership.total, "activities"),
            resident_share=pct(s.leadership.resident_share),
            relations=n_link.count(s.relations, f"relations:{year}"), growth=str(s.growth) if s.growth else "",
            new_ties=n_link.count(s.new_ties, f"new_ties:{year}"),
            hindering=n_link.count(s.factors.hindering_count, "stacking"), stacking=s.factors.stacking,
            not_reached=[g.label for g in s.inclusion.not_reached], risks=[r.title for r in s.risks],
        ))  # fmt: skip
    return rows


def _groups(p: ProgrammeAnalysis, link: Linker) -> list[GroupComparison]:
    """All neighbourhoods; and focus neighbourhoods against the others, when there are both."""

    def group(label: str, members: list[NeighbourhoodSummary], key: str) -> GroupComparison:
        return GroupComparison(
            label=label, neighbourhoods=link.count(len(members), key),
            fragments=mean([s.fragments for s in members]), activities=mean([s.leadership.total for s in members]),
            resident_share=pct(percent(sum(s.leadership.residents for s in members),
                                       sum(s.leadership.total for s in members))),
            relations=mean([s.relations for s in members]), new_ties=mean([s.new_ties for s in members]),
            stacking=link.count(sum(1 for s in members if s.factors.stacking), "stacking" if key == "neighbourhoods" else ""),
            risks=mean([len(s.risks) for s in members]),
        )  # fmt: skip

    focus = [s for s in p.summaries if s.neighbourhood.is_focus]
    others_in = [s for s in p.summaries if not s.neighbourhood.is_focus]
    groups = [group(_("all neighbourhoods"), list(p.summaries), "neighbourhoods")]
    if focus and others_in:
        groups += [
            group(_("focus neighbourhoods"), focus, "focus"),
            group(_("other neighbourhoods"), others_in, ""),
        ]
    return groups


def _year_rows(agg: ProgrammeAggregate, link: Linker) -> list[YearRow]:
    totals = {t.year: t for t in agg.year_totals}
    network = {n.year: n for n in agg.network}
    rows = []
    for y in agg.years:
        rows.append(YearRow(
            year=y, fragments=link.count(totals[y].fragments if y in totals else 0, f"fragments:{y}"),
            activities=link.count(totals[y].activities if y in totals else 0, f"activities:{y}"),
            relations=link.count(network[y].relations if y in network else 0, f"relations:{y}"),
            new_ties=link.count(network[y].new_ties if y in network else 0, f"new_ties:{y}"),
            levels=[link.count(_find_cell(level, y), f"effect:{level.key}:{y}") for level in agg.effects.levels],
            values=link.count(len(agg.value.fragment_ids(key="value", year=y)), f"value:value:{y}"),
        ))  # fmt: skip
    return rows


def _trend_chart(year_rows: Sequence[YearRow]) -> Chart:
    title = _("Per year: relations, new ties and activities")
    return Chart(charts.trend_chart(
        chart_id="p-trend", title=title,
        description="; ".join(f"{r.year}: {r.relations.text} {_('relations')}, {r.new_ties.text} {_('new ties')}, "
                              f"{r.activities.text} {_('activities')}" for r in year_rows),
        columns=[str(r.year) for r in year_rows],
        series=[charts.Series(_("relations"), [r.relations.value for r in year_rows], [r.relations.href for r in year_rows]),
                charts.Series(_("new ties"), [r.new_ties.value for r in year_rows], [r.new_ties.href for r in year_rows]),
                charts.Series(_("activities"), [r.activities.value for r in year_rows],
                              [r.activities.href for r in year_rows])],
    ), title)  # fmt: skip


def _factors_chart(agg: ProgrammeAggregate, link: Linker) -> Chart:
    title = _("Environment factors in %(year)s, all neighbourhoods together") % {"year": agg.year}
    return Chart(charts.balance_chart(
        chart_id="p-factoren", title=title,
        description="; ".join(f"{f.label}: {f.helps} {_('helps')}, {f.hinders} {_('hinders')}" for f in agg.factor_types),
        rows=[charts.BalanceRow(label=f.label, helps=f.helps, hinders=f.hinders, flagged=f.hinders > f.helps,
                                helps_href=link.href(f"factor:{f.key}:helps"),
                                hinders_href=link.href(f"factor:{f.key}:hinders")) for f in agg.factor_types],
        helps_label=_("helps"), hinders_label=_("hinders"),
        note=_("Stacking in %(count)s of %(total)s neighbourhoods.") % {"count": agg.stacking.count,
                                                                        "total": agg.neighbourhood_count},
    ), title)  # fmt: skip


def _principle_rows(agg: ProgrammeAggregate, link: Linker) -> list[tuple[str, Num, Num, Num, Num, Num, str]]:
    """Per principle: in how many neighbourhoods strong, medium, weak and — said as such, never as weak — too little
    data to judge."""
    return [
        (pr.label, link.count(pr.count("strong"), f"strength:{pr.key}:strong"),
         link.count(pr.count("medium"), f"strength:{pr.key}:medium"),
         link.count(pr.count("weak"), f"strength:{pr.key}:weak"),
         link.count(pr.count("unknown"), f"strength:{pr.key}:unknown"),
         link.count(pr.fragment_count, f"principle:{pr.key}:fragments"),
         number_format(pr.questionnaire_mean, 1) if pr.questionnaire_mean is not None else "—")
        for pr in agg.principles
    ]  # fmt: skip


def _vitality_chart(agg: ProgrammeAggregate, link: Linker) -> Chart | None:
    themes = agg.vitality.themes
    if not any(t.count for t in themes):
        return None
    title = _("What residents value in %(year)s (Wijkwaardenkaart conversations)") % {"year": agg.year}
    return Chart(charts.radar_chart(
        chart_id="p-vitaliteit", title=title,
        description="; ".join(f"{t.label}: {t.count}" for t in themes),
        axes=[t.label for t in themes],
        series=[charts.Series(str(agg.year), [t.count for t in themes],
                              [link.href(f"vitality:{t.key}") for t in themes])],
    ), title)  # fmt: skip


def _comparison(programme: Programme, p: ProgrammeAnalysis, *, href: str) -> ProgrammeComparison:
    """A programme's line in the comparison between programmes (``href``: its synthesis; empty for this one)."""
    agg, count = p.aggregate, p.aggregate.neighbourhood_count
    return ProgrammeComparison(
        programme=programme, href=href, neighbourhoods=count, focus=agg.focus_count,
        fragments=mean([s.fragments for s in p.summaries]), activities=mean([s.leadership.total for s in p.summaries]),
        resident_share=pct(agg.leadership.resident_share), relations=mean([s.relations for s in p.summaries]),
        stacking=pct(agg.stacking_share),
        effects=number_format(len(agg.palet.fragment_ids) / count, 1) if count else "—",
        top_risk=agg.risks[0].title if agg.risks else "—",
    )  # fmt: skip


def _others(
    other_programmes: Sequence[tuple[Programme, Sequence[Neighbourhood]]], *, year: int, site: str
) -> list[ProgrammeComparison]:
    """The other programmes, each analysed over the neighbourhoods of it the reader may see."""
    return [
        _comparison(
            other,
            analyse_neighbourhoods(neighbourhood_ids=[n.pk for n in members], years=years_up_to(up_to=year)),
            href=site + reverse("reports:synthese", args=[other.slug, year]),
        )
        for other, members in other_programmes
        if members
    ]


def _find_cell(row: EffectRow, year: int) -> int:
    return next((c.count for c in row.cells if c.year == year), 0)


def _structure_row(structure: StructureSummary, link: Linker) -> tuple[str, str, Num, Num, Num]:
    """A structure, its dimension, and in how many neighbourhoods it is present, partly present, absent."""

    def count(status: str) -> Num:
        found = next((s.count for s in structure.statuses if s.key == status), 0)
        return link.count(found, f"structure:{structure.key}:{status}")

    dimension = _("horizontal") if structure.dimension.endswith("horizontal") else _("vertical")
    return (structure.label, dimension, count("present"), count("partly"), count("absent"))
