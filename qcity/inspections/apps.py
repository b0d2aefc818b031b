from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "qcity.inspections"
    label = "inspections"
    verbose_name = _("双随机抽查")

    def ready(self):
        from .deadlines import register

        register()
