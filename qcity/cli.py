"""The `qcity` command: Django's management commands under one name.

`qcity plans load` and similar two-word forms map to a management command with a sub-command
argument; `qcity serve` starts the web server.
"""

import os
import sys

from django.core.management import execute_from_command_line


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qcity.settings.dev")
    args = list(sys.argv[1:] if argv is None else argv)
    execute_from_command_line(["qcity", *args])


if __name__ == "__main__":
    main()
