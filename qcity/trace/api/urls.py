from . import capture, codes, master, query, recalls, traces

# The EPCIS 2.0 REST binding lives under /api/epcis/ (capture, capture jobs, events and queries); the rest of the
# module's resources are flat and plural like every other app's.
urlpatterns = [*capture.urlpatterns, *query.urlpatterns, *traces.urlpatterns, *recalls.urlpatterns,
               *master.urlpatterns, *codes.urlpatterns]
