from django.urls import path

from . import views

app_name = "assessment"

urlpatterns = [
    path("", views.scheme_list, name="scheme-list"),
    path("new/", views.scheme_create, name="scheme-create"),
    path("latest/", views.scheme_redirect_latest, name="latest"),
    path("quality-index/", views.quality_index_page, name="quality-index"),
    path("<int:pk>/", views.scheme_detail, name="scheme-detail"),
    path("<int:pk>/settings/", views.scheme_settings, name="scheme-settings"),
    path("<int:pk>/items/", views.scheme_items_save, name="scheme-items"),
    path("<int:pk>/groups/", views.scheme_group_add, name="scheme-group-add"),
    path("<int:pk>/adjustments/", views.adjustment_add, name="adjustment-add"),
    path("<int:pk>/adjustments/<int:adjustment_pk>/delete/", views.adjustment_remove, name="adjustment-delete"),
    path("<int:pk>/run/", views.scheme_run, name="scheme-run"),
    path("<int:pk>/publish/", views.scheme_publish, name="scheme-publish"),
    path("<int:pk>/results/", views.scheme_results, name="scheme-results"),
    path("results/<int:pk>/", views.result_detail, name="result-detail"),
]
