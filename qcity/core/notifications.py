"""Reaching people: one call, `notify(...)`, puts a message in each recipient's in-app message centre and
queues its e-mail and SMS deliveries on the channels the recipient chose for that kind of message.

    notify(recipients=[user], kind=NotificationKind.VALUE_RETURNED, key=f"reported-value:{value.pk}:returned:{n}",
           title=..., body=..., url=value_url)

`key` names the event: the same key notifies a user once, so a resent request or a job run twice sends
nothing new. Call it inside the service's transaction; the deliveries are sent by a background job after
the commit (`qcity.core.tasks`), with retries, and a delivery that keeps failing is recorded as failed.

Sending never reaches the user who caused the event: the job runs after the commit, and a backend that
fails (SMTP down, the SMS gateway unreachable) is caught and recorded on the delivery (`attempts`,
`last_error`). With a worker the job retries with backoff; in the embedded set-up (eager jobs) it tries
once inside the request, and after the first failure of a channel in a run it does not call that channel
again in the same run (one timeout, not one per recipient). A delivery still pending an hour later is
retried by the `notification-deliveries-retry` job; after QCITY_NOTIFICATION_MAX_ATTEMPTS tries it is
FAILED, listed for the system administrator, who may retry it. E-mail and SMS text is masked
(`core.masking`): whatever the title or body holds, no ID number, phone number or name leaves the site.

The daily job `deadline_reminders_send(today=...)` walks the to-do registry's reminders (`core.todos`) and
creates the DEADLINE_SOON / DEADLINE_OVERDUE messages in bulk (`notifications_create`).
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from . import sms, todos
from .audit import audit_record
from .choices import AuditAction, DeliveryStatus, NotificationChannel, NotificationKind
from .masking import mask_text
from .models import Notification, NotificationDelivery, NotificationPreference, User

logger = logging.getLogger(__name__)

# The outside channels a kind goes to when the user has not chosen: a served sampling result must reach
# the enterprise (送达), so SMS is on; the rest stay in the message centre until the user asks for more.
DEFAULT_CHANNELS: dict[str, frozenset[str]] = {
    NotificationKind.DEADLINE_SOON: frozenset(),
    NotificationKind.DEADLINE_OVERDUE: frozenset({NotificationChannel.EMAIL}),
    NotificationKind.VALUE_RETURNED: frozenset({NotificationChannel.EMAIL}),
    NotificationKind.ASSIGNMENT: frozenset({NotificationChannel.EMAIL}),
    NotificationKind.DECISION: frozenset({NotificationChannel.SMS}),
    NotificationKind.SAMPLING_RESULT_SERVED: frozenset({NotificationChannel.SMS}),
    NotificationKind.ACCOUNT: frozenset({NotificationChannel.EMAIL}),
}
OUTSIDE_CHANNELS = (NotificationChannel.EMAIL, NotificationChannel.SMS)
QUEUE_CHUNK = 500  # delivery ids per background job
DB_CHUNK = 900  # values per IN (...) list
# A delivery still pending this long after it was queued is retried by the sweep and shown to the
# system administrator; longer than the worker's own retries (1+2+4+8+16 minutes).
LONG_PENDING = datetime.timedelta(hours=1)
SMS_TITLE_LENGTH = 40
KEY_LENGTH = 200  # Notification.key's max_length
# A delivery claimed (SENDING) this long ago whose sender never finished (the worker died) is released to
# PENDING by the sweep; far longer than one send (SMTP and SMS timeouts are seconds).
STALE_CLAIM = datetime.timedelta(minutes=10)


def _chunks(values: list, size: int = DB_CHUNK) -> Iterator[list]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


# --- creating messages ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class NotificationMessage:
    """One message to create: the bulk form of a `notify` argument list, for one recipient."""

    recipient_id: int
    kind: str
    key: str
    title: str
    body: str = ""
    url: str = ""


@dataclass(frozen=True)
class CreatedNotifications:
    notification_ids: list[int]
    delivery_ids: list[int]


def notification_key(key: str) -> str:
    """The stored form of a notification key: itself when it fits the column, else its head and a hash of
    the whole (two long keys with the same head stay two keys). Used both to look up and to insert."""
    if len(key) <= KEY_LENGTH:
        return key
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    return f"{key[:KEY_LENGTH - len(digest) - 1]}#{digest}"


def channels_for(users: Iterable[User], kind: str) -> dict[int, frozenset[str]]:
    """The outside channels each user gets `kind` on: their preference, else the kind's default."""
    ids = [u.pk for u in users]
    chosen = _preferences(ids, {kind})
    default = DEFAULT_CHANNELS.get(kind, frozenset())
    return {pk: chosen.get((pk, kind), default) for pk in ids}


def _preferences(user_ids: list[int], kinds: set[str]) -> dict[tuple[int, str], frozenset[str]]:
    chosen = {}
    for chunk in _chunks(user_ids):
        for user_id, kind, email, text in NotificationPreference.objects.filter(
                user_id__in=chunk, kind__in=kinds).values_list("user_id", "kind", "email", "sms"):
            chosen[(user_id, kind)] = frozenset(
                c for c, on in ((NotificationChannel.EMAIL, email), (NotificationChannel.SMS, text)) if on)
    return chosen


def notifications_create(messages: Iterable[NotificationMessage]) -> CreatedNotifications:
    """Create each message once per (recipient, key) and queue its deliveries after the commit: one
    bulk insert for the messages and one for the deliveries, the delivery ids queued QUEUE_CHUNK per job.
    Inactive or unknown recipients get nothing. Returns what this call created (not what existed)."""
    wanted = {(m.recipient_id, notification_key(m.key)): m for m in messages if m.recipient_id}
    if not wanted:
        return CreatedNotifications([], [])
    addresses = {}
    for chunk in _chunks(sorted({user_id for user_id, _key in wanted})):
        for pk, email, phone in User.objects.filter(pk__in=chunk, is_active=True).values_list("pk", "email", "phone"):
            addresses[pk] = {NotificationChannel.EMAIL: email, NotificationChannel.SMS: phone}
    keys = sorted({key for _user, key in wanted})
    existing = set()
    for chunk in _chunks(keys):
        existing.update(Notification.objects.filter(key__in=chunk).values_list("recipient_id", "key"))
    new = [(key, m) for (recipient_id, key), m in wanted.items()
           if (recipient_id, key) not in existing and recipient_id in addresses]
    if not new:
        return CreatedNotifications([], [])
    Notification.objects.bulk_create(
        [Notification(recipient_id=m.recipient_id, kind=m.kind, key=key, title=m.title[:200], body=m.body,
                      url=m.url[:500]) for key, m in new],
        batch_size=1000, ignore_conflicts=True)
    # ignore_conflicts leaves the pks unset on some databases: read back what this call created.
    new_pairs = {(m.recipient_id, key) for key, m in new}
    created: list[tuple[int, int, str]] = []  # (pk, recipient, kind)
    for chunk in _chunks(sorted({key for _user, key in new_pairs})):
        for pk, recipient_id, key, kind in Notification.objects.filter(key__in=chunk).values_list(
                "pk", "recipient_id", "key", "kind"):
            if (recipient_id, key) in new_pairs:
                created.append((pk, recipient_id, kind))
    chosen = _preferences(sorted({r for _pk, r, _kind in created}), {kind for _pk, _r, kind in created})
    deliveries = [
        NotificationDelivery(notification_id=pk, channel=channel, address=addresses[recipient_id][channel])
        for pk, recipient_id, kind in created
        for channel in OUTSIDE_CHANNELS
        if channel in chosen.get((recipient_id, kind), DEFAULT_CHANNELS.get(kind, frozenset()))
        and addresses[recipient_id][channel]
    ]
    delivery_ids: list[int] = []
    if deliveries:
        NotificationDelivery.objects.bulk_create(deliveries, batch_size=1000, ignore_conflicts=True)
        for chunk in _chunks([pk for pk, _r, _k in created]):
            delivery_ids += NotificationDelivery.objects.filter(
                notification_id__in=chunk, status=DeliveryStatus.PENDING).values_list("pk", flat=True)
        notification_deliveries_queue(delivery_ids)
    return CreatedNotifications([pk for pk, _r, _k in created], delivery_ids)


def notify(*, recipients: Iterable[User], kind: str, key: str, title: str, body: str = "",
           url: str = "") -> list[Notification]:
    """Notify each recipient once per `key`; returns the notifications created now (not earlier ones)."""
    result = notifications_create(
        NotificationMessage(recipient_id=u.pk, kind=kind, key=key, title=title, body=body, url=url)
        for u in recipients if u is not None)
    if not result.notification_ids:
        return []
    return list(Notification.objects.filter(pk__in=result.notification_ids).select_related("recipient"))


def notification_deliveries_queue(delivery_ids: list[int]) -> None:
    """Queue the deliveries after the commit, QUEUE_CHUNK ids per job. A broker that is down is logged,
    never raised: the deliveries stay pending and the sweep sends them later."""
    ids = list(delivery_ids)
    if ids:
        transaction.on_commit(lambda: _queue_now(ids))


def _queue_now(ids: list[int]) -> None:
    # cycle: the tasks call back into this module to send.
    from .tasks import notification_deliveries_send_task

    # only those still pending: the demo's history records its deliveries as sent before the commit
    ids = [pk for chunk in _chunks(ids) for pk in NotificationDelivery.objects.filter(
        pk__in=chunk, status=DeliveryStatus.PENDING).values_list("pk", flat=True)]
    for chunk in _chunks(ids, QUEUE_CHUNK):
        try:
            notification_deliveries_send_task.delay(chunk)
        except Exception:  # noqa: BLE001 — the user who caused the event must not see a delivery problem
            logger.exception("notification deliveries %s…: could not be queued; the sweep retries them", chunk[0])


# --- sending ----------------------------------------------------------------------------------------------


def site_url(path: str) -> str:
    """The absolute link of a same-site path for e-mail and SMS, or nothing when the site's address
    (QCITY_SITE_URL) is not configured: a bare path is no use to someone reading it on a phone."""
    if not settings.QCITY_SITE_URL or not is_site_url(path):
        return ""
    return f"{settings.QCITY_SITE_URL}{path}"


def is_site_url(url: str) -> bool:
    """A path of this site (`/workplan/tasks/3/`), never another host or scheme (no open redirect)."""
    return bool(url) and url.startswith("/") and url_has_allowed_host_and_scheme(url, allowed_hosts=set())


def email_subject(notification: Notification) -> str:
    return mask_text(notification.title).replace("\n", " ")[:200]


def email_text(notification: Notification) -> str:
    parts = [mask_text(notification.title)]
    if notification.body:
        parts.append(mask_text(notification.body))
    if link := site_url(notification.url):
        parts.append(_("查看：%(link)s") % {"link": link})
    parts.append(_("此邮件由质量强市工作平台自动发送，请勿回复。可在平台“消息订阅”中更改接收方式。"))
    return "\n\n".join(parts)


def sms_text(notification: Notification) -> str:
    """Short: the masked title and the link, never the body."""
    title = mask_text(notification.title)
    if len(title) > SMS_TITLE_LENGTH:
        title = title[:SMS_TITLE_LENGTH - 1] + "…"
    link = site_url(notification.url)
    return f"{title} {link}".strip()


def _send(delivery: NotificationDelivery, connections: dict) -> None:
    notification = delivery.notification
    if delivery.channel == NotificationChannel.EMAIL:
        connection = connections.get("email")
        if connection is None:
            connection = connections["email"] = get_connection(fail_silently=False)
            connection.open()
        message = EmailMessage(subject=email_subject(notification), body=email_text(notification),
                               to=[delivery.address], connection=connection)
        if message.send() != 1:
            raise RuntimeError("the mail server accepted no message")
    elif delivery.channel == NotificationChannel.SMS:
        backend = connections.get("sms")
        if backend is None:
            backend = connections["sms"] = sms.sms_backend()
        backend.send_messages([sms.SmsMessage(to=delivery.address, text=sms_text(notification))])
    else:
        raise ValueError(f"no outside channel {delivery.channel!r}")


def _error_text(exc: Exception) -> str:
    return mask_text(f"{type(exc).__name__}: {exc}")[:500]


def _claim(delivery: NotificationDelivery) -> bool:
    """Take the delivery for this sender: one conditional UPDATE PENDING → SENDING, so of the worker's
    retry, the sweep and the administrator's retry button only one sends it."""
    now = timezone.now()
    claimed = NotificationDelivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.PENDING).update(
        status=DeliveryStatus.SENDING, claimed_at=now)
    if claimed:
        delivery.status, delivery.claimed_at = DeliveryStatus.SENDING, now
    return bool(claimed)


def notification_deliveries_send(delivery_ids: Iterable[int]) -> list[int]:
    """Try each pending delivery once; returns the ids still pending (failed now, tries left).

    Each delivery is claimed first (`_claim`); one another sender holds is skipped. After the first failure
    of a channel in this run the channel is not called again for the others (the gateway is down: one
    timeout, not one per message); they count a try with the same error."""
    max_attempts = settings.QCITY_NOTIFICATION_MAX_ATTEMPTS
    deliveries = NotificationDelivery.objects.filter(
        pk__in=list(delivery_ids), status=DeliveryStatus.PENDING).select_related("notification").order_by("pk")
    broken: dict[str, str] = {}
    connections: dict = {}
    pending = []
    try:
        for delivery in deliveries:
            if not _claim(delivery):
                continue
            error = broken.get(delivery.channel)
            if error is None:
                try:
                    _send(delivery, connections)
                except Exception as exc:  # noqa: BLE001 — any backend failure is recorded, never raised
                    error = broken[delivery.channel] = _error_text(exc)
            delivery.attempts += 1
            delivery.claimed_at = None
            if error is None:
                delivery.status, delivery.sent_at, delivery.last_error = DeliveryStatus.SENT, timezone.now(), ""
            else:
                delivery.last_error = error
                if delivery.attempts >= max_attempts:
                    delivery.status = DeliveryStatus.FAILED
                    logger.warning("notification delivery %s failed after %s tries: %s", delivery.pk,
                                   delivery.attempts, error)
                else:
                    delivery.status = DeliveryStatus.PENDING
                    pending.append(delivery.pk)
            delivery.save(update_fields=["attempts", "status", "sent_at", "last_error", "claimed_at"])
    finally:
        if connections.get("email") is not None:
            try:
                connections["email"].close()
            except Exception:  # noqa: BLE001 — closing a broken connection
                logger.debug("mail connection close failed", exc_info=True)
    return pending


def notification_deliveries_sweep(*, now: datetime.datetime | None = None) -> int:
    """Try again, once, every delivery still pending LONG_PENDING after it was queued (its job was lost,
    or it ran eagerly and failed). Returns the number tried. First, claims older than STALE_CLAIM (their
    sender died between the claim and the result) are released to pending."""
    now = now or timezone.now()
    NotificationDelivery.objects.filter(status=DeliveryStatus.SENDING, claimed_at__lt=now - STALE_CLAIM).update(
        status=DeliveryStatus.PENDING, claimed_at=None)
    cutoff = now - LONG_PENDING
    ids = list(NotificationDelivery.objects.filter(status=DeliveryStatus.PENDING, created_at__lt=cutoff)
               .order_by("pk").values_list("pk", flat=True))
    for chunk in _chunks(ids, QUEUE_CHUNK):
        notification_deliveries_send(chunk)
    return len(ids)


# --- reads -------------------------------------------------------------------------------------------------


def notification_list(*, user: User) -> QuerySet[Notification]:
    """The user's own messages, unread first, then the newest."""
    read = ExpressionWrapper(Q(read_at__isnull=False), output_field=BooleanField())
    return Notification.objects.filter(recipient=user).order_by(read, "-created_at", "-pk")


def notification_get(*, user: User, pk: int) -> Notification:
    """One of the user's own messages; another user's is a 404, as one that does not exist."""
    return get_object_or_404(Notification, pk=pk, recipient=user)


def notification_unread_count(user: User) -> int:
    """The header badge: one COUNT on the (recipient, read_at) index."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notification_preference_list(user: User) -> list[tuple[str, str, bool, bool]]:
    """(kind, label, e-mail on, SMS on) for every kind: the user's choice, else the default."""
    chosen = _preferences([user.pk], set(NotificationKind.values))
    rows = []
    for kind, label in NotificationKind.choices:
        channels = chosen.get((user.pk, kind), DEFAULT_CHANNELS.get(kind, frozenset()))
        rows.append((kind, label, NotificationChannel.EMAIL in channels, NotificationChannel.SMS in channels))
    return rows


def notification_delivery_problem_list(*, now: datetime.datetime | None = None) -> QuerySet[NotificationDelivery]:
    """For the system administrator: failed deliveries and those pending longer than LONG_PENDING."""
    cutoff = (now or timezone.now()) - LONG_PENDING
    return (NotificationDelivery.objects
            .filter(Q(status=DeliveryStatus.FAILED) | Q(status=DeliveryStatus.PENDING, created_at__lt=cutoff))
            .select_related("notification", "notification__recipient").order_by("-created_at", "-pk"))


# --- writes by a user ------------------------------------------------------------------------------------


def request_reads(request) -> bool:
    """Whether a request opening a message (or the page it serves) is the person reading it, the proof of
    service (送达): not when another site made the browser send it (a link or image elsewhere,
    `Sec-Fetch-Site: cross-site`) nor when the browser only prefetches (`Purpose` / `Sec-Purpose`)."""
    headers = request.headers
    if headers.get("Sec-Fetch-Site", "").strip().lower() == "cross-site":
        return False
    return "prefetch" not in f"{headers.get('Purpose', '')};{headers.get('Sec-Purpose', '')}".lower()


def notification_open(*, notification: Notification, by: User) -> Notification:
    """Reading a message records when (the proof of reading, 送达); the first time counts."""
    if notification.recipient_id != by.pk:  # the selector already scoped it; a service stays safe alone
        raise PermissionDenied
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=notification.read_at)
    return notification


def notifications_read_all(*, by: User) -> int:
    """Mark all of the user's unread messages read; returns how many."""
    return Notification.objects.filter(recipient=by, read_at__isnull=True).update(read_at=timezone.now())


def notification_preferences_save(*, user: User, choices: dict[str, tuple[bool, bool]], by: User) -> None:
    """Save the user's (e-mail, SMS) choice per kind; in-app messages are always on. Audited."""
    before = {kind: [email, text] for kind, _label, email, text in notification_preference_list(user)}
    with transaction.atomic():
        for kind, (email, text) in choices.items():
            if kind not in NotificationKind.values:
                continue
            NotificationPreference.objects.update_or_create(user=user, kind=kind,
                                                            defaults={"email": bool(email), "sms": bool(text)})
        after = {kind: [email, text] for kind, _label, email, text in notification_preference_list(user)}
        changed_kinds = [kind for kind in after if after[kind] != before.get(kind)]
        if changed_kinds:
            audit_record(action=AuditAction.UPDATE, by=by, obj=user, object_type="core.notificationpreference",
                         message=_("修改消息订阅"), before={k: before[k] for k in changed_kinds},
                         after={k: after[k] for k in changed_kinds})


def notification_delivery_retry(*, delivery: NotificationDelivery, by: User) -> NotificationDelivery:
    """The system administrator sends a failed (or long-pending) delivery again, with all its tries."""
    with transaction.atomic():
        delivery = NotificationDelivery.objects.select_for_update().get(pk=delivery.pk)
        if delivery.status in (DeliveryStatus.SENT, DeliveryStatus.SENDING):  # sent, or a sender holds it now
            return delivery
        before = {"status": delivery.status, "attempts": delivery.attempts, "last_error": delivery.last_error}
        delivery.status, delivery.attempts = DeliveryStatus.PENDING, 0
        delivery.save(update_fields=["status", "attempts"])
        audit_record(action=AuditAction.UPDATE, by=by, obj=delivery,
                     object_repr=f"{delivery.get_channel_display()} #{delivery.notification_id}",
                     message=_("重新发送消息投递"), before=before,
                     after={"status": delivery.status, "attempts": 0})
        notification_deliveries_queue([delivery.pk])
    return delivery


# --- the daily deadline reminders --------------------------------------------------------------------------


@dataclass(frozen=True)
class ReminderRun:
    reminders: int
    notifications: int
    deliveries: int


class _ReminderTexts:
    """The translated texts of one job run, looked up once rather than per reminder (10,000 a day)."""

    def __init__(self):
        self.soon = _("即将到期：%(title)s（%(due)s 到期）")
        self.overdue = _("已逾期：%(title)s（期限 %(due)s）")
        self.provisional = _("期限按暂定节假日安排计算（暂定）。")
        self.labels: dict[str, str] = {}
        self.urls: dict[str, bool] = {}

    def message(self, source: todos.TodoSource, reminder: todos.Reminder, today: datetime.date) -> NotificationMessage:
        item = reminder.item
        if item.due_on is not None and item.due_on < today:
            kind, title = NotificationKind.DEADLINE_OVERDUE, self.overdue
        else:
            kind, title = NotificationKind.DEADLINE_SOON, self.soon
        label = self.labels.get(source.key)
        if label is None:
            label = self.labels[source.key] = str(source.label)
        body = [label]
        if item.detail:
            body.append(item.detail)
        if item.provisional:
            body.append(self.provisional)
        safe = self.urls.get(item.url)
        if safe is None:
            safe = self.urls[item.url] = is_site_url(item.url)
        due = item.due_on.isoformat() if item.due_on else ""
        return NotificationMessage(recipient_id=reminder.user_id, kind=kind, key=f"{kind}:{reminder.key}",
                                   title=title % {"title": item.title, "due": due}, body="\n".join(body),
                                   url=item.url if safe else "")


def deadline_reminders_send(*, today: datetime.date) -> ReminderRun:
    """Every reminder of the to-do sources for `today` (3 working days ahead, or passed yesterday), as
    DEADLINE_SOON / DEADLINE_OVERDUE messages, in bulk. Running it twice sends nothing new (the key)."""
    texts = _ReminderTexts()
    messages = [texts.message(source, reminder, today) for source, reminder in todos.reminders(today)]
    with transaction.atomic():
        created = notifications_create(messages)
    return ReminderRun(len(messages), len(created.notification_ids), len(created.delivery_ids))


# --- the demo's history -------------------------------------------------------------------------------------

DEMO_READ_AFTER = datetime.timedelta(days=7)  # a demo message older than this was read (soon after it arrived)
DEMO_REMINDER_DAYS = 14  # the daily reminder job's runs the demo replays: these days before its today, and today
DEMO_REMINDERS_AT = datetime.time(7, 30)  # the daily reminder job's hour (CELERY_BEAT_SCHEDULE)


def demo_notifications_date(times: dict[str, datetime.datetime], *, today: datetime.date) -> int:
    """The demo's history raises its messages now, through the services: date the messages of each key
    (`times`: key → the moment of the event it reports) at that event, as if raised then. One older than
    DEMO_READ_AFTER before `today` was read 10 minutes to 3 hours after it arrived (by its recipient and
    title: the same seed and day give the same history); a newer one stays unread. Their e-mail/SMS deliveries are recorded
    as sent a minute after the event, so the jobs queued on the commit send nothing (the demo prints no SMS).
    Call it inside the transaction that raised them. Returns the messages dated."""
    by_moment: dict[datetime.datetime, list[str]] = {}
    for key, moment in times.items():
        by_moment.setdefault(moment, []).append(key)
    dated = 0
    for moment, keys in by_moment.items():
        rows = []
        for chunk in _chunks(keys):
            rows += Notification.objects.filter(key__in=chunk).values_list("pk", "title", "recipient__username")
        dated += _demo_date(rows, moment, today=today)
    return dated


def _demo_date(rows: list[tuple[int, str, str]], moment: datetime.datetime, *, today: datetime.date) -> int:
    """Date the messages `rows` (pk, title, recipient's username) at `moment`; read a while after it if old."""
    ids = [pk for pk, _title, _username in rows]
    for chunk in _chunks(ids):
        Notification.objects.filter(pk__in=chunk).update(created_at=moment, read_at=None)
        NotificationDelivery.objects.filter(notification_id__in=chunk).update(
            created_at=moment, status=DeliveryStatus.SENT, attempts=1, last_error="",
            sent_at=moment + datetime.timedelta(minutes=1))
    if moment < timezone.make_aware(datetime.datetime.combine(today - DEMO_READ_AFTER, datetime.time())):
        steps: dict[int, list[int]] = {}
        for pk, title, username in rows:  # not by pk or key: a run after a reset has other pks
            steps.setdefault(zlib.crc32(f"{username}:{title}".encode()) % 12, []).append(pk)
        for step, picked in steps.items():
            for chunk in _chunks(picked):
                Notification.objects.filter(pk__in=chunk).update(
                    read_at=moment + datetime.timedelta(minutes=10 + 15 * step))
    return len(ids)


def demo_reminders_generate(ctx) -> dict[str, int]:
    """The demo's last generator: the daily reminder job's runs of the last DEMO_REMINDER_DAYS days and of
    the demo's today, each dated at the job's hour (期限临近 / 已逾期 messages for what the other generators
    left due; a run of a past day reminds of what is still open now), the older ones read."""
    first = ctx.today - datetime.timedelta(days=DEMO_REMINDER_DAYS)
    kinds = (NotificationKind.DEADLINE_SOON, NotificationKind.DEADLINE_OVERDUE)
    counts = {"reminders": 0, "notifications": 0}
    for n in range(DEMO_REMINDER_DAYS + 1):
        day = first + datetime.timedelta(days=n)
        started = timezone.now()
        at = min(timezone.make_aware(datetime.datetime.combine(day, DEMO_REMINDERS_AT)), started)
        with transaction.atomic():  # the deliveries are queued on this commit, and find nothing pending then
            run = deadline_reminders_send(today=day)
            if run.notifications:
                rows = list(Notification.objects.filter(kind__in=kinds, created_at__gte=started)
                            .values_list("pk", "title", "recipient__username"))
                _demo_date(rows, at, today=ctx.today)
        counts["reminders"] += run.reminders
        counts["notifications"] += run.notifications
    return counts


def demo_notifications_reset(ctx) -> dict[str, int]:
    """`qcity demo --reset`: the messages (and deliveries) of earlier runs, as the other generators delete
    all their rows; the demo accounts that are kept would otherwise see each run's messages again."""
    return {"notifications_deleted": Notification.objects.all().delete()[1].get("core.Notification", 0)}
