"""The demo command runs what the apps register (qcity/core/demo.py), so core imports no domain app; its
helper process and its background thread."""

import datetime
import os
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from qcity.core import demo
from qcity.core.models import User


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


def test_work_made_in_the_helper_process_comes_back_in_order_and_raises_there():
    args = [(n,) for n in range(7)]
    made = list(demo.made_in_helper(_square_and_pid, args, helper=True))
    assert [square for square, _pid in made] == [n * n for n in range(7)]
    assert {pid for _square, pid in made} == {made[0][1]} != {os.getpid()}  # one other process made them all
    alone = list(demo.made_in_helper(_square_and_pid, args, helper=False))
    assert [square for square, _pid in alone] == [n * n for n in range(7)]
    assert {pid for _square, pid in alone} == {os.getpid()}
    with pytest.raises(ValueError, match="no 3"):  # an error in the helper is raised here
        list(demo.made_in_helper(_square_and_pid, [(1,), (2,), (3, True), (4,)], helper=True))


def test_the_helper_inherits_the_function_and_none_of_the_database_connections(db):
    connection.ensure_connection()
    unpicklable = threading.Lock()  # a closure over it could not be sent to a helper by pickle

    def made(n: int) -> tuple[int, bool, bool]:
        return n, unpicklable is not None, connection.connection is None

    assert list(demo.made_in_helper(made, [(1,), (2,)], helper=True)) == [(1, True, True), (2, True, True)]
    assert connection.connection is not None and User.objects.filter(pk=-1).count() == 0  # still ours, in use


def _square_and_pid(n: int, fail: bool = False) -> tuple[int, int]:
    if fail:
        raise ValueError(f"no {n} here")
    return n * n, os.getpid()


def _ctx(**kwargs) -> demo.DemoContext:
    return demo.DemoContext(scale="small", seed=1, enterprise_count=1, today=datetime.date(2026, 6, 1), **kwargs)


def test_background_work_runs_beside_the_generators_and_raises_when_waited_for():
    # given a context with the demo command's background thread
    ran, release = [], threading.Event()

    def slow():
        release.wait(5)
        ran.append(threading.current_thread().name)

    def fails():
        raise ValueError("index build failed")

    with ThreadPoolExecutor(1, thread_name_prefix="demo-background") as background:
        ctx = _ctx(background=background)
        # when work is given to it, the caller goes on at once
        ctx.in_background(slow)
        ctx.in_background(fails)
        assert ran == []
        release.set()
        # then waiting for it returns once it ran on the background thread, and raises what it raised
        with pytest.raises(ValueError, match="index build failed"):
            ctx.background_wait()
    assert len(ran) == 1 and ran[0].startswith("demo-background")


def test_without_a_background_thread_the_work_is_done_at_once():
    ran = []
    _ctx().in_background(lambda: ran.append(threading.current_thread().name))
    assert ran == [threading.current_thread().name]
