from __future__ import annotations

import pytest
from django.contrib.auth import authenticate

from krachtvansamen.assets.models import Activity
from krachtvansamen.coding.models import Coding, Fragment
from krachtvansamen.demo.build_demo import demo_load
from krachtvansamen.neighbourhoods.models import CbsRecord, MeasurementYear, Neighbourhood, Programme
from krachtvansamen.people.models import Membership


@pytest.mark.django_db
def test_demo_sets_up_everything_later_pages_need_and_a_second_run_changes_nothing(monkeypatch):
    monkeypatch.setenv("KVS_DEMO_PASSWORD", "ander-wachtwoord")
    result = demo_load()

    assert result.created
    assert set(Programme.objects.values_list("name", flat=True)) == {
        "Sterke Buurtverbinders",
        "Van Buurten naar Communities",
    }
    assert Neighbourhood.objects.count() == 33 and Neighbourhood.objects.filter(is_focus=True).count() == 12
    assert list(MeasurementYear.objects.values_list("year", flat=True)) == [2023, 2024, 2025]
    # Real CBS neighbourhoods: every demo neighbourhood has its name and figures from the CBS file.
    for n in Neighbourhood.objects.all():
        record = CbsRecord.objects.get(region_code=n.cbs_code, year=2024)
        assert record.name == n.name and record.population and record.origin_netherlands is not None
    for year in (2023, 2024, 2025):
        assert Fragment.objects.filter(year=year).count() > 100
        assert Activity.objects.filter(year=year).exists()
    assert Coding.objects.count() > Fragment.objects.count()
    # Focus neighbourhoods have the extra instruments.
    assert not Fragment.objects.filter(neighbourhood__is_focus=False, instrument="wijkwaardenkaart").exists()
    assert Fragment.objects.filter(neighbourhood__is_focus=True, instrument="wijkwaardenkaart").exists()

    for username in ("connector", "communitybuilder", "researcher", "programmemanager", "funder", "admin"):
        user = authenticate(username=username, password="ander-wachtwoord")
        assert user is not None, username
        assert Membership.objects.filter(user=user).exists()

    counts = (Fragment.objects.count(), Coding.objects.count(), Neighbourhood.objects.count())
    again = demo_load()
    assert not again.created
    assert (Fragment.objects.count(), Coding.objects.count(), Neighbourhood.objects.count()) == counts
