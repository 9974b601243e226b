"""The evidence behind the numbers of one neighbourhood's reports (the Buurtbeeld and the
Financiersrapport): each key of ``/rapporten/bewijs/<cbs_code>/<year>/?n=<key>`` resolved against the
neighbourhood's analysis (see ``reports.evidence``)."""

from __future__ import annotations

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from krachtvansamen.analysis.duurzaamheid import PRESENT
from krachtvansamen.analysis.network import NetworkYear
from krachtvansamen.analysis.synthesis import NeighbourhoodAnalysis
from krachtvansamen.coding.models import Instrument
from krachtvansamen.neighbourhoods.models import CbsRecord
from krachtvansamen.reports import evidence_keys as keys
from krachtvansamen.reports.beleidssignalen import policy_fragment_ids
from krachtvansamen.reports.evidence import Evidence, UnknownEvidence
from krachtvansamen.reports.evidence_keys import Found, Resolver, find, sets, year_in
from krachtvansamen.reports.links import pct

# The kind of record a risk signal rests on (``RiskSignal.evidence_kind``), as the evidence page names it.
RISK_KINDS = {"funding": "funding", "sustainability_assessment": "assessment", "factor_observation": "observation",
              "person": "person", "activity": "activity"}  # fmt: skip
DIRECTIONS = ("", "helps", "hinders")


def neighbourhood_evidence(*, analysis: NeighbourhoodAnalysis, key: str) -> Evidence:
    return keys.resolve(NeighbourhoodFigures(analysis).resolvers(), key)


class NeighbourhoodFigures:
    """One resolver per figure of the neighbourhood's reports; its arguments are the key's other parts."""

    def __init__(self, a: NeighbourhoodAnalysis) -> None:
        self.a = a
        self.nid, self.year, self.years = a.neighbourhood.neighbourhood_id, a.year, a.years

    def resolvers(self) -> dict[str, Resolver]:
        return {
            "fragments": self.fragments, "conversations": self.conversations, "participants": self.participants,
            "group": self.group, "unknown": self.unknown, "cbs": self.cbs, "activities": self.activities,
            "assets": self.assets, "meeting_places": self.meeting_places, "principle": self.principle,
            "factors": self.factors, "factor": self.factor, "stacking": self.stacking, "effect": self.effect,
            "palet": self.palet, "pair": self.pair, "relations": self.relations, "new_ties": self.new_ties,
            "capital": self.capital, "hook": self.hook, "roles_top": self.roles_top, "vitality": self.vitality,
            "structures": self.structures, "structure": self.structure, "funding": self.funding, "risk": self.risk,
            "value": self.value, "asks": self.asks,
        }  # fmt: skip

    # --- Who took part, and what was recorded

    def fragments(self) -> Found:
        return _("All fragments of %(year)s") % {"year": self.year}, sets(
            ("fragment", keys.fragment_ids(neighbourhood_ids=[self.nid], year=self.year))
        )

    def conversations(self) -> Found:
        ids = keys.fragment_ids(
            neighbourhood_ids=[self.nid], year=self.year, instrument=Instrument.WIJKWAARDENKAART
        )
        return _("Wijkwaardenkaart conversations in %(year)s") % {"year": self.year}, sets(("fragment", ids))

    def participants(self) -> Found:
        return _("Residents who took part in %(year)s") % {"year": self.year}, sets(
            ("person", self.a.verandering.participant_ids)
        )

    def group(self, dimension: str, key: str) -> Found:
        inclusion = self.a.verandering.inclusion
        return keys.group(inclusion, dimension, key, self.year, [inclusion.cbs_record_id])

    def unknown(self, dimension: str) -> Found:
        found = find(self.a.verandering.inclusion.dimensions, dimension)
        return (
            _("Residents who took part without a known %(dimension)s") % {"dimension": found.label},
            sets(("person", found.unknown_person_ids)),
        )

    def cbs(self) -> Found:
        record_id = self.a.verandering.inclusion.cbs_record_id
        if record_id is None:
            raise UnknownEvidence("cbs")
        record = CbsRecord.objects.get(pk=record_id)
        note = ""
        if record.population is not None:
            note = _(
                "The number %(n)s is the number of inhabitants according to CBS. "
                "Below is the CBS record it comes from."
            ) % {"n": number_format(record.population, 0)}
        return _("CBS Kerncijfers wijken en buurten"), sets(("cbs", [record_id])), note

    # --- Aanpak

    def activities(self, who: str = "", measure: str = "") -> Found:
        """``activities:<who>``: the activities one kind of initiator started; ``activities:attendances``: all
        activities, for the number of attendances on them; ``activities:residents:share``: the activities
        residents started, for their share of all activities."""
        leadership = self.a.aanpak.leadership
        by = {"residents": leadership.resident_activity_ids, "professionals": leadership.professional_activity_ids,
              "together": leadership.together_activity_ids}  # fmt: skip
        every = tuple(i for group_ids in by.values() for i in group_ids)
        if who == "attendances" and not measure:
            attendances = self.a.verandering.attendances
            note = _(
                "The number %(n)s counts attendances: the numbers of participants of the activities below, "
                "added up. Someone who came more often counts more often."
            ) % {"n": number_format(attendances, 0)}
            return (
                _("Attendances at the activities of %(year)s") % {"year": self.year},
                sets(("activity", every)),
                note,
            )
        if (who and who not in by) or measure not in ("", "share") or (measure and who != "residents"):
            raise UnknownEvidence(f"{who}:{measure}")
        ids = by[who] if who else every
        titles = {
            "": _("Activities in %(year)s"),
            "residents": _("Activities started by residents in %(year)s"),
            "professionals": _("Activities started by professionals in %(year)s"),
            "together": _("Activities started by residents and professionals together in %(year)s"),
        }
        if measure != "share" or leadership.resident_share is None:
            return titles[who] % {"year": self.year}, sets(("activity", ids))
        note = ngettext(
            "The number %(share)s is a share: of all %(total)s activities, %(count)s was started by residents "
            "themselves. It is listed below.",
            "The number %(share)s is a share: of all %(total)s activities, %(count)s were started by residents "
            "themselves. They are listed below.",
            len(ids),
        ) % {"share": pct(leadership.resident_share), "total": number_format(leadership.total, 0),
             "count": number_format(len(ids), 0)}  # fmt: skip
        return titles[who] % {"year": self.year}, sets(("activity", ids)), note

    def assets(self, category: str = "") -> Found:
        assets = self.a.aanpak.assets
        if not category:
            return _("Assets recorded up to %(year)s") % {"year": self.year}, sets(
                ("asset", assets.asset_ids)
            )
        found = find(assets.categories, category, "category")
        return (
            _("Assets up to %(year)s: %(category)s") % {"year": self.year, "category": found.label},
            sets(("asset", found.asset_ids)),
        )

    def meeting_places(self) -> Found:
        return (
            _("Meeting places up to %(year)s") % {"year": self.year},
            sets(("asset", self.a.aanpak.assets.meeting_place_ids)),
        )

    def principle(self, key: str, part: str = "") -> Found:
        return keys.principle(self.a.aanpak.principles, key, self.year, part)

    def factors(self) -> Found:
        return (
            _("Environment factors observed in %(year)s") % {"year": self.year},
            sets(("observation", self.a.aanpak.factors.observation_ids)),
        )

    def factor(self, key: str, direction: str = "") -> Found:
        found = find(self.a.aanpak.factors.types, key)
        if direction not in DIRECTIONS:
            raise UnknownEvidence(direction)
        ids = {"helps": found.helps_observation_ids, "hinders": found.hinders_observation_ids}.get(
            direction, found.helps_observation_ids + found.hinders_observation_ids
        )
        words = {"helps": _("helping"), "hinders": _("hindering"), "": _("all")}[direction]
        return (
            _("Environment factor '%(factor)s' (%(direction)s) in %(year)s")
            % {"factor": found.label, "direction": words, "year": self.year},
            sets(("observation", ids)),
        )

    def stacking(self) -> Found:
        """The number counts types of environment factors with something that hinders; the page lists the
        observations of what hinders (a type can have several), and says so."""
        factors = self.a.aanpak.factors
        note = _(
            "The number %(n)s counts the types of environment factors in which something hinders. Below are the "
            "observations of what hinders; one type can have more than one."
        ) % {"n": number_format(factors.hindering_count, 0)}
        return (
            _("Hindering environment factors in %(year)s") % {"year": self.year},
            sets(("observation", factors.hindering_observation_ids)),
            note,
        )

    # --- Verandering

    def effect(self, key: str, in_year: str) -> Found:
        return keys.effect(self.a.verandering.effects, key, in_year, self.years)

    def palet(self, which: str = "") -> Found:
        palet = self.a.verandering.palet
        if which == "multi":  # a fragment in a pair has two or more effects
            ids = {i for pair in palet.pairs for i in pair.fragment_ids}
            return _("Fragments with two or more effects in %(year)s") % {"year": self.year}, sets(
                ("fragment", tuple(ids))
            )
        if which:
            raise UnknownEvidence(which)
        return (
            _("Fragments with at least one effect in %(year)s") % {"year": self.year},
            sets(("fragment", palet.fragment_ids)),
        )

    def pair(self, key_a: str, key_b: str) -> Found:
        return keys.pair(self.a.verandering.palet, key_a, key_b, self.year)

    def _network_year(self, in_year: str) -> NetworkYear:
        return find(self.a.verandering.network, year_in(in_year, self.years), "year")

    def relations(self, in_year: str) -> Found:
        found = self._network_year(in_year)
        return _("Relations recorded in %(year)s") % {"year": found.year}, sets(
            ("relation", found.relation_ids)
        )

    def new_ties(self, in_year: str) -> Found:
        found = self._network_year(in_year)
        return _("New ties in %(year)s") % {"year": found.year}, sets(("relation", found.new_tie_ids))

    def capital(self, kind: str, in_year: str | None = None) -> Found:
        in_year = str(self.year) if in_year is None else in_year
        found = find(self._network_year(in_year).capital, kind, "capital_type")
        return (
            _("Relations in %(year)s: %(kind)s") % {"year": in_year, "kind": found.label},
            sets(("relation", found.relation_ids)),
        )

    def hook(self, kind: str) -> Found:
        found = find(self.a.verandering.network_current.hooks, kind, "kind")
        return _("Relations in %(year)s and what brought them about") % {"year": self.year}, sets(
            ("relation", found.relation_ids)
        )

    def roles_top(self) -> Found:
        c = self.a.verandering.network_current.concentration
        return (
            _("The residents who carry the most roles in %(year)s") % {"year": self.year},
            sets(("person", c.top_person_ids)),
        )

    def vitality(self, key: str, scope: str = "year", direction: str = "") -> Found:
        verandering = self.a.verandering
        profile = {"year": verandering.vitality, "all": verandering.vitality_all_years}.get(scope)
        if profile is None or direction not in DIRECTIONS:
            raise UnknownEvidence(scope)
        theme = find(profile.themes, key)
        ids = {"helps": theme.helps_ids, "hinders": theme.hinders_ids}.get(direction, theme.fragment_ids)
        return _("What residents said about '%(theme)s'") % {"theme": theme.label}, sets(("fragment", ids))

    def value(self, key: str, in_year: str) -> Found:
        return keys.value(self.a.value, key, in_year, self.years)

    def asks(self) -> Found:
        """Fragments about what is asked of policy: coded with a vertical structure (the Beleidssignalen)."""
        ids = policy_fragment_ids(neighbourhood_ids=[self.nid], years=[self.year]).get(self.nid, set())
        return _("Stories about what is asked of policy in %(year)s") % {"year": self.year}, sets(
            ("fragment", tuple(ids))
        )

    # --- Duurzaamheid

    def structures(self, side: str = "") -> Found:
        """``structures``: every assessment of the year; ``structures:horizontal`` / ``structures:vertical``:
        the structures of one side that are in place (the number "1 of 4 in place" counts those)."""
        structures = self.a.duurzaamheid.structures
        if not side:
            return (
                _("Sustainability: structures assessed in %(year)s") % {"year": self.year},
                sets(("assessment", structures.assessment_ids)),
            )
        rows = {"horizontal": structures.horizontal, "vertical": structures.vertical}.get(side)
        if rows is None:
            raise UnknownEvidence(side)
        titles = {
            "horizontal": _("Sustainability: horizontal structures in place in %(year)s"),
            "vertical": _("Sustainability: vertical structures in place in %(year)s"),
        }
        return titles[side] % {"year": self.year}, sets(
            ("assessment", [st.assessment_id for st in rows if st.status == PRESENT])
        )

    def structure(self, key: str) -> Found:
        structures = self.a.duurzaamheid.structures
        found = find((*structures.horizontal, *structures.vertical), key)
        return (
            _("Sustainability: '%(structure)s' in %(year)s") % {"structure": found.label, "year": self.year},
            sets(("assessment", [found.assessment_id] if found.assessment_id else [])),
        )

    def funding(self) -> Found:
        return (
            _("Funding that runs in %(year)s or later") % {"year": self.year},
            sets(("funding", self.a.duurzaamheid.funding.funding_ids)),
        )

    def risk(self, key: str) -> Found:
        found = find(self.a.duurzaamheid.risks, key)
        return found.title, sets((RISK_KINDS[found.evidence_kind], found.evidence_ids))
