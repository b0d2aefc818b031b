from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkplanConfig(AppConfig):
    name = "qcity.workplan"
    label = "workplan"
    verbose_name = _("任务与督办")

    def ready(self):
        from qcity.core.demo import register_demo
        from qcity.indicators import quotes

        from . import demo, todos
        from .deadlines import register
        from .selectors import plan_task_quote_spans

        register()
        todos.register()  # tasks coming due, supervisions to answer, tasks overdue (core.todos)
        quotes.register("workplan.tasks", plan_task_quote_spans)  # the plan page anchors the sentences tasks quote
        register_demo("workplan", demo.generate, reset=demo.reset, after=("core",))  # tasks need the accounts
