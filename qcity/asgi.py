import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qcity.settings.dev")
application = get_asgi_application()

from qcity.core.startup import server_ready  # noqa: E402  (needs the apps loaded)

server_ready()
