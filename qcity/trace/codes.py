"""QR codes of traceability (追溯码) as GS1 Digital Link URIs: parse, build and draw them.

A product, lot or serial code is a GS1 Digital Link URI on this site's own host (GS1 Digital Link 1.2 §4:
any domain may serve as the resolver): `https://<host>/01/<gtin14>[/10/<lot>|/21/<serial>]`. Scanning it
opens our scan page, and any GS1 resolver still reads the GTIN and lot out of it. The parser is biip's; biip
does not refuse a wrong GTIN check digit inside a Digital Link (it reports it on the element string), so it is
checked here. Messages name what is wrong, in words a shopper or a clerk understands.

Pure: no database. QR images: segno, error correction level M (ISO/IEC 18004: ~15 % of the symbol may be
damaged or covered, enough for a label on a crate), a quiet zone of four modules as the standard asks.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from urllib.parse import quote, unquote, urlsplit

import segno
from biip import ParseError
from biip.gs1_digital_link_uris import GS1DigitalLinkURI
from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.translation import gettext as _

from .models import DIGITAL_LINK_HOST

LOT_MAX = SERIAL_MAX = 20  # AI (10) and AI (21): X..20
# GS1 AI encodable character set 82 (GS1 General Specifications §7.11, figure 7.11-1).
_CSET82 = re.compile(r"^[!\"%&'()*+,\-./0-9:;<=>?A-Z_a-z]+$")
_DIGITS = re.compile(r"^\d+$")
TRANSACTION_SALT = "qcity.trace.transaction-code"
QR_ERROR = "m"
SVG_SCALE = 4  # px per module: a version-4 code (33 modules) is about 160 px, crisp when scaled up
PNG_SCALE = 10  # about 4 cm at 600 dpi for print
QR_BORDER = 4


class DigitalLinkError(ValueError):
    """A Digital Link that cannot be read; `field` names the part (gtin, lot, serial, uri)."""

    def __init__(self, message: str, field: str = "uri"):
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class DigitalLink:
    gtin: str  # 14 digits, check digit verified
    lot: str = ""
    serial: str = ""

    @property
    def uri(self) -> str:
        """The canonical form (id.gs1.org), as the trace index and `Lot.uri` store identifiers (unencoded)."""
        uri = f"{DIGITAL_LINK_HOST}/01/{self.gtin}"
        if self.serial:
            return f"{uri}/21/{self.serial}"
        return f"{uri}/10/{self.lot}" if self.lot else uri


def _check_gtin(value: str) -> None:
    if not _DIGITS.match(value):
        raise DigitalLinkError(_("商品条码 GTIN 只能由数字组成"), "gtin")
    if len(value) not in (8, 12, 13, 14):
        raise DigitalLinkError(_("商品条码 GTIN 应为 8、12、13 或 14 位数字"), "gtin")


def _check_attribute(value: str, field: str) -> None:
    label = _("批号") if field == "lot" else _("序列号")
    if len(value) > LOT_MAX:
        raise DigitalLinkError(_("%(label)s过长（最多 %(max)s 个字符）") % {"label": label, "max": LOT_MAX}, field)
    if not _CSET82.match(value):
        raise DigitalLinkError(_("%(label)s含有条码不允许的字符（只能用字母、数字和常用符号）") % {"label": label}, field)


def _path_segments(path: str) -> list[str]:
    return [segment for segment in path.split("?", 1)[0].split("#", 1)[0].split("/") if segment != ""]


def parse(value: str) -> DigitalLink:
    """A resolver path (`/01/…`) or a full Digital Link URI on any host -> (gtin14, lot, serial).

    Raises DigitalLinkError naming the part that is wrong: a GTIN that is not 8–14 digits or whose check
    digit is wrong, a lot or serial too long or with characters a barcode cannot carry, a primary key other
    than a GTIN (an SSCC is a shipment, not something a shopper scans), or extra path parts."""
    value = (value or "").strip()
    if not value:
        raise DigitalLinkError(_("请提供商品的数字链接（GS1 Digital Link）"))
    if value.startswith("/"):
        value = DIGITAL_LINK_HOST + value
    split = urlsplit(value)
    if split.scheme not in ("http", "https") or not split.netloc:
        raise DigitalLinkError(_("不是有效的网址：数字链接应以 https:// 开头"))
    segments = _path_segments(split.path)
    if not segments or segments[0] != "01":
        raise DigitalLinkError(_("仅支持以商品条码（GTIN，应用标识符 01）开头的数字链接"))
    # Our own checks first: biip's messages are English and do not say which part is wrong.
    if len(segments) < 2:
        raise DigitalLinkError(_("数字链接中缺少商品条码 GTIN"), "gtin")
    _check_gtin(segments[1])
    pairs = segments[2:]
    if len(pairs) % 2:
        raise DigitalLinkError(_("数字链接的路径不完整：应用标识符 %(ai)s 后缺少取值") % {"ai": pairs[-1]})
    attributes = dict(zip(pairs[::2], pairs[1::2], strict=True))
    unknown = [ai for ai in attributes if ai not in ("10", "21", "22")]
    if unknown:
        raise DigitalLinkError(_("数字链接中含有不支持的应用标识符：%(ai)s") % {"ai": "、".join(unknown)})
    decoded = _decoded_attributes(value)
    for ai, field in (("10", "lot"), ("21", "serial")):
        if ai in attributes:
            _check_attribute(decoded.get(ai, attributes[ai]), field)
    try:
        link = GS1DigitalLinkURI.parse(_quoted(value))
    except ParseError as exc:
        raise DigitalLinkError(_("数字链接无法识别：%(reason)s") % {"reason": exc}) from exc
    found = {element.ai.ai: element for element in link.element_strings}
    gtin = found.get("01")
    if gtin is None:
        raise DigitalLinkError(_("数字链接中缺少商品条码 GTIN"), "gtin")
    if gtin.gtin_error or gtin.gtin is None:
        raise DigitalLinkError(_("商品条码 GTIN 校验位错误：%(value)s") % {"value": segments[1]}, "gtin")
    return DigitalLink(gtin=gtin.gtin.as_gtin_14(), lot=found["10"].value if "10" in found else "",
                       serial=found["21"].value if "21" in found else "")


def _decoded_attributes(value: str) -> dict[str, str]:
    """The path's attribute values, percent-decoded (a lot of 'A/B' travels as 'A%2FB')."""
    segments = _path_segments(urlsplit(value).path)[2:]
    return {ai: unquote(v) for ai, v in zip(segments[::2], segments[1::2], strict=False)}


def _quoted(value: str) -> str:
    """The URI as biip reads it: the path percent-encoded once (a path arrives decoded from the web server),
    without a trailing slash, without the query (our pages ignore linkType and the like)."""
    split = urlsplit(value)
    path = quote("/" + "/".join(_path_segments(split.path)), safe="/%")  # no trailing or doubled slashes
    return f"{split.scheme}://{split.netloc}{path}"


def site_base(request=None) -> str:
    """This site's address for the links a QR code carries: QCITY_SITE_URL, else the host of the request."""
    if settings.QCITY_SITE_URL:
        return settings.QCITY_SITE_URL
    return request.build_absolute_uri("/").rstrip("/") if request is not None else DIGITAL_LINK_HOST


def code_content(code, *, base: str) -> str:
    """What the QR of an issued code (`TraceCode`, with its product and lot loaded) carries: the Digital Link
    of the product or lot on this site, or the page of the merchant or of the delivery."""
    if code.kind == "product":
        return link_uri(base, gtin=code.product.gtin, lot=code.lot.lot_number if code.lot_id else "")
    if code.kind == "merchant":
        return base + reverse("trace-public:merchant", args=[code.enterprise_id])
    return base + reverse("trace-public:transaction", args=[code.key])


def merchant_key(enterprise_id: int) -> str:
    """The key of an enterprise's merchant code (TraceCode.key): its id, as the page `m/<id>/` names it."""
    return f"enterprise:{enterprise_id}"


def transaction_token(biz_transaction: str) -> str:
    """The token of a transaction code: the bizTransaction signed with the site's secret (django.core.signing,
    URL-safe, deterministic: the same delivery gives the same token, so issuing is idempotent on it)."""
    return signing.dumps(biz_transaction, salt=TRANSACTION_SALT, compress=True)


def transaction_of(token: str) -> str | None:
    """The bizTransaction a token carries, or None for a forged or damaged one."""
    try:
        value = signing.loads(token, salt=TRANSACTION_SALT)
    except signing.BadSignature:
        return None
    return value if isinstance(value, str) else None


def link_uri(base: str, *, gtin: str, lot: str = "", serial: str = "") -> str:
    """The Digital Link of a product, a lot (`lot`) or one item (`serial`) on `base` (`https://host`).
    A serial is more specific than a lot: given both, the item's link is built (GS1 DL: 01 then 21)."""
    uri = f"{base.rstrip('/')}/01/{gtin}"
    if serial:
        return f"{uri}/21/{quote(serial, safe='')}"
    if lot:
        return f"{uri}/10/{quote(lot, safe='')}"
    return uri


def qr_code(data: str) -> segno.QRCode:
    return segno.make_qr(data, error=QR_ERROR, boost_error=False)


def qr_svg(data: str, *, scale: int = SVG_SCALE, title: str = "") -> bytes:
    """A standalone SVG (no XML declaration, no external references), safe to inline in a page."""
    out = io.BytesIO()
    qr_code(data).save(out, kind="svg", scale=scale, border=QR_BORDER, xmldecl=False, title=title or None,
                       svgclass="qc-qr", lineclass=None)
    return out.getvalue()


def qr_png(data: str, *, scale: int = PNG_SCALE) -> bytes:
    out = io.BytesIO()
    qr_code(data).save(out, kind="png", scale=scale, border=QR_BORDER)
    return out.getvalue()
