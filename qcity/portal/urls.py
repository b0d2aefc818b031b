from django.urls import path

from .views import credit, home, inspections, sampling

app_name = "portal"

urlpatterns = [
    path("", home.home, name="home"),
    path("credit/", credit.credit_lookup, name="credit-lookup"),
    path("credit/lists/<str:list_kind>/", credit.credit_list, name="credit-list"),
    path("credit/<str:uscc>/", credit.credit_file, name="credit-file"),
    path("inspections/results/", inspections.inspection_results, name="inspection-results"),
    path("inspections/draws/", inspections.inspection_draws, name="inspection-draws"),
    path("inspections/draws/<int:pk>/", inspections.inspection_draw_detail, name="inspection-draw-detail"),
    path("sampling/", sampling.result_list, name="sampling-results"),
    path("sampling/<int:pk>/", sampling.result_detail, name="sampling-result-detail"),
]
