"""What the public reads of a credit event, and the personal-data rule for publishing it.

A credit event has two texts: `summary`, the officers' record, and `public_summary`, the only text the
public credit file, the public API and exports show. Before an event is published its public summary
must hold no personal data (qcity.core.personal_data): no ID number, phone, bank card or e-mail
address, ever, and no person's name — except the legal representative of a penalised enterprise, whose
name the penalty publication may carry once the publishing officer confirms it (总局令第45号 art. 4
defines the published fields, DOMAIN §2.3; that they include the legal representative's name is the
platform's reading, not checked against the text).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qcity.core.deadlines import DurationNotDefined, legal_duration_in_force
from qcity.core.masking import mask_finding, mask_text
from qcity.core.personal_data import NAME, Finding, find_personal_data

from .choices import PENALTY_KINDS, PUBLICATION_DEADLINE_CODES, CreditEventKind

KIND_LABELS = {
    "id_number": gettext_lazy("身份证号"),
    "mobile": gettext_lazy("手机号"),
    "landline": gettext_lazy("固定电话"),
    "bank_card": gettext_lazy("银行卡号"),
    "email": gettext_lazy("电子邮箱"),
    "name": gettext_lazy("姓名"),
}
# Events whose publication may name the penalised enterprise's legal representative (DOMAIN §2.3).
NAME_CONFIRMABLE_KINDS = PENALTY_KINDS | {CreditEventKind.LICENCE_REVOKED}


def known_names(enterprise, extra: Iterable[str] = ()) -> list[str]:
    """The persons the platform knows for an event: the legal representative, plus any the caller knows
    (complainant, reporter, parties)."""
    return [n for n in [enterprise.legal_representative, *extra] if (n or "").strip()]


def findings_of(event, *, extra_names: Iterable[str] = ()) -> list[Finding]:
    return find_personal_data(event.public_summary, known_names=known_names(event.enterprise, extra_names),
                              public_names=[event.enterprise.name])


def describe(findings: Iterable[Finding]) -> str:
    """"身份证号 4101**********2341、姓名 陆*林": what was found, masked (errors end up in logs too)."""
    return _("、").join(f"{KIND_LABELS[f.kind]} {mask_finding(f)}" for f in findings)


def check_public_summary(event, *, confirm_names: Iterable[str] = (), extra_names: Iterable[str] = ()) -> list[str]:
    """Raise a ValidationError naming `public_summary` (or `confirm_names`) unless the public summary may be
    published; return the names the officer confirmed and the text really contains (stored on the event)."""
    confirm = sorted({(n or "").strip() for n in confirm_names} - {""})
    legal_representative = (event.enterprise.legal_representative or "").strip()
    refused = [n for n in confirm if n != legal_representative or event.kind not in NAME_CONFIRMABLE_KINDS]
    if refused:
        raise ValidationError({"confirm_names": [
            _("只能确认被处罚企业的法定代表人姓名依法公示；%(names)s 不能确认") % {"names": _("、").join(refused)}]})
    if not (event.public_summary or "").strip():
        raise ValidationError({"public_summary": [_("请填写公示内容")]})
    findings = findings_of(event, extra_names=extra_names)
    blocking = [f for f in findings if not (f.kind == NAME and f.text in confirm)]
    if blocking:
        message = _("公示内容含有个人信息（%(found)s），请修改公示内容后再公示") % {"found": describe(blocking)}
        if any(f.kind == NAME and f.text == legal_representative for f in blocking) and \
                event.kind in NAME_CONFIRMABLE_KINDS:
            message += _("；法定代表人姓名依法需要公示的，请确认后公示")
        raise ValidationError({"public_summary": [message]})
    return sorted({f.text for f in findings if f.kind == NAME})


def public_text(event) -> str:
    """The public summary as the public reads it. Publication already refused personal data; masking
    again here keeps a slip (an edit in the admin, an old row) off the public pages."""
    return mask_text(event.public_summary or "", known_names=known_names(event.enterprise),
                     keep_names=event.confirmed_names or [], public_names=[event.enterprise.name])


def masked_summary(summary: str, enterprise) -> str:
    """A public summary for a row that is published without an officer (bulk loads, old rows)."""
    return mask_text(summary or "", known_names=known_names(enterprise), public_names=[enterprise.name])


def unpublishable_reason(kind: str, occurred_on) -> str:
    """Why an item the rules publish is not published: it was formed before any publication rule was in
    force — a penalty decided before 2014-10-01, when the first one (工商总局令第71号) came in (DOMAIN §2.3).
    Such a back-entry is recorded, audited and kept in the file, never published; '' when a rule applies."""
    code = PUBLICATION_DEADLINE_CODES.get(kind)
    if not code or occurred_on is None:
        return ""
    try:
        legal_duration_in_force(code, occurred_on)
    except DurationNotDefined:
        return _("形成日期 %(day)s 时尚无信息公示规定，此信用事项只登记、不公示") % {"day": occurred_on}
    return ""
