"""The gazetteer (services/gazetteer.py): loaded idempotently, edits kept, kept by the city level, audited."""

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from qcity.complaints.models import GazetteerEntry
from qcity.complaints.services import gazetteer
from qcity.core.choices import AuditAction, Role
from qcity.core.models import AuditEvent
from qcity.core.services import reference_data_load


@pytest.fixture
def units(city):
    return {u.name: u for u in city.children.all()}


def test_the_shipped_gazetteer_loads_once_and_keeps_an_officers_edit(units):
    shipped = len(json.loads(gazetteer.DATA_FILE.read_text("utf-8")))
    GazetteerEntry.objects.all().delete()
    assert gazetteer.gazetteer_load() == shipped
    # an officer moves a road to another unit and switches a landmark off
    GazetteerEntry.objects.filter(name="花园路").update(org_unit=units["惠济区"])
    GazetteerEntry.objects.filter(name="二七塔").update(active=False)
    assert gazetteer.gazetteer_load() == 0
    assert GazetteerEntry.objects.get(name="花园路").org_unit == units["惠济区"]
    assert not GazetteerEntry.objects.get(name="二七塔").active


def test_seeding_the_city_loads_the_gazetteer_a_first_migrate_could_not(units):
    # given an install whose first migrate ran before the org units existed: no entry was loadable
    GazetteerEntry.objects.all().delete()
    # when `qcity seed` loads the reference data (the units exist already: nothing of core's is new)
    reference_data_load(by=None)
    # then the complaints app has loaded its gazetteer on the signal
    assert GazetteerEntry.objects.filter(name="花园路", org_unit=units["金水区"]).exists()
    assert GazetteerEntry.objects.count() == len(json.loads(gazetteer.DATA_FILE.read_text("utf-8")))


def test_the_city_level_adds_and_edits_an_entry_audited(make_user, city, units):
    office = make_user(Role.LEADERSHIP_OFFICE, city)
    entry = gazetteer.gazetteer_entry_create(name=" 测试大道 ", kind="road", org_unit=units["金水区"], by=office)
    assert entry.name == "测试大道"
    gazetteer.gazetteer_entry_update(entry=entry, name="测试大道", kind="road", org_unit=units["二七区"],
                                     note="跨区道路", active=True, by=office)
    assert AuditEvent.objects.filter(object_type="complaints.gazetteerentry", object_id=str(entry.pk),
                                     action=AuditAction.UPDATE, actor=office).exists()


def test_a_district_handler_may_not_keep_the_gazetteer(make_user, district):
    handler = make_user(Role.COMPLAINT_HANDLER, district)
    with pytest.raises(PermissionDenied):
        gazetteer.gazetteer_entry_create(name="测试大道", kind="road", org_unit=district, by=handler)


def test_a_duplicate_name_a_bad_kind_or_the_city_as_unit_is_refused_naming_the_field(make_user, city, units):
    office = make_user(Role.LEADERSHIP_OFFICE, city)
    gazetteer.gazetteer_entry_create(name="测试大道", kind="road", org_unit=units["金水区"], by=office)
    with pytest.raises(ValidationError) as refused:
        gazetteer.gazetteer_entry_create(name="测试大道", kind="street", org_unit=city, by=office)
    assert set(refused.value.message_dict) == {"name", "kind", "org_unit"}


def test_a_load_racing_another_process_skips_the_rows_it_inserted_meanwhile(units, monkeypatch):
    """Concurrent first requests both find the gazetteer empty (city_map) and both load it: the second insert
    must not fail on the unique constraint (it did: UniqueViolation gazetteer_unique_name_unit)."""
    GazetteerEntry.objects.all().delete()
    gazetteer.gazetteer_load()  # the other process, first
    count = GazetteerEntry.objects.count()
    monkeypatch.setattr(gazetteer, "_names", lambda using: set())  # this one read before the other inserted
    gazetteer.gazetteer_load()
    assert GazetteerEntry.objects.count() == count
