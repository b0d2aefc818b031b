from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _load_reward_rules(sender, using="default", **kwargs):
    """The default reward table ships with the platform: missing rows are added after every migrate."""
    from .services.rewards import reward_rules_load

    reward_rules_load(using=using)


def _load_gazetteer(sender, using="default", **kwargs):
    """The city's gazetteer ships with the platform: missing entries are added after every migrate."""
    from .services.gazetteer import gazetteer_load

    gazetteer_load(using=using)


def _load_classification(sender, using="default", **kwargs):
    """The categories and problem types ship with the platform: missing rows are added after every migrate."""
    from .services.classification import classification_defaults_load

    classification_defaults_load(using=using)


class ComplaintsConfig(AppConfig):
    name = "qcity.complaints"
    label = "complaints"
    verbose_name = _("投诉举报")

    def ready(self):
        from qcity.core.demo import register_demo
        from qcity.core.signals import reference_data_loaded

        from . import demo
        from .deadlines import register as register_deadlines
        from .indicators import register_indicators
        from .todos import register as register_todos

        register_deadlines()
        register_todos()
        register_indicators()
        post_migrate.connect(_load_reward_rules, sender=self, dispatch_uid="complaints-reward-rules")
        post_migrate.connect(_load_gazetteer, sender=self, dispatch_uid="complaints-gazetteer")
        reference_data_loaded.connect(_load_gazetteer, dispatch_uid="complaints-gazetteer-seed")
        post_migrate.connect(_load_classification, sender=self, dispatch_uid="complaints-classification")
        # on the registry, the accounts and the credit demo (which loads only into an empty credit file);
        # before the classification, which counts the substantiated complaints' credit events
        register_demo("complaints", demo.generate, reset=demo.reset,
                      after=("credit", "enterprise_accounts"), before=("credit-classify",))
