"""Public read-only credit endpoints, mounted from qcity/portal/api/urls.py."""

from django.urls import path

from . import views

urlpatterns = [
    path("public/credit-files/<str:uscc>/", views.PublicCreditFileApi.as_view(), name="api-public-credit-file"),
    path("public/credit-list-entries/<str:list_kind>/", views.PublicCreditListApi.as_view(),
         name="api-public-credit-list-entries"),
]
