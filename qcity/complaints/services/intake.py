"""Intake of complaints and reports (投诉举报登记, DOMAIN §9): the public's form, the hotline officer's
transcription and the national 12315 platform's hand-over all end here.

- A mixed submission is handled separately (Order 121 art. 9, UNCONFIRMED number): it becomes a complaint
  and a report, the report `split_from` the complaint, each with its own tracking number.
- Only a report may be anonymous: a complaint asks the regulator to mediate a dispute between two known
  parties, so the complainant's name and phone are part of the material (Order 20 art. 10).
- The tracking number is random (not a sequence), so knowing one's own number tells nothing about others';
  the lookup also needs the last four digits of the phone (`selectors.complaint_track`).
- Repeats create nothing: the same `source_ref` (the national platform's work-order number) or the same
  one-time form token returns the rows the first submission created.
- All or nothing: the rows, the history and the attachment files are written in one transaction, and the
  files written are deleted again when it rolls back.
"""

from __future__ import annotations

import dataclasses
import datetime
import logging
import os
import re
import secrets
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum import exceptions as stdnum_errors
from stdnum.cn import ric

from qcity.core import access
from qcity.core.choices import AuditAction
from qcity.core.deadlines import memoized
from qcity.core.fields import DATE_MIN
from qcity.core.messages import not_in_future
from qcity.core.models import User
from qcity.core.roles import COMPLAINT_HANDLERS
from qcity.core.text import BIDI_CONTROLS, ZERO_WIDTH
from qcity.core.uploads import MB, PDF_TYPES, validate_upload
from qcity.enterprises.models import Enterprise
from qcity.enterprises.validators import validate_uscc

from .. import classification
from ..choices import ComplaintChannel, ComplaintEventKind, ComplaintKind, ComplaintStatus, ReporterChannel
from ..models import Complaint, ComplaintAttachment, ComplaintCategory, ProblemType
from .events import complaint_event_new, complaint_events_save
from .gazetteer import city_map_memoized
from .routing import complaint_routed_steps, complaints_place

logger = logging.getLogger(__name__)

BOTH = "both"  # a mixed submission: one complaint and one report
KINDS = (ComplaintKind.COMPLAINT, ComplaintKind.REPORT_TIP, BOTH)
# Evidence: a photo or a scan (receipts, screenshots, contracts); checked by content, never by name alone.
ATTACHMENT_TYPES = (*PDF_TYPES, ".jpg", ".jpeg", ".png")
ATTACHMENT_MAX_FILES = 5
ATTACHMENT_MAX_BYTES = 10 * MB
TRACKING_PREFIX = "TS"
WRITE_ATTEMPTS = 3  # a tracking number drawn twice, or a twin submission committed first
BATCH_MAX = 100  # work orders in one hand-over (the national platform transfers them in batches)
# The fields of one submission with their defaults (those without a default are required).
FIELD_DEFAULTS = dict(person_name="", person_phone="", person_id_number="", person_address="", anonymous=False,
                      reporter_channel=ReporterChannel.SMS, respondent_uscc="", respondent_address="",
                      platform_name="", request="", product="", amount=None, harm_known_on=None, source_ref=None,
                      attachments=())
REQUIRED_FIELDS = ("respondent_name", "subject", "facts")

MOBILE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE = re.compile(r"^0[1-9]\d{8,10}$")  # area code (3–4 digits with the 0) + 7–8 digits
# Control characters (a newline is kept only in the long texts), bidi overrides and zero-width characters:
# invisible, they break exports and make two equal-looking names differ.
_INVISIBLE = re.compile(f"[{BIDI_CONTROLS}{ZERO_WIDTH}\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
MULTILINE_FIELDS = ("facts", "request")
TEXT_FIELDS = ("person_name", "person_address", "respondent_name", "respondent_address", "platform_name",
               "subject", "facts", "request", "product")


class Submission(list):
    """The rows of one submission (the complaint first, then the report split from it); `created` is False
    when the submission was a repeat and these are the rows the first one created."""

    def __init__(self, rows, *, created: bool):
        super().__init__(rows)
        self.created = created


def clean_text(value, *, multiline: bool = False) -> str:
    """Text as typed, less invisible characters; templates escape it on output."""
    text = str(value or "").replace("\r\n", "\n").replace("\r", "\n")
    if not multiline:
        text = text.replace("\n", " ").replace("\t", " ")
    return _INVISIBLE.sub("", text).strip()


def normalize_phone(value: str) -> str:
    """A mainland mobile as 11 digits (+86/0086, spaces and dashes dropped), or a landline with its area code
    as 0371-67891234 (010 and 02x have three-digit codes); raises ValueError otherwise."""
    digits = re.sub(r"[\s()（）-]", "", value or "")
    for prefix in ("+86", "0086"):
        if digits.startswith(prefix):
            digits = digits[len(prefix):]
    if MOBILE.match(digits):
        return digits
    if LANDLINE.match(digits):
        split = 3 if digits[1] in "12" else 4
        if 7 <= len(digits) - split <= 8:
            return f"{digits[:split]}-{digits[split:]}"
    raise ValueError(value)


def phone_last4(phone: str) -> str:
    return re.sub(r"\D", "", phone or "")[-4:]


def tracking_number_new(on: datetime.date) -> str:
    """TS + the day + 8 random digits: 10^8 numbers a day, not guessable from one's own."""
    return f"{TRACKING_PREFIX}{on:%Y%m%d}{secrets.randbelow(10**8):08d}"


def _max_length(field: str) -> int:
    return Complaint._meta.get_field(field).max_length


def _amount(value, errors: dict) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        errors["amount"] = [_("涉及金额须为数字")]
        return None
    field = Complaint._meta.get_field("amount")
    if not amount.is_finite() or amount < 0:
        errors["amount"] = [_("涉及金额不能为负数")]
    # the bound first: quantize() of a huge number (1e100) raises instead of answering
    elif amount >= Decimal(10) ** (field.max_digits - field.decimal_places) or amount != amount.quantize(Decimal("0.01")):
        errors["amount"] = [_("涉及金额最多保留两位小数，且不超过 %(max)s 元")
                            % {"max": "9" * (field.max_digits - field.decimal_places)}]
    return amount


def _check(data: dict, *, kind: str, channel: str, by: User | None, today: datetime.date) -> dict:
    """Validate and normalise the submission; every refusal names its field."""
    errors: dict[str, list[str]] = {}
    if kind not in KINDS:
        errors["kind"] = [_("请选择投诉、举报或投诉并举报")]
    if channel not in ComplaintChannel.values:
        errors["channel"] = [_("未知的来源渠道")]
    elif (by is None) != (channel == ComplaintChannel.PORTAL):
        errors["channel"] = [_("网上登记由公众本人提交，其他渠道由工作人员登记")]
    anonymous = data["anonymous"] = bool(data["anonymous"])
    if anonymous and kind != ComplaintKind.REPORT_TIP:
        errors["anonymous"] = [_("只有举报可以匿名；投诉须提供投诉人的姓名和联系电话")]
    if data["reporter_channel"] not in ReporterChannel.values:
        errors["reporter_channel"] = [_("未知的告知方式")]
    if anonymous:  # nothing about the person is kept but a phone given for tracking
        data["person_name"] = data["person_address"] = data["person_id_number"] = ""
        data["reporter_channel"] = ReporterChannel.NONE
    for field in TEXT_FIELDS:
        data[field] = clean_text(data[field], multiline=field in MULTILINE_FIELDS)
        label = Complaint._meta.get_field(field).verbose_name
        if len(data[field]) > _max_length(field):
            errors[field] = [_("%(label)s不能超过%(max)s个字") % {"label": label, "max": _max_length(field)}]
    for field in ("respondent_name", "subject", "facts") + (() if anonymous else ("person_name",)):
        if not data[field] and field not in errors:
            errors[field] = [_("请填写%(label)s") % {"label": Complaint._meta.get_field(field).verbose_name}]
    phone = clean_text(data["person_phone"])
    if phone:
        try:
            data["person_phone"] = normalize_phone(phone)
        except ValueError:
            errors["person_phone"] = [_("请填写11位手机号码或带区号的固定电话（如 0371-67891234）")]
    elif not anonymous:
        errors["person_phone"] = [_("请填写联系电话")]
    else:
        data["person_phone"] = ""
    id_number = clean_text(data["person_id_number"]).upper()
    if id_number:
        try:
            data["person_id_number"] = ric.validate(id_number)
        except stdnum_errors.ValidationError:
            errors["person_id_number"] = [_("身份证号码不正确，请核对")]
    uscc = clean_text(data["respondent_uscc"]).upper()
    if uscc:
        try:
            data["respondent_uscc"] = validate_uscc(uscc)
        except ValidationError as exc:
            errors["respondent_uscc"] = exc.messages
    data["amount"] = _amount(data["amount"], errors)
    harm_known_on = data["harm_known_on"]
    if harm_known_on is not None:
        if not isinstance(harm_known_on, datetime.date):
            errors["harm_known_on"] = [_("日期格式不正确")]
        elif harm_known_on > today:
            errors["harm_known_on"] = [not_in_future(_("知道权益受侵害日期"))]
        elif harm_known_on < DATE_MIN:
            errors["harm_known_on"] = [_("日期格式不正确")]
    if data["source_ref"] is not None:
        data["source_ref"] = clean_text(data["source_ref"]) or None
        if data["source_ref"] and len(data["source_ref"]) > _max_length("source_ref"):
            errors["source_ref"] = [_("外部编号不能超过%(max)s个字符") % {"max": _max_length("source_ref")}]
    _check_attachments(data["attachments"], errors)
    if errors:
        raise ValidationError(errors)
    return data


def _check_attachments(attachments, errors: dict) -> None:
    if len(attachments) > ATTACHMENT_MAX_FILES:
        errors["attachments"] = [_("最多上传%(count)s个文件") % {"count": ATTACHMENT_MAX_FILES}]
        return
    limit = min(ATTACHMENT_MAX_BYTES, settings.QCITY_MAX_UPLOAD_BYTES)
    for upload in attachments:
        try:
            validate_upload(upload, field="attachments", allowed=ATTACHMENT_TYPES, max_bytes=limit)
        except ValidationError as exc:
            errors.setdefault("attachments", []).extend(exc.message_dict["attachments"])


class _Lookups:
    """What the rows of a submission look up, read once for a whole batch (a single submission is a batch of
    one): the registered enterprises by credit code and by name, and the active categories and problem types."""

    def __init__(self, items: list[dict]):
        usccs = {item["respondent_uscc"] for item in items if item["respondent_uscc"]}
        names = {item[field] for item in items for field in ("respondent_name", "platform_name") if item[field]}
        self.by_uscc = {e.uscc: e for e in Enterprise.objects.filter(uscc__in=usccs)} if usccs else {}
        self.by_name: dict[str, list[Enterprise]] = {}
        for enterprise in Enterprise.objects.filter(name__in=names) if names else ():
            self.by_name.setdefault(enterprise.name, []).append(enterprise)
        self.active = {model: {row.code: row for row in model.objects.filter(active=True)}
                       for model in (ComplaintCategory, ProblemType)}

    def enterprise(self, *, uscc: str, name: str) -> Enterprise | None:
        """The registered enterprise by its credit code, else by its exact name when only one bears it; else
        none (routing then places the complaint by the address given)."""
        if uscc and uscc in self.by_uscc:
            return self.by_uscc[uscc]
        matches = self.by_name.get(name, []) if name else []
        return matches[0] if len(matches) == 1 else None

    def first_active(self, model, codes) -> object | None:
        return next((self.active[model][code] for code in codes if code in self.active[model]), None)


def _existing(*, source_ref: str | None, form_token: str | None) -> Submission | None:
    """The rows of an earlier submission with the same work-order number or form token."""
    lookup = {"source_ref": source_ref} if source_ref else {"form_token": form_token} if form_token else None
    if lookup is None:
        return None
    first = Complaint.objects.filter(**lookup).first()
    if first is None:
        return None
    return Submission([first, *first.split_into.order_by("id")], created=False)


def _existing_many(source_refs) -> dict[str, Submission]:
    """The rows of earlier hand-overs by work-order number, in two queries for a whole batch."""
    firsts = {row.source_ref: row for row in Complaint.objects.filter(source_ref__in=list(source_refs))}
    splits: dict[int, list[Complaint]] = {}
    for row in Complaint.objects.filter(split_from__in=list(firsts.values())).order_by("id"):
        splits.setdefault(row.split_from_id, []).append(row)
    return {ref: Submission([first, *splits.get(first.pk, [])], created=False) for ref, first in firsts.items()}


def _attachments_store(complaint: Complaint, uploads, written: list) -> None:
    """Store the checked files under the complaint, each row its own copy (a split complaint and report are
    handled, and their personal data anonymised, separately); `written` collects them for a rollback."""
    for upload in uploads:
        upload.seek(0)
        attachment = ComplaintAttachment(complaint=complaint, original_name=os.path.basename(upload.name or "")[:200],
                                         size=upload.size)
        attachment.file.save(f"evidence{os.path.splitext(upload.name or '')[1].lower()}", upload, save=False)
        written.append((attachment.file.storage, attachment.file.name))
        attachment.save()


def _files_delete(written: list) -> None:
    for storage, name in written:
        try:
            storage.delete(name)
        except OSError:
            logger.warning("could not delete %s after a rollback", name, exc_info=True)


def complaint_submit(*, kind: str, channel: str, person_name: str = "", person_phone: str = "",
                     person_id_number: str = "", person_address: str = "", anonymous: bool = False,
                     reporter_channel: str = ReporterChannel.SMS, respondent_uscc: str = "", respondent_name: str,
                     respondent_address: str = "", platform_name: str = "", subject: str, facts: str,
                     request: str = "", product: str = "", amount=None, harm_known_on: datetime.date | None = None,
                     attachments=(), source_ref: str | None = None, form_token: str | None = None,
                     by: User | None) -> Submission:
    """Register a complaint, a report, or both (two rows), classify and route each, and record the receipt
    in their history. `by` is the officer or the platform's service account; None for the public's form."""
    if by is not None:
        access.require_role(by, *COMPLAINT_HANDLERS, action="register a complaint")
    form_token = (form_token or "").strip()[:64] or None
    data = _check(dict(person_name=person_name, person_phone=person_phone, person_id_number=person_id_number,
                       person_address=person_address, anonymous=anonymous, reporter_channel=reporter_channel,
                       respondent_uscc=respondent_uscc, respondent_name=respondent_name,
                       respondent_address=respondent_address, platform_name=platform_name, subject=subject,
                       facts=facts, request=request, product=product, amount=amount, harm_known_on=harm_known_on,
                       source_ref=source_ref, attachments=list(attachments)),
                  kind=kind, channel=channel, by=by, today=timezone.localdate())
    source_ref = data.pop("source_ref")
    uploads = data.pop("attachments")
    existing = _existing(source_ref=source_ref, form_token=form_token)
    if existing is not None:
        return existing
    suggestion = classification.suggest_many([f"{data['subject']}\n{data['facts']}"])[0]
    entry = _Entry(data=data, kind=kind, source_ref=source_ref, form_token=form_token, uploads=uploads,
                   suggestion=suggestion)
    for _attempt in range(WRITE_ATTEMPTS):
        written: list = []
        try:
            with memoized(), city_map_memoized(), transaction.atomic():
                [rows] = _create([entry], channel=channel, by=by, lookups=_Lookups([data]), written=written)
            return Submission(rows, created=True)
        except IntegrityError:
            _files_delete(written)
            existing = _existing(source_ref=source_ref, form_token=form_token)  # a twin got there first
            if existing is not None:
                return existing
            if _attempt == WRITE_ATTEMPTS - 1:
                raise
        except BaseException:
            _files_delete(written)
            raise
    raise AssertionError("unreachable")


def complaints_submit_batch(*, work_orders: list[dict], channel: str, by: User) -> list[Submission]:
    """Register a batch of work orders (the national platform's hand-over) all or nothing: each is checked by
    the rules of `complaint_submit` (errors named `work_orders[i].field`, the whole batch refused), each is
    idempotent on its `source_ref` (a resent batch returns the rows it created), and the new ones are
    classified in one call and written in one transaction. The answer is one Submission per work order, in
    order."""
    access.require_role(by, *COMPLAINT_HANDLERS, action="register a complaint")
    if not isinstance(work_orders, list | tuple) or not 1 <= len(work_orders) <= BATCH_MAX:
        raise ValidationError({"work_orders": [_("一批须有 1 至 %(max)s 个工单") % {"max": BATCH_MAX}]})
    today = timezone.localdate()
    errors: dict[str, list[str]] = {}
    checked: list[tuple[str, str, dict]] = []  # (source_ref, kind, data)
    for index, item in enumerate(work_orders):
        try:
            source_ref, kind, data = _batch_item(item, channel=channel, by=by, today=today)
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                errors[f"work_orders[{index}].{field}"] = messages
            continue
        if any(source_ref == earlier for earlier, _kind, _data in checked):
            errors[f"work_orders[{index}].source_ref"] = [_("同一批中工单号重复")]
        checked.append((source_ref, kind, data))
    if errors:
        raise ValidationError(errors)
    for _attempt in range(WRITE_ATTEMPTS):
        existing = _existing_many(ref for ref, _kind, _data in checked)
        new = [(ref, kind, data) for ref, kind, data in checked if ref not in existing]
        suggestions = classification.suggest_many([f"{data['subject']}\n{data['facts']}" for _r, _k, data in new])
        entries = [_Entry(data=data, kind=kind, source_ref=ref, form_token=None, uploads=(), suggestion=suggestion)
                   for (ref, kind, data), suggestion in zip(new, suggestions, strict=True)]
        try:
            with memoized(), city_map_memoized(), transaction.atomic():
                created = _create(entries, channel=channel, by=by, lookups=_Lookups([e.data for e in entries]),
                                  written=[])
        except IntegrityError:
            if _attempt == WRITE_ATTEMPTS - 1:
                raise
            continue
        existing.update((entry.source_ref, Submission(rows, created=True))
                        for entry, rows in zip(entries, created, strict=True))
        return [existing[ref] for ref, _kind, _data in checked]
    raise AssertionError("unreachable")


def _batch_item(item, *, channel: str, by: User, today: datetime.date) -> tuple[str, str, dict]:
    """One work order of a batch, checked as `complaint_submit` checks it; the work-order number is required
    (it is what makes a resent batch harmless) and attachments stay on the national platform."""
    if not isinstance(item, dict):
        raise ValidationError({"non_field_errors": [_("工单须为对象")]})
    fields = {**FIELD_DEFAULTS, **{name: item.get(name, "") for name in REQUIRED_FIELDS}}
    errors = {name: [_("未知字段")] for name in item if name not in fields and name != "kind"}
    if not item.get("source_ref"):
        errors["source_ref"] = [_("请填写工单号")]
    if errors:
        raise ValidationError(errors)
    fields.update((name, value) for name, value in item.items() if name not in ("kind", "attachments"))
    kind = item.get("kind")
    data = _check({**fields, "attachments": []}, kind=kind, channel=channel, by=by, today=today)
    data.pop("attachments")
    return data.pop("source_ref"), kind, data


@dataclasses.dataclass
class _Entry:
    """One checked submission to write."""

    data: dict
    kind: str
    source_ref: str | None
    form_token: str | None
    uploads: list | tuple
    suggestion: classification.Suggestion


def _create(entries: list[_Entry], *, channel, by, lookups: _Lookups, written: list) -> list[list[Complaint]]:
    """Write the rows of the submissions (a mixed one as a complaint and a report split from it), routed
    before they are written, with their history and audit records: a handful of inserts for a whole batch.
    Tracking numbers are drawn at random and the unique constraint decides: a collision (about one in 10^7
    per batch) fails the transaction and the caller tries again with new numbers."""
    now = timezone.now()
    received_on = timezone.localdate(now)
    groups: list[list[Complaint]] = []
    for entry in entries:
        data = entry.data
        kinds = [ComplaintKind.COMPLAINT, ComplaintKind.REPORT_TIP] if entry.kind == BOTH else [entry.kind]
        group = [Complaint(
            kind=row_kind, channel=channel, status=ComplaintStatus.TRIAGE,
            source_ref=None if index else entry.source_ref, form_token=None if index else entry.form_token,
            received_at=now, received_on=received_on, registered_by=by, phone_last4=phone_last4(data["person_phone"]),
            respondent=lookups.enterprise(uscc=data["respondent_uscc"], name=data["respondent_name"]),
            platform=lookups.enterprise(uscc="", name=data["platform_name"]),
            suggested_category=lookups.first_active(ComplaintCategory, entry.suggestion.category_codes),
            suggested_problem_type=lookups.first_active(ProblemType, entry.suggestion.problem_type_codes),
            tracking_number=tracking_number_new(received_on), **data)
            for index, row_kind in enumerate(kinds)]
        for row in group:
            if row.anonymous:  # an anonymous reporter's phone serves tracking only: its last four digits are kept
                row.person_phone = ""
        groups.append(group)
    rows = [row for group in groups for row in group]
    befores = dict(zip(map(id, rows), complaints_place(rows, today=received_on), strict=True))
    Complaint.objects.bulk_create([group[0] for group in groups])
    pairs = [group for group in groups if len(group) == 2]
    for complaint, report in pairs:
        report.split_from = complaint
    Complaint.objects.bulk_create([report for _complaint, report in pairs])
    steps = []
    for entry, group in zip(entries, groups, strict=True):
        for row in group:
            _attachments_store(row, entry.uploads, written)
            steps.append(complaint_event_new(complaint=row, kind=ComplaintEventKind.RECEIVED, by=by,
                                             note=str(ComplaintChannel(channel).label), action=AuditAction.CREATE))
        if len(group) == 2:
            for row, other in ((group[0], group[1]), (group[1], group[0])):
                # not public: the respondent reads the complaint's history and must not learn of the report
                steps.append(complaint_event_new(complaint=row, kind=ComplaintEventKind.SPLIT, by=by, public=False,
                                                 note=_("%(kind)s：%(number)s") % {
                                                     "kind": ComplaintKind(other.kind).label,
                                                     "number": other.tracking_number}))
        for row in group:
            steps.extend(complaint_routed_steps(row, befores[id(row)], by=by))
    complaint_events_save(steps)
    return groups
