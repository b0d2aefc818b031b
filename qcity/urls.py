from django.conf import settings
from django.urls import include, path
from django.views.static import serve
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from qcity.core import views as core_views

api_patterns = [
    path("", include("qcity.core.api.urls")),
    path("", include("qcity.enterprises.api.urls")),
    path("", include("qcity.indicators.api.urls")),
    path("", include("qcity.workplan.api.urls")),
    path("", include("qcity.assessment.api.urls")),
    path("", include("qcity.credit.api.urls")),
    path("", include("qcity.inspections.api.urls")),
    path("", include("qcity.sampling.api.urls")),
    path("", include("qcity.reports.api.urls")),
    path("", include("qcity.portal.api.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="schema"), name="api-redoc"),
]

urlpatterns = [
    path("", core_views.home, name="home"),
    path("accounts/", include("qcity.core.auth_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("core/", include("qcity.core.urls")),
    path("enterprises/", include("qcity.enterprises.urls")),
    path("indicators/", include("qcity.indicators.urls")),
    path("workplan/", include("qcity.workplan.urls")),
    path("assessment/", include("qcity.assessment.urls")),
    path("credit/", include("qcity.credit.urls")),
    path("inspections/", include("qcity.inspections.urls")),
    path("sampling/", include("qcity.sampling.urls")),
    path("reports/", include("qcity.reports.urls")),
    path("public/", include("qcity.portal.urls")),
    path("api/", include(api_patterns)),
]

if settings.DEBUG:
    urlpatterns += [path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT})]
