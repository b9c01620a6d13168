"""Regions and channels belong to the application; the demo draws from them, in their order."""

from __future__ import annotations

from claimops import reference
from claimops.demo import names


def test_the_demo_draws_from_the_applications_regions_and_channels() -> None:
    assert [r for r, _, _ in names.REGIONS] == list(reference.REGIONS)
    assert [c for c, _ in names.CHANNELS] == list(reference.CHANNELS)
    assert names.STAFF_CHANNELS == reference.STAFF_CHANNELS <= set(reference.CHANNELS)
    assert len(set(reference.REGIONS)) == len(reference.REGIONS)
    # every region's ID-number prefix is one of the demo's cities in that region
    cities = {(region, prefix) for region, _, _, prefix in names.CITIES}
    assert all((r, p) in cities for r, p, _ in names.REGIONS)
