"""The catalogue (loaded from the plan, dated, editable by the city's managers) and the idempotent registration
of parties, locations, products and lots."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from qcity.core.choices import Role
from qcity.core.models import AuditEvent
from qcity.enterprises.tests.factories import EnterpriseFactory
from qcity.trace.models import Party, Product, TraceCategory
from qcity.trace.services import master
from qcity.trace.tests.factories import PartyFactory, gs1_number

pytestmark = pytest.mark.django_db


def test_the_catalogue_of_the_airport_plan_is_loaded_after_migrate_with_its_date_and_source():
    # given the database as migrated
    infant = TraceCategory.objects.get(group="食品类", name="婴幼儿配方食品")
    # then the plan's 专栏8 entries are there, dated by the plan, citing it
    assert infant.effective_from == datetime.date(2021, 11, 30) and infant.effective_to is None
    assert "专栏8" in infant.source and "郑港办〔2021〕70号" in infant.source
    names = set(TraceCategory.objects.values_list("name", flat=True))
    assert {"大枣", "茶叶", "生鲜乳", "肉类", "蔬菜", "肉制品", "乳制品", "食用植物油", "白酒", "农药", "种子"} <= names


def test_loading_again_adds_only_the_missing_entries_and_never_revives_a_retired_one():
    # given an entry retired by the office and one deleted
    tea = TraceCategory.objects.get(name="茶叶")
    tea.effective_to = datetime.date(2024, 1, 1)
    tea.save()
    TraceCategory.objects.filter(name="白酒").delete()
    # when the catalogue is loaded again
    created = master.trace_catalogue_load()
    # then only the missing one comes back; the retired one keeps its dates
    assert created == 1
    assert TraceCategory.objects.filter(name="茶叶").count() == 1
    assert TraceCategory.objects.get(name="茶叶").effective_to == datetime.date(2024, 1, 1)


def test_a_product_name_matches_the_entry_of_its_longest_keyword():
    categories = TraceCategory.objects.order_by("id")
    assert master.category_match("飞鹤婴幼儿配方奶粉（1段）", categories).name == "婴幼儿配方食品"
    assert master.category_match("伊利纯牛奶 250ml", categories).name == "乳制品"
    assert master.category_match("双汇王中王火腿肠", categories).name == "肉制品"
    assert master.category_match("冷鲜猪肉（分割肉）", categories).name == "肉类"
    assert master.category_match("手机壳", categories) is None


def test_managers_over_the_city_add_and_retire_entries_with_dates_and_audit(make_user, district):
    office = make_user(Role.LEADERSHIP_OFFICE)
    # when the office lists a new category and later retires it
    entry = master.trace_category_create(group="食品类", name="速冻食品", keywords="速冻 水饺 汤圆",
                                         effective_from=datetime.date(2025, 1, 1), source="市局通知", by=office)
    master.trace_category_retire(category=entry, on=datetime.date(2026, 1, 1), by=office)
    # then the entry keeps both dates and each step is audited
    entry.refresh_from_db()
    assert (entry.effective_from, entry.effective_to) == (datetime.date(2025, 1, 1), datetime.date(2026, 1, 1))
    messages = list(AuditEvent.objects.filter(object_type="trace.tracecategory", object_id=str(entry.pk))
                    .values_list("message", flat=True))
    assert "trace catalogue entry added" in messages and "trace catalogue entry retired" in messages
    # and a second retirement, or one before the entry began, is refused naming the field
    with pytest.raises(ValidationError) as refused:
        master.trace_category_retire(category=entry, on=datetime.date(2027, 1, 1), by=office)
    assert "effective_to" in refused.value.message_dict
    # and a district officer cannot change the city's catalogue
    with pytest.raises(PermissionDenied):
        master.trace_category_create(group="食品类", name="糕点", effective_from=datetime.date(2025, 1, 1),
                                     by=make_user(Role.DISTRICT_OFFICER, district))


def test_an_entry_in_force_cannot_be_listed_twice_and_keywords_are_editable(make_user):
    office = make_user(Role.LEADERSHIP_OFFICE)
    with pytest.raises(ValidationError) as refused:
        master.trace_category_create(group="食品类", name="乳制品", effective_from=datetime.date(2025, 1, 1),
                                     by=office)
    assert "name" in refused.value.message_dict
    dairy = TraceCategory.objects.get(name="乳制品")
    master.trace_category_update(category=dairy, keywords="牛奶  酸奶 ", source="专栏8", by=office)
    dairy.refresh_from_db()
    assert (dairy.keywords, dairy.source) == ("牛奶 酸奶", "专栏8")


def test_a_party_is_linked_to_its_enterprise_by_credit_code_and_registered_once(make_user, district):
    officer = make_user(Role.DISTRICT_OFFICER, district)
    firm = EnterpriseFactory(org_unit=district, name="郑州某乳业有限公司")
    gln = gs1_number("693", 1, 13)
    # when an officer registers the party twice
    party, created = master.party_register(gln=gln, name="", uscc=firm.uscc, by=officer)
    again, created_again = master.party_register(gln=gln, name="别名", uscc=firm.uscc, by=officer)
    # then one party, linked to the enterprise, in its district, named after it
    assert created and not created_again and again.pk == party.pk
    assert (party.enterprise, party.org_unit, party.name) == (firm, district, firm.name)
    assert Party.objects.filter(gln=gln).count() == 1


def test_a_bad_gln_or_an_unknown_credit_code_is_refused_naming_the_field(make_user):
    office = make_user(Role.LEADERSHIP_OFFICE)
    with pytest.raises(ValidationError) as bad_gln:
        master.party_register(gln="6931234567890", name="x", by=office)  # wrong check digit
    assert list(bad_gln.value.message_dict) == ["gln"]
    with pytest.raises(ValidationError) as unknown:
        master.party_register(gln=gs1_number("693", 2, 13), name="x", uscc="91410105000000000X", by=office)
    assert list(unknown.value.message_dict) == ["uscc"]


def test_an_enterprise_user_registers_only_its_own_parties_locations_and_products(make_user, district):
    firm = EnterpriseFactory(org_unit=district, name="郑州自有食品有限公司")
    other = EnterpriseFactory(org_unit=district, name="郑州别家食品有限公司")
    owner = make_user(Role.ENTERPRISE_USER, district, enterprise=firm)
    # when the enterprise registers itself, a plant and a product
    party, _ = master.party_register(gln=gs1_number("693", 3, 13), name="", by=owner)
    plant, _ = master.location_register(gln=party.gln, extension="1", name="一号车间", party=party.gln, by=owner)
    milk, _ = master.product_register(gtin=gs1_number("693", 4, 13), name="自有纯牛奶", producer=party.gln,
                                      by=owner)
    # then they are its own, the product in the catalogue by its name
    assert party.enterprise == firm and plant.party == party and plant.org_unit == district
    assert milk.gtin == "0" + gs1_number("693", 4, 13) and milk.producer == party and milk.category.name == "乳制品"
    # and another enterprise's party cannot be registered or used
    with pytest.raises(ValidationError) as refused:
        master.party_register(gln=gs1_number("693", 5, 13), name="", uscc=other.uscc, by=owner)
    assert "uscc" in refused.value.message_dict
    foreign = PartyFactory(enterprise=other)
    with pytest.raises(ValidationError) as refused:
        master.location_register(gln=foreign.gln, name="别家仓库", party=foreign.gln, by=owner)
    assert "party" in refused.value.message_dict


def test_a_product_is_idempotent_on_its_gtin_and_a_lot_on_its_number(make_user):
    office = make_user(Role.LEADERSHIP_OFFICE)
    maker = PartyFactory()
    gtin = gs1_number("694", 7, 13)
    first, created = master.product_register(gtin=gtin, name="花生油 5L", producer=maker.gln, by=office)
    second, created_again = master.product_register(gtin="0" + gtin, name="花生油 5L", producer=maker.gln,
                                                    by=office)
    assert created and not created_again and first.pk == second.pk and Product.objects.count() == 1
    assert first.category.name == "食用植物油"
    with pytest.raises(ValidationError) as refused:
        master.product_register(gtin=gtin[:-1] + str((int(gtin[-1]) + 1) % 10), name="x", by=office)
    assert list(refused.value.message_dict) == ["gtin"]
    lot, made = master.lot_register(product=first, lot_number="A1", by=office)
    again, made_again = master.lot_register(product=first, lot_number="A1", by=office)
    assert made and not made_again and lot.pk == again.pk
