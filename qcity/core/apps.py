from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "qcity.core"
    label = "core"
    verbose_name = _("基础")

    def ready(self):
        from . import signals  # noqa: F401  (connects the login audit receivers)
        from .fields import attach_date_ranges
        from .text import attach_name_and_code_validators

        attach_name_and_code_validators()
        attach_date_ranges()
        from .demo import generate, register_demo, reset

        register_demo("core", generate, reset=reset)  # the demo accounts, used by every later generator
        from .notifications import demo_notifications_reset, demo_reminders_generate

        # the daily reminder job's runs up to the demo's day, once every other generator left its deadlines
        # (all named: one left out would run after it; core/tests/test_demo_registry.py checks it runs last)
        register_demo("reminders", demo_reminders_generate, reset=demo_notifications_reset, after=(
            "enterprises", "enterprise_accounts", "workplan", "indicators", "assessment", "credit", "sampling",
            "credit-classify", "inspections"))
