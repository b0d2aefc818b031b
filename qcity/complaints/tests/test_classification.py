"""The classifier (classification.py): known codes for clear texts, deterministic, robust to odd input."""

import json
import time

import pytest

from qcity.complaints import classification
from qcity.complaints.models import ComplaintCategory, ProblemType
from qcity.complaints.services.classification import DATA_FILE

from .factories import ComplaintFactory


@pytest.fixture(scope="module")
def classifier():
    """Trained once for the module on the shipped examples only (no database: the confirmed complaints are
    another test's)."""
    return classification.Classifier(classification.training_examples_shipped())


def test_the_shipped_training_set_is_large_and_labelled_with_shipped_codes():
    data = json.loads(DATA_FILE.read_text("utf-8"))
    categories = {row["code"] for row in data["categories"]}
    problem_types = {row["code"] for row in data["problem_types"]}
    examples = classification.training_examples_shipped()
    assert len(examples) >= 600
    assert {e.category for e in examples} == categories
    assert {e.problem_type for e in examples} == problem_types
    assert len({e.text for e in examples}) == len(examples)


@pytest.mark.parametrize(("text", "category", "problem_type"), [
    ("在饭店吃了晚饭，回家后一家三口都食物中毒，上吐下泻，去医院挂了急诊。", "food", "safety"),
    ("手机屏幕碎了拿去维修店修，修好以后没几天屏幕又坏了，触摸失灵，店家不管。", "communication-products",
     "after-sales"),
])
def test_a_clear_text_gets_its_category_and_problem_type_first(classifier, text, category, problem_type):
    suggestion = classifier.suggest(text)
    assert suggestion.category_codes[0] == category
    assert suggestion.problem_type_codes[0] == problem_type
    assert len(suggestion.category_codes) == len(suggestion.problem_type_codes) == classification.TOP
    assert list(suggestion.category_scores) == sorted(suggestion.category_scores, reverse=True)
    assert 0 < sum(suggestion.category_scores) <= 1.001


def test_training_is_deterministic(classifier):
    text = "网上买的羽绒服跑绒严重，商家不给退货"
    again = classification.Classifier(classification.training_examples_shipped())
    assert again.suggest(text) == classifier.suggest(text)


@pytest.mark.parametrize("text", ["", "   \n ", "😀😡🙏🏻", "！？。……", "qwertyuiop"])
def test_a_text_with_nothing_to_go_on_gets_no_suggestion(classifier, text):
    assert classifier.suggest(text) == classification.EMPTY


def test_a_huge_or_mixed_text_is_answered_from_its_beginning(classifier):
    huge = "买的奶粉有异味，宝宝喝了拉肚子😡" * 20_000
    suggestion = classifier.suggest(huge)
    assert suggestion.category_codes[0] == "food"
    assert classifier.suggest("ＳＰＦ５０的防晒霜用了还是晒伤了😭") == classifier.suggest("spf50的防晒霜用了还是晒伤了😭")


@pytest.mark.django_db
def test_confirmed_complaints_join_the_training_newest_first_capped(district):
    category, problem_type = ComplaintCategory.objects.get(code="food"), ProblemType.objects.get(code="price")
    for n in range(3):
        ComplaintFactory(org_unit=district, subject=f"第{n}件", facts="馒头涨价", category=category,
                         problem_type=problem_type, classification_confirmed=True)
    ComplaintFactory(org_unit=district, subject="未确认", category=category, problem_type=problem_type)
    examples = classification.training_examples_confirmed(limit=2)
    assert [e.text.split("\n")[0] for e in examples] == ["第2件", "第1件"]
    assert {(e.category, e.problem_type) for e in examples} == {("food", "price")}


@pytest.mark.django_db
def test_the_process_classifier_is_trained_once_and_again_when_a_day_old(monkeypatch):
    monkeypatch.setattr(classification, "_classifier", None)
    first = classification.classifier_get()
    assert classification.classifier_get() is first
    monkeypatch.setattr(classification, "_trained_at",
                        time.monotonic() - classification.RETRAIN_AFTER_SECONDS - 1)
    second = classification.classifier_get()
    assert second is not first and classification.classifier_get() is second
    assert classification.suggest("电视机屏幕坏了").category_codes
