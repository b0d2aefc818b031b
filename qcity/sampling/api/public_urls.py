"""Public read-only endpoints of published sampling results, mounted by qcity/portal/api/urls.py."""

from django.urls import path

from . import views

urlpatterns = [
    path("public/sampling-results/", views.PublicSampleListApi.as_view(), name="api-public-sampling-results"),
    path("public/sampling-results/<int:pk>/", views.PublicSampleDetailApi.as_view(),
         name="api-public-sampling-result-detail"),
]
