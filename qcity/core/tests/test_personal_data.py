"""The personal-data detector and the masking rule, on summaries like those officers write (penalties,
complaints, sampling): what must be found, and the codes, numbers, amounts and dates that must not be."""

import pytest

from qcity.core.masking import mask_person_name, mask_text
from qcity.core.personal_data import find_personal_data

ID = "410105198801012341"  # valid MOD 11-2 check digit
ID_X = "11010519491231002X".replace("2X", "22")  # 110105194912310022, valid
CARD = "6222021234567890128"  # Luhn-valid, 19 digits

# (text, known names, expected findings as (kind, text))
CORPUS = [
    # the finding of the hardening review, word for word
    ("当事人陆英林（身份证号410105198801012345，联系电话13812345678）", ["陆英林"],
     [("name", "陆英林"), ("id_number", "410105198801012345"), ("mobile", "13812345678")]),
    (f"当事人张建国（公民身份号码{ID}）经营的食品店销售过期食品，罚款5000元", [],
     [("name", "张建国"), ("id_number", ID)]),
    (f"经查，当事人法定代表人为刘志强，身份证{ID_X}", ["刘志强"], [("name", "刘志强"), ("id_number", ID_X)]),
    ("投诉人王小红反映其在该店购买的电热水壶漏电，联系电话139-3712-4567", [],
     [("name", "王小红"), ("mobile", "139-3712-4567")]),
    ("举报人：李明，手机 +86 186 0371 2345，邮箱 liming88@163.com", [],
     [("name", "李明"), ("mobile", "+86 186 0371 2345"), ("email", "liming88@163.com")]),
    ("消费者赵丽投诉商品质量问题，经核查属实，退款至其银行卡6222021234567890128", [],
     [("name", "赵丽"), ("bank_card", CARD)]),
    ("投诉人留下的座机为0371-67891234，经调解双方达成协议", [], [("landline", "0371-67891234")]),
    ("联系电话（010）12345678转806", [], [("landline", "（010）12345678转806")]),
    ("当事人孙某某的旧身份证号410105880101234", [], [("id_number", "410105880101234")]),
    ("退款账号 6217000012345670", [], [("bank_card", "6217000012345670")]),
    ("经营者周德华未办理营业执照从事食品经营", [], [("name", "周德华")]),
    ("法定代表人：欧阳明华，负责人：陈晓", [], [("name", "欧阳明华"), ("name", "陈晓")]),
    ("该公司由马红梅实际经营，现已整改", ["马红梅"], [("name", "马红梅")]),
    ("涉案人员电话13503712345、13703712345", [], [("mobile", "13503712345"), ("mobile", "13703712345")]),
    ("举报人邮箱tip_2026@qq.com", [], [("email", "tip_2026@qq.com")]),
    # what must never be flagged
    ("郑市监罚〔2026〕12号：当事人郑州某某食品有限公司销售不合格产品，罚款50000元", [], []),
    ("当事人河南省郑州市金水区某某百货商行（统一社会信用代码91410100MA44XK2Q0B）未按规定标注产品标识", [], []),
    ("统一社会信用代码91110000600037341L，责令改正", [], []),
    ("金水市监罚字〔2025〕第0387号，没收违法所得13812元并处罚款138120元", [], []),
    ("电饭煲（批号 20260315001）监督抽检不合格，检验报告 JC2026123456789012", [], []),
    ("抽样单编号 NCP20264101000123，检验报告编号 W2026-04-1234", [], []),
    ("2026年3月5日检查发现，2026-03-05 作出处罚决定，货值金额1380元", [], []),
    ("许可证编号 JY14101050012345，食品经营许可证已吊销", [], []),
    ("生产日期20250101，保质期12个月，标称生产企业为郑州某某食品厂", [], []),
    ("当事人于2026年3月5日销售过期食品，违法所得1380元", [], []),
    ("消费者李女士投诉价格欺诈，经核查属实", [], []),
    ("张某投诉商品质量问题，经核查属实", [], []),
    ("罚款人民币壹万叁仟捌佰元整（13800元），货值金额18612345678元", [], []),
    ("电子计价秤示值误差超过最大允许误差，检定证书号 2026-0371-012345", [], []),
    ("违法经营额共计6222021234567890128元", [], []),  # a Luhn-valid run followed by 元 is an amount
    ("销售者陆英林食品店（个体工商户）未索证索票", [], []),  # the enterprise's own name, passed as public
]


@pytest.mark.parametrize(("text", "names", "expected"), CORPUS, ids=[str(i) for i in range(len(CORPUS))])
def test_detector_on_real_looking_summaries(text, names, expected):
    found = find_personal_data(text, known_names=names, public_names=["陆英林食品店"])
    assert [(f.kind, f.text) for f in found] == expected
    for finding in found:
        assert text[finding.start:finding.end] == finding.text == text[slice(*finding.span)]


def test_masking_rules():
    text = (f"当事人陆英林（身份证号{ID}，联系电话+86 138-1234-5678，座机0371-67891234，"
            f"银行卡{CARD}，邮箱 wangxm@163.com）")
    assert mask_text(text, known_names=["陆英林"]) == (
        "当事人陆*林（身份证号4101**********2341，联系电话138****5678，座机0371-****1234，"
        "银行卡***************0128，邮箱 w***@163.com）")


def test_mask_keeps_a_confirmed_name_but_never_a_number():
    text = f"当事人陆英林（身份证号{ID}）"
    assert mask_text(text, known_names=["陆英林"], keep_names=["陆英林"]) == "当事人陆英林（身份证号4101**********2341）"


@pytest.mark.parametrize(("name", "masked"), [("张三", "张*"), ("陆英林", "陆*林"), ("欧阳小明", "欧**明"), ("张", "张"),
                                              ("", "")])
def test_mask_person_name(name, masked):
    assert mask_person_name(name) == masked


def test_clean_text_is_left_as_it_is():
    text = "郑市监罚〔2026〕12号 销售不合格产品，责令改正并处罚款50000元"
    assert mask_text(text, known_names=["陆英林"]) == text


def test_a_known_name_is_found_every_time_it_occurs_and_a_public_name_every_time_it_is_skipped():
    text = "投诉人陆英林称陆英林食品店拒不退款，陆英林陆英林多次交涉；名称含.*的店"
    found = find_personal_data(text, known_names=["陆英林", ".*"], public_names=["陆英林食品店"])
    # not inside the public name; each other occurrence, side by side too; a name is text, not a pattern
    assert [(f.start, f.text) for f in found] == [(3, "陆英林"), (18, "陆英林"), (21, "陆英林"), (32, ".*")]
