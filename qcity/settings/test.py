"""Test settings: fast password hashing, no lockout noise between tests."""

from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = "memory://"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# whatever REDIS_URL says: the suite does not change with the environment (test_middleware runs both stores)
SESSION_ENGINE = "django.contrib.sessions.backends.db"
QCITY_TODO_COUNT_SECONDS = 0  # tests see the menu's to-do badges fresh
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
QCITY_SMS_BACKEND = "qcity.core.sms.LocmemSmsBackend"  # qcity.core.sms.outbox

import tempfile  # noqa: E402

MEDIA_ROOT = tempfile.mkdtemp(prefix="qcity-test-media-")

# SQLite: a test database file per test process instead of shared-cache memory, whose table locks fail
# at once under concurrent writers. Tests with real concurrency (threads, each with its own connection:
# tests/test_idempotency_concurrency.py) then meet SQLite's own locking, as in production.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    import os  # noqa: E402

    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(tempfile.gettempdir(), f"qcity-test-{os.getpid()}.sqlite3")}
