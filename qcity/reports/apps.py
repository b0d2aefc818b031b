from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "qcity.reports"
    label = "reports"
    verbose_name = _("驾驶舱与报告")

    def ready(self):
        from qcity.core.document_kinds import register_document_kind

        from . import services

        register_document_kind(services.WHITE_PAPER)
