"""Classification (services/classification.py): the handler's confirmation, and the reference lists the office
keeps — loaded idempotently, edits kept, audited, used rows switched off rather than deleted."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from qcity.complaints.choices import ComplaintEventKind
from qcity.complaints.models import ComplaintCategory, ComplaintEvent, ProblemType
from qcity.complaints.services import classification as services
from qcity.core.choices import AuditAction, Role
from qcity.core.models import AuditEvent

from ..factories import ComplaintCategoryFactory, ComplaintFactory, ProblemTypeFactory


@pytest.fixture
def handler(make_user, district):
    return make_user(Role.COMPLAINT_HANDLER, district)


@pytest.fixture
def office(make_user, city):
    return make_user(Role.LEADERSHIP_OFFICE, city)


@pytest.fixture
def food(db):
    return ComplaintCategory.objects.get(code="food")


@pytest.fixture
def safety(db):
    return ProblemType.objects.get(code="safety")


def test_the_shipped_lists_load_once_and_keep_the_offices_edits(db):
    ComplaintCategory.objects.filter(code="food").update(name="食品（含保健食品）", active=False)
    ProblemType.objects.filter(code="price").delete()
    assert services.classification_defaults_load() == 1  # only the deleted problem type comes back
    assert services.classification_defaults_load() == 0
    food = ComplaintCategory.objects.get(code="food")
    assert (food.name, food.active) == ("食品（含保健食品）", False)
    assert ComplaintCategory.objects.count() == 25 and ProblemType.objects.count() == 10


def test_the_handler_confirms_a_correction_with_history_and_audit(handler, district, food, safety):
    complaint = ComplaintFactory(org_unit=district, suggested_category=ComplaintCategory.objects.get(code="cosmetics"),
                                 suggested_problem_type=safety)
    services.complaint_classify(complaint=complaint, category=food, problem_type=safety, by=handler)
    complaint.refresh_from_db()
    assert (complaint.category, complaint.problem_type, complaint.classification_confirmed) == (food, safety, True)
    event = ComplaintEvent.objects.get(complaint=complaint, kind=ComplaintEventKind.CLASSIFIED)
    assert event.by == handler and not event.public and "食品 / 安全" in event.note and "更正" in event.note
    audit = AuditEvent.objects.get(object_type="complaints.complaint", object_id=str(complaint.pk),
                                   action=AuditAction.UPDATE)
    assert audit.after["category"] == food.pk and audit.before["category"] is None


def test_an_inactive_category_or_a_missing_problem_type_is_refused_naming_the_fields(handler, district, food):
    complaint = ComplaintFactory(org_unit=district)
    food.active = False
    food.save()
    with pytest.raises(ValidationError) as refused:
        services.complaint_classify(complaint=complaint, category=food, problem_type=None, by=handler)
    assert set(refused.value.message_dict) == {"category", "problem_type"}
    complaint.refresh_from_db()
    assert complaint.category is None and not complaint.classification_confirmed
    assert not ComplaintEvent.objects.filter(complaint=complaint).exists()


def test_a_handler_of_another_district_may_not_classify(make_user, city, district, food, safety):
    other = make_user(Role.COMPLAINT_HANDLER, city.children.exclude(pk=district.pk).first())
    complaint = ComplaintFactory(org_unit=district)
    with pytest.raises(PermissionDenied):
        services.complaint_classify(complaint=complaint, category=food, problem_type=safety, by=other)
    assert AuditEvent.objects.filter(action=AuditAction.DENIED, actor=other).exists()


def test_the_office_adds_and_edits_a_category_audited_the_code_fixed(office):
    category = services.complaint_category_create(code="pet-services", name=" 宠物服务 ", group="services",
                                                  sort_order=40, by=office)
    assert category.name == "宠物服务"
    services.complaint_category_update(category=category, name="宠物服务", group="services", sort_order=41,
                                       active=False, by=office)
    category.refresh_from_db()
    assert (category.code, category.sort_order, category.active) == ("pet-services", 41, False)
    actions = set(AuditEvent.objects.filter(object_type="complaints.complaintcategory", object_id=str(category.pk))
                  .values_list("action", flat=True))
    assert actions == {AuditAction.CREATE, AuditAction.UPDATE}


def test_a_bad_code_a_duplicate_name_or_an_empty_name_is_refused_naming_the_field(office):
    with pytest.raises(ValidationError) as refused:
        services.complaint_category_create(code="宠物", name="宠物服务", group="services", by=office)
    assert "code" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        services.complaint_category_create(code="food-2", name="食品", group="goods", by=office)
    assert "name" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        services.problem_type_create(code="quality", name="质量问题", by=office)
    assert "code" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        services.problem_type_create(code="delay", name="  ", by=office)
    assert "name" in refused.value.message_dict


def test_a_handler_may_not_keep_the_lists(handler):
    with pytest.raises(PermissionDenied):
        services.problem_type_create(code="delay", name="延误", by=handler)


def test_a_used_row_is_switched_off_not_deleted_an_unused_one_is_deleted(office, district):
    used, unused = ComplaintCategoryFactory(), ProblemTypeFactory()
    ComplaintFactory(org_unit=district, category=used)
    with pytest.raises(ValidationError):
        services.complaint_category_delete(category=used, by=office)
    assert ComplaintCategory.objects.filter(pk=used.pk).exists()
    services.problem_type_delete(problem_type=unused, by=office)
    assert not ProblemType.objects.filter(pk=unused.pk).exists()
    assert AuditEvent.objects.filter(object_type="complaints.problemtype", action=AuditAction.DELETE).exists()
