import pytest

from qcity.core.choices import Role
from qcity.enterprises.models import Enterprise
from qcity.enterprises.search import filter_by_text, name_initials
from qcity.enterprises.selectors import enterprise_list

from .factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


def test_name_initials():
    assert name_initials("郑州宏达食品有限公司") == "zzhdspyxgs"
    assert name_initials("ABC科技") == "abckj"


@pytest.fixture
def companies(district):
    return [
        EnterpriseFactory(org_unit=district, name="郑州宏达食品有限公司"),
        EnterpriseFactory(org_unit=district, name="河南中原机械制造有限公司"),
        EnterpriseFactory(org_unit=district, name="金水区老李烩面馆"),
    ]


@pytest.mark.parametrize(("text", "expected"), [
    ("宏达食品", ["郑州宏达食品有限公司"]),   # indexed substring (≥3 characters)
    ("烩面", ["金水区老李烩面馆"]),           # short query falls back to a scan
    ("有限公司", ["郑州宏达食品有限公司", "河南中原机械制造有限公司"]),
    ("hdsp", ["郑州宏达食品有限公司"]),       # pinyin initials
    ("ZYJX", ["河南中原机械制造有限公司"]),   # initials, any case
    ('"宏达', []),                             # quote in the query is not FTS syntax
])
def test_filter_by_text(companies, text, expected):
    names = sorted(filter_by_text(Enterprise.objects.all(), text).values_list("name", flat=True))
    assert names == sorted(expected)


def test_index_follows_renames(companies):
    enterprise = companies[0]
    enterprise.name = "郑州新名称电子有限公司"
    enterprise.save()
    assert not filter_by_text(Enterprise.objects.all(), "宏达食品").exists()
    assert filter_by_text(Enterprise.objects.all(), "新名称").exists()


def test_list_is_scoped_to_the_district(make_user, district, city, companies):
    other = EnterpriseFactory(org_unit=city.children.get(name="二七区"), name="二七区某公司")
    officer = make_user(Role.DISTRICT_OFFICER, org_unit=district)
    visible = set(enterprise_list(user=officer).values_list("pk", flat=True))
    assert {c.pk for c in companies} <= visible and other.pk not in visible
    assert other.pk in set(enterprise_list(user=make_user(Role.LEADERSHIP_OFFICE)).values_list("pk", flat=True))
    assert not enterprise_list(user=make_user(Role.AUDIT_ADMIN)).exists()
