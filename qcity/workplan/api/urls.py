from django.urls import path

from . import views

urlpatterns = [
    path("plan-tasks/", views.PlanTaskListApi.as_view(), name="api-plan-tasks"),
    path("plan-tasks/<int:pk>/", views.PlanTaskDetailApi.as_view(), name="api-plan-task-detail"),
    path("plan-tasks/<int:pk>/progress/", views.PlanTaskProgressApi.as_view(), name="api-plan-task-progress"),
    path("plan-tasks/<int:pk>/complete/", views.PlanTaskCompleteApi.as_view(), name="api-plan-task-complete"),
    path("supervisions/", views.SupervisionListApi.as_view(), name="api-supervisions"),
    path("supervisions/<int:pk>/escalate/", views.SupervisionEscalateApi.as_view(), name="api-supervision-escalate"),
    path("supervisions/<int:pk>/resolve/", views.SupervisionResolveApi.as_view(), name="api-supervision-resolve"),
    path("task-progress/<int:pk>/attachment/", views.TaskProgressAttachmentApi.as_view(),
         name="api-plan-task-progress-attachment"),
    path("notices/", views.NoticeListApi.as_view(), name="api-notices"),
    path("notices/<int:pk>/download/", views.NoticeDownloadApi.as_view(), name="api-notice-download"),
]
