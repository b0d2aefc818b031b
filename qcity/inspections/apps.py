from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "qcity.inspections"
    label = "inspections"
    verbose_name = _("双随机抽查")

    def ready(self):
        from qcity.core.demo import register_demo

        from . import demo
        from .deadlines import register
        from .todos import register as register_todos

        register()
        register_todos()
        # last: its results go through the services, which reclassify each enterprise at once
        register_demo("inspections", demo.generate, reset=demo.reset, after=("credit",))
