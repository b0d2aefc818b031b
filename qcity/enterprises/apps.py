from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnterprisesConfig(AppConfig):
    name = "qcity.enterprises"
    label = "enterprises"
    verbose_name = _("市场主体")

    def ready(self):
        from qcity.core.demo import register_demo

        from . import demo
        from .demo import accounts as demo_accounts
        from .models import Enterprise
        from .todos import register as register_todos

        # first of all, into an empty register: the demo accounts (core) link a user to a demo enterprise
        register_demo("enterprises", demo.generate, reset=demo.reset, before=("core",),
                      existing=Enterprise.objects.count)
        # the demo enterprise user's account as its enterprise's administrator, and one awaiting confirmation
        register_demo("enterprise_accounts", demo_accounts.generate, reset=demo_accounts.reset, after=("core",))
        register_todos()
