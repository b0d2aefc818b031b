import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qcity.settings.dev")
application = get_wsgi_application()

from qcity.core.startup import server_ready  # noqa: E402  (needs the apps loaded)

server_ready()
