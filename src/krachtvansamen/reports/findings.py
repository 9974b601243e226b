"""The first page of a buurtbeeld: "In het kort" (three to five findings, each with what it rests on) and "Wat we
(nog) niet weten" (where the data are too thin to say anything). Written from the same analysis result the rest of
the report shows, so the short version never says more than the long one."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from krachtvansamen.analysis.aanpak import UNKNOWN
from krachtvansamen.analysis.synthesis import NeighbourhoodAnalysis


@dataclass(frozen=True)
class Findings:
    known: list[str]  # three to five sentences, each with its n
    unknown: list[str]  # what the data do not (yet) tell


def _names(labels: list[str]) -> str:
    if len(labels) <= 1:
        return "".join(labels)
    return _("%(first)s and %(last)s") % {"first": ", ".join(labels[:-1]), "last": labels[-1]}


def findings(a: NeighbourhoodAnalysis) -> Findings:
    aanpak, verandering, duurzaamheid = a.aanpak, a.verandering, a.duurzaamheid
    year = a.year
    known: list[str] = []
    unknown: list[str] = []

    leadership = aanpak.leadership
    if verandering.participants or leadership.total:
        sentence = ngettext(
            "In %(year)s %(people)s residents took part in %(n)s activity",
            "In %(year)s %(people)s residents took part in %(n)s activities",
            leadership.total,
        ) % {"year": year, "people": verandering.participants, "n": leadership.total}
        if leadership.total and leadership.resident_share is not None:
            sentence += _("; residents thought up %(share)s%% of them themselves") % {
                "share": number_format(leadership.resident_share, 0)
            }
        known.append(sentence + ".")

    levels = [
        (row, next((c for c in row.cells if c.year == year), None)) for row in verandering.effects.levels
    ]
    counted = [(row, cell) for row, cell in levels if cell is not None and cell.count]
    if counted:
        row, cell = max(counted, key=lambda item: item[1].count)
        known.append(
            ngettext(
                "Most of the change residents describe is %(level)s: %(n)s story in %(year)s.",
                "Most of the change residents describe is %(level)s: %(n)s stories in %(year)s.",
                cell.count,
            )
            % {"level": str(row.label).lower(), "n": cell.count, "year": year}
        )

    factors = aanpak.factors
    hindering = [t for t in factors.types if t.key in factors.hindering_types]
    if factors.stacking:
        known.append(
            _("Hindering factors pile up (stacking): in %(n)s of the %(total)s kinds at once — %(kinds)s.")
            % {"n": len(hindering), "total": len(factors.types), "kinds": _names([str(t.label).lower() for t in hindering])}
        )  # fmt: skip
    elif hindering:
        known.append(
            _("What gets in the way: %(kinds)s.")
            % {"kinds": _names([str(t.label).lower() for t in hindering])}
        )

    not_reached = verandering.inclusion.not_reached
    if not_reached:
        known.append(
            _("Not yet reached as much as they live here: %(groups)s.")
            % {"groups": _names([g.label for g in not_reached])}
        )

    if duurzaamheid.risks and len(known) < 5:
        signal = str(duurzaamheid.risks[0].message).rstrip(".")
        known.append(_("To last: %(signal)s.") % {"signal": signal[:1].lower() + signal[1:]})

    # --- what we do not (yet) know ---
    thin = [p for p in aanpak.principles if p.strength == UNKNOWN]
    if thin:
        unknown.append(
            ngettext(
                "For %(n)s of the %(total)s ABCD principles there is too little data to judge "
                "(fewer than %(answers)s questionnaire answers and fewer than %(fragments)s coded fragments).",
                "For %(n)s of the %(total)s ABCD principles there is too little data to judge "
                "(fewer than %(answers)s questionnaire answers and fewer than %(fragments)s coded fragments).",
                len(thin),
            )
            % {"n": len(thin), "total": len(aanpak.principles), "answers": thin[0].questionnaire_min_answers,
               "fragments": thin[0].evidence_strong}
        )  # fmt: skip
    comparison = verandering.effects.comparisons.get(year)
    if comparison is not None and (not comparison.comparable or comparison.only_this_year):
        unknown.append(comparison.sentence)
    for dimension in verandering.inclusion.dimensions:
        if dimension.too_few:
            unknown.append(
                _(
                    "Whether every %(dimension)s takes part: we know it of only %(known)s participants, too few to say."
                )
                % {"dimension": dimension.label, "known": dimension.known}
            )
    if verandering.inclusion.not_asked:
        unknown.append(_("Children under 15: no instrument asks them."))
    if not known:
        unknown.insert(0, _("There is not enough data for %(year)s yet to say anything about this neighbourhood.") % {
            "year": year})  # fmt: skip
    return Findings(known=known[:5], unknown=unknown)
