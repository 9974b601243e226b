"""Pieces more than one report shows: key figures, charts, the effects table, the palette of pairs, the
inclusion tables and the value beyond counts, each number linked to its evidence (``reports.links``).

The figures come from ``krachtvansamen.analysis``; these functions only arrange and link them. Charts are
drawn by ``reports.charts``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from krachtvansamen.analysis.inclusion import Inclusion, InclusionDimension
from krachtvansamen.analysis.value import ValueBeyondCounts
from krachtvansamen.analysis.verandering import EffectsMatrix, Palet
from krachtvansamen.framework.selectors import codes_current
from krachtvansamen.reports import charts
from krachtvansamen.reports.links import Linker, Num, change_text, pct, points

# Plain words (B1) for the value beyond counts, as a funder reads them.
VALUE_PLAIN = {
    "value.contact": gettext_lazy("Residents have more contact with each other."),
    "value.trust": gettext_lazy("There is more trust: between residents, and in organisations."),
    "value.initiative": gettext_lazy("Residents start things themselves more often."),
    "value.cooperation": gettext_lazy("Residents and organisations work together better."),
    "value.ownership": gettext_lazy("Residents feel the neighbourhood is theirs, and take charge."),
}


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


def effects_chart(*, chart_id: str, effects: EffectsMatrix, linker: Linker, title: str) -> Chart:
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


def effect_table(effects: EffectsMatrix, linker: Linker) -> list[EffectTableRow]:
    out = []
    for level in effects.levels:
        for row in (level, *effects.rows_of_level(level.key)):
            out.append(EffectTableRow(
                label=row.label, is_level=row.is_level,
                cells=tuple((linker.count(c.count, f"effect:{row.key}:{c.year}", f"{row.label}, {c.year}"),
                             change_text(c.change)) for c in row.cells),
            ))  # fmt: skip
    return out


@dataclass(frozen=True)
class PairRow:
    label_a: str
    label_b: str
    num: Num


def pair_rows(palet: Palet, codebook_labels: dict[str, str], linker: Linker, limit: int = 8) -> list[PairRow]:
    return [PairRow(codebook_labels.get(p.key_a, p.key_a), codebook_labels.get(p.key_b, p.key_b),
                    linker.count(p.count, f"pair:{p.key_a}:{p.key_b}")) for p in palet.pairs[:limit]]  # fmt: skip


def palette_chart(*, chart_id: str, pairs: Sequence[PairRow], title: str) -> Chart:
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


def code_labels() -> dict[str, str]:
    """The current codebook's labels by key, in the active language."""
    return {c.key: c.label for c in codes_current().only("key", "label_nl", "label_en")}


@dataclass(frozen=True)
class GapTable:
    label: str
    rows: tuple[
        tuple[str, Num, str, str, str, str], ...
    ]  # group, participants, their share with its range, inhabitants' share, gap, flag words
    unknown: Num
    chart: Chart
    notes: tuple[str, ...] = ()  # what the comparison leaves out or cannot say, in words


def share_with_range(share: float | None, low: float | None, high: float | None) -> str:
    """A participant share with its 95% range in plain words: "21% (between 12 and 31%)"."""
    if share is None or low is None or high is None:
        return pct(share)
    return _("%(share)s (between %(low)s and %(high)s)") % {
        "share": pct(share),
        "low": number_format(round(low), 0),
        "high": pct(high),
    }


def _dimension_notes(dimension: InclusionDimension) -> tuple[str, ...]:
    notes = []
    if dimension.not_asked:
        notes.append(
            _("Children under 15 are not asked by any instrument, so the comparison leaves them out.")
            if dimension.key == "age"
            else _("Not compared, because no instrument reaches them: %(groups)s.")
            % {"groups": ", ".join(g.label for g in dimension.not_asked)}
        )
    if dimension.too_few:
        notes.append(
            ngettext(
                "The %(what)s of only %(known)s participant is known: too few to say which groups take part "
                "less or more (at least %(minimum)s are needed). The ranges show how uncertain the shares are.",
                "The %(what)s of only %(known)s participants is known: too few to say which groups take part "
                "less or more (at least %(minimum)s are needed). The ranges show how uncertain the shares are.",
                dimension.known,
            )
            % {"what": dimension.label, "known": dimension.known, "minimum": dimension.min_known}
        )
    return tuple(notes)


def inclusion_tables(
    inclusion: Inclusion, linker: Linker, chart_prefix: str, *, link_unknown: bool
) -> list[GapTable]:
    """Per dimension: the gap chart and its table. ``link_unknown``: the evidence page can list the persons
    whose value is unknown (one neighbourhood; a programme's evidence has no such key). Groups no instrument
    reaches are left out, and said so once in words; shares carry their 95% range."""
    tables = []
    for dimension in inclusion.dimensions:
        rows, gap_rows = [], []
        for g in dimension.groups:
            if not g.asked:
                continue
            flag = (
                _("takes part less")
                if g.under_represented
                else (_("takes part more") if g.over_represented else "")
            )
            rows.append(
                (
                    g.label,
                    linker.count(g.participants, f"group:{dimension.key}:{g.key}", g.label),
                    share_with_range(g.participant_share, g.share_low, g.share_high),
                    pct(g.inhabitant_share),
                    points(g.gap),
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
                notes=_dimension_notes(dimension),
            )
        )
    return tables


# --- Value beyond counts -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ValueLine:
    """One value of the value beyond counts, as a report shows it: per year a linked number."""

    key: str
    label: str
    plain: str
    nums: tuple[Num, ...]  # per year, oldest first
    counts: tuple[int, ...]
    # The last year against the one before, like with like (``ValueRow.change``: only instruments used in both
    # years); None when nothing can be compared. Never the plain difference of the counts.
    change: int | None = None

    @property
    def current(self) -> Num:
        return self.nums[-1]

    @property
    def change_text(self) -> str:
        return change_text(self.change)


def value_lines(
    value: ValueBeyondCounts, linker: Linker, *, years: Sequence[int] | None = None
) -> list[ValueLine]:
    """The value beyond counts (more contact, trust, initiative, cooperation, ownership) per year, in
    ``years`` only when given: fragments per value code, each count linked to its fragments."""
    lines = []
    for row in value.rows:
        cells = [c for c in row.cells if years is None or c.year in years]
        label = row.label
        lines.append(ValueLine(
            key=row.key, label=label, plain=str(VALUE_PLAIN[row.key]), counts=tuple(c.count for c in cells),
            change=row.change if len(cells) > 1 else None,
            nums=tuple(linker.count(c.count, f"value:{row.key}:{c.year}", f"{label}, {c.year}") for c in cells),
        ))  # fmt: skip
    return lines
