from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkplanConfig(AppConfig):
    name = "qcity.workplan"
    label = "workplan"
    verbose_name = _("任务与督办")

    def ready(self):
        from .deadlines import register

        register()
