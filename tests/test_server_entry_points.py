import importlib
import sys

import pytest
from celery.signals import worker_process_init

import qcity.celery  # noqa: F401  (connects the worker's receiver)
from qcity.core import startup


@pytest.mark.parametrize("module", ["qcity.wsgi", "qcity.asgi"])
def test_a_server_process_is_readied_once_loaded(module, monkeypatch):
    called = []
    monkeypatch.setattr(startup, "server_ready", lambda: called.append(module))
    monkeypatch.delitem(sys.modules, module, raising=False)
    importlib.import_module(module)
    assert called == [module]


def test_a_celery_worker_process_is_readied(monkeypatch):
    called = []
    monkeypatch.setattr(startup, "server_ready", lambda: called.append("worker"))
    worker_process_init.send(sender=None)
    assert called == ["worker"]
