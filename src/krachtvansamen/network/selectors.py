"""Reads for the network picture: who knows whom up to a year, and what brought them together."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from krachtvansamen.neighbourhoods.models import Neighbourhood
from krachtvansamen.network.models import Relation
from krachtvansamen.people.models import Organisation, Person

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

# Plain words for the three kinds of ties, as connectors say them. Keyed by the stored value (a str).
KIND_PLAIN: dict[str, StrPromise] = {
    Relation.CapitalType.BONDING: _("within their own group"),
    Relation.CapitalType.BRIDGING: _("between different groups"),
    Relation.CapitalType.LINKING: _("with institutions"),
}
KIND_EXPLANATION: dict[str, StrPromise] = {
    Relation.CapitalType.BONDING: _("People who are alike: neighbours, family, friends, the same club."),
    Relation.CapitalType.BRIDGING: _(
        "People who would not easily meet otherwise: another age, background or street."
    ),
    Relation.CapitalType.LINKING: _(
        "A resident and an organisation: the municipality, a housing corporation, school or welfare work."
    ),
}


def node_key(party: Person | Organisation) -> str:
    return f"{'p' if isinstance(party, Person) else 'o'}{party.pk}"


@dataclass
class NetworkNode:
    key: str
    label: str
    is_organisation: bool
    is_connector: bool = False
    neighbours: set[str] = field(default_factory=set)

    @property
    def degree(self) -> int:
        return len(self.neighbours)


@dataclass
class NetworkEdge:
    source: str
    target: str
    capital_type: str
    is_new: bool = False  # a new tie recorded in the selected year
    this_year: bool = False  # recorded (again) in the selected year; otherwise only in earlier years


@dataclass(frozen=True)
class KindCount:
    key: str
    label: str
    this_year: int
    new_this_year: int
    up_to_year: int


@dataclass(frozen=True)
class HookCount:
    kind: str  # "activity", "place" or "person"
    label: str
    count: int


@dataclass
class Network:
    year: int | None
    nodes: list[NetworkNode]
    edges: list[NetworkEdge]
    kinds: list[KindCount]
    relations_this_year: int = 0
    new_this_year: int = 0
    most_connected: list[NetworkNode] = field(default_factory=list)
    hooks: list[HookCount] = field(default_factory=list)
    without_hook: int = 0

    @property
    def person_count(self) -> int:
        return sum(1 for node in self.nodes if not node.is_organisation)

    @property
    def organisation_count(self) -> int:
        return sum(1 for node in self.nodes if node.is_organisation)


def relations_up_to(*, neighbourhood: Neighbourhood, year: int | None) -> QuerySet[Relation]:
    relations = Relation.objects.filter(neighbourhood=neighbourhood)
    if year is not None:
        relations = relations.filter(year__lte=year)
    return relations.select_related(
        "source_person",
        "source_organisation",
        "target_person",
        "target_organisation",
        "hook_activity",
        "hook_place",
        "hook_person",
    ).order_by("year", "pk")


def relations_for_year(*, neighbourhood: Neighbourhood, year: int | None) -> QuerySet[Relation]:
    relations = relations_up_to(neighbourhood=neighbourhood, year=year)
    if year is None:
        return relations.filter(year__isnull=True)  # what filter(year=None) asks: no relations
    return relations.filter(year=year)


def network_for_year(*, neighbourhood: Neighbourhood, year: int | None, most_connected: int = 5) -> Network:
    """Every tie recorded up to and including the year (a network grows), one edge per pair.

    A pair recorded in several years keeps its most recent kind; it counts as new when a new tie
    between them was recorded in the selected year itself.
    """
    relations = list(relations_up_to(neighbourhood=neighbourhood, year=year))
    if year is None and relations:
        year = max(relation.year for relation in relations)
    nodes: dict[str, NetworkNode] = {}
    edges: dict[tuple[str, str], NetworkEdge] = {}
    this_year = [relation for relation in relations if relation.year == year]

    def node(party: Person | Organisation) -> str:
        key = node_key(party)
        if key not in nodes:
            nodes[key] = NetworkNode(
                key=key,
                label=str(party),
                is_organisation=isinstance(party, Organisation),
                is_connector=isinstance(party, Person)
                and party.role in (Person.PersonRole.CONNECTOR, Person.PersonRole.COMMUNITY_BUILDER),
            )
        return key

    for relation in relations:
        a, b = node(relation.source), node(relation.target)
        if a == b:
            continue
        nodes[a].neighbours.add(b)
        nodes[b].neighbours.add(a)
        pair = (a, b) if a < b else (b, a)
        edge = edges.setdefault(
            pair, NetworkEdge(source=pair[0], target=pair[1], capital_type=relation.capital_type)
        )
        edge.capital_type = relation.capital_type  # relations are in year order: the latest kind wins
        if relation.year == year:
            edge.this_year = True
            edge.is_new = edge.is_new or relation.is_new

    kinds = []
    for key in Relation.CapitalType.values:
        kinds.append(
            KindCount(
                key=key,
                label=str(KIND_PLAIN[key]),
                this_year=sum(1 for r in this_year if r.capital_type == key),
                new_this_year=sum(1 for r in this_year if r.capital_type == key and r.is_new),
                up_to_year=sum(1 for e in edges.values() if e.capital_type == key),
            )
        )

    hooks: Counter[tuple[str, str]] = Counter()
    without_hook = 0
    for relation in this_year:
        hooked = [
            ("activity", relation.hook_activity),
            ("place", relation.hook_place),
            ("person", relation.hook_person),
        ]
        found = [(kind, str(item)) for kind, item in hooked if item is not None]
        hooks.update(found)
        without_hook += not found

    persons = [n for n in nodes.values() if not n.is_organisation]
    persons.sort(key=lambda n: (-n.degree, n.label.casefold()))
    return Network(
        year=year,
        nodes=sorted(nodes.values(), key=lambda n: n.key),
        edges=list(edges.values()),
        kinds=kinds,
        relations_this_year=len(this_year),
        new_this_year=sum(1 for r in this_year if r.is_new),
        most_connected=persons[:most_connected],
        hooks=[
            HookCount(kind=kind, label=label, count=count)
            for (kind, label), count in sorted(hooks.items(), key=lambda item: (-item[1], item[0][1]))[:5]
        ],
        without_hook=without_hook,
    )


def relation_years(*, neighbourhood: Neighbourhood) -> list[int]:
    return sorted(set(Relation.objects.filter(neighbourhood=neighbourhood).values_list("year", flat=True)))
