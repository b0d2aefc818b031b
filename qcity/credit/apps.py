from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CreditConfig(AppConfig):
    name = "qcity.credit"
    label = "credit"
    verbose_name = _("信用监管")

    def ready(self):
        from qcity.core.demo import register_demo

        from . import demo, todos
        from .deadlines import register

        register()
        todos.register()
        # after assessment only to keep the rows (and ids) of earlier demo runs for the same seed
        register_demo("credit", demo.generate, reset=demo.reset, after=("assessment",))
        # once every bulk-loaded event is in (sampling's), and before the inspection pools stratify by class
        register_demo("credit-classify", demo.classify, after=("sampling",), before=("inspections",))
