import datetime
import io
import smtplib
from unittest import mock

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone

from qcity.core import notifications, sms, todos
from qcity.core.choices import AuditAction, DeliveryStatus, NotificationChannel, NotificationKind, Role
from qcity.core.models import AuditEvent, Notification, NotificationDelivery, NotificationPreference
from qcity.core.tasks import deadline_reminders_send_task, notification_deliveries_send_task

pytestmark = pytest.mark.django_db
KIND = NotificationKind.ASSIGNMENT  # default: e-mail
ID_NUMBER = "410105198801012341"


@pytest.fixture(autouse=True)
def empty_outbox():
    sms.outbox.clear()
    yield
    sms.outbox.clear()


@pytest.fixture
def person(make_user):
    user = make_user(Role.DEPARTMENT_REPORTER)
    user.email, user.phone = "wangxm@example.cn", "13812345678"
    user.save()
    return user


def send(recipients, capture, *, kind=KIND, key="event-1", title="title", body="", url="/workplan/"):
    with capture(execute=True):
        return notifications.notify(recipients=recipients, kind=kind, key=key, title=title, body=body, url=url)


def test_the_same_key_notifies_a_user_once(person, django_capture_on_commit_callbacks):
    # given a message already sent for an event
    first = send([person], django_capture_on_commit_callbacks)
    # when the same event is raised again
    again = send([person], django_capture_on_commit_callbacks)
    # then there is one message and one e-mail
    assert len(first) == 1 and again == []
    assert Notification.objects.filter(recipient=person).count() == 1 and len(mail.outbox) == 1


def test_a_key_longer_than_the_column_still_notifies_once(person, django_capture_on_commit_callbacks):
    # given a message sent for an event whose key is longer than the stored 200 characters
    key = "workplan-task:" + "x" * 300
    assert len(send([person], django_capture_on_commit_callbacks, key=key)) == 1
    # when the same event is raised again: nothing new; another long key with the same head: a new message
    assert send([person], django_capture_on_commit_callbacks, key=key) == []
    assert len(send([person], django_capture_on_commit_callbacks, key=key + "y")) == 1
    assert Notification.objects.filter(recipient=person).count() == 2 and len(mail.outbox) == 2
    assert all(len(n.key) <= 200 for n in Notification.objects.all())


def test_a_delivery_another_sender_holds_is_sent_once(person, django_capture_on_commit_callbacks):
    # given a queued e-mail, and a second sender (the sweep, a worker retry) starting while the first sends
    with mock.patch.object(notifications, "notification_deliveries_queue"):
        send([person], django_capture_on_commit_callbacks)
    delivery = NotificationDelivery.objects.get()
    real_send, second = notifications._send, []

    def send_while_another_sender_runs(d, connections):
        if not second:
            second.append(notifications.notification_deliveries_send([d.pk]))
        real_send(d, connections)

    # when both run
    with mock.patch.object(notifications, "_send", side_effect=send_while_another_sender_runs):
        notifications.notification_deliveries_send([delivery.pk])
    # then the second skipped the claimed delivery: one e-mail, one try
    assert second == [[]] and len(mail.outbox) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.claimed_at) == (DeliveryStatus.SENT, 1, None)


def test_a_stale_claim_is_released_by_the_sweep_and_a_fresh_one_is_left(person, make_user,
                                                                         django_capture_on_commit_callbacks):
    # given a delivery queued two hours ago, claimed by a sender 5 minutes ago that has not finished
    with mock.patch.object(notifications, "notification_deliveries_queue"):
        send([person], django_capture_on_commit_callbacks)
    now = timezone.now()
    NotificationDelivery.objects.update(status=DeliveryStatus.SENDING, claimed_at=now - datetime.timedelta(minutes=5),
                                        created_at=now - datetime.timedelta(hours=2))
    # then neither the sweep nor the administrator's retry button sends it again
    assert notifications.notification_deliveries_sweep(now=now) == 0
    with django_capture_on_commit_callbacks(execute=True):
        notifications.notification_delivery_retry(delivery=NotificationDelivery.objects.get(), by=make_user(
            Role.SYSTEM_ADMIN))
    assert NotificationDelivery.objects.get().status == DeliveryStatus.SENDING and mail.outbox == []
    # when the sender has died (the claim is 11 minutes old), the sweep releases it and sends it
    assert notifications.notification_deliveries_sweep(now=now + datetime.timedelta(minutes=6)) == 1
    delivery = NotificationDelivery.objects.get()
    assert (delivery.status, delivery.claimed_at) == (DeliveryStatus.SENT, None) and len(mail.outbox) == 1


def test_default_channels_apply_without_a_preference(person, django_capture_on_commit_callbacks):
    send([person], django_capture_on_commit_callbacks, kind=NotificationKind.SAMPLING_RESULT_SERVED)
    assert [d.channel for d in NotificationDelivery.objects.all()] == [NotificationChannel.SMS]
    assert len(sms.outbox) == 1 and mail.outbox == []


def test_the_users_channel_choice_is_respected(person, django_capture_on_commit_callbacks):
    # given a user who wants assignments by SMS only
    NotificationPreference.objects.create(user=person, kind=KIND, email=False, sms=True)
    # when an assignment is notified
    send([person], django_capture_on_commit_callbacks)
    # then an SMS goes out, no e-mail
    assert len(sms.outbox) == 1 and mail.outbox == []
    delivery = NotificationDelivery.objects.get()
    assert delivery.status == DeliveryStatus.SENT and delivery.attempts == 1 and delivery.sent_at


def test_no_delivery_without_an_address_and_none_for_inactive_users(make_user, person,
                                                                   django_capture_on_commit_callbacks):
    no_email = make_user(Role.INSPECTOR)
    gone = make_user(Role.INSPECTOR)
    gone.email, gone.is_active = "gone@example.cn", False
    gone.save()
    created = send([person, no_email, gone], django_capture_on_commit_callbacks)
    assert {n.recipient for n in created} == {person, no_email}
    assert NotificationDelivery.objects.count() == 1


def test_email_and_sms_bodies_are_masked_and_sms_is_short(person, django_capture_on_commit_callbacks, settings):
    # given a user on both channels, and a body that carries personal data
    settings.QCITY_SITE_URL = "https://qcity.example.gov.cn"
    NotificationPreference.objects.create(user=person, kind=KIND, email=True, sms=True)
    body = f"当事人：张小明，身份证号{ID_NUMBER}，电话13912345678"  # i18n-ignore: test data
    # when notified
    send([person], django_capture_on_commit_callbacks, title=f"任务 {ID_NUMBER}", body=body,  # i18n-ignore: test data
         url="/workplan/tasks/3/")
    # then neither the e-mail nor the SMS carries the ID number, the phone or the name
    email, = mail.outbox
    text = email.subject + email.body + sms.outbox[0].text
    assert ID_NUMBER not in text and "13912345678" not in text and "张小明" not in text  # i18n-ignore: test data
    assert "4101**********2341" in email.body and "139****5678" in email.body
    assert "https://qcity.example.gov.cn/workplan/tasks/3/" in email.body
    # and the SMS is the title and the link, without the body
    assert sms.outbox[0].text == "任务 4101**********2341 https://qcity.example.gov.cn/workplan/tasks/3/"  # i18n-ignore: test data


def test_an_offsite_url_is_never_put_in_a_message(person, django_capture_on_commit_callbacks):
    send([person], django_capture_on_commit_callbacks, url="https://evil.example/")
    assert "evil" not in mail.outbox[0].body


def test_failing_backend_never_reaches_the_caller_and_is_retried_until_failed(person, settings,
                                                                             django_capture_on_commit_callbacks):
    # given a mail server that refuses every connection
    settings.QCITY_NOTIFICATION_MAX_ATTEMPTS = 3
    with mock.patch("django.core.mail.backends.locmem.EmailBackend.send_messages",
                    side_effect=smtplib.SMTPConnectError(421, "down")):
        # when a message is notified (the eager job runs after the commit): no exception for the caller
        send([person], django_capture_on_commit_callbacks)
        delivery = NotificationDelivery.objects.get()
        # then the delivery is still pending, with the try and the error recorded
        assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, 1)
        assert "SMTPConnectError" in delivery.last_error
        # when the sweep tries it again, an hour later, until the tries are used up
        later = timezone.now() + datetime.timedelta(hours=2)
        assert notifications.notification_deliveries_sweep(now=later) == 1
        assert notifications.notification_deliveries_sweep(now=later) == 1
        assert notifications.notification_deliveries_sweep(now=later) == 0
    # then it is FAILED, with its tries and the last error, never lost
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, 3) and "down" in delivery.last_error
    assert list(notifications.notification_delivery_problem_list()) == [delivery]


def test_a_broken_channel_is_called_once_per_run(make_user, django_capture_on_commit_callbacks):
    # given three users on SMS and a gateway that times out
    users = [make_user(Role.INSPECTOR) for _ in range(3)]
    for n, user in enumerate(users):
        user.phone = f"1381234567{n}"
        user.save()
    backend = mock.Mock()
    backend.send_messages.side_effect = sms.SmsSendError("gateway unreachable for 138****5670: timed out")
    with mock.patch.object(sms, "sms_backend", return_value=backend):
        send(users, django_capture_on_commit_callbacks, kind=NotificationKind.DECISION)
    # then the gateway was called once, and every delivery records the try
    assert backend.send_messages.call_count == 1
    assert set(NotificationDelivery.objects.values_list("attempts", "status")) == {(1, DeliveryStatus.PENDING)}


def test_worker_retries_the_failed_deliveries_with_backoff(person, django_capture_on_commit_callbacks):
    # given a delivery that fails, run by a worker (not eagerly)
    with mock.patch.object(notifications, "notification_deliveries_queue"):
        send([person], django_capture_on_commit_callbacks)
    delivery = NotificationDelivery.objects.get()
    task = notification_deliveries_send_task
    task.push_request(is_eager=False, retries=2)
    try:
        with mock.patch("django.core.mail.backends.locmem.EmailBackend.send_messages", side_effect=OSError("x")), \
                mock.patch.object(task, "retry", side_effect=RuntimeError("retry")) as retry:
            with pytest.raises(RuntimeError, match="retry"):
                task.run([delivery.pk])
    finally:
        task.pop_request()
    # then it is retried with only the failed ids, 4 minutes later
    assert retry.call_args.kwargs == {"args": [[delivery.pk]], "countdown": 240}


def test_a_broker_that_is_down_is_logged_not_raised(person, django_capture_on_commit_callbacks):
    with mock.patch.object(notification_deliveries_send_task, "delay", side_effect=ConnectionError("no broker")):
        send([person], django_capture_on_commit_callbacks)
    assert NotificationDelivery.objects.get().status == DeliveryStatus.PENDING


def test_system_admin_retry_queues_the_delivery_again_and_is_audited(person, make_user,
                                                                     django_capture_on_commit_callbacks):
    # given a failed delivery
    with mock.patch.object(notifications, "notification_deliveries_queue"):
        send([person], django_capture_on_commit_callbacks)
    NotificationDelivery.objects.update(status=DeliveryStatus.FAILED, attempts=6, last_error="down")
    admin = make_user(Role.SYSTEM_ADMIN)
    # when the system administrator retries it
    with django_capture_on_commit_callbacks(execute=True):
        notifications.notification_delivery_retry(delivery=NotificationDelivery.objects.get(), by=admin)
    # then it is sent, and the retry is in the audit log
    delivery = NotificationDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENT, 1) and len(mail.outbox) == 1
    event = AuditEvent.objects.get(actor=admin, action=AuditAction.UPDATE, object_type="core.notificationdelivery")
    assert event.before["status"] == DeliveryStatus.FAILED


def test_preferences_saved_are_audited_only_when_changed(person):
    notifications.notification_preferences_save(user=person, choices={KIND: (False, True)}, by=person)
    notifications.notification_preferences_save(user=person, choices={KIND: (False, True)}, by=person)
    events = AuditEvent.objects.filter(object_type="core.notificationpreference")
    assert events.count() == 1 and events.get().after == {KIND: [False, True]}
    assert notifications.channels_for([person], KIND) == {person.pk: frozenset({NotificationChannel.SMS})}


def test_unread_count_and_read_all(person, django_capture_on_commit_callbacks):
    for n in range(3):
        send([person], django_capture_on_commit_callbacks, key=f"event-{n}")
    assert notifications.notification_unread_count(person) == 3
    assert notifications.notifications_read_all(by=person) == 3
    assert notifications.notification_unread_count(person) == 0


# --- the daily deadline reminders ---------------------------------------------------------------------


@pytest.fixture
def reminder_source(monkeypatch, make_user):
    """A to-do source with two users: one deadline 3 working days ahead, one passed yesterday."""
    soon_user, late_user = make_user(Role.DEPARTMENT_REPORTER), make_user(Role.DEPARTMENT_REPORTER)
    late_user.email = "late@example.cn"
    late_user.save()

    def reminders(today):
        yield todos.Reminder(soon_user.pk, todos.TodoItem("Task A", "/workplan/a/", today + datetime.timedelta(5)),
                             key=f"test.task:1:{today + datetime.timedelta(5)}")
        yield todos.Reminder(late_user.pk, todos.TodoItem("Task B", "/workplan/b/", today - datetime.timedelta(1)),
                             key=f"test.task:2:{today - datetime.timedelta(1)}")

    source = todos.TodoSource(key="test.tasks", label="Tasks", roles=frozenset({Role.DEPARTMENT_REPORTER}),
                              items=lambda user, today, limit: [], count=lambda user, today: 0, reminders=reminders)
    monkeypatch.setattr(todos, "_sources", {source.key: source})
    return soon_user, late_user


def test_reminder_job_creates_soon_and_overdue_messages_once(reminder_source, today,
                                                             django_capture_on_commit_callbacks):
    soon_user, late_user = reminder_source
    # when the daily job runs twice
    with django_capture_on_commit_callbacks(execute=True):
        first = deadline_reminders_send_task.delay().get()
    with django_capture_on_commit_callbacks(execute=True):
        second = notifications.deadline_reminders_send(today=today)
    # then each user has one message of the right kind, and the overdue one went out by e-mail (its default)
    assert first == {"reminders": 2, "notifications": 2, "deliveries": 1}
    assert (second.notifications, second.deliveries) == (0, 0)
    assert Notification.objects.get(recipient=soon_user).kind == NotificationKind.DEADLINE_SOON
    overdue = Notification.objects.get(recipient=late_user)
    assert overdue.kind == NotificationKind.DEADLINE_OVERDUE and overdue.url == "/workplan/b/"
    assert "Task B" in overdue.title and len(mail.outbox) == 1


def test_reminder_job_queues_deliveries_in_chunks(reminder_source, today, monkeypatch,
                                                  django_capture_on_commit_callbacks):
    soon_user, _late = reminder_source
    NotificationPreference.objects.create(user=soon_user, kind=NotificationKind.DEADLINE_SOON, email=True)
    soon_user.email = "soon@example.cn"
    soon_user.save()
    monkeypatch.setattr(notifications, "QUEUE_CHUNK", 1)
    with mock.patch.object(notification_deliveries_send_task, "delay") as delay, \
            django_capture_on_commit_callbacks(execute=True):
        run = notifications.deadline_reminders_send(today=today)
    assert run.deliveries == 2 and [len(c.args[0]) for c in delay.call_args_list] == [1, 1]


@override_settings(QCITY_SITE_URL="")
def test_site_url_accepts_only_paths_of_this_site():
    assert notifications.is_site_url("/workplan/tasks/1/")
    assert not notifications.is_site_url("//evil.example/x")
    assert not notifications.is_site_url("https://evil.example/")
    assert not notifications.is_site_url("javascript:alert(1)")
    # without the site's address configured, an e-mail or SMS carries no link rather than a bare path
    assert notifications.site_url("/a/") == ""
    with override_settings(QCITY_SITE_URL="https://qcity.example.gov.cn"):
        assert notifications.site_url("/a/") == "https://qcity.example.gov.cn/a/"
        assert notifications.site_url("//evil.example/x") == ""


def test_reminders_by_hand_on_the_command_line(reminder_source, today):
    out = io.StringIO()
    call_command("notifications", "remind", today.isoformat(), stdout=out)
    call_command("notifications", "remind", today.isoformat(), stdout=out)
    assert "2 reminders, 2 new notifications" in out.getvalue()
    assert "2 reminders, 0 new notifications" in out.getvalue()
    assert Notification.objects.count() == 2
    with pytest.raises(CommandError, match="usage"):
        call_command("notifications", "remind", "not-a-day")
