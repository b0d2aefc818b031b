from django.urls import path, re_path

from . import views

app_name = "indicators"
urlpatterns = [
    path("", views.plan_list, name="plan-list"),
    path("plans/import/", views.plan_import, name="plan-import"),
    path("plans/import/<int:pk>/", views.plan_import_review, name="plan-import-review"),
    path("plans/<slug:code>/", views.plan_detail, name="plan-detail"),
    path("status/", views.status_board, name="status"),
    path("status/rule/", views.status_rule_edit, name="status-rule"),
    path("values/", views.reported_value_list, name="value-list"),
    path("values/new/", views.reported_value_create, name="value-create"),
    path("values/import/", views.reported_value_import, name="value-import"),
    path("values/last/", views.reported_value_last, name="value-last"),
    path("values/<int:pk>/resubmit/", views.reported_value_resubmit, name="value-resubmit"),
    re_path(r"^values/(?P<pk>[0-9]+)/(?P<action>review|approve|return|reopen)/$", views.reported_value_transition,
            name="value-transition"),
    path("decompositions/", views.target_decomposition_table, name="decomposition-table"),
    path("decompositions/import/", views.target_decomposition_import, name="decomposition-import"),
    path("decompositions/<int:pk>/confirm/", views.target_decomposition_confirm, name="decomposition-confirm"),
    path("<int:pk>/decomposition/<int:year>/", views.target_decomposition_edit, name="decomposition-edit"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence-download"),
    path("<int:pk>/", views.indicator_detail, name="indicator-detail"),
]
