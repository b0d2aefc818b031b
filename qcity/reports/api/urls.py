from django.urls import path

from . import views

urlpatterns = [
    path("cockpit/", views.CockpitApi.as_view(), name="api-cockpit"),
    path("white-papers/", views.WhitePaperApi.as_view(), name="api-white-papers"),
    path("midterm-evaluations/", views.MidtermEvaluationApi.as_view(), name="api-midterm-evaluations"),
    path("generated-documents/", views.GeneratedDocumentCreateApi.as_view(), name="api-generated-documents"),
    path("generated-documents/<int:pk>/", views.GeneratedDocumentDetailApi.as_view(), name="api-generated-document"),
    path("generated-documents/<int:pk>/download/", views.GeneratedDocumentDownloadApi.as_view(),
         name="api-generated-document-download"),
]
