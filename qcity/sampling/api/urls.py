from django.urls import path

from . import views

urlpatterns = [
    path("sampling/categories/", views.ProductCategoryListApi.as_view(), name="api-sampling-categories"),
    path("sampling/plans/", views.SamplingPlanListApi.as_view(), name="api-sampling-plans"),
    path("sampling/plans/<int:pk>/", views.SamplingPlanDetailApi.as_view(), name="api-sampling-plan-detail"),
    path("sampling/samples/", views.SampleListApi.as_view(), name="api-samples"),
    path("sampling/samples/<int:pk>/", views.SampleDetailApi.as_view(), name="api-sample-detail"),
    path("sampling/test-results/", views.TestResultsApi.as_view(), name="api-sampling-test-results"),
    path("sampling/samples/<int:pk>/conclude/", views.SampleConcludeApi.as_view(), name="api-sample-conclude"),
    path("sampling/samples/<int:pk>/serve/", views.SampleServeApi.as_view(), name="api-sample-serve"),
    path("sampling/samples/<int:pk>/objection/", views.SampleObjectionApi.as_view(), name="api-sample-objection"),
    path("sampling/samples/<int:pk>/retest/", views.SampleRetestApi.as_view(), name="api-sample-retest"),
    path("sampling/samples/<int:pk>/publish/", views.SamplePublishApi.as_view(), name="api-sample-publish"),
    path("sampling/samples/<int:pk>/followup/", views.SampleFollowupApi.as_view(), name="api-sample-followup"),
    path("sampling/followups/", views.FollowupListApi.as_view(), name="api-sampling-followups"),
    path("sampling/followups/<int:pk>/report/", views.FollowupReportApi.as_view(), name="api-followup-report"),
    path("sampling/followups/<int:pk>/reinspect/", views.FollowupReinspectApi.as_view(),
         name="api-followup-reinspect"),
    path("sampling/followups/<int:pk>/announce/", views.FollowupAnnounceApi.as_view(), name="api-followup-announce"),
    path("sampling/followups/<int:pk>/transfer/", views.FollowupTransferApi.as_view(), name="api-followup-transfer"),
    path("sampling/pass-rates/", views.PassRateApi.as_view(), name="api-sampling-pass-rates"),
]

