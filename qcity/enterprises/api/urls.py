from django.urls import path

from . import views

urlpatterns = [
    path("enterprises/", views.EnterpriseListApi.as_view(), name="api-enterprises"),
    path("enterprise-imports/", views.EnterpriseImportApi.as_view(), name="api-enterprise-import"),
    path("enterprise-imports/<int:pk>/", views.EnterpriseImportDetailApi.as_view(), name="api-enterprise-import-detail"),
    path("enterprises/<int:pk>/", views.EnterpriseDetailApi.as_view(), name="api-enterprise-detail"),
]
