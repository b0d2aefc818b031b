from django.urls import path

from . import views

app_name = "workplan"

urlpatterns = [
    path("", views.task_list, name="task-list"),
    path("tasks/<int:pk>/", views.task_detail, name="task-detail"),
    path("tasks/<int:pk>/progress/", views.task_progress, name="task-progress"),
    path("tasks/<int:pk>/complete/", views.task_complete, name="task-complete"),
    path("tasks/<int:pk>/supervise/", views.task_supervise, name="task-supervise"),
    path("progress/<int:pk>/attachment/", views.progress_attachment, name="progress-attachment"),
    path("supervisions/", views.supervision_list, name="supervision-list"),
    path("supervisions/<int:pk>/escalate/", views.supervision_escalate, name="supervision-escalate"),
    path("supervisions/<int:pk>/resolve/", views.supervision_resolve, name="supervision-resolve"),
    path("notices/", views.notice_list, name="notice-list"),
    path("notices/issue/", views.notice_issue, name="notice-issue"),
    path("notices/<int:pk>/download/", views.notice_download, name="notice-download"),
]
