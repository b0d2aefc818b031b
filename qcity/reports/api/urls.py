from django.urls import path

from . import views

urlpatterns = [
    path("cockpit/", views.CockpitApi.as_view(), name="api-cockpit"),
    path("white-papers/", views.WhitePaperApi.as_view(), name="api-white-papers"),
    path("midterm-evaluations/", views.MidtermEvaluationApi.as_view(), name="api-midterm-evaluations"),
]
