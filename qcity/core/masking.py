"""Masking of personal data for everything the public or a third party reads: public pages, the public
API, exports and notifications all call this module, so the rule is the same everywhere.

The rules (platform rule, after GB/T 35273-2020 §3.14 de-identification and the usual practice of the
national publicity system):

| kind | shown | example |
|---|---|---|
| person's name | first and last character | 张三 → 张*, 陆英林 → 陆*林, 欧阳小明 → 欧**明 |
| ID number (18/15) | first 4 (city) and last 4 | 410105198801012341 → 4101**********2341 |
| mobile | first 3 and last 4 | +86 138-1234-5678 → 138****5678 |
| landline | area code and last 4 | 0371-67891234 → 0371-****1234 |
| bank card | last 4 | 6222021234567890128 → ***************0128 |
| e-mail | first character of the mailbox and the domain | wangxm@163.com → w***@163.com |

Detection is `qcity.core.personal_data`; `mask_text` masks every finding.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .personal_data import (
    BANK_CARD,
    EMAIL,
    ID_NUMBER,
    LANDLINE,
    MOBILE,
    NAME,
    Finding,
    find_personal_data,
)


def mask_person_name(name: str) -> str:
    """张三 → 张*, 张小明 → 张*明, 欧阳小明 → 欧**明; a one-character name is left as it is."""
    name = (name or "").strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def _mask_digits(value: str, *, keep_start: int, keep_end: int) -> str:
    return value[:keep_start] + "*" * (len(value) - keep_start - keep_end) + value[len(value) - keep_end:]


def mask_phone(phone: str) -> str:
    """A phone number as stored (13812345678, 0371-67891234) → 138****5678, 037******1234; a number of seven
    characters or fewer keeps only its last two."""
    phone = (phone or "").strip()
    if len(phone) > 7:
        return _mask_digits(phone, keep_start=3, keep_end=4)
    return _mask_digits(phone, keep_start=0, keep_end=min(2, len(phone)))


def mask_id_number(id_number: str) -> str:
    """A resident ID number → its first four and last four characters (4101**********1234)."""
    id_number = (id_number or "").strip().upper()
    return _mask_digits(id_number, keep_start=4, keep_end=4) if len(id_number) > 8 else "*" * len(id_number)


def mask_finding(finding: Finding) -> str:
    text = finding.text
    if finding.kind == NAME:
        return mask_person_name(text)
    if finding.kind == ID_NUMBER:
        return mask_id_number(text)
    if finding.kind == MOBILE:
        return mask_phone(re.sub(r"\D", "", text)[-11:])
    if finding.kind == LANDLINE:
        set_off = re.match(r"[（(]?(0\d{2,3})[）)]?[ -]?(?=\d)", text)
        digits = re.sub(r"\D", "", text.split("转")[0].split("ext")[0])  # i18n-ignore: parses "转" (extension)
        area = set_off.group(1) if set_off and not text[:5].isdigit() else digits[:3 if digits[1] in "12" else 4]
        return f"{area}-****{digits[-4:]}"
    if finding.kind == BANK_CARD:
        digits = re.sub(r"\D", "", text)
        return _mask_digits(digits, keep_start=0, keep_end=4)
    if finding.kind == EMAIL:
        mailbox, _at, domain = text.partition("@")
        return f"{mailbox[:1]}***@{domain}"
    return "*" * len(text)


def mask_text(text: str, *, known_names: Iterable[str] = (), keep_names: Iterable[str] = (),
              public_names: Iterable[str] = ()) -> str:
    """`text` with every piece of personal data masked. `known_names`: the persons the platform knows
    for the record; `keep_names`: names confirmed for publication (a penalised enterprise's legal
    representative), left as written — never an ID, phone, card or e-mail address."""
    keep = {(n or "").strip() for n in keep_names} - {""}
    findings = find_personal_data(text, known_names=known_names, public_names=public_names)
    out, position = [], 0
    for finding in findings:
        if finding.kind == NAME and finding.text in keep:
            continue
        out += [text[position:finding.start], mask_finding(finding)]
        position = finding.end
    out.append((text or "")[position:])
    return "".join(out)
