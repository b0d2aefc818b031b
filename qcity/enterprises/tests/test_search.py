import datetime
import random

import pytest
from django.db import connection
from pypinyin import Style, lazy_pinyin
from pypinyin.seg.simpleseg import seg

from qcity.core.choices import Role
from qcity.enterprises import search as search_module
from qcity.enterprises.demo import enterprise_rows, units_from_reference_data
from qcity.enterprises.demo.vocabulary import common_characters
from qcity.enterprises.models import Enterprise
from qcity.enterprises.search import credit_code, filter_by_text, name_initials, search, term_normalised
from qcity.enterprises.selectors import enterprise_list

from .factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


def test_name_initials():
    assert name_initials("郑州宏达食品有限公司") == "zzhdspyxgs"
    assert name_initials("ABC科技") == "abckj"
    assert name_initials("金水区银行路长春食品店") == "jsqyhlccspd"  # 行 as in 银行, 长 as in 长春
    assert name_initials("郑州行长（河南）重庆火锅店") == "zzhz（hn）cqhgd"  # 长 as in 行长, 重 as in 重庆


def test_name_initials_read_as_pypinyin_reads_the_whole_name():
    """The character-by-character fast path gives what pypinyin's segmentation gives, on the demo's names
    and on names of random common characters (GB 2312 level 1), with and without the phrases that read a
    polyphone another way."""
    def whole_name(name):
        return "".join("".join(lazy_pinyin(word, style=Style.FIRST_LETTER, errors="default")).lower()
                       for word in seg(name))

    rng = random.Random(5)
    common = common_characters()
    names = ["".join(rng.choices(common, k=rng.randint(2, 14))) for _ in range(5000)]
    names += [f"郑州{word}有限公司" for word in ("银行", "行长", "长安", "重庆", "音乐", "快乐", "郦食其", "单于")]
    names += ["ΣΑΣ公司", "ΟΔΥΣΣΕΥΣ食品", "ABC科技", "3D打印（河南）", "ａｂｃ数码"]  # final sigma, Latin, full-width
    names += [row[2] for row in enterprise_rows(seed=3, count=5000, units=units_from_reference_data(),
                                                last_day=datetime.date(2026, 12, 1))]
    assert [name_initials(name) for name in names] == [whole_name(name) for name in names]
    assert sum(name_initials(n) != "".join(search_module._initials_tables()[0].get(c, c) for c in n).lower()
               for n in names) >= 8  # the phrases above do read their polyphone another way


TERMS = [
    ("宏达食品", ["郑州宏达食品有限公司"]),
    ("烩面", ["金水区老李烩面馆"]),
    ("面馆", ["金水区老李烩面馆"]),            # two characters at the very end of a name
    ("馆", ["金水区老李烩面馆"]),              # one character
    ("有限公司", ["郑州宏达食品有限公司", "河南中原机械制造有限公司", "河南宏达食达食品（郑州）有限公司"]),
    ("hdsp", ["郑州宏达食品有限公司"]),       # pinyin initials
    ("ZYJX", ["河南中原机械制造有限公司"]),   # initials, any case
    ("ＨＤＳＰ", ["郑州宏达食品有限公司"]),   # full-width Latin from an IME
    ("（郑州）", ["河南宏达食达食品（郑州）有限公司"]),  # full-width punctuation kept
    ("宏达食达食品", ["河南宏达食达食品（郑州）有限公司"]),
    ('"宏达', []),                             # a quote is not FTS syntax
    ('"a" OR b*', []),
    ("食品 NEAR 公司", []),
    ("%", []), ("_", []), ("\\", []),          # nor LIKE wildcards or escapes
    ("宏达\x1f食品", ["郑州宏达食品有限公司"]),  # control characters dropped (the index's sentinel among them)
    ("有限公司" * 50, []),
    ("ABC科", ["ABC科技发展中心"]),
    ("abc科", []),                             # Latin letters in a name: case-sensitive on every path
    ("哈哈哈哈", []),                          # one distinct trigram, held by 哈哈哈 below
    ("hhhh", []),
]


@pytest.fixture
def companies(district):
    return [
        EnterpriseFactory(org_unit=district, name="郑州宏达食品有限公司"),
        EnterpriseFactory(org_unit=district, name="河南中原机械制造有限公司"),
        EnterpriseFactory(org_unit=district, name="金水区老李烩面馆"),
        # holds the trigrams of 宏达食品 (宏达食, 达食品), but not the term itself
        EnterpriseFactory(org_unit=district, name="河南宏达食达食品（郑州）有限公司"),
        EnterpriseFactory(org_unit=district, name="哈哈哈玩具店"),
        EnterpriseFactory(org_unit=district, name="ABC科技发展中心"),
    ]


@pytest.fixture(params=["scan", "index"])
def path(request, monkeypatch):
    """A short list is read with the substring test; with PROBE_ROWS lowered the same terms go through
    the text index (SQLite's FTS table, PostgreSQL's grams index)."""
    if request.param == "index":
        monkeypatch.setattr(search_module, "PROBE_ROWS", 1)
        monkeypatch.setattr(search_module, "PROBE_FREQUENT", 2)
    return request.param


@pytest.mark.parametrize(("text", "expected"), TERMS)
def test_filter_by_text(companies, path, text, expected):
    names = sorted(filter_by_text(Enterprise.objects.all(), text).values_list("name", flat=True))
    assert names == sorted(expected)


def test_blank_terms_filter_nothing(companies):
    for text in ["", "   ", "\u3000\t", "\x00"]:
        assert filter_by_text(Enterprise.objects.all(), text).count() == len(companies)


def test_term_normalised_and_credit_code():
    assert term_normalised("  ＡＢＣ１２３\u3000食品（郑州）\x1f ") == "ABC123 食品（郑州）"
    assert credit_code(" 91410100ma1mk8q13k ") == "91410100MA1MK8Q13K"
    assert credit_code("９１４１０１００ＭＡ１ＭＫ８Ｑ１３Ｋ") == "91410100MA1MK8Q13K"
    assert credit_code("91410100MA1MK8Q13") is None and credit_code("郑州宏达食品有限公司郑州宏达食品有限") is None


def test_frequent_term_is_read_newest_first_with_an_estimate(district, monkeypatch):
    """A term in many rows of the probe: the substring test newest first, and an estimate of the total
    from the probe's share (no count); the estimate is near the truth when matches spread evenly."""
    for i in range(60):
        EnterpriseFactory(org_unit=district, name=f"郑州{i}号{'食品' if i % 3 else '机械'}有限公司")
    monkeypatch.setattr(search_module, "PROBE_ROWS", 12)
    monkeypatch.setattr(search_module, "PROBE_FREQUENT", 3)
    monkeypatch.setattr(search_module, "EXACT_SPAN", 1)
    found = search(Enterprise.objects.all(), "食品")
    assert found.estimate is not None and 30 <= found.estimate <= 50  # 40 in truth
    newest = list(found.queryset.order_by("-pk").values_list("name", flat=True)[:5])
    assert newest == list(Enterprise.objects.filter(name__contains="食品").order_by("-pk")
                          .values_list("name", flat=True)[:5])
    assert search(Enterprise.objects.all(), "机械").estimate is not None
    assert search(Enterprise.objects.all(), "郑州59号").estimate is None  # one match in the probe: the index
    monkeypatch.setattr(search_module, "EXACT_SPAN", 10)  # the probe read a tenth of the list: exact count
    assert search(Enterprise.objects.all(), "食品").estimate is None


def test_middling_term_of_a_long_list_is_probed_deeper_then_estimated(district, monkeypatch):
    """A term in too few rows of the probe for an estimate, but in more of the whole list than the index path
    reads quickly: a deeper probe newest first finds PROBE_FREQUENT matches and the term is estimated from
    them. A term only in the newest rows, which the deeper probe does not find again, keeps the index path."""
    for i in range(200):
        name = f"郑州{i}号{'食品' if i % 5 == 0 else '五金'}{'机械' if i >= 197 else ''}有限公司"
        EnterpriseFactory(org_unit=district, name=name)
    for name, value in (("PROBE_ROWS", 10), ("PROBE_FREQUENT", 4), ("EXACT_SPAN", 1), ("INDEX_MATCHES", 20),
                        ("DEEPER_PROBES", 20)):
        monkeypatch.setattr(search_module, name, value)
    deeper = []
    probe = search_module._deeper_probe
    monkeypatch.setattr(search_module, "_deeper_probe", lambda *args: deeper.append(args[2]) or probe(*args))
    found = search(Enterprise.objects.all(), "食品")  # 2 in the newest 10, 40 in all
    assert deeper == ["食品"] and 25 <= found.estimate <= 60
    assert list(found.queryset.order_by("-pk").values_list("pk", flat=True)[:5]) == list(
        Enterprise.objects.filter(name__contains="食品").order_by("-pk").values_list("pk", flat=True)[:5])
    found = search(Enterprise.objects.all(), "机械")  # 3 in the newest 10, and no others
    assert deeper == ["食品", "机械"] and found.estimate is None and found.queryset.count() == 3
    found = search(Enterprise.objects.all(), "郑州199号")  # once in the probe: 20 in all at most
    assert deeper == ["食品", "机械"] and found.estimate is None and found.queryset.count() == 1
    monkeypatch.setattr(search_module, "DEEPER_PROBES", 1)  # a window of the first probe's own range
    found = search(Enterprise.objects.all(), "食品")  # the same 2 matches: fewer than PROBE_FREQUENT
    assert deeper[-1] == "食品" and found.estimate is None and found.queryset.count() == 40


def test_code_and_empty_queryset(companies):
    enterprise = companies[0]
    assert list(search(Enterprise.objects.all(), enterprise.uscc.lower()).queryset) == [enterprise]
    assert not search(Enterprise.objects.none(), "宏达").queryset.exists()


def test_index_follows_renames_and_deletes(companies, monkeypatch):
    monkeypatch.setattr(search_module, "PROBE_ROWS", 1)
    enterprise = companies[0]
    enterprise.name = "郑州新名称电子有限公司"
    enterprise.save()
    assert not filter_by_text(Enterprise.objects.all(), "宏达食品").exists()
    assert filter_by_text(Enterprise.objects.all(), "新名称").exists()
    assert filter_by_text(Enterprise.objects.all(), "电子").exists()
    companies[2].delete()
    assert not filter_by_text(Enterprise.objects.all(), "面馆").exists()


def test_list_is_scoped_to_the_district(make_user, district, city, companies):
    other = EnterpriseFactory(org_unit=city.children.get(name="二七区"), name="二七区某公司")
    officer = make_user(Role.DISTRICT_OFFICER, org_unit=district)
    visible = set(enterprise_list(user=officer).values_list("pk", flat=True))
    assert {c.pk for c in companies} <= visible and other.pk not in visible
    assert other.pk in set(enterprise_list(user=make_user(Role.LEADERSHIP_OFFICE)).values_list("pk", flat=True))
    assert not enterprise_list(user=make_user(Role.AUDIT_ADMIN)).exists()


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL's JIT")
def test_searches_run_without_postgresql_jit_and_with_room_for_an_exact_bitmap():
    # the grams function's declared cost made the planner compile a page's query for 0.3 s; a lossy bitmap
    # made PostgreSQL test 776,410 rows with the grams function again (15 s for one term at 10 million)
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
        cursor.execute("SHOW work_mem")
        assert cursor.fetchone()[0] == "32MB"
