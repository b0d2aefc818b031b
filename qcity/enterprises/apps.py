from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnterprisesConfig(AppConfig):
    name = "qcity.enterprises"
    label = "enterprises"
    verbose_name = _("市场主体")
