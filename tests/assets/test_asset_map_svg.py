"""The asset map picture: a circle per kind of asset with its count, meeting places marked."""

from __future__ import annotations

import re

from krachtvansamen.assets.selectors import asset_map
from krachtvansamen.assets.svg import asset_map_svg
from tests.factories import AssetFactory


def test_asset_map_svg_counts_per_category_and_meeting_places(world):
    AssetFactory(neighbourhood=world.own, category="talent_hands", name="Kan klussen", year=2025)
    AssetFactory(
        neighbourhood=world.own,
        category="talent_head",
        name="Kan <rekenen>",
        year=2025,
        is_meeting_place=False,
    )
    svg = str(asset_map_svg(asset_map(neighbourhood=world.own, year=2025), title_id="t", desc_id="d"))
    counts = dict(re.findall(r'data-category="(\w+)" data-count="(\d+)"', svg))
    assert counts == {
        "talents": "2",
        "association": "0",
        "institution": "0",
        "place": "1",
        "economy": "1",
        "culture": "0",
        "nature": "0",
    }
    assert 'data-category="place" data-count="1" data-meeting-places="1"' in svg
    assert ">⌂ 1</text>" in svg
    assert "Hoofd: 1" in svg and "Handen: 1" in svg and "Hart: 0" in svg
    assert svg.count("kvs-map__circle--empty") == 4  # association, institution, culture, nature
