"""Public read-only endpoints of published sampling results, mounted by qcity/portal/api/urls.py."""

from django.urls import path

from . import views

urlpatterns = [
    path("public/samples/", views.PublicSampleListApi.as_view(), name="api-public-samples"),
    path("public/samples/<int:pk>/", views.PublicSampleDetailApi.as_view(),
         name="api-public-sample-detail"),
]
