"""The demo command runs what the apps register (qcity/core/demo.py), so core imports no domain app; its
page cache and helper process."""

import pytest

from qcity.core import demo


def _noop(ctx):
    return {}


@pytest.fixture
def registry(monkeypatch):
    monkeypatch.setattr(demo, "_GENERATORS", {})
    return demo


def test_generators_run_in_registration_order_moved_only_as_far_as_after_and_before_require(registry):
    # given four generators registered a, b (after c), c, d (before a)
    registry.register_demo("a", _noop)
    registry.register_demo("b", _noop, after=("c",))
    registry.register_demo("c", _noop)
    registry.register_demo("d", _noop, before=("a",))
    # then d comes first, b waits for c, the rest keep their order
    assert [g.name for g in registry.demo_generators()] == ["d", "a", "c", "b"]


def test_an_unknown_name_or_a_circle_is_refused(registry):
    registry.register_demo("a", _noop, after=("nobody",))
    with pytest.raises(LookupError, match="nobody"):
        registry.demo_generators()
    registry.register_demo("nobody", _noop, after=("a",))
    with pytest.raises(ValueError, match="circle"):
        registry.demo_generators()


def test_a_name_is_registered_once(registry):
    registry.register_demo("a", _noop)
    registry.register_demo("a", _noop)  # ready() run twice: the same registration
    with pytest.raises(ValueError, match="already registered"):
        registry.register_demo("a", lambda ctx: {})


def test_the_apps_register_their_generators_in_the_order_the_demo_needs():
    # the order `qcity demo` ran before the registry: the same seed and day give the same rows
    # (the reminder job last: every deadline of the demo is in place when it runs)
    assert [g.name for g in demo.demo_generators()] == [
        "enterprises", "core", "enterprise_accounts", "workplan", "indicators", "assessment", "credit", "sampling",
        "complaints", "credit-classify", "inspections", "trace", "reminders"]
    assert all(g.reset is not None for g in demo.demo_generators() if g.name != "credit-classify")



@pytest.mark.django_db
def test_the_page_cache_is_larger_while_the_generators_write_and_as_before_afterwards():
    from django.db import connection

    def cache_size() -> int:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size")
            return cursor.fetchone()[0]

    if connection.vendor != "sqlite":
        with demo.demo_page_cache():  # PostgreSQL: nothing to change
            pass
        return
    before = cache_size()
    with demo.demo_page_cache():
        assert cache_size() == -demo.SQLITE_DEMO_CACHE_KIB != before
    assert cache_size() == before


def test_work_made_in_the_helper_process_comes_back_in_order():
    args = [(n,) for n in range(7)]
    assert list(demo.made_in_helper(_square, args, helper=True)) == [n * n for n in range(7)]
    assert list(demo.made_in_helper(_square, args, helper=False)) == [n * n for n in range(7)]


def _square(n: int) -> int:
    return n * n
