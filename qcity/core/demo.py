"""Demo data: the registry of every module's generator, the shared context each receives, and one
account per role.

Each module with demo data registers its generator in its AppConfig.ready(), as computed indicators and
deadlines are registered, so core imports no domain app:

    from qcity.core.demo import register_demo
    register_demo("credit", demo.generate, reset=demo.reset, after=("assessment",))

`qcity demo` (core/management/commands/demo.py) runs the reference data load, then every registered
`generate(ctx)` in order: the order of registration (INSTALLED_APPS, through ready()) except where
`after` / `before` name another generator that must run earlier / later. `--reset` runs the resets in the
reverse order, so a module's rows go before the rows they point at. Generators must be deterministic for `ctx.seed` and `ctx.today`: each draws
from its own `ctx.rng(label)` rather than the global `random` module, so adding a module never shifts
another's data, and each dates its history from `ctx.today` (never the clock, never a fixed date), so the
demo city lives in the time it is loaded in and the same seed and day give the same data.
"""

from __future__ import annotations

import bisect
import collections
import datetime
import gc
import multiprocessing
import pickle
import random
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cache, cached_property
from typing import Any

from django.db import connection, connections, transaction
from django.db.models import ProtectedError

from .choices import Role
from .collector import collector_paused
from .models import Department, OrgUnit, RoleAssignment, User
from .selectors import org_root
from .services import role_grant, user_create
from .workdays import add_working_days, is_workday

DemoStep = Callable[["DemoContext"], dict[str, Any]]


@dataclass(frozen=True)
class DemoGenerator:
    name: str
    generate: DemoStep  # returns the counts to print
    reset: DemoStep | None = None  # deletes what earlier runs made; returns the counts to print
    after: tuple[str, ...] = ()
    before: tuple[str, ...] = ()
    # Rows a demo cannot be loaded on top of (the enterprise register): how many there are now.
    existing: Callable[[], int] | None = None


_GENERATORS: dict[str, DemoGenerator] = {}


def register_demo(name: str, generate: DemoStep, *, reset: DemoStep | None = None, after: tuple[str, ...] = (),
                  before: tuple[str, ...] = (), existing: Callable[[], int] | None = None) -> None:
    entry = DemoGenerator(name, generate, reset, tuple(after), tuple(before), existing)
    if name in _GENERATORS and _GENERATORS[name] != entry:
        raise ValueError(f"demo generator {name!r} is already registered")
    _GENERATORS[name] = entry


def demo_generators() -> list[DemoGenerator]:
    """The registered generators in the order they run: registration order, moved only as far as
    `after` and `before` require."""
    entries = list(_GENERATORS.values())
    earlier: dict[str, set[str]] = {e.name: set(e.after) for e in entries}
    for entry in entries:
        for later in entry.before:
            earlier.setdefault(later, set()).add(entry.name)
    unknown = {n for names in earlier.values() for n in names} - _GENERATORS.keys()
    if unknown:
        raise LookupError(f"demo generators ordered against unregistered ones: {sorted(unknown)}")
    position = {e.name: n for n, e in enumerate(entries)}
    ordered: list[DemoGenerator] = []
    placed: set[str] = set()

    def place(entry: DemoGenerator, path: tuple[str, ...]) -> None:
        if entry.name in placed:
            return
        if entry.name in path:
            raise ValueError("demo generators order themselves in a circle: " + " → ".join((*path, entry.name)))
        for name in sorted(earlier[entry.name], key=position.__getitem__):  # what must run first, in order
            place(_GENERATORS[name], (*path, entry.name))
        ordered.append(entry)
        placed.add(entry.name)

    for entry in entries:
        place(entry, ())
    return ordered


@cache
def choice_label(choices: type, value: str) -> str:
    """A choice's label as text, looked up once per value (a demo writes it into hundreds of thousands of rows;
    Django's `get_<field>_display` hashes every choice's lazy label per call)."""
    return str(choices(value).label)


def seeded_rng(seed: int, label: str) -> random.Random:
    """`DemoContext.rng` where there is no context (work done in the helper process)."""
    return random.Random(f"{seed}:{label}")


HELPER_AHEAD = 2  # chunks the helper process may have made before the caller takes them


def made_in_helper(function: Callable[..., Any], arguments: Sequence[tuple], *, helper: bool) -> Iterator[Any]:
    """`function(*args)` for each of `arguments`, in order. With `helper`, they are made in one other process
    while this one writes what came before (a generator's rows on two cores), at most HELPER_AHEAD ahead (a
    fast helper does not pile chunks up in memory). The process is forked, so it inherits the loaded modules
    and `function` itself (a bound method or closure with its data: only `args` and the results are
    pickled); what it raises comes back here. Work for the helper should not need the database: it does not
    share this process's connections (see `_helper_start`), a read it makes opens a connection of its own
    and sees only what was committed."""
    if not helper:
        for args in arguments:
            with collector_paused():  # as in the helper (`_helper_call`)
                made = function(*args)
            yield made
        return
    context = multiprocessing.get_context("fork")
    with context.Pool(1, initializer=_helper_start, initargs=(function,)) as pool:
        pending: collections.deque = collections.deque()
        for args in arguments:
            pending.append(pool.apply_async(_helper_call, args))
            if len(pending) > HELPER_AHEAD:
                yield _unpickled(pending.popleft().get())
        while pending:
            yield _unpickled(pending.popleft().get())


def _unpickled(data: bytes) -> Any:
    with collector_paused():
        return pickle.loads(data)  # noqa: S301  (made by our own helper process)


_helper_function: Callable[..., Any] | None = None


def _helper_start(function: Callable[..., Any]) -> None:
    """In the forked helper: keep `function` (inherited, never pickled) and let go of the database
    connections inherited from the parent without closing them. Closing would end the parent's session
    (PostgreSQL) or its locks (SQLite), and using them would interleave two processes on one socket or
    file handle; dropped, they are reopened on first use, as the helper's own."""
    global _helper_function
    _helper_function = function
    gc.freeze()  # what it inherited is never walked by its collections (nor copied by them, page by page)
    for conn in connections.all(initialized_only=True):
        conn.connection = None
        # connect() resets these too, but transaction.atomic reads them before it connects
        conn.in_atomic_block, conn.savepoint_ids, conn.atomic_blocks = False, [], []
        conn.needs_rollback, conn.run_on_commit = False, []


def _helper_call(*args: Any) -> bytes:
    """The work done and its result pickled with the collector paused here, and unpickled by the caller with it
    paused there (`_unpickled`): a chunk is hundreds of thousands of acyclic objects, and multiprocessing would
    unpickle it on a thread of the caller's while the collector walks the caller's whole heap again and again
    (most of the trace demo's transfer time). A cycle the work makes is collected after it, as usual."""
    with collector_paused():
        return pickle.dumps(_helper_function(*args), protocol=pickle.HIGHEST_PROTOCOL)


def demo_analyze() -> None:
    """Planner statistics for every table, once all generators ran (`qcity demo` calls it last): a table
    filled after the last ANALYZE (the enterprise generator analyzes the register) has none, and the
    planner then drives joins from the wrong side (SQLite walked the 1.5 million enterprises for the few
    unconfirmed enterprise accounts). SQLite samples at most 1,000 rows per index, as the enterprise
    generator does. PostgreSQL analyzes the tables on two connections at once, the largest first (as
    `vacuumdb --analyze-only --jobs 2` would: one backend per table, and a backend uses one core)."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        # in a transaction (a test's) the other connections would wait for the locks it holds
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("PRAGMA analysis_limit = 1000")
            cursor.execute("ANALYZE")
        return
    with connection.cursor() as cursor:  # top-level tables (a partitioned one analyzes its partitions)
        cursor.execute("SELECT c.oid::regclass::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                       "WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND n.nspname = current_schema() "
                       "ORDER BY coalesce((SELECT sum(pg_total_relation_size(p.relid)) FROM pg_partition_tree(c.oid) p), "
                       "pg_total_relation_size(c.oid)) DESC")
        tables = [name for (name,) in cursor.fetchall()]
    queue = collections.deque(tables)

    def analyze_until_done() -> None:
        try:
            with connection.cursor() as cursor:
                while True:
                    try:
                        table = queue.popleft()
                    except IndexError:
                        return
                    cursor.execute(f"ANALYZE {table}")
        finally:
            connections.close_all()  # this thread's own

    with ThreadPoolExecutor(2, thread_name_prefix="demo-analyze") as pool:
        for done in [pool.submit(analyze_until_done) for _ in range(2)]:
            done.result()


DEMO_PASSWORD = "Qcity-2026!"

DEMO_CITY_CODE = "410100"  # Zhengzhou (GB/T 2260), as qcity/core/data/zhengzhou.json

SCALES = {"small": 5_000, "city": 1_500_000, "province": 10_000_000}


@dataclass
class DemoContext:
    """What a module's demo generator needs: the scale, the seed, the day the demo city lives in and a
    progress log.

    `today` is the one date every generator works from (`qcity demo --today`, default the local date):
    the history is the year of operations up to it, and what is left open is what a clerk acts on that day.
    Every official act of the history is dated on a working day through `workday` (and `workdays` for a
    day drawn at random), and the demo district gets fresh work from `last_workday`.
    """

    scale: str
    seed: int
    enterprise_count: int
    today: datetime.date
    log: Callable[[str], None] = print
    results: dict[str, Any] = field(default_factory=dict)
    # The demo password is printed for everyone, so the accounts it makes must change it at first login;
    # `qcity demo --no-forced-change` (the browser tests' server) leaves them usable as they are.
    forced_password_change: bool = True
    started: float = field(default_factory=time.monotonic)
    # `qcity demo` runs work no generator reads the result of here, beside the next generators (`in_background`)
    background: ThreadPoolExecutor | None = field(default=None, repr=False, compare=False)
    _calendar: list[datetime.date] = field(default_factory=list, init=False, repr=False, compare=False)
    _pending: list[Future] = field(default_factory=list, init=False, repr=False, compare=False)

    def rng(self, label: str) -> random.Random:
        """An independent generator per module and purpose; seeding with a string is stable across runs."""
        return seeded_rng(self.seed, label)

    @cached_property
    def year_start(self) -> datetime.date:
        """First day of the year of operations that ends today (the platform's history: samples, credit
        events, inspections)."""
        try:
            return self.today.replace(year=self.today.year - 1) + datetime.timedelta(days=1)
        except ValueError:  # 29 February
            return self.today.replace(year=self.today.year - 1, day=28) + datetime.timedelta(days=1)

    @cached_property
    def last_workday(self) -> datetime.date:
        """The last working day before today: the daily jobs' last run, and the last day of office work
        in the history (what is still open is today's work)."""
        return add_working_days(self.today, -1)

    @cached_property
    def platform_years(self) -> range:
        """Years whose computed indicators (e.g. sampling pass rates) are the platform's own figures: this
        year, and last year if the year of operations began by 1 July (it covers most of it). Earlier years
        stand for figures collected before the platform went live (the indicators demo reports them)."""
        start = self.year_start
        first = start.year if start <= datetime.date(start.year, 7, 1) else start.year + 1
        return range(min(first, self.today.year), self.today.year + 1)

    def workday(self, day: datetime.date, n: int = 0) -> datetime.date:
        """The working day an official act is dated on: `day` if it is a working day, else the next one
        (n = 0); with n, the n-th working day after `day` (before it if n < 0), as `add_working_days` counts.

        Officials act on working days only, and what reaches an office on a rest day is dealt with on the
        next one. Give a step's duration in working days (`workday(sampled_on, rng.randint(7, 18))`):
        snapping calendar offsets would pile acts up on Mondays. The snap is monotone, so a pipeline keeps
        its order and "on or before a deadline" (a working day) holds. The result may be today or later
        (today's work, or still to come): compare it with `last_workday` before recording the act as done,
        or clamp first, `workday(min(day, last_workday))`. A bisection in a list of working days built once
        (the city scale dates ~100,000 acts)."""
        calendar = self._calendar_covering(day, abs(n))
        position = bisect.bisect_left(calendar, day)  # the first working day on or after `day`
        if n > 0 and calendar[position] != day:  # `day` is a rest day: that one is already the first after it
            position -= 1
        return calendar[position + n]

    def workdays(self, start: datetime.date, end: datetime.date) -> list[datetime.date]:
        """The working days from `start` to `end`, both included: draw a random act day with
        `rng.choice(ctx.workdays(a, b))` (snapping random calendar days would pile them up on Mondays)."""
        self._calendar_covering(start, 0)
        calendar = self._calendar_covering(end, 0)
        return calendar[bisect.bisect_left(calendar, start):bisect.bisect_right(calendar, end)]

    def _calendar_covering(self, day: datetime.date, n: int) -> list[datetime.date]:
        """The sorted working days of whole years around `day`, enough to count `n` working days either
        side of it (a year has ~250); grown to a span of years when a date outside is asked for."""
        margin = 1 + n // 200
        low, high = day.year - margin, day.year + margin
        calendar = self._calendar
        if calendar and calendar[0].year <= low and calendar[-1].year >= high:
            return calendar
        if calendar:
            low, high = min(low, calendar[0].year), max(high, calendar[-1].year)
        first, last = datetime.date(low, 1, 1), datetime.date(high, 12, 31)
        span = (first + datetime.timedelta(days=k) for k in range((last - first).days + 1))
        calendar[:] = [d for d in span if is_workday(d)]
        return calendar

    @cached_property
    def demo_district(self) -> OrgUnit:
        """The district of the demo's district accounts (`jinshui`, `inspector`): generators leave fresh work
        there on the last working day, so those accounts see the day's to-dos (and, in December, deadlines
        running into a year without an official holiday schedule, marked 暂定)."""
        scope = next(a.scope for a in DEMO_ACCOUNTS if a.username == "jinshui")
        return next(u for u in self.demo_city_units if u.name == scope)

    @cached_property
    def demo_city(self) -> OrgUnit:
        """The city whose year of operations the demo makes (Zhengzhou, whose plans, gazetteer and roads ship
        with qcity): the root at the small and city scales; at the province scale, one of its 18 cities."""
        return OrgUnit.objects.get(division_code=DEMO_CITY_CODE)

    @cached_property
    def demo_city_units(self) -> list[OrgUnit]:
        """The demo city's districts, counties and zones, in their display order."""
        return list(OrgUnit.objects.filter(parent=self.demo_city).order_by("sort_order", "pk"))

    def progress(self, message: str) -> None:
        self.log(f"[{time.monotonic() - self.started:7.1f}s] {message}")

    def in_background(self, function: Callable[[], None]) -> None:
        """`function()` on the background thread while the next generators run, on a database connection of
        its own (closed after it), when `qcity demo` gave one (`background`) and no transaction is open (the
        other connection would not see its rows, and would wait for its locks); here and now otherwise. For
        work whose result no generator reads (an index build: one core builds while the other writes the next
        module's data); `background_wait` waits for it."""
        if self.background is None or connection.in_atomic_block:
            function()
            return

        def run() -> None:
            try:
                function()
            except Exception as exc:  # said now: a generator that fails meanwhile ends the demo without waiting for it
                self.progress(f"background work failed: {exc!r}")
                raise
            finally:
                connections.close_all()  # this thread's own

        self._pending.append(self.background.submit(run))

    def background_wait(self) -> None:
        """Wait for the work given to `in_background`; what it raised is raised here."""
        while self._pending:
            self._pending.pop(0).result()

    def background_busy(self) -> bool:
        """Whether work given to `in_background` still runs (it takes the second core: a generator then gains
        nothing from a helper process of its own)."""
        return any(not pending.done() for pending in self._pending)


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    role: str
    scope: str  # "city" (the root: the city, or the province), a district of the demo city, or "enterprise"
    department: str = ""


DEMO_ACCOUNTS = [
    DemoAccount("sysadmin", "系统管理员", Role.SYSTEM_ADMIN, "city"),
    DemoAccount("secadmin", "安全管理员", Role.SECURITY_ADMIN, "city"),
    DemoAccount("auditor", "审计管理员", Role.AUDIT_ADMIN, "city"),
    DemoAccount("office", "王质强", Role.LEADERSHIP_OFFICE, "city"),
    DemoAccount("reporter", "李填报", Role.DEPARTMENT_REPORTER, "city", department="market-regulation"),
    DemoAccount("jinshui", "张金水", Role.DISTRICT_OFFICER, "金水区"),
    DemoAccount("inspector", "赵执法", Role.INSPECTOR, "金水区"),
    DemoAccount("handler", "陈受理", Role.COMPLAINT_HANDLER, "city"),
    DemoAccount("jinshui-handler", "孙调解", Role.COMPLAINT_HANDLER, "金水区"),
    DemoAccount("enterprise", "刘企业", Role.ENTERPRISE_USER, "enterprise"),
]


def demo_accounts_create(*, enterprise=None, forced_password_change: bool = True) -> list[dict[str, str]]:
    """Create the demo accounts through the user and role services (by=None: the command line).

    An account that already exists keeps its password (and whether it must change it) and gets any missing
    role, so running the demo again after `--reset` never fails on a username. A new account must change the
    printed demo password at first login unless `forced_password_change` is off.
    """
    root = org_root()
    rows = []
    with transaction.atomic():
        for account in DEMO_ACCOUNTS:
            if account.scope == "city":
                unit = root
            elif account.scope == "enterprise":
                unit = enterprise.org_unit if enterprise is not None else None
            else:
                unit = OrgUnit.objects.get(parent__division_code=DEMO_CITY_CODE, name=account.scope)
            if unit is None:
                continue
            department = Department.objects.get(code=account.department) if account.department else None
            user = User.objects.filter(username=account.username).first()
            if user is None:
                user = user_create(
                    username=account.username, password=DEMO_PASSWORD, full_name=account.full_name,
                    org_unit=unit, department=department,
                    enterprise=enterprise if account.role == Role.ENTERPRISE_USER else None, by=None,
                    must_change_password=forced_password_change,
                )
            elif account.role == Role.ENTERPRISE_USER and user.enterprise_id != getattr(enterprise, "pk", None):
                # Demo infrastructure, not a business change: re-point the account at the new demo enterprise.
                User.objects.filter(pk=user.pk).update(enterprise=enterprise, org_unit=unit)
            role_grant(user=user, role=account.role, org_unit=unit, by=None)
            rows.append({
                "username": account.username,
                "role": f"{account.role} ({Role(account.role).label})",
                "scope": str(unit) if account.role != Role.ENTERPRISE_USER else f"{unit} · {enterprise}",
                "password": DEMO_PASSWORD,
            })
    return rows


def demo_accounts_list() -> list[dict[str, str]]:
    """The demo accounts as they are in the database now (for `qcity demo --accounts`)."""
    rows = []
    users = User.objects.filter(username__in=[a.username for a in DEMO_ACCOUNTS]).select_related("enterprise")
    by_name = {u.username: u for u in users}
    for account in DEMO_ACCOUNTS:
        user = by_name.get(account.username)
        if user is None:
            continue
        for assignment in RoleAssignment.objects.filter(user=user).select_related("org_unit"):
            scope = str(assignment.org_unit)
            if user.enterprise_id:
                scope += f" · {user.enterprise}"
            rows.append({
                "username": user.username,
                "role": f"{assignment.role} ({Role(assignment.role).label})",
                "scope": scope,
                "password": DEMO_PASSWORD,
            })
    return rows


def generate(ctx: DemoContext) -> dict[str, Any]:
    """Demo accounts; the enterprise user is linked to the enterprise the enterprise generator chose."""
    accounts = demo_accounts_create(enterprise=ctx.results.get("demo_enterprise"),
                                    forced_password_change=ctx.forced_password_change)
    ctx.results["accounts"] = accounts
    return {"accounts": len(accounts)}


def reset(ctx: DemoContext) -> dict[str, Any]:
    """Delete the demo accounts. One that has acted (audit events point at it) is kept, unlinked
    from its enterprise, because the audit log is append-only."""
    deleted = kept = 0
    for user in User.objects.filter(username__in=[a.username for a in DEMO_ACCOUNTS]):
        try:
            with transaction.atomic():
                RoleAssignment.objects.filter(user=user).delete()
                user.delete()
            deleted += 1
        except ProtectedError:
            User.objects.filter(pk=user.pk).update(enterprise=None)
            kept += 1
    return {"accounts_deleted": deleted, "accounts_kept": kept}
