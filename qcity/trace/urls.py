from .views import codes, master, recalls, traces

app_name = "trace"

# Back office, under /trace/.
urlpatterns = [*traces.urlpatterns, *recalls.urlpatterns, *master.urlpatterns, *codes.urlpatterns]

# Public, at the site root: the GS1 Digital Link resolver (/01/<gtin>/10/<lot>) and the merchant and
# transaction code pages, so the URI in a QR code is the page it opens.
public_patterns = [*codes.public_patterns]
