from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "qcity.reports"
    label = "reports"
    verbose_name = _("驾驶舱与报告")
