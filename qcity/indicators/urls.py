from django.urls import path, re_path

from . import views

app_name = "indicators"
urlpatterns = [
    path("", views.plan_list, name="plan-list"),
    path("plans/import/", views.plan_import, name="plan-import"),
    path("plans/import/<int:pk>/", views.plan_import_review, name="plan-import-review"),
    path("plans/<slug:code>/", views.plan_detail, name="plan-detail"),
    path("status/", views.status_board, name="status"),
    path("values/", views.reported_value_list, name="value-list"),
    path("values/new/", views.reported_value_create, name="value-create"),
    path("values/import/", views.reported_value_import, name="value-import"),
    re_path(r"^values/(?P<pk>[0-9]+)/(?P<action>review|approve|return|reopen)/$", views.reported_value_transition,
            name="value-transition"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence-download"),
    path("<int:pk>/", views.indicator_detail, name="indicator-detail"),
]
