"""Public read-only endpoints (no login), mounted by qcity/portal/api/urls.py."""

from django.urls import path

from . import views

urlpatterns = [
    path("public/inspection-results/", views.PublicInspectionResultListApi.as_view(),
         name="api-public-inspection-results"),
    path("public/draws/", views.PublicDrawListApi.as_view(), name="api-public-draws"),
    path("public/draws/<int:pk>/", views.PublicDrawRecordApi.as_view(), name="api-public-draw-record"),
    path("public/draws/<int:pk>/verify/", views.PublicDrawVerifyApi.as_view(),
         name="api-public-draw-verify"),
]
