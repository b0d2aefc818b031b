"""Minimal Django settings to run QU4RTET (quartet_epcis + quartet_capture) for bench/trace.py.

Run only with the throwaway virtualenv's python (var/bench/quartet-venv), never imported by qcity. The database
comes from QUARTET_DATABASE_URL: sqlite:///<path> (default var/bench/quartet.sqlite3) or
postgres://user@host:port/name (needs psycopg in that virtualenv).
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
SECRET_KEY = "bench-only-not-secret"
DEBUG = False
USE_TZ = True
TIME_ZONE = "UTC"
ALLOWED_HOSTS: list[str] = []
INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "quartet_capture",  # quartet_epcis's first migration imports it (undeclared dependency)
    "quartet_epcis",
]
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"


def _database(url: str) -> dict:
    parts = urlsplit(url)
    if parts.scheme.startswith("sqlite"):
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": parts.path}
    return {"ENGINE": "django.db.backends.postgresql", "NAME": parts.path.lstrip("/"),
            "USER": parts.username or "", "PASSWORD": parts.password or "", "HOST": parts.hostname or "",
            "PORT": str(parts.port or "")}


DATABASES = {"default": _database(os.environ.get("QUARTET_DATABASE_URL",
                                                 f"sqlite:///{ROOT / 'var' / 'bench' / 'quartet.sqlite3'}"))}
LOGGING = {"version": 1, "disable_existing_loggers": False,
           "root": {"level": "WARNING", "handlers": []}}
