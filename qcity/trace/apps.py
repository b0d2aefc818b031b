from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _load_catalogue(sender, using="default", **kwargs):
    """The catalogue of products that must be traceable (airport zone plan 专栏8) ships with the platform:
    missing entries are added after every migrate; edited and retired ones stay as the office left them."""
    from .services.master import trace_catalogue_load

    trace_catalogue_load(using=using)


class TraceConfig(AppConfig):
    name = "qcity.trace"
    label = "trace"
    verbose_name = _("产品追溯")

    def ready(self):
        from qcity.core.demo import register_demo

        from . import demo
        from .indicators import register_indicators

        register_indicators()
        # on the registry and the accounts (the office's account captures); after sampling, whose failed dairy
        # sample is the recalled lot
        register_demo("trace", demo.generate, reset=demo.reset, after=("core", "sampling"), before=("reminders",))
        post_migrate.connect(_load_catalogue, sender=self, dispatch_uid="trace-catalogue")
