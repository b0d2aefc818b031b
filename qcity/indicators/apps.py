from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "qcity.indicators"
    label = "indicators"
    verbose_name = _("规划与指标")

    def ready(self):
        from qcity.core.demo import register_demo

        from . import demo, todos

        todos.register()  # values to report, to resubmit, to review (core.todos)
        # after workplan: once the built-in plans end, it imports each year's work points, which get values too
        register_demo("indicators", demo.generate, reset=demo.reset, after=("workplan",))
