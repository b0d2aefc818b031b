"""Input shapes of the trace app's pages (and of the trace API's query); the rules are the services'."""

from django import forms
from django.utils.translation import gettext_lazy as _

from qcity.core.fields import BoundedDateFormField, CleanTextFormField
from qcity.core.forms import StyledForm
from qcity.enterprises.models import Enterprise

from .choices import RecallHolderStatus, RecallKind, TraceCodeKind
from .identifiers import IdentifierError, canonical, gtin_clean, lot_uri
from .models import Lot, Product, TraceCategory


# --- trace codes ---------------------------------------------------------------------------------------------
class TraceCodeIssueForm(StyledForm):
    """Which code to issue: a product or one of its lots (GTIN + lot number), an enterprise's merchant code
    (its credit code; an enterprise user's own when left empty) or a delivery (its bizTransaction)."""

    kind = forms.ChoiceField(label=_("类型"), choices=TraceCodeKind.choices)
    gtin = forms.CharField(label=_("商品条码 GTIN"), max_length=14, required=False)
    lot_number = forms.CharField(label=_("批号"), max_length=20, required=False)
    uscc = forms.CharField(label=_("统一社会信用代码"), max_length=18, required=False)
    biz_transaction = forms.CharField(label=_("业务单据编号"), max_length=300, required=False)

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        data["product"] = data["lot"] = data["enterprise"] = None
        if kind == TraceCodeKind.PRODUCT:
            self._clean_product(data)
        elif kind == TraceCodeKind.MERCHANT and data.get("uscc"):
            data["enterprise"] = Enterprise.objects.select_related("org_unit").filter(
                uscc=data["uscc"].strip().upper()).first()
            if data["enterprise"] is None:
                self.add_error("uscc", _("没有该统一社会信用代码的企业"))
        elif kind == TraceCodeKind.TRANSACTION and not data.get("biz_transaction", "").strip():
            self.add_error("biz_transaction", _("请填写业务单据编号"))
        return data

    def _clean_product(self, data) -> None:
        if not data.get("gtin"):
            self.add_error("gtin", _("请填写商品条码 GTIN"))
            return
        try:
            gtin = gtin_clean(data["gtin"])
        except IdentifierError as exc:
            self.add_error("gtin", str(exc))
            return
        product = Product.objects.select_related("producer__enterprise__org_unit").filter(gtin=gtin).first()
        if product is None:
            self.add_error("gtin", _("没有登记该商品条码的产品"))
            return
        data["product"] = product
        if data.get("lot_number"):
            data["lot"] = product.lots.filter(lot_number=data["lot_number"].strip()).first()
            if data["lot"] is None:
                self.add_error("lot_number", _("该产品没有登记这个批号"))


# --- master data: catalogue, parties, locations, products, lots ----------------------------------------------
class TraceCategoryForm(StyledForm):
    """A new catalogue entry: its group (农产品类, 食品类 …), its name, the words that place products in it."""

    group = CleanTextFormField(label=_("类别"), max_length=50)
    name = CleanTextFormField(label=_("产品类别"), max_length=100)
    keywords = CleanTextFormField(label=_("匹配关键词"), max_length=300, required=False,
                                  help_text=_("产品名称中含其中任一词即归入本类别，以空格分隔"))
    effective_from = BoundedDateFormField(label=_("列入日期"))
    source = CleanTextFormField(label=_("依据"), max_length=300, required=False)


class TraceCategoryEditForm(StyledForm):
    keywords = CleanTextFormField(label=_("匹配关键词"), max_length=300, required=False)
    source = CleanTextFormField(label=_("依据"), max_length=300, required=False)


class TraceCategoryRetireForm(StyledForm):
    on = BoundedDateFormField(label=_("移出日期"))


class PartyRegisterForm(StyledForm):
    gln = CleanTextFormField(label=_("GLN"), max_length=13)
    name = CleanTextFormField(label=_("名称"), max_length=200, required=False, help_text=_("留空则使用企业名称"))
    uscc = CleanTextFormField(label=_("统一社会信用代码"), max_length=18, required=False,
                              help_text=_("企业账号可留空，即本企业"))


class LocationRegisterForm(StyledForm):
    gln = CleanTextFormField(label=_("GLN"), max_length=13)
    extension = CleanTextFormField(label=_("扩展码"), max_length=20, required=False)
    name = CleanTextFormField(label=_("名称"), max_length=200)
    party = CleanTextFormField(label=_("所属主体GLN"), max_length=13)
    address = CleanTextFormField(label=_("地址"), max_length=300, required=False)


class ProductRegisterForm(StyledForm):
    gtin = CleanTextFormField(label=_("GTIN"), max_length=14)
    name = CleanTextFormField(label=_("产品名称"), max_length=200)
    brand = CleanTextFormField(label=_("品牌"), max_length=100, required=False)
    producer = CleanTextFormField(label=_("生产者GLN"), max_length=13, required=False)
    category = forms.ModelChoiceField(label=_("追溯目录类别"), required=False, queryset=TraceCategory.objects.all(),
                                      help_text=_("留空则按产品名称匹配目录"))


# --- traces and recalls --------------------------------------------------------------------------------------
class TraceForm(StyledForm):
    """What to trace: a lot by GTIN and lot number, or any identifier (EPC URN or Digital Link). The page and
    the API (`/api/traces/?gtin=&lot=`) share it, so a bad check digit is refused the same way, naming `gtin`."""

    gtin = forms.CharField(label=_("商品条码 GTIN"), max_length=14, required=False)
    lot = forms.CharField(label=_("批号"), max_length=20, required=False)
    epc = forms.CharField(label=_("或追溯标识（EPC / 数字链接）"), max_length=300, required=False)

    def clean_gtin(self):
        value = self.cleaned_data["gtin"].strip()
        if not value:
            return ""
        try:
            return gtin_clean(value)
        except IdentifierError as exc:
            raise forms.ValidationError(str(exc)) from exc

    def clean(self):
        data = super().clean()
        gtin, lot, epc = data.get("gtin"), (data.get("lot") or "").strip(), (data.get("epc") or "").strip()
        if epc:
            data["root"] = canonical(epc)
        elif gtin and lot:
            data["root"] = lot_uri(gtin, lot)
        elif gtin and "gtin" not in self.errors:
            self.add_error("lot", _("请填写批号"))
        elif not self.errors:
            raise forms.ValidationError(_("请填写商品条码和批号，或追溯标识"))
        return data


def lot_find(gtin: str, lot_number: str) -> Lot | None:
    return Lot.objects.select_related("product__producer__org_unit").filter(
        product__gtin=gtin, lot_number=lot_number.strip()).first()


class RecallOpenForm(StyledForm):
    """Open the recall of a registered lot (GTIN + lot number)."""

    gtin = forms.CharField(label=_("商品条码 GTIN"), max_length=14)
    lot_number = forms.CharField(label=_("批号"), max_length=20)
    kind = forms.ChoiceField(label=_("召回方式"), choices=RecallKind.choices)
    reason = forms.CharField(label=_("召回原因"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def clean_gtin(self):
        try:
            return gtin_clean(self.cleaned_data["gtin"])
        except IdentifierError as exc:
            raise forms.ValidationError(str(exc)) from exc

    def clean(self):
        data = super().clean()
        if data.get("gtin") and data.get("lot_number"):
            data["lot"] = lot_find(data["gtin"], data["lot_number"])
            if data["lot"] is None:
                self.add_error("lot_number", _("该产品没有登记这个批号"))
        return data


class RecallHolderAdvanceForm(StyledForm):
    status = forms.ChoiceField(label=_("新状态"), choices=RecallHolderStatus.choices)
    note = forms.CharField(label=_("说明"), max_length=300, required=False)


class RecallCloseForm(StyledForm):
    reason = forms.CharField(label=_("提前结束原因"), max_length=300, required=False)
