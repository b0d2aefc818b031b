from django.urls import path

from . import views

urlpatterns = [
    path("tasks/", views.TaskListApi.as_view(), name="api-tasks"),
    path("tasks/<int:pk>/", views.TaskDetailApi.as_view(), name="api-task-detail"),
    path("tasks/<int:pk>/progress/", views.TaskProgressApi.as_view(), name="api-task-progress"),
    path("tasks/<int:pk>/complete/", views.TaskCompleteApi.as_view(), name="api-task-complete"),
    path("supervisions/", views.SupervisionListApi.as_view(), name="api-supervisions"),
    path("supervisions/<int:pk>/escalate/", views.SupervisionEscalateApi.as_view(), name="api-supervision-escalate"),
    path("supervisions/<int:pk>/resolve/", views.SupervisionResolveApi.as_view(), name="api-supervision-resolve"),
    path("progress/<int:pk>/attachment/", views.TaskProgressAttachmentApi.as_view(),
         name="api-progress-attachment"),
    path("notices/", views.NoticeListApi.as_view(), name="api-notices"),
    path("notices/<int:pk>/download/", views.NoticeDownloadApi.as_view(), name="api-notice-download"),
]
