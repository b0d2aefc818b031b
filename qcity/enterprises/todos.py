"""What enterprise accounts ask of officers, for the to-do registry (`qcity.core.todos`): the accounts of
enterprises in their unit that await the district's confirmation (no deadline: the account already works,
the confirmation is the district's check of who registered)."""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qcity.core import todos
from qcity.core.models import User
from qcity.core.roles import MARKET_MANAGERS
from qcity.core.todos import TodoItem, TodoSource

from . import accounts
from .choices import EnterpriseAccountStatus
from .models import EnterpriseAccount


def _unconfirmed(user: User):
    if not user.is_authenticated:
        return EnterpriseAccount.objects.none()
    return accounts.enterprise_account_list(user=user).filter(status=EnterpriseAccountStatus.UNCONFIRMED)


def unconfirmed_accounts(user: User, today: date, limit: int) -> list[TodoItem]:
    url = reverse("enterprises:account-list") + "?status=" + EnterpriseAccountStatus.UNCONFIRMED
    return [TodoItem(title=_("确认企业账号：%(name)s") % {"name": a.enterprise.name}, url=url,
                     detail=a.user.display_name)
            for a in _unconfirmed(user).order_by("created_at", "pk")[:limit]]


def unconfirmed_account_count(user: User, today: date) -> int:
    return _unconfirmed(user).count()


def register() -> None:
    todos.register(TodoSource(
        key="enterprises.accounts-to-confirm", label=gettext_lazy("待确认的企业账号"), roles=MARKET_MANAGERS,
        items=unconfirmed_accounts, count=unconfirmed_account_count, menu="enterprises:account-list",
        list_url="enterprises:account-list", order=200))
