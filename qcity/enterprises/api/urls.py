from django.urls import path

from . import views

urlpatterns = [
    path("enterprises/", views.EnterpriseListApi.as_view(), name="api-enterprises"),
    path("enterprise-imports/", views.EnterpriseImportApi.as_view(), name="api-enterprise-import"),
    path("enterprise-imports/<int:pk>/", views.EnterpriseImportDetailApi.as_view(), name="api-enterprise-import-detail"),
    path("enterprises/<int:pk>/", views.EnterpriseDetailApi.as_view(), name="api-enterprise-detail"),
    path("enterprise-accounts/", views.EnterpriseAccountListApi.as_view(), name="api-enterprise-accounts"),
    path("enterprise-accounts/<int:pk>/confirm/", views.EnterpriseAccountConfirmApi.as_view(),
         name="api-enterprise-account-confirm"),
    path("enterprise-accounts/<int:pk>/revoke/", views.EnterpriseAccountRevokeApi.as_view(),
         name="api-enterprise-account-revoke"),
]
