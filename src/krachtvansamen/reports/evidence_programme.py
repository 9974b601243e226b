"""The evidence behind the numbers of a Programmasynthese: each key of
``/rapporten/bewijs/programma/<slug>/<year>/?n=<key>`` resolved against the programme's analysis (see
``reports.evidence``). Per-neighbourhood judgements (strengths, stacking, risks) lead to the neighbourhoods."""

from __future__ import annotations

from django.utils.translation import gettext as _

from krachtvansamen.analysis.aanpak import STRENGTH_LABELS
from krachtvansamen.analysis.synthesis import ProgrammeAnalysis
from krachtvansamen.assessments.models import SustainabilityAssessment
from krachtvansamen.reports import evidence_keys as keys
from krachtvansamen.reports.evidence import Evidence, UnknownEvidence
from krachtvansamen.reports.evidence_keys import Found, Resolver, code_label, find, sets, year_in

DIRECTIONS = ("", "helps", "hinders")


def programme_evidence(*, analysis: ProgrammeAnalysis, key: str) -> Evidence:
    return keys.resolve(ProgrammeFigures(analysis).resolvers(), key)


def _strength_label(level: str) -> str:
    return str(STRENGTH_LABELS.get(level, level))


def _status_label(status: str) -> str:
    if status == "unknown":
        return _("not assessed")
    return str(SustainabilityAssessment.Status(status).label)


class ProgrammeFigures:
    """One resolver per figure of the programme synthesis; its arguments are the key's other parts."""

    def __init__(self, p: ProgrammeAnalysis) -> None:
        self.p, self.agg, self.year, self.years = p, p.aggregate, p.year, p.years
        self.ids = [s.neighbourhood.neighbourhood_id for s in p.summaries]

    def resolvers(self) -> dict[str, Resolver]:
        return {
            "neighbourhoods": self.neighbourhoods, "focus": self.focus, "fragments": self.fragments,
            "activities": self.activities, "resident_led": self.resident_led, "participants": self.participants,
            "group": self.group, "principle": self.principle, "strength": self.strength, "factor": self.factor,
            "hindering": self.hindering, "stacking": self.stacking, "concentrated": self.concentrated,
            "effect": self.effect, "pair": self.pair, "relations": self.relations, "new_ties": self.new_ties,
            "vitality": self.vitality, "structure": self.structure, "risk": self.risk, "value": self.value,
        }  # fmt: skip

    def neighbourhoods(self) -> Found:
        return _("The neighbourhoods of this synthesis"), sets(("neighbourhood", self.ids))

    def focus(self) -> Found:
        focus = [s.neighbourhood.neighbourhood_id for s in self.p.summaries if s.neighbourhood.is_focus]
        return _("Focus neighbourhoods"), sets(("neighbourhood", focus))

    def fragments(self, in_year: str | None = None) -> Found:
        y = year_in(str(self.year) if in_year is None else in_year, self.years)
        return _("All fragments of %(year)s") % {"year": y}, sets(
            ("fragment", keys.fragment_ids(neighbourhood_ids=self.ids, year=y))
        )

    def activities(self, in_year: str | None = None) -> Found:
        y = year_in(str(self.year) if in_year is None else in_year, self.years)
        return _("Activities in %(year)s") % {"year": y}, sets(("activity", keys.activity_ids(self.ids, y)))

    def resident_led(self) -> Found:
        return (
            _("Activities started by residents in %(year)s") % {"year": self.year},
            sets(("activity", [i for s in self.p.summaries for i in s.leadership.resident_activity_ids])),
        )

    def participants(self) -> Found:
        return (
            _("Residents who took part in %(year)s") % {"year": self.year},
            sets(("person", self.agg.inclusion.person_ids)),
        )

    def group(self, dimension: str, key: str) -> Found:
        inclusion = self.agg.inclusion
        return keys.group(inclusion, dimension, key, self.year, inclusion.cbs_record_ids)

    def principle(self, key: str, part: str = "") -> Found:
        return keys.principle(self.agg.principles, key, self.year, part)

    def strength(self, key: str, level: str) -> Found:
        found = find(find(self.agg.principles, key).strengths, level)
        return (
            _("Neighbourhoods where '%(principle)s' is %(strength)s")
            % {"principle": code_label(key), "strength": _strength_label(level)},
            sets(("neighbourhood", found.neighbourhood_ids)),
        )

    def factor(self, key: str, direction: str = "") -> Found:
        find(self.agg.factor_types, key)
        if direction not in DIRECTIONS:
            raise UnknownEvidence(direction)
        found: list[int] = []
        for s in self.p.summaries:
            row = find(s.factors.types, key)
            if direction in ("", "helps"):
                found.extend(row.helps_observation_ids)
            if direction in ("", "hinders"):
                found.extend(row.hinders_observation_ids)
        words = {"helps": _("helping"), "hinders": _("hindering"), "": _("all")}[direction]
        return (
            _("Environment factor '%(factor)s' (%(direction)s) in %(year)s")
            % {"factor": code_label(key), "direction": words, "year": self.year},
            sets(("observation", found)),
        )

    def hindering(self, key: str) -> Found:
        found = find(self.agg.factor_types, key)
        return (
            _("Neighbourhoods where '%(factor)s' hinders on balance") % {"factor": found.label},
            sets(("neighbourhood", found.hindering.neighbourhood_ids)),
        )

    def stacking(self) -> Found:
        return _("Neighbourhoods where hindering factors stack up"), sets(
            ("neighbourhood", self.agg.stacking.neighbourhood_ids)
        )

    def concentrated(self) -> Found:
        return (
            _("Neighbourhoods where a small group carries most roles"),
            sets(("neighbourhood", self.agg.concentration.concentrated.neighbourhood_ids)),
        )

    def effect(self, key: str, in_year: str) -> Found:
        return keys.effect(self.agg.effects, key, in_year, self.years)

    def pair(self, key_a: str, key_b: str) -> Found:
        return keys.pair(self.agg.palet, key_a, key_b, self.year)

    def relations(self, in_year: str) -> Found:
        found = find(self.agg.network, year_in(in_year, self.years), "year")
        return _("Relations recorded in %(year)s") % {"year": found.year}, sets(
            ("relation", found.relation_ids)
        )

    def new_ties(self, in_year: str) -> Found:
        """The relations the programme's new-ties number counted: the neighbourhoods' new ties, summed."""
        return keys.new_ties(self.agg.network, in_year, self.years)

    def vitality(self, key: str) -> Found:
        theme = find(self.agg.vitality.themes, key)
        return (
            _("What residents said about '%(theme)s'") % {"theme": theme.label},
            sets(("fragment", theme.fragment_ids)),
        )

    def structure(self, key: str, status: str) -> Found:
        found = find(find(self.agg.structures, key).statuses, status)
        return (
            _("Neighbourhoods where '%(structure)s' is: %(status)s")
            % {"structure": code_label(key), "status": _status_label(status)},
            sets(("neighbourhood", found.neighbourhood_ids)),
        )

    def risk(self, key: str) -> Found:
        found = find(self.agg.risks, key)
        return found.title, sets(("neighbourhood", found.neighbourhood_ids))

    def value(self, key: str, in_year: str) -> Found:
        return keys.value(self.agg.value, key, in_year, self.years)
