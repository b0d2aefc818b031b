from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.report_list, name="report-list"),
    path("cockpit/", views.cockpit, name="cockpit"),
    path("white-paper/", views.white_paper_download, name="white-paper"),
    path("midterm-evaluation/", views.midterm_evaluation_download, name="midterm-evaluation"),
    path("generated-documents/", views.generated_document_request, name="generated-document-request"),
    path("generated-documents/panel/", views.generated_document_panel, name="generated-document-panel"),
    path("generated-documents/<int:pk>/download/", views.generated_document_download,
         name="generated-document-download"),
]
