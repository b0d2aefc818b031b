"""To-do sources for tests: fake sources holding their items in memory, registered alone for one test.

    with only_sources(fake_source("t.values", roles={Role.DISTRICT_OFFICER}, items=[...])) as calls: ...

`only_sources` hides the sources the apps registered (their data is not the test's), and puts them back
afterwards; `calls` counts each source's count() calls, so a test can tell a page did not count.
"""

from __future__ import annotations

from collections import Counter
from contextlib import contextmanager
from datetime import date

from qcity.core import todos
from qcity.core.todos import TodoItem, TodoSource


def item(title: str, due_on: date | None = None, **kw) -> TodoItem:
    return TodoItem(title=title, url=f"/todo/{title}/", due_on=due_on, **kw)


def fake_source(key: str, *, roles, items: list[TodoItem], menu: str = "", list_url: str = "",
                order: int = 100, calls: Counter | None = None, label: str = "") -> TodoSource:
    """A source whose items are `items` for every user holding one of `roles` (in the order given: the
    registry sorts them); `calls[key]` counts its count() calls."""
    counter = calls if calls is not None else Counter()

    def count(user, today):
        counter[key] += 1
        return len(items)

    return TodoSource(key=key, label=label or key, roles=frozenset(roles), items=lambda user, today, limit: items[:limit],
                      count=count, menu=menu, list_url=list_url, order=order)


@contextmanager
def only_sources(*sources: TodoSource):
    """Register `sources` as the only ones for the duration of the block."""
    saved = dict(todos._sources)
    todos._sources.clear()
    for source in sources:
        todos.register(source)
    try:
        yield
    finally:
        todos._sources.clear()
        todos._sources.update(saved)
