from django.urls import path

from . import views

app_name = "workplan"

urlpatterns = [
    path("", views.plan_task_list, name="plan-task-list"),
    path("tasks/<int:pk>/", views.plan_task_detail, name="plan-task-detail"),
    path("tasks/<int:pk>/progress/", views.plan_task_progress, name="plan-task-progress"),
    path("tasks/<int:pk>/complete/", views.plan_task_complete, name="plan-task-complete"),
    path("tasks/<int:pk>/supervise/", views.plan_task_supervise, name="plan-task-supervise"),
    path("progress/<int:pk>/attachment/", views.progress_attachment, name="progress-attachment"),
    path("supervisions/", views.supervision_list, name="supervision-list"),
    path("supervisions/<int:pk>/escalate/", views.supervision_escalate, name="supervision-escalate"),
    path("supervisions/<int:pk>/resolve/", views.supervision_resolve, name="supervision-resolve"),
    path("notices/", views.notice_list, name="notice-list"),
    path("notices/issue/", views.notice_issue, name="notice-issue"),
    path("notices/<int:pk>/download/", views.notice_download, name="notice-download"),
]
