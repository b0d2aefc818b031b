"""`qcity` on the test suite's pinned clock: the browser tests run `migrate`, `seed`, `demo` and the
server through this launcher so that they see the same "today" as the tests (see the root conftest).

    python tests/browser/pinned_qcity.py 2026-06-15T10:02:31+08:00 runserver --noreload 127.0.0.1:8123

Test-only: time-machine moves the process's clock to the given moment (and lets it tick from there),
then `qcity.cli.main()` runs unchanged, so product code never learns about fake clocks.
"""

import datetime
import sys

import time_machine

from qcity.cli import main


def run(argv: list[str]) -> None:
    if len(argv) < 2:
        sys.exit(f"usage: {sys.argv[0]} ISO-MOMENT QCITY-ARGS...")
    moment = datetime.datetime.fromisoformat(argv[0])
    if moment.tzinfo is None:
        sys.exit(f"{argv[0]}: give the moment with its UTC offset (e.g. 2026-06-15T10:00:00+08:00)")
    with time_machine.travel(moment, tick=True):
        main(argv[1:])


if __name__ == "__main__":
    run(sys.argv[1:])
