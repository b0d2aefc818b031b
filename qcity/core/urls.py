from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
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
]
