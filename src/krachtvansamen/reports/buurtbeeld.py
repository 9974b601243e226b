"""The Buurtbeeld: one neighbourhood and year, several pages, for those who see the neighbourhood's raw data.

The figures come from ``analysis.analyse_neighbourhood``; this module arranges them for reading, links every
number to its evidence (``reports.links``) and picks the quotes (``reports.quotes``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from krachtvansamen.analysis.aanpak import AanpakResult, FactorBalance, PrincipleStrength
from krachtvansamen.analysis.duurzaamheid import ContinuityYear, FundingLine, StructureStatus
from krachtvansamen.analysis.network import RoleConcentration
from krachtvansamen.analysis.parameters import DEFAULT_PARAMETERS, AnalysisParameters
from krachtvansamen.analysis.services import analyse_neighbourhood
from krachtvansamen.analysis.synthesis import NeighbourhoodAnalysis
from krachtvansamen.analysis.verandering import VeranderingResult
from krachtvansamen.analysis.years import check_year, data_years
from krachtvansamen.coding.models import Fragment
from krachtvansamen.neighbourhoods.models import CbsRecord, Neighbourhood
from krachtvansamen.neighbourhoods.selectors import CbsFigures, cbs_figures_from_record
from krachtvansamen.network.models import Relation
from krachtvansamen.network.selectors import KIND_PLAIN, network_for_year
from krachtvansamen.network.svg import EDGE_STYLE, network_svg
from krachtvansamen.reports import charts
from krachtvansamen.reports.findings import Findings, findings
from krachtvansamen.reports.learning import LearningLog, learning_log
from krachtvansamen.reports.links import Linker, Num, neighbourhood_linker, pct
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
class PrincipleRow:
    """One ABCD principle as the Buurtbeeld shows it: the verdict, and the n behind each source."""

    label: str
    strength: str  # strong / medium / weak / unknown (too little data)
    words: str
    mean: Num  # the questionnaire mean, linked; "—" without answers
    answers: int  # n of the mean
    enough_answers: bool  # False: the mean is shown with its n, but too few answers to count
    fragments: Num


@dataclass(frozen=True)
class Buurtbeeld:
    neighbourhood: Neighbourhood
    year: int
    findings: Findings  # "In het kort" and "Wat we (nog) niet weten"
    years: list[int]
    analysis: NeighbourhoodAnalysis
    figures: list[Figure]
    cbs: CbsFigures | None
    cbs_population: Num
    vitality_rows: list[tuple[str, Num, Num, Num, Num]]  # theme, all years, this year, helps, hinders
    vitality_chart: Chart | None
    conversations: Num
    principles: list[PrincipleRow]
    leadership: list[tuple[str, Num, str]]  # who, count, share
    asset_rows: list[tuple[str, Num, str]]
    assets_chart: Chart
    talent_share: str
    place_share: str
    factor_rows: list[
        tuple[str, Num, Num, str, bool]
    ]  # type, helps, hinders, balance words, has a hindering factor (stacking counts these)
    factors_chart: Chart
    stacking: bool
    stacking_num: Num
    effects_chart: Chart
    effect_table: list[EffectTableRow]
    pairs: list[PairRow]
    palette_chart: Chart
    palet_fragments: Num
    palet_multi: Num
    network_svg: SafeString
    network_svg_print: SafeString  # the same picture, styled for WeasyPrint
    network_legend: SafeString
    network_years: list[tuple[int, Num, Num, str]]  # year, relations, new ties, ties recorded again
    network_chart: Chart
    capital_rows: list[tuple[str, Num, str]]
    hook_rows: list[tuple[str, Num]]
    concentration: RoleConcentration
    roles_top: Num
    inclusion_tables: list[GapTable]
    participants: Num
    horizontal: list[tuple[str, str, Num]]
    vertical: list[tuple[str, str, Num]]
    structures_present: tuple[Num, int, Num, int]  # horizontal present, of how many, vertical present, of
    funding_lines: list[FundingLine]
    funding_num: Num
    continuity: list[ContinuityYear]
    risks: list[tuple[str, str, Num]]
    values: list[ValueLine]
    values_chart: Chart
    quotes: dict[str, list[Quote]] = field(default_factory=dict)
    parameters: AnalysisParameters = DEFAULT_PARAMETERS  # the thresholds the reading guide explains
    learning: LearningLog | None = None  # the Pas-op-de-plaats "Wat doen we nu?" answers up to the year


def buurtbeeld_report(*, neighbourhood: Neighbourhood, year: int, site: str = "") -> Buurtbeeld:
    """Everything the Buurtbeeld shows, for one neighbourhood and year (raises ``NoDataForYear``)."""
    years = data_years(neighbourhood_ids=[neighbourhood.pk])
    check_year(year=year, years=years)
    a = analyse_neighbourhood(neighbourhood_id=neighbourhood.pk, year=year)
    link = neighbourhood_linker(cbs_code=neighbourhood.cbs_code, year=year, site=site)
    aanpak, verandering, duurzaamheid = a.aanpak, a.verandering, a.duurzaamheid
    network_now = verandering.network_current
    inclusion = verandering.inclusion
    record = CbsRecord.objects.filter(pk=inclusion.cbs_record_id).first() if inclusion.cbs_record_id else None
    labels = code_labels()
    vitality_rows, vitality_chart = _vitality(verandering, link)
    asset_rows, assets_chart = _assets(aanpak, link)
    factor_rows, factors_chart = _factors(aanpak.factors, link, year)
    pairs = pair_rows(verandering.palet, labels, link)
    network = _Network.of(neighbourhood, verandering, link)
    structures = duurzaamheid.structures
    values, values_chart = _values(a, link)
    return Buurtbeeld(
        neighbourhood=neighbourhood, year=year, findings=findings(a), years=years, analysis=a,
        figures=_figures(a, link),
        cbs=cbs_figures_from_record(record=record) if record else None,
        cbs_population=link.count(record.population if record else None, "cbs"),
        vitality_rows=vitality_rows, vitality_chart=vitality_chart,
        conversations=link.count(verandering.vitality.conversation_fragments, "conversations"),
        principles=[_principle_row(p, link) for p in aanpak.principles],
        leadership=_leadership(aanpak, link), asset_rows=asset_rows, assets_chart=assets_chart,
        talent_share=pct(aanpak.assets.talent_share), place_share=pct(aanpak.assets.place_share),
        factor_rows=factor_rows, factors_chart=factors_chart, stacking=aanpak.factors.stacking,
        stacking_num=link.count(aanpak.factors.hindering_count, "stacking"),
        effects_chart=effects_chart(chart_id="n-effecten", effects=verandering.effects, linker=link,
                                    title=_("Effects per year (heat map)")),
        effect_table=effect_table(verandering.effects, link), pairs=pairs,
        palette_chart=palette_chart(chart_id="n-palet", pairs=pairs,
                                    title=_("Palette: effects that occur together in %(year)s") % {"year": year}),
        palet_fragments=link.count(verandering.palet.fragment_count, "palet"),
        palet_multi=link.count(verandering.palet.multi_effect_count, "palet:multi"),
        network_svg=network.picture, network_svg_print=charts.with_print_style(network.picture),
        network_legend=network.legend, network_years=network.years, network_chart=network.chart,
        capital_rows=network.capital_rows, hook_rows=network.hook_rows, concentration=network_now.concentration,
        roles_top=link.count(network_now.concentration.top_count, "roles_top"),
        inclusion_tables=inclusion_tables(inclusion, link, "n-inclusie", link_unknown=True),
        participants=link.count(inclusion.participants, "participants"),
        horizontal=[(s.label, s.status, _status_num(link, s)) for s in structures.horizontal],
        vertical=[(s.label, s.status, _status_num(link, s)) for s in structures.vertical],
        structures_present=(link.count(structures.horizontal_present, "structures:horizontal"), len(structures.horizontal),
                            link.count(structures.vertical_present, "structures:vertical"), len(structures.vertical)),
        funding_lines=list(duurzaamheid.funding.lines), funding_num=link.count(len(duurzaamheid.funding.lines), "funding"),
        continuity=list(duurzaamheid.continuity),
        risks=[(r.title, str(r.message), link.count(len(r.evidence_ids), f"risk:{r.key}")) for r in duurzaamheid.risks],
        values=values, values_chart=values_chart, quotes=_quotes(neighbourhood, a),
        learning=learning_log(neighbourhood_ids=[neighbourhood.pk], years=[y for y in years if y <= year]),
    )  # fmt: skip


def _principle_row(p: PrincipleStrength, link: Linker) -> PrincipleRow:
    return PrincipleRow(
        label=p.label,
        strength=p.strength,
        words=p.strength_label,
        mean=link.decimal(p.questionnaire_mean, f"principle:{p.key}:answers"),
        answers=p.questionnaire_count,
        enough_answers=p.questionnaire_counts,
        fragments=link.count(p.fragment_count, f"principle:{p.key}:fragments"),
    )


def _figures(a: NeighbourhoodAnalysis, link: Linker) -> list[Figure]:
    leadership = a.aanpak.leadership
    network_now = a.verandering.network_current
    return [
        Figure(link.count(a.verandering.inclusion.participants, "participants"), _("residents took part")),
        Figure(
            link.count(leadership.total, "activities"),
            _("activities"),
            _("%(share)s started by residents") % {"share": pct(leadership.resident_share)}
            if leadership.total
            else "",
        ),
        Figure(
            link.count(network_now.relations, f"relations:{a.year}"),
            _("relations recorded"),
            _("of which %(new)s new") % {"new": network_now.new_ties},
        ),
        Figure(link.count(_fragment_total(a), "fragments"), _("fragments (stories and quotes)")),
        Figure(link.count(a.aanpak.assets.meeting_place_count, "meeting_places"), _("meeting places")),
    ]


def _fragment_total(a: NeighbourhoodAnalysis) -> int:
    return Fragment.objects.filter(neighbourhood_id=a.neighbourhood.neighbourhood_id, year=a.year).count()


def _vitality(
    verandering: VeranderingResult, link: Linker
) -> tuple[list[tuple[str, Num, Num, Num, Num]], Chart | None]:
    """The praatplaat over every conversation up to the year, next to the year itself."""
    profile_all, profile_year = verandering.vitality_all_years, verandering.vitality
    rows = []
    for t_all, t_year in zip(profile_all.themes, profile_year.themes, strict=True):
        rows.append(
            (
                t_all.label,
                link.count(t_all.count, f"vitality:{t_all.key}:all"),
                link.count(t_year.count, f"vitality:{t_year.key}:year"),
                link.count(t_all.helps, f"vitality:{t_all.key}:all:helps"),
                link.count(t_all.hinders, f"vitality:{t_all.key}:all:hinders"),
            )
        )
    if not any(t.count for t in profile_all.themes):
        return rows, None
    title = _("What residents value: themes in the Wijkwaardenkaart conversations")
    # A year next to the year before (never the all-years total over one year: that always looks like a decline).
    previous = verandering.vitality_previous
    description = "; ".join(f"{t.label}: {t.count}" for t in profile_year.themes)
    series = [charts.Series(str(verandering.year), [t.count for t in profile_year.themes],
                            [link.href(f"vitality:{t.key}:year") for t in profile_year.themes])]  # fmt: skip
    if previous is not None and any(t.count for t in previous.themes):
        before = previous.years[-1] if previous.years else verandering.year - 1
        series.insert(0, charts.Series(str(before), [t.count for t in previous.themes]))
        description += " — " + "; ".join(f"{before}, {t.label}: {t.count}" for t in previous.themes)
    chart = Chart(charts.radar_chart(
        chart_id="n-vitaliteit", title=title, description=description,
        axes=[t.label for t in profile_year.themes], series=series,
    ), title)  # fmt: skip
    return rows, chart


def _leadership(aanpak: AanpakResult, link: Linker) -> list[tuple[str, Num, str]]:
    leadership = aanpak.leadership
    return [
        (
            _("residents"),
            link.count(leadership.residents, "activities:residents"),
            pct(leadership.resident_share),
        ),
        (
            _("residents and professionals together"),
            link.count(leadership.together, "activities:together"),
            pct(leadership.together_share),
        ),
        (
            _("professionals"),
            link.count(leadership.professionals, "activities:professionals"),
            pct(leadership.professional_share),
        ),
    ]


def _assets(aanpak: AanpakResult, link: Linker) -> tuple[list[tuple[str, Num, str]], Chart]:
    categories = aanpak.assets.categories
    rows = [(c.label, link.count(c.count, f"assets:{c.category}"), pct(c.share)) for c in categories]
    title = _("Assets by kind, up to %(year)s") % {"year": aanpak.year}
    chart = Chart(charts.bar_chart(
        chart_id="n-krachten", title=title,
        description="; ".join(f"{c.label}: {c.count}" for c in categories),
        bars=[charts.Bar(label=c.label, value=c.count, href=link.href(f"assets:{c.category}")) for c in categories],
    ), title)  # fmt: skip
    return rows, chart


def _factors(
    factors: FactorBalance, link: Linker, year: int
) -> tuple[list[tuple[str, Num, Num, str, bool]], Chart]:
    rows = [(t.label, link.count(t.helps, f"factor:{t.key}:helps"), link.count(t.hinders, f"factor:{t.key}:hinders"),
             t.balance_label, t.is_hindering) for t in factors.types]  # fmt: skip
    stacking_note = (_("Stacking: %(count)s of %(total)s types have hindering factors.") % {"count": factors.hindering_count,
                                                                           "total": len(factors.types)}
                     if factors.stacking else "")  # fmt: skip
    title = _("Environment factors in %(year)s: what helps and what hinders") % {"year": year}
    chart = Chart(charts.balance_chart(
        chart_id="n-factoren", title=title,
        description="; ".join(f"{t.label}: {t.helps} {_('helps')}, {t.hinders} {_('hinders')}" for t in factors.types),
        rows=[charts.BalanceRow(label=t.label, helps=t.helps, hinders=t.hinders, flagged=t.is_hindering,
                                helps_href=link.href(f"factor:{t.key}:helps"),
                                hinders_href=link.href(f"factor:{t.key}:hinders")) for t in factors.types],
        helps_label=_("helps"), hinders_label=_("hinders"), note=stacking_note,
    ), title)  # fmt: skip
    return rows, chart


@dataclass(frozen=True)
class _Network:
    """The network section: the picture of the year, its legend, the trend and the tables."""

    picture: SafeString
    legend: SafeString
    years: list[tuple[int, Num, Num, str]]
    chart: Chart
    capital_rows: list[tuple[str, Num, str]]
    hook_rows: list[tuple[str, Num]]

    @classmethod
    def of(cls, neighbourhood: Neighbourhood, verandering: VeranderingResult, link: Linker) -> _Network:
        year, network_years = verandering.year, verandering.network
        network_now = verandering.network_current
        legend = charts.network_legend(
            [
                (str(KIND_PLAIN[Relation.CapitalType(key)]).capitalize(), colour, dash)
                for key, (colour, dash) in EDGE_STYLE.items()
            ],
            new_label=_("thick: new in %(year)s") % {"year": year},
            old_label=_("light: known from earlier years"),
            person_label=_("circle: a person (filled: connector or community builder)"),
            organisation_label=_("square: an organisation"),
        )
        picture = network_svg(
            network_for_year(neighbourhood=neighbourhood, year=year),
            title_id="n-netwerk-titel",
            desc_id="n-netwerk-beschrijving",
        )
        # Growth is new ties only: a tie recorded again (each year's relations are noted anew) is not growth.
        rows = [(n.year, link.count(n.relations, f"relations:{n.year}"), link.count(n.new_ties, f"new_ties:{n.year}"),
                 str(n.recorded_again)) for n in network_years]  # fmt: skip
        title = _("Relations and new ties per year")
        chart = Chart(charts.trend_chart(
            chart_id="n-netwerk-trend", title=title,
            description="; ".join(f"{n.year}: {n.relations} {_('relations')}, {n.new_ties} {_('new ties')}"
                                  for n in network_years),
            columns=[str(n.year) for n in network_years],
            series=[charts.Series(_("relations"), [n.relations for n in network_years],
                                  [link.href(f"relations:{n.year}") for n in network_years]),
                    charts.Series(_("new ties"), [n.new_ties for n in network_years],
                                  [link.href(f"new_ties:{n.year}") for n in network_years])],
        ), title)  # fmt: skip
        capital_rows = [(c.label, link.count(c.count, f"capital:{c.capital_type}:{year}"), pct(c.share))
                        for c in network_now.capital]  # fmt: skip
        hook_words = {"activity": _("an activity"), "place": _("a meeting place"), "person": _("a person"),
                      "none": _("nothing recorded")}  # fmt: skip
        hook_rows = [(hook_words[h.kind], link.count(h.count, f"hook:{h.kind}")) for h in network_now.hooks]
        return cls(picture, legend, rows, chart, capital_rows, hook_rows)


def _status_num(link: Linker, structure: StructureStatus) -> Num:
    """A structure's status as text, linked to its assessment when there is one."""
    if structure.assessment_id is None:
        return Num(None, structure.status_label)
    return Num(1, structure.status_label, link.href(f"structure:{structure.key}"))


def _values(a: NeighbourhoodAnalysis, link: Linker) -> tuple[list[ValueLine], Chart]:
    values = value_lines(a.value, link)
    title = _("Value beyond counts, per year")
    chart = Chart(charts.trend_chart(
        chart_id="n-waarde", title=title,
        description="; ".join(f"{v.label}: " + ", ".join(f"{y} {c}" for y, c in zip(a.years, v.counts, strict=True))
                              for v in values),
        columns=[str(y) for y in a.years],
        series=[charts.Series(v.label, list(v.counts), [n.href for n in v.nums]) for v in values],
    ), title)  # fmt: skip
    return values, chart


def _quotes(neighbourhood: Neighbourhood, a: NeighbourhoodAnalysis) -> dict[str, list[Quote]]:
    """Quotes per section, none used twice: the year's, and earlier years' where a section looks back."""
    quotes = quotes_for(neighbourhood_ids=[neighbourhood.pk], years=[a.year], show_speaker=True)
    earlier = quotes_for(neighbourhood_ids=[neighbourhood.pk], years=list(a.years), show_speaker=True)
    used: set[int] = set()
    vitality_ids = {i for t in a.verandering.vitality_all_years.themes for i in t.fragment_ids}
    picked = {
        "values": pick_quotes(earlier, count=2, used=used, among=vitality_ids, residents_first=True),
        "effects": pick_quotes(quotes, count=2, used=used, prefixes=("effect.", "value.")),
        "factors": pick_quotes(quotes, count=1, used=used, prefixes=("factor.", "abcd.")),
        "network": pick_quotes(
            quotes, count=1, used=used, prefixes=("effect.social", "capital.", "value.contact")
        ),
        "sustainability": pick_quotes(earlier, count=1, used=used, prefixes=("sustainability.",)),
    }
    picked["words"] = pick_quotes(quotes, count=4, used=used, residents_first=True)
    return picked
