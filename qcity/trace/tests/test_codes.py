"""GS1 Digital Link parsing and building, and the QR images (pure: no database)."""

import io
import xml.etree.ElementTree as ET

import pytest
from PIL import Image

from qcity.trace import codes

GTIN = "09506000134352"  # valid check digit
BAD_GTIN = "09506000134353"


@pytest.mark.parametrize("value, expected", [
    (f"/01/{GTIN}", codes.DigitalLink(gtin=GTIN)),
    (f"/01/{GTIN}/10/ABC1", codes.DigitalLink(gtin=GTIN, lot="ABC1")),
    (f"/01/{GTIN}/10/ABC1/", codes.DigitalLink(gtin=GTIN, lot="ABC1")),
    (f"https://qcity.example.gov.cn/01/{GTIN}/21/S-7?linkType=all", codes.DigitalLink(gtin=GTIN, serial="S-7")),
    ("https://id.gs1.org/01/9506000134352/10/L%2F2", codes.DigitalLink(gtin=GTIN, lot="L/2")),  # GTIN-13 padded
])
def test_parses_paths_and_uris_into_gtin14_lot_and_serial(value, expected):
    # given a resolver path or a Digital Link on any host / when parsed / then the parts, GTIN as 14 digits
    assert codes.parse(value) == expected


def test_a_wrong_check_digit_is_refused_although_biip_accepts_the_uri():
    # given a Digital Link whose GTIN check digit is wrong (biip only reports it on the element)
    # when parsed / then it is refused naming the GTIN's check digit
    with pytest.raises(codes.DigitalLinkError) as error:
        codes.parse(f"https://qcity.example.gov.cn/01/{BAD_GTIN}/10/ABC")
    assert error.value.field == "gtin"
    assert "商品条码 GTIN 校验位错误" in error.value.message


@pytest.mark.parametrize("value, field, words", [
    (f"/01/{GTIN}/10/{'A' * 21}", "lot", "批号过长"),
    (f"/01/{GTIN}/10/批号一", "lot", "批号含有条码不允许的字符"),
    (f"/01/{GTIN}/21/{'9' * 25}", "serial", "序列号过长"),
    ("/01/95060001x4352", "gtin", "只能由数字组成"),
    ("/01/950600013", "gtin", "8、12、13 或 14 位"),
    (f"/01/{GTIN}/10", "uri", "缺少取值"),
    (f"/01/{GTIN}/99/x", "uri", "不支持的应用标识符"),
    ("/00/095060001343520000", "uri", "仅支持以商品条码"),
    ("", "uri", "请提供"),
    ("ftp://x/01/1", "uri", "不是有效的网址"),
])
def test_malformed_links_name_what_is_wrong(value, field, words):
    # given a malformed link / when parsed / then the error names the part
    with pytest.raises(codes.DigitalLinkError) as error:
        codes.parse(value)
    assert error.value.field == field
    assert words in error.value.message


def test_builds_product_lot_and_serial_links_on_the_site_host():
    # given this site's address / when links are built / then they are Digital Links on it, percent-encoded
    base = "https://qcity.example.gov.cn/"
    assert codes.link_uri(base, gtin=GTIN) == f"https://qcity.example.gov.cn/01/{GTIN}"
    assert codes.link_uri(base, gtin=GTIN, lot="A/1") == f"https://qcity.example.gov.cn/01/{GTIN}/10/A%2F1"
    assert codes.link_uri(base, gtin=GTIN, lot="A", serial="7") == f"https://qcity.example.gov.cn/01/{GTIN}/21/7"
    # and what is built parses back, the canonical form on id.gs1.org
    parsed = codes.parse(codes.link_uri(base, gtin=GTIN, lot="A/1"))
    assert parsed.lot == "A/1" and parsed.uri == f"https://id.gs1.org/01/{GTIN}/10/A/1"


def test_qr_svg_is_a_standalone_svg_document():
    # given a lot link / when drawn as SVG
    svg = codes.qr_svg(f"https://qcity.example.gov.cn/01/{GTIN}/10/ABC1", title="x")
    # then it is well-formed SVG, with no XML declaration, script or external reference
    root = ET.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert not svg.startswith(b"<?xml") and b"<script" not in svg and b"href" not in svg
    assert int(root.get("width")) >= 100


def test_qr_png_is_a_square_png_with_a_quiet_zone():
    # given a lot link / when drawn as PNG
    png = codes.qr_png(f"https://qcity.example.gov.cn/01/{GTIN}/10/ABC1")
    # then it is a square PNG, white at the border (the quiet zone)
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.width == image.height and image.width >= 250
    assert image.convert("L").getpixel((2, 2)) == 255


def test_the_qr_uses_error_correction_m():
    # given a link / when encoded / then level M (no boost), which the labels' print test assumes
    assert codes.qr_code(f"https://qcity.example.gov.cn/01/{GTIN}").error == "M"
