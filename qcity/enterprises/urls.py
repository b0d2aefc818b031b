from django.urls import path, re_path

from . import views

app_name = "enterprises"
urlpatterns = [
    path("", views.enterprise_list, name="list"),
    path("new/", views.enterprise_create, name="create"),
    path("import/", views.enterprise_import, name="import"),
    path("import/<int:pk>/", views.enterprise_import_detail, name="import-detail"),
    path("import/<int:pk>/good-rows/", views.enterprise_import_good_rows, name="import-good-rows"),
    path("<int:pk>/", views.enterprise_detail, name="detail"),
    path("<int:pk>/edit/", views.enterprise_edit, name="edit"),
    re_path(r"^(?P<pk>[0-9]+)/(?P<kind>licence|certification|officer)/add/$", views.enterprise_attachment_add,
            name="attachment-add"),
]
