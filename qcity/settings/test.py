"""Test settings: fast password hashing, no lockout noise between tests."""

from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = "memory://"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

import tempfile  # noqa: E402

MEDIA_ROOT = tempfile.mkdtemp(prefix="qcity-test-media-")
