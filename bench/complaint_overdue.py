"""Overdue-scan benchmark: 500,000 open complaints and reports, half of them past a deadline, escalated by the
daily job (逾期督办) in ≤ 5 s.

    .venv/bin/python bench/complaint_overdue.py                      # SQLite, var/bench-complaint-overdue.sqlite3
    .venv/bin/python bench/complaint_overdue.py --database-url postgres://postgres@127.0.0.1:5432/qcity_bench_complaint_overdue

A fresh database each run (a PostgreSQL database this run created is dropped at the end; --keep keeps it).
--complaints open rows spread over the city's districts, in bulk (bulk_create in chunks): a quarter waiting
for the acceptance decision, a quarter in mediation, a quarter of reports waiting for the case-opening check
and a quarter of reports whose real-name reporter is to be told; in each group every other row's deadline
passed yesterday, the rest run to next month. Each district has an officer and the city an office account,
so the job also writes its per-unit messages. Celery is not eager: deliveries are only queued.
Figures: the worst case — the scan and escalation of all the overdue rows at once (cold) —, the same job again
(nothing new), then the daily case: the next day, --daily more rows (taken from those still running) passed their
deadline yesterday while the earlier ones are escalated already; the job again; the counts (escalated = newly
overdue = marks = ESCALATED events, one message per unit officer plus the office's summary, per day).
Prints a table: figure, target, measured, result.
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.foundation import drop_database, prepare_database, run_qcity  # noqa: E402
from bench.reporting import print_report  # noqa: E402

TARGET_S = 5.0
CHUNK = 5000


def build_data(*, complaints: int, today: datetime.date) -> tuple[int, int]:
    """`complaints` open rows (half overdue) and one officer per district plus the office; returns
    (rows, overdue rows)."""
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from qcity.complaints.choices import ComplaintChannel, ComplaintKind, ComplaintStatus, RoutingMethod
    from qcity.complaints.models import Complaint
    from qcity.core.choices import Role
    from qcity.core.models import OrgUnit, RoleAssignment, User
    from qcity.core.services import reference_data_load

    reference_data_load(by=None)
    city = OrgUnit.objects.get(parent__isnull=True)
    districts = list(city.children.order_by("pk"))
    password = make_password(None)
    User.objects.bulk_create([User(username=f"bench-officer-{u.pk}", password=password, org_unit=u)
                              for u in districts] + [User(username="bench-office", password=password, org_unit=city)])
    RoleAssignment.objects.bulk_create(
        [RoleAssignment(user=u, role=Role.DISTRICT_OFFICER, org_unit=u.org_unit)
         for u in User.objects.filter(username__startswith="bench-officer-").select_related("org_unit")]
        + [RoleAssignment(user=User.objects.get(username="bench-office"), role=Role.LEADERSHIP_OFFICE, org_unit=city)])

    passed, running = today - datetime.timedelta(days=1), today + datetime.timedelta(days=30)
    received_at = timezone.now() - datetime.timedelta(days=60)
    received_on = timezone.localtime(received_at).date()
    overdue = 0

    def row(n: int) -> Complaint:
        nonlocal overdue
        late = n % 2 == 0
        overdue += late
        deadline = passed if late else running
        group = (n // 2) % 4
        fields = {"acceptance_clock_from": received_on}
        if group == 0:
            fields |= {"kind": ComplaintKind.COMPLAINT, "status": ComplaintStatus.RECEIVED, "acceptance_deadline": deadline}
        elif group == 1:
            fields |= {"kind": ComplaintKind.COMPLAINT, "status": ComplaintStatus.MEDIATING, "accepted_on": received_on,
                       "mediation_deadline": deadline}
        elif group == 2:
            fields |= {"kind": ComplaintKind.REPORT_TIP, "status": ComplaintStatus.VERIFYING, "acceptance_deadline": deadline}
        else:
            fields |= {"kind": ComplaintKind.REPORT_TIP, "status": ComplaintStatus.CASE_OPENED,
                       "tip_decision": "case_opened", "tip_decided_on": received_on,
                       "reporter_notice_deadline": deadline}
        return Complaint(tracking_number=f"TS{n:016d}", channel=ComplaintChannel.HOTLINE, received_at=received_at,
                         received_on=received_on, person_name="王某", person_phone="13800000000",
                         respondent_name="郑州测试商贸有限公司", subject="商品质量问题", facts="bench",
                         org_unit=districts[n % len(districts)], routing_method=RoutingMethod.REGISTRY, **fields)

    for start in range(0, complaints, CHUNK):
        Complaint.objects.bulk_create([row(n) for n in range(start, min(start + CHUNK, complaints))])
    return complaints, overdue


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--complaints", type=int, default=500_000)
    parser.add_argument("--daily", type=int, default=2_000, help="rows newly overdue on the daily run")
    parser.add_argument("--keep", action="store_true", help="keep a PostgreSQL database this run created")
    args = parser.parse_args()

    url = args.database_url or f"sqlite:///{ROOT / 'var' / 'bench-complaint-overdue.sqlite3'}"
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "0", "DJANGO_SETTINGS_MODULE": "qcity.settings.dev",
           "LOG_LEVEL": "WARNING", "CELERY_TASK_ALWAYS_EAGER": "0", "REDIS_URL": ""}
    created = prepare_database(url, reuse=False)
    try:
        run_qcity(env, "migrate", "--noinput", "-v", "0")
        os.environ.update(env)
        import django

        django.setup()
        from django.db import connection
        from django.urls import reverse
        from django.utils import timezone
        from django.utils.translation import gettext

        from qcity.complaints.choices import ComplaintEventKind
        from qcity.complaints.models import Complaint, ComplaintEscalation, ComplaintEvent
        from qcity.complaints.services.escalation import complaints_overdue_escalate
        from qcity.core.models import Notification

        # a worker has its URLconf and catalogues loaded: load them before timing (about 1 s, once per process)
        reverse("complaints:complaint-list")
        gettext("逾期督办")
        today = timezone.localdate()
        started = time.perf_counter()
        rows, expected = build_data(complaints=args.complaints, today=today)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        setup_s = time.perf_counter() - started


        def timed(day: datetime.date) -> tuple[int, float]:
            started = time.perf_counter()
            escalated = complaints_overdue_escalate(today=day)
            return escalated, time.perf_counter() - started

        def counted(day: datetime.date, since: datetime.datetime, expected: int, escalated: int,
                    again: int) -> tuple[bool, str]:
            marks = ComplaintEscalation.objects.filter(escalated_at__gte=since)
            messages = Notification.objects.filter(key__startswith=f"complaints:escalated:{day.isoformat()}:").count()
            units = marks.values("complaint__org_unit").distinct().count()
            ok = escalated == expected == marks.count() and again == 0 and messages == units + 1
            return ok, (f"{escalated:,} escalated = {expected:,} newly overdue = {marks.count():,} marks; "
                        f"{messages} messages for {units} units + the office")

        # the worst case: every overdue row is new
        since = timezone.now()
        escalated, cold_s = timed(today)
        again, again_s = timed(today)
        worst_ok, worst_counts = counted(today, since, expected, escalated, again)
        # the daily case, the next day: --daily rows still running passed their deadline today, the rest of the
        # overdue ones are escalated already
        tomorrow = today + datetime.timedelta(days=1)
        running = Complaint.objects.filter(escalation__isnull=True).order_by("pk").values_list("pk", flat=True)
        fresh = list(running[:args.daily])
        for field in ("acceptance_deadline", "mediation_deadline", "reporter_notice_deadline"):
            Complaint.objects.filter(pk__in=fresh, **{f"{field}__isnull": False}).update(**{field: today})
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        since = timezone.now()
        daily, daily_s = timed(tomorrow)
        daily_again, daily_again_s = timed(tomorrow)
        daily_ok, daily_counts = counted(tomorrow, since, len(fresh), daily, daily_again)
        events = ComplaintEvent.objects.filter(kind=ComplaintEventKind.ESCALATED).count()
        events_ok = events == expected + len(fresh)
        rows_out = [
            (f"worst case: {escalated:,} of {rows:,} open items newly overdue and escalated", f"≤ {TARGET_S:.0f} s",
             f"{cold_s:.2f} s", "PASS" if cold_s <= TARGET_S and worst_ok else "FAIL"),
            (f"the job again (nothing new: {again} escalated)", "informational", f"{again_s:.2f} s", "INFO"),
            (f"daily case: {daily:,} newly overdue of {rows:,} open, {escalated:,} escalated earlier",
             f"≤ {TARGET_S:.0f} s", f"{daily_s:.2f} s", "PASS" if daily_s <= TARGET_S and daily_ok else "FAIL"),
            (f"the job again (nothing new: {daily_again} escalated)", "informational", f"{daily_again_s:.2f} s",
             "INFO"),
            (f"counts, worst case: {worst_counts}", "exact", "ok" if worst_ok else "MISMATCH",
             "PASS" if worst_ok else "FAIL"),
            (f"counts, daily case: {daily_counts}", "exact", "ok" if daily_ok else "MISMATCH",
             "PASS" if daily_ok else "FAIL"),
            (f"ESCALATED events: {events:,} = {expected:,} + {len(fresh):,}", "exact",
             "ok" if events_ok else "MISMATCH", "PASS" if events_ok else "FAIL"),
            (f"set-up: {rows:,} open complaints and reports in bulk", "—", f"{setup_s:.1f} s", "INFO"),
        ]
        print_report(rows_out, f"complaint overdue-scan benchmark — {connection.vendor}, {today}")
    finally:
        if created and not args.keep:
            from django.db import connections

            connections.close_all()
            drop_database(url)


if __name__ == "__main__":
    main()
