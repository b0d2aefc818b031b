from django.urls import path, re_path

from . import views

urlpatterns = [
    path("plans/", views.PlanListApi.as_view(), name="api-plans"),
    path("plans/<slug:code>/", views.PlanDetailApi.as_view(), name="api-plan-detail"),
    path("plan-imports/", views.PlanImportApi.as_view(), name="api-plan-imports"),
    path("plan-imports/<int:pk>/accept/", views.PlanImportAcceptApi.as_view(), name="api-plan-import-accept"),
    path("indicators/", views.IndicatorListApi.as_view(), name="api-indicators"),
    path("indicators/<int:pk>/", views.IndicatorDetailApi.as_view(), name="api-indicator-detail"),
    path("indicators/<int:pk>/decomposition/", views.IndicatorDecompositionApi.as_view(),
         name="api-indicator-decomposition"),
    path("target-decompositions/", views.TargetDecompositionListApi.as_view(), name="api-target-decompositions"),
    path("target-decompositions/import/", views.TargetDecompositionImportApi.as_view(),
         name="api-target-decompositions-import"),
    path("target-decompositions/<int:pk>/confirm/", views.TargetDecompositionConfirmApi.as_view(),
         name="api-target-decomposition-confirm"),
    path("indicator-statuses/", views.IndicatorStatusApi.as_view(), name="api-indicator-statuses"),
    path("reported-values/", views.ReportedValueListApi.as_view(), name="api-reported-values"),
    path("reported-values/import/", views.ReportedValueImportApi.as_view(), name="api-reported-values-import"),
    path("reported-values/<int:pk>/evidence/", views.ReportedValueEvidenceApi.as_view(),
         name="api-reported-value-evidence"),
    re_path(r"^reported-values/(?P<pk>[0-9]+)/(?P<action>review|approve|return|reopen)/$",
            views.ReportedValueTransitionApi.as_view(), name="api-reported-value-transition"),
]
