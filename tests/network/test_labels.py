"""Network picture labels (issue 11): a label never sits on another node, never on another label, and stays
inside the picture; a label with no free spot is left out (the node's tooltip names it)."""

from __future__ import annotations

from krachtvansamen.network.selectors import Network, NetworkNode
from krachtvansamen.network.svg import HEIGHT, LABEL_SIZE, WIDTH, _radius, _scale, place_labels


def _crowd() -> tuple[Network, dict[str, tuple[float, float]]]:
    # A hub with neighbours packed close around it: the old right-or-left rule put labels over them.
    hub = NetworkNode("p0", "Buurthuis De Linde", is_organisation=True)
    nodes = [hub]
    positions = {"p0": (320.0, 280.0)}
    for i in range(1, 9):
        node = NetworkNode(f"p{i}", f"Bewoner {i}", is_organisation=False, neighbours={"p0"})
        hub.neighbours.add(node.key)
        nodes.append(node)
        positions[node.key] = (320.0 + 30 * ((i % 3) - 1), 280.0 + 22 * ((i // 3) - 1))
    return Network(year=2025, nodes=nodes, edges=[], kinds=[]), positions


def _box(x: float, y: float, anchor: str, text: str) -> tuple[float, float, float, float]:
    width = 0.58 * LABEL_SIZE * len(text)
    left = x if anchor == "start" else (x - width if anchor == "end" else x - width / 2)
    top = y - LABEL_SIZE * 0.35 - LABEL_SIZE / 2
    return left, top, left + width, top + LABEL_SIZE


def _overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def test_labels_stay_off_other_nodes_and_each_other_and_inside():
    network, positions = _crowd()
    labels = place_labels(network, positions)
    assert labels  # the hub at least gets its name
    scale = _scale(network)
    boxes = []
    for node, x, y, anchor in labels:
        box = _box(x, y, anchor, node.label)
        assert 0 <= box[0] and box[2] <= WIDTH and 0 <= box[1] and box[3] <= HEIGHT
        for other in network.nodes:
            if other.key == node.key:
                continue
            ox, oy = positions[other.key]
            r = _radius(other, scale)
            assert not _overlap(box, (ox - r, oy - r, ox + r, oy + r)), (node.label, other.label)
        assert not any(_overlap(box, b) for b in boxes)
        boxes.append(box)
