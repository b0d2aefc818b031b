from django.urls import path

from . import views

urlpatterns = [
    path("org-units/", views.OrgUnitListApi.as_view(), name="api-org-units"),
    path("departments/", views.DepartmentListApi.as_view(), name="api-departments"),
    path("audit-events/", views.AuditEventListApi.as_view(), name="api-audit-events"),
]
