"""Public API (no login): each module's read-only endpoints of published data."""

from django.urls import include, path

urlpatterns = [
    path("", include("qcity.credit.api.public_urls")),
    path("", include("qcity.inspections.api.public_urls")),
    path("", include("qcity.sampling.api.public_urls")),
]
