"""What a serving process does once it has loaded, before its first request (qcity/wsgi.py, qcity/asgi.py,
qcity/celery.py)."""

from __future__ import annotations

import gc

from django.urls import get_resolver

_done = False


def server_ready() -> None:
    """Import every view (the URLconf), then move what start-up loaded out of the garbage collector's
    generations with `gc.freeze()`, CPython's own tool for long-lived server processes.

    Start-up leaves some 470,000 objects that live as long as the process (models, views, the pinyin
    dictionaries of the enterprise search: 200,000 lists). Each full collection walked them all, 90–150 ms on
    the 2-core machine, and about one request in twelve that builds many objects (the cockpit's first reader
    after a change, the quality index) paid one: most of their p95. Frozen, they are never walked again and
    kept (reference counting still frees one that is dropped; only a cycle among them stays), as nothing loaded at
    start-up is meant to go. Once per process: gunicorn's and uvicorn's workers, Celery's worker processes."""
    global _done
    if _done:
        return
    get_resolver().url_patterns  # noqa: B018  (the import of every view module)
    gc.collect()  # start-up's own garbage goes now, before what is left is frozen for good
    gc.freeze()
    _done = True
