"""The network picture: a small hand-made network gives exactly the nodes and edges expected."""

from __future__ import annotations

import re

from krachtvansamen.network.selectors import network_for_year
from krachtvansamen.network.svg import HEIGHT, WIDTH, layout, network_svg
from tests.factories import PersonFactory, RelationFactory


def small_network(world):
    """Ans–Bram bonding (2024, again in 2025 as bridging), Ans–Cor bridging new in 2025, Cor–group linking
    in 2025 (not new), Bram–Cor bonding in 2024. And a relation in the other neighbourhood."""
    w = world
    RelationFactory(
        neighbourhood=w.own,
        year=2024,
        source_person=w.ans,
        target_person=w.bram,
        capital_type="bonding",
        is_new=True,
    )
    RelationFactory(
        neighbourhood=w.own,
        year=2025,
        source_person=w.bram,
        target_person=w.ans,
        capital_type="bridging",
        is_new=False,
        hook_activity=w.dinner,
    )
    RelationFactory(
        neighbourhood=w.own,
        year=2025,
        source_person=w.ans,
        target_person=w.cor,
        capital_type="bridging",
        is_new=True,
        hook_activity=w.dinner,
        hook_place=w.community_centre,
    )
    RelationFactory(
        neighbourhood=w.own,
        year=2025,
        source_person=w.cor,
        target_person=None,
        target_organisation=w.group,
        capital_type="linking",
        is_new=False,
        hook_person=w.bram,
    )
    RelationFactory(
        neighbourhood=w.own,
        year=2024,
        source_person=w.bram,
        target_person=w.cor,
        capital_type="bonding",
        is_new=True,
    )
    RelationFactory(
        neighbourhood=w.other,
        year=2025,
        source_person=w.dirk,
        target_person=PersonFactory(neighbourhood=w.other),
        capital_type="bonding",
    )


def test_network_up_to_a_year_merges_pairs_and_counts_per_kind(world):
    small_network(world)
    w = world
    network = network_for_year(neighbourhood=w.own, year=2025)
    keys = {f"p{w.ans.pk}", f"p{w.bram.pk}", f"p{w.cor.pk}", f"o{w.group.pk}"}
    assert {node.key for node in network.nodes} == keys
    edges = {frozenset((e.source, e.target)): e for e in network.edges}
    assert len(edges) == 4  # Ans–Bram is recorded twice but is one tie
    ans_bram = edges[frozenset((f"p{w.ans.pk}", f"p{w.bram.pk}"))]
    assert (ans_bram.capital_type, ans_bram.this_year, ans_bram.is_new) == ("bridging", True, False)
    ans_cor = edges[frozenset((f"p{w.ans.pk}", f"p{w.cor.pk}"))]
    assert (ans_cor.capital_type, ans_cor.is_new) == ("bridging", True)
    bram_cor = edges[frozenset((f"p{w.bram.pk}", f"p{w.cor.pk}"))]
    assert (bram_cor.this_year, bram_cor.is_new) == (False, False)

    kinds = {k.key: (k.this_year, k.new_this_year, k.up_to_year) for k in network.kinds}
    assert kinds == {"bonding": (0, 0, 1), "bridging": (2, 1, 2), "linking": (1, 0, 1)}
    assert (network.relations_this_year, network.new_this_year) == (3, 1)
    assert [n.label for n in network.most_connected] == ["Cor", "Ans", "Bram"]
    assert [n.degree for n in network.most_connected] == [3, 2, 2]
    hooks = {(h.kind, h.label): h.count for h in network.hooks}
    assert hooks == {
        ("activity", "Buurtmaaltijd"): 2,
        ("place", "Buurthuis De Linde"): 1,
        ("person", "Bram"): 1,
    }

    earlier = network_for_year(neighbourhood=w.own, year=2024)
    assert len(earlier.edges) == 2 and earlier.organisation_count == 0
    assert {k.key: k.up_to_year for k in earlier.kinds} == {"bonding": 2, "bridging": 0, "linking": 0}


def test_svg_has_every_node_and_edge_with_style_per_kind(world):
    small_network(world)
    w = world
    network = network_for_year(neighbourhood=w.own, year=2025)
    svg = str(network_svg(network, title_id="t", desc_id="d"))
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert set(re.findall(r'data-node="([po]\d+)"', svg)) == {
        f"p{w.ans.pk}",
        f"p{w.bram.pk}",
        f"p{w.cor.pk}",
        f"o{w.group.pk}",
    }
    edges = re.findall(r'<line class="kvs-network__edge[^>]*>', svg)
    assert len(edges) == 4
    kinds = sorted(re.search(r'data-kind="(\w+)"', e).group(1) for e in edges)
    assert kinds == ["bonding", "bridging", "bridging", "linking"]
    # Kinds differ by line pattern, not only by colour; the new tie is thicker; last year's tie is lighter.
    assert all("stroke-dasharray" not in e for e in edges if 'data-kind="bonding"' in e)
    assert all('stroke-dasharray="10 6"' in e for e in edges if 'data-kind="bridging"' in e)
    assert all('stroke-dasharray="1 6"' in e for e in edges if 'data-kind="linking"' in e)
    new = [e for e in edges if 'data-new="true"' in e]
    assert (
        len(new) == 1 and f'data-ends="p{w.ans.pk} p{w.cor.pk}"' in new[0] and 'stroke-width="4.5"' in new[0]
    )
    old = [e for e in edges if 'stroke-opacity="0.45"' in e]
    assert len(old) == 1 and 'data-kind="bonding"' in old[0]
    # The organisation is a square, people are circles; names are labelled.
    assert svg.count("<rect") == 1 and svg.count("<circle") == 3
    assert ">Bewonersgroep Eigen Buurt</text>" in svg and ">Cor</text>" in svg
    assert 'role="img"' in svg and 'aria-labelledby="t d"' in svg and '<desc id="d">' in svg


def test_svg_is_the_same_every_time_and_stays_inside_the_picture(world):
    small_network(world)
    network = network_for_year(neighbourhood=world.own, year=2025)
    assert network_svg(network, title_id="t", desc_id="d") == network_svg(network, title_id="t", desc_id="d")
    for x, y in layout(network).values():
        assert 0 <= x <= WIDTH and 0 <= y <= HEIGHT


def test_svg_escapes_pseudonyms(world):
    sneaky = PersonFactory(neighbourhood=world.own, pseudonym='<script>alert("x")</script>')
    RelationFactory(neighbourhood=world.own, year=2025, source_person=sneaky, target_person=world.ans)
    svg = str(network_svg(network_for_year(neighbourhood=world.own, year=2025), title_id="t", desc_id="d"))
    assert "<script>" not in svg and "&lt;script&gt;" in svg


def test_empty_network(world):
    network = network_for_year(neighbourhood=world.own, year=2025)
    assert network.nodes == [] and network.edges == []
    assert "<line" not in str(network_svg(network, title_id="t", desc_id="d"))
