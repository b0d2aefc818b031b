from django.urls import path

from . import api_tokens, notifications, views

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
    path("notifications/", notifications.NotificationListApi.as_view(), name="api-notifications"),
    path("notifications/<int:pk>/read/", notifications.NotificationReadApi.as_view(), name="api-notification-read"),
    path("notifications/read-all/", notifications.NotificationReadAllApi.as_view(), name="api-notification-read-all"),
    path("notification-preferences/", notifications.NotificationPreferenceApi.as_view(),
         name="api-notification-preferences"),
    path("api-tokens/", api_tokens.ApiTokenListApi.as_view(), name="api-api-tokens"),
    path("api-tokens/<int:pk>/", api_tokens.ApiTokenDetailApi.as_view(), name="api-api-token"),
    path("service-accounts/", api_tokens.ServiceAccountListApi.as_view(), name="api-service-accounts"),
    path("service-accounts/<int:pk>/", api_tokens.ServiceAccountDetailApi.as_view(), name="api-service-account"),
    path("service-accounts/<int:pk>/api-tokens/", api_tokens.ServiceAccountApiTokenListApi.as_view(),
         name="api-service-account-api-tokens"),
    path("service-accounts/<int:pk>/api-tokens/<int:token_pk>/", api_tokens.ServiceAccountApiTokenDetailApi.as_view(),
         name="api-service-account-api-token"),
]
