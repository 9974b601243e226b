"""The network picture as inline SVG, laid out on the server with networkx.

Kinds of ties differ in colour AND line pattern (solid, dashed, dotted), so the picture also reads in
black and white and for people who do not see colour. New ties are drawn thicker; ties only known from
earlier years are drawn lighter. A fixed seed keeps the picture the same from one visit to the next.
"""

from __future__ import annotations

import math
from functools import lru_cache

import networkx as nx
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from krachtvansamen.core.svg import label_spot, svg_start
from krachtvansamen.network.selectors import KIND_PLAIN, Network, NetworkNode

WIDTH, HEIGHT, MARGIN = 640, 560, 34
SEED = 20250101
LABELLED = 12  # name the best-connected nodes; every node has a tooltip with its name
LABELLED_ON_PHONE = 5
LABEL_SIZE = 14  # font sizes in SVG units (network.css), to keep labels from overlapping
LABEL_SIZE_ON_PHONE = 26

# (colour, dash pattern) per kind of tie; the pattern is what makes it readable without colour.
EDGE_STYLE = {
    "bonding": ("#24578f", ""),
    "bridging": ("#b34e12", "10 6"),
    "linking": ("#1e6b34", "1 6"),
}


def layout(network: Network) -> dict[str, tuple[float, float]]:
    """Node positions in SVG coordinates."""
    nodes = tuple(node.key for node in network.nodes)  # sorted by key: the same input, the same picture
    edges = tuple(sorted((edge.source, edge.target) for edge in network.edges))
    return dict(_layout(nodes, edges))


@lru_cache(maxsize=128)
def _layout(
    nodes: tuple[str, ...], edges: tuple[tuple[str, str], ...]
) -> tuple[tuple[str, tuple[float, float]], ...]:
    # The layout is most of the drawing time (about 20 ms for 50 nodes, 200 ms for 200); the same network,
    # shown again, gets the positions it had.
    if not nodes:
        return ()
    if len(nodes) == 1:
        return ((nodes[0], (WIDTH / 2, HEIGHT / 2)),)
    graph = nx.Graph()
    graph.add_nodes_from(nodes)
    graph.add_edges_from(edges)
    # A little more room than the default spacing, so labels of neighbouring nodes overlap less; fewer
    # rounds for large networks, which settle well enough and would otherwise take long.
    spacing = 1.6 / math.sqrt(len(nodes))
    positions = nx.spring_layout(graph, seed=SEED, k=spacing, iterations=80 if len(nodes) <= 100 else 50)
    points = spread([(float(positions[key][0]), float(positions[key][1])) for key in nodes])
    return tuple(
        (key, (MARGIN + x * (WIDTH - 2 * MARGIN), MARGIN + y * (HEIGHT - 2 * MARGIN)))
        for key, (x, y) in zip(nodes, points, strict=True)
    )


def spread(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Even out a spring layout: a dense core and a sparse rim become evenly filled, in a 0..1 square.

    Each point keeps its direction from the centre; its distance becomes its rank, scaled so that equal
    areas hold equal numbers of points. The picture reads the same (who is central stays central), but
    the nodes in the middle no longer sit on top of each other.
    """
    count = len(points)
    cx = sum(x for x, _y in points) / count
    cy = sum(y for _x, y in points) / count
    order = sorted(range(count), key=lambda i: (math.hypot(points[i][0] - cx, points[i][1] - cy), i))
    result = [(0.5, 0.5)] * count
    for rank, index in enumerate(order):
        x, y = points[index]
        angle = math.atan2(y - cy, x - cx)
        radius = 0.5 * math.sqrt((rank + 0.5) / count)
        result[index] = (0.5 + radius * math.cos(angle), 0.5 + radius * math.sin(angle))
    return result


def _scale(network: Network) -> float:
    """Smaller nodes and thinner lines when there are many: 1 up to 60 nodes, about 0.55 at 200."""
    return min(1.0, math.sqrt(60 / max(len(network.nodes), 1)))


def _radius(node: NetworkNode, scale: float = 1.0) -> float:
    return ((7 if node.is_organisation else 5) + 1.8 * math.sqrt(node.degree)) * scale


def _node_title(node: NetworkNode) -> str:
    return ngettext("%(name)s: %(n)s tie", "%(name)s: %(n)s ties", node.degree) % {
        "name": node.label,
        "n": node.degree,
    }


def network_svg(network: Network, *, title_id: str, desc_id: str) -> SafeString:
    positions = layout(network)
    scale = _scale(network)
    by_key = {node.key: node for node in network.nodes}
    parts = [
        svg_start(
            css_class="kvs-network__svg",
            width=WIDTH,
            height=HEIGHT,
            title=_("Network picture: who knows whom"),
            description=network_description(network),
            title_id=title_id,
            desc_id=desc_id,
        ),
        '<g class="kvs-network__edges">',
    ]
    # Older ties first, new ones last: the ties of this year end up on top.
    for edge in sorted(network.edges, key=lambda e: (e.this_year, e.is_new)):
        (x1, y1), (x2, y2) = positions[edge.source], positions[edge.target]
        colour, dash = EDGE_STYLE.get(edge.capital_type, ("#4d4d4d", ""))
        width = 4.5 if edge.is_new else 2.2
        if edge.capital_type == "linking":
            width += 1  # dots need a little more weight to be seen
        width = round(width * max(scale, 0.7), 1)
        attributes = [
            f'class="kvs-network__edge kvs-network__edge--{edge.capital_type}"',
            f'data-kind="{edge.capital_type}"',
            f'data-new="{"true" if edge.is_new else "false"}"',
            f'data-ends="{edge.source} {edge.target}"',
            f'x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}"',
            f'stroke="{colour}" stroke-width="{width}" stroke-linecap="round"',
        ]
        if dash:
            attributes.append(f'stroke-dasharray="{dash}"')
        if not edge.this_year:
            attributes.append('stroke-opacity="0.45"')
        title = f"{by_key[edge.source].label} — {by_key[edge.target].label}: {KIND_PLAIN[edge.capital_type]}"
        if edge.is_new:
            title += " · " + _("new in %(year)s") % {"year": network.year}
        parts.append(f"<line {' '.join(attributes)}><title>{escape(title)}</title></line>")
    parts.append('</g><g class="kvs-network__nodes">')
    for node in network.nodes:
        x, y = positions[node.key]
        r = _radius(node, scale)
        kind = "organisation" if node.is_organisation else ("connector" if node.is_connector else "person")
        parts.append(
            f'<g class="kvs-network__node kvs-network__node--{kind}" data-node="{node.key}">'
            f"<title>{escape(_node_title(node))}</title>"
        )
        if node.is_organisation:  # a square: organisations differ from people by shape, not only by colour
            parts.append(
                f'<rect x="{x - r:.1f}" y="{y - r:.1f}" width="{2 * r:.1f}" height="{2 * r:.1f}" rx="2"/>'
            )
        else:
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}"/>')
        parts.append("</g>")
    parts.append('</g><g class="kvs-network__labels" aria-hidden="true">')
    # On a phone the picture is drawn at half size and labels twice as large (network.css): only the labels
    # that fit at that size are shown there, the others are "minor".
    on_phone = {
        node.key: anchor
        for node, _x, _y, anchor in place_labels(
            network, positions, size=LABEL_SIZE_ON_PHONE, limit=LABELLED_ON_PHONE
        )
    }
    for node, x, y, anchor in place_labels(network, positions):
        minor = on_phone.get(node.key) != anchor  # the phone check assumed the same side of the node
        cls = "kvs-network__label" + (" kvs-network__label--minor" if minor else "")
        parts.append(
            f'<text class="{cls}" x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}">{escape(node.label)}</text>'
        )
    parts.append("</g></svg>")
    return mark_safe("".join(parts))  # every text in it went through escape()


def place_labels(
    network: Network,
    positions: dict[str, tuple[float, float]],
    *,
    size: int = LABEL_SIZE,
    limit: int = LABELLED,
) -> list[tuple[NetworkNode, float, float, str]]:
    """Labels for the organisations and the best-connected people, next to their node where a spot is free of other
    labels and of every other node (right, left, above, below, the corners: ``core.svg.label_spot``); a label with no
    free spot is left out (its node's tooltip names it). Organisations first: there are few of them, and a linking
    tie means little unnamed."""
    scale = _scale(network)
    nodes = {
        n.key: (positions[n.key][0] - r, positions[n.key][1] - r, positions[n.key][0] + r, positions[n.key][1] + r)
        for n in network.nodes if n.key in positions
        for r in (_radius(n, scale),)
    }  # fmt: skip
    placed: list[tuple[float, float, float, float]] = []
    result: list[tuple[NetworkNode, float, float, str]] = []
    for node in sorted(network.nodes, key=lambda n: (not n.is_organisation, -n.degree, n.key)):
        if len(result) == limit or node.degree == 0:
            break
        x, y = positions[node.key]
        spot = label_spot(
            x, y, gap=_radius(node, scale) + 4, width=0.58 * size * len(node.label), height=size, taken=placed,
            obstacles=[box for key, box in nodes.items() if key != node.key], bounds=(0, 0, WIDTH, HEIGHT),
        )  # fmt: skip
        if spot is not None:
            tx, ty, anchor, box = spot
            placed.append(box)
            result.append((node, tx, ty, anchor))
    return result


def network_description(network: Network) -> str:
    counts = ", ".join(f"{kind.label}: {kind.up_to_year}" for kind in network.kinds)
    return _(
        "%(people)s people and %(organisations)s organisations with %(ties)s ties up to %(year)s (%(counts)s)."
    ) % {
        "people": network.person_count,
        "organisations": network.organisation_count,
        "ties": len(network.edges),
        "year": network.year,
        "counts": counts,
    }
