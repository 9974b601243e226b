"""Reads for the reports: who may open which report, the years with data, quotable quotes, the value beyond
counts, and the three reports themselves (Buurtbeeld, Financiersrapport, Programmasynthese).

The figures come from ``krachtvansamen.analysis``; this module arranges them for reading and gives every
number a link to its evidence (``reports.evidence``). Charts are drawn by ``reports.charts``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Self
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from krachtvansamen.analysis.services import analyse_neighbourhood, analyse_neighbourhoods, analysis_years
from krachtvansamen.analysis.synthesis import NeighbourhoodAnalysis, NeighbourhoodSummary, ProgrammeAnalysis
from krachtvansamen.coding.models import Coding, Fragment, Instrument, SpeakerRole
from krachtvansamen.neighbourhoods.models import CbsRecord, Neighbourhood, Programme
from krachtvansamen.people.access import neighbourhoods_for_user, neighbourhoods_funded_by_user, user_roles
from krachtvansamen.people.models import Role
from krachtvansamen.privacy.selectors import quotable
from krachtvansamen.reports import charts
from krachtvansamen.reports.evidence import value_fragment_ids

VALUE_KEYS = ("value.contact", "value.trust", "value.initiative", "value.cooperation", "value.ownership")
# Plain words (B1) for the value beyond counts, as a funder reads them.
VALUE_PLAIN = {
    "value.contact": gettext_lazy("Residents have more contact with each other."),
    "value.trust": gettext_lazy("There is more trust: between residents, and in organisations."),
    "value.initiative": gettext_lazy("Residents start things themselves more often."),
    "value.cooperation": gettext_lazy("Residents and organisations work together better."),
    "value.ownership": gettext_lazy("Residents feel the neighbourhood is theirs, and take charge."),
}
LEVEL_PLAIN = {
    "effect.individual": gettext_lazy("change in people themselves (confidence, taking part, wellbeing)"),
    "effect.social": gettext_lazy("change in contacts between people"),
    "effect.neighbourhood": gettext_lazy("change in the neighbourhood as a whole"),
}


# --- Access --------------------------------------------------------------------------------------------------


def _neighbourhood(cbs_code: str) -> Neighbourhood:
    try:
        return Neighbourhood.objects.select_related("programme").get(cbs_code=cbs_code)
    except Neighbourhood.DoesNotExist:
        raise Http404(_("This neighbourhood does not exist.")) from None


def user_sees_data(*, user: Any, neighbourhood: Neighbourhood) -> bool:
    return neighbourhoods_for_user(user=user).filter(pk=neighbourhood.pk).exists()


def user_funds(*, user: Any, neighbourhood: Neighbourhood) -> bool:
    return neighbourhoods_funded_by_user(user=user).filter(pk=neighbourhood.pk).exists()


def _funder_refusal(user: Any) -> str:
    if Role.FUNDER in user_roles(user=user):
        return _(
            "As a funder you can only open the funder report of the neighbourhoods your organisation funds."
        )
    return _("You do not have access to this neighbourhood.")


def report_neighbourhood_for_user(*, user: Any, cbs_code: str, report: str) -> tuple[Neighbourhood, bool]:
    """The neighbourhood of a report the user may open, and whether the user sees its raw data.

    The Buurtbeeld needs raw-data access; the Financiersrapport is also open to the neighbourhood's funders.
    404 for an unknown code, 403 (with a Dutch message) otherwise.
    """
    neighbourhood = _neighbourhood(cbs_code)
    if user_sees_data(user=user, neighbourhood=neighbourhood):
        return neighbourhood, True
    if report == "financier" and user_funds(user=user, neighbourhood=neighbourhood):
        return neighbourhood, False
    raise PermissionDenied(_funder_refusal(user))


def report_programme_for_user(*, user: Any, slug: str) -> tuple[Programme, list[Neighbourhood]]:
    """The programme and the neighbourhoods of it whose raw data the user may see (at least one, else 403)."""
    programme = Programme.objects.filter(slug=slug).first()
    if programme is None:
        raise Http404(_("This programme does not exist."))
    neighbourhoods = list(neighbourhoods_for_user(user=user).filter(programme=programme).order_by("pk"))
    if not neighbourhoods:
        if Role.FUNDER in user_roles(user=user):
            raise PermissionDenied(
                _(
                    "As a funder you can only open the funder report of the neighbourhoods "
                    "your organisation funds."
                )
            )
        raise PermissionDenied(_("You do not have access to the neighbourhoods of this programme."))
    return programme, neighbourhoods


def programmes_with_data_for_user(*, user: Any) -> list[Programme]:
    """Programmes with at least one neighbourhood whose raw data the user may see (their syntheses)."""
    return list(Programme.objects.filter(
        pk__in=neighbourhoods_for_user(user=user).values("programme_id")).order_by("name"))  # fmt: skip


# --- Years ---------------------------------------------------------------------------------------------------


def data_years(*, neighbourhood_ids: Iterable[int]) -> list[int]:
    """Years in which anything was recorded for these neighbourhoods (fragments, activities, assets, relations,
    environment factors, sustainability assessments, submitted forms)."""
    from krachtvansamen.assessments.models import FactorObservation, SustainabilityAssessment
    from krachtvansamen.assets.models import Activity, Asset
    from krachtvansamen.instruments.models import Submission
    from krachtvansamen.network.models import Relation

    ids = list(neighbourhood_ids)
    years: set[int] = set()
    for model in (Fragment, Activity, Asset, Relation, FactorObservation, SustainabilityAssessment):
        years.update(
            model.objects.filter(neighbourhood_id__in=ids)
            .order_by()
            .values_list("year", flat=True)
            .distinct()
        )
    years.update(Submission.objects.filter(neighbourhood_id__in=ids, status=Submission.Status.SUBMITTED)
                 .order_by().values_list("year", flat=True).distinct())  # fmt: skip
    return sorted(years)


class NoDataForYear(ValueError):
    def __init__(self, year: int, years: Sequence[int]) -> None:
        self.year, self.years = year, list(years)
        super().__init__(year)

    def __str__(self) -> str:
        if not self.years:
            return _("Nothing has been recorded here yet, in any year.")
        return _("Nothing was recorded in %(year)s. Years with data: %(years)s.") % {
            "year": self.year,
            "years": ", ".join(str(y) for y in self.years),
        }


def check_year(*, year: int, years: Sequence[int]) -> None:
    if year not in years:
        raise NoDataForYear(year, years)


# --- Numbers that link to their evidence ---------------------------------------------------------------------


class Num(SafeString):
    """A number in a report: safe HTML that links to the evidence behind it, so ``{{ num }}`` in a template
    (and in a translated sentence) is the link. ``value``, ``text`` and ``href`` stay at hand for charts and tests.

    A ``SafeString`` rather than an object with ``__html__``: Django's templates turn any other object into a
    plain string before escaping it.
    """

    value: float | int | None
    text: str
    href: str
    label: str

    def __new__(cls, value: float | None, text: str, href: str = "", label: str = "") -> Self:
        if not href or value is None:
            html = format_html('<span class="kvs-num">{}</span>', text)
        else:
            html = format_html(
                '<a class="kvs-num" href="{}" title="{}">{}</a>',
                href,
                label or _("Show what this number rests on"),
                text,
            )
        num = super().__new__(cls, html)
        num.value, num.text, num.href, num.label = value, text, href, label
        return num


@dataclass(frozen=True)
class Linker:
    """Makes ``Num``s for one report: ``path`` is the evidence page (absolute in a PDF)."""

    path: str

    def href(self, key: str) -> str:
        return f"{self.path}?{urlencode({'n': key})}"

    def count(self, value: int | None, key: str, label: str = "") -> Num:
        text = "—" if value is None else number_format(value, 0)
        return Num(value, text, self.href(key) if key else "", label)

    def percent(self, value: float | None, key: str, label: str = "") -> Num:
        text = "—" if value is None else f"{number_format(round(value), 0)}%"
        return Num(value, text, self.href(key) if key else "", label)

    def decimal(self, value: float | None, key: str, places: int = 1, label: str = "") -> Num:
        text = "—" if value is None else number_format(value, places)
        return Num(value, text, self.href(key) if key else "", label)


def neighbourhood_linker(*, cbs_code: str, year: int, site: str = "") -> Linker:
    return Linker(site + reverse("reports:evidence", args=[cbs_code, year]))


def programme_linker(*, slug: str, year: int, site: str = "") -> Linker:
    return Linker(site + reverse("reports:programme_evidence", args=[slug, year]))


def _change(value: int | None) -> str:
    if value is None:
        return ""
    return f"+{value}" if value > 0 else ("=" if value == 0 else str(value))


# --- Quotes --------------------------------------------------------------------------------------------------


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
    """Quotable fragments with the keys of their (human) codes, most representative first: the most effects
    and values, residents and connectors before professionals, the latest year first, shorter before longer."""
    rows = quotable(Fragment.objects.filter(neighbourhood_id__in=neighbourhood_ids, year__in=years)).order_by(
        "pk"
    )
    by_fragment: dict[int, set[str]] = {}
    for fragment_id, key in Coding.objects.filter(
        fragment__in=rows.values("pk"), origin=Coding.Origin.HUMAN
    ).values_list("fragment_id", "code__key"):
        by_fragment.setdefault(fragment_id, set()).add(key)
    # Labels once: get_FOO_display() rebuilds and translates the choices on every call (80 ms per 600 rows).
    instruments = {value: str(label) for value, label in Instrument.choices}
    roles = {value: str(label) for value, label in SpeakerRole.choices}
    quotes = [
        Quote(fragment_id=pk, text=text, year=year, instrument=instruments.get(instrument, instrument),
              role=roles.get(role, role), speaker=(pseudonym or "") if show_speaker else "",
              speaker_id=speaker_id, code_keys=frozenset(by_fragment.get(pk, ())), is_resident=role in RESIDENT_ROLES)
        for pk, text, year, instrument, role, speaker_id, pseudonym in rows.values_list(
            "pk", "text", "year", "instrument", "speaker_role", "speaker_id", "speaker__pseudonym")
    ]  # fmt: skip
    quotes.sort(key=lambda q: (-q.weight, not q.is_resident, -q.year, len(q.text), q.fragment_id))
    return quotes


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
    """Up to ``count`` quotes not used before in the report, each with another text and, where possible,
    another speaker. ``prefixes``: only quotes coded with such a code; ``among``: only these fragments."""
    allowed = set(among) if among is not None else None
    candidates = [
        q for q in quotes
        if q.fragment_id not in used and (allowed is None or q.fragment_id in allowed)
        and (not prefixes or any(k.startswith(tuple(prefixes)) for k in q.code_keys))
        and (max_length is None or len(q.text) <= max_length)
    ]  # fmt: skip
    if residents_first:
        candidates.sort(key=lambda q: not q.is_resident)  # stable: keeps the representative order within
    chosen: list[Quote] = []
    texts: set[str] = set()
    speakers: set[int] = set()
    for strict in (True, False):  # first different speakers, then anyone
        for q in candidates:
            if len(chosen) == count:
                break
            if (
                q in chosen
                or q.text in texts
                or (strict and q.speaker_id is not None and q.speaker_id in speakers)
            ):
                continue
            chosen.append(q)
            texts.add(q.text)
            if q.speaker_id is not None:
                speakers.add(q.speaker_id)
    used.update(q.fragment_id for q in chosen)
    return chosen


# --- Value beyond counts -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ValueRow:
    key: str
    label: str
    plain: str
    nums: tuple[Num, ...]  # per year, oldest first
    counts: tuple[int, ...]

    @property
    def current(self) -> Num:
        return self.nums[-1]

    @property
    def change(self) -> int | None:
        return self.counts[-1] - self.counts[-2] if len(self.counts) > 1 else None

    @property
    def change_text(self) -> str:
        return _change(self.change)


def value_rows(*, neighbourhood_ids: Sequence[int], years: Sequence[int], linker: Linker) -> list[ValueRow]:
    """Fragments per value.* code (a user's own code under one counts for it) and year: the one-pager's
    value beyond counts (more contact, trust, initiative, cooperation, ownership)."""
    from krachtvansamen.framework.models import Code

    found: dict[tuple[str, int], set[int]] = {}
    for fragment_id, key, year in Coding.objects.filter(
        fragment__neighbourhood_id__in=neighbourhood_ids, fragment__year__in=years, code__key__startswith="value.",
        origin=Coding.Origin.HUMAN,
    ).values_list("fragment_id", "code__key", "fragment__year"):  # fmt: skip
        target = next((k for k in VALUE_KEYS if key == k or key.startswith(k + ".")), None)
        if target:
            found.setdefault((target, year), set()).add(fragment_id)
    labels = dict(
        Code.objects.filter(codebook__is_current=True, key__in=VALUE_KEYS).values_list("key", "label_nl")
    )
    labels_en = dict(
        Code.objects.filter(codebook__is_current=True, key__in=VALUE_KEYS).values_list("key", "label_en")
    )
    from django.utils.translation import get_language

    english = (get_language() or "nl").startswith("en")
    rows = []
    for key in VALUE_KEYS:
        counts = tuple(len(found.get((key, y), ())) for y in years)
        label = (labels_en if english else labels).get(key, key)
        rows.append(ValueRow(
            key=key, label=label, plain=str(VALUE_PLAIN[key]), counts=counts,
            nums=tuple(linker.count(c, f"value:{key}:{y}", f"{label}, {y}") for c, y in zip(counts, years, strict=True)),
        ))  # fmt: skip
    return rows


# --- Shared pieces -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """A key figure: a number with what it means."""

    num: Num
    label: str
    note: str = ""


@dataclass(frozen=True)
class Chart:
    svg: SafeString
    title: str


def _effects_chart(*, chart_id: str, effects, linker: Linker, title: str) -> Chart:
    rows = []
    for level in effects.levels:
        rows.append(
            charts.HeatRow(
                label=level.label,
                values=[c.count for c in level.cells],
                emphasis=True,
                hrefs=[linker.href(f"effect:{level.key}:{c.year}") for c in level.cells],
            )
        )
        for row in effects.rows_of_level(level.key):
            rows.append(
                charts.HeatRow(
                    label=row.label,
                    values=[c.count for c in row.cells],
                    hrefs=[linker.href(f"effect:{row.key}:{c.year}") for c in row.cells],
                )
            )
    total = sum(c.count for level in effects.levels for c in level.cells[-1:])
    description = _(
        "Effects per level and indicator, in fragments per year; %(total)s fragments in the last year."
    ) % {"total": total}
    return Chart(
        charts.heat_map(
            chart_id=chart_id,
            title=title,
            description=description,
            columns=[str(y) for y in effects.years],
            rows=rows,
        ),
        title,
    )


@dataclass(frozen=True)
class EffectTableRow:
    label: str
    is_level: bool
    cells: tuple[tuple[Num, str], ...]  # per year: fragments, change from the year before


def _effect_table(effects, linker: Linker) -> list[EffectTableRow]:
    out = []
    for level in effects.levels:
        for row in (level, *effects.rows_of_level(level.key)):
            out.append(EffectTableRow(
                label=row.label, is_level=row.is_level,
                cells=tuple((linker.count(c.count, f"effect:{row.key}:{c.year}", f"{row.label}, {c.year}"),
                             _change(c.change)) for c in row.cells),
            ))  # fmt: skip
    return out


@dataclass(frozen=True)
class PairRow:
    label_a: str
    label_b: str
    num: Num


def _pairs(palet, codebook_labels: dict[str, str], linker: Linker, limit: int = 8) -> list[PairRow]:
    return [PairRow(codebook_labels.get(p.key_a, p.key_a), codebook_labels.get(p.key_b, p.key_b),
                    linker.count(p.count, f"pair:{p.key_a}:{p.key_b}")) for p in palet.pairs[:limit]]  # fmt: skip


def _palette_chart(*, chart_id: str, pairs: Sequence[PairRow], title: str) -> Chart:
    description = "; ".join(f"{p.label_a} + {p.label_b}: {p.num.text}" for p in pairs) or _(
        "No story has two effects yet."
    )
    return Chart(
        charts.pair_palette(
            chart_id=chart_id,
            title=title,
            description=description,
            pairs=[charts.Pair(p.label_a, p.label_b, int(p.num.value or 0), p.num.href) for p in pairs],
        ),
        title,
    )


def _code_labels() -> dict[str, str]:
    from krachtvansamen.framework.models import Code

    return {
        c.key: c.label
        for c in Code.objects.filter(codebook__is_current=True).only("key", "label_nl", "label_en")
    }


@dataclass(frozen=True)
class GapTable:
    label: str
    rows: tuple[
        tuple[str, Num, str, str, str, str], ...
    ]  # group, participants, their share, inhabitants' share,
    # gap, flag words
    unknown: Num
    chart: Chart


def _inclusion_tables(inclusion, linker: Linker, chart_prefix: str, *, link_unknown: bool) -> list[GapTable]:
    """Per dimension: the gap chart and its table. ``link_unknown``: the evidence page can list the persons
    whose value is unknown (one neighbourhood; a programme's evidence has no such key)."""
    tables = []
    for dimension in inclusion.dimensions:
        rows, gap_rows = [], []
        for g in dimension.groups:
            flag = (
                _("takes part less")
                if g.under_represented
                else (_("takes part more") if g.over_represented else "")
            )
            rows.append(
                (
                    g.label,
                    linker.count(g.participants, f"group:{dimension.key}:{g.key}", g.label),
                    _pct(g.participant_share),
                    _pct(g.inhabitant_share),
                    _points(g.gap),
                    flag,
                )
            )
            gap_rows.append(
                charts.GapRow(
                    label=g.label,
                    participant_share=g.participant_share,
                    inhabitant_share=g.inhabitant_share,
                    under=g.under_represented,
                    over=g.over_represented,
                    href=linker.href(f"group:{dimension.key}:{g.key}"),
                )
            )
        title = _("Who takes part, by %(dimension)s") % {"dimension": dimension.label}
        values_format = _("participants %(participants)s · inhabitants %(inhabitants)s")
        description = "; ".join(
            f"{r[0]}: " + values_format % {"participants": r[2], "inhabitants": r[3]} for r in rows
        )
        svg = charts.gap_chart(
            chart_id=f"{chart_prefix}-{dimension.key}",
            title=title,
            description=description,
            rows=gap_rows,
            participants_label=_("share among participants"),
            inhabitants_label=_("share among inhabitants"),
            values_format=values_format,
        )
        unknown_key = f"unknown:{dimension.key}" if link_unknown else ""
        tables.append(
            GapTable(
                label=dimension.label,
                rows=tuple(rows),
                unknown=linker.count(dimension.unknown, unknown_key),
                chart=Chart(svg, title),
            )
        )
    return tables


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{number_format(round(value), 0)}%"


def _points(value: float | None) -> str:
    if value is None:
        return "—"
    return ("+" if value > 0 else "") + number_format(round(value), 0)


# --- Buurtbeeld ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Buurtbeeld:
    neighbourhood: Neighbourhood
    year: int
    years: list[int]
    analysis: NeighbourhoodAnalysis
    figures: list[Figure]
    cbs: Any  # neighbourhoods.selectors.CbsFigures or None
    cbs_population: Num
    vitality_rows: list[tuple[str, Num, Num, Num, Num]]  # theme, all years, this year, helps, hinders
    vitality_chart: Chart | None
    conversations: Num
    principles: list[
        tuple[str, str, str, Num, Num]
    ]  # label, strength key, strength words, questionnaire, fragments
    leadership: list[tuple[str, Num, Num]]  # who, count, share
    asset_rows: list[tuple[str, Num, str]]
    assets_chart: Chart
    talent_share: str
    place_share: str
    factor_rows: list[
        tuple[str, Num, Num, str, bool]
    ]  # type, helps, hinders, balance words, hinders on balance
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
    network_years: list[tuple[int, Num, Num, str]]  # year, relations, new ties, growth
    network_chart: Chart
    capital_rows: list[tuple[str, Num, str]]
    hook_rows: list[tuple[str, Num]]
    concentration: Any
    roles_top: Num
    inclusion_tables: list[GapTable]
    participants: Num
    horizontal: list[tuple[str, str, Num]]
    vertical: list[tuple[str, str, Num]]
    structures_present: tuple[Num, int, Num, int]  # horizontal present, of how many, vertical present, of
    funding_lines: list[Any]
    funding_num: Num
    continuity: list[Any]
    risks: list[tuple[str, str, Num]]
    values: list[ValueRow]
    values_chart: Chart
    quotes: dict[str, list[Quote]] = field(default_factory=dict)


def buurtbeeld_report(*, neighbourhood: Neighbourhood, year: int, site: str = "") -> Buurtbeeld:
    """Everything the Buurtbeeld shows, for one neighbourhood and year (raise ``NoDataForYear`` first)."""
    from krachtvansamen.neighbourhoods.selectors import cbs_figures_from_record
    from krachtvansamen.network.selectors import KIND_PLAIN, network_for_year
    from krachtvansamen.network.svg import EDGE_STYLE, network_svg

    years = data_years(neighbourhood_ids=[neighbourhood.pk])
    check_year(year=year, years=years)
    a = analyse_neighbourhood(neighbourhood_id=neighbourhood.pk, year=year)
    link = neighbourhood_linker(cbs_code=neighbourhood.cbs_code, year=year, site=site)
    aanpak, verandering, duurzaamheid = a.aanpak, a.verandering, a.duurzaamheid
    network_now = verandering.network_current
    leadership = aanpak.leadership
    inclusion = verandering.inclusion
    record = CbsRecord.objects.filter(pk=inclusion.cbs_record_id).first() if inclusion.cbs_record_id else None
    cbs = cbs_figures_from_record(record=record) if record else None
    labels = _code_labels()

    figures = [
        Figure(link.count(inclusion.participants, "participants"), _("residents took part")),
        Figure(
            link.count(leadership.total, "activities"),
            _("activities"),
            _("%(share)s started by residents") % {"share": _pct(leadership.resident_share)}
            if leadership.total
            else "",
        ),
        Figure(
            link.count(network_now.relations, f"relations:{year}"),
            _("relations recorded"),
            _("of which %(new)s new") % {"new": network_now.new_ties},
        ),
        Figure(link.count(_fragment_total(a), "fragments"), _("fragments (stories and quotes)")),
        Figure(link.count(aanpak.assets.meeting_place_count, "meeting_places"), _("meeting places")),
    ]

    # Vitality: the praatplaat over every conversation up to the year, next to the year itself.
    profile_all, profile_year = verandering.vitality_all_years, verandering.vitality
    vitality_rows = []
    for t_all, t_year in zip(profile_all.themes, profile_year.themes, strict=True):
        vitality_rows.append(
            (
                t_all.label,
                link.count(t_all.count, f"vitality:{t_all.key}:all"),
                link.count(t_year.count, f"vitality:{t_year.key}:year"),
                link.count(t_all.helps, f"vitality:{t_all.key}:all:helps"),
                link.count(t_all.hinders, f"vitality:{t_all.key}:all:hinders"),
            )
        )
    vitality_chart = None
    if any(t.count for t in profile_all.themes):
        title = _("What residents value: themes in the Wijkwaardenkaart conversations")
        description = "; ".join(f"{t.label}: {t.count}" for t in profile_all.themes)
        vitality_chart = Chart(charts.radar_chart(
            chart_id="n-vitaliteit", title=title, description=description, axes=[t.label for t in profile_all.themes],
            series=[charts.Series(_("up to %(year)s") % {"year": year}, [t.count for t in profile_all.themes],
                                  [link.href(f"vitality:{t.key}:all") for t in profile_all.themes]),
                    charts.Series(str(year), [t.count for t in profile_year.themes],
                                  [link.href(f"vitality:{t.key}:year") for t in profile_year.themes])],
        ), title)  # fmt: skip

    principles = [(p.label, p.strength, p.strength_label,
                   link.decimal(p.questionnaire_mean, f"principle:{p.key}"),
                   link.count(p.fragment_count, f"principle:{p.key}")) for p in aanpak.principles]  # fmt: skip
    leadership_rows = [
        (
            _("residents"),
            link.count(leadership.residents, "activities:residents"),
            _pct(leadership.resident_share),
        ),
        (
            _("residents and professionals together"),
            link.count(leadership.together, "activities:together"),
            _pct(leadership.together_share),
        ),
        (
            _("professionals"),
            link.count(leadership.professionals, "activities:professionals"),
            _pct(leadership.professional_share),
        ),
    ]
    asset_rows = [(c.label, link.count(c.count, f"assets:{c.category}"), _pct(c.share))
                  for c in aanpak.assets.categories]  # fmt: skip
    assets_title = _("Assets by kind, up to %(year)s") % {"year": year}
    assets_chart = Chart(charts.bar_chart(
        chart_id="n-krachten", title=assets_title,
        description="; ".join(f"{c.label}: {c.count}" for c in aanpak.assets.categories),
        bars=[charts.Bar(label=c.label, value=c.count, href=link.href(f"assets:{c.category}"))
              for c in aanpak.assets.categories],
    ), assets_title)  # fmt: skip

    factors = aanpak.factors
    factor_rows = [(t.label, link.count(t.helps, f"factor:{t.key}:helps"), link.count(t.hinders, f"factor:{t.key}:hinders"),
                    t.balance_label, t.is_hindering) for t in factors.types]  # fmt: skip
    stacking_note = (_("Stacking: %(count)s of %(total)s types hinder.") % {"count": factors.hindering_count,
                                                                           "total": len(factors.types)}
                     if factors.stacking else "")  # fmt: skip
    factors_title = _("Environment factors in %(year)s: what helps and what hinders") % {"year": year}
    factors_chart = Chart(charts.balance_chart(
        chart_id="n-factoren", title=factors_title,
        description="; ".join(f"{t.label}: {t.helps} {_('helps')}, {t.hinders} {_('hinders')}" for t in factors.types),
        rows=[charts.BalanceRow(label=t.label, helps=t.helps, hinders=t.hinders, flagged=t.is_hindering,
                                helps_href=link.href(f"factor:{t.key}:helps"),
                                hinders_href=link.href(f"factor:{t.key}:hinders")) for t in factors.types],
        helps_label=_("helps"), hinders_label=_("hinders"), note=stacking_note,
    ), factors_title)  # fmt: skip

    effects_chart = _effects_chart(
        chart_id="n-effecten",
        effects=verandering.effects,
        linker=link,
        title=_("Effects per year (heat map)"),
    )
    pairs = _pairs(verandering.palet, labels, link)
    palette_chart = _palette_chart(
        chart_id="n-palet",
        pairs=pairs,
        title=_("Palette: effects that occur together in %(year)s") % {"year": year},
    )

    network = network_for_year(neighbourhood=neighbourhood, year=year)
    legend = charts.network_legend(
        [(str(KIND_PLAIN[key]).capitalize(), colour, dash) for key, (colour, dash) in EDGE_STYLE.items()],
        new_label=_("thick: new in %(year)s") % {"year": year},
        old_label=_("light: known from earlier years"),
        person_label=_("circle: a person (filled: connector or community builder)"),
        organisation_label=_("square: an organisation"),
    )
    picture = network_svg(network, title_id="n-netwerk-titel", desc_id="n-netwerk-beschrijving")
    network_rows = [(n.year, link.count(n.relations, f"relations:{n.year}"), link.count(n.new_ties, f"new_ties:{n.year}"),
                     _change(n.growth)) for n in verandering.network]  # fmt: skip
    trend_title = _("Relations and new ties per year")
    network_chart = Chart(charts.trend_chart(
        chart_id="n-netwerk-trend", title=trend_title,
        description="; ".join(f"{n.year}: {n.relations} {_('relations')}, {n.new_ties} {_('new ties')}"
                              for n in verandering.network),
        columns=[str(n.year) for n in verandering.network],
        series=[charts.Series(_("relations"), [n.relations for n in verandering.network],
                              [link.href(f"relations:{n.year}") for n in verandering.network]),
                charts.Series(_("new ties"), [n.new_ties for n in verandering.network],
                              [link.href(f"new_ties:{n.year}") for n in verandering.network])],
    ), trend_title)  # fmt: skip
    capital_rows = [(c.label, link.count(c.count, f"capital:{c.capital_type}:{year}"), _pct(c.share))
                    for c in network_now.capital]  # fmt: skip
    hook_words = {"activity": _("an activity"), "place": _("a meeting place"), "person": _("a person"),
                  "none": _("nothing recorded")}  # fmt: skip
    hook_rows = [(hook_words[h.kind], link.count(h.count, f"hook:{h.kind}")) for h in network_now.hooks]

    structures = duurzaamheid.structures
    horizontal = [(s.label, s.status, _status_num(link, s)) for s in structures.horizontal]
    vertical = [(s.label, s.status, _status_num(link, s)) for s in structures.vertical]
    risks = [
        (r.title, str(r.message), link.count(len(r.evidence_ids), f"risk:{r.key}"))
        for r in duurzaamheid.risks
    ]

    values = value_rows(neighbourhood_ids=[neighbourhood.pk], years=list(a.years), linker=link)
    values_title = _("Value beyond counts, per year")
    values_chart = Chart(charts.trend_chart(
        chart_id="n-waarde", title=values_title,
        description="; ".join(f"{v.label}: " + ", ".join(f"{y} {c}" for y, c in zip(a.years, v.counts, strict=True))
                              for v in values),
        columns=[str(y) for y in a.years],
        series=[charts.Series(v.label, list(v.counts), [n.href for n in v.nums]) for v in values],
    ), values_title)  # fmt: skip

    quotes = quotes_for(neighbourhood_ids=[neighbourhood.pk], years=[year], show_speaker=True)
    earlier = quotes_for(neighbourhood_ids=[neighbourhood.pk], years=list(a.years), show_speaker=True)
    used: set[int] = set()
    vitality_ids = {i for t in profile_all.themes for i in t.fragment_ids}
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

    return Buurtbeeld(
        neighbourhood=neighbourhood, year=year, years=years, analysis=a, figures=figures, cbs=cbs,
        cbs_population=link.count(record.population if record else None, "cbs"),
        vitality_rows=vitality_rows, vitality_chart=vitality_chart,
        conversations=link.count(profile_year.conversation_fragments, "conversations"),
        principles=principles, leadership=leadership_rows, asset_rows=asset_rows, assets_chart=assets_chart,
        talent_share=_pct(aanpak.assets.talent_share), place_share=_pct(aanpak.assets.place_share),
        factor_rows=factor_rows, factors_chart=factors_chart, stacking=factors.stacking,
        stacking_num=link.count(factors.hindering_count, "stacking"), effects_chart=effects_chart,
        effect_table=_effect_table(verandering.effects, link), pairs=pairs, palette_chart=palette_chart,
        palet_fragments=link.count(verandering.palet.fragment_count, "palet"),
        palet_multi=link.count(verandering.palet.multi_effect_count, "palet:multi"),
        network_svg=picture, network_svg_print=charts.with_print_style(picture),
        network_legend=legend, network_years=network_rows, network_chart=network_chart, capital_rows=capital_rows,
        hook_rows=hook_rows, concentration=network_now.concentration,
        roles_top=link.count(network_now.concentration.top_count, "roles_top"),
        inclusion_tables=_inclusion_tables(inclusion, link, "n-inclusie", link_unknown=True),
        participants=link.count(inclusion.participants, "participants"),
        horizontal=horizontal, vertical=vertical,
        structures_present=(link.count(structures.horizontal_present, "structures"), len(structures.horizontal),
                            link.count(structures.vertical_present, "structures"), len(structures.vertical)),
        funding_lines=list(duurzaamheid.funding.lines), funding_num=link.count(len(duurzaamheid.funding.lines), "funding"),
        continuity=list(duurzaamheid.continuity), risks=risks, values=values, values_chart=values_chart,
        quotes=picked,
    )  # fmt: skip


def _fragment_total(a: NeighbourhoodAnalysis) -> int:
    return Fragment.objects.filter(neighbourhood_id=a.neighbourhood.neighbourhood_id, year=a.year).count()


def _status_num(link: Linker, structure) -> Num:
    """A structure's status as text, linked to its assessment when there is one."""
    if structure.assessment_id is None:
        return Num(None, structure.status_label)
    return Num(1, structure.status_label, link.href(f"structure:{structure.key}"))


# --- Financiersrapport ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Need:
    title: str
    text: SafeString


@dataclass(frozen=True)
class Financier:
    neighbourhood: Neighbourhood
    year: int
    years: list[int]
    previous_year: int | None
    funders: list[str]
    participants: Num
    activities: Num
    resident_share: Num
    new_ties: Num
    meeting_places: Num
    values: list[ValueRow]
    levels: list[tuple[str, Num, str]]  # plain words, fragments this year, change
    quotes: list[Quote]
    needs: list[Need]
    strong: list[str]  # horizontal structures in place


def financier_report(*, neighbourhood: Neighbourhood, year: int, site: str = "") -> Financier:
    """The one page for a funder: what changed beyond counts, three quotes, what it needs to last."""
    years = data_years(neighbourhood_ids=[neighbourhood.pk])
    check_year(year=year, years=years)
    a = analyse_neighbourhood(neighbourhood_id=neighbourhood.pk, year=year)
    link = neighbourhood_linker(cbs_code=neighbourhood.cbs_code, year=year, site=site)
    verandering, duurzaamheid, leadership = a.verandering, a.duurzaamheid, a.aanpak.leadership
    network_now = verandering.network_current
    previous_year = a.years[-2] if len(a.years) > 1 else None
    shown_years = [y for y in a.years if y in (previous_year, year)]

    levels = []
    for level in verandering.effects.levels:
        cell = level.cells[-1]
        levels.append((str(LEVEL_PLAIN.get(level.key, level.label)), link.count(cell.count, f"effect:{level.key}:{year}"),
                       _change(cell.change)))  # fmt: skip

    # Quotes: residents' own words about what changed, short enough for one page; fill up from earlier years.
    used: set[int] = set()
    quotes = pick_quotes(
        quotes_for(neighbourhood_ids=[neighbourhood.pk], years=[year], show_speaker=False),
        count=3,
        used=used,
        max_length=260,
        residents_first=True,
    )
    if len(quotes) < 3:
        quotes += pick_quotes(
            quotes_for(neighbourhood_ids=[neighbourhood.pk], years=list(a.years), show_speaker=False),
            count=3 - len(quotes),
            used=used,
            max_length=260,
            residents_first=True,
        )

    structures = duurzaamheid.structures
    return Financier(
        neighbourhood=neighbourhood, year=year, years=years, previous_year=previous_year,
        funders=sorted({line.funder_name for line in duurzaamheid.funding.lines}),
        participants=link.count(verandering.inclusion.participants, "participants"),
        activities=link.count(leadership.total, "activities"),
        resident_share=link.percent(leadership.resident_share, "activities:residents" if leadership.total else ""),
        new_ties=link.count(network_now.new_ties, f"new_ties:{year}"),
        meeting_places=link.count(a.aanpak.assets.meeting_place_count, "meeting_places"),
        values=value_rows(neighbourhood_ids=[neighbourhood.pk], years=shown_years, linker=link),
        levels=levels, quotes=quotes, needs=needs_to_last(a, link),
        strong=[s.label for s in structures.horizontal if s.status == "present"],
    )  # fmt: skip


def needs_to_last(a: NeighbourhoodAnalysis, link: Linker) -> list[Need]:
    """What the work needs to last, in plain words, from the funding horizon, the structures and the risk
    signals (the one-pager: multi-year funding, funding for the connecting work, support that fits)."""
    d = a.duurzaamheid
    needs: list[Need] = []
    funding = d.funding
    if funding.horizon_years is None:
        needs.append(
            Need(
                _("Multi-year funding"),
                format_html(
                    _(
                        "No funding is recorded for {year} or later ({n}). Multi-year support helps to hold on to what is "
                        "growing."
                    ),
                    year=a.year,
                    n=link.count(0, "funding"),
                ),
            )
        )
    elif funding.horizon_years <= 1:
        needs.append(
            Need(
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
        )
    else:
        needs.append(
            Need(
                _("Funding"),
                format_html(
                    _("The funding ({n}) runs until {last}. Agree in time what comes after."),
                    n=link.count(len(funding.lines), "funding"),
                    last=funding.last_year,
                ),
            )
        )
    missing = [s.label for s in d.structures.vertical if s.status in ("absent", "partly")]
    if missing:
        needs.append(
            Need(
                _("Support from municipality and organisations"),
                format_html(
                    _("Not (fully) in place yet: {missing} ({n} assessed)."),
                    missing=", ".join(missing).lower(),
                    n=link.count(len(d.structures.assessment_ids), "structures"),
                ),
            )
        )
    plain = {
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


# --- Programmasynthese ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SynthesisRow:
    summary: NeighbourhoodSummary
    href: str  # the neighbourhood's Buurtbeeld
    fragments: Num
    activities: Num
    resident_share: str
    relations: Num
    growth: str
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
    principle_rows: list[tuple[str, Num, Num, Num, Num, str]]
    structure_rows: list[tuple[str, str, Num, Num, Num]]
    risk_rows: list[tuple[str, Num]]
    inclusion_tables: list[GapTable]
    vitality_rows: list[tuple[str, Num]]
    vitality_chart: Chart | None
    values: list[ValueRow]
    others: list[ProgrammeComparison]


def _mean(values: Sequence[float | int | None], places: int = 1) -> str:
    present = [v for v in values if v is not None]
    return number_format(sum(present) / len(present), places) if present else "—"


def synthese_report(
    *,
    programme: Programme,
    neighbourhoods: Sequence[Neighbourhood],
    year: int,
    other_programmes: Sequence[tuple[Programme, Sequence[Neighbourhood]]] = (),
    site: str = "",
) -> Synthese:
    """Across the given neighbourhoods of a programme (those the reader may see), between years and with the
    other programmes the reader may see."""
    from krachtvansamen.assets.models import Activity
    from krachtvansamen.network.models import Relation

    ids = [n.pk for n in neighbourhoods]
    years_with_data = data_years(neighbourhood_ids=ids)
    check_year(year=year, years=years_with_data)
    p = analyse_neighbourhoods(neighbourhood_ids=ids, years=analysis_years(up_to=year))
    agg = p.aggregate
    link = programme_linker(slug=programme.slug, year=year, site=site)
    labels = _code_labels()

    fragment_counts = dict(Fragment.objects.filter(neighbourhood_id__in=ids, year__in=p.years).order_by()
                           .values_list("year").annotate(n=_count()).values_list("year", "n"))  # fmt: skip
    activity_counts = dict(Activity.objects.filter(neighbourhood_id__in=ids, year__in=p.years).order_by()
                           .values_list("year").annotate(n=_count()).values_list("year", "n"))  # fmt: skip
    new_tie_counts = dict(Relation.objects.filter(neighbourhood_id__in=ids, year__in=p.years, is_new=True).order_by()
                          .values_list("year").annotate(n=_count()).values_list("year", "n"))  # fmt: skip

    rows = []
    for s in p.summaries:
        n_link = neighbourhood_linker(cbs_code=s.neighbourhood.cbs_code, year=year, site=site)
        rows.append(SynthesisRow(
            summary=s, href=site + reverse("reports:buurtbeeld", args=[s.neighbourhood.cbs_code, year]),
            fragments=n_link.count(s.fragments, "fragments"), activities=n_link.count(s.leadership.total, "activities"),
            resident_share=_pct(s.leadership.resident_share),
            relations=n_link.count(s.relations, f"relations:{year}"), growth=_change(s.growth),
            new_ties=n_link.count(s.new_ties, f"new_ties:{year}"),
            hindering=n_link.count(s.factors.hindering_count, "stacking"), stacking=s.factors.stacking,
            not_reached=[g.label for g in s.inclusion.not_reached], risks=[r.title for r in s.risks],
        ))  # fmt: skip

    def group(label: str, members: list[NeighbourhoodSummary], key: str) -> GroupComparison:
        return GroupComparison(
            label=label, neighbourhoods=link.count(len(members), key),
            fragments=_mean([s.fragments for s in members]), activities=_mean([s.leadership.total for s in members]),
            resident_share=_pct(_share(sum(s.leadership.residents for s in members),
                                       sum(s.leadership.total for s in members))),
            relations=_mean([s.relations for s in members]), new_ties=_mean([s.new_ties for s in members]),
            stacking=link.count(sum(1 for s in members if s.factors.stacking), "stacking" if key == "neighbourhoods" else ""),
            risks=_mean([len(s.risks) for s in members]),
        )  # fmt: skip

    focus = [s for s in p.summaries if s.neighbourhood.is_focus]
    others_in = [s for s in p.summaries if not s.neighbourhood.is_focus]
    groups = [group(_("all neighbourhoods"), list(p.summaries), "neighbourhoods")]
    if focus and others_in:
        groups += [
            group(_("focus neighbourhoods"), focus, "focus"),
            group(_("other neighbourhoods"), others_in, ""),
        ]

    network_by_year = {n.year: n for n in agg.network}
    values = value_rows(neighbourhood_ids=ids, years=list(p.years), linker=link)
    year_rows = []
    for y in p.years:
        year_rows.append(YearRow(
            year=y, fragments=link.count(fragment_counts.get(y, 0), f"fragments:{y}"),
            activities=link.count(activity_counts.get(y, 0), f"activities:{y}"),
            relations=link.count(network_by_year[y].relations if y in network_by_year else 0, f"relations:{y}"),
            new_ties=link.count(new_tie_counts.get(y, 0), f"new_ties:{y}"),
            levels=[link.count(_find_cell(level, y), f"effect:{level.key}:{y}") for level in agg.effects.levels],
            values=link.count(len(value_fragment_ids(neighbourhood_ids=ids, key="value", year=y)), f"value:value:{y}"),
        ))  # fmt: skip
    trend_title = _("Per year: relations, new ties and activities")
    trend = Chart(charts.trend_chart(
        chart_id="p-trend", title=trend_title,
        description="; ".join(f"{r.year}: {r.relations.text} {_('relations')}, {r.new_ties.text} {_('new ties')}, "
                              f"{r.activities.text} {_('activities')}" for r in year_rows),
        columns=[str(r.year) for r in year_rows],
        series=[charts.Series(_("relations"), [r.relations.value for r in year_rows], [r.relations.href for r in year_rows]),
                charts.Series(_("new ties"), [r.new_ties.value for r in year_rows], [r.new_ties.href for r in year_rows]),
                charts.Series(_("activities"), [r.activities.value for r in year_rows],
                              [r.activities.href for r in year_rows])],
    ), trend_title)  # fmt: skip

    pairs = _pairs(agg.palet, labels, link)
    factor_rows = [(f.label, link.count(f.helps, f"factor:{f.key}:helps"), link.count(f.hinders, f"factor:{f.key}:hinders"),
                    link.count(f.hindering.count, f"hindering:{f.key}")) for f in agg.factor_types]  # fmt: skip
    factors_title = _("Environment factors in %(year)s, all neighbourhoods together") % {"year": year}
    factors_chart = Chart(charts.balance_chart(
        chart_id="p-factoren", title=factors_title,
        description="; ".join(f"{f.label}: {f.helps} {_('helps')}, {f.hinders} {_('hinders')}" for f in agg.factor_types),
        rows=[charts.BalanceRow(label=f.label, helps=f.helps, hinders=f.hinders, flagged=f.hinders > f.helps,
                                helps_href=link.href(f"factor:{f.key}:helps"),
                                hinders_href=link.href(f"factor:{f.key}:hinders")) for f in agg.factor_types],
        helps_label=_("helps"), hinders_label=_("hinders"),
        note=_("Stacking in %(count)s of %(total)s neighbourhoods.") % {"count": agg.stacking.count,
                                                                        "total": agg.neighbourhood_count},
    ), factors_title)  # fmt: skip
    principle_rows = [
        (pr.label, link.count(pr.count("strong"), f"strength:{pr.key}:strong"),
         link.count(pr.count("medium"), f"strength:{pr.key}:medium"),
         link.count(pr.count("weak"), f"strength:{pr.key}:weak"),
         link.count(pr.fragment_count, f"principle:{pr.key}"),
         number_format(pr.questionnaire_mean, 1) if pr.questionnaire_mean is not None else "—")
        for pr in agg.principles
    ]  # fmt: skip
    structure_rows = [
        (st.label, _("horizontal") if st.dimension.endswith("horizontal") else _("vertical"),
         link.count(_status_count(st, "present"), f"structure:{st.key}:present"),
         link.count(_status_count(st, "partly"), f"structure:{st.key}:partly"),
         link.count(_status_count(st, "absent"), f"structure:{st.key}:absent"))
        for st in agg.structures
    ]  # fmt: skip
    risk_rows = [(r.title, link.count(r.count, f"risk:{r.key}")) for r in agg.risks]
    vitality_rows = [(t.label, link.count(t.count, f"vitality:{t.key}")) for t in agg.vitality.themes]
    vitality_chart = None
    if any(t.count for t in agg.vitality.themes):
        title = _("What residents value in %(year)s (Wijkwaardenkaart conversations)") % {"year": year}
        vitality_chart = Chart(charts.radar_chart(
            chart_id="p-vitaliteit", title=title,
            description="; ".join(f"{t.label}: {t.count}" for t in agg.vitality.themes),
            axes=[t.label for t in agg.vitality.themes],
            series=[charts.Series(str(year), [t.count for t in agg.vitality.themes],
                                  [link.href(f"vitality:{t.key}") for t in agg.vitality.themes])],
        ), title)  # fmt: skip

    others = []
    for other, members in other_programmes:
        if not members:
            continue
        q = analyse_neighbourhoods(
            neighbourhood_ids=[n.pk for n in members], years=analysis_years(up_to=year)
        )
        count = len(q.summaries)
        effect_fragments = len(q.aggregate.palet.fragment_ids)
        others.append(ProgrammeComparison(
            programme=other, href=site + reverse("reports:synthese", args=[other.slug, year]), neighbourhoods=count,
            focus=q.aggregate.focus_count, fragments=_mean([s.fragments for s in q.summaries]),
            activities=_mean([s.leadership.total for s in q.summaries]),
            resident_share=_pct(q.aggregate.leadership.resident_share),
            relations=_mean([s.relations for s in q.summaries]), stacking=_pct(q.aggregate.stacking_share),
            effects=number_format(effect_fragments / count, 1) if count else "—",
            top_risk=q.aggregate.risks[0].title if q.aggregate.risks else "—",
        ))  # fmt: skip
    this = ProgrammeComparison(
        programme=programme, href="", neighbourhoods=agg.neighbourhood_count, focus=agg.focus_count,
        fragments=_mean([s.fragments for s in p.summaries]), activities=_mean([s.leadership.total for s in p.summaries]),
        resident_share=_pct(agg.leadership.resident_share), relations=_mean([s.relations for s in p.summaries]),
        stacking=_pct(agg.stacking_share),
        effects=number_format(len(agg.palet.fragment_ids) / agg.neighbourhood_count, 1) if agg.neighbourhood_count else "—",
        top_risk=agg.risks[0].title if agg.risks else "—",
    )  # fmt: skip

    total = Neighbourhood.objects.filter(programme=programme).count()
    figures = [
        Figure(
            link.count(agg.neighbourhood_count, "neighbourhoods"),
            _("neighbourhoods"),
            _("of which %(focus)s focus neighbourhoods") % {"focus": agg.focus_count},
        ),
        Figure(
            link.count(fragment_counts.get(year, 0), f"fragments:{year}"), _("fragments (stories and quotes)")
        ),
        Figure(
            link.count(activity_counts.get(year, 0), f"activities:{year}"),
            _("activities"),
            _("%(share)s started by residents") % {"share": _pct(agg.leadership.resident_share)},
        ),
        Figure(
            link.count(
                network_by_year[year].relations if year in network_by_year else 0, f"relations:{year}"
            ),
            _("relations recorded"),
            _("of which %(new)s new") % {"new": new_tie_counts.get(year, 0)},
        ),
        Figure(
            link.count(agg.stacking.count, "stacking"), _("neighbourhoods where hindering factors stack up")
        ),
        Figure(link.count(agg.inclusion.participants, "participants"), _("residents took part")),
    ]
    return Synthese(
        programme=programme, year=year, years=years_with_data, analysis=p, total_in_programme=total,
        partial=total > len(ids), figures=figures, rows=rows, groups=groups, year_rows=year_rows,
        level_labels=[level.label for level in agg.effects.levels], trend_chart=trend,
        effects_chart=_effects_chart(chart_id="p-effecten", effects=agg.effects, linker=link,
                                     title=_("Effects per year, all neighbourhoods together")),
        effect_table=_effect_table(agg.effects, link), pairs=pairs,
        palette_chart=_palette_chart(chart_id="p-palet", pairs=pairs,
                                     title=_("Palette: effects that occur together in %(year)s") % {"year": year}),
        factor_rows=factor_rows, factors_chart=factors_chart, principle_rows=principle_rows,
        structure_rows=structure_rows, risk_rows=risk_rows,
        inclusion_tables=_inclusion_tables(agg.inclusion, link, "p-inclusie", link_unknown=False),
        vitality_rows=vitality_rows,
        vitality_chart=vitality_chart, values=values, others=[this, *others],
    )  # fmt: skip


def _count():
    from django.db.models import Count

    return Count("pk")


def _share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _find_cell(row, year: int) -> int:
    return next((c.count for c in row.cells if c.year == year), 0)


def _status_count(structure, status: str) -> int:
    return next((s.count for s in structure.statuses if s.key == status), 0)


def other_programmes_for_user(
    *, user: Any, programme: Programme
) -> list[tuple[Programme, list[Neighbourhood]]]:
    """The other programmes the user may see, each with the neighbourhoods of it the user may see."""
    visible = list(neighbourhoods_for_user(user=user).exclude(programme=programme).exclude(programme=None)
                   .select_related("programme").order_by("pk"))  # fmt: skip
    grouped: dict[int, tuple[Programme, list[Neighbourhood]]] = {}
    for n in visible:
        grouped.setdefault(n.programme_id, (n.programme, []))[1].append(n)
    return sorted(grouped.values(), key=lambda item: item[0].name)
