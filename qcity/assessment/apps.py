from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "qcity.assessment"
    label = "assessment"
    verbose_name = _("考核")

    def ready(self):
        from qcity.core.demo import register_demo
        from qcity.core.document_kinds import register_document_kind

        from . import demo, documents

        register_demo("assessment", demo.generate, reset=demo.reset, after=("indicators",))  # scores the values
        register_document_kind(documents.ASSESSMENT_RESULTS)  # the Word results, built in the background
