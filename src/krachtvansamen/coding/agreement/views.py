"""The agreement page (/coderen/overeenstemming/): how well coders agree, per code and overall, on a chosen
set of fragments; as a page or as a CSV file (``?format=csv``)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from krachtvansamen.coding.agreement import selectors
from krachtvansamen.coding.agreement.forms import AgreementForm, filters_from
from krachtvansamen.coding.agreement.measures import (
    FEW_FRAGMENTS,
    WHY_SHORT,
    WHY_TEXT,
    Agreement,
    CodeAgreement,
    Figure,
    Why,
    agreement_measure,
)
from krachtvansamen.coding.agreement.selectors import AgreementFilters, CoderCount
from krachtvansamen.core.spreadsheets import cell_safe
from krachtvansamen.people.access import neighbourhoods_for_user, user_reads_coding


@dataclass(frozen=True)
class Row:
    """One line of the per-code table, as the template and the CSV file show it."""

    key: str
    label: str
    figures: CodeAgreement
    disputes_url: str
    given_by: list[tuple[str, int]]  # (coder's name, how often they gave the code)


@dataclass(frozen=True)
class PairRow:
    coder: CoderCount
    cells: list[Figure | None]  # None: the coder with themselves


def _disputes_url(filters: AgreementFilters, code: str) -> str:
    """The disagreements on a code in the workbench, with the same fragments; empty if that page is not
    there (yet)."""
    try:
        base = reverse("coding:disputes")
    except NoReverseMatch:
        return ""
    query = {
        "code": code,
        "programme": filters.programme_id or "",
        "neighbourhood": filters.neighbourhood_id or "",
        "instrument": filters.instrument,
        "year": filters.year or "",
        "speaker_role": filters.speaker_role,
    }
    return f"{base}?{urlencode({k: v for k, v in query.items() if v})}"


def _coders_asked(query: QueryDict, coders: list[CoderCount], default: list[int]) -> QueryDict:
    """Coders chosen earlier who did not code in the set now chosen are dropped, not an error; without a
    choice, the default pair is ticked, so the form shows whom the figures compare."""
    known = {str(c.coder_id) for c in coders}
    data = query.copy()
    asked = [value for value in query.getlist("coder") if value in known]
    data.setlist("coder", asked or ([] if query.get("all_coders") else [str(pk) for pk in default]))
    return data


@login_required
def agreement(request: HttpRequest) -> HttpResponse:
    if not user_reads_coding(user=request.user):
        raise PermissionDenied(
            _("Only coders, researchers and programme managers see agreement between coders.")
        )
    neighbourhoods = neighbourhoods_for_user(user=request.user)
    choices = selectors.agreement_filter_choices(neighbourhoods=neighbourhoods)
    coders, default_coders = selectors.agreement_coders(
        neighbourhoods=neighbourhoods, filters=filters_from(request.GET)
    )
    form = AgreementForm(
        _coders_asked(request.GET, coders, default_coders),
        programmes=choices["programmes"],
        neighbourhoods=choices["neighbourhoods"],
        years=choices["years"],
        groups=selectors.code_groups(),
        coders=coders,
    )
    result: Agreement | None = None
    chosen: list[CoderCount] = []
    rows: list[Row] = []
    filters = AgreementFilters()
    if form.is_valid():
        filters = form.filters()
        by_id = {c.coder_id: c for c in coders}
        if form.cleaned_data["all_coders"]:
            ids = [c.coder_id for c in coders]
        else:
            ids = form.cleaned_data["coder"]
        chosen = [by_id[pk] for pk in ids if pk in by_id]
        if len(chosen) >= 2:
            data = selectors.agreement_input(
                neighbourhoods=neighbourhoods, filters=filters, coder_ids=[c.coder_id for c in chosen]
            )
            result = agreement_measure(data)
            labels = selectors.code_labels(keys=list(data.codes))
            names = {c.coder_id: c.name for c in chosen}
            rows = [
                Row(
                    key=f.code,
                    label=labels[f.code],
                    figures=f,
                    disputes_url=_disputes_url(filters, f.code),
                    given_by=[(names[coder], times) for coder, times in f.given_by],
                )
                for f in result.per_code
            ]
    if request.GET.get("format") == "csv":
        return _csv(rows, result)
    csv_query = request.GET.copy()
    csv_query["format"] = "csv"
    return render(
        request,
        "coding/agreement/agreement.html",
        {
            "form": form,
            "result": result,
            "chosen": chosen,
            "coders": coders,
            "compared_rows": [row for row in rows if row.figures.given],
            "never_given_rows": [row for row in rows if not row.figures.given],
            "pairs": _pair_rows(result, chosen) if result else [],
            "reasons": _reasons(result),
            "few_fragments": FEW_FRAGMENTS,
            "csv_url": f"?{csv_query.urlencode()}",
        },
    )


def _pair_rows(result: Agreement, chosen: list[CoderCount]) -> list[PairRow]:
    rows = []
    for coder in chosen:
        cells: list[Figure | None] = []
        for other in chosen:
            pair = result.pair(coder.coder_id, other.coder_id) if other != coder else None
            cells.append(pair.kappa if pair else None)
        rows.append(PairRow(coder=coder, cells=cells))
    return rows


def _reasons(result: Agreement | None) -> list[tuple[str, str]]:
    """(short, long) explanation of every reason a figure on the page is missing."""
    if result is None:
        return []
    figures = [
        figure
        for row in (*result.compared, result.pooled)
        for figure in (row.alpha, row.kappa, row.ac1, row.observed)
    ] + [pair.kappa for pair in result.pairs]
    seen = dict.fromkeys(figure.why for figure in figures if figure.why)
    return [(str(WHY_SHORT[why]), str(WHY_TEXT[why])) for why in seen if why]


# --- the CSV file -----------------------------------------------------------------------------------------

# A spreadsheet must not run a cell as a formula: the shared rule of core.spreadsheets.
csv_safe = cell_safe


def _number(figure: Figure, digits: int = 3) -> str:
    return number_format(round(figure.value, digits), digits) if figure.value is not None else ""


def _percent(figure: Figure) -> str:
    return number_format(round(figure.value * 100, 1), 1) if figure.value is not None else ""


def _note(figures: CodeAgreement) -> str:
    whys = dict.fromkeys(
        f.why for f in (figures.alpha, figures.kappa, figures.ac1, figures.observed) if f.why
    )
    notes = [str(WHY_SHORT[why]) for why in whys if why and why != Why.TOO_FEW]
    if figures.fragments < FEW_FRAGMENTS:
        notes.insert(0, str(WHY_SHORT[Why.TOO_FEW]))
    return "; ".join(notes)


def _csv(rows: list[Row], result: Agreement | None) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="overeenstemming.csv"'
    response.write("\ufeff")  # so that Excel reads the file as UTF-8
    writer = csv.writer(response, delimiter=";")
    writer.writerow(
        [
            _("code"),
            _("key"),
            "alpha",
            "kappa",
            "AC1",
            _("% agreement"),
            _("fragments"),
            _("times given"),
            _("note"),
        ]
    )
    lines = [(row.label, row.key, row.figures) for row in rows]
    if result is not None:
        lines.append((_("All codes together"), "", result.pooled))
    for label, key, f in lines:
        numbers = [_number(f.alpha), _number(f.kappa), _number(f.ac1), _percent(f.observed)]
        writer.writerow([csv_safe(label), csv_safe(key), *numbers, f.fragments, f.given, csv_safe(_note(f))])
    return response
