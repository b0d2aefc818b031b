from django.urls import path

from . import views

urlpatterns = [
    path("assessment-schemes/", views.AssessmentSchemeListApi.as_view(), name="api-assessment-schemes"),
    path("assessment-schemes/<int:pk>/", views.AssessmentSchemeDetailApi.as_view(), name="api-assessment-scheme-detail"),
    path("assessment-schemes/<int:pk>/weights/", views.AssessmentSchemeWeightsApi.as_view(),
         name="api-assessment-scheme-weights"),
    path("assessment-schemes/<int:pk>/run/", views.AssessmentSchemeRunApi.as_view(), name="api-assessment-scheme-run"),
    path("assessment-results/", views.AssessmentResultListApi.as_view(), name="api-assessment-results"),
    path("assessment-results/<int:pk>/", views.AssessmentResultDetailApi.as_view(), name="api-assessment-result-detail"),
    path("quality-index/", views.QualityIndexApi.as_view(), name="api-quality-index"),
]
