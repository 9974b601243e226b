"""A funder's portfolio: one page (and one PDF) over all neighbourhoods a funder funds, instead of one
Financiersrapport per neighbourhood. Per neighbourhood one row — who took part, what changed (like with like),
who is not reached yet, what it needs to last — each leading to that neighbourhood's Financiersrapport; then
"Samen": the same figures counted over the neighbourhoods.

No new analysis: every figure of a row is the Financiersrapport's own (``reports.financier``: the participants of
``analysis.participants``, the effect levels with their like-with-like change of ``analysis.compare``, the groups
``analysis.inclusion`` calls under-represented, the risk signals of ``analysis.duurzaamheid``). "Samen" only adds
them up or counts neighbourhoods, and says so. All neighbourhoods are analysed with one
``analyse_neighbourhoods`` (a fixed number of queries, not one set per neighbourhood). A portfolio shows no
fragments at all: the quotes stay in each Financiersrapport.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from krachtvansamen.analysis.services import analyse_neighbourhoods
from krachtvansamen.analysis.synthesis import NeighbourhoodAnalysis
from krachtvansamen.analysis.years import check_year, data_years
from krachtvansamen.core.exports import export_links
from krachtvansamen.core.types import User
from krachtvansamen.neighbourhoods.models import Neighbourhood
from krachtvansamen.neighbourhoods.years import years_up_to
from krachtvansamen.people.access import neighbourhoods_for_user, neighbourhoods_funded_by_user, user_roles
from krachtvansamen.people.models import Membership, Role
from krachtvansamen.reports import services
from krachtvansamen.reports.financier import LEVEL_PLAIN, NotReached
from krachtvansamen.reports.financier import not_reached as financier_not_reached
from krachtvansamen.reports.links import Num, change_text, neighbourhood_linker

# The effect levels in a table cell: short words for the Financiersrapport's ``LEVEL_PLAIN``.
LEVEL_SHORT = {
    "effect.individual": gettext_lazy("People themselves"),
    "effect.social": gettext_lazy("Contacts"),
    "effect.neighbourhood": gettext_lazy("Neighbourhood"),
}


@dataclass(frozen=True)
class LevelCell:
    """One effect level of one neighbourhood: the year's stories and the like-with-like change."""

    key: str
    short: str
    num: Num  # stories (fragments with an effect code of this level) in the year
    change: int | None  # like with like (``analysis.compare``); None when nothing can be compared

    @property
    def change_text(self) -> str:
        return change_text(self.change)


@dataclass(frozen=True)
class Risk:
    key: str
    title: str
    href: str  # its evidence page (a funder may open it)


@dataclass(frozen=True)
class Row:
    """One neighbourhood of the portfolio: the Financiersrapport's figures, in short."""

    neighbourhood: Neighbourhood
    report_url: str  # its Financiersrapport of the year
    participants: Num
    stories: int  # fragments with any effect code in the year, per level added up: only to tell "none"
    levels: list[LevelCell]
    comparable: bool  # a change from the year before can be told, like with like
    comparison: str  # which instruments the change compares, in a sentence (empty in the first year)
    not_reached: list[NotReached]
    inclusion_too_few: bool  # in no dimension enough known participants to say who is not reached
    known: int  # the most participants whose background (in one dimension) is known
    risks: list[Risk]

    @property
    def too_little(self) -> bool:
        """Nothing to tell about the year: no participants and no stories about change."""
        return not self.participants.value and not self.stories


@dataclass(frozen=True)
class LevelTogether:
    key: str
    words: str
    neighbourhoods: int  # neighbourhoods with at least one story of this level in the year
    stories: int  # their stories added up
    compared: int  # neighbourhoods whose change can be told like with like
    more: int  # of those: more stories than the year before


@dataclass(frozen=True)
class Counted:
    """Something counted over neighbourhoods: a group not reached, a risk."""

    label: str
    neighbourhoods: int


@dataclass(frozen=True)
class Together:
    participants: int  # the rows' participants added up (one definition: ``analysis.participants``)
    with_data: int  # neighbourhoods with something to tell about the year
    levels: list[LevelTogether]
    not_reached: list[Counted]  # most neighbourhoods first
    inclusion_too_few: int  # neighbourhoods where too few backgrounds are known to say
    risks: list[Counted]  # most neighbourhoods first
    without_risk: int


@dataclass(frozen=True)
class Portfolio:
    year: int
    years: list[int]
    previous_year: int | None
    funders: list[str]  # the organisations whose funding the portfolio covers (empty: a manager's reach)
    rows: list[Row]
    together: Together
    findings: list[str]  # "In het kort": three to five sentences, each with its n


def portfolio_scope(*, user: User) -> tuple[list[Neighbourhood], list[str]]:
    """The neighbourhoods of the user's portfolio and the funders it covers: a funder's funded neighbourhoods;
    for a programme manager or an administrator the neighbourhoods they reach. Others: 403 (with a Dutch
    message); a funder who funds nothing yet: 404. The decisions are ``people.access``'s."""
    roles = user_roles(user=user)
    found = Neighbourhood.objects.none()
    if Role.FUNDER in roles:
        found = neighbourhoods_funded_by_user(user=user)
    if roles & {Role.PROGRAMME_MANAGER, Role.ADMIN}:
        found = (found | neighbourhoods_for_user(user=user)).distinct()
    elif Role.FUNDER not in roles:
        raise PermissionDenied(_("The portfolio is for funders and programme managers."))
    neighbourhoods = list(found.select_related("programme").order_by("name", "pk"))
    if not neighbourhoods:
        raise Http404(_("Your organisation does not fund a neighbourhood in this system yet."))
    funders: list[str] = []
    if Role.FUNDER in roles:
        funders = sorted(set(Membership.objects.filter(user_id=user.pk or 0, role=Role.FUNDER)
                             .values_list("organisation__name", flat=True)))  # fmt: skip
    return neighbourhoods, funders


def portfolio_html(report: Portfolio, *, pdf: bool, request: HttpRequest | None = None) -> str:
    """The portfolio page, or the HTML its PDF is drawn from (the print layout of the other reports)."""
    title = _("Portfolio %(year)s") % {"year": report.year}
    context = {
        "r": report, "pdf": pdf, "layout": "reports/print_base.html" if pdf else "base.html",
        "print_css": services.print_css() if pdf else "", "report_footer": title.replace('"', "'"),
        "pdf_url": reverse("reports:portfolio_pdf", args=[report.year]),
        "year_urls": [(y, reverse("reports:portfolio", args=[y])) for y in report.years],
        "download": export_links(request) if request is not None and not pdf else None,
    }  # fmt: skip
    return render_to_string("reports/portfolio.html", context, request=request)


def portfolio_table(report: Portfolio) -> tuple[list[str], list[list[object]]]:
    """The table "Per neighbourhood" as rows for a download: the same figures, numbers as numbers (a change
    like with like as +2 or -1, empty when it cannot be told)."""
    levels = report.rows[0].levels if report.rows else []
    header = [_("Neighbourhood"), _("CBS code"), _("Municipality"), _("Took part")]
    for level in levels:
        header.append(_("Stories about change: %(level)s") % {"level": level.short})
        if report.previous_year:
            header.append(_("%(level)s: change compared with %(year)s") % {"level": level.short,
                                                                            "year": report.previous_year})  # fmt: skip
    header += [_("Not reached yet"), _("To make it last"), _("Remark")]
    rows: list[list[object]] = []
    for row in report.rows:
        n = row.neighbourhood
        cells: list[object] = [n.name, n.cbs_code, n.municipality_name, row.participants.value]
        for cell in row.levels:
            cells.append(cell.num.value)
            if report.previous_year:
                cells.append(cell.change if row.comparable else None)
        cells.append("; ".join(f"{g.label} ({g.num.text} / {g.known})" for g in row.not_reached))
        cells.append("; ".join(risk.title for risk in row.risks))
        cells.append(_("Too little data") if row.too_little else "")
        rows.append(cells)
    return header, rows


def portfolio_pdf(report: Portfolio) -> bytes:
    return services.html_to_pdf(portfolio_html(report, pdf=True))


def portfolio_report(
    *, neighbourhoods: Sequence[Neighbourhood], year: int, funders: Sequence[str] = (), site: str = ""
) -> Portfolio:
    """The portfolio of ``neighbourhoods`` (those the reader may open) in ``year`` (raises ``NoDataForYear``)."""
    ordered = sorted(neighbourhoods, key=lambda n: (n.name, n.pk))
    ids = [n.pk for n in ordered]
    years = data_years(neighbourhood_ids=ids)
    check_year(year=year, years=years)
    p = analyse_neighbourhoods(neighbourhood_ids=ids, years=years_up_to(up_to=year))
    previous_year = p.years[-2] if len(p.years) > 1 else None
    rows = []
    for n in ordered:
        a = p.get(n.pk)
        if a is not None:
            rows.append(_row(n, a, year=year, site=site))
    together = _together(rows)
    return Portfolio(
        year=year, years=years, previous_year=previous_year, funders=sorted(set(funders)), rows=rows,
        together=together, findings=_findings(together, rows, year=year),
    )  # fmt: skip


def _row(n: Neighbourhood, a: NeighbourhoodAnalysis, *, year: int, site: str) -> Row:
    link = neighbourhood_linker(cbs_code=n.cbs_code, year=year, site=site)
    verandering = a.verandering
    comparison = verandering.effects.comparison(year)
    levels = []
    for level in verandering.effects.levels:
        cell = level.cells[
            -1
        ]  # the Financiersrapport's figure: the year's stories, the change like with like
        levels.append(LevelCell(
            key=level.key, short=str(LEVEL_SHORT.get(level.key, level.label)),
            num=link.count(cell.count, f"effect:{level.key}:{year}", str(LEVEL_PLAIN.get(level.key, level.label))),
            change=cell.change,
        ))  # fmt: skip
    dimensions = verandering.inclusion.dimensions
    return Row(
        neighbourhood=n, report_url=site + reverse("reports:financier", args=[n.cbs_code, year]),
        participants=link.count(verandering.participants, "participants"),
        stories=sum(int(c.num.value or 0) for c in levels), levels=levels,
        comparable=comparison is not None and comparison.comparable,
        comparison=comparison.sentence if comparison is not None else "",
        not_reached=financier_not_reached(verandering.inclusion, link),
        inclusion_too_few=all(d.too_few for d in dimensions),
        known=max((d.known for d in dimensions), default=0),
        risks=[Risk(r.key, r.title, link.href(f"risk:{r.key}")) for r in a.duurzaamheid.risks],
    )  # fmt: skip


def _together(rows: list[Row]) -> Together:
    levels = []
    for i, level in enumerate(rows[0].levels if rows else []):
        cells = [row.levels[i] for row in rows]
        compared = [c for row, c in zip(rows, cells, strict=True) if row.comparable and c.change is not None]
        levels.append(LevelTogether(
            key=level.key, words=str(LEVEL_PLAIN.get(level.key, level.short)),
            neighbourhoods=sum(1 for c in cells if c.num.value), stories=sum(int(c.num.value or 0) for c in cells),
            compared=len(compared), more=sum(1 for c in compared if (c.change or 0) > 0),
        ))  # fmt: skip
    groups: Counter[str] = Counter()
    risks: Counter[str] = Counter()
    for row in rows:
        groups.update({g.label for g in row.not_reached})
        risks.update({r.title for r in row.risks})
    return Together(
        participants=sum(int(row.participants.value or 0) for row in rows),
        with_data=sum(1 for row in rows if not row.too_little), levels=levels,
        not_reached=[Counted(label, count) for label, count in _most_first(groups)],
        inclusion_too_few=sum(1 for row in rows if row.inclusion_too_few and not row.too_little),
        risks=[Counted(title, count) for title, count in _most_first(risks)],
        without_risk=sum(1 for row in rows if not row.risks),
    )  # fmt: skip


def _most_first(counter: Counter[str]) -> list[tuple[str, int]]:
    return sorted(counter.items(), key=lambda item: (-item[1], item[0]))


def _findings(t: Together, rows: list[Row], *, year: int) -> list[str]:
    """Three to five sentences over all neighbourhoods, each with the number it rests on."""
    total = len(rows)
    out = [
        ngettext(
            "In %(year)s, %(people)s residents took part in the %(n)s neighbourhood of this portfolio "
            "(counted per neighbourhood and added up).",
            "In %(year)s, %(people)s residents took part in the %(n)s neighbourhoods of this portfolio "
            "(counted per neighbourhood and added up).",
            total,
        )
        % {"year": year, "people": t.participants, "n": total}
    ]
    told = [level for level in t.levels if level.neighbourhoods]
    if told:
        level = max(told, key=lambda item: (item.neighbourhoods, item.stories))
        out.append(
            _("Residents most often tell about %(words)s: in %(n)s of the %(total)s neighbourhoods (%(stories)s stories).")
            % {"words": level.words, "n": level.neighbourhoods, "total": total, "stories": level.stories}
        )  # fmt: skip
    compared = max((level.compared for level in t.levels), default=0)
    if compared and told:
        level = max(t.levels, key=lambda item: (item.more, item.compared))
        out.append(
            _("More stories than the year before about %(words)s in %(more)s of the %(compared)s neighbourhoods "
              "that can be compared (only instruments used in both years).")
            % {"words": level.words, "more": level.more, "compared": level.compared}
        )  # fmt: skip
    if t.not_reached:
        group = t.not_reached[0]
        out.append(
            _(
                "Not reached yet as much as they live there: %(group)s, in %(n)s of the %(total)s neighbourhoods."
            )
            % {"group": group.label, "n": group.neighbourhoods, "total": total}
        )
    if t.risks:
        risk = t.risks[0]
        out.append(
            _("To make it last, most often: %(risk)s (%(n)s of the %(total)s neighbourhoods).")
            % {"risk": risk.label[:1].lower() + risk.label[1:], "n": risk.neighbourhoods, "total": total}
        )
    if total - t.with_data:  # said early, so "In het kort" never leaves it out
        out.insert(
            1,
            ngettext(
                "About %(n)s neighbourhood there is too little data for %(year)s to say anything.",
                "About %(n)s neighbourhoods there is too little data for %(year)s to say anything.",
                total - t.with_data,
            )
            % {"n": total - t.with_data, "year": year},
        )
    return out[:5]
