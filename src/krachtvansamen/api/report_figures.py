"""A report as plain JSON: every figure the report page shows, with its n and the evidence page behind it, the
quotes as the page prints them, and the findings in words.

The report builders (``reports.buurtbeeld``, ``reports.financier``, ``reports.beleidssignalen``,
``reports.synthese``) decide what a report holds: each number is a ``reports.links.Num`` that knows its value,
its text and its evidence key. This module does not compute anything; it walks the report the page renders and
collects those numbers, so the API can never show a figure (or a quote) the page does not.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

from django.db.models import Model

from krachtvansamen.neighbourhoods.models import Neighbourhood
from krachtvansamen.reports.findings import Findings
from krachtvansamen.reports.links import Num
from krachtvansamen.reports.pieces import Chart
from krachtvansamen.reports.quotes import Quote

# Report fields that are no figure of the report: its subject and years, the whole analysis it was built from
# (the page shows only what the fields hold), the analysis thresholds, the CBS figures (``/api/.../cbs``), the
# learning log (the team's own notes) and the findings (collected as words).
NOT_FIGURES = frozenset({
    "neighbourhood", "programme", "year", "years", "previous_year", "analysis", "parameters", "cbs", "learning",
    "findings", "summary", "href", "municipality_code", "municipality_name",
})  # fmt: skip
# Which of the three questions of the analysis (``analysis.aanpak``, ``verandering``, ``duurzaamheid``) a part of a
# report answers; key figures, quotes and the per-neighbourhood rows of a report about several answer all three.
QUESTIONS = {
    "approach": (
        "principles", "principle_rows", "leadership", "activities", "resident_share", "asset_rows", "talent_share",
        "place_share", "meeting_places", "factor_rows", "stacking_num", "factors",
    ),
    "change": (
        "participants", "attendances", "conversations", "vitality_rows", "effect_table", "levels", "pairs",
        "palet_fragments", "palet_multi", "network_years", "new_ties", "capital_rows", "hook_rows", "roles_top",
        "inclusion_tables", "not_reached", "values", "year_rows",
    ),
    "sustainability": (
        "horizontal", "vertical", "structures_present", "structure_rows", "funding_num", "risks", "risk_rows", "gaps",
    ),
}  # fmt: skip
QUESTION_OF = {section: question for question, sections in QUESTIONS.items() for section in sections}
# Shares and means whose n is another figure of the same report (by evidence key).
N_FROM = {"activities:residents:share": "activities"}
# In a row, the number of answers or known values a mean or a share rests on.
N_FIELDS = ("answers", "known")
COUNT_TEXT = re.compile(r"^[\d.,\s\u00a0]+$|^—$")
# A share the page prints as words ("21%", "21% (between 12 and 31%)"), in a field named for what it is.
SHARE_TEXT = re.compile(r"^(\d+)%")


@dataclass
class ReportContent:
    findings: list[str] = field(default_factory=list)
    not_known: list[str] = field(default_factory=list)
    figures: list[dict[str, Any]] = field(default_factory=list)
    quotes: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class _Context:
    section: str
    label: str = ""
    field: str = ""
    neighbourhood: str | None = None
    n: int | None = None


def figure_kind(num: Num) -> str:
    """count, percent, decimal (a mean) or status (a word, e.g. 'present', linked to its assessment)."""
    if num.text.endswith("%") or SHARE_TEXT.match(num.text):
        return "percent"
    if isinstance(num.value, float) and not float(num.value).is_integer():
        return "decimal"
    return "count" if COUNT_TEXT.match(num.text) else "status"


def evidence_key(href: str) -> str | None:
    keys = parse_qs(urlsplit(href).query).get("n")
    return keys[0] if keys else None


def report_content(report: Any) -> ReportContent:
    """The figures, quotes and findings of a report dataclass (any of the report builders' results)."""
    content = ReportContent()
    for part in dataclasses.fields(report):
        value = getattr(report, part.name)
        if part.name == "findings":
            _findings(content, value)
        elif part.name not in NOT_FIGURES:
            _walk(content, value, _Context(section=part.name, field=part.name), depth=1)
    by_key = {f["key"]: f for f in content.figures if f["key"]}
    for figure in content.figures:
        source = by_key.get(N_FROM.get(figure["key"] or "", ""))
        if figure["n"] is None and source is not None:
            figure["n"] = source["n"]
    return content


def _findings(content: ReportContent, value: Any) -> None:
    if isinstance(value, Findings):
        content.findings, content.not_known = [str(s) for s in value.known], [str(s) for s in value.unknown]
    elif isinstance(value, list | tuple):
        content.findings = [str(s) for s in value]


def _walk(content: ReportContent, value: Any, context: _Context, depth: int) -> None:
    if isinstance(value, Num):
        _figure(content, value, context)
    elif isinstance(value, Quote):
        _quote(content, value, context)
    elif isinstance(getattr(value, "quote", None), Quote):  # a quote with the neighbourhood it is from
        _quote(content, value.quote, context, where=str(getattr(value, "neighbourhood", "")) or None)
    elif isinstance(value, str) and context.field.endswith("share") and SHARE_TEXT.match(value):
        share = SHARE_TEXT.match(value)
        _figure(content, Num(int(share.group(1)) if share else None, value), context)
    elif isinstance(value, str | bool | float | Chart | Model) or value is None:
        return  # words, flags, pictures and records: not figures
    elif isinstance(value, int):
        if depth > 1 and context.field not in NOT_FIGURES:  # a count in a row of the report, not linked
            _figure(content, Num(value, str(value)), context)
    elif dataclasses.is_dataclass(value) and type(value).__module__.startswith("krachtvansamen.reports"):
        _walk_row(content, value, context, depth)
    elif isinstance(value, dict):
        for key, item in value.items():
            _walk(content, item, dataclasses.replace(context, label=str(key), field=str(key)), depth + 1)
    elif isinstance(value, list | tuple):
        _walk_sequence(content, value, context, depth)


def _row_label(row: Any) -> str | None:
    """What a row is about: its label or title, a pair's two labels, its programme, or its year."""
    label = getattr(row, "label", None) or getattr(row, "title", None)
    if isinstance(label, str):
        return label
    if isinstance(getattr(row, "label_a", None), str):
        return f"{row.label_a} + {row.label_b}"
    if isinstance(getattr(row, "programme", None), Model):
        return str(row.programme.name)
    year = getattr(row, "year", None)
    return str(year) if isinstance(year, int) else None


def _walk_row(content: ReportContent, row: Any, context: _Context, depth: int) -> None:
    label = _row_label(row)
    ns = [getattr(row, name) for name in N_FIELDS if isinstance(getattr(row, name, None), int)]
    inner = dataclasses.replace(
        context, label=label or context.label,
        neighbourhood=_neighbourhood_of(row) or context.neighbourhood, n=ns[0] if ns else context.n,
    )  # fmt: skip
    for part in dataclasses.fields(row):
        if part.name in ("label", "title", "label_a", "label_b") or part.name in NOT_FIGURES:
            continue
        _walk(content, getattr(row, part.name), dataclasses.replace(inner, field=part.name), depth + 1)


def _walk_sequence(
    content: ReportContent, items: list[Any] | tuple[Any, ...], context: _Context, depth: int
) -> None:
    if (
        isinstance(items, tuple)
        and items
        and isinstance(items[0], str | int)
        and not isinstance(items[0], Num)
    ):
        # A table row: (label, figure, figure, words …); the label names the figures after it.
        context = dataclasses.replace(context, label=str(items[0]))
        items = items[1:]
        for item in items:
            if not isinstance(item, int) or isinstance(item, bool):
                _walk(content, item, context, depth + 1)
        return
    for item in items:
        if isinstance(item, int) and not isinstance(item, bool):
            continue  # the plain numbers next to linked ones (a chart's series): already there as figures
        _walk(content, item, context, depth + 1)


def _neighbourhood_of(row: Any) -> str | None:
    place = getattr(row, "neighbourhood", None)
    if isinstance(place, Neighbourhood):
        return place.cbs_code
    summary = getattr(row, "summary", None)
    return getattr(getattr(summary, "neighbourhood", None), "cbs_code", None)


def _figure(content: ReportContent, num: Num, context: _Context) -> None:
    kind = figure_kind(num)
    count = int(num.value) if kind == "count" and num.value is not None else None
    content.figures.append({
        "section": context.section, "question": QUESTION_OF.get(context.section),
        "neighbourhood": context.neighbourhood,
        "label": num.label or context.label or context.field, "field": context.field,
        "key": evidence_key(num.href) if num.href else None, "kind": kind,
        "value": num.value, "text": num.text,
        "n": count if kind == "count" else (context.n if kind in ("percent", "decimal") else None),
        "evidence": num.href or None,
    })  # fmt: skip


def _quote(content: ReportContent, quote: Quote, context: _Context, where: str | None = None) -> None:
    """The quote as the page prints it: the approved words, the speaker's role, and the pseudonym only where the
    page shows it (``reports.quotes.quotes_for(show_speaker=...)``)."""
    content.quotes.append({
        "section": f"{context.section}:{context.label}" if context.label else context.section,
        "text": quote.text, "year": quote.year, "instrument": quote.instrument, "role": quote.role,
        "speaker": quote.speaker or None, "neighbourhood": where,
    })  # fmt: skip
