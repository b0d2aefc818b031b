"""Finds personal data in free text before it is published (DOMAIN §2.3 publishes a penalty's summary,
§9 keeps a complainant's or reporter's identity confidential; 《个人信息保护法》 art. 28 lists ID
numbers and financial accounts as sensitive personal information).

`find_personal_data(text, known_names=...)` returns `Finding`s (kind, span, text), in text order and
never overlapping. Pure Python (no Django): masking, publication checks and migrations import it.

What is detected, and how false positives are kept out:

- `id_number` 居民身份证号码: 18 characters (17 digits + digit/X) that pass the ISO 7064 MOD 11-2
  checksum (`stdnum.cn.ric`), or that fail it but carry a real birth date and a known division code (a
  mistyped ID still identifies a person) or stand after an ID label (身份证号…). A valid unified social
  credit code (GB 32100; `stdnum.cn.uscc`) is not an ID unless the checksum says ID and the code does not.
  15 digits: the pre-1999 ID, 6-digit division code starting 1–6 and a real 19YYMMDD birth date.
- `mobile` 手机号: 1[3-9] + 9 digits, optionally +86/0086 and spaces or dashes as 3-4-4.
- `landline` 固定电话: 0 + 2–3 digit area code, then 7–8 digits; the area code must be set off
  (dash, space, brackets) unless a phone label (电话, 座机, Tel) precedes the number.
- `bank_card` 银行卡号: 16–19 digits (groups of 4 allowed) passing the Luhn check (`stdnum.luhn`), or
  12–19 digits after a card label (卡号, 账号, 银行卡).
- `email` 电子邮箱.
- `name`: a name the caller knows for the record (legal representative, complainant, reporter,
  parties), wherever it occurs; and a 2–4 character name starting with a common surname written right
  after a person label (当事人, 投诉人, 举报人, 法定代表人, 经营者, 负责人, 联系人, 消费者…), when it ends at
  punctuation or before a verb such as 反映/投诉/于 — so that 当事人郑州某食品有限公司 is not a name.

A number after a document label (文号, 编号, 批号, 报告, 单号, 代码, 注册号, 许可证) is not a phone, card or
old ID: 郑市监罚〔2026〕12号, 批号 20260315, amounts (50000元) and dates never match.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from stdnum import luhn
from stdnum.cn import ric, uscc

ID_NUMBER = "id_number"
MOBILE = "mobile"
LANDLINE = "landline"
BANK_CARD = "bank_card"
EMAIL = "email"
NAME = "name"
KINDS = (ID_NUMBER, MOBILE, LANDLINE, BANK_CARD, EMAIL, NAME)
# Kinds that a publishing officer can never confirm as legally required (only a name can be).
NEVER_CONFIRMABLE = frozenset({ID_NUMBER, MOBILE, LANDLINE, BANK_CARD, EMAIL})


@dataclass(frozen=True)
class Finding:
    kind: str
    start: int
    end: int
    text: str

    @property
    def span(self) -> tuple[int, int]:
        return self.start, self.end


_HAN = "\u4e00-\u9fff"
_ID_LABEL = re.compile(r"(?:身份证|证件|公民身份号码|身份号码|ID)[号码]*[：:\s]*$")
_PHONE_LABEL = re.compile(r"(?:电话|手机|座机|联系方式|联系|Tel|TEL|tel|电话号码)[号码]*[：:\s]*$")
_CARD_LABEL = re.compile(r"(?:银行卡|卡号|账号|帐号|银行账户|开户账号)[号码]*[：:\s]*$")
_DOCUMENT_LABEL = re.compile(r"(?:文号|编号|批号|报告|单号|代码|注册号|许可证|证书|证号|订单|序号|条码|批次|货号|型号)"
                             r"[号码]*[^\d" + _HAN + r"]{0,3}$")
_NUMBER_UNIT = re.compile(r"^\s*(?:元|万|亿|件|个|吨|千克|公斤|克|瓶|箱|台|套|%|％|批|份|人|次|号|年|月|日|米|升)")

_EMAIL = re.compile(r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_ID18 = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
_ID15 = re.compile(r"(?<![0-9A-Za-z])[1-6]\d{14}(?![0-9A-Za-z])")
_CARD = re.compile(r"(?<![0-9A-Za-z])(?:\d{4}[ -]){3}\d{4}(?:[ -]?\d{1,3})?(?![0-9A-Za-z])"
                   r"|(?<![0-9A-Za-z])\d{12,19}(?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<![0-9A-Za-z+])(?:(?:\+|00)86[ -]?)?1[3-9]\d(?:[ -]?\d{4}){2}(?![0-9A-Za-z])")
_LANDLINE = re.compile(r"(?<![0-9A-Za-z])(?:[（(]0\d{2,3}[）)][ -]?|0\d{2,3}[ -]|0\d{2,3})\d{7,8}"
                       r"(?:[ -]?(?:转|ext\.?)\s?\d{1,5})?(?![0-9A-Za-z])")

_PERSON_LABEL = ("法定代表人|负责人|经营者|当事人|投诉人|举报人|申请人|被申请人|委托代理人|代理人|联系人|消费者|"
                 "业主|户主|实际控制人|股东|受害人|购买人")
# A name ends at punctuation, a digit, the end of the text, or before one of these words.
_NAME_END = ("反映|投诉|举报|称|于|在|因|的|等|向|对|未|经|购买|销售|经营|系|为|以|与|和|及|个人|本人|先生|女士|同志|"
             "身份证|证件|电话|手机|联系|住|家住|现住|男|女|年|出生|签收|签字|到场|陈述|承认|提出|申请|自述|作为|担任")
_LABELLED_NAME = re.compile(rf"(?:{_PERSON_LABEL})(?:[：:]\s*|\s*)([{_HAN}]{{2,4}}?)(?=[^{_HAN}]|$|{_NAME_END})")
_SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
    "姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施"
    "文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷"
    "盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷"
    "晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆"
    "乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练廉禹井祖漆巴丰支卿国狄平"
    "计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫杭况那宿鲜印逯隆茹诸战慕危玉银亢嵇公"
    "哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉植衡富尧闭由")
_COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "令狐", "宇文",
                      "司徒", "夏侯", "端木", "轩辕", "独孤", "南宫", "西门", "百里", "呼延", "澹台", "公冶", "申屠")
# Not names even though they follow a label and start with a surname character.
_NOT_NAMES = re.compile(r"(?:某|女士|先生|同志|老师|师傅)$|^(?:本人|其本人|个人|单位|企业|公司|该店|该厂|当场|未能|未按|于是|在场|对此|经查|以上|以下|"
                        r"无法|拒绝|已经|已于|曾经|因此|因为|同时|应当|为了|为此|和解|及时|与其|明知|多次|共计|合计)")


def _prefix(text: str, start: int, width: int = 12) -> str:
    return text[max(0, start - width):start]


def _digits(value: str) -> str:
    return re.sub(r"\D", "", value)


def _is_date(yyyymmdd: str) -> bool:
    try:
        day = datetime.date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
    except ValueError:
        return False
    return datetime.date(1900, 1, 1) <= day <= datetime.date.today()


def _id18(text: str, match: re.Match) -> bool:
    number = match.group().upper()
    if ric.is_valid(number):
        # an all-digit unified social credit code with a lucky MOD 11-2 check character stays a code
        return not (uscc.is_valid(number) and number[0] not in "123456")
    if _ID_LABEL.search(_prefix(text, match.start())):
        return True
    if uscc.is_valid(number) or _DOCUMENT_LABEL.search(_prefix(text, match.start())):
        return False
    try:  # a mistyped ID: real birth date, known place
        ric.get_birth_place(number)
    except Exception:  # noqa: BLE001 - stdnum raises several exception types for an unknown place
        return False
    return _is_date(number[6:14])


def _id15(text: str, match: re.Match) -> bool:
    number, before = match.group(), _prefix(text, match.start())
    if _ID_LABEL.search(before):
        return True
    return not _DOCUMENT_LABEL.search(before) and _is_date("19" + number[6:12])


def _card(text: str, match: re.Match) -> bool:
    digits = _digits(match.group())
    before = _prefix(text, match.start())
    if _CARD_LABEL.search(before):
        return 12 <= len(digits) <= 19
    if not 16 <= len(digits) <= 19 or _DOCUMENT_LABEL.search(before) or _NUMBER_UNIT.match(text[match.end():]):
        return False
    return luhn.is_valid(digits)


def _phone(text: str, match: re.Match) -> bool:
    return not (_DOCUMENT_LABEL.search(_prefix(text, match.start())) or _NUMBER_UNIT.match(text[match.end():]))


def _landline(text: str, match: re.Match) -> bool:
    value = match.group()
    set_off = value[0] in "（(" or re.match(r"0\d{2,3}[ -]", value) is not None
    if not set_off and not _PHONE_LABEL.search(_prefix(text, match.start())):
        return False
    return _phone(text, match)


def _labelled_names(text: str) -> Iterable[tuple[int, int]]:
    for match in _LABELLED_NAME.finditer(text):
        name, start = match.group(1), match.start(1)
        if _NOT_NAMES.search(name) or _NOT_NAMES.match(text[start:start + 4]):
            continue
        if not (name[0] in _SURNAMES or name[:2] in _COMPOUND_SURNAMES):
            continue
        yield start, match.end(1)


def _occurrences(needle: str, text: str) -> Iterator[tuple[int, int]]:
    """Where `needle` (not empty) occurs in `text`, left to right and not overlapping, as `re.finditer` of the
    escaped needle finds it; by `str.find`, since a pattern compiled for each enterprise's or person's name
    missed re's cache every time (a tenth of the complaints demo)."""
    if not needle:
        return
    start = text.find(needle)
    while start >= 0:
        yield start, start + len(needle)
        start = text.find(needle, start + len(needle))


def _known_name_spans(text: str, names: Iterable[str]) -> Iterable[tuple[int, int]]:
    for name in sorted({(n or "").strip() for n in names}, key=len, reverse=True):
        if len(name) < 2:
            continue
        yield from _occurrences(name, text)


def find_personal_data(text: str, *, known_names: Iterable[str] = (),
                       public_names: Iterable[str] = ()) -> list[Finding]:
    """Every piece of personal data in `text`. `known_names`: persons the platform knows for this record;
    `public_names`: text that is public anyway (the enterprise's own name, which for a sole trader may
    contain the operator's name) and is skipped."""
    text = text or ""
    taken: list[tuple[int, int]] = []
    for name in public_names:
        name = (name or "").strip()
        if name:
            taken += _occurrences(name, text)
    public = list(taken)
    findings: list[Finding] = []

    def add(kind: str, start: int, end: int) -> None:
        if any(start < e and s < end for s, e in taken):
            return
        taken.append((start, end))
        findings.append(Finding(kind, start, end, text[start:end]))

    for match in _EMAIL.finditer(text):
        add(EMAIL, match.start(), match.end())
    for match in _ID18.finditer(text):
        if _id18(text, match):
            add(ID_NUMBER, match.start(), match.end())
    for match in _CARD.finditer(text):
        if _card(text, match):
            add(BANK_CARD, match.start(), match.end())
    for match in _ID15.finditer(text):
        if _id15(text, match):
            add(ID_NUMBER, match.start(), match.end())
    for match in _MOBILE.finditer(text):
        if _phone(text, match):
            add(MOBILE, match.start(), match.end())
    for match in _LANDLINE.finditer(text):
        if _landline(text, match):
            add(LANDLINE, match.start(), match.end())
    for start, end in _known_name_spans(text, known_names):
        add(NAME, start, end)
    for start, end in _labelled_names(text):
        if not any(s <= start and end <= e for s, e in public):
            add(NAME, start, end)
    return sorted(findings, key=lambda f: f.start)
