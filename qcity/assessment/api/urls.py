from django.urls import path

from . import views

urlpatterns = [
    path("assessment-schemes/", views.SchemeListApi.as_view(), name="api-assessment-schemes"),
    path("assessment-schemes/<int:pk>/", views.SchemeDetailApi.as_view(), name="api-assessment-scheme-detail"),
    path("assessment-schemes/<int:pk>/run/", views.SchemeRunApi.as_view(), name="api-assessment-scheme-run"),
    path("assessment-results/", views.ResultListApi.as_view(), name="api-assessment-results"),
    path("assessment-results/<int:pk>/", views.ResultDetailApi.as_view(), name="api-assessment-result-detail"),
    path("quality-index/", views.QualityIndexApi.as_view(), name="api-quality-index"),
]
