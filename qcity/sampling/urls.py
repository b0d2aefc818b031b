from django.urls import path

from . import views

app_name = "sampling"

urlpatterns = [
    path("", views.sample_list, name="sample-list"),
    path("samples/new/", views.sample_create, name="sample-create"),
    path("samples/<int:pk>/", views.sample_detail, name="sample-detail"),
    path("samples/<int:pk>/results/", views.sample_results, name="sample-results"),
    path("items/<int:pk>/delete/", views.item_delete, name="item-delete"),
    path("samples/<int:pk>/conclude/", views.sample_conclude, name="sample-conclude"),
    path("samples/<int:pk>/serve/", views.sample_serve, name="sample-serve"),
    path("samples/<int:pk>/objection/", views.sample_objection, name="sample-objection"),
    path("samples/<int:pk>/retest/", views.sample_retest, name="sample-retest"),
    path("objection-evidence/<int:pk>/", views.objection_evidence_download, name="objection-evidence-download"),
    path("samples/<int:pk>/publish/", views.sample_publish, name="sample-publish"),
    path("samples/<int:pk>/followup/", views.followup_order, name="followup-order"),
    path("followups/<int:pk>/<str:step>/", views.followup_step, name="followup-step"),
    path("plans/", views.sampling_plan_list, name="sampling-plan-list"),
    path("followups/", views.followup_list, name="followup-list"),
    path("pass-rates/", views.pass_rate_list, name="pass-rates"),
]
