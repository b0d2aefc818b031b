from django.urls import path, re_path

from . import views

app_name = "enterprises"
urlpatterns = [
    path("", views.enterprise_list, name="list"),
    path("new/", views.enterprise_create, name="create"),
    path("import/", views.enterprise_import, name="import"),
    path("import/<int:pk>/", views.enterprise_import_detail, name="import-detail"),
    path("import/<int:pk>/good-rows/", views.enterprise_import_good_rows, name="import-good-rows"),
    path("accounts/", views.enterprise_account_list, name="account-list"),
    path("accounts/<int:pk>/confirm/", views.enterprise_account_confirm, name="account-confirm"),
    path("accounts/<int:pk>/revoke/", views.enterprise_account_revoke, name="account-revoke"),
    path("accounts/mine/", views.enterprise_account_mine, name="account-mine"),
    path("accounts/mine/invite/", views.enterprise_invitation_create, name="invitation-create"),
    path("accounts/mine/invitations/<int:pk>/resend/", views.enterprise_invitation_resend, name="invitation-resend"),
    path("accounts/mine/<int:pk>/remove/", views.enterprise_colleague_remove, name="colleague-remove"),
    path("<int:pk>/", views.enterprise_detail, name="detail"),
    path("<int:pk>/edit/", views.enterprise_edit, name="edit"),
    re_path(r"^(?P<pk>[0-9]+)/(?P<kind>licence|certification|officer)/add/$", views.enterprise_attachment_add,
            name="attachment-add"),
    re_path(r"^(?P<pk>[0-9]+)/(?P<kind>licence|certification|officer)/form/$", views.enterprise_attachment_form,
            name="attachment-form"),
]

# Public pages of enterprise accounts, mounted under /accounts/ by qcity/urls.py (no namespace: they sit
# beside the login page).
registration_patterns = [
    path("register/", views.enterprise_registration, name="enterprise-registration"),
    path("register/code/", views.enterprise_registration_code, name="enterprise-registration-code"),
    path("invitation/<str:token>/", views.enterprise_invitation_accept, name="enterprise-invitation"),
]
