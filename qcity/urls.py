from csp.decorators import csp_update
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from qcity.complaints.urls import public_patterns as complaints_public_patterns
from qcity.core import views as core_views
from qcity.enterprises.urls import registration_patterns
from qcity.trace.urls import public_patterns as trace_public_patterns

# Swagger UI and Redoc (drf-spectacular's templates) start with an inline script, and Redoc injects its
# styles and runs a blob: worker: these two pages, for logged-in users only, relax the CSP for themselves.
API_DOCS_CSP = csp_update({"script-src": ["'unsafe-inline'"], "style-src": ["'unsafe-inline'"],
                           "worker-src": ["'self'", "blob:"]})

api_patterns = [
    path("", include("qcity.core.api.urls")),
    path("", include("qcity.enterprises.api.urls")),
    path("", include("qcity.indicators.api.urls")),
    path("", include("qcity.workplan.api.urls")),
    path("", include("qcity.assessment.api.urls")),
    path("", include("qcity.credit.api.urls")),
    path("", include("qcity.inspections.api.urls")),
    path("", include("qcity.sampling.api.urls")),
    path("", include("qcity.complaints.api.urls")),
    path("", include("qcity.trace.api.urls")),
    path("", include("qcity.reports.api.urls")),
    path("", include("qcity.portal.api.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", API_DOCS_CSP(SpectacularSwaggerView.as_view(url_name="schema")), name="api-docs"),
    path("redoc/", API_DOCS_CSP(SpectacularRedocView.as_view(url_name="schema")), name="api-redoc"),
]

urlpatterns = [
    path("", core_views.home, name="home"),
    path("accounts/", include("qcity.core.auth_urls")),
    path("accounts/", include(registration_patterns)),  # enterprise self-registration, invitations
    path("i18n/", include("django.conf.urls.i18n")),
    path("core/", include("qcity.core.urls")),
    path("enterprises/", include("qcity.enterprises.urls")),
    path("indicators/", include("qcity.indicators.urls")),
    path("workplan/", include("qcity.workplan.urls")),
    path("assessment/", include("qcity.assessment.urls")),
    path("credit/", include("qcity.credit.urls")),
    path("inspections/", include("qcity.inspections.urls")),
    path("sampling/", include("qcity.sampling.urls")),
    path("complaints/", include("qcity.complaints.urls")),
    path("public/complaints/", include((complaints_public_patterns, "complaints-public"))),
    path("trace/", include("qcity.trace.urls")),
    path("reports/", include("qcity.reports.urls")),
    path("public/", include("qcity.portal.urls")),
    path("api/", include(api_patterns)),
    path("", include((trace_public_patterns, "trace-public"))),
]

# No /media/ route, not even under DEBUG: uploads are served only by views that check the owning object's
# scope (evidence, progress attachments, notices) through qcity.core.downloads.attachment_response.
