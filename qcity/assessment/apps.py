from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "qcity.assessment"
    label = "assessment"
    verbose_name = _("考核")

    def ready(self):
        from qcity.core.demo import register_demo

        from . import demo

        register_demo("assessment", demo.generate, reset=demo.reset, after=("indicators",))  # scores the values
