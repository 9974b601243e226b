"""Beleidssignalen: for one municipality (gemeente) and year, across its neighbourhoods in the programmes, what
policy can do something about — connecting policy to practice. The study: strength in the neighbourhood
(horizontal) is fragile without structures of policy, funding and procedures (vertical).

Per neighbourhood and together: the governance ("bestuurlijk") and societal ("maatschappelijk") environment
factors that hinder and help, with the stories behind them; what residents and community builders ask of
policy; the vertical structures that are missing (sustainability gaps); stacking of hindering factors; and
what helps.

No new analysis: every figure is the analysis's own (``analysis.aanpak.factor_balance`` for factors and stacking,
``analysis.duurzaamheid`` for the structures and the risk signals), each linked to the evidence page of its
neighbourhood (``reports.evidence``). Together only counts neighbourhoods or adds up, and says so.

Stories: only fragments residents allowed to be quoted, in the words a person approved with names
pseudonymised (``reports.quotes``); the speaker as a role, never a pseudonym. The instruments have no question
"what do you ask of policy"; what residents ask of policy are the fragments coded with a vertical structure
(``sustainability.vertical`` and below: the codebook codes there "what residents and community builders ask of
policy"). The page says so in its method note.

A policy officer of the municipality reads this report and the counts and quotes behind its numbers, nothing else
(``people.access.user_reads_policy_signals``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from krachtvansamen.analysis.duurzaamheid import ABSENT, PARTLY, PRESENT, UNKNOWN
from krachtvansamen.analysis.services import analyse_neighbourhoods
from krachtvansamen.analysis.synthesis import NeighbourhoodAnalysis
from krachtvansamen.analysis.years import check_year, data_years
from krachtvansamen.assessments.models import FactorObservation
from krachtvansamen.coding.models import Fragment
from krachtvansamen.coding.selectors import codings_counted
from krachtvansamen.core.types import User
from krachtvansamen.instruments.models import SubmissionFragment
from krachtvansamen.neighbourhoods.models import Neighbourhood
from krachtvansamen.neighbourhoods.years import years_up_to
from krachtvansamen.people.access import user_reads_policy_signals
from krachtvansamen.reports import services
from krachtvansamen.reports.links import Num, neighbourhood_linker
from krachtvansamen.reports.quotes import Quote, pick_quotes, quotes_for

# The environment factors a municipality's policy works on most directly.
POLICY_FACTORS = ("factor.governance", "factor.societal")
# Fragments about what is asked of policy: coded with a vertical structure (the code itself or below it).
ASKS_PREFIX = "sustainability.vertical"
STORIES_PER_FACTOR = 2
ASKS_QUOTES = 3
HELPS_QUOTES = 2
QUOTE_MAX_LENGTH = 320
MUNICIPALITY_CODE = re.compile(r"^GM\d{4}$")


@dataclass(frozen=True)
class FactorCell:
    """One policy factor in one neighbourhood: the year's hindering and helping observations."""

    key: str
    label: str
    hinders: Num
    helps: Num


@dataclass(frozen=True)
class Gap:
    """A vertical structure that is not (fully) in place in a neighbourhood, as assessed in the year."""

    key: str
    label: str
    status: str  # absent / partly
    status_label: str
    href: str  # its evidence page


@dataclass(frozen=True)
class Row:
    neighbourhood: Neighbourhood
    observed: int  # environment-factor observations of the year, all five types
    assessed: int  # sustainability assessments of the year
    factors: list[FactorCell]  # governance, societal
    hindering: Num  # types of environment factors with something that hinders (the stacking count)
    types_total: int
    stacking: bool
    vertical_present: Num  # vertical structures in place
    vertical_assessed: int  # of the vertical structures, those assessed
    vertical_total: int
    horizontal_present: int
    gaps: list[Gap]
    asks: Num  # fragments of the year coded with a vertical structure

    @property
    def too_little(self) -> bool:
        """Nothing recorded about environment factors or structures in the year."""
        return not self.observed and not self.assessed

    @property
    def fragile(self) -> bool:
        """Strength in the neighbourhood (a horizontal structure in place) without any vertical one in place,
        where the vertical ones were assessed: the study's 'horizontal strength is fragile'."""
        return (
            bool(self.horizontal_present) and self.vertical_assessed > 0 and not self.vertical_present.value
        )


@dataclass(frozen=True)
class Story:
    quote: Quote
    neighbourhood: str

    @property
    def attribution(self) -> str:
        return f"{self.quote.attribution} · {self.neighbourhood}"


@dataclass(frozen=True)
class FactorTogether:
    key: str
    label: str
    hindering_neighbourhoods: int  # neighbourhoods where this factor hinders
    hinders: int  # their hindering observations added up
    helping_neighbourhoods: int
    helps: int
    stories: list[Story]  # what hinders, in residents' (allowed) words
    story_candidates: int  # fragments behind what hinders in the year, quotable or not


@dataclass(frozen=True)
class GapTogether:
    key: str
    label: str
    absent: int  # neighbourhoods
    partly: int
    present: int
    not_assessed: int


@dataclass(frozen=True)
class Beleidssignalen:
    municipality_code: str
    municipality_name: str
    year: int
    years: list[int]
    rows: list[Row]
    factors: list[FactorTogether]
    gaps: list[GapTogether]
    stacking: int  # neighbourhoods where hindering factors stack up
    stacking_threshold: int
    fragile: int  # neighbourhoods with horizontal strength and no vertical structure in place
    vertical_assessed: int  # neighbourhoods where vertical structures were assessed
    asks: int  # fragments about what is asked of policy, added up
    asks_quotable: int
    asks_stories: list[Story]
    asks_earlier: list[Story]  # when the year has too few that may be quoted: from the years before
    helps_stories: list[Story]
    findings: list[str]

    @property
    def with_data(self) -> int:
        return sum(1 for row in self.rows if not row.too_little)


# --- Who may read it ---------------------------------------------------------------------------------------------


def beleidssignalen_scope(*, user: User, municipality_code: str) -> tuple[str, list[Neighbourhood]]:
    """The municipality's code and its neighbourhoods in a programme, if the user may read its Beleidssignalen.

    404 for a code that is no municipality code; 403 (a Dutch message) for someone who may not read it; 404 when
    no neighbourhood of the municipality takes part in a programme. The decision is ``people.access``'s."""
    code = municipality_code.strip().upper()
    if not MUNICIPALITY_CODE.match(code):
        raise Http404(_("A municipality code looks like GM0202: GM and four digits."))
    if not user_reads_policy_signals(user=user, municipality_code=code):
        raise PermissionDenied(_("You can only open the policy signals of your own municipality."))
    neighbourhoods = municipality_neighbourhoods(municipality_code=code)
    if not neighbourhoods:
        raise Http404(_("No neighbourhood of this municipality takes part in a programme yet."))
    return code, neighbourhoods


def municipality_neighbourhoods(*, municipality_code: str) -> list[Neighbourhood]:
    """The municipality's neighbourhoods that take part in a programme, by name."""
    return list(
        Neighbourhood.objects.filter(municipality_code=municipality_code, programme__isnull=False)
        .select_related("programme")
        .order_by("name", "pk")
    )


# --- The report ---------------------------------------------------------------------------------------------------


def beleidssignalen_report(
    *, municipality_code: str, neighbourhoods: Sequence[Neighbourhood], year: int, site: str = ""
) -> Beleidssignalen:
    """The Beleidssignalen of the municipality's ``neighbourhoods`` in ``year`` (raises ``NoDataForYear``)."""
    ordered = sorted(neighbourhoods, key=lambda n: (n.name, n.pk))
    ids = [n.pk for n in ordered]
    years = data_years(neighbourhood_ids=ids)
    check_year(year=year, years=years)
    p = analyse_neighbourhoods(neighbourhood_ids=ids, years=years_up_to(up_to=year))
    asks_by_neighbourhood = policy_fragment_ids(neighbourhood_ids=ids, years=[year])
    analyses: list[tuple[Neighbourhood, NeighbourhoodAnalysis]] = []
    for n in ordered:
        a = p.get(n.pk)
        if a is not None:
            analyses.append((n, a))
    rows = [_row(n, a, asks=len(asks_by_neighbourhood.get(n.pk, ())), site=site) for n, a in analyses]
    names = {n.pk: n.name for n in ordered}
    quotes = quotes_for(neighbourhood_ids=ids, years=[year], show_speaker=False)
    where = _fragment_neighbourhoods(quotes)
    used: set[int] = set()
    factors = _factors_together(analyses, rows, quotes=quotes, where=where, names=names, used=used)
    every_ask = {i for found in asks_by_neighbourhood.values() for i in found}
    asks_stories = _stories(
        pick_quotes(quotes, count=ASKS_QUOTES, used=used, among=every_ask, max_length=QUOTE_MAX_LENGTH,
                    residents_first=True),
        where, names,
    )  # fmt: skip
    asks_earlier: list[Story] = []
    earlier = [y for y in p.years if y < year]
    if len(asks_stories) < ASKS_QUOTES and earlier:  # filled up from earlier years, said so on the page
        before = quotes_for(neighbourhood_ids=ids, years=earlier, show_speaker=False)
        earlier_asks = {i for found in policy_fragment_ids(neighbourhood_ids=ids, years=earlier).values()
                        for i in found}  # fmt: skip
        asks_earlier = _stories(
            pick_quotes(before, count=ASKS_QUOTES - len(asks_stories), used=used, among=earlier_asks,
                        max_length=QUOTE_MAX_LENGTH, residents_first=True),
            _fragment_neighbourhoods(before), names,
        )  # fmt: skip
    helping = _helping_fragment_ids(analyses, year=year)
    helps_stories = _stories(
        pick_quotes(quotes, count=HELPS_QUOTES, used=used, among=helping, prefixes=POLICY_FACTORS,
                    max_length=QUOTE_MAX_LENGTH, residents_first=True),
        where, names,
    )  # fmt: skip
    first = ordered[0] if ordered else None
    threshold = analyses[0][1].aanpak.factors.stacking_threshold if analyses else 3
    report = Beleidssignalen(
        municipality_code=municipality_code,
        municipality_name=(first.municipality_name if first else "") or municipality_code,
        year=year, years=years, rows=rows, factors=factors, gaps=_gaps_together(analyses),
        stacking=sum(1 for row in rows if row.stacking), stacking_threshold=threshold,
        fragile=sum(1 for row in rows if row.fragile),
        vertical_assessed=sum(1 for row in rows if row.vertical_assessed),
        asks=len(every_ask), asks_quotable=sum(1 for q in quotes if q.fragment_id in every_ask),
        asks_stories=asks_stories, asks_earlier=asks_earlier, helps_stories=helps_stories, findings=[],
    )  # fmt: skip
    return _with_findings(report)


def policy_fragment_ids(*, neighbourhood_ids: Sequence[int], years: Sequence[int]) -> dict[int, set[int]]:
    """Per neighbourhood, the fragments of ``years`` coded with a vertical structure (``sustainability.vertical``
    or a code below it), by the codings the analyses count: what residents and community builders ask of
    policy."""
    found: dict[int, set[int]] = {}
    rows = (
        codings_counted()
        .filter(fragment__neighbourhood_id__in=neighbourhood_ids, fragment__year__in=years)
        .filter(code__key__startswith=ASKS_PREFIX)
        .values_list("fragment__neighbourhood_id", "fragment_id")
    )
    for neighbourhood_id, fragment_id in rows:
        found.setdefault(neighbourhood_id, set()).add(fragment_id)
    return found


def _row(n: Neighbourhood, a: NeighbourhoodAnalysis, *, asks: int, site: str) -> Row:
    link = neighbourhood_linker(cbs_code=n.cbs_code, year=a.year, site=site)
    factors = a.aanpak.factors
    by_key = {t.key: t for t in factors.types}
    cells = []
    for key in POLICY_FACTORS:
        t = by_key.get(key)
        if t is None:  # a codebook without this type
            continue
        cells.append(FactorCell(
            key=key, label=t.label,
            hinders=link.count(t.hinders, f"factor:{key}:hinders", _("%(factor)s: what hinders") % {"factor": t.label}),
            helps=link.count(t.helps, f"factor:{key}:helps", _("%(factor)s: what helps") % {"factor": t.label}),
        ))  # fmt: skip
    structures = a.duurzaamheid.structures
    gaps = [
        Gap(key=s.key, label=s.label, status=s.status, status_label=s.status_label,
            href=link.href(f"structure:{s.key}"))
        for s in structures.vertical if s.status in (ABSENT, PARTLY)
    ]  # fmt: skip
    return Row(
        neighbourhood=n, observed=len(factors.observation_ids), assessed=len(structures.assessment_ids),
        factors=cells, hindering=link.count(factors.hindering_count, "stacking"), types_total=len(factors.types),
        stacking=factors.stacking,
        vertical_present=link.count(structures.vertical_present, "structures:vertical"),
        vertical_assessed=sum(1 for s in structures.vertical if s.status != UNKNOWN),
        vertical_total=len(structures.vertical), horizontal_present=structures.horizontal_present,
        gaps=gaps, asks=link.count(asks, "asks"),
    )  # fmt: skip


def _fragment_neighbourhoods(quotes: Sequence[Quote]) -> dict[int, int]:
    return dict(
        Fragment.objects.filter(pk__in=[q.fragment_id for q in quotes]).values_list("pk", "neighbourhood_id")
    )


def _stories(quotes: Sequence[Quote], where: dict[int, int], names: dict[int, str]) -> list[Story]:
    return [Story(quote=q, neighbourhood=names.get(where.get(q.fragment_id, 0), "")) for q in quotes]


def _hindering_fragments(
    analyses: Sequence[tuple[Neighbourhood, NeighbourhoodAnalysis]], *, year: int
) -> set[int]:
    """Fragments that say what hinders in the year: answering a question asked as "what hinders"."""
    ids = [n.pk for n, _a in analyses]
    return set(
        SubmissionFragment.objects.filter(
            fragment__neighbourhood_id__in=ids, fragment__year=year, stance=SubmissionFragment.Stance.HINDERS
        ).values_list("fragment_id", flat=True)
    )


def _helping_fragment_ids(
    analyses: Sequence[tuple[Neighbourhood, NeighbourhoodAnalysis]], *, year: int
) -> set[int]:
    """Fragments that say what helps about a policy factor: recorded with a helping governance or societal
    observation of the year (the analysis's own ids), or answering a question asked as "what helps"."""
    observation_ids = [
        i for _n, a in analyses for t in a.aanpak.factors.types if t.key in POLICY_FACTORS
        for i in t.helps_observation_ids
    ]  # fmt: skip
    observed = FactorObservation.objects.filter(pk__in=observation_ids, fragment__isnull=False).values_list(
        "fragment_id", flat=True
    )
    answered = SubmissionFragment.objects.filter(
        fragment__neighbourhood_id__in=[n.pk for n, _a in analyses], fragment__year=year,
        stance=SubmissionFragment.Stance.HELPS,
    ).values_list("fragment_id", flat=True)  # fmt: skip
    return {i for i in observed if i is not None} | set(answered)


def _factors_together(
    analyses: Sequence[tuple[Neighbourhood, NeighbourhoodAnalysis]],
    rows: Sequence[Row],
    *,
    quotes: Sequence[Quote],
    where: dict[int, int],
    names: dict[int, str],
    used: set[int],
) -> list[FactorTogether]:
    """Per policy factor: in how many neighbourhoods it hinders and helps, and the stories behind what hinders —
    the fragments the hindering observations were recorded from (the analysis's own observation ids), and the
    fragments coded with the factor that answered "what hinders"."""
    year = analyses[0][1].year if analyses else 0
    answered_hinders = _hindering_fragments(analyses, year=year)
    out = []
    for i, key in enumerate(POLICY_FACTORS):
        cells = [row.factors[i] for row in rows if len(row.factors) > i]
        if not cells:
            continue
        observation_ids = [
            oid for _n, a in analyses for t in a.aanpak.factors.types if t.key == key for oid in t.hinders_observation_ids
        ]  # fmt: skip
        behind = {
            fid for fid in FactorObservation.objects.filter(pk__in=observation_ids, fragment__isnull=False)
            .values_list("fragment_id", flat=True) if fid is not None
        }  # fmt: skip
        coded = set(
            codings_counted().filter(fragment_id__in=answered_hinders, code__key__startswith=key)
            .values_list("fragment_id", flat=True)
        )  # fmt: skip
        candidates = behind | coded
        stories = _stories(
            pick_quotes(quotes, count=STORIES_PER_FACTOR, used=used, among=candidates,
                        max_length=QUOTE_MAX_LENGTH, residents_first=True),
            where, names,
        )  # fmt: skip
        out.append(FactorTogether(
            key=key, label=cells[0].label,
            hindering_neighbourhoods=sum(1 for c in cells if c.hinders.value),
            hinders=sum(int(c.hinders.value or 0) for c in cells),
            helping_neighbourhoods=sum(1 for c in cells if c.helps.value),
            helps=sum(int(c.helps.value or 0) for c in cells),
            stories=stories, story_candidates=len(candidates),
        ))  # fmt: skip
    return out


def _gaps_together(analyses: Sequence[tuple[Neighbourhood, NeighbourhoodAnalysis]]) -> list[GapTogether]:
    """Per vertical structure of the codebook: in how many neighbourhoods it is absent, partly or fully in place,
    or not assessed in the year."""
    if not analyses:
        return []
    out = []
    for i, s in enumerate(analyses[0][1].duurzaamheid.structures.vertical):
        statuses = [a.duurzaamheid.structures.vertical[i].status for _n, a in analyses]
        out.append(GapTogether(
            key=s.key, label=s.label, absent=statuses.count(ABSENT), partly=statuses.count(PARTLY),
            present=statuses.count(PRESENT), not_assessed=statuses.count(UNKNOWN),
        ))  # fmt: skip
    return out


def _with_findings(r: Beleidssignalen) -> Beleidssignalen:
    """Up to six sentences over all neighbourhoods, each with the number it rests on."""
    total = len(r.rows)
    out = [
        ngettext(
            "In %(year)s, %(n)s neighbourhood of %(municipality)s takes part in a programme.",
            "In %(year)s, %(n)s neighbourhoods of %(municipality)s take part in a programme.",
            total,
        )
        % {"year": r.year, "n": total, "municipality": r.municipality_name}
    ]
    thin = total - r.with_data
    if thin:
        out.append(
            ngettext(
                "About %(n)s neighbourhood nothing was recorded in %(year)s about environment factors or "
                "structures: too little data to say anything.",
                "About %(n)s neighbourhoods nothing was recorded in %(year)s about environment factors or "
                "structures: too little data to say anything.",
                thin,
            )
            % {"n": thin, "year": r.year}
        )
    for f in r.factors:
        if f.hindering_neighbourhoods:
            out.append(
                _("%(factor)s: hinders in %(n)s of the %(total)s neighbourhoods (%(obs)s observations), "
                  "helps in %(helps)s.")
                % {"factor": f.label, "n": f.hindering_neighbourhoods, "total": total, "obs": f.hinders,
                   "helps": f.helping_neighbourhoods}
            )  # fmt: skip
    if r.stacking:
        out.append(
            _("Hindering factors stack up (in %(threshold)s or more of the five types at once) in %(n)s of the "
              "%(total)s neighbourhoods.")
            % {"threshold": r.stacking_threshold, "n": r.stacking, "total": total}
        )  # fmt: skip
    if r.fragile:
        out.append(
            _("In %(n)s of the %(assessed)s neighbourhoods where they were assessed, there is strength in the "
              "neighbourhood but no vertical structure (policy, funding, procedures) is fully in place: that "
              "strength is fragile.")
            % {"n": r.fragile, "assessed": r.vertical_assessed}
        )  # fmt: skip
    if r.asks:
        out.append(
            ngettext(
                "%(n)s story is about what is asked of policy (%(quotable)s may be quoted).",
                "%(n)s stories are about what is asked of policy (%(quotable)s may be quoted).",
                r.asks,
            )
            % {"n": r.asks, "quotable": r.asks_quotable}
        )
    return replace(r, findings=out[:7])


# --- Web page and PDF ---------------------------------------------------------------------------------------------


def beleidssignalen_html(report: Beleidssignalen, *, pdf: bool, request: HttpRequest | None = None) -> str:
    title = _("Policy signals %(municipality)s %(year)s") % {
        "municipality": report.municipality_name, "year": report.year,
    }  # fmt: skip
    code = report.municipality_code
    context = {
        "r": report, "pdf": pdf, "layout": "reports/print_base.html" if pdf else "base.html",
        "print_css": services.print_css() if pdf else "", "report_footer": title.replace('"', "'"),
        "pdf_url": reverse("reports:beleidssignalen_pdf", args=[code, report.year]),
        "year_urls": [(y, reverse("reports:beleidssignalen", args=[code, y])) for y in report.years],
    }  # fmt: skip
    return render_to_string("reports/beleidssignalen.html", context, request=request)


def beleidssignalen_pdf(report: Beleidssignalen) -> bytes:
    return services.html_to_pdf(beleidssignalen_html(report, pdf=True))
