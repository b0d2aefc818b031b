"""The system administrator's failed deliveries on a QcityTable: sortable, filtered, counted, the address
masked on the page and in the audited export."""

import io
import re

import pytest
from openpyxl import load_workbook

from qcity.core.choices import AuditAction, DeliveryStatus, NotificationKind, Role
from qcity.core.models import AuditEvent, Notification, NotificationDelivery

pytestmark = pytest.mark.django_db
URL = "/core/notifications/failed-deliveries/"


@pytest.fixture
def deliveries(make_user):
    reporter = make_user(Role.DEPARTMENT_REPORTER)
    rows = []
    for n, (address, attempts, error) in enumerate((("13812345678", 6, "gateway down"),
                                                    ("13987654321", 2, "number unknown"),
                                                    ("x@example.com", 4, "gateway timeout")), 1):
        note = Notification.objects.create(recipient=reporter, kind=NotificationKind.ASSIGNMENT, key=f"k-{n}",
                                           title=f"message {n}")
        rows.append(NotificationDelivery.objects.create(
            notification=note, channel="email" if "@" in address else "sms", address=address,
            status=DeliveryStatus.FAILED, attempts=attempts, last_error=error))
    return rows


def _ids(page: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'data-delivery="(\d+)"', page)]


def test_deliveries_sort_by_attempts_filter_by_error_and_count(client_for, make_user, deliveries):
    client = client_for(make_user(Role.SYSTEM_ADMIN))
    # when the administrator sorts by attempts
    page = client.get(URL, {"sort": "attempts"}).content.decode()
    # then the three rows in that order, counted, addresses masked, each with its retry form
    first, second, third = deliveries
    assert _ids(page) == [second.pk, third.pk, first.pk] and "共 3 项" in page
    assert "138****5678" in page and "13812345678" not in page and "message 1" not in page
    assert page.count("/retry/") == 3 and page.count('name="form_token"') == 3
    # when filtered by the error text (an HTMX request gets the table part only)
    part = client.get(URL, {"q": "gateway", "sort": "-attempts"}, HTTP_HX_REQUEST="true").content.decode()
    assert _ids(part) == [first.pk, third.pk] and "共 2 项" in part and "<h1" not in part


def test_the_export_is_masked_and_audited(client_for, make_user, deliveries):
    admin = make_user(Role.SYSTEM_ADMIN)
    response = client_for(admin).get(URL, {"q": "number", "export": "xlsx"})
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.values)
    assert rows[1][2] == "139****4321" and rows[1][6] == "number unknown" and len(rows) == 2
    assert "13987654321" not in str(rows) and "message 2" not in str(rows)
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.actor == admin and event.object_type == "core.notificationdelivery" and "q=number" in event.message
