"""Notifications benchmark: 10,000 deadline reminders generated and queued by the daily job in ≤ 10 s.

    .venv/bin/python bench/notifications.py                      # SQLite, var/bench-notifications.sqlite3
    .venv/bin/python bench/notifications.py --database-url postgres://postgres@127.0.0.1:5432/qcity_bench_notifications

A fresh database each run (a PostgreSQL database this run created is dropped at the end; --keep keeps it).
The data are real rows read by the registered to-do source `workplan.plan-tasks-overdue` (its reminders
cover the tasks due exactly 3 working days ahead): --tasks plan tasks due then, led round-robin by
--departments departments, each with --reporters department reporters, so tasks × reporters reminders
(1,000 × 10 = 10,000). Half the users chose e-mail for DEADLINE_SOON (the default is in-app only), so
the job also creates and queues 5,000 e-mail deliveries. Celery is not eager: the memory broker holds
the queued jobs, so "queued" means enqueued (QUEUE_CHUNK delivery ids per job), not sent.
Figures: the daily job (cold), the same job again (nothing new: the keys), the counts.
Prints a table: figure, target, measured, result.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.foundation import drop_database, prepare_database, run_qcity  # noqa: E402
from bench.reporting import print_report  # noqa: E402

TARGET_S = 10.0


def build_data(*, tasks: int, departments: int, reporters: int, today) -> tuple[int, int]:
    """Users (reporters of `departments` departments, half of them on e-mail for DEADLINE_SOON) and
    `tasks` plan tasks due exactly 3 working days ahead; returns (users, tasks)."""
    from django.contrib.auth.hashers import make_password

    from qcity.core.choices import NotificationKind, Role
    from qcity.core.models import Department, NotificationPreference, OrgUnit, RoleAssignment, User
    from qcity.core.services import reference_data_load
    from qcity.core.todos import reminder_days
    from qcity.indicators.models import Plan
    from qcity.workplan.models import PlanTask

    reference_data_load(by=None)
    city = OrgUnit.objects.get(parent__isnull=True)
    units = list(Department.objects.order_by("pk")[:departments])
    assert len(units) == departments, f"only {len(units)} departments in the reference data"
    password = make_password(None)
    User.objects.bulk_create([
        User(username=f"bench-reporter-{d.pk}-{n}", password=password, department=d, org_unit=city,
             email=f"reporter{d.pk}x{n}@bench.example")
        for d in units for n in range(reporters)])
    users = list(User.objects.filter(username__startswith="bench-reporter-").order_by("pk"))
    RoleAssignment.objects.bulk_create([RoleAssignment(user=u, role=Role.DEPARTMENT_REPORTER, org_unit=city)
                                        for u in users])
    NotificationPreference.objects.bulk_create([
        NotificationPreference(user=u, kind=NotificationKind.DEADLINE_SOON, email=True) for u in users[::2]])
    soon, _overdue_from = reminder_days(today)
    plan = Plan.objects.create(code="bench-notifications", title="bench", period_start=today.year - 1,
                               period_end=today.year + 5)
    PlanTask.objects.bulk_create([
        PlanTask(plan=plan, code=f"B-{n}", title=f"bench task {n}", quote="bench", lead_department=units[n % len(units)],
                 start_date=soon.replace(year=soon.year - 1), deadline=soon, deliverable="bench")
        for n in range(tasks)], batch_size=1000)
    return len(users), tasks


def queued_jobs() -> int:
    """Jobs waiting in the memory broker's default queue."""
    from qcity.celery import app

    with app.connection_for_write() as connection:
        return connection.default_channel.queue_declare(queue="celery", passive=True).message_count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--tasks", type=int, default=1000)
    parser.add_argument("--departments", type=int, default=10)
    parser.add_argument("--reporters", type=int, default=10)
    parser.add_argument("--keep", action="store_true", help="keep a PostgreSQL database this run created")
    args = parser.parse_args()

    url = args.database_url or f"sqlite:///{ROOT / 'var' / 'bench-notifications.sqlite3'}"
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "0", "DJANGO_SETTINGS_MODULE": "qcity.settings.dev",
           "LOG_LEVEL": "WARNING", "CELERY_TASK_ALWAYS_EAGER": "0", "REDIS_URL": ""}
    created = prepare_database(url, reuse=False)
    try:
        run_qcity(env, "migrate", "--noinput", "-v", "0")
        os.environ.update(env)
        import django

        django.setup()
        from django.conf import settings
        from django.db import connection
        from django.utils import timezone

        from qcity.core import todos
        from qcity.core.models import Notification, NotificationDelivery
        from qcity.core.notifications import QUEUE_CHUNK, deadline_reminders_send

        assert not settings.CELERY_TASK_ALWAYS_EAGER and settings.CELERY_BROKER_URL == "memory://"
        assert "workplan.plan-tasks-overdue" in {s.key for s in todos.sources()}, "workplan reminders not registered"
        today = timezone.localdate()
        started = time.perf_counter()
        users, tasks = build_data(tasks=args.tasks, departments=args.departments, reporters=args.reporters,
                                  today=today)
        setup_s = time.perf_counter() - started
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        expected = tasks * args.reporters

        started = time.perf_counter()
        cold = deadline_reminders_send(today=today)
        cold_s = time.perf_counter() - started
        jobs = queued_jobs()
        started = time.perf_counter()
        again = deadline_reminders_send(today=today)
        again_s = time.perf_counter() - started

        notifications, deliveries = Notification.objects.count(), NotificationDelivery.objects.count()
        counts_ok = (cold.reminders == expected and cold.notifications == notifications == expected
                     and cold.deliveries == deliveries and again.notifications == 0 and again.deliveries == 0
                     and jobs == -(-deliveries // QUEUE_CHUNK))
        rows = [
            (f"daily reminder job: {cold.reminders:,} reminders → {cold.notifications:,} notifications, "
             f"{cold.deliveries:,} e-mail deliveries queued in {jobs} jobs", f"≤ {TARGET_S:.0f} s",
             f"{cold_s:.2f} s", "PASS" if cold_s <= TARGET_S and counts_ok else "FAIL"),
            (f"the job again (nothing new: {again.notifications} notifications, {again.deliveries} deliveries)",
             "informational", f"{again_s:.2f} s", "INFO"),
            (f"counts: {notifications:,} notifications (expected {expected:,}), {deliveries:,} deliveries, "
             f"{jobs} queued jobs", "exact", "ok" if counts_ok else "MISMATCH", "PASS" if counts_ok else "FAIL"),
            (f"set-up: {users} users, {tasks:,} plan tasks due in 3 working days", "—", f"{setup_s:.1f} s", "INFO"),
        ]
        print_report(rows, f"notifications benchmark — {connection.vendor}, {today}")
    finally:
        if created and not args.keep:
            from django.db import connections

            connections.close_all()
            drop_database(url)


if __name__ == "__main__":
    main()
