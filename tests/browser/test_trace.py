"""The trace module's "Done when" path in a real browser: a dairy plant's system posts EPCIS documents with its
service account's token, the distributor's and shops' events arrive through an officer's feed (out of time order),
the office traces the lot backward to the farm and forward to every shop, opens a recall and exports the holders,
and a consumer scans the lot's QR code on a phone and sees the chain and the recall.

The demo's dairy chain gives the parties and places (farm, plant, distributor, shops); the lot and its events
are new here, made on the server's pinned clock.
"""

import datetime
import io
import json
import urllib.request

import openpyxl

DEMO_PASSWORD = "Qcity-2026!"
PHONE_VIEWPORT = {"width": 390, "height": 844}
DESKTOP_VIEWPORT = {"width": 1366, "height": 900}
LOT = "BT20261"

# Run on the server: the demo dairy chain's parties, a service account of the plant's enterprise with a token,
# an officer's token, and the two EPCIS documents (the plant's; the distributor's and shops'), as JSON.
SETUP_CODE = """
import datetime, json
from django.utils import timezone
from qcity.core import api_tokens
from qcity.core.models import User
from qcity.core.roles import Role
from qcity.core.services import role_grant
from qcity.trace.models import Location, Lot, Party
from qcity.trace.tracing import trace
from qcity.trace.tests import epcis_documents as d

lot = (Lot.objects.select_related("product__producer__enterprise").filter(product__name__contains="牛奶")
       .exclude(recalls__isnull=False).order_by("pk").first())
product, plant = lot.product, lot.product.producer
found = trace(epc=lot.uri)
farm_uri, farm_lot = found.suppliers[0], found.origins[0]
distributor = next(s.destination_party for s in found.forward
                   if s.biz_step == "shipping" and s.source_party == plant.uri)
shops = [h.party for h in found.holders if h.party not in (plant.uri, distributor)][:2]
sysadmin, secadmin = User.objects.get(username="sysadmin"), User.objects.get(username="secadmin")
account = api_tokens.service_account_create(
    username="dairy-trace-system", full_name="乳业追溯系统", purpose="追溯数据上报",
    allowed_paths=["/api/epcis/"], org_unit=plant.org_unit, enterprise=plant.enterprise, by=sysadmin)
role_grant(user=account.user, role=Role.ENTERPRISE_USER, org_unit=plant.org_unit, by=secadmin)
_t, plant_key = api_tokens.service_account_token_issue(account=account, name="feed", days=30, by=sysadmin)
office = User.objects.get(username="office")
_t, office_key = api_tokens.api_token_create(user=office, name="feed", days=30, by=office)

def site(uri):
    gln = uri.rsplit("/", 1)[1]
    return Location.objects.filter(party__gln=gln).order_by("pk").first().uri
now = timezone.now()
at = lambda hours: now - datetime.timedelta(hours=hours)
new_lot = "https://id.gs1.org/01/%s/10/__LOT__" % product.gtin
plant_site = site(plant.uri)
plant_doc = d.document(
    d.object_event(lot=(farm_lot, 500, "KGM"), biz_step="receiving", location=plant_site, source=farm_uri,
                   when=at(30)),
    d.transformation_event(inputs=[(farm_lot, 500, "KGM")], outputs=[(new_lot, 1000, "EA")],
                           location=plant_site, when=at(28)),
    d.object_event(lot=(new_lot, 1000, "EA"), biz_step="shipping", location=plant_site, source=plant.uri,
                   destination=distributor, when=at(26)),
)
feed = []
for i, shop in enumerate(shops):
    feed.append(d.object_event(lot=(new_lot, 300 + 100 * i, "EA"), biz_step="receiving", location=site(shop),
                               source=distributor, when=at(10 - i)))
    feed.append(d.object_event(lot=(new_lot, 300 + 100 * i, "EA"), biz_step="shipping", location=site(distributor),
                               source=distributor, destination=shop, when=at(12 - i)))
feed.append(d.object_event(lot=(new_lot, 1000, "EA"), biz_step="receiving", location=site(distributor),
                           source=plant.uri, when=at(20)))
names = {p.uri: p.name for p in Party.objects.all()}
print(json.dumps({"gtin": product.gtin, "product": product.name, "plant_key": plant_key, "office_key": office_key,
                  "plant_doc": plant_doc, "feed_doc": d.document(*feed), "farm": names[farm_uri],
                  "shops": [names[s] for s in shops], "distributor": names[distributor]}, ensure_ascii=False))
""".replace("__LOT__", LOT)


def _capture(server_url, key, document) -> dict:
    request = urllib.request.Request(
        f"{server_url}/api/epcis/capture", data=json.dumps(document, ensure_ascii=False).encode(),
        headers={"Authorization": f"Token {key}", "Content-Type": "application/ld+json"}, method="POST")
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 202
        location = response.headers["Location"]
    status = urllib.request.Request(f"{server_url}{location}" if location.startswith("/") else location,
                                    headers={"Authorization": f"Token {key}"})
    with urllib.request.urlopen(status, timeout=30) as response:
        return json.loads(response.read())


def test_supplier_posts_officer_traces_and_recalls_consumer_scans(page, server_url, on_server, login, screenshot):
    chain = json.loads(on_server(SETUP_CODE))

    # 1. the supplier systems post their documents (the shops' events before the distributor's receipt)
    plant_job = _capture(server_url, chain["plant_key"], chain["plant_doc"])
    feed_job = _capture(server_url, chain["office_key"], chain["feed_doc"])
    assert plant_job["success"] is True and feed_job["success"] is True, (plant_job, feed_job)
    again = _capture(server_url, chain["plant_key"], chain["plant_doc"])  # a resend is safe
    assert again["success"] is True

    # 2. the office traces the lot: back to the farm, forward to both shops
    page.set_viewport_size(DESKTOP_VIEWPORT)
    login(page, "office", DEMO_PASSWORD)
    page.goto("/trace/traces/")
    page.fill("#trace-form #id_gtin", chain["gtin"])
    page.fill("#trace-form #id_lot", LOT)
    with page.expect_navigation():
        page.locator("#trace-form button[type=submit]").click()
    assert chain["farm"] in page.locator("#trace-suppliers").inner_text()
    holders = page.locator("#trace-holders").inner_text()
    for shop in chain["shops"]:
        assert shop in holders
    screenshot(page, "trace-lot")

    # 3. opens a recall; the holders are listed and exported
    page.fill("#recall-open-form textarea[name=reason]", "抽检发现菌落总数超标")
    with page.expect_navigation():
        page.locator("#recall-open-form button[type=submit]").click()
    assert "召回中" in page.locator("#recall-status").inner_text()
    listed = page.locator("#recall-holders").inner_text()
    for shop in chain["shops"]:
        assert shop in listed
    with page.expect_download() as download:
        page.locator("#recall-holders a[href*='export=xlsx']").click()
    sheet = openpyxl.load_workbook(io.BytesIO(open(download.value.path(), "rb").read())).active
    exported = {str(cell.value) for row in sheet.iter_rows() for cell in row}
    assert set(chain["shops"]) <= exported
    screenshot(page, "trace-recall")

    # 4. a consumer scans the lot's code on a phone: the chain from the farm and the recall
    page.context.clear_cookies()
    page.set_viewport_size(PHONE_VIEWPORT)
    page.goto(f"/01/{chain['gtin']}/10/{LOT}")
    text = page.locator("body").inner_text()
    assert chain["product"] in text and chain["farm"] in text
    assert "召回" in text
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_VIEWPORT["width"]
    screenshot(page, "trace-scan-phone")
    started = datetime.datetime.now()
    page.goto(f"/01/{chain['gtin']}/10/{LOT}9")  # a lot nobody made: the product page, not an error
    assert (datetime.datetime.now() - started).total_seconds() < 5
