from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _load_categories(sender, using="default", **kwargs):
    """The product-category catalogue ships with the platform: (re)load it after every migrate."""
    from .services import product_categories_load

    product_categories_load(using=using)


class SamplingConfig(AppConfig):
    name = "qcity.sampling"
    label = "sampling"
    verbose_name = _("监督抽检")

    def ready(self):
        from qcity.core.demo import register_demo

        from . import demo
        from .deadlines import register
        from .pass_rates import register_indicators
        from .todos import register as register_todos

        # loads its credit events in bulk, unclassified (credit-classify runs after it)
        register_demo("sampling", demo.generate, reset=demo.reset, after=("credit",))
        register_indicators()
        register()
        register_todos()
        post_migrate.connect(_load_categories, sender=self, dispatch_uid="sampling-product-categories")
