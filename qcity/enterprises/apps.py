from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnterprisesConfig(AppConfig):
    name = "qcity.enterprises"
    label = "enterprises"
    verbose_name = _("市场主体")

    def ready(self):
        from qcity.core.demo import register_demo

        from . import demo
        from .models import Enterprise

        # first of all, into an empty register: the demo accounts (core) link a user to a demo enterprise
        register_demo("enterprises", demo.generate, reset=demo.reset, before=("core",),
                      existing=Enterprise.objects.count)
