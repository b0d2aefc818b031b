"""Issuing QR codes (追溯码, the plans' 商户二维码、商品二维码、交易二维码).

A code is issued once per (kind, key): issuing it again returns the code already issued, so a second click,
a retried API call or twenty parallel ones leave one row (the unique constraint decides a race). The keys:

- product code: the product's canonical URI (`https://id.gs1.org/01/<gtin>`), or the lot's
  (`…/10/<lot>`) for a lot code; the QR itself carries the same Digital Link on this site's host;
- merchant code: `enterprise:<id>` (the enterprise's page, `m/<id>/`);
- transaction code: a token signed with the site's secret (`django.core.signing`, deterministic, so issuing
  again finds the same row) that carries the bizTransaction identifier of the delivery. The token is the
  URL (`t/<token>/`): a business document number is guessable, a signature is not, and a delivery names a
  buyer and quantities that only those holding the paper should open.

Who may issue: market officers over the enterprise's district, or the enterprise's own user (the producer of
the product, the merchant itself, a party to the delivery).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from qcity.core import access
from qcity.core.audit import audit_record
from qcity.core.choices import AuditAction
from qcity.core.models import User
from qcity.core.roles import MARKET_OFFICERS
from qcity.enterprises.models import Enterprise

from ..choices import TraceCodeKind
from ..codes import merchant_key, transaction_token
from ..identifiers import parts
from ..models import Event, Lot, Party, Product, TraceCode

KEY_MAX = TraceCode._meta.get_field("key").max_length


def _transaction_enterprises(biz_transaction: str) -> list[Enterprise]:
    """The registered enterprises of a delivery: those who captured its events and its parties."""
    events = list(Event.objects.filter(biz_transaction=biz_transaction)
                  .values_list("enterprise_id", "source_party", "destination_party")[:200])
    if not events:
        raise ValidationError({"biz_transaction": _("没有找到该业务单据的追溯事件")})
    ids = {enterprise_id for enterprise_id, _source, _destination in events if enterprise_id}
    glns = {parts(uri).get("417") for _id, source, destination in events for uri in (source, destination)} - {None}
    ids |= set(Party.objects.filter(gln__in=glns, enterprise__isnull=False).values_list("enterprise_id", flat=True))
    return list(Enterprise.objects.filter(pk__in=ids).select_related("org_unit").order_by("pk"))


def _require_issuer(by: User | None, enterprises: list[Enterprise], *, action: str) -> None:
    """An officer over one of the enterprises' districts (any market officer when none is registered), or
    the user of one of them."""
    if by is None:
        return
    if by.enterprise_id and any(e.pk == by.enterprise_id for e in enterprises):
        return
    if not enterprises:
        access.require_role(by, *MARKET_OFFICERS, action=action)
        return
    if any(access.covers(by, e.org_unit, MARKET_OFFICERS) for e in enterprises):
        return
    raise access.deny(by, action=action, org_unit=enterprises[0].org_unit)


def _issue(*, kind: str, key: str, by: User | None, **links) -> TraceCode:
    existing = TraceCode.objects.filter(kind=kind, key=key).first()
    if existing is not None:
        existing.created = False
        return existing
    try:
        with transaction.atomic():
            code = TraceCode.objects.create(kind=kind, key=key, issued_by=by, **links)
            enterprise = links.get("enterprise")
            audit_record(action=AuditAction.CREATE, by=by, obj=code,
                         org_unit=enterprise.org_unit if enterprise is not None else None,
                         message=f"trace code issued: {kind} {key[:200]}")
    except IntegrityError:  # a twin issued it between the lookup and the insert
        code = TraceCode.objects.get(kind=kind, key=key)
        code.created = False
        return code
    code.created = True
    return code


def trace_code_issue(*, kind: str, by: User | None, product: Product | None = None, lot: Lot | None = None,
                     enterprise: Enterprise | None = None, biz_transaction: str = "") -> TraceCode:
    """Issue (or find) the QR code of a product or lot (kind product), an enterprise (merchant) or a delivery
    (transaction, by its bizTransaction identifier as captured). The code returned says whether this call
    issued it (`code.created`), so the API can answer 201 or 200."""
    action = f"issue trace code {kind}"
    if kind == TraceCodeKind.PRODUCT:
        if lot is not None:
            product = lot.product
        if product is None:
            raise ValidationError({"product": _("请选择产品或批次")})
        producer = product.producer.enterprise if product.producer_id and product.producer.enterprise_id else None
        _require_issuer(by, [producer] if producer else [], action=action)
        key = lot.uri if lot is not None else product.uri
        return _issue(kind=kind, key=key, by=by, product=product, lot=lot, enterprise=producer)
    if kind == TraceCodeKind.MERCHANT:
        if enterprise is None and by is not None and by.enterprise_id:
            enterprise = Enterprise.objects.select_related("org_unit").get(pk=by.enterprise_id)  # the user's own
        if enterprise is None:
            raise ValidationError({"enterprise": _("请选择企业")})
        _require_issuer(by, [enterprise], action=action)
        return _issue(kind=kind, key=merchant_key(enterprise.pk), by=by, enterprise=enterprise)
    if kind == TraceCodeKind.TRANSACTION:
        biz_transaction = (biz_transaction or "").strip()
        if not biz_transaction:
            raise ValidationError({"biz_transaction": _("请填写业务单据编号")})
        token = transaction_token(biz_transaction)
        if len(token) > KEY_MAX:
            raise ValidationError({"biz_transaction": _("业务单据编号过长")})
        enterprises = _transaction_enterprises(biz_transaction)
        _require_issuer(by, enterprises, action=action)
        own = next((e for e in enterprises if by is not None and e.pk == by.enterprise_id), None)
        return _issue(kind=kind, key=token, by=by, enterprise=own or (enterprises[0] if enterprises else None))
    raise ValidationError({"kind": _("不支持的追溯码类型")})

