from django.urls import path

from . import views

app_name = "inspections"

urlpatterns = [
    path("", views.inspection_plan_list, name="inspection-plan-list"),
    path("plans/new/", views.inspection_plan_create, name="inspection-plan-create"),
    path("plans/<int:pk>/", views.inspection_plan_detail, name="inspection-plan-detail"),
    path("plans/<int:pk>/draw/", views.plan_draw, name="plan-draw"),
    path("plans/<int:pk>/publish-results/", views.plan_results_publish, name="plan-results-publish"),
    path("draws/<int:pk>/publish/", views.draw_publish, name="draw-publish"),
    path("draws/<int:pk>/record/", views.draw_record_download, name="draw-record"),
    path("draws/<int:pk>/verify/", views.draw_verify_page, name="draw-verify"),
    path("targets/<int:pk>/", views.target_detail, name="target-detail"),
    path("targets/<int:pk>/results/", views.result_enter, name="result-enter"),
    path("results/", views.result_list, name="result-list"),
    path("results/<int:pk>/publish/", views.result_publish, name="result-publish"),
    path("results/<int:pk>/case-lead/", views.result_case_lead, name="result-case-lead"),
    path("case-leads/", views.case_lead_list, name="case-lead-list"),
    path("case-leads/<int:pk>/close/", views.case_lead_close, name="case-lead-close"),
    path("items/", views.item_list, name="item-list"),
    path("items/new/", views.item_create, name="item-create"),
    path("items/<int:pk>/publish/", views.item_publish, name="item-publish"),
    path("inspectors/", views.inspector_list, name="inspector-list"),
    path("inspectors/new/", views.inspector_create, name="inspector-create"),
    path("inspectors/<int:pk>/", views.inspector_detail, name="inspector-detail"),
    path("inspectors/<int:pk>/update/", views.inspector_update, name="inspector-update"),
    path("inspectors/<int:pk>/conflicts/", views.conflict_declare, name="conflict-declare"),
    path("conflicts/<int:pk>/withdraw/", views.conflict_withdraw, name="conflict-withdraw"),
    path("pools/", views.pool_list, name="pool-list"),
    path("pools/new/", views.pool_create, name="pool-create"),
    path("pools/<int:pk>/build/", views.pool_build, name="pool-build"),
    path("snapshots/<int:pk>/download/", views.snapshot_download, name="snapshot-download"),
    path("my-assignments/", views.my_assignments, name="my-assignments"),
]
