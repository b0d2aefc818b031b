from django.urls import path

from . import views

urlpatterns = [
    path("product-categories/", views.ProductCategoryListApi.as_view(), name="api-product-categories"),
    path("sampling-plans/", views.SamplingPlanListApi.as_view(), name="api-sampling-plans"),
    path("sampling-plans/<int:pk>/", views.SamplingPlanDetailApi.as_view(), name="api-sampling-plan-detail"),
    path("samples/", views.SampleListApi.as_view(), name="api-samples"),
    path("samples/<int:pk>/", views.SampleDetailApi.as_view(), name="api-sample-detail"),
    path("test-item-results/", views.TestItemResultsApi.as_view(), name="api-test-item-results"),
    path("samples/<int:pk>/conclude/", views.SampleConcludeApi.as_view(), name="api-sample-conclude"),
    path("samples/<int:pk>/serve/", views.SampleServeApi.as_view(), name="api-sample-serve"),
    path("samples/<int:pk>/objection/", views.SampleObjectionApi.as_view(), name="api-sample-objection"),
    path("samples/<int:pk>/retest/", views.SampleRetestApi.as_view(), name="api-sample-retest"),
    path("samples/<int:pk>/publish/", views.SamplePublishApi.as_view(), name="api-sample-publish"),
    path("samples/<int:pk>/followup/", views.SampleFollowupApi.as_view(), name="api-sample-followup"),
    path("sampling-objection-evidences/<int:pk>/download/", views.SamplingObjectionEvidenceDownloadApi.as_view(),
         name="api-sampling-objection-evidence-download"),
    path("followups/", views.FollowupListApi.as_view(), name="api-followups"),
    path("followups/<int:pk>/report/", views.FollowupReportApi.as_view(), name="api-followup-report"),
    path("followups/<int:pk>/reinspect/", views.FollowupReinspectApi.as_view(),
         name="api-followup-reinspect"),
    path("followups/<int:pk>/announce/", views.FollowupAnnounceApi.as_view(), name="api-followup-announce"),
    path("followups/<int:pk>/transfer/", views.FollowupTransferApi.as_view(), name="api-followup-transfer"),
    path("pass-rates/", views.PassRateApi.as_view(), name="api-pass-rates"),
]
