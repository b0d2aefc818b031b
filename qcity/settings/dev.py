"""Development defaults: SQLite under var/, debug on, eager jobs."""

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("DEBUG", True)
