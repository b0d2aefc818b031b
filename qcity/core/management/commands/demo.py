"""`qcity demo --scale small|city --seed N [--today YYYY-MM-DD]`: reference data, then every module's
demo generator.

Each module that has demo data registers its `generate` (and `reset`) in its AppConfig.ready() with
`qcity.core.demo.register_demo`; the command runs them in the registry's order and the resets in reverse.
A generator receives the DemoContext and returns counts to print.
The demo city lives in the day it is loaded on (`--today`, default the local date): the same seed and
the same day give the same data, so benchmarks and tests pass `--today`.
"""

import argparse
import datetime
import time
from concurrent.futures import ThreadPoolExecutor

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from qcity.core import demo as core_demo
from qcity.core.services import province_load, reference_data_load

FIRST_TODAY = datetime.date(2022, 9, 1)  # the year of operations under the legal durations in force since 2021-09-01


class Command(BaseCommand):
    help = ("Load demo data: Zhengzhou's reference data, enterprises with valid credit codes, and one "
            "account per role. `small` ≈ 5,000 enterprises; `city` = 1.5 million (benchmarks); "
            "`province` = 10 million in Henan's 18 cities, Zhengzhou among them.")

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(core_demo.SCALES), default="small")
        parser.add_argument("--seed", type=int, default=2026, help="same seed, same data (default 2026)")
        parser.add_argument("--today", type=_day, default=None, metavar="YYYY-MM-DD",
                            help="the day the demo city lives in: its year of operations ends the day before, "
                                 "open work is due around it (default: today's local date)")
        parser.add_argument("--reset", action="store_true",
                            help="delete the data of earlier demo runs (and the demo accounts) first")
        parser.add_argument("--accounts", action="store_true",
                            help="only print the demo accounts that exist now")
        parser.add_argument("--no-forced-change", action="store_true",
                            help="do not make the new demo accounts change the demo password at first login "
                                 "(automated test servers; never on a server others can reach)")
        parser.add_argument("--count", type=int, default=None, help=argparse.SUPPRESS)  # tests: tiny scale; benchmarks: 10 million (README)

    def handle(self, *args, scale, seed, today, reset, accounts, count, no_forced_change=False, **options):
        if accounts:
            self._print_accounts(core_demo.demo_accounts_list())
            return
        count = core_demo.SCALES[scale] if count is None else count
        if count < 1:
            raise CommandError("--count must be at least 1")
        real_today = timezone.localdate()
        try:
            today = _day(today) if isinstance(today, str) else today or real_today  # call_command passes it as is
        except argparse.ArgumentTypeError as exc:
            raise CommandError(f"--today: {exc}") from None
        if today > real_today:
            # The services refuse acts dated after the real day (a result published tomorrow), so a demo
            # of a later day would stop half-way; a test that needs one moves the clock there first.
            raise CommandError(f"--today {today} is after today's date ({real_today}): the demo's history "
                               "goes through the services, which refuse dates in the future")
        if today < FIRST_TODAY:
            raise CommandError(f"--today must be {FIRST_TODAY} or later: the demo's year of operations needs the "
                               "legal durations in force since 2021-09-01 (and the built-in 2021 plans)")
        ctx = core_demo.DemoContext(scale=scale, seed=seed, enterprise_count=count, today=today,
                                    log=lambda message: self.stdout.write(message),
                                    forced_password_change=not no_forced_change)
        reference_data_load(by=None)
        if scale == "province":
            province_load(by=None)
        ctx.progress("reference data loaded")
        generators = core_demo.demo_generators()
        if reset:
            for generator in reversed(generators):
                if generator.reset is not None:
                    outcome = generator.reset(ctx)
                    ctx.progress("reset: " + ", ".join(f"{k} {v:,}" for k, v in outcome.items()))
        existing = sum(g.existing() for g in generators if g.existing is not None)  # the enterprise register
        if existing:
            if reset:
                raise CommandError(f"{existing:,} enterprises that no demo run made are in the registry; "
                                   "demo data is only loaded into an empty registry.")
            raise CommandError(f"the registry already has {existing:,} enterprises. Run `qcity demo --reset` "
                               "to delete the data of earlier demo runs first.")
        started = time.monotonic()
        with ThreadPoolExecutor(1, thread_name_prefix="demo-background") as ctx.background:
            for generator in generators:
                outcome = generator.generate(ctx)
                ctx.progress(f"{generator.generate.__module__}: " + ", ".join(f"{k} {v:,}" for k, v in outcome.items()))
            ctx.background_wait()
        core_demo.demo_analyze()  # planner statistics for the tables the generators filled
        ctx.progress("analyzed")
        self.stdout.write(self.style.SUCCESS(
            f"demo data ({scale}, seed {seed}, today {today}, {count:,} enterprises) loaded in "
            f"{time.monotonic() - started:.1f} s"))
        self._print_accounts(ctx.results.get("accounts", []))
        if ctx.forced_password_change and ctx.results.get("accounts"):
            self.stdout.write("new demo accounts must change this password at their first login")

    def _print_accounts(self, rows):
        if not rows:
            self.stdout.write("no demo accounts")
            return
        headings = {"username": "username", "role": "role", "scope": "scope", "password": "password"}
        widths = {k: max(_width(h), *(_width(r[k]) for r in rows)) for k, h in headings.items()}
        line = "  ".join(_pad(headings[k], widths[k]) for k in headings)
        self.stdout.write(line)
        self.stdout.write("  ".join("-" * widths[k] for k in headings))
        for row in rows:
            self.stdout.write("  ".join(_pad(row[k], widths[k]) for k in headings))


def _day(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date YYYY-MM-DD") from None


def _width(text: str) -> int:
    """Display width: CJK characters take two columns in a terminal."""
    return sum(2 if ord(c) > 0x2E80 else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
