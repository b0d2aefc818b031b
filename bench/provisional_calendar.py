"""How far a provisional deadline moves when the official schedule arrives.

    .venv/bin/python bench/provisional_calendar.py

For every year chinesecalendar covers under the current festival list (2008–2026) and every start day
up to 30 Nov 2026, the deadline of 5, 15 and 20 working days and of 15 natural days (the periods the modules
store) is counted twice: on the provisional calendar the platform uses before a year's notice is out
(`qcity.core.holiday_law`: statutory holidays and compensatory days, no adjusted workdays) and on the
official schedule. The table gives the share of deadlines that come out the same, later or earlier on the
official schedule, and how far they move. Runs without Django settings: both calendars are pure functions. Always exits 0.
"""

from __future__ import annotations

import statistics
import sys
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from chinese_calendar import is_workday as official_is_workday  # noqa: E402

from qcity.core.holiday_law import provisional_rest_days  # noqa: E402

YEARS = range(2008, 2027)
LAST_START = date(2026, 11, 30)  # every deadline counted from here stays inside the library's years
PERIODS = [("5 working days", 5, "wd"), ("15 working days", 15, "wd"), ("20 working days", 20, "wd"),
           ("15 natural days", 15, "nd")]


def provisional_is_workday(day: date) -> bool:
    return day.weekday() < 5 and day not in provisional_rest_days(day.year)


def count(start: date, n: int, unit: str, is_workday) -> date:
    if unit == "nd":
        day = start + timedelta(days=n)
        while not is_workday(day):
            day += timedelta(days=1)
        return day
    day = start
    while n:
        day += timedelta(days=1)
        if is_workday(day):
            n -= 1
    return day


def main() -> None:
    print(f"{'period':<18}{'deadlines':>10}{'same':>9}{'later':>8}{'earlier':>9}{'within 2 d':>12}"
          f"{'mean shift (moved)':>20}{'max shift':>11}")
    for label, n, unit in PERIODS:
        shifts = []
        day = date(YEARS[0], 1, 1)
        while day <= LAST_START:
            shifts.append((count(day, n, unit, official_is_workday) - count(day, n, unit, provisional_is_workday)).days)
            day += timedelta(days=1)
        moved = [abs(s) for s in shifts if s]
        same = 1 - len(moved) / len(shifts)
        small = sum(1 for s in shifts if abs(s) <= 2) / len(shifts)
        mean = statistics.mean(moved) if moved else 0
        later = sum(1 for s in shifts if s > 0) / len(shifts)
        earlier = sum(1 for s in shifts if s < 0) / len(shifts)
        print(f"{label:<18}{len(shifts):>10,}{same:>9.1%}{later:>8.1%}{earlier:>9.1%}{small:>12.1%}"
              f"{mean:>18.1f} d{max(moved, default=0):>9} d")
    statutory_ok = all(not official_is_workday(d) for y in YEARS for d in provisional_rest_days(y)
                       if not provisional_rest_days(y)[d].endswith("补假"))
    print(f"statutory holidays on weekdays that were official days off: {'all' if statutory_ok else 'NOT ALL'}")


if __name__ == "__main__":
    main()
