from django.urls import path

from . import views

urlpatterns = [
    path("enterprises/", views.EnterpriseListApi.as_view(), name="api-enterprises"),
    path("enterprises/import/", views.EnterpriseImportApi.as_view(), name="api-enterprise-import"),
    path("enterprises/<int:pk>/", views.EnterpriseDetailApi.as_view(), name="api-enterprise-detail"),
]
