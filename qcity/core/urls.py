from django.urls import path

from . import views
from .views import api_tokens, export_jobs
from .views import notifications as notification_views

app_name = "core"
urlpatterns = [
    path("todo-badges/", views.todo_badges, name="todo-badges"),
    path("org-units/", views.org_unit_list, name="org-units"),
    path("departments/", views.department_list, name="departments"),
    path("legal-durations/", views.legal_duration_list, name="legal-durations"),
    path("legal-durations/<int:pk>/edit/", views.legal_duration_edit, name="legal-duration-edit"),
    path("holiday-calendar/", views.holiday_calendar, name="holiday-calendar"),
    path("holiday-calendar/year/", views.holiday_calendar_year_edit, name="holiday-calendar-year"),
    path("deadline-changes/", views.deadline_changes, name="deadline-changes"),
    path("users/", views.user_list, name="users"),
    path("users/<int:pk>/roles/", views.role_grant, name="role-grant"),
    path("role-assignments/<int:pk>/revoke/", views.role_revoke, name="role-revoke"),
    path("users/<int:pk>/password-reset/", views.user_password_reset, name="user-password-reset"),
    path("login-lockouts/", views.login_lockouts, name="login-lockouts"),
    path("login-lockouts/release/", views.login_lockout_release, name="login-lockout-release"),
    path("audit-log/", views.audit_log, name="audit-log"),
    path("service-accounts/", api_tokens.service_account_list, name="service-accounts"),
    path("service-accounts/<int:pk>/", api_tokens.service_account_detail, name="service-account-detail"),
    path("service-accounts/<int:pk>/api-tokens/", api_tokens.service_account_token_issue,
         name="service-account-token-issue"),
    path("service-accounts/<int:pk>/api-tokens/<int:token_pk>/revoke/", api_tokens.service_account_token_revoke,
         name="service-account-token-revoke"),
    path("export-jobs/<int:pk>/", export_jobs.export_job, name="export-job"),
    path("export-jobs/<int:pk>/download/", export_jobs.export_job_download, name="export-job-download"),
    path("notifications/", notification_views.notification_list, name="notifications"),
    path("notifications/<int:pk>/open/", notification_views.notification_open, name="notification-open"),
    path("notifications/read-all/", notification_views.notification_read_all, name="notification-read-all"),
    path("notifications/preferences/", notification_views.notification_preferences,
         name="notification-preferences"),
    path("notifications/failed-deliveries/", notification_views.notification_delivery_list,
         name="notification-deliveries"),
    path("notifications/failed-deliveries/<int:pk>/retry/", notification_views.notification_delivery_retry,
         name="notification-delivery-retry"),
]
