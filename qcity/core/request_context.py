"""Who is acting and from where, for the audit trail, without passing the request into services.

The middleware sets it for web and API requests; jobs and commands set the channel themselves.
"""

from __future__ import annotations

import contextvars
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    source_ip: str | None = None
    channel: str = "cli"


_current: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar(
    "qcity_request_context", default=None
)
_DEFAULT = RequestContext()


def current() -> RequestContext:
    return _current.get() or _DEFAULT


@contextmanager
def acting_as(context: RequestContext):
    token = _current.set(context)
    try:
        yield context
    finally:
        _current.reset(token)
