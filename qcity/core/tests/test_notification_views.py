import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from qcity.core.choices import AuditAction, DeliveryStatus, NotificationKind, Role
from qcity.core.models import AuditEvent, Notification, NotificationDelivery, NotificationPreference

pytestmark = pytest.mark.django_db


@pytest.fixture
def reporter(make_user):
    return make_user(Role.DEPARTMENT_REPORTER)


def message(user, n=1, **kw):
    kw.setdefault("url", f"/workplan/tasks/{n}/")
    return Notification.objects.create(recipient=user, kind=NotificationKind.ASSIGNMENT, key=f"k-{n}",
                                       title=f"message {n}", **kw)


def test_message_centre_lists_own_messages_unread_first_with_the_header_badge(client, reporter, make_user):
    # given a read and an unread message of mine, and one of someone else
    read = message(reporter, 1)
    read.read_at = read.created_at
    read.save()
    message(reporter, 2)
    message(make_user(Role.INSPECTOR), 3)
    client.force_login(reporter)
    # when I open the message centre
    page = client.get("/core/notifications/").content.decode()
    # then I see my two, the unread one first, and the header's badge, filled after loading, counts one
    assert page.index("message 2") < page.index("message 1") and "message 3" not in page
    assert '<span id="notification-badge"></span>' in page
    badges = client.get("/core/todo-badges/", headers={"HX-Request": "true"}).content.decode()
    assert 'id="notification-badge" hx-swap-oob="true"> <span' in badges
    assert 'id="notification-unread-count">1<' in badges


def test_a_page_without_the_menu_counts_the_unread_messages_itself(client, make_user):
    # a user without a role has no menu, so no badges' request after the page: the header counts at once
    person = make_user(None)
    message(person)
    client.force_login(person)
    page = client.get("/accounts/password/").content.decode()
    assert 'id="qc-menu"' not in page and 'id="notification-unread-count">1<' in page


def test_unread_filter(client, reporter):
    read = message(reporter, 1)
    Notification.objects.filter(pk=read.pk).update(read_at=read.created_at)
    message(reporter, 2)
    client.force_login(reporter)
    page = client.get("/core/notifications/?unread=yes&kind=bogus").content.decode()
    assert "message 2" in page and "message 1" not in page


def test_opening_a_message_marks_it_read_and_goes_to_its_page(client, reporter):
    note = message(reporter)
    client.force_login(reporter)
    response = client.get(f"/core/notifications/{note.pk}/open/")
    assert response.status_code == 302 and response["Location"] == "/workplan/tasks/1/"
    note.refresh_from_db()
    assert note.read_at is not None


@pytest.mark.parametrize("headers", [{"Sec-Fetch-Site": "cross-site"}, {"Purpose": "prefetch"},
                                     {"Sec-Purpose": "prefetch;prerender"}])
def test_a_cross_site_or_prefetch_open_goes_to_the_page_but_reads_nothing(client, reporter, headers):
    # given an unread message
    note = message(reporter)
    client.force_login(reporter)
    # when a link on another site, or the browser prefetching, opens it
    response = client.get(f"/core/notifications/{note.pk}/open/", headers=headers)
    # then it still goes to its page, but the message stays unread (no false proof of reading)
    assert response.status_code == 302 and response["Location"] == "/workplan/tasks/1/"
    note.refresh_from_db()
    assert note.read_at is None
    # and opening it from this site reads it
    client.get(f"/core/notifications/{note.pk}/open/", headers={"Sec-Fetch-Site": "same-origin"})
    note.refresh_from_db()
    assert note.read_at is not None


@pytest.mark.parametrize("url", ["https://evil.example/", "//evil.example/", ""])
def test_opening_never_redirects_off_site(client, reporter, url):
    note = message(reporter, url=url)
    client.force_login(reporter)
    assert client.get(f"/core/notifications/{note.pk}/open/")["Location"] == "/core/notifications/"


def test_another_users_message_is_404_on_page_and_api(client, reporter, make_user):
    note = message(make_user(Role.INSPECTOR))
    client.force_login(reporter)
    assert client.get(f"/core/notifications/{note.pk}/open/").status_code == 404
    assert client.post(f"/api/notifications/{note.pk}/read/").status_code == 404
    note.refresh_from_db()
    assert note.read_at is None


def test_mark_all_read_is_a_post(client, reporter):
    message(reporter, 1), message(reporter, 2)
    client.force_login(reporter)
    assert client.get("/core/notifications/read-all/").status_code == 405
    assert client.post("/core/notifications/read-all/").status_code == 302
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_preferences_page_saves_the_choice_and_audits_it(client, reporter):
    client.force_login(reporter)
    page = client.get("/core/notifications/preferences/")
    assert page.status_code == 200 and 'name="assignment-email"' in page.content.decode()
    response = client.post("/core/notifications/preferences/", {"assignment-sms": "on", "decision-email": "on"})
    assert response.status_code == 302
    assert NotificationPreference.objects.get(user=reporter, kind=NotificationKind.ASSIGNMENT).sms
    assert AuditEvent.objects.filter(actor=reporter, action=AuditAction.UPDATE,
                                     object_type="core.notificationpreference").exists()


def test_failed_deliveries_page_is_for_the_system_admin_only_with_masked_addresses(client, reporter, make_user):
    # given a failed delivery
    note = message(reporter)
    delivery = NotificationDelivery.objects.create(notification=note, channel="sms", address="13812345678",
                                                   status=DeliveryStatus.FAILED, attempts=6, last_error="down")
    # then a reporter is refused, the system administrator sees it masked
    client.force_login(reporter)
    assert client.get("/core/notifications/failed-deliveries/").status_code == 403
    client.force_login(make_user(Role.SYSTEM_ADMIN))
    page = client.get("/core/notifications/failed-deliveries/").content.decode()
    assert "138****5678" in page and "13812345678" not in page and "message 1" not in page
    # when the administrator retries it, it is sent
    response = client.post(f"/core/notifications/failed-deliveries/{delivery.pk}/retry/")
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert delivery.status in {DeliveryStatus.PENDING, DeliveryStatus.SENT}


def test_unread_badge_is_counted_after_the_page_in_one_query(client, reporter):
    message(reporter)
    client.force_login(reporter)
    client.get("/core/notifications/preferences/")

    def counts(url: str, **headers) -> int:
        with CaptureQueriesContext(connection) as queries:
            client.get(url, headers=headers)
        return sum("core_notification" in q["sql"] and "COUNT" in q["sql"] for q in queries.captured_queries)

    # a page does not wait for the count; the badges' request after it counts once
    assert counts("/core/notifications/preferences/") == 0
    assert counts("/core/todo-badges/", HX_Request="true") == 1


# --- API ---------------------------------------------------------------------------------------------


def test_api_lists_own_messages_and_filters_unread(client, reporter, make_user):
    read = message(reporter, 1)
    Notification.objects.filter(pk=read.pk).update(read_at=read.created_at)
    message(reporter, 2)
    message(make_user(Role.INSPECTOR), 3)
    client.force_login(reporter)
    everything = client.get("/api/notifications/").json()["results"]
    unread = client.get("/api/notifications/?unread=yes").json()["results"]
    assert [n["title"] for n in everything] == ["message 2", "message 1"]
    assert [n["title"] for n in unread] == ["message 2"] and unread[0]["unread"] is True


def test_api_bad_filter_is_400_naming_the_field(client, reporter):
    client.force_login(reporter)
    response = client.get("/api/notifications/?unread=maybe")
    assert response.status_code == 400 and "unread" in response.json()


def test_api_marks_one_and_all_read(client, reporter):
    first, _second = message(reporter, 1), message(reporter, 2)
    client.force_login(reporter)
    answer = client.post(f"/api/notifications/{first.pk}/read/").json()
    assert answer["read_at"] and answer["unread"] is False
    assert client.post("/api/notifications/read-all/").json() == {"read": 1}


def test_api_preferences_get_and_put_own(client, reporter):
    client.force_login(reporter)
    current = {p["kind"]: p for p in client.get("/api/notification-preferences/").json()}
    assert current["decision"] == {"kind": "decision", "email": False, "sms": True}
    response = client.put("/api/notification-preferences/", [{"kind": "decision", "email": True, "sms": False}],
                          content_type="application/json")
    assert response.status_code == 200
    assert {p["kind"]: p for p in response.json()}["decision"]["email"] is True
    bad = client.put("/api/notification-preferences/", [{"kind": "nope", "email": True, "sms": False}],
                     content_type="application/json")
    assert bad.status_code == 400 and "kind" in str(bad.json())
