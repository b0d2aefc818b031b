from django.urls import path

from . import views

urlpatterns = [
    path("cockpit/", views.CockpitApi.as_view(), name="api-cockpit"),
    path("reports/white-paper/", views.WhitePaperApi.as_view(), name="api-report-white-paper"),
    path("reports/midterm-evaluation/", views.MidtermEvaluationApi.as_view(), name="api-report-midterm-evaluation"),
]
