from django.urls import path

from . import views

urlpatterns = [
    path("org-units/", views.OrgUnitListApi.as_view(), name="api-org-units"),
    path("departments/", views.DepartmentListApi.as_view(), name="api-departments"),
    path("audit-events/", views.AuditEventListApi.as_view(), name="api-audit-events"),
    path("legal-durations/", views.LegalDurationListApi.as_view(), name="api-legal-durations"),
    path("legal-durations/<slug:code>/deadline/", views.DeadlineApi.as_view(), name="api-deadline"),
    path("working-days/", views.WorkingDaysApi.as_view(), name="api-working-days"),
    path("holiday-calendar-years/", views.HolidayCalendarYearListApi.as_view(), name="api-holiday-calendar-years"),
    path("holiday-calendar-years/import/", views.HolidayCalendarYearImportApi.as_view(),
         name="api-holiday-calendar-year-import"),
    path("deadline-changes/", views.DeadlineChangeListApi.as_view(), name="api-deadline-changes"),
]
