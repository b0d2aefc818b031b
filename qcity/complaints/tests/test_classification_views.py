"""Classification pages: the classify step on the complaint's page; the reference lists (office edits,
handlers read)."""

import time

import pytest
from django.urls import reverse

from qcity.complaints import classification
from qcity.complaints.models import ComplaintCategory, ProblemType
from qcity.core.choices import Role

from .factories import ComplaintFactory


@pytest.fixture
def handler(make_user, district):
    return make_user(Role.COMPLAINT_HANDLER, district)


@pytest.fixture
def office(make_user, city):
    return make_user(Role.LEADERSHIP_OFFICE, city)


@pytest.fixture(scope="module")
def trained():
    return classification.Classifier(classification.training_examples_shipped())


def test_the_detail_page_offers_the_stored_suggestion_and_one_click_confirms_it(client_for, handler, district):
    food, safety = ComplaintCategory.objects.get(code="food"), ProblemType.objects.get(code="safety")
    complaint = ComplaintFactory(org_unit=district, suggested_category=food, suggested_problem_type=safety)
    client = client_for(handler)
    page = client.get(reverse("complaints:complaint-detail", args=[complaint.pk]))
    assert page.status_code == 200 and 'id="classify-confirm"' in page.content.decode()
    done = client.post(reverse("complaints:complaint-classify", args=[complaint.pk]),
                       {"classify-category": food.pk, "classify-problem_type": safety.pk})
    assert done.status_code == 302
    complaint.refresh_from_db()
    assert complaint.classification_confirmed and complaint.category == food


def test_the_opened_form_shows_the_top_three_and_a_bad_choice_is_a_400(client_for, handler, district, trained,
                                                                        monkeypatch):
    monkeypatch.setattr(classification, "_classifier", trained)
    monkeypatch.setattr(classification, "_trained_at", time.monotonic())
    complaint = ComplaintFactory(org_unit=district, subject="外卖食物中毒", facts="吃了外卖后上吐下泻，去医院诊断为食物中毒。")
    client = client_for(handler)
    page = client.get(reverse("complaints:complaint-classify", args=[complaint.pk]))
    text = page.content.decode()
    assert page.status_code == 200 and 'id="classify-suggested"' in text and "食品" in text
    food = ComplaintCategory.objects.get(code="food")
    assert page.context["forms"]["classify"].initial["category"] == food.pk  # nothing stored: the best preselected
    refused = client.post(reverse("complaints:complaint-classify", args=[complaint.pk]),
                          {"classify-category": "999999", "classify-problem_type": ""})
    assert refused.status_code == 400
    complaint.refresh_from_db()
    assert not complaint.classification_confirmed


def test_the_office_edits_a_category(client_for, office):
    food = ComplaintCategory.objects.get(code="food")
    client = client_for(office)
    assert client.get(reverse("complaints:category-list")).status_code == 200
    done = client.post(reverse("complaints:category-edit", args=[food.pk]),
                       {"name": "食品（含保健食品）", "group": "goods", "sort_order": 1, "active": "on"})
    assert done.status_code == 302
    food.refresh_from_db()
    assert food.name == "食品（含保健食品）" and food.code == "food"
    added = client.post(reverse("complaints:problem-type-create"), {"code": "delay", "name": "延误", "sort_order": 20})
    assert added.status_code == 302 and ProblemType.objects.filter(code="delay", active=False).exists()


def test_a_bad_edit_is_a_400_naming_the_field(client_for, office):
    response = client_for(office).post(reverse("complaints:category-create"),
                                       {"code": "Bad Code", "name": "宠物", "group": "services", "sort_order": 1})
    assert response.status_code == 400 and 'data-field="code"' in response.content.decode()


def test_a_handler_reads_the_lists_but_cannot_edit(client_for, handler):
    food = ComplaintCategory.objects.get(code="food")
    client = client_for(handler)
    page = client.get(reverse("complaints:problem-type-list"))
    assert page.status_code == 200 and "个人信息" in page.content.decode()
    assert 'id="classification-new"' not in page.content.decode()
    assert client.get(reverse("complaints:category-edit", args=[food.pk])).status_code == 403
    assert client.post(reverse("complaints:category-edit", args=[food.pk]),
                       {"name": "改名", "group": "goods", "sort_order": 1}).status_code == 403
    assert client.post(reverse("complaints:category-delete", args=[food.pk])).status_code == 403
    food.refresh_from_db()
    assert food.name == "食品"


def test_deleting_a_used_category_is_refused_with_a_message(client_for, office, district):
    food = ComplaintCategory.objects.get(code="food")
    ComplaintFactory(org_unit=district, category=food)
    response = client_for(office).post(reverse("complaints:category-delete", args=[food.pk]), follow=True)
    assert "请改为停用" in response.content.decode()
    assert ComplaintCategory.objects.filter(pk=food.pk).exists()
