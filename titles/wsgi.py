import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "titles.settings")

application = get_wsgi_application()

# gunicorn runs no system checks: refuse to serve without real keys (titles.checks).
from titles.checks import refuse_start_on_errors  # noqa: E402 - needs the apps loaded above

refuse_start_on_errors("web server")
