import gc

import pytest

from qcity.core import startup


@pytest.fixture
def fresh(monkeypatch):
    """A process that has not been readied, whose freeze is recorded instead of done (a frozen test process
    would keep every object of the suite so far)."""
    calls = []
    monkeypatch.setattr(startup, "_done", False)
    monkeypatch.setattr(gc, "freeze", lambda: calls.append("freeze"))
    monkeypatch.setattr(gc, "collect", lambda *args: calls.append("collect") or 0)

    class Resolver:
        @property
        def url_patterns(self):
            calls.append("views")
            return []

    monkeypatch.setattr(startup, "get_resolver", Resolver)
    return calls


def test_server_ready_loads_every_view_then_freezes_once(fresh):
    startup.server_ready()
    startup.server_ready()  # a second call (the module imported again) freezes nothing more
    assert fresh == ["views", "collect", "freeze"]
